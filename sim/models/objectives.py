"""The scenario's objectives, evaluated over the other models' metrics, and the run's own metrics.

Not a model in the registry: it runs after all of them, since an objective may name any metric. A metric
objective with ``within:`` is watched during the run (:func:`install`): a lower bound on a total (water
delivered) is met when it first holds by then, looked at when the metric's model announces a change, else every
``CHECK_EVERY_MIN``, and at the limit itself; an upper bound ("at most 0 killed within 24 h", true at the start)
or a bound on a share (which rises and falls) is read at the limit itself, or at the end of a shorter run.
An objective ``only_if:`` an option or a phase that did not happen is not applicable: NaN, which
``mission_success`` leaves out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.config.schema import CARE_WITHIN, MetricObjective, Objective, Scenario
from sim.config.text import pick
from sim.engine.signals import Secured
from sim.models.combat import english_name
from sim.models.contract import Better, Installed, Kind, MetricSpec
from sim.models.injects import CHECK_EVERY_MIN, ExerciseState, metric_watch
from sim.models.medical import care_within_share

if TYPE_CHECKING:
    from sim.engine.world import Process, World

NAME = "objectives"


def is_objective(name: str) -> bool:
    """``mission_success`` and ``objective.<id>``: the metrics that say whether the objectives were met."""
    return name == "mission_success" or name.startswith("objective.")


def declare(s: Scenario, perspective: str | None, specs: dict[str, MetricSpec] | None = None) -> list[MetricSpec]:
    """The run's metrics and one per objective; ``specs`` (the models' metrics) give the objectives' wording."""
    out = [
        MetricSpec("mission_success", Kind.RATE, "", Better.HIGHER, "every objective met", perspective, headline=True),
        MetricSpec("end_time_h", Kind.DURATION, "h", Better.NEITHER, "simulated time at the end of the run"),
    ]
    out += [
        MetricSpec(
            f"objective.{o.id}", Kind.RATE, "", Better.HIGHER, _describe(s, o, specs or {}), perspective, headline=True
        )
        for o in s.objectives
    ]
    return out


def _describe(s: Scenario, o: Objective, specs: dict[str, MetricSpec]) -> str:
    """In words: "killed (coalition) at most 10 people", "delivery trips on time at least 50 %"; the objective's
    own English name when the scenario gives one."""
    named = pick(o.name, "en") if o.name is not None else ""
    if named:
        return named
    within = f" within {o.within / 60:g} h" if o.within is not None else ""
    only = ""
    if o.only_if is not None:
        only = f" (if {o.only_if.option} is taken)" if o.only_if.option else f" (if phase {o.only_if.phase} starts)"
    if isinstance(o, MetricObjective):
        spec = specs.get(o.metric)
        what = spec.description if spec is not None else o.metric
        if o.metric == CARE_WITHIN:
            what = f"{o.triage} casualties reaching {o.care} within {o.within_h:g} h"
            spec = MetricSpec(CARE_WITHIN, Kind.SHARE, "", Better.HIGHER, what)
        bounds = [
            f"at most {_amount(o.at_most, spec)}" if o.at_most is not None else "",
            f"at least {_amount(o.at_least, spec)}" if o.at_least is not None else "",
        ]
        return f"{what} " + " and ".join(b for b in bounds if b) + within + only
    return f"{english_name(s, o.place)} secured{within}{only}"  # the place's name, not its id (Red_exits)


def _amount(x: float, spec: MetricSpec | None) -> str:
    if spec is not None and spec.kind.bounded:
        return f"{100 * x:g} %"
    return f"{x:,g} {spec.unit}".rstrip() if spec is not None else f"{x:,g}"


@dataclass
class Held:
    """When each metric objective with within: first met its bound (a service of the World)."""

    first: dict[str, float] = field(default_factory=dict)  # objective id -> time


def install(world: World) -> None:
    """Watch the metric objectives with within: until their limit."""
    held = Held()
    world.services.provide(held)
    for o in world.scenario.objectives:
        if isinstance(o, MetricObjective) and o.within is not None:
            world.env.process(_watch(world, o, held))


def at_the_limit(world: World, o: MetricObjective) -> bool:
    """Whether ``o``'s bound must hold at its within: limit, not first by it: an upper bound, or any bound on a
    share or rate (a lower bound on a total that only grows is met when it first holds, the same thing)."""
    if o.at_most is not None:
        return True
    return o.metric != CARE_WITHIN and world.services.get(Installed).spec(world.scenario, o.metric).kind.bounded


def _watch(world: World, o: MetricObjective, held: Held) -> Process:
    env, limit = world.env, o.within
    assert limit is not None
    watch = metric_watch(world, o.metric)
    if at_the_limit(world, o):
        yield env.timeout(limit)  # (a run that ends before reads it at the end: _met)
        if _bound(o, watch.value()):
            held.first[o.id] = env.now
        return

    def look() -> bool:
        if o.id not in held.first and _bound(o, watch.value()):
            held.first[o.id] = env.now
        return o.id in held.first

    def on_change(ev: object) -> None:
        if env.now <= limit and watch.about(ev) and look():
            for kind in watch.announced_by:
                world.bus.unsubscribe(kind, on_change)

    for kind in watch.announced_by:
        world.bus.subscribe(kind, on_change)
    while not look():
        if env.now >= limit:
            return
        step = limit - env.now if watch.announced_by else min(CHECK_EVERY_MIN, limit - env.now)
        yield env.timeout(step)


def evaluate(world: World, m: dict[str, float]) -> dict[str, float]:
    """``mission_success``, ``end_time_h`` and ``objective.<id>``, given every other metric in ``m``: 1 met, 0
    not, NaN not applicable (its only_if did not happen); mission_success needs every applicable one met."""
    s = world.scenario
    results = [_met(o, m, world) if applies(o, world) else None for o in s.objectives]
    counted = [ok for ok in results if ok is not None]
    out = {"mission_success": float(all(counted)), "end_time_h": world.now / 60.0}
    out.update(
        {
            f"objective.{o.id}": math.nan if ok is None else float(ok)
            for o, ok in zip(s.objectives, results, strict=True)
        }
    )
    return out


def final_state(result: float | None) -> str:
    """An ``objective.<id>`` value in words for every view: "met" (1), "not_applicable" (NaN: its only_if did
    not happen) or "missed" (0, or no value)."""
    if result == 1.0:
        return "met"
    return "not_applicable" if result is not None and math.isnan(result) else "missed"


def applies(o: Objective, world: World) -> bool | None:
    """Whether ``o`` counts in this run so far: True (no only_if, or its option was taken, or its phase
    started), False (its decision point took another option), None (not known yet: its point not reached,
    or its phase not started, while the run goes on). At the end, None counts as False: not applicable."""
    cond = o.only_if
    if cond is None:
        return True
    if cond.phase is not None:
        return True if cond.phase in world.phases_started else None
    point, option = (cond.option or "").split(".")
    st = world.services.find(ExerciseState)
    taken = st.taken.get(point) if st is not None else None
    return None if taken is None else taken == option


def _bound(o: MetricObjective, value: float) -> bool:
    if math.isnan(value):
        return False
    return (o.at_most is None or value <= o.at_most) and (o.at_least is None or value >= o.at_least)


def _met(o: Objective, m: dict[str, float], world: World) -> bool:
    if not isinstance(o, MetricObjective):
        t = world.signal_times.get(Secured(o.place))
        return t is not None and (o.within is None or t <= o.within)
    if o.within is not None:
        if o.id in world.services.get(Held).first:
            return True
        # a run that ends by the limit (at it: its stop comes before the watch's last look) reads its end
        return world.now <= o.within and _bound(o, m.get(o.metric, math.nan))
    if o.metric == CARE_WITHIN:
        assert o.care is not None and o.within_h is not None
        return _bound(o, care_within_share(world, o.care, o.within_h * 60.0, o.triage))
    return _bound(o, m[o.metric])
