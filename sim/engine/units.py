"""A unit's state during a run."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import simpy

from sim.config.schema import UnitType

ORDER_PRIORITY = 1


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
    busy: simpy.PriorityResource
    initial: float = 0.0
    killed: float = 0.0
    wounded: float = 0.0
    aboard: str | None = None  # id of the transport carrying this unit
    carrying: list[Unit] = field(default_factory=list)
    state: str = "ready"  # ready, moving, aboard, engaged, defending, broken, repulsed, destroyed
    activity: str = "idle"  # idle, moving, combat: drives consumption
    sorties: int = 0

    def __post_init__(self) -> None:
        self.initial = self.strength
        self.speeds: dict[str, float] = dict(self.type.speed_kmh)  # read on every path query

    @property
    def personnel(self) -> int:
        return math.ceil(self.strength * self.type.personnel_per_element)

    @property
    def capacity(self) -> int:
        """Passengers the unit can carry now: per-element capacity times elements left."""
        return math.floor(self.strength) * self.type.capacity_personnel

    def lose(self, n: float, killed: float) -> None:
        """Take ``n`` losses of which ``killed`` are killed (the rest wounded)."""
        self.strength -= n
        self.killed += killed
        self.wounded += n - killed
        if self.strength <= 1e-9:
            self.strength = 0.0 if isinstance(self.strength, float) else 0
            self.state = "destroyed"
