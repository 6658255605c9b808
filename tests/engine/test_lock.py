"""sim.engine.lock.Lock behaves as simpy's PriorityResource: the same grants, in the same order, at the same times."""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from sim.engine.lock import Lock, LockRequest


def script(make, seed: int, capacity: int) -> list[tuple]:
    """Random users of one resource made by ``make``: ties in time, priorities, zero holds, give-ups, interrupts.

    Returns the log of what happened to whom, and when, plus markers written by bystander timeouts due at the
    same instants (they show where the grants fall among the other events of that instant).
    """
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    res = make(env, capacity)
    log: list[tuple] = []

    def user(k: int, plan: list[tuple[float, int, float, str]]):
        for gap, prio, hold, how in plan:
            try:
                yield env.timeout(gap)
                if how == "with":
                    with res.request(priority=prio) as req:
                        yield req
                        log.append((env.now, k, "granted"))
                        yield env.timeout(hold)
                    log.append((env.now, k, "released"))
                    continue
                req = res.request(priority=prio)  # waits at most `hold`, then gives up its place in the queue
                try:
                    got = yield req | env.timeout(hold)
                    if req in got:
                        log.append((env.now, k, "granted"))
                        yield env.timeout(hold)
                    else:
                        log.append((env.now, k, "gave up"))
                finally:
                    if req.triggered:
                        res.release(req)
                    else:
                        req.cancel()
            except simpy.Interrupt:
                log.append((env.now, k, "interrupted"))

    procs = []
    for k in range(8):
        plan = [
            (
                float(rng.choice([0.0, 1.0, 2.0])),
                int(rng.integers(0, 3)),
                float(rng.choice([0.0, 1.0, 3.0])),
                "give_up" if rng.random() < 0.2 else "with",
            )
            for _ in range(6)
        ]
        procs.append(env.process(user(k, plan)))

    def bystander():
        for t in range(12):
            yield env.timeout(1.0 if t else 0.0)
            log.append((env.now, "bystander", t))
            if rng.random() < 0.3:
                victim = procs[int(rng.integers(0, len(procs)))]
                if victim.is_alive and victim is not env.active_process:
                    victim.interrupt()

    env.process(bystander())
    env.run()
    return log


def simpy_resource(env: simpy.Environment, capacity: int) -> simpy.PriorityResource:
    return simpy.PriorityResource(env, capacity)


@pytest.mark.parametrize("capacity", [1, 2, 3])
@pytest.mark.parametrize("seed", range(40))
def test_the_same_grants_in_the_same_order_as_simpys_priority_resource(seed, capacity):
    theirs = script(simpy_resource, seed, capacity)
    ours = script(Lock, seed, capacity)
    assert any(entry[2] == "granted" for entry in theirs)
    assert ours == theirs


def test_a_free_lock_grants_at_once_and_a_release_frees_the_place_at_once():
    env = simpy.Environment()
    lock = Lock(env)
    req = lock.request(priority=1)
    assert isinstance(req, LockRequest) and req.triggered and lock.count == 1
    lock.release(req)
    assert lock.count == 0
    again = lock.request(priority=1)  # before the release's event is processed
    assert again.triggered and lock.users == [again]


def test_a_queued_request_that_gives_up_leaves_the_queue():
    env = simpy.Environment()
    lock = Lock(env)
    first, second, third = lock.request(1), lock.request(1), lock.request(0)
    assert lock.waiting == [third, second]  # priority first, then the order of asking
    second.cancel()
    lock.release(first)
    env.run()
    assert lock.users == [third] and lock.waiting == []
    with pytest.raises(ValueError, match="capacity"):
        Lock(env, 0)
