"""Cancelling a scheduled timeout: take it out of the Environment's queue, so that it never fires.

simpy has no cancel; a superseded timeout otherwise stays in the heap until its time and is popped
and processed for nothing (a tank's alarm after its rate changed, a casualty's death after surgery).
"""

from __future__ import annotations

import heapq

import simpy


def cancel(env: simpy.Environment, event: simpy.Event) -> bool:
    """Remove ``event`` from ``env``'s queue if it is still there; whether it was.

    Only for an event nobody waits on any more: its callbacks are never called.
    """
    queue = env._queue  # type: ignore[attr-defined]  # simpy's heap of (time, priority, id, event)
    for i, entry in enumerate(queue):
        if entry[3] is event:
            last = queue.pop()
            if i < len(queue):  # fill the hole with the last entry and restore the heap order
                queue[i] = last
                heapq.heapify(queue)
            return True
    return False
