"""A live session: the class plays one run of a scenario, pausing at injects and decisions (``exsim play``)."""

from typing import TYPE_CHECKING

from sim._lazy import package_getattr

if TYPE_CHECKING:
    from sim.play.session import DecisionPause, InjectPause, Pause, PlayScript, PlaySession
    from sim.play.status import Status, UnitPosition

# imported when first used: `exsim --help` registers the play command without loading the simulator
__getattr__ = package_getattr(
    __name__,
    {
        "DecisionPause": "sim.play.session",
        "InjectPause": "sim.play.session",
        "Pause": "sim.play.session",
        "PlayScript": "sim.play.session",
        "PlaySession": "sim.play.session",
        "Status": "sim.play.status",
        "UnitPosition": "sim.play.status",
    },
)

__all__ = ["DecisionPause", "InjectPause", "Pause", "PlayScript", "PlaySession", "Status", "UnitPosition"]
