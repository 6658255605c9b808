"""Workers only when they pay: with no --workers, the process executor times the first replications here
and starts a pool only when the rest would take longer here than the pool saves net of its start-up. The
start-up is set by the test (0 or a day), so that nothing depends on the machine's speed."""

from __future__ import annotations

import pytest

from sim.experiment import executors
from sim.experiment.design import load_sweep
from sim.experiment.executors import Task
from sim.experiment.sweep import Plan
from tests.experiment.test_experiment import island_sweep


@pytest.fixture
def tasks(tmp_path):
    plan = Plan.from_sweep(load_sweep(island_sweep(tmp_path, reps=4)))
    return [
        Task(p.index, s.scenario, plan.seed, (0, 1, 2, 3)) for p, s in zip(plan.points, plan.scenarios, strict=True)
    ]


def outcomes(tasks, **kw) -> list[tuple]:
    done = [o for batch in executors.execute(tasks, "process", **kw) for o in batch]
    return sorted((o.point, o.replication, {k: None if v != v else v for k, v in o.metrics.items()}) for o in done)


@pytest.mark.parametrize(
    ("start_s", "pooled"), [(86400.0, []), (0.0, [(0, 2), (0, 3), (1, 0), (1, 1), (1, 2), (1, 3)])]
)
def test_a_pool_starts_only_when_the_replications_outweigh_its_start_up(monkeypatch, tasks, start_s, pooled):
    serial = outcomes(tasks, workers=1)
    sent: list[tuple[int, int]] = []

    def pool(ts, workers, cancel=None):  # stands in for the pool: records what it was given, runs it here
        sent.extend((t.point, r) for t in ts for r in t.replications)
        yield from (executors.run_task(t) for t in ts)

    monkeypatch.setattr(executors, "pool_start_s", lambda: start_s)
    monkeypatch.setattr(executors, "_process", pool)
    assert outcomes(tasks) == serial  # every replication once, the same results, wherever it ran
    assert sorted(sent) == pooled  # the first two ran here, to time them


def test_workers_given_always_start_a_pool(monkeypatch, tasks):
    sent: list[int] = []

    def pool(ts, workers, cancel=None):
        sent.append(workers)
        yield from (executors.run_task(t) for t in ts)

    monkeypatch.setattr(executors, "pool_start_s", lambda: 86400.0)
    monkeypatch.setattr(executors, "_process", pool)
    outcomes(tasks, workers=2)
    assert sent == [2]


def test_workers_are_forked_only_from_a_process_with_no_other_thread(monkeypatch):
    """A fork copies this process's locks as they are: with another thread running (the classroom server,
    a spinner) one could be held for ever in a worker, so the workers then come from the fork server."""
    for platform, threads, method in [("linux", 1, "fork"), ("linux", 2, "forkserver"), ("darwin", 1, "forkserver")]:
        monkeypatch.setattr(executors.sys, "platform", platform)
        monkeypatch.setattr(executors.threading, "active_count", lambda n=threads: n)
        assert executors.start_method() == method
        assert executors.pool_start_s() == (executors.FORK_START_S if method == "fork" else executors.POOL_START_S)


@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_a_pool_forked_or_from_the_fork_server_gives_the_serial_results(monkeypatch, tasks, method):
    serial = outcomes(tasks, workers=1)
    monkeypatch.setattr(executors, "start_method", lambda: method)
    assert outcomes(tasks, workers=2) == serial


def _terminated(signum, frame):  # stands in for the command line's SIGTERM handler (sim.cli.boundary)
    raise RuntimeError("terminated")


def test_a_forked_worker_dies_of_sigterm_whatever_handler_it_inherited():
    """The main process stops its workers with SIGTERM: a worker forked from a command, which raises an
    exception on SIGTERM, must still die of it, as one from the fork server does."""
    import multiprocessing
    import os
    import signal
    from concurrent.futures import ProcessPoolExecutor

    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            1, mp_context=ctx, initializer=executors._start_worker, initargs=(os.getpid(), ())
        ) as p:
            assert p.submit(signal.getsignal, signal.SIGTERM).result(timeout=30) == signal.SIG_DFL
    finally:
        signal.signal(signal.SIGTERM, previous)
