"""Cancelled timeouts leave the event queue: one pending alarm per tank, no death timer after surgery."""

from __future__ import annotations

import pytest
import simpy

from sim.engine.timers import alarm, cancel, withdraw
from sim.experiment.runner import build_world
from sim.models import logistics, medical


def queued(env: simpy.Environment) -> list[simpy.Event]:
    return [entry[3] for entry in env._queue]


def test_cancel_takes_a_timeout_out_of_the_queue_and_keeps_the_heap_order():
    env = simpy.Environment()
    fired: list[float] = []
    timeouts = [env.timeout(d) for d in (5.0, 1.0, 4.0, 2.0, 3.0)]
    for t in timeouts:
        t.callbacks.append(lambda ev: fired.append(env.now))
    assert cancel(env, timeouts[2]) is True  # the one at 4.0
    assert cancel(env, timeouts[2]) is False  # no longer there
    env.run()
    assert fired == [1.0, 2.0, 3.0, 5.0]


def test_withdrawing_entries_anywhere_leaves_a_heap_that_pops_the_rest_in_order():
    import heapq
    import random

    rng = random.Random(7)
    for _ in range(50):
        env = simpy.Environment()
        entries = [alarm(env, rng.choice([1.0, 2.0, 3.0, rng.random() * 100]), lambda ev: None) for _ in range(60)]
        gone = rng.sample(entries, 30)
        for e in gone:
            assert withdraw(env, e) is True
        kept = sorted(e for e in entries if e not in gone)
        assert [heapq.heappop(env._queue) for _ in range(len(kept))] == kept  # by (time, priority, id)


def test_each_tank_has_at_most_one_alarm_in_the_queue(island):
    world = build_world(island, seed=3)
    ls = logistics.state(world)
    tanks = [t for by_cls in ls.tanks.values() for t in by_cls.values()]
    for until in (60.0, 600.0, 1800.0, 3000.0):
        world.run(until=until)
        pending = queued(world.env)
        for tank in tanks:
            alarms = [ev for ev in pending if tank._alarm in (ev.callbacks or [])]
            assert len(alarms) <= 1, f"{tank.unit.id} {tank.cls}: {len(alarms)} alarms pending"
            assert alarms == ([tank.alarm[3]] if tank.alarm is not None else [])


def test_no_death_timer_is_left_in_the_queue_once_it_cannot_fire(island):
    world = build_world(island, seed=5)
    world.run(until=island.scenario.duration / 2)
    ms = medical.state(world)
    safe = [c for c in ms.casualties if c.surgery is not None or c.outcome in ("returned_to_duty", "evacuated")]
    assert any(c.dies_at < 1e12 for c in safe), "some casualty whose wounds could kill should have been saved"
    assert all(c.death is None for c in safe)
    # a timer nobody waits on, due when a saved casualty would have died: what surgery used to leave behind
    idle_due = [entry[0] for entry in world.env._queue if not entry[3].callbacks]
    lingering = [c.id for c in safe for t in idle_due if abs(t - c.dies_at) < 1e-6]
    assert lingering == []


def test_an_alarm_is_a_timeout_in_all_but_name_and_can_be_withdrawn():
    """Same time and place in the order of events as env.timeout; withdrawn, it never fires."""
    env = simpy.Environment()
    fired: list[str] = []
    env.timeout(2.0).callbacks.append(lambda ev: fired.append("timeout before"))
    kept = alarm(env, 2.0, lambda ev: fired.append("alarm"))
    env.timeout(2.0).callbacks.append(lambda ev: fired.append("timeout after"))
    gone = alarm(env, 1.0, lambda ev: fired.append("withdrawn"))
    assert withdraw(env, gone) is True
    assert withdraw(env, gone) is False  # no longer there
    env.run()
    assert fired == ["timeout before", "alarm", "timeout after"]
    assert env.now == 2.0 and kept[0] == 2.0
    with pytest.raises(ValueError, match="negative"):
        alarm(env, -1.0, print)
