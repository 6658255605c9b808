"""Executors behind one interface: run batches of replications serially, in local processes, or on Dask.

A replication's result depends only on (scenario, seed, replication), so every executor gives the same
table. Batches of replications make each task long enough to pay for its scheduling.
"""

from __future__ import annotations

import gc
import math
import os
import select
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sim.config.schema import Scenario
from sim.cores import MAX_WORKERS, default_workers  # noqa: F401  (MAX_WORKERS: re-exported)
from sim.engine.geo import Map
from sim.errors import ExsimError, MissingExtra
from sim.experiment.runner import run_replication


@dataclass(frozen=True)
class Task:
    point: int
    scenario: Scenario
    seed: int
    replications: tuple[int, ...]


Batch = tuple[int, tuple[int, ...]]  # a point and some of its replications


@dataclass(frozen=True)
class Outcome:
    point: int
    replication: int
    seed: int
    seconds: float
    metrics: dict[str, float] | None
    error: str | None


# replications per task at most: an interrupt loses at most a task's work per worker (under 4 s for the
# shipped scenarios, 3-17 ms a replication); a Dask task costs ~15 ms of CPU, a pool task ~2 ms
MAX_BATCH = 200
SHARE = 2  # a task takes at most 1 / (SHARE x workers) of the replications still to cut


def batches(todo: Sequence[tuple[int, Sequence[int]]], workers: int, size: int | None = None) -> Iterator[Batch]:
    """Cut each point's replications (``todo``: (point, replications) in order) into tasks of ``size``, or by
    default by guided self-scheduling: each task takes a share of the replications still left, up to
    MAX_BATCH, so that the first tasks are long enough to pay for their scheduling and the last ones
    short enough that no worker waits long for the others at the end."""
    left = sum(len(reps) for _, reps in todo)
    for point, reps in todo:
        i = 0
        while i < len(reps):
            n = size or min(MAX_BATCH, math.ceil(left / (SHARE * workers)))
            yield point, tuple(reps[i : i + n])
            left -= min(n, len(reps) - i)
            i += n


def run_task(task: Task) -> list[Outcome]:
    """Run one batch; a replication that raises is recorded with its error, and the batch goes on."""
    shared_map = Map(task.scenario.map)
    out = []
    for rep in task.replications:
        t0 = time.perf_counter()
        try:
            metrics = run_replication(task.scenario, task.seed, rep, map_=shared_map).metrics
            error = None
        except ExsimError:  # the user's to fix (the run budget): stop the whole run now, not replication by
            raise  # replication; those finished so far are kept
        except Exception as e:  # recorded, not swallowed: the store keeps the error for the user to see
            metrics, error = None, f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=5)}"
        out.append(Outcome(task.point, rep, task.seed, time.perf_counter() - t0, metrics, error))
    return out


def _run_parts(scenario: Scenario, point: int, seed: int, replications: tuple[int, ...]) -> list[Outcome]:
    return run_task(Task(point, _interned(point, scenario), seed, replications))


# A pool worker's scenarios, received once when it starts (``_start_worker``); each task names one by its
# index. One object per scenario for the worker's whole life: a scenario unpickled with every task would
# be a new object each time, and the caches keyed by a scenario (its metric catalogue) would fill with
# dead copies, and the worker's memory grow with the number of tasks. A sweep with more points than
# SHARED_SCENARIOS_MAX sends each batch its point's scenario instead (all of them in every worker would grow
# with the number of points), and a worker keeps the last few it was sent, by point (``_interned``).
_worker_scenarios: tuple[Scenario, ...] = ()
SHARED_SCENARIOS_MAX = 16
INTERNED_MAX = 4
_interned_scenarios: dict[int, Scenario] = {}


def _interned(point: int, scenario: Scenario) -> Scenario:
    """The object this worker already holds for ``point``'s scenario (a batch's copy is dropped), else this one.

    Batches are cut point by point, so a worker sees a point's batches one after another: the caches keyed
    by a scenario's identity hit, and at most INTERNED_MAX scenarios are kept.
    """
    held = _interned_scenarios.pop(point, None)
    if held is None:
        held = scenario
        while len(_interned_scenarios) >= INTERNED_MAX:
            del _interned_scenarios[next(iter(_interned_scenarios))]  # the least recently used
    _interned_scenarios[point] = held  # most recently used last
    return held


def _start_worker(parent: int, scenarios: tuple[Scenario, ...]) -> None:
    """Pool worker initializer: keep the scenarios, share the fork server's memory, end with the main process."""
    global _worker_scenarios
    # the objects inherited from the fork server go to the permanent generation: the collector no longer
    # writes into their headers, so their pages stay shared with the server (and the other workers)
    gc.freeze()
    _worker_scenarios = scenarios
    _die_with_parent(parent)


def _run_indexed(scenario: int, point: int, seed: int, replications: tuple[int, ...]) -> list[Outcome]:
    return run_task(Task(point, _worker_scenarios[scenario], seed, replications))


def _distinct(tasks: list[Task]) -> tuple[tuple[Scenario, ...], dict[int, int]]:
    """The tasks' scenarios, each once (a sweep's points share none, a run's batches one), and id -> index."""
    index: dict[int, int] = {}
    scenarios: list[Scenario] = []
    for t in tasks:
        if id(t.scenario) not in index:
            index[id(t.scenario)] = len(scenarios)
            scenarios.append(t.scenario)
    return tuple(scenarios), index


CONNECT_TIMEOUT_S = 5


def check_scheduler(address: str) -> None:
    """Refuse a malformed or unreachable Dask scheduler address before anything is written.

    A plain TCP connection with a short timeout: cheaper and clearer than letting the Dask client
    retry for its own timeout and fail with a stack of asyncio errors.
    """
    scheme, sep, rest = address.rpartition("://")
    host, colon, port = rest.rpartition(":")
    if sep and scheme not in ("tcp", "tls"):
        raise ExsimError(f"--scheduler {address}: unknown protocol {scheme!r}; use tcp://HOST:PORT")
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536 or any(c.isspace() for c in host):
        raise ExsimError(f"--scheduler {address}: expected an address such as tcp://HOST:8786")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as e:
        reason = "timed out" if isinstance(e, TimeoutError) else (e.strerror or str(e))
        raise ExsimError(
            f"--scheduler {address}: cannot reach the Dask scheduler ({reason}, {CONNECT_TIMEOUT_S} s limit)"
        ) from None


def _die_with_parent(parent: int) -> None:
    """Worker initializer: the worker ends as soon as the main process does, however that ends.

    A SIGKILL of the main process leaves it no time to stop its workers, and a forkserver worker's
    parent is the fork server, not the main process, so PR_SET_PDEATHSIG would watch the wrong one.
    A daemon thread waits on a pidfd of the main process (Linux; elsewhere it polls once a second)
    and ends the worker when it exits. Ctrl-C is left to the main process, which stops the workers, and
    SIGTERM, which the main process sends them to stop them, ends them: a worker forked from the command
    line would otherwise keep its handler (Terminated, raised in a task, then reported as the task's error
    while the worker lived on, and the pool waited for it for ever).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        pidfd: int | None = os.pidfd_open(parent)  # type: ignore[attr-defined]
    except (AttributeError, OSError):  # not Linux, or the parent is already gone (then polling sees it)
        pidfd = None

    def watch() -> None:
        if pidfd is not None:
            select.select([pidfd], [], [])
        else:
            while _alive(parent):
                time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="exsim-parent-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


CANCEL_POLL_S = 0.1  # how often a pool's consumer looks at its cancel event while no task finishes


def execute(
    tasks: list[Task],
    executor: str = "process",
    workers: int | None = None,
    scheduler: str | None = None,
    *,
    cancel: threading.Event | None = None,
) -> Iterator[list[Outcome]]:
    """Yield each task's outcomes as it finishes (in any order). ``cancel``, set from another thread, ends
    the iteration soon after (a process pool's workers terminated, not waited for); yielded outcomes stay.

    ``workers`` None: as many as there are cores, and for the process executor only when the replications'
    expected time outweighs the pool's start-up (``_worth_a_pool``); given, a pool of that many.
    """
    choose, workers = workers is None, workers or default_workers()
    if executor == "serial" or (executor == "process" and (workers == 1 or len(tasks) == 1)):  # no pool for one batch
        for task in tasks:
            if cancel is not None and cancel.is_set():
                return
            yield run_task(task)
    elif executor == "process":
        if choose:
            tasks = yield from _worth_a_pool(tasks, workers)
        if tasks and not (cancel is not None and cancel.is_set()):
            yield from _process(tasks, workers, cancel)
    elif executor == "dask":
        yield from _dask(tasks, workers, scheduler)
    else:
        raise ExsimError(f"unknown executor {executor!r} (serial, process, dask)")


POOL_START_S = 0.8  # wall seconds a pool takes to start its workers (forkserver, exsim imported): 2 cores, loaded
FORK_START_S = 0.05  # the same, forked from this process (measured 0.01 s for two workers; a margin for load)
PILOT = 2  # replications run here first to time one (the second: the first fills the scenario's caches)


def _worth_a_pool(tasks: list[Task], workers: int) -> Generator[list[Outcome], None, list[Task]]:
    """Run the first replications here, timing them; if the rest would take less time here than a pool
    would save, net of its start-up, run them here too. Returns the tasks left for a pool (none, or all)."""
    first = tasks[0]
    head, tail = first.replications[:PILOT], first.replications[PILOT:]
    took = 0.0
    for r in head:
        t0 = time.process_time()  # CPU: a neighbour's load on a shared machine slows a pool as much
        yield run_task(Task(first.point, first.scenario, first.seed, (r,)))
        took = time.process_time() - t0
    rest = ([Task(first.point, first.scenario, first.seed, tail)] if tail else []) + tasks[1:]
    left = sum(len(t.replications) for t in rest)
    if took * left * (1 - 1 / workers) > pool_start_s():
        return rest
    for task in rest:
        yield run_task(task)
    return []


def start_method() -> str:
    """How a pool starts its workers: forked from this process where that is safe, else from a fork server.

    Forking copies this process as it is, exsim and the scenarios already loaded: two workers start in about
    0.01 s, against 0.8 s for a fork server that imports exsim first. It is safe on Linux while this is the
    process's only thread (``exsim run`` and ``exsim sweep`` from the command line): a thread that held a
    lock at the fork would leave it held for ever in the child. With threads running (the classroom server,
    a progress spinner) or elsewhere, workers come from the fork server, which starts clean.
    """
    return "fork" if sys.platform == "linux" and threading.active_count() == 1 else "forkserver"


def pool_start_s() -> float:
    """Wall seconds a pool of workers takes to start here (``start_method``)."""
    return FORK_START_S if start_method() == "fork" else POOL_START_S


def _process(tasks: list[Task], workers: int, cancel: threading.Event | None = None) -> Iterator[list[Outcome]]:
    # workers forked from this process when it has no other thread (start_method), else from a fork server,
    # whose workers start clean (no inherited threads or open files): the server imports exsim once, so each
    # worker forks from a warm interpreter instead of importing numpy and pydantic again; numpy.random too
    # (imported on a replication's first draw), so that it is shared rather than per worker
    import multiprocessing  # here: a run that needs no pool does not import it (about 0.1 s at start-up)
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait  # (as multiprocessing)

    method = start_method()
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(["sim.experiment.executors", "numpy.random"])
    scenarios, index = _distinct(tasks)
    shared = len(scenarios) <= SHARED_SCENARIOS_MAX  # else each batch carries its own (see _interned)
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=ctx,
        initializer=_start_worker,
        initargs=(os.getpid(), scenarios if shared else ()),
    ) as pool:
        futures = {
            pool.submit(_run_indexed, index[id(t.scenario)], t.point, t.seed, t.replications)
            if shared
            else pool.submit(_run_parts, t.scenario, t.point, t.seed, t.replications)
            for t in tasks
        }
        try:
            while futures:
                done, futures = wait(futures, CANCEL_POLL_S, FIRST_COMPLETED)
                for fut in done:  # dropped with their results once yielded: memory flat in the number of batches
                    yield fut.result()
                if cancel is not None and cancel.is_set():  # e.g. a placement batch a new choice retired
                    _stop_workers(pool)
                    return
        except BaseException:  # Ctrl-C, SIGTERM, an error, or the consumer stopped: unfinished batches are redone
            _stop_workers(pool)  # on --resume; waiting for them could take minutes
            raise


def _stop_workers(pool: Any) -> None:
    """Terminate the pool's workers instead of waiting for their running batches to finish.

    The pool then finds itself broken and fails every pending future. They are not cancelled first:
    Python 3.11's pool would then try to fail a cancelled future and print an InvalidStateError.
    """
    for p in list((getattr(pool, "_processes", None) or {}).values()):  # Python 3.14: pool.terminate_workers()
        p.terminate()


# A local cluster's housekeeping, made rarer: nobody reads its workers' statistical profile (a sample of
# the running task's stack every 10 ms) or its system charts, and a 20 ms event-loop tick and 100 ms
# memory checks are finer than a batch of replications needs. At rest, 2 workers cost 0.07-0.10 s of CPU
# a second with the defaults, 0.015 with these.
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.tick.interval": "500ms",
}


RETRIES = 3  # times a task whose worker was lost is submitted again (Dask reschedules most such tasks itself)
# The longest a sweep waits on the cluster for any one thing: the scenarios reaching the workers, the next
# result, a result's data, the client's closing. A batch of replications takes seconds to minutes; a cluster
# silent for this long has lost its workers or hung (one that accepts tasks and never runs them would
# otherwise hold the sweep for ever). EXSIM_DASK_TIMEOUT sets it (a duration: 90s, 10min, 2h).
TIMEOUT_VAR = "EXSIM_DASK_TIMEOUT"
DEFAULT_TIMEOUT = "1h"


def remote_timeout_s() -> float:
    """The limit on each wait for the Dask cluster, in seconds (EXSIM_DASK_TIMEOUT, default 1h)."""
    from sim.config.durations import parse_duration  # only with Dask: not on exsim run's path

    text = os.environ.get(TIMEOUT_VAR, DEFAULT_TIMEOUT).strip()
    try:
        minutes = parse_duration(text)
    except ValueError:
        minutes = -1.0
    if not minutes > 0:
        raise ExsimError(f"{TIMEOUT_VAR}={text}: not a positive duration (say 90s, 10min or 2h)")
    return minutes * 60


def _silent(what: str, seconds: float) -> ExsimError:
    """The one line for a cluster that did not answer in time."""
    return ExsimError(
        f"the Dask cluster did not answer within {seconds:g} s ({what}; {TIMEOUT_VAR} sets the limit); "
        "the finished replications are kept: --resume finishes the sweep"
    )


def _next_into(it: Iterator[Any], got: list[tuple[str, Any]]) -> None:
    try:
        got.append(("item", next(it)))
    except StopIteration:
        got.append(("end", None))
    except BaseException as e:  # the caller's to handle, in its own thread
        got.append(("error", e))


def _each_within(items: Any, seconds: float, what: str) -> Iterator[Any]:
    """``items`` one by one, each within ``seconds`` of asking for it, else one line. Each wait is a daemon
    thread's, so one that never returns holds neither the sweep nor the process at its exit; the next item is
    asked for only when the caller wants it (an as_completed that the caller adds to in between works as
    when iterated directly)."""
    it = iter(items)
    while True:
        got: list[tuple[str, Any]] = []
        waiting = threading.Thread(target=_next_into, args=(it, got), name="exsim-dask-result", daemon=True)
        waiting.start()
        waiting.join(seconds)
        if not got:
            raise _silent(what, seconds)
        kind, value = got[0]
        if kind == "end":
            return
        if kind == "error":
            raise value
        yield value


def _connect(client_type: Any, scheduler: str) -> Any:
    """A client of the scheduler at ``scheduler``, or one line when none answers in time: something that
    accepts the connection and never speaks would otherwise hold the sweep for ever."""
    got: list[Any] = []

    def connect() -> None:  # a daemon thread: one that never returns does not hold the process at its exit
        try:
            got.append(client_type(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s"))
        except Exception as e:
            got.append(e)

    thread = threading.Thread(target=connect, name="exsim-dask-connect", daemon=True)
    thread.start()
    thread.join(3 * CONNECT_TIMEOUT_S)
    if not got:
        raise ExsimError(
            f"--scheduler {scheduler}: something accepted the connection but no Dask scheduler answered within "
            f"{3 * CONNECT_TIMEOUT_S} s"
        )
    if isinstance(got[0], Exception):  # something answered at that address, but not a Dask scheduler
        reason = " ".join(f"{type(got[0]).__name__}: {got[0]}".split())[:200]
        raise ExsimError(f"--scheduler {scheduler}: no Dask scheduler answered ({reason})")
    return got[0]


def _gathered(client: Any, futures: dict[Any, Task], finished_on_cluster: Any) -> Iterator[list[Outcome]]:
    """Each task's outcomes as it finishes; a task lost with its worker (cancelled, forgotten, killed) is
    submitted again, with its scenario, up to RETRIES times; then one line, and ``--resume`` finishes it.
    A replication depends only on its seed: a task run twice gives the same outcomes."""
    from concurrent.futures import CancelledError  # not on exsim run's path (as multiprocessing)

    from distributed import KilledWorker  # the dask extra, as the executor's

    tries: dict[tuple[int, tuple[int, ...]], int] = {}
    limit = remote_timeout_s()
    pending = finished_on_cluster(list(futures))
    for fut in _each_within(pending, limit, "no replication came back"):
        task = futures.pop(fut)  # a held future keeps its result on a worker: released once yielded
        try:
            outcomes = fut.result(timeout=limit)
        except TimeoutError:  # distributed's TimeoutError is the builtin one
            raise _silent(f"the results of point {task.point} did not arrive", limit) from None
        except (KilledWorker, CancelledError, OSError) as e:
            key = (task.point, task.replications)
            tries[key] = tries.get(key, 0) + 1
            if tries[key] > RETRIES:
                raise ExsimError(
                    f"the Dask cluster lost the workers running point {task.point} {RETRIES + 1} times "
                    f"({' '.join(str(e).split())[:120]}); the finished replications are kept: --resume finishes it"
                ) from None
            again = client.submit(_run_parts, task.scenario, task.point, task.seed, task.replications, pure=False)
            futures[again] = task
            pending.add(again)
            continue
        yield outcomes


def _dask(tasks: list[Task], workers: int, scheduler: str | None) -> Iterator[list[Outcome]]:
    try:
        # the dask extra, optional: imported only when the dask executor is asked for
        from dask import config as dask_config
        from distributed import Client, LocalCluster  # (the dask extra, as above)
        from distributed import as_completed as finished_on_cluster  # (the dask extra, as above)
    except ImportError:
        raise MissingExtra("the dask executor", "dask", ["dask[distributed]"]) from None
    cluster: Any = None
    if scheduler:
        check_scheduler(scheduler)
        client = _connect(Client, scheduler)
    else:
        with dask_config.set(LOCAL_CLUSTER_CONFIG):  # read by the scheduler, the nannies and (passed on) the workers
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                host="127.0.0.1",
                # no dashboard; its HTTP server (health checks) on a free port rather than 8787, which another
                # cluster on the machine may hold (distributed then warns, and the run would stop on the warning)
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            )
        client = Client(cluster)
    try:
        # send each point's scenario to the workers once, not with every batch (unless there are so many points
        # that every worker holding all of them would cost more: then each batch carries its own)
        scenarios, index = _distinct(tasks)
        shared = len(scenarios) <= SHARED_SCENARIOS_MAX
        limit = remote_timeout_s()
        try:
            scattered = [client.scatter(s, broadcast=True, timeout=limit) for s in scenarios] if shared else []
        except TimeoutError:
            raise _silent("no worker took the scenarios", limit) from None
        futures = {
            client.submit(
                _run_parts,
                scattered[index[id(t.scenario)]] if scattered else t.scenario,
                t.point,
                t.seed,
                t.replications,
                pure=False,
            ): t
            for t in tasks
        }
        yield from _gathered(client, futures, finished_on_cluster)
    finally:
        client.close(timeout=CONNECT_TIMEOUT_S)
        if cluster is not None:
            cluster.close(timeout=CONNECT_TIMEOUT_S)
