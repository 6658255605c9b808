"""Replications of one scenario: replication i always uses seed (base seed, i) — common random numbers."""

from __future__ import annotations

from collections.abc import Callable

from sim.config.schema import Scenario
from sim.engine.geo import Map
from sim.experiment.runner import RunResult, run_replication
from sim.experiment.stats import Summary, summarise_metrics
from sim.models.catalogue import catalogue


def replicate(
    scenario: Scenario,
    seed: int,
    reps: int,
    *,
    trace_first: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[RunResult]:
    """Run ``reps`` replications in order (serially; parallel executors come with sweeps)."""
    results = []
    shared_map = Map(scenario.map)
    for i in range(reps):
        results.append(run_replication(scenario, seed, i, trace=trace_first and i == 0, map_=shared_map))
        if progress is not None:
            progress(i + 1)
    return results


def summarise(scenario: Scenario, results: list[RunResult]) -> dict[str, Summary]:
    """Per metric, the summary its kind in the catalogue calls for."""
    cat = catalogue(scenario)
    return summarise_metrics(cat.names, [r.metrics for r in results], cat.by_name)
