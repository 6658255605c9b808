"""One replication: compose a World from a Scenario and the registered models, run it, return its metrics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.config.schema import Scenario
from sim.engine import closures, movement, phases
from sim.engine.geo import Map
from sim.engine.world import World
from sim.models import objectives, registry
from sim.models.catalogue import catalogue
from sim.models.contract import Installed


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
    """A World with the engine's orders and every registered model installed, phases started, ready to run."""
    world = World(scenario, seed, replication, trace, map_)
    movement.install(world)
    world.services.provide(Installed(registry.MODELS))
    for model in registry.MODELS:
        model.install(world)
    objectives.install(world)
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
    """Every model's metrics, then the objectives over them; exactly the catalogue's columns, in order."""
    m: dict[str, float] = {}
    for model in registry.MODELS:
        m.update(model.metrics(world))
    m.update(objectives.evaluate(world, m))
    names = catalogue(world.scenario).names
    if len(m) != len(names) or m.keys() != set(names):
        undeclared = sorted(m.keys() - set(names))
        missing = sorted(set(names) - m.keys())
        raise RuntimeError(f"metrics do not match their declarations: undeclared {undeclared}, missing {missing}")
    return {name: float(m[name]) for name in names}
