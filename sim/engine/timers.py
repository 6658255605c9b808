"""Timeouts that can be cancelled: taken out of the Environment's queue, so that they never fire.

simpy has no cancel; a superseded timeout otherwise stays in the heap until its time and is popped
and processed for nothing (a tank's alarm after its rate changed, a casualty's death after surgery).
"""

from __future__ import annotations

import heapq

import simpy
from simpy.core import NORMAL, EventPriority, SimTime

Entry = tuple[SimTime, EventPriority, int, simpy.Event]  # simpy's queue entry: (time, priority, event id, event)


def alarm(env: simpy.Environment, delay: float, callback: simpy.events.EventCallback) -> Entry:
    """What ``env.timeout(delay)`` with one callback schedules, returned as its queue entry (for ``withdraw``).

    The same time (``now + delay``), priority and place in the order of events as the timeout would have.
    """
    if delay < 0:
        raise ValueError(f"negative delay {delay}")
    ev = simpy.Event.__new__(simpy.Event)  # Event.__init__, written out: this is on the hot path
    ev.env, ev.callbacks, ev._value, ev._ok = env, [callback], None, True  # type: ignore[attr-defined]
    entry = (env._now + delay, NORMAL, next(env._eid), ev)  # type: ignore[attr-defined]
    heapq.heappush(env._queue, entry)  # type: ignore[attr-defined]
    return entry


def withdraw(env: simpy.Environment, entry: Entry) -> bool:
    """Take the entry ``alarm`` returned out of the queue if it is still there; whether it was."""
    queue = env._queue  # type: ignore[attr-defined]
    try:
        i = queue.index(entry)  # the very tuple: found by identity, in C
    except ValueError:
        return False
    _remove(queue, i)
    return True


def cancel(env: simpy.Environment, event: simpy.Event) -> bool:
    """Remove ``event`` from ``env``'s queue if it is still there; whether it was.

    Only for an event nobody waits on any more: its callbacks are never called.
    """
    queue = env._queue  # type: ignore[attr-defined]  # simpy's heap of (time, priority, id, event)
    for i, entry in enumerate(queue):
        if entry[3] is event:
            _remove(queue, i)
            return True
    return False


def _remove(queue: list[Entry], i: int) -> None:
    last = queue.pop()
    if i < len(queue):  # fill the hole with the last entry and restore the heap order along its path only
        queue[i] = last
        heapq._siftup(queue, i)  # type: ignore[attr-defined]  # down below i, then back up to i at most
        heapq._siftdown(queue, 0, i)  # type: ignore[attr-defined]  # and up from i, if smaller than its parent
