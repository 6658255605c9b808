"""Requests between player cells, and the time a report or a request takes to cross between them.

A request leaves its cell when it is made and reaches the receiving cell after the command model's
delay for the pair of nations (:func:`message_min`); the receiving cell grants or declines, and the
answer travels back the same way. A grant is carried out when it is given: its effects through the
injects' one mechanism, its orders as a phase issues them (down the unit's chain), its on-call phase
called. A communications outage cutting either nation when a message leaves holds it until the outage
ends, or loses it (``block``).

Who answers: in a live session the players (the :class:`Answerer` service); otherwise the request's
scripted policy, ``answer`` after ``answer_after``. Scripted cells make the requests that have ``at:``
or ``when:``; a request without them is made only by players, so a batch run of a scenario whose
requests are all the players' has no event of this model.

Assumptions (the command model has delays between the combined HQ's nation and each other nation
only): a message between two cells of other nations is relayed through the combined HQ, so it takes
both nations' interoperability delays; a unit's report climbs its chain as an order descends it (the
chain's delay) and crosses to the cell's nation as a message does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import simpy

from sim.config.cells import Cell, Request
from sim.config.schema import Scenario
from sim.engine import phases
from sim.engine.signals import Called
from sim.models.c2 import C2State
from sim.models.contract import MetricSpec
from sim.models.decisions import Decided
from sim.models.injects import ExerciseState, apply, when_due

if TYPE_CHECKING:
    from sim.engine.world import Process, World

NAME = "requests"
SECTIONS = ("cells", "requests")


# --- delays between cells ----------------------------------------------------------------------------------


def message_min(cs: C2State | None, a: str | None, b: str | None, *, stream: str = "", nominal: bool = False) -> float:
    """Interoperability delay of a message between staffs of nations ``a`` and ``b`` (minutes): none within
    one nation; else relayed through the combined HQ, each nation's delay to it (zero for the HQ's own).
    A delay given as a distribution is drawn from ``interoperability:<stream>``; ``nominal``: the delays'
    means, drawing nothing from the run's streams."""
    if cs is None or a is None or b is None or a == b:
        return 0.0
    return cs.interop_min(a, stream, nominal=nominal) + cs.interop_min(b, stream, nominal=nominal)


def held(cs: C2State | None, nations: tuple[str | None, ...], now: float) -> float | None:
    """When a message leaving now between ``nations`` can go: now, the end of an outage cutting one of
    them, or None (a blocking outage: it is lost)."""
    start = now
    for o in cs.outages if cs is not None else []:
        if any(o.cuts(n, now) for n in nations):
            if o.block:
                return None
            start = max(start, o.end)
    return start


def report_min(cs: C2State | None, unit_id: str, unit_nation: str | None, cell: Cell) -> float:
    """How long a unit's report takes to reach ``cell``: up the unit's chain, then across nations. Reckoned
    beside the run (the picture adds no events), so a delay given as a distribution counts by its mean: a
    draw here would shift the run's own draws with every look at a cell's page."""
    if cs is None:
        return 0.0
    chain = cs.chain_of.get(unit_id)
    across = message_min(cs, unit_nation, cell.nation, nominal=True)
    return (chain.delay_min if chain is not None else 0.0) + across


def cell_of(s: Scenario, cell_id: str) -> Cell:
    return next(c for c in s.cells if c.id == cell_id)


def units_seen(s: Scenario, cell: Cell) -> list[str]:
    """The units whose reports reach ``cell``: its own; a headquarters cell, every cell's."""
    if not cell.hq:
        return list(cell.units)
    return list(dict.fromkeys(u for c in s.cells if not c.control for u in c.units))


# --- the requests ---------------------------------------------------------------------------------------------


@dataclass
class Sent:
    """One request made in a run, with its times (simulated minutes; None: not yet, or never)."""

    n: int  # its number in the run, from 1
    id: str
    from_: str
    to: str
    sent: float
    by: str  # script, or who made it in a live play (a cell's players, the facilitator)
    arrived: float | None = None
    answered: float | None = None
    answer: str | None = None  # grant, decline
    answered_by: str | None = None
    back: float | None = None  # the answer reached the asking cell
    lost: bool = False  # an outage lost the request or its answer
    delay_out: float = 0.0  # the command model's delay on the way there (minutes, outage hold included)
    delay_back: float = 0.0


class Answerer:
    """Who answers the requests of a live session (``world.services``): ``ask(request, sent)`` returns an event
    whose value is a :class:`~sim.models.decisions.Decided` (option ``grant`` or ``decline``), or None for the
    scripted policy; ``plays(cell)``: players play that cell, so its scripted requests are not made."""

    def __init__(
        self, ask: Callable[[Request, Sent], simpy.Event | None], plays: Callable[[str], bool] = lambda _: False
    ):
        self.ask, self.plays = ask, plays


@dataclass
class RequestState:
    world: World
    sent: list[Sent] = field(default_factory=list)


def state(world: World) -> RequestState:
    st = world.services.find(RequestState)
    if st is None:
        st = RequestState(world)
        world.services.provide(st)
    return st


def send(world: World, request_id: str, by: str) -> Sent:
    """Make request ``request_id`` now (``by``: who made it, for the record)."""
    s = world.scenario
    r = next((x for x in s.requests if x.id == request_id), None)
    if r is None:
        raise ValueError(f"no request {request_id!r} ({', '.join(x.id for x in s.requests)})")
    st = state(world)
    sent = Sent(len(st.sent) + 1, r.id, r.from_, r.to, world.now, by)
    st.sent.append(sent)
    world.env.process(_travel(world, r, sent))
    return sent


def _leg(world: World, r: Request, a: Cell, b: Cell) -> float | None:
    """Minutes for a message of request ``r`` leaving now from ``a`` to reach ``b`` (None: lost); a delay
    given as a distribution is drawn from the request's own stream, ``interoperability:request:<id>``, so
    that one request's messages shift no other's."""
    cs = world.services.find(C2State)
    start = held(cs, (a.nation, b.nation), world.now)
    if start is None:
        return None
    return start - world.now + message_min(cs, a.nation, b.nation, stream=f"request:{r.id}")


def _lost(world: World, sent: Sent, to_cell: str) -> None:
    """An outage lost the request on its way to ``to_cell`` (the answer, when that is the asking cell)."""
    sent.lost = True
    world.emit("request_lost", id=sent.id, n=sent.n, to_cell=to_cell)


def _travel(world: World, r: Request, sent: Sent) -> Process:
    s = world.scenario
    asker, giver = cell_of(s, r.from_), cell_of(s, r.to)
    human = sent.by != "script"
    world.emit("request", id=r.id, n=sent.n, from_cell=r.from_, to_cell=r.to, by=sent.by, human_set=human)
    out = _leg(world, r, asker, giver)
    if out is None:
        return _lost(world, sent, r.to)
    sent.delay_out = out
    if out > 0:
        yield world.env.timeout(out)
    sent.arrived = world.now
    world.emit("request_arrived", id=r.id, n=sent.n, to_cell=r.to)
    answerer = world.services.find(Answerer)
    asked = answerer.ask(r, sent) if answerer is not None else None
    if asked is None:
        if r.answer_after > 0:
            yield world.env.timeout(r.answer_after)
        decided = Decided(r.answer, "script")
    else:
        decided = yield asked
    if decided.option not in ("grant", "decline"):
        raise ValueError(f"request {r.id}: the answer is grant or decline, not {decided.option!r}")
    sent.answered, sent.answer, sent.answered_by = world.now, decided.option, decided.by
    world.emit(
        "request_answered",
        id=r.id,
        n=sent.n,
        answer=decided.option,
        by=decided.by,
        human_set=decided.by != "script",
    )
    if decided.option == "grant":
        for effect in r.grant.effects:
            apply(world, effect, f"request:{r.id}")
        for order in r.grant.orders:
            phases.issue(world, order)
        if r.grant.start_phase is not None:
            world.fire(Called(r.grant.start_phase))
    back = _leg(world, r, giver, asker)
    if back is None:
        return _lost(world, sent, r.from_)
    sent.delay_back = back
    if back > 0:
        yield world.env.timeout(back)
    sent.back = world.now
    world.emit("request_answer_arrived", id=r.id, n=sent.n, answer=decided.option, to_cell=r.from_)


def _scripted(world: World, r: Request) -> Process:
    yield from when_due(world, r)  # type: ignore[arg-type]  # at: and when: as an inject's
    answerer = world.services.find(Answerer)
    if answerer is not None and answerer.plays(r.from_):
        return  # its players ask, or do not
    send(world, r.id, "script")


# --- the model ------------------------------------------------------------------------------------------


def install(world: World) -> None:
    scripted = [r for r in world.scenario.requests if r.scripted]
    if any(r.when is not None for r in scripted) and world.services.find(ExerciseState) is None:
        world.services.provide(ExerciseState(world))  # what triggers wait on, in a scenario with no MSEL
    for r in scripted:
        world.env.process(_scripted(world, r))


def declare(s: Scenario) -> list[MetricSpec]:
    return []


def metrics(world: World) -> dict[str, float]:
    return {}
