"""Checks across a validated scenario: references, cycles, capacities and reachability.

Each check yields ``(path, message)``; the loader turns paths into file:line positions.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator, Sequence, Set

from sim.config import exercise_refs
from sim.config.lift import Load, is_transport, room, takes
from sim.config.medical import Arrivals, Facility, MassCasualty
from sim.config.schema import (
    AssaultOrder,
    EmbarkOrder,
    FireSupportOrder,
    LiftOrder,
    MetricObjective,
    MoveOrder,
    Scenario,
    SecureObjective,
    metric_names,
)
from sim.config.suggest import unknown
from sim.config.supply import MIN_CYCLE_MIN
from sim.config.yamlsafe import PathKey

Finding = tuple[PathKey, str]


def check(s: Scenario) -> list[Finding]:
    """Every cross-reference problem in ``s`` (empty when the scenario is consistent)."""
    found: list[Finding] = []
    checks = (_run, _ids, _places, _unit_refs, _orders, _phases, _objectives, _logistics, _medical, exercise_refs.check)
    for fn in checks:
        found.extend(fn(s))
    if not found:  # reachability only makes sense once every name resolves
        found.extend(_capacity(s))
        found.extend(_reachability(s))
    return found


def _run(s: Scenario) -> Iterator[Finding]:
    if s.scenario.warmup >= s.scenario.duration:
        yield ("scenario", "warmup"), "the warm-up must end before the run does (scenario.duration)"


def _duplicates(ids: list[str], path: str) -> Iterator[Finding]:
    seen: set[str] = set()
    for i, x in enumerate(ids):
        if x in seen:
            yield (path, i, "id"), f"duplicate id {x!r}"
        seen.add(x)


def _ids(s: Scenario) -> Iterator[Finding]:
    yield from _duplicates([u.id for u in s.units], "units")
    yield from _duplicates([d.id for d in s.depots], "depots")
    yield from _duplicates([line.id for line in s.supply_lines], "supply_lines")
    route_ids = [r.id for r in s.map.routes]
    for i, rid in enumerate(route_ids):
        if rid is not None and rid in route_ids[:i]:
            yield ("map", "routes", i, "id"), f"duplicate id {rid!r}"
    yield from _duplicates([p.id for p in s.phases], "phases")
    yield from _duplicates([o.id for o in s.objectives], "objectives")


def _unknown(kind: str, name: str, known: Iterable[str]) -> str:
    return unknown(kind, name, known)


def _places(s: Scenario) -> Iterator[Finding]:
    places = s.map.places
    for i, r in enumerate(s.map.routes):
        for key, name in (("from", r.from_), ("to", r.to)):
            if name not in places:
                yield ("map", "routes", i, key), _unknown("place", name, places)
        if r.from_ == r.to:
            yield ("map", "routes", i, "to"), "a route must join two different places"


def _unit_refs(s: Scenario) -> Iterator[Finding]:
    for i, u in enumerate(s.units):
        if u.type not in s.unit_types and not s.unit_types:
            yield (
                ("units", i, "type"),
                (
                    f"unknown unit type {u.type!r}: this scenario has no unit types "
                    "(add catalog: exsim:units for the shipped catalogue, or define unit_types:)"
                ),
            )
        elif u.type not in s.unit_types:
            yield ("units", i, "type"), _unknown("unit type", u.type, s.unit_types)
        if u.side not in s.sides:
            yield ("units", i, "side"), _unknown("side", u.side, s.sides)
        elif u.nation and s.sides[u.side].nations and u.nation not in s.sides[u.side].nations:
            yield ("units", i, "nation"), f"nation {u.nation!r} is not listed under sides.{u.side}.nations"
        if u.at not in s.map.places:
            yield ("units", i, "at"), _unknown("place", u.at, s.map.places)


def _orders(s: Scenario) -> Iterator[Finding]:
    units = {u.id: u for u in s.units}
    types = s.unit_types
    for pi, phase in enumerate(s.phases):
        for oi, o in enumerate(phase.orders):
            base: PathKey = ("phases", pi, "orders", oi)
            if o.unit not in units:
                yield (*base, "unit"), _unknown("unit", o.unit, units)
                continue
            utype = types.get(units[o.unit].type)
            for key in ("to", "target"):
                place = getattr(o, key, None)
                if place is not None and place not in s.map.places:
                    yield (*base, key), _unknown("place", place, s.map.places)
            if isinstance(o, EmbarkOrder):
                if o.on not in units:
                    yield (*base, "on"), _unknown("unit", o.on, units)
                elif o.on == o.unit:
                    yield (*base, "on"), "a unit cannot embark on itself"
                elif (t := types.get(units[o.on].type)) and not is_transport(t):
                    yield (*base, "on"), f"{o.on} is not a transport (its type has no seats, deck slots or cargo)"
            if isinstance(o, LiftOrder):
                if utype and not is_transport(utype):
                    yield (*base, "unit"), f"{o.unit} cannot lift: its type has no seats, deck slots or cargo"
                for ui, name in enumerate(o.units):
                    if name not in units:
                        yield (*base, "units", ui), _unknown("unit", name, units)
                    elif name == o.unit:
                        yield (*base, "units", ui), "a transport cannot lift itself"
            if isinstance(o, FireSupportOrder) and utype and utype.fire_support is None:
                yield (*base, "unit"), f"{o.unit} ({units[o.unit].type}) has no fire_support in its unit type"
            if isinstance(o, AssaultOrder) and utype and utype.kill_rate_per_h == 0:
                yield (*base, "unit"), f"{o.unit} ({units[o.unit].type}) cannot assault: its kill_rate_per_h is 0"


def _phases(s: Scenario) -> Iterator[Finding]:
    ids = {p.id: i for i, p in enumerate(s.phases)}
    for i, p in enumerate(s.phases):
        for ai, name in enumerate(p.after):
            if name not in ids:
                yield ("phases", i, "after", ai), _unknown("phase", name, ids)
            elif name == p.id:
                yield ("phases", i, "after", ai), "a phase cannot wait for itself"
        if p.when and p.when.secured and p.when.secured not in s.map.places:
            yield ("phases", i, "when", "secured"), _unknown("place", p.when.secured, s.map.places)
        if p.when and p.when.broken and p.when.broken not in s.sides:
            yield ("phases", i, "when", "broken"), _unknown("side", p.when.broken, s.sides)
    # cycles in the 'after' graph: depth-first search in file order, reported once per cycle
    graph = {p.id: [a for a in p.after if a in ids and a != p.id] for p in s.phases}
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> Iterator[Finding]:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt] if nxt in stack else [node, nxt]
                yield ("phases", ids[node], "after"), f"phases wait for each other in a cycle: {' -> '.join(cycle)}"
            elif nxt not in state:
                yield from visit(nxt, [*stack, nxt])
        state[node] = 2

    for p in s.phases:
        if p.id not in state:
            yield from visit(p.id, [p.id])


def _objectives(s: Scenario) -> Iterator[Finding]:
    known = set(metric_names(s))
    for i, o in enumerate(s.objectives):
        if isinstance(o, SecureObjective) and o.place not in s.map.places:
            yield ("objectives", i, "place"), _unknown("place", o.place, s.map.places)
        elif isinstance(o, SecureObjective) and s.map.places[o.place].kind != "objective":
            yield ("objectives", i, "place"), f"{o.place} is a {s.map.places[o.place].kind}, not an objective"
        if isinstance(o, MetricObjective) and o.metric not in known:
            metrics = [m for m in known if not m.startswith("objective.")]
            yield ("objectives", i, "metric"), _unknown("metric", o.metric, metrics)
    if s.analysis.side is not None and s.analysis.side not in s.sides:
        yield ("analysis", "side"), _unknown("side", s.analysis.side, s.sides)
    for i, name in enumerate(s.analysis.headline):
        if name not in known:
            yield ("analysis", "headline", i), _unknown("metric", name, known)


def _takes(s: Scenario, unit_id: str) -> Load:
    u = next(u for u in s.units if u.id == unit_id)
    t = s.unit_types[u.type]
    return takes(t, u.strength or t.strength)


def _room(s: Scenario, unit_id: str) -> Load:
    u = next(u for u in s.units if u.id == unit_id)
    t = s.unit_types[u.type]
    return room(t, u.strength or t.strength)


def _capacity(s: Scenario) -> Iterator[Finding]:
    """Lifted units that can never fit (even alone, in an empty transport); transports loaded past their room."""
    aboard: dict[str, Load] = {}
    for pi, phase in enumerate(s.phases):
        for oi, o in enumerate(phase.orders):
            base: PathKey = ("phases", pi, "orders", oi)
            if isinstance(o, LiftOrder):
                cap = _room(s, o.unit)
                for ui, name in enumerate(o.units):
                    if not (need := _takes(s, name)).fits(cap):
                        yield (
                            (*base, "units", ui),
                            f"{name} (takes {need}) does not fit in {o.unit} (room for {cap}) even alone",
                        )
            if isinstance(o, EmbarkOrder):
                cap = _room(s, o.on)
                aboard[o.on] = aboard.get(o.on, Load()) + _takes(s, o.unit)
                if not aboard[o.on].fits(cap):
                    yield (*base, "on"), f"{o.on} is over capacity: {aboard[o.on]} embarked, room for {cap}"


def _reachability(s: Scenario) -> Iterator[Finding]:
    """Every move/assault target must be reachable: on the unit's own routes or by a lift/embark."""
    units = {u.id: u for u in s.units}

    def closure(starts: set[str], modes: set[str]) -> set[str]:
        return _closure(s, starts, modes)

    def modes(uid: str) -> set[str]:
        return set(s.unit_types[units[uid].type].speed_kmh)

    reach = {uid: closure({u.at}, modes(uid)) for uid, u in units.items()}
    orders = [(pi, oi, o) for pi, p in enumerate(s.phases) for oi, o in enumerate(p.orders)]
    changed = True
    while changed:  # carriage by transports extends where a unit can get, until nothing changes
        changed = False
        for _, _, o in orders:
            if isinstance(o, LiftOrder) and o.to in reach[o.unit]:
                for name in o.units:
                    new = closure({o.to}, modes(name)) - reach[name]
                    if new:
                        reach[name] |= new
                        changed = True
            if isinstance(o, EmbarkOrder):
                new = reach[o.on] - reach[o.unit]
                if new:
                    reach[o.unit] |= closure(new, modes(o.unit)) | new
                    changed = True
    for pi, oi, o in orders:
        base: PathKey = ("phases", pi, "orders", oi)
        if isinstance(o, MoveOrder | LiftOrder) and o.to not in reach[o.unit]:
            yield (*base, "to"), _no_way(o.unit, o.to, modes(o.unit))
        if isinstance(o, AssaultOrder) and o.target not in reach[o.unit]:
            yield (*base, "target"), _no_way(o.unit, o.target, modes(o.unit))
        if isinstance(o, FireSupportOrder):
            fs = s.unit_types[units[o.unit].type].fire_support
            if fs and fs.range_km is None and o.target not in reach[o.unit]:
                yield (*base, "target"), _no_way(o.unit, o.target, modes(o.unit))


def _no_way(unit: str, place: str, modes: set[str]) -> str:
    how = "/".join(sorted(modes)) or "no"
    return f"{unit} has no way to reach {place}: no {how} route leads there and no lift or embark takes it"


def _logistics(s: Scenario) -> Iterator[Finding]:
    places, units = s.map.places, {u.id: u for u in s.units}
    depots = {d.id: d for d in s.depots}
    for i, d in enumerate(s.depots):
        if d.at not in places:
            yield ("depots", i, "at"), _unknown("place", d.at, places)
    for i, line in enumerate(s.supply_lines):
        base: PathKey = ("supply_lines", i)
        for key, name in (("from", line.from_), ("to", line.to)):
            if name not in depots:
                yield (*base, key), _unknown("depot", name, depots)
        if line.from_ == line.to:
            yield (*base, "to"), "a supply line must join two different depots"
        for ti, t in enumerate(line.transports):
            if t not in units:
                yield (*base, "transports", ti), _unknown("unit", t, units)
                continue
            utype = s.unit_types.get(units[t].type)
            if utype is None:
                continue
            if utype.cargo_t == 0:
                yield (*base, "transports", ti), f"{t} ({units[t].type}) carries no cargo (cargo_t is 0)"
            elif line.dispatch == "continuous" and utype.load_min + utype.unload_min < MIN_CYCLE_MIN:
                yield (
                    (*base, "transports", ti),
                    f"{t} ({units[t].type}) would sail continuously with almost no time to load and unload "
                    f"(load_min + unload_min under {MIN_CYCLE_MIN:g} min)",
                )
            elif (
                line.from_ in depots
                and line.to in depots
                and depots[line.from_].at in places
                and not _connected(s, depots[line.from_].at, depots[line.to].at, set(utype.speed_kmh))
            ):
                modes = "/".join(sorted(utype.speed_kmh)) or "no"
                yield (
                    (*base, "transports", ti),
                    (f"{t} moves by {modes} only, and no such route joins {line.from_} and {line.to}"),
                )
        if line.from_ in depots:
            for cls in line.cargo:
                if cls not in depots[line.from_].stocks:
                    yield (*base, "cargo", cls), f"depot {line.from_} holds no {cls}"
    route_ids = {r.id for r in s.map.routes if r.id is not None}
    for i, c in enumerate(s.closures):
        if c.route not in route_ids:
            yield ("closures", i, "route"), _unknown("route id", c.route, route_ids)
    for i, traffic in enumerate(s.traffic):
        if traffic.port not in places:
            yield ("traffic", i, "port"), _unknown("place", traffic.port, places)
        elif not places[traffic.port].berths:
            yield ("traffic", i, "port"), f"{traffic.port} has no berths: limit; ships there would never queue"


def _closure(s: Scenario, starts: Set[str], modes: Set[str]) -> set[str]:
    """Places reachable from ``starts`` on routes of the given modes."""
    seen, todo = set(starts), list(starts)
    while todo:
        here = todo.pop()
        for r in s.map.routes:
            if r.mode not in modes:
                continue
            for a, b in ((r.from_, r.to), (r.to, r.from_)) if not r.oneway else ((r.from_, r.to),):
                if a == here and b not in seen:
                    seen.add(b)
                    todo.append(b)
    return seen


def _connected(s: Scenario, src: str, dst: str, modes: Set[str]) -> bool:
    return dst in _closure(s, {src}, modes)


def _when_full(listed: Sequence[Facility], facilities: dict[str, Facility], legs: Container[str]) -> Iterator[Finding]:
    """A when_full rule needs beds; divert needs a known divert_to that casualties can reach, and no cycle."""
    for i, f in enumerate(listed):
        here: PathKey = ("medical", "facilities", i)
        if f.when_full != "queue" and f.beds is None:
            yield (*here, "when_full"), f"when_full: {f.when_full} needs beds: (without beds a facility is never full)"
        if f.when_full == "divert" and f.divert_to is None:
            yield (*here, "when_full"), "when_full: divert needs divert_to: (the facility that takes them instead)"
        if f.divert_to is None:
            continue
        alt = facilities.get(f.divert_to)
        if f.when_full != "divert":
            yield (*here, "divert_to"), f"divert_to is used only with when_full: divert (here: {f.when_full})"
        elif alt is None:
            yield (*here, "divert_to"), _unknown("facility", f.divert_to, facilities)
        elif alt is f:
            yield (*here, "divert_to"), "a facility cannot divert casualties to itself"
        elif alt.at != f.at and alt.id not in legs:
            yield (
                (*here, "divert_to"),
                f"{alt.id} is at {alt.at}, not at {f.at}: add an evacuation leg (evacuation: - to: {alt.id})",
            )
        else:  # follow the diversions: a cycle would pass a casualty round full facilities for ever
            seen, cur = {f.id}, alt
            while cur.when_full == "divert" and cur.divert_to in facilities:
                if cur.id in seen:
                    yield (*here, "divert_to"), f"facilities divert casualties round in a cycle from {f.id}"
                    break
                seen.add(cur.id)
                cur = facilities[cur.divert_to]  # type: ignore[index]


def _medical(s: Scenario) -> Iterator[Finding]:
    med, places, units = s.medical, s.map.places, {u.id: u for u in s.units}
    base: PathKey = ("medical",)
    facilities = {f.id: f for f in med.facilities}
    yield from (((*base, *p), m) for p, m in _duplicates([f.id for f in med.facilities], "facilities"))
    for i, side in enumerate(med.sides):
        if side not in s.sides:
            yield (*base, "sides", i), _unknown("side", side, s.sides)
    for i, f in enumerate(med.facilities):
        here: PathKey = (*base, "facilities", i)
        if f.at not in places:
            yield (*here, "at"), _unknown("place", f.at, places)
        for pi, p in enumerate(f.serves):
            if p not in places:
                yield (*here, "serves", pi), _unknown("place", p, places)
        if f.next is not None and f.next not in facilities:
            yield (*here, "next"), _unknown("facility", f.next, facilities)
        elif f.next == f.id:
            yield (*here, "next"), "a facility cannot pass casualties to itself"
    legs = {e.to: (i, e) for i, e in enumerate(med.evacuation)}
    yield from _when_full(med.facilities, facilities, legs)
    for i, e in enumerate(med.evacuation):
        here = (*base, "evacuation", i)
        if e.to not in facilities:
            yield (*here, "to"), _unknown("facility", e.to, facilities)
            continue
        sources = [f for f in med.facilities if e.to in (f.next, f.divert_to)]
        if not sources:
            yield (*here, "to"), f"no facility has next: {e.to}, so nobody is evacuated by this leg"
        for ai, a in enumerate(e.assets):
            if a not in units:
                yield (*here, "assets", ai), _unknown("unit", a, units)
                continue
            t = s.unit_types.get(units[a].type)
            if t is None:
                continue
            if t.litters == 0:
                yield (*here, "assets", ai), f"{a} ({units[a].type}) carries no stretchers (litters is 0)"
            modes = set(t.speed_kmh)
            for src in sources:
                if (
                    src.at in places
                    and facilities[e.to].at in places
                    and not (
                        _connected(s, src.at, facilities[e.to].at, modes) and _connected(s, units[a].at, src.at, modes)
                    )
                ):
                    yield (
                        (*here, "assets", ai),
                        (
                            f"{a} moves by {'/'.join(sorted(modes)) or 'no'} only and cannot fly or sail "
                            f"from {units[a].at} to {src.id} and on to {e.to}"
                        ),
                    )
    for i, f in enumerate(med.facilities):
        nxt = facilities.get(f.next) if f.next else None
        if nxt is not None and nxt.at != f.at and f.next not in legs:
            yield (
                (*base, "facilities", i, "next"),
                (f"{f.next} is at {nxt.at}, not at {f.at}: add an evacuation leg (evacuation: - to: {f.next})"),
            )
    served = {p for f in med.facilities for p in (f.at, *f.serves)}
    casualty_sources: list[tuple[str, Sequence[MassCasualty | Arrivals]]] = [
        ("mass_casualties", med.mass_casualties),
        ("arrivals", med.arrivals),
    ]
    for key, items in casualty_sources:
        for i, item in enumerate(items):
            if item.place not in places:
                yield (*base, key, i, "place"), _unknown("place", item.place, places)
            elif item.place not in served:
                yield (*base, key, i, "place"), f"no facility serves {item.place} (add it to a facility's serves:)"
            if item.cause not in med.triage_mix:
                yield (*base, key, i, "cause"), _unknown("cause", item.cause, med.triage_mix)
    for cause, mix in med.triage_mix.items():
        if abs(sum(mix.values()) - 1.0) > 1e-6:
            yield (*base, "triage_mix", cause), f"shares sum to {sum(mix.values()):g}, not 1"
    if med.facilities and "combat" not in med.triage_mix:
        yield (*base, "triage_mix"), "a triage_mix for cause combat is needed (combat wounded enter the chain)"
    if med.facilities and med.dnbi_per_1000_per_day > 0 and "dnbi" not in med.triage_mix:
        yield (*base, "triage_mix"), "a triage_mix for cause dnbi is needed (or set dnbi_per_1000_per_day: 0)"
    # the chain must end: follow next from every facility
    for i, f in enumerate(med.facilities):
        seen, cur = {f.id}, f
        while cur.next is not None and cur.next in facilities:
            if cur.next in seen:
                yield (*base, "facilities", i, "next"), f"facilities pass casualties round in a cycle from {f.id}"
                break
            seen.add(cur.next)
            cur = facilities[cur.next]
