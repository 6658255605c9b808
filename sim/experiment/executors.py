"""Executors behind one interface: run batches of replications serially, in local processes, or on Dask.

A replication's result depends only on (scenario, seed, replication), so every executor gives the same
table. Batches of replications make each task long enough to pay for its scheduling.
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sim.config.schema import Scenario
from sim.engine.geo import Map
from sim.errors import ExsimError
from sim.experiment.runner import run_replication


@dataclass(frozen=True)
class Task:
    point: int
    scenario: Scenario
    seed: int
    replications: tuple[int, ...]


@dataclass(frozen=True)
class Outcome:
    point: int
    replication: int
    seed: int
    seconds: float
    metrics: dict[str, float] | None
    error: str | None


def run_task(task: Task) -> list[Outcome]:
    """Run one batch; a replication that raises is recorded with its error, and the batch goes on."""
    shared_map = Map(task.scenario.map)
    out = []
    for rep in task.replications:
        t0 = time.perf_counter()
        try:
            metrics = run_replication(task.scenario, task.seed, rep, map_=shared_map).metrics
            error = None
        except Exception as e:  # recorded, not swallowed: the store keeps the error for the user to see
            metrics, error = None, f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=5)}"
        out.append(Outcome(task.point, rep, task.seed, time.perf_counter() - t0, metrics, error))
    return out


def _run_parts(scenario: Scenario, point: int, seed: int, replications: tuple[int, ...]) -> list[Outcome]:
    return run_task(Task(point, scenario, seed, replications))


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def execute(
    tasks: list[Task], executor: str = "process", workers: int | None = None, scheduler: str | None = None
) -> Iterator[list[Outcome]]:
    """Yield each task's outcomes as it finishes (in any order)."""
    workers = workers or default_workers()
    if executor == "serial" or (executor == "process" and workers == 1):
        for task in tasks:
            yield run_task(task)
    elif executor == "process":
        yield from _process(tasks, workers)
    elif executor == "dask":
        yield from _dask(tasks, workers, scheduler)
    else:
        raise ExsimError(f"unknown executor {executor!r} (serial, process, dask)")


def _process(tasks: list[Task], workers: int) -> Iterator[list[Outcome]]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # forkserver: workers start clean (no inherited threads or open files); the server imports exsim once,
    # so each worker forks from a warm interpreter instead of importing numpy, scipy and pydantic again
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["sim.experiment.executors"])
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futures = [pool.submit(run_task, t) for t in tasks]
        try:
            for fut in as_completed(futures):
                yield fut.result()
        finally:
            for fut in futures:
                fut.cancel()


def _dask(tasks: list[Task], workers: int, scheduler: str | None) -> Iterator[list[Outcome]]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ExsimError("the dask executor needs the dask extra: pip install 'exsim[dask]'") from None
    cluster: Any = None
    if scheduler:
        client = Client(scheduler, timeout="10s")
    else:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
        )
        client = Client(cluster)
    try:
        # send each point's scenario to the workers once, not with every batch
        scenarios: dict[int, Any] = {}
        for t in tasks:
            if id(t.scenario) not in scenarios:
                scenarios[id(t.scenario)] = client.scatter(t.scenario, broadcast=True)
        futures = [
            client.submit(_run_parts, scenarios[id(t.scenario)], t.point, t.seed, t.replications, pure=False)
            for t in tasks
        ]
        for fut in as_completed(futures):
            yield fut.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
