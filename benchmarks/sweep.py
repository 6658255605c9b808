"""Sweep throughput and memory: serial, 2 processes and Dask, alternated and repeated; 10,000 replications.

    python benchmarks/sweep.py [--reps 200] [--rounds 3] [--big 10000] [--big-rounds 1] [--skip-big | --skip-executors]

1. The same sweep (trans_caspian_logistics, 3 points x --reps) with each executor, in rounds whose
   order rotates (serial, process, dask; then process, dask, serial; ...), so that a busy neighbour
   on a shared machine hits every executor alike. Per executor: wall time and CPU time per
   replication (this process and all its descendants: pool workers, the forkserver, Dask's nanny and
   workers, sampled with psutil), and its start-up (the same executor on one replication). Goals:
   2 processes >= 1.8x serial; Dask >= 0.9x the process pool, on a sweep where start-up is < 5 %
   (Dask's start-up is ~2 s: that takes --reps 2000 or so; the script says when the sweep was too short).
   The ratios are taken within a round, then summarised over rounds: median (min-max).
2. ``exsim run island_retake --reps N`` (the CLI, through the store and the process pool) for a tenth
   of --big and for --big, alternated, --big-rounds times: wall time over N x the engine's CPU per
   replication / 2 workers (issue 27: goal <= 1.10, the overhead at most 10 %); the
   overhead around the engine, (wall x 2 cores) - (engine CPU per replication x N), the engine alone
   measured in this process just before each run; the time the cores did not spend in a replication
   (wall x 2 - the replications' own time in the workers, from the run's manifest: on a shared machine a
   replication slowed by a neighbour counts as replication, not overhead) and the CPU of the processes other
   than the workers;
   peak memory, the sum of the PSS of the main process and its workers sampled every 0.1 s, and each
   process's own peak (goal: flat in the replication count and < 150 MB at 10,000, workers included).
Before them, the machine's own parallel ceiling: two bare CPU-bound processes against one, so that a poor
speed-up can be told apart from a poor (or busy) machine.
Times include starting the pool or cluster: that is what a user waits for. Needs the bench extra
(pip install -e '.[bench]': Dask and psutil).
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/queue.py (named by its issue) would shadow the standard library's `queue` for any script
# run from this folder: take the script's folder off the import path before anything imports `queue`.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass

import psutil

from sim.experiment.design import SweepSpec, build_sweep
from sim.experiment.sweep import Plan, run_plan

EXECUTORS = ("serial", "process", "dask")
ROLES = (("forkserver", "fork server"), ("resource_tracker", "resource tracker"))  # the main process's children


class TreeMonitor:
    """Samples a process and all its descendants: their CPU time (last seen per process) and memory.

    Memory is PSS (proportional set size: a page shared by n processes counts 1/n in each), so the sum
    over the tree is the memory the run really holds; workers forked from one server share most of
    their pages, and a sum of RSS would count those pages once per worker.
    """

    def __init__(self, pid: int, every: float = 0.1, memory: bool = False):
        self.root = psutil.Process(pid)
        self.every = every
        self.memory = memory  # PSS reads every page table entry (smaps): costly, so only when asked
        self.cpu: dict[int, float] = {}  # pid -> user + system seconds, last seen
        self.peak_total = 0  # bytes: the largest sum of PSS over the tree at one sample
        self.peak_one = 0  # bytes: the largest RSS of a single process
        self.peaks: dict[int, tuple[str, int]] = {}  # pid -> (its role, its largest PSS in bytes)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        total = 0
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        for p in procs:
            try:
                with p.oneshot():
                    t = p.cpu_times()
                    mem = p.memory_full_info() if self.memory else None
                    role = self._role(p) if mem else ""  # each time: a child's command line changes when it execs
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            self.cpu[p.pid] = t.user + t.system
            if mem is not None:
                total += mem.pss
                self.peak_one = max(self.peak_one, mem.rss)
                self.peaks[p.pid] = (role, max(mem.pss, self.peaks.get(p.pid, ("", 0))[1]))
        self.peak_total = max(self.peak_total, total)

    def _role(self, p: psutil.Process) -> str:
        """main, fork server, resource tracker or worker (a worker forked by the server shares its command line)."""
        if p.pid == self.root.pid:
            return "main"
        if p.ppid() != self.root.pid:
            return "worker"
        line = " ".join(p.cmdline())
        return next((role for key, role in ROLES if key in line), "worker")

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.every)

    def __enter__(self) -> TreeMonitor:
        self._sample()
        self.cpu0 = dict(self.cpu)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._sample()
        self._stop.set()
        self._thread.join()

    def cpu_seconds(self) -> float:
        """CPU used by the tree while monitored (a descendant's last < 0.1 s before it exits can be missed)."""
        return sum(t - self.cpu0.get(pid, 0.0) for pid, t in self.cpu.items())


@dataclass
class Sample:
    wall: float
    cpu: float
    replications: int


def plan(reps: int, points: int = 3) -> Plan:
    every = ["2d", "3d", "4d"][:points]
    spec = SweepSpec.model_validate(
        {
            "name": "bench",
            "scenario": "trans_caspian_logistics",
            "replications": reps,
            "factors": {"supply_lines.sea_line.every": every},
        }
    )
    return Plan.from_sweep(build_sweep(spec, "trans_caspian_logistics", "bench", lambda key: None))


def timed(p: Plan, executor: str) -> Sample:
    with tempfile.TemporaryDirectory() as tmp, TreeMonitor(os.getpid()) as mon:
        t0 = time.perf_counter()
        run_plan(p, Path(tmp) / "out", executor=executor, workers=1 if executor == "serial" else 2).close()
        wall = time.perf_counter() - t0
    return Sample(wall, mon.cpu_seconds(), p.replications * len(p.points))


def spread(xs: list[float], fmt: str = "{:.2f}") -> str:
    return f"{fmt.format(statistics.median(xs))} ({fmt.format(min(xs))}-{fmt.format(max(xs))})"


@dataclass
class BigRun:
    wall: float
    cpu: float  # the whole tree
    inside: float  # the replications' own time in the workers (the manifest's replications_s)
    engine: float  # CPU s of one replication in this process, measured just before the run
    monitor: TreeMonitor

    def outside_workers(self) -> float:
        """CPU s of the main process, the fork server and the resource tracker."""
        roles = {pid: role for pid, (role, _) in self.monitor.peaks.items()}
        return sum(
            t - self.monitor.cpu0.get(pid, 0.0) for pid, t in self.monitor.cpu.items() if roles.get(pid) != "worker"
        )


def cli_run(reps: int) -> BigRun:
    """``exsim run island_retake --reps N`` in a subprocess, the engine alone measured just before."""
    engine = engine_cpu_per_replication()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        cmd = [sys.executable, "-m", "sim.cli", "run", "island_retake", "--reps", str(reps), "--workers", "2"]
        cmd += ["--out", str(out), "-q"]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=tmp)
        with TreeMonitor(proc.pid, memory=True) as mon:
            proc.wait()
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode})")
        inside = json.loads((out / "manifest.json").read_text())["replications_s"]
    return BigRun(wall, mon.cpu_seconds(), inside, engine, mon)


def engine_cpu_per_replication(reps: int = 200) -> float:
    """CPU seconds of one replication of island_retake in this process: the engine alone, no executor or store."""
    from sim.check import load_scenario
    from sim.engine.geo import Map
    from sim.experiment.runner import run_replication

    scenario = load_scenario("island_retake").scenario
    shared = Map(scenario.map)
    run_replication(scenario, 0, 0, map_=shared)  # warm: imports, caches
    t0 = time.process_time()
    for i in range(reps):
        run_replication(scenario, scenario.scenario.seed, i, map_=shared)
    return (time.process_time() - t0) / reps


def memory_line(mon: TreeMonitor) -> str:
    """Each process's peak PSS, by role: where the memory is."""
    by_role: dict[str, list[float]] = {}
    for role, pss in mon.peaks.values():
        by_role.setdefault(role, []).append(pss / 2**20)
    return ", ".join(f"{role} {' + '.join(f'{x:.0f}' for x in sorted(xs))}" for role, xs in sorted(by_role.items()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=200, help="replications per point (3 points)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--big", type=int, default=10000, help="replications of island_retake for time and memory")
    ap.add_argument("--big-rounds", type=int, default=1, help="repeats of the --big runs (alternated with a tenth)")
    ap.add_argument("--skip-big", action="store_true")
    ap.add_argument("--skip-executors", action="store_true", help="only the --big runs")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (shared: other work may run)")
    if not args.skip_executors:
        executors(args.reps, args.rounds)
    if not args.skip_big:
        ceiling(max(3, args.big_rounds))
        big(args.big, args.big_rounds)


def executors(reps: int, rounds: int) -> None:
    p, tiny = plan(reps), plan(2, points=1)  # two batches: a pool is started (one batch runs in-process)
    samples: dict[str, list[Sample]] = {e: [] for e in EXECUTORS}
    startup: dict[str, list[float]] = {e: [] for e in EXECUTORS}
    for r in range(rounds):
        order = EXECUTORS[r % 3 :] + EXECUTORS[: r % 3]
        for e in order:
            startup[e].append(timed(tiny, e).wall)
            samples[e].append(timed(p, e))
    n = p.replications * len(p.points)
    print(f"trans_caspian_logistics, 3 points x {reps} replications, {rounds} rounds: median (min-max)")
    for e in EXECUTORS:
        s = samples[e]
        wall_ms = spread([1e3 * x.wall / n for x in s])
        cpu_ms = spread([1e3 * x.cpu / n for x in s])
        share = spread([100 * st / x.wall for st, x in zip(startup[e], s, strict=True)], "{:.1f}")
        print(
            f"  {e:8s}: {spread([x.wall for x in s], '{:.1f}')} s; per replication {wall_ms} ms wall, "
            f"{cpu_ms} ms CPU; start-up {share} % of the sweep"
        )
    speedup = [s.wall / q.wall for s, q in zip(samples["serial"], samples["process"], strict=True)]
    dask = [q.wall / d.wall for q, d in zip(samples["process"], samples["dask"], strict=True)]
    print(f"  2 processes / serial: {spread(speedup)}x  (goal >= 1.8)")
    dask_share = statistics.median(st / x.wall for st, x in zip(startup["dask"], samples["dask"], strict=True))
    longer = "" if dask_share < 0.05 else f"; Dask's start-up is {100 * dask_share:.0f} %, not < 5 %: try --reps "
    longer += f"{50 * round(reps * dask_share / 0.05 / 50 + 1)}" if longer else ""
    print(f"  Dask / 2 processes  : {spread(dask)}x  (goal >= 0.9{longer})")


def _spin(seconds: float) -> None:
    """CPU-bound Python for ``seconds`` of CPU (a bare process, nothing of exsim)."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        sum(i * i for i in range(1000))


def ceiling(rounds: int, seconds: float = 1.0) -> None:
    """The machine's own parallel ceiling: two bare CPU-bound processes against one, wall time, alternated."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    ratios = []
    for _ in range(rounds):
        walls = []
        for k in (1, 2):
            procs = [ctx.Process(target=_spin, args=(seconds,)) for _ in range(k)]
            t0 = time.perf_counter()
            for q in procs:
                q.start()
            for q in procs:
                q.join()
            walls.append(time.perf_counter() - t0)
        ratios.append(2 * walls[0] / walls[1])  # twice the work in the time one takes: 2.0 on two free cores
    print(f"parallel ceiling (2 bare CPU-bound processes: 2 x wall of one / wall of two): {spread(ratios)}x")
    print("  (what this machine gives two processes now: a speed-up near it is the machine's, not exsim's)")


def big(reps: int, rounds: int) -> None:
    print("exsim run island_retake --workers 2 (the CLI: store, process pool); memory = main process + workers")
    sizes = (reps // 10, reps)
    runs: dict[int, list[BigRun]] = {n: [] for n in sizes}
    for r in range(rounds):
        for n in sizes if r % 2 == 0 else sizes[::-1]:
            runs[n].append(cli_run(n))
    for n in sizes:
        rs = runs[n]
        overhead = [2 * x.wall - x.engine * n for x in rs]
        idle = [2 * x.wall - x.inside for x in rs]
        idle_share = [100 * i / (2 * x.wall) for i, x in zip(idle, rs, strict=True)]
        goal = "  (goal: < 150 MB)" if n == reps else ""
        print(
            f"  {n:6,d} replications ({rounds} runs): {spread([x.wall for x in rs], '{:.1f}')} s wall, "
            f"{spread([1e3 * x.cpu / n for x in rs])} ms CPU per replication{goal}"
        )
        ratio = [x.wall / (x.engine * n / 2) for x in rs]
        print(f"      wall / (N x engine CPU per replication / 2 workers): {spread(ratio)}  (goal <= 1.10)")
        print(
            f"      overhead (2 x wall - engine CPU x N): {spread(overhead, '{:.1f}')} core-s = "
            f"{spread([100 * o / (2 * x.wall) for o, x in zip(overhead, rs, strict=True)], '{:.0f}')} % "
            f"(the engine alone, before each run: {spread([1e3 * x.engine for x in rs])} ms CPU per replication)"
        )
        print(
            f"      cores not in a replication (2 x wall - the replications' own time in the workers): "
            f"{spread(idle, '{:.1f}')} core-s = {spread(idle_share, '{:.1f}')} "
            f"%; CPU outside the workers {spread([x.outside_workers() for x in rs])} s"
        )
        print(
            f"      peak memory {spread([x.monitor.peak_total / 2**20 for x in rs], '{:.0f}')} MB (PSS, all "
            f"processes; largest RSS {max(x.monitor.peak_one for x in rs) / 2**20:.0f} MB); by process, MB (last "
            f"run): {memory_line(rs[-1].monitor)}"
        )


if __name__ == "__main__":
    main()
