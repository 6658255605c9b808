"""The first of two events: simpy's ``a | b``, for the race the medical chain runs on its hot path.

A casualty waits for a team, a bed, its treatment or its evacuation while its wounds may kill it first:
``ev | death``, some 170 times a replication of the flagship. simpy's ``Condition`` serves any number of
events, nested conditions and any rule, and costs about fifteen Python calls a race (the evaluation, the
removal of its checks, a ``ConditionValue`` filled by type tests). ``First(a, b)`` is the same event for
two plain events (not conditions), in fewer calls: it is scheduled by the same call, at the same moment,
with the same priority (when the first of the two is processed, or at once when one already was), its
callbacks run in the same order, and its value holds the events processed by the time it is, as
``ConditionValue`` does; a failure is passed on as simpy passes it. So the order of events, and every
result, stay as they were (tests/engine/test_race.py runs both side by side).
"""

from __future__ import annotations

import simpy
from simpy.events import PENDING


class First(simpy.Event):
    """Triggered when the first of ``a`` and ``b`` is processed; its value: those of them processed by then."""

    def __init__(self, a: simpy.Event, b: simpy.Event):
        # Event.__init__ written out; the value is built first among the callbacks, as Condition's is
        self.env, self.callbacks, self._value = a.env, [self._settle], PENDING  # type: ignore[list-item]
        self._events = (a, b)
        check = self._check
        for ev in self._events:
            if ev.callbacks is None:  # processed already: the race is decided now (Condition does the same)
                check(ev)
            else:
                ev.callbacks.append(check)

    def _check(self, ev: simpy.Event) -> None:
        if self._value is not PENDING:
            return
        if ev._ok:  # type: ignore[attr-defined]
            self._ok, self._value = True, None
        else:  # as Condition: the failure is handled here, and passed on
            ev._defused = True  # type: ignore[attr-defined]
            self._ok, self._value = False, ev._value  # type: ignore[attr-defined]
        self.env.schedule(self)

    def _settle(self, _ev: simpy.Event) -> None:
        """Processed: the other event no longer checks on the race; the value is what was processed by now."""
        check = self._check
        for ev in self._events:
            if ev.callbacks and check in ev.callbacks:
                ev.callbacks.remove(check)
        if self._ok:  # (the processed ones in their order, written out: a race decided has one or both)
            a, b = self._events
            self._value = ((a, b) if b.callbacks is None else (a,)) if a.callbacks is None else (b,)
