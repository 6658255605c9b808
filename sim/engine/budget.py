"""The run budget: step a simpy Environment to a time, but never through more than a given number of events.

A scenario whose numbers pass validation can still ask for more work than anyone meant (tiny cycle
times, a huge arrival rate); the budget turns that into a clear error instead of a hang. The loop is
simpy's own ``Environment.run(until=...)`` with a bounded ``for`` in place of ``while True``, and with
``Environment.step`` written out in its body: the loop runs once per event, so a call saved there is
saved on every event of every replication.
"""

from __future__ import annotations

from heapq import heappop

import simpy
from simpy.core import URGENT, EventPriority, StopSimulation


def run_until(env: simpy.Environment, until: float, max_events: int) -> int | None:
    """Process events up to time ``until`` (as ``env.run(until=...)``); the number of events processed,
    or None when reaching ``until`` needs more than ``max_events``."""
    if until <= env.now:
        raise ValueError(f"until ({until}) must be greater than the current simulation time")
    stop = simpy.Event(env)
    stop._ok, stop._value = True, None  # an already-succeeded event, as simpy's own run() makes it
    stop.callbacks.append(StopSimulation.callback)  # type: ignore[union-attr]
    env.schedule(stop, URGENT, until - env.now)  # URGENT: stops before anything else due at `until`
    queue = env._queue  # type: ignore[attr-defined]  # never empty before `stop`, which is in it
    n = 0
    event: simpy.Event | None = None
    try:
        for n in range(max_events):  # noqa: B007  (n is read when the stop event comes)
            # simpy's Environment.step, inline: the next event, then its callbacks
            env._now, _, _, event = heappop(queue)  # type: ignore[attr-defined]
            callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
            for callback in callbacks:
                callback(event)
            if not event._ok and not hasattr(event, "_defused"):  # a failure nobody handled: crash, as simpy does
                exc = type(event._value)(*event._value.args)
                exc.__cause__ = event._value
                raise exc
        n = max_events
        env.step()  # the budget is spent: only the stop event itself may come next
    except StopSimulation:
        if event is stop:  # as simpy's step leaves it: queued again, a no-op at the next step of a later run
            stop.callbacks = []
            env.schedule(stop, EventPriority(-1))
        return n  # events processed before the stop event
    return None
