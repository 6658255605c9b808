"""The run budget: step a simpy Environment to a time, but never through more than a given number of events.

A scenario whose numbers pass validation can still ask for more work than anyone meant (tiny cycle
times, a huge arrival rate); the budget turns that into a clear error instead of a hang. The loop is
simpy's own ``Environment.run(until=...)`` with a bounded ``for`` in place of ``while True``, so it
costs nothing per event beyond what simpy's loop costs.
"""

from __future__ import annotations

import simpy
from simpy.core import URGENT, StopSimulation


def run_until(env: simpy.Environment, until: float, max_events: int) -> int | None:
    """Process events up to time ``until`` (as ``env.run(until=...)``); the number of events processed,
    or None when reaching ``until`` needs more than ``max_events``."""
    if until <= env.now:
        raise ValueError(f"until ({until}) must be greater than the current simulation time")
    stop = simpy.Event(env)
    stop._ok, stop._value = True, None  # an already-succeeded event, as simpy's own run() makes it
    stop.callbacks.append(StopSimulation.callback)  # type: ignore[union-attr]
    env.schedule(stop, URGENT, until - env.now)  # URGENT: stops before anything else due at `until`
    step = env.step
    n = 0
    try:
        for n in range(max_events):  # noqa: B007  (n is read when the stop event comes)
            step()
        n = max_events
        step()  # the budget is spent: only the stop event itself may come next
    except StopSimulation:
        return n  # events processed before the stop event
    return None
