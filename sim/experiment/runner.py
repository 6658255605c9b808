"""One replication: compose a World from a Scenario and the models, run it, return its metrics."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sim.config.schema import MetricObjective, Scenario, SecureObjective, metric_names
from sim.engine import closures, movement, phases
from sim.engine.geo import Map
from sim.engine.world import World
from sim.models import combat, fires, logistics, medical


@dataclass(frozen=True)
class RunResult:
    """A replication's outcome: flat metrics (objectives included, as 0/1) and, if traced, its events."""

    replication: int
    seed: int
    metrics: dict[str, float]
    events: list[dict[str, Any]] | None = field(default=None, compare=False)


def build_world(
    scenario: Scenario, seed: int, replication: int = 0, trace: bool = False, map_: Map | None = None
) -> World:
    """A World with the models installed and the phases started, ready to run."""
    world = World(scenario, seed, replication, trace, map_)
    movement.install(world)
    combat.install(world)
    fires.install(world)
    logistics.install(world)
    medical.install(world)
    closures.start(world)
    phases.start(world)
    return world


def run_replication(
    scenario: Scenario, seed: int, replication: int = 0, trace: bool = False, map_: Map | None = None
) -> RunResult:
    world = build_world(scenario, seed, replication, trace, map_)
    world.run()
    return RunResult(replication, seed, collect_metrics(world), world.log.records if trace else None)


def collect_metrics(world: World) -> dict[str, float]:
    s = world.scenario
    cs = combat.state(world)
    m: dict[str, float] = {"mission_success": 0.0, "end_time_h": world.now / 60.0}
    for p, place in s.map.places.items():
        if place.kind != "objective":
            continue
        t = world.signal_times.get(f"secured:{p}")
        m[f"secured.{p}"] = float(t is not None)
        m[f"time_to_secure_h.{p}"] = t / 60.0 if t is not None else math.nan
        m[f"engagement_h.{p}"] = (cs.engaged_minutes.get(p, 0.0) + _ongoing(world, p)) / 60.0
    for side in s.sides:
        units = [u for u in world.units.values() if u.side == side]
        m[f"killed.{side}"] = float(sum(u.killed for u in units))
        m[f"wounded.{side}"] = float(sum(u.wounded for u in units))
        m[f"survivors.{side}"] = float(sum(u.strength for u in units))
    m["sorties"] = world.counters.get("sorties", 0.0)
    for u in world.units.values():
        if u.type.fire_support is not None:
            m[f"sorties.{u.id}"] = float(u.sorties)
    m.update(logistics.metrics(world))
    m.update(medical.metrics(world))
    passed = [_objective_met(o, m, world) for o in s.objectives]
    for o, ok in zip(s.objectives, passed, strict=True):
        m[f"objective.{o.id}"] = float(ok)
    m["mission_success"] = float(all(passed))
    return {name: float(m[name]) for name in metric_names(s)}


def _ongoing(world: World, place: str) -> float:
    eng = combat.state(world).engagements.get(place)
    return world.now - eng.start if eng is not None else 0.0


def _objective_met(o: SecureObjective | MetricObjective, m: dict[str, float], world: World) -> bool:
    if isinstance(o, SecureObjective):
        t = world.signal_times.get(f"secured:{o.place}")
        return t is not None and (o.within is None or t <= o.within)
    value = m[o.metric]
    if math.isnan(value):
        return False
    return (o.at_most is None or value <= o.at_most) and (o.at_least is None or value >= o.at_least)
