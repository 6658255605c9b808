"""Checks across a validated scenario: references, cycles, capacities and reachability.

Each check yields ``(path, message)``; the loader turns paths into file:line positions. Only the root of
a problem is reported: a name given twice or unknown is reported once (see ``names``), and what follows
from the names — metrics, capacities, the ways units and transports can go — is checked only once
every name resolves.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator, Mapping, Sequence, Set

from sim.check import exercise_refs
from sim.check.order_refs import check_order, decks, other_side, siblings, sides_differ
from sim.config.distributions import mean_of
from sim.config.lift import Load, is_transport, room, takes, trip_room
from sim.config.medical import Arrivals, DnbiGroups, Facility, MassCasualty, Medical
from sim.config.names import Finding, Names
from sim.config.orders import AssaultOrder, EmbarkOrder, FireSupportOrder, LiftOrder, MoveOrder, Order
from sim.config.schema import CARE_WITHIN, MetricObjective, Scenario, SecureObjective, UnitSpec
from sim.config.suggest import unknown
from sim.config.supply import MIN_CYCLE_MIN
from sim.config.waypoints import great_circle_km
from sim.config.yamlsafe import PathKey, dotted
from sim.models.catalogue import catalogue

# a waypoint may be this much farther than the route's length from an end (a route's length is along the way,
# so a waypoint on it is nearer; the slack forgives a distance rounded down)
VIA_SLACK = 1.1


def check(s: Scenario, where: Callable[[PathKey], str] = dotted) -> list[Finding]:
    """Every cross-reference problem in ``s`` (empty when the scenario is consistent).

    ``where`` renders a path for a message that points elsewhere ("first at ...").
    """
    names = Names(s, where)
    found = list(names.duplicates)
    checks = (_run, _places, _unit_refs, _orders, _phases, _objectives, _logistics, _medical, exercise_refs.check)
    for fn in checks:
        found.extend(fn(s, names))
    if not found:  # the metrics a scenario has follow from its units, depots, facilities and objectives
        found.extend(_metrics(s))
        found.extend(exercise_refs.metrics(s))
    if not found:  # capacities and the ways units can go only make sense once every name resolves
        for derived in (_capacity, _reachability, _ways, siblings, decks):
            found.extend(derived(s))
    return found


def _run(s: Scenario, names: Names) -> Iterator[Finding]:
    if s.scenario.warmup >= s.scenario.duration:
        yield ("scenario", "warmup"), "the warm-up must end before the run does (scenario.duration)"
    yield from _daylight(s)


def _daylight(s: Scenario) -> Iterator[Finding]:
    """Daylight needs the date and clock of H-hour, and computed from the sun the time zone; a day-only unit
    type needs daylight declared."""
    d, start = s.scenario.daylight, s.scenario.start
    if d is not None and start is None:
        yield ("scenario", "daylight"), "daylight needs scenario.start (the date and clock time of H-hour)"
    elif d is not None and not d.explicit and d.utc_offset_h is None and start is not None and start.tzinfo is None:
        yield (
            ("scenario", "daylight"),
            "the sun is computed in UTC: give utc_offset_h (hours the clock is ahead of UTC, e.g. 5 at Aktau) "
            "or write scenario.start with its zone (2024-07-12T04:00+05:00)",
        )
    if d is None:
        for name, t in s.unit_types.items():
            if not t.night:
                yield ("unit_types", name, "night"), "night: false needs scenario.daylight (when it is day)"


def _places(s: Scenario, names: Names) -> Iterator[Finding]:
    for i, r in enumerate(s.map.routes):
        for key, name in (("from", r.from_), ("to", r.to)):
            yield from names.ref(("map", "routes", i, key), "place", name)
        if r.from_ == r.to:
            yield ("map", "routes", i, "to"), "a route must join two different places"
        ends = [s.map.places[p] for p in (r.from_, r.to) if p in s.map.places]
        for j, point in enumerate(r.via if len(ends) == 2 else []):
            far = max(great_circle_km(point, (e.lat, e.lon)) for e in ends)
            if far > r.distance_km * VIA_SLACK:
                yield (
                    ("map", "routes", i, "via", j),
                    f"waypoint [{point[0]:g}, {point[1]:g}] is {far:,.0f} km from an end of a route "
                    f"{r.distance_km:g} km long (distance_km): a waypoint lies on the way between its ends",
                )


def _unit_refs(s: Scenario, names: Names) -> Iterator[Finding]:
    for i, u in enumerate(s.units):
        if s.unit_types:
            yield from names.ref(("units", i, "type"), "unit type", u.type)
        else:
            yield (
                ("units", i, "type"),
                (
                    f"unknown unit type {u.type!r}: this scenario has no unit types "
                    "(add catalog: exsim:units for the shipped catalogue, or define unit_types:)"
                ),
            )
        yield from names.ref(("units", i, "side"), "side", u.side)
        side = names.get("side", u.side)
        if u.nation and side and side.nations and u.nation not in side.nations:
            yield ("units", i, "nation"), f"nation {u.nation!r} is not listed under sides.{u.side}.nations"
        yield from names.ref(("units", i, "at"), "place", u.at)
        if u.aboard is not None:
            if u.aboard == u.id:
                yield ("units", i, "aboard"), "a unit cannot be aboard itself"
            else:
                yield from names.ref(("units", i, "aboard"), "unit", u.aboard)
    if not names.in_doubt("unit"):
        yield from _embarked(s, names)


def _embarked(s: Scenario, names: Names) -> Iterator[Finding]:
    """Units aboard others: no cycle, the carrier a transport with room for all of them, at the carrier's place."""
    units = {u.id: u for u in s.units}
    load: dict[str, Load] = {}
    for i, u in enumerate(s.units):
        carrier = units.get(u.aboard) if u.aboard is not None else None
        if carrier is None or carrier is u:
            continue
        seen, cur = {u.id}, carrier
        while cur.aboard is not None and cur.id not in seen:
            seen.add(cur.id)
            cur = units.get(cur.aboard, cur)
        if cur.id in seen:
            yield ("units", i, "aboard"), f"units are aboard one another in a cycle from {u.id}"
            continue
        if u.at != carrier.at:
            yield ("units", i, "at"), f"{u.id} is aboard {carrier.id}, which starts at {carrier.at} (leave at: out)"
        if sides_differ(names, u, carrier):
            yield ("units", i, "aboard"), other_side(u.id, u.side, carrier.id, carrier.side)
            continue
        ctype, utype = names.get("unit type", carrier.type), names.get("unit type", u.type)
        if ctype is None or utype is None:
            continue
        if not is_transport(ctype):
            yield (
                ("units", i, "aboard"),
                f"{carrier.id} ({carrier.type}) carries nothing (no capacity_personnel, deck_slots or cargo_t)",
            )
            continue
        load[carrier.id] = load.get(carrier.id, Load()) + takes(utype, u.strength or utype.strength)
        if not load[carrier.id].fits(cap := room(ctype, carrier.strength or ctype.strength)):
            yield ("units", i, "aboard"), f"{carrier.id} is over capacity: {load[carrier.id]} aboard, room for {cap}"


def _orders(s: Scenario, names: Names) -> Iterator[Finding]:
    for pi, phase in enumerate(s.phases):
        for oi, o in enumerate(phase.orders):
            yield from check_order(names, ("phases", pi, "orders", oi), o)


def _phases(s: Scenario, names: Names) -> Iterator[Finding]:
    for i, p in enumerate(s.phases):
        for ai, name in enumerate(p.after):
            if name == p.id:
                yield ("phases", i, "after", ai), "a phase cannot wait for itself"
            else:
                yield from names.ref(("phases", i, "after", ai), "phase", name)
        if p.when and p.when.secured:
            yield from names.ref(("phases", i, "when", "secured"), "place", p.when.secured)
        if p.when and p.when.broken:
            yield from names.ref(("phases", i, "when", "broken"), "side", p.when.broken)
    if names.in_doubt("phase"):
        return  # which phase waits for which is not known
    # cycles in the 'after' graph: depth-first search in file order, reported once per cycle
    ids = {p.id: i for i, p in enumerate(s.phases)}
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


def _objectives(s: Scenario, names: Names) -> Iterator[Finding]:
    for i, o in enumerate(s.objectives):
        if isinstance(o, SecureObjective):
            yield from names.ref(("objectives", i, "place"), "place", o.place)
            place = names.get("place", o.place)
            if place is not None and place.kind != "objective":
                yield ("objectives", i, "place"), f"{o.place} is a {place.kind}, not an objective"
    if s.analysis.side is not None:
        yield from names.ref(("analysis", "side"), "side", s.analysis.side)


def _metrics(s: Scenario) -> Iterator[Finding]:
    """Metric names: the models declare them from the units, depots, facilities and objectives."""
    known = catalogue(s).names
    for i, o in enumerate(s.objectives):
        if isinstance(o, MetricObjective) and o.metric not in known and o.metric != CARE_WITHIN:
            metrics = [m for m in known if not m.startswith("objective.")]
            yield ("objectives", i, "metric"), unknown("metric", o.metric, metrics)
    for i, name in enumerate(s.analysis.headline):
        if name not in known:
            yield ("analysis", "headline", i), unknown("metric", name, known)


def _takes(s: Scenario, unit_id: str, one: bool = False) -> Load:
    """What the unit takes aboard (``one``: what one of its elements takes)."""
    u = next(u for u in s.units if u.id == unit_id)
    t = s.unit_types[u.type]
    return takes(t, 1 if one else u.strength or t.strength)


def _trip_room(s: Scenario, unit_id: str) -> Load:
    """The room of one trip of a transport: one platform's when its platforms move apart."""
    u = next(u for u in s.units if u.id == unit_id)
    t = s.unit_types[u.type]
    return trip_room(t, u.strength or t.strength, u.together)


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
            if isinstance(o, LiftOrder):  # a unit too big for one trip goes in waves: one element must fit
                cap = _trip_room(s, o.unit)
                for ui, name in enumerate(o.units):
                    if not (need := _takes(s, name, one=True)).fits(cap):
                        yield (
                            (*base, "units", ui),
                            f"one element of {name} (takes {need}) does not fit in {o.unit} (room for {cap} "
                            "a trip) even alone",
                        )
            if isinstance(o, EmbarkOrder):
                cap = _room(s, o.on)
                aboard[o.on] = aboard.get(o.on, Load()) + _takes(s, o.unit)
                if not aboard[o.on].fits(cap):
                    yield (*base, "on"), f"{o.on} is over capacity: {aboard[o.on]} embarked, room for {cap}"


def _reachability(s: Scenario) -> Iterator[Finding]:
    """Every move/assault target must be reachable: on the unit's own routes or by a lift/embark."""
    units = {u.id: u for u in s.units}
    reach = _reach(s, units)
    for pi, phase in enumerate(s.phases):
        for oi, o in enumerate(phase.orders):
            goal = _goal(s, units, o)
            if goal is not None and goal[1] not in reach[o.unit]:
                yield ("phases", pi, "orders", oi, goal[0]), _no_way(o.unit, goal[1], _modes(s, units[o.unit]))
            assemble = getattr(o, "assemble_at", None)  # where it meets its siblings first (with:)
            if assemble is not None and assemble not in reach[o.unit]:
                yield ("phases", pi, "orders", oi, "assemble_at"), _no_way(o.unit, assemble, _modes(s, units[o.unit]))


def _reach(s: Scenario, units: Mapping[str, UnitSpec]) -> dict[str, set[str]]:
    """The places each unit can get to: on routes of its own modes, and on from wherever a transport takes it."""
    reach = {uid: _closure(s, {u.at}, _modes(s, u)) for uid, u in units.items()}
    # a unit aboard another at the start goes wherever its carrier can, as if it had embarked
    orders: list[Order] = [EmbarkOrder(do="embark", unit=u.id, on=u.aboard) for u in s.units if u.aboard is not None]
    orders += [o for p in s.phases for o in p.orders]
    while _carry(s, units, reach, orders):  # until nothing changes
        pass
    return reach


def _carry(s: Scenario, units: Mapping[str, UnitSpec], reach: dict[str, set[str]], orders: list[Order]) -> bool:
    """Extend ``reach`` by one pass of the lifts and embarks: True when some unit can get further."""
    changed = False
    for o in orders:
        if isinstance(o, LiftOrder) and o.to in reach[o.unit]:
            for name in o.units:
                new = _closure(s, {o.to}, _modes(s, units[name])) - reach[name]
                if new:
                    reach[name] |= new
                    changed = True
        if isinstance(o, EmbarkOrder):
            new = reach[o.on] - reach[o.unit]
            if new:
                reach[o.unit] |= _closure(s, new, _modes(s, units[o.unit])) | new
                changed = True
    return changed


def _goal(s: Scenario, units: Mapping[str, UnitSpec], o: Order) -> tuple[str, str] | None:
    """The field and place of an order that its unit must get to: where it moves or lifts to, what it
    assaults, or what it fires on when its fire support has no range (it fires from there)."""
    if isinstance(o, MoveOrder | LiftOrder):
        return "to", o.to
    if isinstance(o, AssaultOrder):
        return "target", o.target
    if isinstance(o, FireSupportOrder):
        fs = s.unit_types[units[o.unit].type].fire_support
        if fs and fs.range_km is None:
            return "target", o.target
    return None


def _modes(s: Scenario, u: UnitSpec) -> set[str]:
    """The modes the unit's type moves by."""
    return set(s.unit_types[u.type].speed_kmh)


def _no_way(unit: str, place: str, modes: set[str]) -> str:
    how = "/".join(sorted(modes)) or "no"
    return f"{unit} has no way to reach {place}: no {how} route leads there and no lift or embark takes it"


def _logistics(s: Scenario, names: Names) -> Iterator[Finding]:
    for i, d in enumerate(s.depots):
        yield from names.ref(("depots", i, "at"), "place", d.at)
        for j, p in enumerate(d.serves):
            yield from names.ref(("depots", i, "serves", j), "place", p)
        if d.side is not None:
            yield from names.ref(("depots", i, "side"), "side", d.side)
    running: dict[str, str] = {}  # transport -> the supply line it runs
    for i, line in enumerate(s.supply_lines):
        base: PathKey = ("supply_lines", i)
        yield from names.ref((*base, "from"), "depot", line.from_)
        yield from exercise_refs.destination(names, base, line)
        if line.from_ == line.to:
            yield (*base, "to"), "a supply line must join two different depots"
        for ti, t in enumerate(line.transports):
            if t in running:
                yield (
                    (*base, "transports", ti),
                    f"{t} is already on supply line {running[t]} (a transport runs one line)",
                )
                continue
            running[t] = line.id
            yield from names.ref((*base, "transports", ti), "unit", t)
            unit = names.get("unit", t)
            utype = names.get("unit type", unit.type) if unit else None
            if utype is None:
                continue
            if utype.cargo_t == 0:
                yield (*base, "transports", ti), f"{t} ({unit.type}) carries no cargo (cargo_t is 0)"
            elif line.dispatch == "continuous" and mean_of(utype.load_min) + mean_of(utype.unload_min) < MIN_CYCLE_MIN:
                yield (
                    (*base, "transports", ti),
                    f"{t} ({unit.type}) would sail continuously with almost no time to load and unload "
                    f"(load_min + unload_min under {MIN_CYCLE_MIN:g} min)",
                )
        if (source := names.get("depot", line.from_)) is not None:
            for cls in line.cargo:
                if cls not in source.stocks:
                    yield (*base, "cargo", cls), f"depot {line.from_} holds no {cls}"
    for i, c in enumerate(s.closures):
        yield from names.ref(("closures", i, "route"), "route id", c.route)
    for i, traffic in enumerate(s.traffic):
        yield from names.ref(("traffic", i, "port"), "place", traffic.port)
        port = names.get("place", traffic.port)
        if port is not None and not port.berths:
            yield ("traffic", i, "port"), f"{traffic.port} has no berths: limit; ships there would never queue"


def _ways(s: Scenario) -> Iterator[Finding]:
    """Supply-line transports and MEDEVAC assets have routes of their modes between the places they serve."""
    units, depots = {u.id: u for u in s.units}, {d.id: d for d in s.depots}
    for i, line in enumerate(s.supply_lines):
        if line.to is None:  # to units or a place: the units move, the place may be reached later (a landing)
            continue
        for ti, t in enumerate(line.transports):
            utype = s.unit_types[units[t].type]
            if not _connected(s, depots[line.from_].at, depots[line.to].at, set(utype.speed_kmh)):
                by = "/".join(sorted(utype.speed_kmh)) or "no"
                yield (
                    ("supply_lines", i, "transports", ti),
                    f"{t} moves by {by} only, and no such route joins {line.from_} and {line.to}",
                )
    med = s.medical
    facilities = {f.id: f for f in med.facilities}
    for i, e in enumerate(med.evacuation):
        sources = [f for f in med.facilities if e.to in (f.next, f.divert_to)]
        for ai, a in enumerate(e.assets):
            modes = set(s.unit_types[units[a].type].speed_kmh)
            for src in sources:
                if not (
                    _connected(s, _at(s, src), _at(s, facilities[e.to]), modes)
                    and _connected(s, units[a].at, _at(s, src), modes)
                ):
                    yield (
                        ("medical", "evacuation", i, "assets", ai),
                        (
                            f"{a} moves by {'/'.join(sorted(modes)) or 'no'} only and cannot fly or sail "
                            f"from {units[a].at} to {src.id} and on to {e.to}"
                        ),
                    )


def _at(s: Scenario, f: Facility) -> str:
    """The place of a facility at the start: its own, or that of the unit it is aboard."""
    return f.at if f.at is not None else next(u.at for u in s.units if u.id == f.aboard)


def _where(f: Facility) -> str:
    return f"at {f.at}" if f.at is not None else f"aboard {f.aboard}"


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


def _medical(s: Scenario, names: Names) -> Iterator[Finding]:
    """The medical chain, check by check: its names, when_full rules, evacuation legs, casualty sources and
    triage mixes, and that every chain ends."""
    med = s.medical
    for i, side in enumerate(med.sides):
        yield from names.ref(("medical", "sides", i), "side", side)
    if isinstance(med.dnbi_per_1000_per_day, DnbiGroups):
        for i, side in enumerate(med.dnbi_per_1000_per_day.civilian_sides):
            yield from names.ref(("medical", "dnbi_per_1000_per_day", "civilian_sides", i), "side", side)
    checks = (_facilities, _when_full, _evacuation, _legs_needed, _casualty_places, _triage_mixes, _chains_end)
    for fn in checks:
        yield from fn(med, names)
    if med.facilities and "combat" not in med.triage_mix and _can_fight(s):
        yield ("medical", "triage_mix"), "a triage_mix for cause combat is needed (combat wounded enter the chain)"


def _can_fight(s: Scenario) -> bool:
    """Can anyone be wounded in combat: units of two hostile sides (neutral and civilian sides fight no one)?"""
    return len({u.side for u in s.units if u.side not in s.sides or s.sides[u.side].fights}) > 1


def _facilities(med: Medical, names: Names) -> Iterator[Finding]:
    """Each facility's place, the places it serves and the facility it passes casualties to are known."""
    for i, f in enumerate(med.facilities):
        here: PathKey = ("medical", "facilities", i)
        if f.at is not None and f.at not in names.known("place") and f.at in names.known("unit"):
            yield (*here, "at"), f"{f.at} is a unit, not a place: a facility aboard it takes aboard: {f.at}"
        elif f.at is not None:
            yield from names.ref((*here, "at"), "place", f.at)
        else:
            yield from names.ref((*here, "aboard"), "unit", f.aboard or "")
            carrier = names.get("unit", f.aboard)
            if carrier is not None and carrier.aboard is not None:
                yield (
                    (*here, "aboard"),
                    f"{f.aboard} is itself aboard {carrier.aboard}: a facility goes aboard a unit not carried by "
                    f"another (aboard: {carrier.aboard})",
                )
        for pi, p in enumerate(f.serves):
            yield from names.ref((*here, "serves", pi), "place", p)
        if f.next == f.id:
            yield (*here, "next"), "a facility cannot pass casualties to itself"
        elif f.next is not None:
            yield from names.ref((*here, "next"), "facility", f.next)


def _when_full(med: Medical, names: Names) -> Iterator[Finding]:
    """A when_full rule needs beds; divert needs a known divert_to that casualties can reach, and no cycle."""
    legs = _legs(med)
    for i, f in enumerate(med.facilities):
        here: PathKey = ("medical", "facilities", i)
        if f.when_full != "queue" and f.beds is None:
            yield (*here, "when_full"), f"when_full: {f.when_full} needs beds: (without beds a facility is never full)"
        if f.when_full == "divert" and f.divert_to is None:
            yield (*here, "when_full"), "when_full: divert needs divert_to: (the facility that takes them instead)"
        if f.divert_to is None:
            continue
        alt = names.get("facility", f.divert_to)
        if f.when_full != "divert":
            yield (*here, "divert_to"), f"divert_to is used only with when_full: divert (here: {f.when_full})"
            continue
        yield from names.ref((*here, "divert_to"), "facility", f.divert_to)
        if alt is None or names.in_doubt("facility"):
            continue
        if alt is f:
            yield (*here, "divert_to"), "a facility cannot divert casualties to itself"
        elif alt.site != f.site and alt.id not in legs:
            yield (
                (*here, "divert_to"),
                f"{alt.id} is {_where(alt)}, not {_where(f)}: add an evacuation leg (evacuation: - to: {alt.id})",
            )
        else:  # follow the diversions: a cycle would pass a casualty round full facilities for ever
            facilities = names.known("facility")
            seen, cur = {f.id}, alt
            while cur.when_full == "divert" and cur.divert_to in facilities:
                if cur.id in seen:
                    yield (*here, "divert_to"), f"facilities divert casualties round in a cycle from {f.id}"
                    break
                seen.add(cur.id)
                cur = facilities[cur.divert_to]


def _legs(med: Medical) -> Container[str]:
    """The facilities an evacuation leg goes to."""
    return {e.to for e in med.evacuation}


def _evacuation(med: Medical, names: Names) -> Iterator[Finding]:
    """Each leg goes to a known facility that some facility passes casualties to, by known assets that carry
    stretchers."""
    first: dict[str, int] = {}
    for i, e in enumerate(med.evacuation):
        here: PathKey = ("medical", "evacuation", i)
        yield from names.ref((*here, "to"), "facility", e.to)
        if e.to in first:
            j = first[e.to]
            yield (*here, "to"), f"a second leg to {e.to}: list all its assets in one leg (medical.evacuation.{j})"
        first.setdefault(e.to, i)
        if e.to in names.known("facility") and not any(e.to in (f.next, f.divert_to) for f in med.facilities):
            yield (*here, "to"), f"no facility has next: {e.to}, so nobody is evacuated by this leg"
        for ai, a in enumerate(e.assets):
            yield from names.ref((*here, "assets", ai), "unit", a)
            unit = names.get("unit", a)
            t = names.get("unit type", unit.type) if unit else None
            if t is not None and t.litters == 0:
                yield (*here, "assets", ai), f"{a} ({unit.type}) carries no stretchers (litters is 0)"


def _legs_needed(med: Medical, names: Names) -> Iterator[Finding]:
    """A facility that passes casualties to one elsewhere needs an evacuation leg to it."""
    legs = _legs(med)
    for i, f in enumerate(med.facilities):
        nxt = names.get("facility", f.next)
        if nxt is not None and nxt.site != f.site and f.next not in legs:
            yield (
                ("medical", "facilities", i, "next"),
                (f"{f.next} is {_where(nxt)}, not {_where(f)}: add an evacuation leg (evacuation: - to: {f.next})"),
            )


def _casualty_places(med: Medical, names: Names) -> Iterator[Finding]:
    """Mass casualties and arrivals happen at a known place that a facility serves, of a cause with a triage mix."""
    served = {p for f in med.facilities for p in (f.at, *f.serves) if p is not None}
    casualty_sources: list[tuple[str, Sequence[MassCasualty | Arrivals]]] = [
        ("mass_casualties", med.mass_casualties),
        ("arrivals", med.arrivals),
    ]
    for key, items in casualty_sources:
        for i, item in enumerate(items):
            here: PathKey = ("medical", key, i)
            if item.place not in names.known("place"):
                yield from names.ref((*here, "place"), "place", item.place)
            elif item.place not in served:
                yield (*here, "place"), f"no facility serves {item.place} (add it to a facility's serves:)"
            if item.cause not in med.triage_mix:
                yield (*here, "cause"), unknown("cause", item.cause, med.triage_mix)


def _triage_mixes(med: Medical, names: Names) -> Iterator[Finding]:
    """Each triage mix sums to 1, and there is one for every cause of casualties the chain takes."""
    base: PathKey = ("medical",)
    for cause, mix in med.triage_mix.items():
        if abs(sum(mix.values()) - 1.0) > 1e-6:
            yield (*base, "triage_mix", cause), f"shares sum to {sum(mix.values()):g}, not 1"
    if med.facilities and med.dnbi_per_person_per_min > 0 and "dnbi" not in med.triage_mix:
        yield (*base, "triage_mix"), "a triage_mix for cause dnbi is needed (or set dnbi_per_1000_per_day: 0)"


def _chains_end(med: Medical, names: Names) -> Iterator[Finding]:
    """Following next from every facility ends: no cycle passes casualties round for ever."""
    if names.in_doubt("facility"):
        return  # which facility passes casualties to which is not known
    facilities = names.known("facility")
    for i, f in enumerate(med.facilities):
        seen, cur = {f.id}, f
        while cur.next is not None and cur.next in facilities:
            if cur.next in seen:
                yield ("medical", "facilities", i, "next"), f"facilities pass casualties round in a cycle from {f.id}"
                break
            seen.add(cur.next)
            cur = facilities[cur.next]
