"""Warnings for scenarios that are valid but probably not what the author meant."""

from __future__ import annotations

from sim.check import fuel
from sim.config.durations import format_duration
from sim.config.orders import AssaultOrder, FireSupportOrder
from sim.config.schema import Scenario, SecureObjective
from sim.config.yamlsafe import PathKey


def lint(s: Scenario) -> list[tuple[PathKey, str]]:
    found: list[tuple[PathKey, str]] = []
    ordered = {o.unit for p in s.phases for o in p.orders}
    carried = {name for p in s.phases for o in p.orders for name in getattr(o, "units", [])}
    targets = {o.target for p in s.phases for o in p.orders if isinstance(o, AssaultOrder | FireSupportOrder)}
    tasked = ordered | carried | {t for line in s.supply_lines for t in line.transports}
    tasked |= {a for leg in s.medical.evacuation for a in leg.assets}
    sustained = {d.at for d in s.depots}
    for i, u in enumerate(s.units):
        if s.phases and u.id not in tasked and u.at not in targets | sustained:
            found.append((("units", i), f"unit {u.id} has no orders, no supply line and no depot where it is"))
    used = {u.at for u in s.units} | {r.from_ for r in s.map.routes} | {r.to for r in s.map.routes}
    for name in s.map.places:
        if name not in used:
            found.append((("map", "places", name), f"place {name} is on no route and holds no unit"))
    for i, p in enumerate(s.phases):
        if not p.orders:
            found.append((("phases", i), f"phase {p.id} has no orders"))
        if p.start is not None and p.start >= s.scenario.duration:
            found.append((("phases", i, "start"), f"phase {p.id} starts after the run ends"))
    for i, o in enumerate(s.objectives):
        if isinstance(o, SecureObjective) and o.within is not None and o.within > s.scenario.duration:
            found.append(
                (
                    ("objectives", i, "within"),
                    f"time limit {format_duration(o.within)} is longer than the run "
                    f"({format_duration(s.scenario.duration)}): failures past the run's end are not seen",
                )
            )
    found.extend(fuel.shortfalls(s))
    return found
