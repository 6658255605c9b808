"""Cross-checks of exercise control: command chains, injects, decision points and the decisions taken.

Each check yields ``(path, message)`` as the other cross-checks do (``sim.check.crossref`` calls these).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sim.check.order_refs import check_order
from sim.config import cells as cl
from sim.config import exercise as ex
from sim.config.names import Finding, Names
from sim.config.suggest import unknown
from sim.config.yamlsafe import PathKey
from sim.models.catalogue import catalogue  # the models declare the metrics

_TIMED = "inject or decision point"


def _timed_items(s: Any) -> list[tuple[str, int, ex.Inject | ex.DecisionPoint]]:
    return [
        *(("injects", i, x) for i, x in enumerate(s.injects)),
        *(("decision_points", i, x) for i, x in enumerate(s.decision_points)),
    ]


def check(s: Any, names: Names) -> Iterator[Finding]:
    """Every problem in the exercise sections of the scenario ``s``, but the metrics triggers name."""
    yield from _command(s, names)
    yield from _cells(s, names)
    yield from _requests(s, names)
    items = _timed_items(s)
    for section, i, item in items:
        yield from _timed(s, names, (section, i), item)
        if isinstance(item, ex.Inject):
            for j, e in enumerate(item.effects):
                yield from _effect(s, names, (section, i, "effects", j), e)
        else:
            for name, option in item.options.items():
                base: PathKey = (section, i, "options", name)
                for j, e in enumerate(option.effects):
                    yield from _effect(s, names, (*base, "effects", j), e)
                yield from _option(s, names, base, option)
    if not names.in_doubt(_TIMED):  # which trigger waits for which is known
        yield from _cycles(items)
    for i, line in enumerate(s.supply_lines):
        if line.when is not None:
            yield from _trigger(names, ("supply_lines", i, "when"), line.when)
    yield from _only_if(s, names)
    for point, option in s.decisions.items():
        p = names.get(_TIMED, point)
        if not isinstance(p, ex.DecisionPoint):
            if not names.in_doubt(_TIMED):
                points = [d.id for d in s.decision_points]
                yield ("decisions", point), unknown("decision point", point, points)
        elif option not in p.options:
            yield ("decisions", point), unknown(f"option of {point}", option, p.options)


def metrics(s: Any) -> Iterator[Finding]:
    """The metrics triggers name are metrics of the scenario (once every other name resolves)."""
    known = [n for n in catalogue(s).names if not n.startswith("objective.") and n != "mission_success"]
    timed: list[tuple[str, int, Any]] = [*_timed_items(s), *(("requests", i, r) for i, r in enumerate(s.requests))]
    for section, i, item in timed:
        if item.when is not None:
            for path, leaf in _leaves((section, i, "when"), item.when):
                if leaf.metric is not None and leaf.metric not in known:
                    yield (*path, "metric"), unknown("metric", leaf.metric, known)


def _leaves(base: PathKey, t: ex.Trigger) -> Iterator[tuple[PathKey, ex.Trigger]]:
    """The simple conditions inside ``t``, each with its path."""
    if t.any_ or t.all_:
        key, subs = ("any", t.any_) if t.any_ else ("all", t.all_)
        for k, sub in enumerate(subs or []):
            yield from _leaves((*base, key, k), sub)
    else:
        yield base, t


def _nations(s: Any) -> set[str]:
    return {n for side in s.sides.values() for n in side.nations} | {u.nation for u in s.units if u.nation}


def _command(s: Any, names: Names) -> Iterator[Finding]:
    c, nations = s.command, _nations(s)
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
            if name in listed:
                yield ("command", "chains", i, "units", j), f"{name} is already on chain {listed[name]}"
            elif name in names.known("unit"):
                listed[name] = chain.id
            else:
                yield from names.ref(("command", "chains", i, "units", j), "unit", name)
    io = c.interoperability
    for i, pair in enumerate(io.pairs):
        if pair.nation not in nations:
            yield ("command", "interoperability", "pairs", i, "nation"), unknown("nation", pair.nation, nations)
    for i, n in enumerate(io.liaison):
        if n not in nations:
            yield ("command", "interoperability", "liaison", i), unknown("nation", n, nations)


def _timed(s: Any, names: Names, base: PathKey, item: ex.Inject | ex.DecisionPoint) -> Iterator[Finding]:
    for j, name in enumerate(item.tests):
        yield from names.ref((*base, "tests", j), "objective", name)
    receivers = _receivers(s)
    for j, name in enumerate(item.to):
        if name not in receivers:
            yield (*base, "to", j), unknown("headquarters (an echelon of command.chains, or a chain)", name, receivers)
    if item.when is not None:
        yield from _trigger(names, (*base, "when"), item.when)
    if isinstance(item, ex.DecisionPoint) and item.cell is not None:
        yield from names.ref((*base, "cell"), "cell", item.cell)


def _trigger(names: Names, base: PathKey, when: ex.Trigger) -> Iterator[Finding]:
    for path, t in _leaves(base, when):
        if t.secured is not None:
            yield from names.ref((*path, "secured"), "place", t.secured)
        if t.broken is not None:
            yield from names.ref((*path, "broken"), "side", t.broken)
        if t.phase_done is not None:
            yield from names.ref((*path, "phase_done"), "phase", t.phase_done)
        if t.fired is not None:
            yield from names.ref((*path, "fired"), _TIMED, t.fired)
        if t.stock is not None:
            yield from _depot_class(names, (*path, "stock"), t.stock.depot, t.stock.class_)


def _receivers(s: Any) -> list[str]:
    """What an inject's ``to:`` may name: each chain's id and each echelon's name."""
    return [x for c in s.command.chains for x in (c.id, *(e.name for e in c.echelons))]


def _depot_class(names: Names, base: PathKey, depot: str, cls: str) -> Iterator[Finding]:
    yield from names.ref((*base, "depot"), "depot", depot)
    d = names.get("depot", depot)
    if d is not None and cls not in d.stocks:
        yield (*base, "class"), f"depot {depot} holds no {cls}"


def destination(names: Names, base: PathKey, d: Any) -> Iterator[Finding]:
    """Where a supply line (or its redirection) delivers: its depot, place or units exist."""
    if d.to is not None:
        yield from names.ref((*base, "to"), "depot", d.to)
    if d.to_place is not None:
        yield from names.ref((*base, "to_place"), "place", d.to_place)
    for j, name in enumerate(d.to_units):
        yield from names.ref((*base, "to_units", j), "unit", name)


def _effect(s: Any, names: Names, base: PathKey, e: Any) -> Iterator[Finding]:
    if (name := getattr(e, "unit", None)) is not None:
        yield from names.ref((*base, "unit"), "unit", name)
    for j, name in enumerate(getattr(e, "units", [])):
        yield from names.ref((*base, "units", j), "unit", name)
    for j, name in enumerate(getattr(e, "sides", [])):
        yield from names.ref((*base, "sides", j), "side", name)
    if isinstance(e, ex.Protection):
        yield from names.ref((*base, "side"), "side", e.side)
    if isinstance(e, ex.CloseRoutes | ex.ReopenRoutes):
        for j, name in enumerate(e.routes):
            yield from names.ref((*base, "routes", j), "route id", name)
        for j, name in enumerate(e.places):
            yield from names.ref((*base, "places", j), "place", name)
    if isinstance(e, ex.MassCasualtyEffect):
        yield from names.ref((*base, "place"), "place", e.place)
        if e.cause not in s.medical.triage_mix:
            yield (*base, "cause"), unknown("cause", e.cause, s.medical.triage_mix)
    if isinstance(e, ex.CommsOutage):
        nations = _nations(s)
        for j, n in enumerate(e.nations):
            if n not in nations:
                yield (*base, "nations", j), unknown("nation", n, nations)
    if isinstance(e, ex.SupplyLoss):
        yield from _depot_class(names, base, e.depot, e.class_)
    if isinstance(e, ex.RedirectSupply):
        yield from names.ref((*base, "line"), "supply line", e.line)
        yield from destination(names, base, e)
        line = names.get("supply line", e.line)
        if line is not None and line.dispatch == "reorder" and e.to is None:
            yield (*base, "line"), f"supply line {e.line} reorders for a depot: it can be redirected only to: a depot"


def _only_if(s: Any, names: Names) -> Iterator[Finding]:
    """An objective's only_if names a phase, or a decision point and one of its options."""
    for i, o in enumerate(s.objectives):
        cond, base = o.only_if, ("objectives", i, "only_if")
        if cond is None:
            continue
        if cond.phase is not None:
            yield from names.ref((*base, "phase"), "phase", cond.phase)
            continue
        point, option = cond.option.split(".")
        p = names.get(_TIMED, point)
        if not isinstance(p, ex.DecisionPoint):
            if not names.in_doubt(_TIMED):
                yield (*base, "option"), unknown("decision point", point, [d.id for d in s.decision_points])
        elif option not in p.options:
            yield (*base, "option"), unknown(f"option of {point}", option, p.options)


def _option(s: Any, names: Names, base: PathKey, option: ex.Option) -> Iterator[Finding]:
    for j, o in enumerate(option.orders):
        yield from check_order(names, (*base, "orders", j), o)
    if option.start_phase is not None:
        yield from names.ref((*base, "start_phase"), "phase", option.start_phase)
        phase = names.get("phase", option.start_phase)
        if phase is not None and not phase.on_call:
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


def _cells(s: Any, names: Names) -> Iterator[Finding]:
    nations = _nations(s)
    commanded: dict[str, str] = {}
    hq: str | None = None
    for i, cell in enumerate(s.cells):
        if cell.nation is not None and cell.nation not in nations:
            yield ("cells", i, "nation"), unknown("nation", cell.nation, nations)
        if cell.hq:
            if hq is not None:
                yield ("cells", i, "hq"), f"cell {hq} is already the headquarters: one cell may have hq: true"
            hq = cell.id
        for j, name in enumerate(cell.units):
            if name in commanded:
                yield ("cells", i, "units", j), f"{name} is already commanded by cell {commanded[name]}"
            elif name in names.known("unit"):
                commanded[name] = cell.id
            else:
                yield from names.ref(("cells", i, "units", j), "unit", name)


def _requests(s: Any, names: Names) -> Iterator[Finding]:
    for i, r in enumerate(s.requests):
        base: PathKey = ("requests", i)
        yield from names.ref((*base, "from"), "cell", r.from_)
        yield from names.ref((*base, "to"), "cell", r.to)
        if r.from_ == r.to:
            yield (*base, "to"), f"cell {r.to} cannot ask itself: name another cell"
        for j, name in enumerate(r.tests):
            yield from names.ref((*base, "tests", j), "objective", name)
        if r.when is not None:
            yield from _trigger(names, (*base, "when"), r.when)
        grant: PathKey = (*base, "grant")
        for j, e in enumerate(r.grant.effects):
            yield from _effect(s, names, (*grant, "effects", j), e)
        option = ex.Option(orders=r.grant.orders, start_phase=r.grant.start_phase)
        yield from _option(s, names, grant, option)
        yield from _grant_units(names, grant, r)


def _grant_units(names: Names, base: PathKey, r: cl.Request) -> Iterator[Finding]:
    """A grant's orders go to the units of the cell that grants (a headquarters cell may order any unit)."""
    to = names.get("cell", r.to)
    if to is None or to.hq or r.from_ == r.to or any(u not in names.known("unit") for u in to.units):
        return  # none to check, or a mistake already reported
    for j, o in enumerate(r.grant.orders):
        if o.unit in names.known("unit") and o.unit not in to.units:
            yield (*base, "orders", j, "unit"), f"{o.unit} is not a unit of cell {r.to}, which grants the request"
