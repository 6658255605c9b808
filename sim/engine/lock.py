"""A priority lock with ``capacity`` holders: simpy's ``PriorityResource``, with a cheap path when nobody waits.

A unit carries out its orders one at a time, a medical facility treats as many casualties as it has
teams: both are simpy ``PriorityResource`` s in behaviour, and almost always uncontended. simpy's
resource costs a dozen Python calls per request and as many per release (queues of put and get
events, sorted on every append, tried in loops); this one costs a few.

The events are simpy's, one for one and in the same order, so results are the same
(tests/engine/test_lock.py runs both side by side on random contention):

* a request is granted at once (its event scheduled now) when a place is free and the queue is
  empty, else it queues by (priority, time of request, order of request) and, if a place is free,
  the head of the queue is granted, one per request, as simpy's ``_trigger_put`` does;
* a release frees the place at once and schedules an event (simpy's ``Release``) that grants the head
  of the queue, if a place is still free, when it is processed. That event cannot be left out even
  when nobody waits: somebody may queue before it is processed, and it is that event that lets them in.
"""

from __future__ import annotations

from bisect import insort
from itertools import count
from types import TracebackType

import simpy
from simpy.core import NORMAL
from simpy.events import PENDING


class Lock:
    """``capacity`` holders at a time; lower ``priority`` values first, then first come, first served."""

    __slots__ = ("_order", "capacity", "env", "users", "waiting")

    def __init__(self, env: simpy.Environment, capacity: int = 1):
        if capacity <= 0:
            raise ValueError('"capacity" must be > 0.')
        self.env = env
        self.capacity = capacity
        self.users: list[LockRequest] = []
        self.waiting: list[LockRequest] = []  # sorted by key
        self._order = count()

    @property
    def count(self) -> int:
        """Holders now."""
        return len(self.users)

    def request(self, priority: int = 0) -> LockRequest:
        return LockRequest(self, priority)

    def release(self, request: LockRequest) -> None:
        """Give up ``request``'s place (no-op if it holds none); the next in the queue gets it."""
        if request in self.users:
            self.users.remove(request)
        ev = LockRelease.__new__(LockRelease)  # simpy's Release; Event.__init__ written out (hot path)
        ev.env, ev.callbacks, ev._value, ev._ok = self.env, [self._grant], None, True  # type: ignore[attr-defined]
        self.env.schedule(ev, NORMAL)

    def _grant(self, _ev: object = None) -> None:
        """The head of the queue gets a free place, if there is one."""
        if self.waiting and len(self.users) < self.capacity:
            head = self.waiting.pop(0)
            self.users.append(head)
            head._ok, head._value = True, None
            self.env.schedule(head, NORMAL)


class LockRequest(simpy.Event):
    """A request for a place in a ``Lock``: an event that fires when granted; ``with`` releases it."""

    def __init__(self, lock: Lock, priority: int):
        env = lock.env
        self.env = env  # Event.__init__, written out
        self.callbacks = []
        self._value = PENDING
        self.resource = lock
        self.key = (priority, env._now, next(lock._order))  # type: ignore[attr-defined]
        if not lock.waiting and len(lock.users) < lock.capacity:  # the cheap path: free and nobody waits
            lock.users.append(self)
            self._ok, self._value = True, None
            env.schedule(self, NORMAL)
        else:
            insort(lock.waiting, self, key=_key)
            lock._grant()

    def cancel(self) -> None:
        """Leave the queue if not granted yet (a ``with`` block left early does it)."""
        if self._value is PENDING:
            self.resource.waiting.remove(self)

    def __enter__(self) -> LockRequest:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.cancel()
        if exc_type is not GeneratorExit:  # as simpy: no release while a generator is being torn down
            self.resource.release(self)


class LockRelease(simpy.Event):
    """The event of a release (simpy's ``Release``): when processed, the head of the queue gets a free place."""


def _key(request: LockRequest) -> tuple[int, float, int]:
    return request.key
