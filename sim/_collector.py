"""The cyclic garbage collector around a command: paused while it starts up, kept off what start-up built.

A command's start-up (importing numpy, pydantic and the scenario schema, the models, loading a scenario)
builds about 90,000 long-lived objects and under 1,000 unreachable ones. Collecting meanwhile is wasted
work (about 140 collections), and so is every later full collection that walks those objects again,
the interpreter's own at exit included. On ``exsim run island_retake --reps 1`` this saves about 0.09 s
of its 0.44 s of CPU (12 runs each way, alternated; benchmarks/cli.py measures the command).

Only a program that owns its process does this (``owned``, entered by ``exsim``'s main): a caller that
embeds the command line (click's CliRunner, a notebook) keeps its collector exactly as it was.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from contextvars import ContextVar

_OWNED: ContextVar[bool] = ContextVar("exsim_owns_the_process", default=False)


@contextlib.contextmanager
def owned() -> Iterator[None]:
    """The process is exsim's until the block ends, and then it ends too: ``starting`` may manage the
    collector, and the heap is frozen on the way out, so that the full collections the interpreter runs
    at exit have nothing to walk. The modules are still cleared and their objects freed by reference
    counting; only reference cycles still alive at exit are left to the operating system (Python never
    promises to finalize those)."""
    token = _OWNED.set(True)
    try:
        yield
    finally:
        _OWNED.reset(token)
        gc.freeze()


@contextlib.contextmanager
def starting() -> Iterator[None]:
    """A command's start-up (imports, loading): no collection during it; what it built is then frozen
    (``gc.freeze``: moved where no later collection walks it) and collecting resumes for the work.

    Does nothing unless the process is exsim's (``owned``) and its collector is running.
    """
    if not (_OWNED.get() and gc.isenabled()):
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
