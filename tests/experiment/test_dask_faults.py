"""A sweep on a Dask cluster against its faults: a "scheduler" that accepts the connection and never answers
is one line in bounded time; a worker killed mid-sweep (a real cluster over TCP, without nannies) costs
nothing: its lost parts run again and the table is the one an undisturbed run gives."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sim.experiment.store import FILE, ResultStore
from tests.cli.test_hostile import time_limit
from tests.conftest import count_replications, table
from tests.experiment.test_experiment import island_sweep, run_table

pytest.importorskip("distributed")
SWEEP = ["--executor", "dask", "--batch", "2", "-q"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_scheduler_that_never_answers_is_one_line_in_bounded_time(tmp_path):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    held = []
    threading.Thread(target=lambda: [held.append(silent.accept()) for _ in range(16)], daemon=True).start()
    sweep = island_sweep(tmp_path, reps=2)
    address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
    cmd = [sys.executable, "-m", "sim.cli", "sweep", str(sweep), "--out", "out", *SWEEP, "--scheduler", address]
    p = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert p.returncode == 2, p.stderr
    assert p.stderr.splitlines() == [
        f"--scheduler {address}: something accepted the connection but no Dask scheduler answered within 15 s"
    ]
    silent.close()


class Cluster:
    """A scheduler and two workers over TCP, without nannies: a killed worker stays dead."""

    def __init__(self, cwd: Path):
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        common = {"cwd": cwd, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "start_new_session": True}
        dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
        self.scheduler = subprocess.Popen(
            [*dask, "--host", "127.0.0.1", "--port", str(self.port), "--dashboard-address", "127.0.0.1:0"], **common
        )
        worker = [sys.executable, "-m", "distributed.cli.dask_worker", self.address, "--no-nanny", "--nthreads", "1"]
        self.workers = [subprocess.Popen([*worker, "--name", f"w{i}"], **common) for i in range(2)]

    def ready(self) -> None:
        from distributed import Client

        with Client(self.address, timeout="20s") as c:
            c.wait_for_workers(2, timeout=30)

    def close(self) -> None:
        for p in [*self.workers, self.scheduler]:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
            p.wait()


@pytest.mark.slow
@pytest.mark.parametrize("after", range(1, 21, 2))  # ten moments
def test_a_worker_killed_mid_sweep_costs_nothing(tmp_path, after):
    """Killed once ``after`` replications are stored (of 2 points x 12); the sweep goes on on the other worker."""
    sweep = island_sweep(tmp_path, reps=12)
    want = run_table(sweep, tmp_path / "serial", executor="serial")
    cluster = Cluster(tmp_path)
    try:
        with time_limit(120):
            cluster.ready()
            out = tmp_path / "out"
            cmd = [sys.executable, "-m", "sim.cli", "sweep", str(sweep), "--out", str(out), *SWEEP]
            proc = subprocess.Popen(
                [*cmd, "--scheduler", cluster.address], cwd=tmp_path, stderr=subprocess.PIPE, text=True
            )
            store = tmp_path / f".{out.name}.partial" / FILE
            while proc.poll() is None and not (store.exists() and count_replications(store) >= after):
                time.sleep(0.05)
            assert proc.poll() is None, "the sweep ended before the worker could be killed"
            os.killpg(cluster.workers[0].pid, signal.SIGKILL)
            err = proc.communicate(timeout=100)[1]
        assert proc.returncode == 0, err
        got = ResultStore.open(out)
        assert table(got.rows(), got.metrics) == want
        got.close()
    finally:
        cluster.close()


class _Future:
    def __init__(self, outcome: object):
        self.outcome = outcome

    def result(self, timeout: float | None = None) -> object:
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome


class _Client:
    def __init__(self, outcomes: list[object]):
        self.outcomes = outcomes
        self.submitted = 0

    def submit(self, *args: object, pure: bool) -> _Future:
        self.submitted += 1
        return _Future(self.outcomes.pop(0))


class _AsCompleted:
    """As distributed's as_completed: iterated while futures are added to it."""

    def __init__(self, futures: list[_Future]):
        self.queue = list(futures)

    def add(self, future: _Future) -> None:
        self.queue.append(future)

    def __iter__(self):
        while self.queue:
            yield self.queue.pop(0)


def test_a_part_lost_with_its_worker_runs_again_and_a_part_lost_every_time_is_one_line():
    from concurrent.futures import CancelledError

    from sim.errors import ExsimError
    from sim.experiment.executors import RETRIES, Task, _gathered

    task = Task(0, None, 1, (0, 1))  # type: ignore[arg-type]  (the scenario is not read here)
    client = _Client([["done"]])
    assert list(_gathered(client, {_Future(CancelledError("already forgotten")): task}, _AsCompleted)) == [["done"]]
    assert client.submitted == 1
    client = _Client([CancelledError("lost")] * RETRIES)
    with pytest.raises(ExsimError, match="--resume finishes it"):
        list(_gathered(client, {_Future(CancelledError("lost")): task}, _AsCompleted))
    assert client.submitted == RETRIES


class _Silent:
    """An as_completed whose next result never comes (a cluster that took the tasks and went quiet)."""

    def __init__(self, futures: list[_Future]):
        self.never = threading.Event()

    def add(self, future: _Future) -> None:
        pass

    def __iter__(self):
        self.never.wait()
        yield from ()


def test_a_result_that_never_comes_is_one_line_within_the_limit(monkeypatch):
    from sim.errors import ExsimError
    from sim.experiment.executors import Task, _gathered

    monkeypatch.setenv("EXSIM_DASK_TIMEOUT", "1s")
    task = Task(3, None, 1, (0, 1))  # type: ignore[arg-type]  (the scenario is not read here)
    start = time.monotonic()
    with time_limit(30), pytest.raises(ExsimError) as e:
        list(_gathered(_Client([]), {_Future(["never"]): task}, _Silent))
    assert time.monotonic() - start < 10
    assert str(e.value) == (
        "the Dask cluster did not answer within 1 s (no replication came back; EXSIM_DASK_TIMEOUT sets the limit); "
        "the finished replications are kept: --resume finishes the sweep"
    )
    # a result announced whose data never arrives: the point is named
    with time_limit(30), pytest.raises(ExsimError, match="the results of point 3 did not arrive"):
        list(_gathered(_Client([]), {_Future(TimeoutError("timed out after 1 s")): task}, _AsCompleted))


def test_a_scheduler_without_workers_is_one_line_in_bounded_time(tmp_path):
    """A real scheduler that accepts the client and the tasks, and has no worker to run them: the sweep waited
    for ever; now one line once EXSIM_DASK_TIMEOUT passes, and nothing is lost (--resume finishes it)."""
    port = free_port()
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(port)]
    scheduler = subprocess.Popen(
        [*dask, "--dashboard-address", "127.0.0.1:0"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        address = f"tcp://127.0.0.1:{port}"
        for _ in range(100):  # until it listens
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        sweep = island_sweep(tmp_path, reps=2)
        cmd = [sys.executable, "-m", "sim.cli", "sweep", str(sweep), "--out", "out", *SWEEP, "--scheduler", address]
        env = {**os.environ, "EXSIM_DASK_TIMEOUT": "3s"}
        start = time.monotonic()
        p = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=90, env=env)
        assert p.returncode == 2, p.stderr
        assert p.stderr.splitlines() == [
            "the Dask cluster did not answer within 3 s (no worker took the scenarios; EXSIM_DASK_TIMEOUT sets the "
            "limit); the finished replications are kept: --resume finishes the sweep"
        ]
        assert time.monotonic() - start < 60
    finally:
        os.killpg(scheduler.pid, signal.SIGKILL)
        scheduler.wait()
