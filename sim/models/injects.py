"""The MSEL: injects fired at their time or on their trigger, and the one mechanism that applies effects.

Every effect, whether an inject's or a decision option's, goes through :func:`apply`, which picks
the handler for its type. Effects that last (``for:``) undo themselves when their time is up.
Effects reach the other models only through the bus and their services: a route through the World,
holds through ``MoveRequested`` and ``SortieRequested``, kill rates through ``KillFactor``, casualties
through the medical chain, stocks through the logistics ledger, orders through ``OrderDelay`` (c2).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import simpy

from sim.config import exercise as ex
from sim.config.schema import Scenario
from sim.engine import draws
from sim.engine.bus import MoveRequested, PowerChanged, StockTaken, Watch
from sim.engine.signals import Broken, PhaseDone, Secured
from sim.engine.units import ORDER_PRIORITY, UnitState
from sim.models.c2 import C2State
from sim.models.contract import Better, Installed, Kind, MetricSpec
from sim.models.events import KillFactor, SortieRequested, SupplyRedirected
from sim.models.logistics import LogisticsState
from sim.models.medical import MedicalState

if TYPE_CHECKING:
    from sim.engine.units import Unit
    from sim.engine.world import Process, World

NAME = "injects"
SECTIONS = ("injects",)

CHECK_EVERY_MIN = 15.0  # how often a trigger on a metric that no model announces is looked at
REPAIR_FIRST = ORDER_PRIORITY - 2  # a breakdown takes the unit before any order or MEDEVAC mission queued


@dataclass
class Modifier:
    """A kill-rate or protection change in force from ``start`` to ``end``."""

    applies: Callable[[Unit], bool]
    factor: float
    start: float
    end: float


@dataclass
class ExerciseState:
    """What injects and decisions have done: fired items, holds on units, modifiers in force."""

    world: World
    fired: dict[str, float] = field(default_factory=dict)  # inject or decision id -> time
    taken: dict[str, str] = field(default_factory=dict)  # decision id -> the option taken
    _events: dict[str, simpy.Event] = field(default_factory=dict)
    grounded: dict[str, float] = field(default_factory=dict)  # unit -> grounded until
    broken_down: dict[str, float] = field(default_factory=dict)  # unit -> under repair until
    limits: dict[str, tuple[float, float]] = field(default_factory=dict)  # unit -> (until, min interval)
    last_sortie: dict[str, float] = field(default_factory=dict)
    modifiers: list[Modifier] = field(default_factory=list)
    repairs: dict[str, list[simpy.Process]] = field(default_factory=dict)  # unit -> its repair processes
    controlled: set[str] = field(default_factory=set)  # injects exercise control fires by hand (or never)

    def event(self, item: str) -> simpy.Event:
        ev = self._events.get(item)
        if ev is None:
            ev = self._events[item] = self.world.env.event()
        return ev

    def mark(self, item: str) -> None:
        self.fired[item] = self.world.now
        ev = self.event(item)
        if not ev.triggered:
            ev.succeed()

    # --- answers to the other models' questions ---------------------------------------------------------

    def _until(self, unit: Unit, *tables: dict[str, float]) -> float:
        """Until when ``tables`` hold ``unit`` back (times; 0 when none does)."""
        until = 0.0
        for table in tables:  # (max over a generator, written out: on every move and sortie; times are not negative)
            t = table.get(unit.id, 0.0)
            if t > until:
                until = t
        return until

    def on_move(self, ev: MoveRequested) -> None:
        until = self._until(ev.unit, self.broken_down, self.grounded if "air" in ev.unit.speeds else {})
        if until > self.world.now:
            ev.hold = self.world.env.timeout(until - self.world.now)

    def on_sortie(self, ev: SortieRequested) -> None:
        now, unit = self.world.now, ev.unit
        until = self._until(unit, self.broken_down, self.grounded)
        limit = self.limits.get(unit.id)
        if limit is not None and now < limit[0] and unit.id in self.last_sortie:
            until = max(until, min(self.last_sortie[unit.id] + limit[1], limit[0]))
        if until > now:
            ev.hold = self.world.env.timeout(until - now)
        else:
            self.last_sortie[unit.id] = now

    def on_kill_factor(self, ev: KillFactor) -> None:
        now = self.world.now
        for m in self.modifiers:
            if m.start <= now < m.end and m.applies(ev.unit):
                ev.factor *= m.factor


def state(world: World) -> ExerciseState:
    return world.services.get(ExerciseState)


# --- triggers ---------------------------------------------------------------------------------------------


def trigger(world: World, t: ex.Trigger) -> simpy.Event:
    """An event that fires once ``t`` holds."""
    env = world.env
    if t.secured is not None:
        return world.signal(Secured(t.secured))
    if t.broken is not None:
        return world.signal(Broken(t.broken))
    if t.phase_done is not None:
        return world.signal(PhaseDone(t.phase_done))
    if t.fired is not None:
        return state(world).event(t.fired)
    if t.any_ is not None:
        return env.any_of([trigger(world, s) for s in t.any_])
    if t.all_ is not None:
        return env.all_of([trigger(world, s) for s in t.all_])
    return _crossing(world, t)


def _crossing(world: World, t: ex.Trigger) -> simpy.Event:
    """An event that fires once a metric or a stock crosses its level: tested when the model that owns the
    quantity announces a change on the bus, at the very time it changes. A quantity no model announces
    (a time spent, a share of deliveries) is looked at every ``CHECK_EVERY_MIN`` instead."""
    env, done = world.env, world.env.event()
    watch = _watch(world, t)
    value, about, (level, above) = watch.value, watch.about, _level(t)

    def holds() -> bool:
        return value() > level if above else value() < level

    if holds():
        done.succeed()
    elif not watch.announced_by:
        env.process(_poll(world, holds, done))
    else:

        def look(ev: object) -> None:
            if about(ev) and holds():
                for kind in watch.announced_by:
                    world.bus.unsubscribe(kind, look)
                done.succeed()

        for kind in watch.announced_by:
            world.bus.subscribe(kind, look)
    return done


def _level(t: ex.Trigger) -> tuple[float, bool]:
    """The level a trigger's quantity crosses, and whether it crosses it upwards (``above:``)."""
    if t.stock is not None:
        return t.stock.below, False
    return (t.above, True) if t.above is not None else (t.below, False)  # type: ignore[return-value]


def _watch(world: World, t: ex.Trigger) -> Watch:
    """How a metric or stock trigger watches its quantity: as its model announces it, else on the clock
    (``announced_by`` empty) by the model's metrics, every one of them."""
    if t.stock is not None:
        depot, cls = world.services.get(LogisticsState).depots[t.stock.depot], t.stock.class_
        return Watch((StockTaken,), lambda: depot.level(cls), lambda ev: ev.depot == depot.id and ev.cls == cls)
    assert t.metric is not None
    return metric_watch(world, t.metric)


def metric_watch(world: World, name: str) -> Watch:
    """How to watch the metric ``name``: as its model announces it, else (``announced_by`` empty) by the
    model's metrics, every one of them (triggers, and objectives with within:)."""
    model = world.services.get(Installed).declaring(world.scenario, name)  # the metric may be any model's
    watching = getattr(model, "watch", None)
    watch = watching(world, name) if watching is not None else None
    return watch if watch is not None else Watch((), lambda: model.metrics(world)[name])


def _poll(world: World, holds: Callable[[], bool], done: simpy.Event) -> Process:
    while True:
        yield world.env.timeout(CHECK_EVERY_MIN)
        if holds():
            done.succeed()
            return


def when_due(world: World, item: ex.Inject | ex.DecisionPoint) -> Process:
    """Wait for an inject's or a decision's time and trigger (both, when both are given)."""
    if item.at:
        yield world.env.timeout(item.at)
    if item.when is not None:
        yield trigger(world, item.when)


# --- effects: one mechanism ------------------------------------------------------------------------------


def apply(world: World, effect: Any, source: str = "effect") -> None:
    """Apply one effect now (lasting ones schedule their own end). A ``for:`` given as a distribution is drawn
    now from the stream ``for:<source>`` (an inject's or option's own: no other stream's draws move)."""
    lasting = getattr(effect, "for_", None)
    if isinstance(lasting, draws.Dist):
        minutes = draws.sample(world, lasting, f"for:{source}")
        effect = effect.model_copy(update={"for_": minutes})
        world.emit("effect", type=effect.type, minutes=minutes)
    else:
        world.emit("effect", type=effect.type)
    _HANDLERS[type(effect)](world, effect)


def _for(e: Any) -> float:
    """The ``for:`` of an effect as applied: minutes (``apply`` has drawn a distribution)."""
    assert isinstance(e.for_, float | int), e.for_
    return float(e.for_)


def _for_optional(e: Any) -> float | None:
    return None if e.for_ is None else _for(e)


def _later(world: World, minutes: float | None, then: Callable[[], None]) -> None:
    if minutes is None:
        return

    def wait() -> Process:
        yield world.env.timeout(minutes)
        then()

    world.env.process(wait())


def route_indexes(s: Scenario, sel: ex.CloseRoutes | ex.ReopenRoutes) -> list[int]:
    return [
        i
        for i, r in enumerate(s.map.routes)
        if (not sel.routes or r.id in sel.routes)
        and (sel.mode is None or r.mode == sel.mode)
        and (not sel.places or r.from_ in sel.places or r.to in sel.places)
    ]


def _close(world: World, e: ex.CloseRoutes) -> None:
    routes = route_indexes(world.scenario, e)
    by = "close_routes"  # each such closure counts once; its end takes back its own count only
    for i in routes:
        world.set_route(i, is_open=False, turn_back=e.at_sea == "turn_back", by=by)

    def reopen() -> None:
        for i in routes:
            world.set_route(i, is_open=True, by=by)

    _later(world, _for_optional(e), reopen)


def _reopen(world: World, e: ex.ReopenRoutes) -> None:
    for i in route_indexes(world.scenario, e):
        world.set_route(i, is_open=True)


def aircraft(world: World, e: ex.GroundAircraft | ex.LimitSorties) -> list[Unit]:
    units = [world.units[u] for u in e.units] or [u for u in world.units.values() if "air" in u.speeds]
    return [u for u in units if not e.sides or u.side in e.sides]


def _ground(world: World, e: ex.GroundAircraft) -> None:
    until = world.now + _for(e)
    for u in aircraft(world, e):
        state(world).grounded[u.id] = max(state(world).grounded.get(u.id, 0.0), until)


def _limit(world: World, e: ex.LimitSorties) -> None:
    for u in aircraft(world, e):
        state(world).limits[u.id] = (world.now + _for(e), e.min_interval)


def _breakdown(world: World, e: ex.Breakdown) -> None:
    unit, until = world.units[e.unit], world.now + _for(e)
    st = state(world)
    st.broken_down[unit.id] = max(st.broken_down.get(unit.id, 0.0), until)

    def repair() -> Process:  # no new order or task starts before the repair is done
        with unit.busy.request(priority=REPAIR_FIRST) as turn:
            yield turn
            if world.now < min(until, st.broken_down.get(unit.id, until)):  # unless repaired early
                with contextlib.suppress(simpy.Interrupt):  # declared repaired early (a live session's override)
                    yield world.env.timeout(until - world.now)

    st.repairs.setdefault(unit.id, []).append(world.env.process(repair()))

    def done() -> None:
        if st.broken_down.get(unit.id, until) >= until:  # not declared repaired early since
            world.emit("repaired", unit=unit.id)

    _later(world, _for(e), done)


def repair(world: World, unit_id: str) -> bool:
    """End a unit's breakdown now (a facilitator's override); False if it is not broken down."""
    st = state(world)
    if st.broken_down.get(unit_id, 0.0) <= world.now:
        return False
    st.broken_down[unit_id] = world.now
    for process in st.repairs.get(unit_id, []):
        if process.is_alive and isinstance(process.target, simpy.Timeout):  # those still queued skip it
            process.interrupt()
    return True


def _outage(world: World, e: ex.CommsOutage) -> None:
    world.services.get(C2State).outage(e.nations, world.now, _for(e), e.block)


def _mass_casualty(world: World, e: ex.MassCasualtyEffect) -> None:
    world.emit("mass_casualty", place=e.place, count=e.count)
    ms = world.services.find(MedicalState)
    if ms is not None:
        for _ in range(e.count):
            ms.injure(e.place, e.cause, e.killed_at_scene)


def _reinforce(world: World, e: ex.Reinforce) -> None:
    unit = world.units[e.unit]
    if unit.strength <= 0 or unit.state.out_of_action:
        world.emit("reinforce_too_late", unit=unit.id)
        return
    unit.strength += e.count
    unit.initial += e.count
    world.emit("reinforce", unit=unit.id, n=e.count, side=unit.side)
    world.bus.publish(PowerChanged(unit))


def _supply_loss(world: World, e: ex.SupplyLoss) -> None:
    ls = world.services.get(LogisticsState)
    depot = ls.depots[e.depot]
    level = depot.level(e.class_)
    lost = depot.take(e.class_, level * e.share if e.share is not None else min(e.amount or 0.0, level))
    ls.ledger[e.class_].lost += lost
    world.emit("supplies_lost", depot=e.depot, cls=e.class_, amount=lost)


def _modify(world: World, applies: Callable[[Unit], bool], factor: float, minutes: float | None) -> None:
    end = world.now + minutes if minutes is not None else float("inf")
    state(world).modifiers.append(Modifier(applies, factor, world.now, end))
    _power_changed(world)
    _later(world, minutes, lambda: _power_changed(world))


def _power_changed(world: World) -> None:
    """Fighting power changed for many units: engagements draw their next event again."""
    for u in world.units.values():
        if u.strength > 0 and u.state is UnitState.ENGAGED:
            world.bus.publish(PowerChanged(u))


def _kill_rate(world: World, e: ex.KillRate) -> None:
    units, sides = set(e.units), set(e.sides)
    applies = lambda u: (not units or u.id in units) and (not sides or u.side in sides)  # noqa: E731
    _modify(world, applies, e.factor, _for_optional(e))


def _protection(world: World, e: ex.Protection) -> None:
    # in a two-sided fight, dividing the kill rate of everyone hostile to the side is its protection
    _modify(world, lambda u: u.side != e.side, 1.0 / e.factor, _for_optional(e))


def _redirect(world: World, e: ex.RedirectSupply) -> None:
    world.bus.publish(SupplyRedirected(e.line, e.to, list(e.to_units), e.to_place))


_HANDLERS: dict[type, Callable[[World, Any], None]] = {
    ex.CloseRoutes: _close,
    ex.RedirectSupply: _redirect,
    ex.ReopenRoutes: _reopen,
    ex.GroundAircraft: _ground,
    ex.LimitSorties: _limit,
    ex.Breakdown: _breakdown,
    ex.CommsOutage: _outage,
    ex.MassCasualtyEffect: _mass_casualty,
    ex.Reinforce: _reinforce,
    ex.SupplyLoss: _supply_loss,
    ex.KillRate: _kill_rate,
    ex.Protection: _protection,
}


# --- the model ------------------------------------------------------------------------------------------


def _fire(world: World, inject: ex.Inject) -> Process:
    yield from when_due(world, inject)
    if inject.id not in state(world).controlled:
        fire(world, inject)


def fire(world: World, inject: ex.Inject, **fields: Any) -> None:
    """Fire ``inject`` now: its message, its effects; ``fields`` go into its record (``human_set``)."""
    world.emit("inject", id=inject.id, message=inject.message, **fields)
    for effect in inject.effects:
        apply(world, effect, inject.id)
    state(world).mark(inject.id)


def take_over(world: World, inject_id: str) -> ex.Inject:
    """Exercise control takes ``inject_id`` in hand: it no longer fires at its own time or trigger, only
    when control fires it (``fire``), if ever. Refused once it has fired."""
    st = state(world)
    inject = next((i for i in world.scenario.injects if i.id == inject_id), None)
    if inject is None:
        raise ValueError(f"no inject {inject_id!r} ({', '.join(i.id for i in world.scenario.injects)})")
    if inject_id in st.fired:
        raise ValueError(f"inject {inject_id} has fired already")
    st.controlled.add(inject_id)
    return inject


def install(world: World) -> None:
    s = world.scenario
    if not s.injects and not s.decision_points:
        return
    st = ExerciseState(world)
    world.services.provide(st)
    world.bus.subscribe(MoveRequested, st.on_move)
    world.bus.subscribe(SortieRequested, st.on_sortie)
    world.bus.subscribe(KillFactor, st.on_kill_factor)
    for inject in s.injects:
        world.env.process(_fire(world, inject))


def declare(s: Scenario) -> list[MetricSpec]:
    return [
        MetricSpec(f"inject_fired.{i.id}", Kind.RATE, "", Better.NEITHER, f"inject {i.id} fired") for i in s.injects
    ]


def metrics(world: World) -> dict[str, float]:
    st = world.services.find(ExerciseState)
    fired = st.fired if st is not None else {}
    return {f"inject_fired.{i.id}": float(i.id in fired) for i in world.scenario.injects}
