"""The World: one replication's run-scoped context — clock, streams, map, units, signals, log, metrics."""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from typing import Any

import simpy

from sim.config.schema import Scenario
from sim.engine.budget import run_until
from sim.engine.eventlog import EventLog
from sim.engine.geo import Map, Path
from sim.engine.rng import Streams
from sim.engine.units import Unit
from sim.errors import RunBudgetExceeded

Process = Generator[simpy.Event, Any, Any]
OrderHandler = Callable[["World", Unit, Any, simpy.Event], Process]


class World:
    """Everything one replication needs, passed explicitly to every process; no global state."""

    def __init__(
        self, scenario: Scenario, seed: int, replication: int = 0, trace: bool = False, map_: Map | None = None
    ):
        self.scenario = scenario
        self.seed = seed
        self.replication = replication
        self.env = simpy.Environment()
        self.events = 0  # processed so far, against the run budget (scenario.max_events)
        self.streams = Streams(seed, replication)
        self.log = EventLog(trace)
        self.map = map_ or Map(scenario.map)  # immutable: replications of one scenario may share it
        self.units: dict[str, Unit] = {}
        for spec in scenario.units:
            utype = scenario.unit_types[spec.type]
            self.units[spec.id] = Unit(
                id=spec.id,
                type_name=spec.type,
                type=utype,
                side=spec.side,
                nation=spec.nation,
                strength=spec.strength or utype.strength,
                location=spec.at,
                busy=simpy.PriorityResource(self.env, capacity=1),
            )
        self.handlers: dict[str, OrderHandler] = {}
        self._signals: dict[str, simpy.Event] = {}
        self.signal_times: dict[str, float] = {}
        self.counters: dict[str, float] = {}
        self.services: dict[str, Any] = {}  # model-owned state by model name (e.g. "combat")
        # closed routes (indexes into scenario.map.routes) and an event that fires when the set changes
        self.closed: frozenset[int] = frozenset()
        self.map_changed = self.env.event()
        # extension points for models; the engine calls them, it never imports a model
        self.on_activity: list[Callable[[Unit, str], None]] = []  # unit's activity changed
        self.on_change: list[Callable[[Unit], None]] = []  # a unit's fighting power changed
        self.movement_checks: list[Callable[[Unit, Path], str | None]] = []  # a reason to refuse, or None
        self.kill_factors: list[Callable[[Unit], float]] = []  # multipliers on a unit's kill rate
        self.on_wounded: list[Callable[[Unit, float], None]] = []  # a unit just had this many wounded
        # take a lump of supplies (a sortie's fuel and ordnance); True when it was there to take
        self.supply_draw: Callable[[Unit, Mapping[str, float]], bool] = lambda unit, amounts: True

    @property
    def now(self) -> float:
        return self.env.now

    def emit(self, kind: str, **fields: Any) -> None:
        if self.log.on:
            self.log.emit(self.env.now, kind, **fields)

    def count(self, name: str, by: float = 1.0) -> None:
        self.counters[name] = self.counters.get(name, 0.0) + by

    # --- signals: named one-shot conditions that phases and orders wait for ---------------------------

    def signal(self, name: str) -> simpy.Event:
        ev = self._signals.get(name)
        if ev is None:
            ev = self._signals[name] = self.env.event()
        return ev

    def fire(self, name: str, **fields: Any) -> None:
        """Mark condition ``name`` as holding from now on (idempotent)."""
        ev = self.signal(name)
        if not ev.triggered:
            self.signal_times[name] = self.env.now
            ev.succeed()
            self.emit("signal", name=name, **fields)

    def holds(self, name: str) -> bool:
        return name in self.signal_times

    # --- units --------------------------------------------------------------------------------------

    def units_at(self, place: str) -> list[Unit]:
        return [u for u in self.units.values() if u.location == place and u.strength > 0]

    def set_activity(self, unit: Unit, activity: str) -> None:
        """Idle, moving or combat: what the unit does decides what it consumes."""
        if unit.activity != activity:
            unit.activity = activity
            for fn in self.on_activity:
                fn(unit, activity)

    def kill_factor(self, unit: Unit) -> float:
        f = 1.0
        for fn in self.kill_factors:
            f *= fn(unit)
        return f

    def changed(self, unit: Unit) -> None:
        for fn in self.on_change:
            fn(unit)

    def set_route(self, route: int, is_open: bool) -> None:
        """Open or close a route; everyone waiting for the map to change looks again."""
        closed = self.closed - {route} if is_open else self.closed | {route}
        if closed != self.closed:
            self.closed = closed
            self.emit("route_open" if is_open else "route_closed", route=route)
            done, self.map_changed = self.map_changed, self.env.event()
            done.succeed()

    def register(self, do: str, handler: OrderHandler) -> None:
        self.handlers[do] = handler

    def run(self, until: float | None = None) -> None:
        """Run to ``until`` (default: the scenario's duration) within the run budget of events."""
        end = self.scenario.scenario.duration if until is None else until
        left = self.scenario.scenario.max_events - self.events
        done = run_until(self.env, end, left) if left > 0 else None
        if done is None:
            self.events = self.scenario.scenario.max_events
            raise RunBudgetExceeded(
                f"replication {self.replication} stopped at simulated minute {self.env.now:,.1f} after "
                f"{self.events:,} events, the run budget (--max-events, or scenario.max_events); "
                "raise it if this scenario really needs more"
            )
        self.events += done
