"""island_retake is a teaching scenario: its plan must sometimes fail, or the class has nothing to discuss."""

from __future__ import annotations

import pytest
from scipy.stats import binomtest

from sim.check import load_scenario
from sim.experiment import run_replication
from tests.conftest import REPO

REPS = 200
SEED = 2024


@pytest.mark.slow
def test_island_retake_succeeds_between_30_and_90_percent():
    """The mission succeeds in 30-90 % of runs, its exact (Clopper-Pearson) 95 % interval included: with
    200 runs that interval is at most ±7 points wide, so a plan that always works (199 of 200 before the
    10:00 deadline) or one that always fails is caught."""
    scenario = load_scenario(REPO / "scenarios" / "island_retake.yaml").scenario
    runs = [run_replication(scenario, SEED, i).metrics for i in range(REPS)]
    successes = sum(int(m["mission_success"]) for m in runs)
    interval = binomtest(successes, REPS).proportion_ci(confidence_level=0.95, method="exact")
    assert interval.low >= 0.30 and interval.high <= 0.90, (successes, interval)
    # the deadline decides it: the island falls in every run, but not always by 10:00
    assert all(m["secured.island"] == 1 for m in runs)
