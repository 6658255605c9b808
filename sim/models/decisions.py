"""Decision points: at their time or trigger the option chosen for the run is carried out.

In a batch run the option is a parameter: ``decisions.<id>`` in the scenario (``--set``, a sweep's
``--vary``) names it, else the point's default. An option's effects go through the injects' one
mechanism; its orders are issued as a phase issues them; its ``start_phase`` calls an on-call phase.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import simpy

from sim.config.exercise import DecisionPoint
from sim.config.schema import Scenario
from sim.engine import phases
from sim.engine.signals import Called
from sim.models.contract import Better, Kind, MetricSpec
from sim.models.injects import apply, state, when_due

if TYPE_CHECKING:
    from sim.engine.world import Process, World

NAME = "decisions"
SECTIONS = ("decision_points", "decisions")


def chosen(s: Scenario, point: DecisionPoint) -> str:
    """The option taken at ``point`` in runs of ``s``."""
    return s.decisions.get(point.id, point.default)


@dataclass(frozen=True)
class Decided:
    """A decision taken by people in a live session: the option, who took it (the class by keystroke or
    vote, or the facilitator) and the votes, if any."""

    option: str
    by: str = "class"
    votes: dict[str, int] = field(default_factory=dict)


class Chooser:
    """Who takes the decisions of a live session (``world.services``): ``ask(point)`` returns an event the
    decision waits for, whose value is a :class:`Decided`, or None when a scripted cell takes it. Without
    one (batch runs) each decision takes the scenario's option at once, with no event of its own, so a
    batch run's events are unchanged."""

    def __init__(self, ask: Callable[[DecisionPoint], simpy.Event | None]):
        self.ask = ask


def _decide(world: World, point: DecisionPoint) -> Process:
    yield from when_due(world, point)
    chooser = world.services.find(Chooser)
    asked = chooser.ask(point) if chooser is not None else None
    if asked is None:
        name = chosen(world.scenario, point)
        world.emit("decision", id=point.id, option=name)
    else:
        decided: Decided = yield asked
        name = decided.option
        if name not in point.options:
            raise ValueError(f"decision {point.id}: no option {name!r} ({', '.join(point.options)})")
        world.emit("decision", id=point.id, option=name, human_set=True, by=decided.by, votes=dict(decided.votes))
    state(world).taken[point.id] = name
    option = point.options[name]
    for effect in option.effects:
        apply(world, effect, f"{point.id}:{name}")
    for order in option.orders:
        phases.issue(world, order)
    if option.start_phase is not None:
        world.fire(Called(option.start_phase))
    state(world).mark(point.id)


def install(world: World) -> None:
    for point in world.scenario.decision_points:  # injects.install provided the state when there are points
        world.env.process(_decide(world, point))


def declare(s: Scenario) -> list[MetricSpec]:
    return [
        MetricSpec(f"decided.{p.id}", Kind.RATE, "", Better.NEITHER, f"decision {p.id} taken ({chosen(s, p)})")
        for p in s.decision_points
    ]


def metrics(world: World) -> dict[str, float]:
    points = world.scenario.decision_points
    if not points:
        return {}
    fired = state(world).fired
    return {f"decided.{p.id}": float(p.id in fired) for p in points}
