"""Warnings for scenarios that are valid but probably not what the author meant."""

from __future__ import annotations

from collections.abc import Iterator

from sim.check import fuel
from sim.config.durations import format_duration
from sim.config.orders import AssaultOrder, FireSupportOrder
from sim.config.schema import Scenario, SecureObjective
from sim.config.yamlsafe import PathKey
from sim.engine.closures import overlaps
from sim.models.night import calendar


def lint(s: Scenario) -> list[tuple[PathKey, str]]:
    """The warnings for ``s``, check by check."""
    found: list[tuple[PathKey, str]] = []
    for check in (
        _idle_units,
        _unused_places,
        _phases,
        _time_limits,
        fuel.shortfalls,
        _overlapping_closures,
        _no_daylight,
    ):
        found.extend(check(s))
    return found


def _idle_units(s: Scenario) -> Iterator[tuple[PathKey, str]]:
    """Units with nothing to do: no orders and no other task, and neither a target nor at a depot."""
    targets = {o.target for p in s.phases for o in p.orders if isinstance(o, AssaultOrder | FireSupportOrder)}
    tasked = _tasked(s)
    sustained = {d.at for d in s.depots}
    for i, u in enumerate(s.units):
        if s.phases and u.id not in tasked and u.at not in targets | sustained:
            yield ("units", i), f"unit {u.id} has no orders, no supply line and no depot where it is"


def _tasked(s: Scenario) -> set[str]:
    """Units given orders, carried by a lift, running a supply line or evacuating casualties."""
    ordered = {o.unit for p in s.phases for o in p.orders}
    carried = {name for p in s.phases for o in p.orders for name in getattr(o, "units", [])}
    tasked = ordered | carried | {t for line in s.supply_lines for t in line.transports}
    return tasked | {a for leg in s.medical.evacuation for a in leg.assets}


def _unused_places(s: Scenario) -> Iterator[tuple[PathKey, str]]:
    """Places that no route joins and no unit starts at."""
    used = {u.at for u in s.units} | {r.from_ for r in s.map.routes} | {r.to for r in s.map.routes}
    for name in s.map.places:
        if name not in used:
            yield ("map", "places", name), f"place {name} is on no route and holds no unit"


def _phases(s: Scenario) -> Iterator[tuple[PathKey, str]]:
    """Phases with no orders, or starting after the run ends."""
    for i, p in enumerate(s.phases):
        if not p.orders:
            yield ("phases", i), f"phase {p.id} has no orders"
        if p.start is not None and p.start >= s.scenario.duration:
            yield ("phases", i, "start"), f"phase {p.id} starts after the run ends"


def _time_limits(s: Scenario) -> Iterator[tuple[PathKey, str]]:
    """Objectives to secure within a time longer than the run: a late failure would not be seen."""
    for i, o in enumerate(s.objectives):
        if isinstance(o, SecureObjective) and o.within is not None and o.within > s.scenario.duration:
            yield (
                ("objectives", i, "within"),
                f"time limit {format_duration(o.within)} is longer than the run "
                f"({format_duration(s.scenario.duration)}): failures past the run's end are not seen",
            )


def _overlapping_closures(s: Scenario) -> Iterator[tuple[PathKey, str]]:
    """Scheduled closures of one route whose windows overlap: they stack, and the route reopens at the later end."""
    for i, j in overlaps(s):
        a, b = s.closures[i], s.closures[j]
        yield (
            ("closures", j),
            f"closures {i} and {j} of route {a.route} overlap: it stays closed until "
            f"{format_duration(max(a.end, b.end))}, when the later one ends",
        )


def _no_daylight(s: Scenario) -> Iterator[tuple[PathKey, str]]:
    """Units that work only by day (night: false) in a run with no daylight at all (a polar night)."""
    cal = calendar(s)
    if cal is None or cal.next_daylight(0.0) < s.scenario.duration:
        return
    for i, u in enumerate(s.units):
        t = s.unit_types.get(u.type)
        if t is not None and not t.night:
            yield (
                ("units", i, "type"),
                f"{u.id} works only by day ({u.type} has night: false) and the run has no daylight "
                "(scenario.daylight): it never sets out",
            )
