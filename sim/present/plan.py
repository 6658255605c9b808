"""A scenario's plan, read without running it: phases and triggers, routes and nominal durations,
transports and their trips, supply needs against the stocks at the start.

Nominal means as written: fastest paths at the catalogue's speeds, no waiting for berths, closures,
command delays or combat. The engine's map finds the paths, so the plan and a run agree on routes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sim.config.durations import format_duration, format_time
from sim.config.lift import Load, first_fit, room, takes
from sim.config.ordering import phases_in_order
from sim.config.orders import (
    AssaultOrder,
    DefendOrder,
    DisembarkOrder,
    EmbarkOrder,
    FireSupportOrder,
    LiftOrder,
    MoveOrder,
    WaitOrder,
)
from sim.config.schema import Phase, Scenario, UnitSpec, UnitType
from sim.config.supply import SUPPLY_CLASSES, measure_of
from sim.config.text import pick
from sim.engine.geo import Map


@dataclass
class Trip:
    """One loaded passage of a transport, with its nominal times in minutes."""

    number: int
    load: list[str]
    takes: Load
    load_min: float
    travel_min: float
    unload_min: float
    back_min: float  # 0 when the transport stays

    @property
    def minutes(self) -> float:
        return self.load_min + self.travel_min + self.unload_min + self.back_min


@dataclass
class _Where:
    """Where each unit is planned to be as the phases unfold (None: aboard a transport)."""

    at: dict[str, str | None]
    aboard: dict[str, str] = field(default_factory=dict)


def plan_lines(s: Scenario) -> list[str]:
    """The plan of ``s`` as lines of text, section by section."""
    the_map = Map(s.map)
    start = s.scenario.start
    lines = [
        f"Plan of {pick(s.scenario.name, 'en')}: the run ends at {format_time(s.scenario.duration, start)}",
        "",
        "Phases (in the order their triggers allow; orders with their route and nominal duration)",
    ]
    where = _Where({u.id: u.at for u in s.units})
    units = {u.id: u for u in s.units}
    trips: list[str] = []
    for n, phase in enumerate(phases_in_order(s.phases), 1):
        lines.append(f"  {n}. {phase.id}: {_triggers(phase, s)}")
        for o in phase.orders:
            lines.append(f"       {o.unit} {o.do}: {_order(s, the_map, units, where, o, trips)}")
    lines += ["", "Transports and their trips (load, travel, unload, back; nominal)"]
    lines += trips or ["  (no lift orders)"]
    lines += _supply_lines(s, the_map)
    lines += ["", "Supplies at the start against the need (per unit; idle and combat rates from the catalogue)"]
    lines += list(_supplies(s)) or ["  (no unit carries supplies)"]
    return lines


def _triggers(p: Phase, s: Scenario) -> str:
    parts = []
    if p.start is not None:
        parts.append(f"start {format_time(p.start, s.scenario.start)}")
    if p.after:
        parts.append("after " + ", ".join(p.after))
    if p.when is not None:
        parts.append(f"when {p.when.secured} is secured" if p.when.secured else f"when {p.when.broken} breaks")
    if p.on_call:
        parts.append("when a decision calls it")
    return "; ".join(parts) or f"start {format_time(0, s.scenario.start)}"


def _speeds(s: Scenario, u: UnitSpec) -> dict[str, float]:
    return _modes(s.unit_types[u.type])


def _modes(t: UnitType) -> dict[str, float]:
    return {mode: kmh for mode, kmh in t.speed_kmh.items()}


def _route(the_map: Map, src: str | None, dst: str, speeds: dict[str, float]) -> tuple[str, float]:
    """(text, minutes) of the fastest path; minutes is 0 when already there, -1 when there is no path."""
    if src is None:
        return f"→ {dst} (starts aboard a transport)", 0.0
    if src == dst:
        return f"at {dst} already", 0.0
    path = the_map.path(src, dst, speeds)
    if path is None:
        return f"{src} → {dst}: no route for its modes ({'/'.join(sorted(speeds)) or 'none'})", -1.0
    return f"{' → '.join(path.places)}, {path.distance_km:g} km, {format_duration(path.minutes)}", path.minutes


def _order(s: Scenario, the_map: Map, units: dict[str, UnitSpec], where: _Where, o: object, trips: list[str]) -> str:
    if isinstance(o, LiftOrder):
        return _lift(s, the_map, units, where, o, trips)
    assert isinstance(
        o, MoveOrder | EmbarkOrder | DisembarkOrder | AssaultOrder | DefendOrder | FireSupportOrder | WaitOrder
    )
    u, here = units[o.unit], where.at.get(o.unit)
    delay = f" after a {format_duration(o.delay)} command delay" if o.delay else ""
    if isinstance(o, MoveOrder):
        text, _ = _route(the_map, here, o.to, _speeds(s, u))
        where.at[o.unit] = o.to
        for name, transport in where.aboard.items():
            if transport == o.unit:
                where.at[name] = None
        return text + delay
    if isinstance(o, AssaultOrder):
        text, _ = _route(the_map, here, o.target, _speeds(s, u))
        where.at[o.unit] = o.target
        return f"{text}, then fighting (not timed in the plan){delay}"
    if isinstance(o, FireSupportOrder):
        fs = s.unit_types[u.type].fire_support
        cycle = f"{o.sorties} sorties, one per {format_duration(fs.cycle_min)} per platform" if fs else ""
        return f"on {o.target}: {cycle}{delay}"
    if isinstance(o, EmbarkOrder):
        where.aboard[o.unit], where.at[o.unit] = o.on, None
        t = s.unit_types[units[o.on].type]
        return f"aboard {o.on} at {here}, loading {format_duration(t.load_min)}{delay}"
    if isinstance(o, DisembarkOrder):
        carrier = where.aboard.pop(o.unit) if o.unit in where.aboard else None
        where.at[o.unit] = where.at.get(carrier) if carrier else here
        unload = s.unit_types[units[carrier].type].unload_min if carrier else 0.0
        return f"from {carrier} at {where.at[o.unit]}, unloading {format_duration(unload)}{delay}"
    if isinstance(o, WaitOrder):
        return f"{format_duration(o.duration)}{delay}"
    return f"holds {here}{delay}"


def _lift(s: Scenario, the_map: Map, units: dict[str, UnitSpec], where: _Where, o: LiftOrder, trips: list[str]) -> str:
    """Trips as the engine runs them: load what fits in the listed order (first fit), sail, unload, come back."""
    transport, t = units[o.unit], s.unit_types[units[o.unit].type]
    origin = where.at.get(o.unit)
    capacity = room(t, transport.strength or t.strength)
    text, there = _route(the_map, origin, o.to, _modes(t))
    back = the_map.path(o.to, origin, _modes(t)) if origin else None
    back_min = back.minutes if back else 0.0
    needs = [_takes(s, units[n]) for n in o.units]
    loads = first_fit(capacity, needs) if there >= 0 else []
    planned = [
        Trip(
            k + 1,
            [o.units[i] for i in load],
            sum((needs[i] for i in load), Load()),
            t.load_min,
            there,
            t.unload_min,
            0.0 if k == len(loads) - 1 and not o.return_ else back_min,
        )
        for k, load in enumerate(loads)
    ]
    header = f"  {o.unit} ({transport.type}, room for {capacity}): {text} each way"
    trips.append(header)
    for trip in planned:
        trips.append(
            f"    trip {trip.number} of {len(planned)}: {', '.join(trip.load)} ({trip.takes}): "
            f"load {format_duration(trip.load_min)}, travel {format_duration(trip.travel_min)}, "
            f"unload {format_duration(trip.unload_min)}, back {format_duration(trip.back_min)}"
        )
    for n in o.units:
        where.at[n] = o.to
    where.at[o.unit] = origin if o.return_ else o.to
    total = sum(trip.minutes for trip in planned)
    trips_text = "1 trip" if len(planned) == 1 else f"{len(planned)} trips"
    return f"{', '.join(o.units)} → {o.to} in {trips_text}, {format_duration(total)} in all"


def _takes(s: Scenario, u: UnitSpec) -> Load:
    t = s.unit_types[u.type]
    return takes(t, u.strength or t.strength)


def _supply_lines(s: Scenario, the_map: Map) -> list[str]:
    depots = {d.id: d for d in s.depots}
    units = {u.id: u for u in s.units}
    lines = []
    for line in s.supply_lines:
        src, dst = depots[line.from_].at, depots[line.to].at
        dispatch = {"continuous": "again as soon as back", "reorder": "when the destination runs low"}.get(
            line.dispatch, f"every {format_duration(line.every or 0)}"
        )
        lines.append(f"  supply line {line.id}: {line.from_} → {line.to}, from {format_time(line.start)}, {dispatch}")
        for name in line.transports:
            t = s.unit_types[units[name].type]
            path = the_map.path(src, dst, _modes(t))
            if path is None:
                continue
            cycle = t.load_min + 2 * path.minutes + t.unload_min
            lines.append(
                f"    {name}: {' → '.join(path.places)}, {path.distance_km:g} km, "
                f"{format_duration(path.minutes)} each way; "
                f"round trip {format_duration(cycle)} with loading and unloading; "
                f"up to {(units[name].strength or t.strength) * t.cargo_t:g} t a trip"
            )
    return lines


def _supplies(s: Scenario) -> Iterator[str]:
    per_day = s.logistics.per_person_day
    for u in s.units:
        t = s.unit_types[u.type]
        strength = u.strength or t.strength
        people = strength * t.personnel_per_element
        for cls in SUPPLY_CLASSES:
            if cls not in t.carries:
                continue
            stock = t.carries[cls] * strength
            rates = {
                activity: t.consumption.get(activity, {}).get(cls, 0.0) * strength + per_day.get(cls, 0.0) * people / 24
                for activity in ("idle", "combat")
            }
            lasts = ", ".join(
                f"{activity} {r:.3g}/h, lasts {format_duration(stock / r * 60)}" if r > 0 else f"{activity}: none used"
                for activity, r in rates.items()
            )
            yield f"  {u.id} {cls}: {_num(stock)} {measure_of(cls)} at the start; {lasts}"
    for d in s.depots:
        stocks = ", ".join(
            f"{cls} {_num(st.initial)} of {_num(st.capacity)} {measure_of(cls)}" for cls, st in d.stocks.items()
        )
        yield f"  depot {d.id} at {d.at}: {stocks}"


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"
