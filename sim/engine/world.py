"""The World: one replication's run-scoped context — clock, streams, map, units, signals, log, bus, services."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import simpy

from sim.config.schema import Scenario
from sim.engine.budget import run_until
from sim.engine.bus import Bus, OrderFailed, RouteChanged, StateChanged
from sim.engine.decks import Platforms
from sim.engine.eventlog import EventLog
from sim.engine.geo import Map, Path
from sim.engine.lock import Lock
from sim.engine.rng import Streams
from sim.engine.services import Services
from sim.engine.signals import Condition
from sim.engine.units import Unit, UnitState
from sim.errors import RunBudgetExceeded

Process = Generator[simpy.Event, Any, Any]


@dataclass(frozen=True)
class TurnBack:
    """The cause of an interrupt: a route ahead of a traveller closed, and it must turn back."""

    route: int


OrderHandler = Callable[["World", Unit, Any, simpy.Event], Process]


class World:
    """Everything one replication needs, passed explicitly to every process; no global state.

    Models meet the engine and each other through ``bus`` (typed events) and ``services`` (their state,
    looked up by class); the engine itself knows no model.
    """

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
        self.bus = Bus()
        self.services = Services()
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
                busy=Lock(self.env),
            )
        self.platforms = Platforms(
            self.env, scenario, self.units
        )  # units embarked at the start, and the decks they fly or sail from
        self.handlers: dict[str, OrderHandler] = {}
        self._signals: dict[Condition, simpy.Event] = {}
        self.signal_times: dict[Condition, float] = {}
        self.phases_started: dict[str, float] = {}  # phase -> when it started (objectives only_if a phase)
        # closed routes (indexes into scenario.map.routes) and an event that fires when the set changes; a
        # route is closed while any closure holds it: route -> who closed it -> closures of theirs still on
        self.closed: frozenset[int] = frozenset()
        self.closures: dict[int, Counter[str]] = {}
        self.map_changed = self.env.event()
        # travellers under way: unit -> (its process, path, departure); a closure may turn them back
        self.underway: dict[Unit, tuple[simpy.Process, Path, float]] = {}

    @property
    def now(self) -> float:
        return self.env.now

    def emit(self, kind: str, **fields: Any) -> None:
        if self.log.on:
            self.log.emit(self.env.now, kind, **fields)

    # --- signals: one-shot conditions that phases and orders wait for -----------------------------------

    def signal(self, cond: Condition) -> simpy.Event:
        ev = self._signals.get(cond)
        if ev is None:
            ev = self._signals[cond] = self.env.event()
        return ev

    def fire(self, cond: Condition, **fields: Any) -> None:
        """Mark ``cond`` as holding from now on (idempotent)."""
        ev = self.signal(cond)
        if not ev.triggered:
            self.signal_times[cond] = self.env.now
            ev.succeed()
            self.emit("signal", name=str(cond), **fields)

    def holds(self, cond: Condition) -> bool:
        return cond in self.signal_times

    # --- units --------------------------------------------------------------------------------------

    def units_at(self, place: str) -> list[Unit]:
        return [u for u in self.units.values() if u.location == place and u.strength > 0]

    def set_state(self, unit: Unit, state: UnitState) -> None:
        """The one way a unit's state changes; the models hear of it through ``StateChanged``."""
        old = unit.state
        if old is not state:
            unit.state = state
            self.bus.publish(StateChanged(unit, old, state))

    def fail(self, unit: Unit, reason: str) -> None:
        """An order or task of ``unit`` could not be carried out."""
        self.emit("order_failed", unit=unit.id, reason=reason)
        self.bus.publish(OrderFailed(unit, reason))

    def set_route(self, route: int, is_open: bool, turn_back: bool = False, by: str | None = None) -> None:
        """Close a route, or end a closure of it; everyone waiting for the map to change looks again.

        Closures stack: each is counted under ``by``, who closed it (a scheduled window, an inject), and the
        route reopens only when the last of them ends. Opening with ``by`` ends one closure of ``by``;
        opening without it (a reopen_routes effect, a facilitator's override) ends every closure at once.
        ``turn_back``: travellers under way whose way ahead uses the closed route turn round.
        """
        holders = self.closures.setdefault(route, Counter())
        if not is_open:
            holders[by or ""] += 1
        elif by is None:
            holders.clear()
        elif holders[by] > 0:
            holders[by] -= 1
        holders += Counter()  # drop the closers with none left
        closed = self.closed | {route} if holders else self.closed - {route}
        if turn_back and not is_open:
            for process, path, departed in list(self.underway.values()):
                if route in path.routes_ahead(self.env.now - departed) and process.is_alive:
                    process.interrupt(TurnBack(route))
        if closed != self.closed:
            self.closed = closed
            spec = self.scenario.map.routes[route]
            name = spec.id or f"{spec.from_}-{spec.to}"
            self.emit("route_open" if is_open else "route_closed", route=name)
            self.bus.publish(RouteChanged(route, is_open))
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
                f"replication {self.replication} stopped at simulated minute {self.env.now:,.1f}: it needs more "
                f"than {self.events:,} events, the run budget (--max-events, or scenario.max_events); "
                "raise it if this scenario really needs more"
            )
        self.events += done
