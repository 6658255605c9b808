"""Every shipped scenario loads, checks clean and runs; its metrics are exactly the declared ones."""

from __future__ import annotations

import math

import pytest

from sim.check import load_scenario
from sim.config.locate import shipped
from sim.experiment import replicate, summarise
from sim.models.catalogue import catalogue

SHIPPED = shipped("scenario")


def test_the_flagship_and_the_teaching_scenario_are_shipped():
    assert {"birlestik_2024", "island_retake"} <= set(SHIPPED)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_scenario_runs(name):
    loaded = load_scenario(name)
    assert loaded.warnings == ()
    results = replicate(loaded.scenario, seed=11, reps=10)
    specs = catalogue(loaded.scenario).by_name
    for r in results:  # every value within what its declared kind allows (a share is in [0, 1], a count >= 0)
        for name, v in r.metrics.items():
            if math.isnan(v):
                continue
            kind = specs[name].kind
            assert v >= 0, (name, v)
            assert not kind.bounded or v <= 1, (name, v)
            assert kind != "rate" or v in (0.0, 1.0), (name, v)
    summary = summarise(loaded.scenario, results)
    assert summary["end_time_h"].mean == pytest.approx(loaded.scenario.scenario.duration / 60)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_metrics_can_be_read_before_the_run_starts(name):
    """A live play saved before the class began reads every metric at t = 0 (no division by the elapsed time)."""
    from sim.experiment.runner import build_world, collect_metrics

    scenario = load_scenario(name).scenario
    metrics = collect_metrics(build_world(scenario, 11, 0))
    assert set(metrics) == set(catalogue(scenario).names)


def test_island_retake_outcomes_are_plausible():
    """Not a calibration: guards against a scenario that silently stops doing what it says."""
    loaded = load_scenario("island_retake")
    summary = summarise(loaded.scenario, replicate(loaded.scenario, seed=2024, reps=40))
    assert summary["secured.island"].mean > 0.9
    assert 2 < summary["time_to_secure_h.island"].mean < 12
    assert summary["killed.coalition"].mean + summary["wounded.coalition"].mean > 0
    assert summary["sorties.air-1"].mean > 0 and summary["sorties.pb-1"].mean > 0
    assert not math.isnan(summary["engagement_h.island"].mean)
