"""A live session: the class plays one run of a scenario, pausing at injects and decisions (``exsim play``)."""

from sim.play.session import (
    DecisionPause,
    InjectPause,
    Pause,
    PlayScript,
    PlaySession,
    Status,
    UnitPosition,
)

__all__ = ["DecisionPause", "InjectPause", "Pause", "PlayScript", "PlaySession", "Status", "UnitPosition"]
