"""Cross-checks of exercise control: command chains, injects, decision points and the decisions taken.

Each check yields ``(path, message)`` as the other cross-checks do (``sim.config.crossref`` calls these).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sim.config import exercise as ex
from sim.config.suggest import unknown
from sim.config.yamlsafe import PathKey

Finding = tuple[PathKey, str]


def check(s: Any) -> Iterator[Finding]:
    """Every problem in the exercise sections of the scenario ``s``."""
    yield from _command(s)
    items: list[tuple[str, int, ex.Inject | ex.DecisionPoint]] = [
        *(("injects", i, x) for i, x in enumerate(s.injects)),
        *(("decision_points", i, x) for i, x in enumerate(s.decision_points)),
    ]
    seen: set[str] = set()
    for section, i, item in items:
        if item.id in seen:
            yield (section, i, "id"), f"duplicate id {item.id!r} (injects and decision points share names)"
        seen.add(item.id)
    for section, i, item in items:
        yield from _timed(s, (section, i), item, seen)
        if isinstance(item, ex.Inject):
            for j, e in enumerate(item.effects):
                yield from _effect(s, (section, i, "effects", j), e)
        else:
            for name, option in item.options.items():
                base: PathKey = (section, i, "options", name)
                for j, e in enumerate(option.effects):
                    yield from _effect(s, (*base, "effects", j), e)
                yield from _option(s, base, option)
    yield from _cycles(items)
    points = {p.id: p for p in s.decision_points}
    for point, option in s.decisions.items():
        if point not in points:
            yield ("decisions", point), unknown("decision point", point, points)
        elif option not in points[point].options:
            yield ("decisions", point), unknown(f"option of {point}", option, points[point].options)


def _nations(s: Any) -> set[str]:
    return {n for side in s.sides.values() for n in side.nations} | {u.nation for u in s.units if u.nation}


def _command(s: Any) -> Iterator[Finding]:
    c, nations, units = s.command, _nations(s), {u.id for u in s.units}
    if c.hq_nation is not None and c.hq_nation not in nations:
        yield ("command", "hq_nation"), unknown("nation", c.hq_nation, nations)
    listed: dict[str, str] = {}
    defaults: set[str] = set()
    for i, chain in enumerate(c.chains):
        if chain.nation not in nations:
            yield ("command", "chains", i, "nation"), unknown("nation", chain.nation, nations)
        if not chain.units:
            if chain.nation in defaults:
                yield ("command", "chains", i, "units"), f"two chains of {chain.nation} list no units"
            defaults.add(chain.nation)
        for j, name in enumerate(chain.units):
            if name not in units:
                yield ("command", "chains", i, "units", j), unknown("unit", name, units)
            elif name in listed:
                yield ("command", "chains", i, "units", j), f"{name} is already on chain {listed[name]}"
            listed.setdefault(name, chain.id)
    io = c.interoperability
    for i, pair in enumerate(io.pairs):
        if pair.nation not in nations:
            yield ("command", "interoperability", "pairs", i, "nation"), unknown("nation", pair.nation, nations)
    for i, n in enumerate(io.liaison):
        if n not in nations:
            yield ("command", "interoperability", "liaison", i), unknown("nation", n, nations)


def _timed(s: Any, base: PathKey, item: ex.Inject | ex.DecisionPoint, ids: set[str]) -> Iterator[Finding]:
    objectives = {o.id for o in s.objectives}
    for j, name in enumerate(item.tests):
        if name not in objectives:
            yield (*base, "tests", j), unknown("objective", name, objectives)
    if item.when is not None:
        yield from _trigger(s, (*base, "when"), item.when, ids)


def _trigger(s: Any, base: PathKey, t: ex.Trigger, ids: set[str]) -> Iterator[Finding]:
    if t.any_ or t.all_:
        key, subs = ("any", t.any_) if t.any_ else ("all", t.all_)
        for k, sub in enumerate(subs or []):
            yield from _trigger(s, (*base, key, k), sub, ids)
        return
    places, phases = s.map.places, {p.id for p in s.phases}
    if t.secured is not None and t.secured not in places:
        yield (*base, "secured"), unknown("place", t.secured, places)
    if t.broken is not None and t.broken not in s.sides:
        yield (*base, "broken"), unknown("side", t.broken, s.sides)
    if t.phase_done is not None and t.phase_done not in phases:
        yield (*base, "phase_done"), unknown("phase", t.phase_done, phases)
    if t.fired is not None and t.fired not in ids:
        yield (*base, "fired"), unknown("inject or decision point", t.fired, ids)
    if t.metric is not None:
        from sim.models.catalogue import catalogue  # the models declare the metrics

        known = [n for n in catalogue(s).names if not n.startswith("objective.") and n != "mission_success"]
        if t.metric not in known:
            yield (*base, "metric"), unknown("metric", t.metric, known)
    if t.stock is not None:
        yield from _depot_class(s, (*base, "stock"), t.stock.depot, t.stock.class_)


def _depot_class(s: Any, base: PathKey, depot: str, cls: str) -> Iterator[Finding]:
    depots = {d.id: d for d in s.depots}
    if depot not in depots:
        yield (*base, "depot"), unknown("depot", depot, depots)
    elif cls not in depots[depot].stocks:
        yield (*base, "class"), f"depot {depot} holds no {cls}"


def _effect(s: Any, base: PathKey, e: Any) -> Iterator[Finding]:
    units, places, nations = {u.id for u in s.units}, s.map.places, _nations(s)
    for key in ("unit",):
        if (name := getattr(e, key, None)) is not None and name not in units:
            yield (*base, key), unknown("unit", name, units)
    for j, name in enumerate(getattr(e, "units", [])):
        if name not in units:
            yield (*base, "units", j), unknown("unit", name, units)
    for j, name in enumerate(getattr(e, "sides", [])):
        if name not in s.sides:
            yield (*base, "sides", j), unknown("side", name, s.sides)
    if isinstance(e, ex.Protection) and e.side not in s.sides:
        yield (*base, "side"), unknown("side", e.side, s.sides)
    if isinstance(e, ex.CloseRoutes | ex.ReopenRoutes):
        route_ids = {r.id for r in s.map.routes if r.id is not None}
        for j, name in enumerate(e.routes):
            if name not in route_ids:
                yield (*base, "routes", j), unknown("route id", name, route_ids)
        for j, name in enumerate(e.places):
            if name not in places:
                yield (*base, "places", j), unknown("place", name, places)
    if isinstance(e, ex.MassCasualtyEffect):
        if e.place not in places:
            yield (*base, "place"), unknown("place", e.place, places)
        if e.cause not in s.medical.triage_mix:
            yield (*base, "cause"), unknown("cause", e.cause, s.medical.triage_mix)
    if isinstance(e, ex.CommsOutage):
        for j, n in enumerate(e.nations):
            if n not in nations:
                yield (*base, "nations", j), unknown("nation", n, nations)
    if isinstance(e, ex.SupplyLoss):
        yield from _depot_class(s, base, e.depot, e.class_)


def _option(s: Any, base: PathKey, option: ex.Option) -> Iterator[Finding]:
    units, places = {u.id for u in s.units}, s.map.places
    for j, o in enumerate(option.orders):
        if o.unit not in units:
            yield (*base, "orders", j, "unit"), unknown("unit", o.unit, units)
        for key in ("to", "target", "on"):
            name = getattr(o, key, None)
            known = units if key == "on" else places
            if name is not None and name not in known:
                yield (*base, "orders", j, key), unknown("unit" if key == "on" else "place", name, known)
        for k, name in enumerate(getattr(o, "units", [])):
            if name not in units:
                yield (*base, "orders", j, "units", k), unknown("unit", name, units)
    if option.start_phase is not None:
        phases = {p.id: p for p in s.phases}
        if option.start_phase not in phases:
            yield (*base, "start_phase"), unknown("phase", option.start_phase, phases)
        elif not phases[option.start_phase].on_call:
            yield (*base, "start_phase"), f"phase {option.start_phase} is not on_call: it starts by itself"


def _cycles(items: list[tuple[str, int, ex.Inject | ex.DecisionPoint]]) -> Iterator[Finding]:
    """Injects and decisions that wait for each other to fire would never fire."""
    where = {item.id: (section, i) for section, i, item in items}
    graph = {
        item.id: [leaf.fired for leaf in item.when.leaves() if leaf.fired in where] if item.when else []
        for _, _, item in items
    }
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> Iterator[Finding]:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                yield (*where[node], "when"), f"triggers wait for each other in a cycle: {' -> '.join(cycle)}"
            elif nxt not in state:
                yield from visit(nxt, [*stack, nxt])
        state[node] = 2

    for node in graph:
        if node not in state:
            yield from visit(node, [node])
