"""The sensitivity machinery's overhead over the bare replications it runs.

    python benchmarks/sensitivity.py [--samples 4] [--reps 10] [--rounds 3] [--method morris]

The shipped study configs/sensitivity/birlestik_drivers.yaml (six factors of birlestik_2024), with --method,
--samples and --reps. Each round times, in one process and alternating which goes first:

- the study: SALib's design, every point's scenario validated, the plan run serially into a result store
  (each replication committed), the folder's files written, the indices estimated (bootstrap included) and
  sensitivity.json written: everything ``exsim sensitivity`` does but print;
- the bare replications: the same (scenario, seed, replication) triples run in a plain loop, each point's
  scenario already validated, its map shared as the executors share it: the work the study cannot avoid.

Serially, so that both are one process's time: its CPU time (what the work costs, whatever else the machine
runs), and its wall time beside it. Prints the ratio study / bare in CPU time (median, min-max over rounds) and
the goal: overhead <= 5 %, i.e. a ratio <= 1.05; the wall-time ratio; and where the overhead goes.
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/queue.py (named by its issue) would shadow the standard library's `queue` for any script
# run from this folder: take the script's folder off the import path before anything imports `queue`.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import os
import statistics
import tempfile
import time

from sim.engine.geo import Map
from sim.experiment.indices import analyse, default_metrics, write
from sim.experiment.record import record
from sim.experiment.runner import run_replication
from sim.experiment.sensitivity import Study, asked_study

STUDY = Path(__file__).resolve().parent.parent / "configs" / "sensitivity" / "birlestik_drivers.yaml"


def run_study(method: str, samples: int, reps: int, out: Path) -> tuple[Study, dict[str, float]]:
    """The study end to end (serial executor); its stages' CPU times, and its wall time."""
    w0, t0 = time.perf_counter(), time.process_time()
    study = asked_study(str(STUDY), method=method, samples=samples, replications=reps)
    t1 = time.process_time()
    done = record(study.plan, out, executor="serial", workers=1)
    t2 = time.process_time()
    store = done.store()
    try:
        write(study, analyse(study, store, default_metrics(study)), done.folder)
    finally:
        store.close()
    t3 = time.process_time()
    took = {"design": t1 - t0, "run": t2 - t1, "analysis": t3 - t2, "total": t3 - t0}
    return study, {**took, "wall": time.perf_counter() - w0}


def bare(study: Study) -> tuple[float, float]:
    """The same replications in a plain loop: CPU and wall seconds."""
    plan = study.plan
    w0, t0 = time.perf_counter(), time.process_time()
    for scenario in plan.scenarios:
        shared = Map(scenario.scenario.map)
        for r in range(plan.replications):
            run_replication(scenario.scenario, plan.seed, r, map_=shared)
    return time.process_time() - t0, time.perf_counter() - w0


def spread(xs: list[float], fmt: str = "{:.3f}") -> str:
    return f"{fmt.format(statistics.median(xs))} ({fmt.format(min(xs))}-{fmt.format(max(xs))})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--method", choices=["morris", "sobol"], default="morris")
    ap.add_argument("--samples", type=int, default=4)
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (shared: other work may run)")
    ratios, walls, stages, bares = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        # a warm-up of each: imports (SALib, the models) and caches, which a real study pays once
        study, _ = run_study(args.method, args.samples, 1, Path(tmp) / "warm")
        bare(study)
        for k in range(args.rounds):
            out = Path(tmp) / f"round{k}"
            if k % 2 == 0:
                study, took = run_study(args.method, args.samples, args.reps, out)
                plain = bare(study)
            else:
                plain = bare(study)
                study, took = run_study(args.method, args.samples, args.reps, out)
            ratios.append(took["total"] / plain[0])
            walls.append(took["wall"] / plain[1])
            stages.append(took)
            bares.append(plain[0])
    plan = study.plan
    n = len(plan.points) * plan.replications
    print(
        f"birlestik_drivers, {args.method}: {len(study.rows)} design rows, {len(plan.points)} points x "
        f"{plan.replications} replications = {n}; {args.rounds} rounds, median (min-max)"
    )
    each = 1e3 * statistics.median(bares) / n
    print(f"  bare replications: {spread(bares, '{:.2f}')} s CPU ({each:.1f} ms each)")
    for name in ("design", "run", "analysis"):
        print(f"  study, {name:8s}: {spread([s[name] for s in stages], '{:.2f}')} s CPU")
    over = [s["total"] - b for s, b in zip(stages, bares, strict=True)]
    print(f"  overhead (study - bare): {spread(over, '{:.2f}')} s CPU")
    print(f"  sensitivity / bare replications (wall): {spread(walls)}  (a busy machine blurs it)")
    print(f"  sensitivity / bare replications (CPU): {spread(ratios)}  (goal <= 1.05: overhead <= 5 %)")


if __name__ == "__main__":
    main()
