"""The run budget: World.run stops after scenario.max_events events, and below the budget it is exactly
simpy's own run to the scenario's duration."""

from __future__ import annotations

import pytest

from sim.errors import RunBudgetExceeded
from sim.experiment.runner import build_world, collect_metrics


def events_needed(scenario, seed=5, rep=0) -> int:
    world = build_world(scenario, seed, rep)
    world.run()
    return world.events


def test_a_replication_may_use_exactly_its_budget_and_not_one_event_more(island):
    n = events_needed(island)
    assert n > 100
    enough = island.model_copy(update={"scenario": island.scenario.model_copy(update={"max_events": n})})
    build_world(enough, 5, 0).run()
    short = island.model_copy(update={"scenario": island.scenario.model_copy(update={"max_events": n - 1})})
    world = build_world(short, 5, 0)
    with pytest.raises(RunBudgetExceeded, match=f"replication 0 stopped .*: it needs more than {n - 1:,} events"):
        world.run()


def test_below_the_budget_the_run_is_simpys_own(island):
    """Same events, same end, same metrics as Environment.run(until=duration) (the stop event is URGENT)."""
    ours = build_world(island, 9, 3)
    ours.run()
    theirs = build_world(island, 9, 3)
    theirs.env.run(until=island.scenario.duration)
    assert ours.now == theirs.now == island.scenario.duration
    assert collect_metrics(ours) == collect_metrics(theirs)
    assert ours.env._eid is not theirs.env._eid and next(ours.env._eid) == next(theirs.env._eid)


def test_the_budget_counts_across_calls(island):
    n = events_needed(island)
    short = island.model_copy(update={"scenario": island.scenario.model_copy(update={"max_events": n - 1})})
    world = build_world(short, 5, 0)
    world.run(until=60.0)
    first = world.events
    assert 0 < first < n - 1
    with pytest.raises(RunBudgetExceeded):
        world.run()
    assert world.events == n - 1
