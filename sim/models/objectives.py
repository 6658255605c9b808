"""The scenario's objectives, evaluated over the other models' metrics, and the run's own metrics.

Not a model in the registry: it runs after all of them, since an objective may name any metric.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.config.schema import MetricObjective, Objective, Scenario
from sim.engine.signals import Secured
from sim.models.combat import english_name
from sim.models.contract import Better, Kind, MetricSpec

if TYPE_CHECKING:
    from sim.engine.world import World

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
    """In words: "killed (coalition) at most 10 people", "delivery trips on time at least 50 %"."""
    if isinstance(o, MetricObjective):
        spec = specs.get(o.metric)
        what = spec.description if spec is not None else o.metric
        bounds = [
            f"at most {_amount(o.at_most, spec)}" if o.at_most is not None else "",
            f"at least {_amount(o.at_least, spec)}" if o.at_least is not None else "",
        ]
        return f"{what} " + " and ".join(b for b in bounds if b)
    within = f" within {o.within / 60:g} h" if o.within is not None else ""
    return f"{english_name(s, o.place)} secured{within}"  # the place's name, not its id (Red_exits)


def _amount(x: float, spec: MetricSpec | None) -> str:
    if spec is not None and spec.kind.bounded:
        return f"{100 * x:g} %"
    return f"{x:g} {spec.unit}".rstrip() if spec is not None else f"{x:g}"


def evaluate(world: World, m: dict[str, float]) -> dict[str, float]:
    """``mission_success``, ``end_time_h`` and ``objective.<id>``, given every other metric in ``m``."""
    s = world.scenario
    passed = [_met(o, m, world) for o in s.objectives]
    out = {"mission_success": float(all(passed)), "end_time_h": world.now / 60.0}
    out.update({f"objective.{o.id}": float(ok) for o, ok in zip(s.objectives, passed, strict=True)})
    return out


def _met(o: Objective, m: dict[str, float], world: World) -> bool:
    if not isinstance(o, MetricObjective):
        t = world.signal_times.get(Secured(o.place))
        return t is not None and (o.within is None or t <= o.within)
    value = m[o.metric]
    if math.isnan(value):
        return False
    return (o.at_most is None or value <= o.at_most) and (o.at_least is None or value >= o.at_least)
