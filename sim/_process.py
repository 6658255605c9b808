"""What exsim does as the program that owns its process: ``owned``, entered only by the program's entry
point (``sim.cli.entry``: the console script, ``python -m sim.cli``). A caller that embeds the command
line (click's CliRunner, ``main()`` from a notebook or a script, with arguments or without) keeps its
process exactly as it was.

- **No BLAS thread pool.** numpy starts OpenBLAS's threads when it is imported, and they spin for a
  while on the other cores: about 0.04 s of CPU on 2 cores, for nothing, since a replication's only
  linear algebra is a dot product of a few elements. ``owned`` sets ``OPENBLAS_NUM_THREADS``,
  ``MKL_NUM_THREADS`` and ``OMP_NUM_THREADS`` to 1 before numpy is imported, as Dask does for its
  workers, and the pool's workers inherit it (processes are the parallelism, not threads). A value the
  user set is kept.
- **The cyclic garbage collector off start-up's objects.** A command's start-up (importing numpy,
  pydantic and the scenario schema, the models; loading a scenario) builds about 90,000 long-lived
  objects and under 1,000 unreachable ones. Collecting meanwhile is wasted work (about 140
  collections), and so is every later full collection that walks those objects again, the
  interpreter's own at exit included: ``starting`` pauses the collector during start-up and then
  freezes what it built (``gc.freeze``); ``owned`` freezes the heap on the way out.

On ``exsim run island_retake --reps 1`` the collector saves about 0.09 s of 0.44 s of CPU, and the
threads about 0.03 s of the rest (12 runs each way, alternated; benchmarks/cli.py measures the command).
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator
from contextvars import ContextVar

BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")

_OWNED: ContextVar[bool] = ContextVar("exsim_owns_the_process", default=False)


@contextlib.contextmanager
def owned() -> Iterator[None]:
    """The process is exsim's until the block ends, and then it ends too.

    Sets the BLAS thread counts (unless set), lets ``starting`` manage the collector, and freezes the
    heap on the way out, so that the full collections the interpreter runs at exit have nothing to walk.
    The modules are still cleared and their objects freed by reference counting; only reference cycles
    still alive at exit are left to the operating system (Python never promises to finalize those).
    """
    for name in BLAS_THREADS:
        os.environ.setdefault(name, "1")
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
