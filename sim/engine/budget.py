"""The run budget: step a simpy Environment to a time, but never through more than a given number of events.

A scenario whose numbers pass validation can still ask for more work than anyone meant (tiny cycle
times, a huge arrival rate); the budget turns that into a clear error instead of a hang. The loop is
simpy's own ``Environment.run(until=...)`` with a bounded ``for`` in place of ``while True``, and with
``Environment.step`` written out in its body: the loop runs once per event, so a call saved there is
saved on every event of every replication.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from heapq import heappop
from types import FrameType
from typing import Any

import simpy
from simpy.core import URGENT, EventPriority, StopSimulation

# Ctrl-C and SIGTERM while events are processed. Raised where the signal lands, the exception would land in
# a model's process (a simpy generator), where simpy turns it into that process's failure and a model may
# carry on: a run could ignore Ctrl-C for hours. So while ``run_until`` steps an environment (in the main
# thread), the signal only queues an urgent event whose callback raises it from the loop itself, at the
# next event: the run stops within a step, wherever the models are.
_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_stepping: list[simpy.Environment] = []
_previous: dict[int, Any] = {}
_pending: list[tuple[int, FrameType | None]] = []


def _deferred(signum: int, frame: FrameType | None) -> None:
    if not _stepping or _pending:
        if not _pending:
            _deliver(signum, frame)
        return
    _pending.append((signum, frame))
    event = simpy.Event(_stepping[-1])
    event._ok, event._value = True, None  # type: ignore[attr-defined]
    event.callbacks.append(_raise_pending)  # type: ignore[union-attr]
    _stepping[-1].schedule(event, EventPriority(-2), 0)  # before everything due now, even URGENT events


def _raise_pending(event: simpy.Event) -> None:
    signum, frame = _pending.pop()
    _deliver(signum, frame)


def _deliver(signum: int, frame: FrameType | None) -> None:
    """What the signal would have done without the deferral: the handler before it, or the default."""
    handler = _previous.get(signum, signal.SIG_DFL)
    if callable(handler):
        handler(signum, frame)
    elif handler == signal.SIG_DFL:
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


def _install() -> Callable[[], None] | None:
    """Defer Ctrl-C and SIGTERM while stepping (main thread only); the function that puts them back."""
    if _stepping or threading.current_thread() is not threading.main_thread():
        return None
    for sig in _SIGNALS:
        previous = signal.signal(sig, _deferred)
        _previous[sig] = previous
        if previous == signal.SIG_IGN:  # ignored before: stays ignored
            signal.signal(sig, signal.SIG_IGN)

    def restore() -> None:
        for sig in _SIGNALS:
            if signal.getsignal(sig) is _deferred:
                signal.signal(sig, _previous[sig])
        if _pending:  # came as the run ended: delivered now
            _deliver(*_pending.pop())

    return restore


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
    restore = _install()
    _stepping.append(env)
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
    finally:
        _stepping.pop()
        if restore is not None:
            restore()
    return None
