"""Engine throughput: exsim's replications against a fair simpy baseline, and against exsim as it was.

    python benchmarks/engine.py [--reps 200] [--rounds 5] [--scenario NAME ...] [--frozen COMMIT]

For each scenario (default: island_retake), in alternating rounds in one run:

1. **Fair baseline.** A hand-written simpy program with the same event mix as one replication: a
   fresh Environment per replication, as many processes, priority resources and containers, and the
   same census of timeouts, requests and releases, container gets and puts, conditions (``a | b``),
   ``all_of`` and plain events. The census is taken from replications of the scenario itself, so the
   baseline follows the scenario. What it leaves out is exactly what exsim adds: the models' logic.
   exsim's replications per second as a ratio to it (issue 27: goal >= 0.5 on birlestik_2024).
2. **Bare loop** (information only): simpy processes that only wait on timeouts, the same number of
   events in one Environment. No model can reach it; it bounds what simpy itself can do.
3. **Against the code as it was** (issue 27: CPU per replication <= 0.4x): the same replications by exsim at
   ``--frozen`` (default: 9e3bde7, the commit issue 27's work started from), checked out with ``git archive``
   into a temporary folder and run in a subprocess, alternating with the current code in a subprocess. The
   ratio of per-replication CPU times (CPU, not wall: the machine may be shared), now over then.
4. **Where the time goes**: exsim's CPU per replication split into building the world, the event loop
   and the metrics, and what each goal leaves for the models' own logic, taking the fair baseline as
   simpy's share of the loop (it schedules the same events).

Each figure is the median over rounds, with the spread (min-max) beside it.
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/queue.py (named by its issue) would shadow the standard library's `queue` for any script
# run from this folder: take the script's folder off the import path before anything imports `queue`.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import collections
import itertools
import json
import os
import statistics
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass
from typing import Any

import simpy

REPO = Path(__file__).resolve().parent.parent
FROZEN = "9e3bde7"  # main when issue 27's work began: the "0.4x the CPU per replication" reference
FAIR_GOAL = 0.5  # exsim's replications per second over the fair baseline's (issue 27)
CPU_GOAL = 0.4  # CPU per replication now over at FROZEN (issue 27)
CENSUS_REPS = 20


def spread(xs: list[float], fmt: str = "{:.2f}") -> str:
    """'median (min-max, n)' of repeated measurements."""
    return f"{fmt.format(statistics.median(xs))} ({fmt.format(min(xs))}-{fmt.format(max(xs))}, n={len(xs)})"


def load_any(path: Path) -> Any:
    """The scenario, by the loader of whichever exsim is imported (the frozen commit's is sim.config's)."""
    try:
        from sim.check import load_scenario
    except ImportError:  # the frozen commit: before the checks had a package of their own
        from sim.config import load_scenario  # type: ignore[attr-defined,no-redef]
    return load_scenario(path).scenario


# --- exsim's replications ----------------------------------------------------------------------------------


def exsim_seconds(scenario_path: Path, reps: int, seed: int = 1) -> tuple[float, float]:
    """(wall, CPU) seconds per replication over ``reps`` whole replications (build, run, metrics).

    Only APIs that the frozen commit has too, so that the same function times both.
    """
    from sim.engine.geo import Map
    from sim.experiment.runner import build_world, collect_metrics

    scenario = load_any(scenario_path)
    shared_map = Map(scenario.map)  # as the executors do
    w0, c0 = time.perf_counter(), time.process_time()
    for i in range(reps):
        world = build_world(scenario, seed, i, map_=shared_map)
        world.run()
        collect_metrics(world)
    return (time.perf_counter() - w0) / reps, (time.process_time() - c0) / reps


# --- the census of one replication's events ----------------------------------------------------------------


@dataclass(frozen=True)
class Census:
    """Per replication, on average: what a replication asks of simpy."""

    events: int  # events scheduled (simpy's own event-id counter)
    processes: int
    resources: int  # priority resources requested at least once
    containers: int  # containers read or written at least once
    kinds: dict[str, int]  # events scheduled by class: Timeout, PriorityRequest, Release, ContainerGet...


def census(scenario_path: Path, reps: int = CENSUS_REPS) -> Census:
    """Count, by class, the events replications of the scenario schedule (simpy's ``schedule`` wrapped)."""
    from sim.engine.geo import Map
    from sim.experiment.runner import build_world, collect_metrics

    scenario = load_any(scenario_path)
    shared_map = Map(scenario.map)
    kinds: collections.Counter[str] = collections.Counter()
    resources: set[int] = set()
    containers: set[int] = set()
    events = 0
    original = simpy.Environment.schedule

    def counting(self, event, priority=1, delay=0):  # type: ignore[no-untyped-def]
        kinds[type(event).__name__] += 1
        owner = getattr(event, "resource", None)
        if isinstance(owner, simpy.Container):
            containers.add(id(owner))
        elif owner is not None:
            resources.add(id(owner))
        return original(self, event, priority, delay)

    import heapq
    import types

    from sim.engine import timers

    def counting_push(queue, entry):  # type: ignore[no-untyped-def]
        kinds["Timeout"] += 1  # sim.engine.timers.alarm: a timeout in all but name, pushed without schedule()
        heapq.heappush(queue, entry)

    simpy.Environment.schedule = counting  # type: ignore[method-assign]
    timers.heapq = types.SimpleNamespace(  # type: ignore[assignment]
        heappush=counting_push,
        heapify=heapq.heapify,
        _siftup=heapq._siftup,  # type: ignore[attr-defined]
        _siftdown=heapq._siftdown,  # type: ignore[attr-defined]
    )
    try:
        for i in range(reps):
            resources.clear()
            containers.clear()
            world = build_world(scenario, 1, i, map_=shared_map)
            world.run()
            collect_metrics(world)
            events += next(world.env._eid)  # type: ignore[attr-defined]
    finally:
        simpy.Environment.schedule = original  # type: ignore[method-assign]
        timers.heapq = heapq  # type: ignore[assignment]
    per = {k: round(v / reps) for k, v in kinds.most_common()}
    return Census(round(events / reps), per.get("Initialize", 0), len(resources), len(containers), per)


# --- the fair baseline: the same event mix, hand-written ---------------------------------------------------


def fair_program(c: Census) -> tuple[list[tuple[str, ...]], int]:
    """The operations of one replication, dealt to ``c.processes`` processes: (per-process op lists, timeouts).

    Each request is followed by a timeout and a release (an order or a treatment); each condition is
    ``timeout | timeout`` (a treatment racing a death) and each all_of waits on two timeouts (a phase's
    orders); the timeouts left over are plain waits (movement, combat, alarms).
    """
    k = c.kinds
    requests = k.get("PriorityRequest", 0) + k.get("Request", 0) + k.get("LockRequest", 0)  # each with its release
    # a race (sim.engine.race.First) is what simpy writes as a | b: the baseline writes it so
    conditions, all_of = k.get("Condition", 0) + k.get("First", 0), k.get("AllOf", 0)
    ops = (
        ["lock"] * requests
        + ["get"] * k.get("ContainerGet", 0)
        + ["put"] * k.get("ContainerPut", 0)
        + ["any"] * conditions
        + ["all"] * all_of
        + ["event"] * k.get("Event", 0)
    )
    left = max(0, k.get("Timeout", 0) - requests - 2 * conditions - 2 * all_of)
    ops += ["wait"] * left
    ops.sort(key=lambda op: hash(op) % 7)  # interleave kinds deterministically rather than in blocks
    n = max(1, c.processes)
    return [tuple(ops[i::n]) for i in range(n)], left


def run_fair(c: Census, programs: list[tuple[str, ...]], delays: list[float]) -> int:
    """One replication of the hand-written program; the number of events it scheduled."""
    env = simpy.Environment()
    locks = [simpy.PriorityResource(env, capacity=1) for _ in range(max(1, c.resources))]
    stores = [simpy.Container(env, capacity=1e18, init=1e12) for _ in range(max(1, c.containers))]
    delay = itertools.cycle(delays).__next__

    def proc(ops: tuple[str, ...], lock: simpy.PriorityResource, store: simpy.Container):  # type: ignore[no-untyped-def]
        for op in ops:
            if op == "wait":
                yield env.timeout(delay())
            elif op == "lock":
                with lock.request(priority=1) as req:
                    yield req
                    yield env.timeout(delay())
            elif op == "get":
                yield store.get(1.0)
            elif op == "put":
                yield store.put(1.0)
            elif op == "any":
                yield env.timeout(delay()) | env.timeout(delay())
            elif op == "all":
                yield env.all_of([env.timeout(delay()), env.timeout(delay())])
            else:
                ev = env.event()
                ev.succeed()
                yield ev

    for i, ops in enumerate(programs):
        env.process(proc(ops, locks[i % len(locks)], stores[i % len(stores)]))
    env.run()
    return next(env._eid)  # type: ignore[attr-defined]


def fair_seconds(c: Census, reps: int) -> tuple[float, int]:
    """CPU seconds per replication of the fair program, and its events per replication."""
    import numpy as np

    programs, _ = fair_program(c)
    delays = np.random.default_rng(1).exponential(30.0, 4096).tolist()  # drawn once: exsim's streams are buffered too
    t0 = time.process_time()
    events = 0
    for _ in range(reps):
        events = run_fair(c, programs, delays)
    return (time.process_time() - t0) / reps, events


def bare_seconds(n_events: int, reps: int, processes: int = 10) -> float:
    """CPU seconds per ``n_events`` of plain simpy processes that only wait on timeouts."""
    env = simpy.Environment()
    per = n_events * reps // processes

    def proc():  # type: ignore[no-untyped-def]
        for _ in range(per):
            yield env.timeout(1.0)

    for _ in range(processes):
        env.process(proc())
    t0 = time.process_time()
    env.run()
    return (time.process_time() - t0) / reps


# --- against the frozen code ----------------------------------------------------------------------------


def exsim_split(scenario_path: Path, reps: int, seed: int = 1) -> tuple[float, float, float]:
    """CPU seconds per replication spent (building the world, running its events, collecting its metrics)."""
    from sim.engine.geo import Map
    from sim.experiment.runner import build_world, collect_metrics

    scenario = load_any(scenario_path)
    shared_map = Map(scenario.map)
    build = run = metrics = 0.0
    clock = time.process_time
    for i in range(reps):
        t0 = clock()
        world = build_world(scenario, seed, i, map_=shared_map)
        t1 = clock()
        world.run()
        t2 = clock()
        collect_metrics(world)
        t3 = clock()
        build, run, metrics = build + t1 - t0, run + t2 - t1, metrics + t3 - t2
    return build / reps, run / reps, metrics / reps


def frozen_tree(commit: str, into: Path) -> Path:
    """The repository at ``commit`` (sim/ and scenarios/), unpacked into ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", commit, "sim", "scenarios", "configs"],
        capture_output=True,
        check=True,
    ).stdout
    tar = into / "frozen.tar"
    tar.write_bytes(archive)
    with tarfile.open(tar) as t:
        t.extractall(into, filter="data")
    return into


def timed_in_subprocess(code_root: Path, scenario: str, reps: int) -> tuple[float, float]:
    """(wall, CPU) seconds per replication of exsim imported from ``code_root``, in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": str(code_root)}
    out = subprocess.run(
        [sys.executable, __file__, "--child", scenario, "--reps", str(reps)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=code_root,
    ).stdout
    wall, cpu = json.loads(out.splitlines()[-1])
    return wall, cpu


# --- main ------------------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=200, help="replications per round")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--scenario", action="append", help="shipped scenario name (repeatable; default island_retake)")
    ap.add_argument("--frozen", default=FROZEN, help="commit to compare with (default: %(default)s); '' to skip")
    ap.add_argument("--child", help=argparse.SUPPRESS)  # time replications of this scenario and print them
    args = ap.parse_args()
    if args.child:
        exsim_seconds(Path("scenarios") / f"{args.child}.yaml", max(1, args.reps // 10))  # warm up
        print(json.dumps(exsim_seconds(Path("scenarios") / f"{args.child}.yaml", args.reps)))
        return
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (shared: other work may run)")
    for name in args.scenario or ["island_retake"]:
        path = REPO / "scenarios" / f"{name}.yaml"
        c = census(path)
        print(f"\n{name}: census per replication (mean of {CENSUS_REPS}): {c.events} events, {c.processes} processes,")
        kinds = ", ".join(f"{k} {v}" for k, v in c.kinds.items())
        print(f"  {c.resources} priority resources, {c.containers} containers; {kinds}")
        exsim_seconds(path, max(1, args.reps // 10))  # warm up
        ours, fair, bare, split = [], [], [], []
        fair_events = 0
        for _ in range(args.rounds):
            ours.append(exsim_seconds(path, args.reps)[1])
            f, fair_events = fair_seconds(c, args.reps)
            fair.append(f)
            bare.append(bare_seconds(c.events, args.reps))
            split.append(exsim_split(path, args.reps))
        print(f"  exsim        : {spread([1e3 * x for x in ours], '{:.2f}')} ms CPU per replication")
        fair_ms = spread([1e3 * x for x in fair], "{:.2f}")
        print(f"  fair baseline: {fair_ms} ms CPU per replication ({fair_events} events)")
        print(f"  bare loop    : {spread([1e3 * x for x in bare], '{:.2f}')} ms CPU per {c.events} events")
        to_fair = spread([f / o for o, f in zip(ours, fair, strict=True)])
        to_bare = spread([b / o for o, b in zip(ours, bare, strict=True)])
        print(f"  exsim / fair baseline (replications/s): {to_fair}  (goal >= {FAIR_GOAL:.2f})")
        print(f"  exsim / bare loop (events/s)          : {to_bare}  (information)")
        build, loop, metrics = (1e3 * statistics.median(x[k] for x in split) for k in range(3))
        fair_med = 1e3 * statistics.median(fair)
        print(f"  where exsim's time goes: build {build:.2f}, event loop {loop:.2f}, metrics {metrics:.2f} ms CPU")
        logic = loop - fair_med  # simpy's share of the loop taken as the fair baseline's cost of the same events
        print(f"  models' own logic (event loop - fair baseline): about {logic:.2f} ms; the {FAIR_GOAL} goal leaves it")
        left = fair_med / FAIR_GOAL - fair_med - build - metrics
        print(f"    {left:.2f} ms (fair / {FAIR_GOAL} - fair - build - metrics)")
        if not args.frozen:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            try:
                old = frozen_tree(args.frozen, Path(tmp))
            except (OSError, subprocess.CalledProcessError) as e:  # no git, or a clone without that commit
                print(f"  speed-up over {args.frozen}: not measured ({type(e).__name__}: git archive {args.frozen})")
                continue
            then, now = [], []
            for _ in range(args.rounds):
                then.append(timed_in_subprocess(old, name, args.reps)[1])
                now.append(timed_in_subprocess(REPO, name, args.reps)[1])
        print(f"  CPU per replication at {args.frozen}: {spread([1e3 * x for x in then], '{:.2f}')} ms")
        print(f"  CPU per replication now      : {spread([1e3 * x for x in now], '{:.2f}')} ms")
        ratio = spread([n / t for t, n in zip(then, now, strict=True)])
        print(f"  CPU per replication now / at {args.frozen}: {ratio}  (goal <= {CPU_GOAL:.2f})")
        target = 1e3 * statistics.median(then) * CPU_GOAL
        print(f"  the {CPU_GOAL}x goal leaves the models' own logic {target - fair_med - build - metrics:.2f} ms")
        terms = f"{target:.2f} - {fair_med:.2f} - {build:.2f} - {metrics:.2f}"
        print(f"    ({args.frozen} x {CPU_GOAL} - fair - build - metrics: {terms})")


if __name__ == "__main__":
    main()
