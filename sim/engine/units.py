"""A unit's state during a run."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from sim.config.schema import UnitType
from sim.engine.geo import Speeds
from sim.engine.lock import Lock

ORDER_PRIORITY = 1


class UnitState(StrEnum):
    READY = "ready"
    MOVING = "moving"
    ABOARD = "aboard"
    ENGAGED = "engaged"
    DEFENDING = "defending"
    BROKEN = "broken"  # lost an engagement as defender: no longer holds its place
    REPULSED = "repulsed"  # lost an engagement as attacker
    DESTROYED = "destroyed"

    @property
    def out_of_action(self) -> bool:
        return self in _OUT


_OUT = frozenset({UnitState.BROKEN, UnitState.REPULSED, UnitState.DESTROYED})


@dataclass(eq=False)
class Unit:
    id: str
    type_name: str
    type: UnitType
    side: str
    nation: str | None
    strength: float  # elements left; int-valued in stochastic runs
    location: str | None  # None while moving or aboard a transport
    # orders (and supply trips, and MEDEVAC missions) for one unit run one at a time: lower priority
    # value first, then in the order asked (ORDER_PRIORITY for orders and supply trips)
    busy: Lock
    initial: float = 0.0
    killed: float = 0.0
    wounded: float = 0.0
    aboard: str | None = None  # id of the transport carrying this unit
    carrying: list[Unit] = field(default_factory=list)
    base: str | None = None  # the ship whose flight or well deck it operates from (embarked at the start)
    state: UnitState = UnitState.READY  # change it through World.set_state, which tells the models

    def __post_init__(self) -> None:
        self.initial = self.strength
        self.speeds = Speeds(self.type.speed_kmh)  # read on every path query

    @property
    def personnel(self) -> int:
        return math.ceil(self.strength * self.type.personnel_per_element)

    def lose(self, n: float, killed: float) -> bool:
        """Take ``n`` losses of which ``killed`` are killed (the rest wounded); True when none is left."""
        self.strength -= n
        self.killed += killed
        self.wounded += n - killed
        if self.strength <= 1e-9:
            self.strength = 0.0 if isinstance(self.strength, float) else 0
            return True
        return False
