"""Sweep throughput and memory: process pool vs serial, Dask LocalCluster vs process pool, peak memory.

    python benchmarks/sweep.py [--reps 300] [--memory-reps 10000]

1. Speed-up of 2 local processes over serial, on the same sweep (goal >= 1.8x).
2. Dask LocalCluster with 2 workers against the 2-process pool (goal >= 0.9x).
3. Peak memory (max RSS) of a serial sweep of 1,000 and of 10,000 replications, each in a fresh
   process (goal: flat in the replication count, < 300 MB).
Times include starting the pool or cluster: that is what a user waits for.
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/queue.py (named by its issue) would shadow the standard library's `queue` for any script
# run from this folder: take the script's folder off the import path before anything imports `queue`.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import subprocess
import tempfile
import time

from sim.experiment.design import SweepSpec, build_sweep
from sim.experiment.sweep import Plan, run_plan

MEMORY_SCRIPT = """
import resource, sys, tempfile  # noqa: E402
from pathlib import Path  # noqa: E402
from sim.experiment.design import SweepSpec, build_sweep  # noqa: E402
from sim.experiment.sweep import Plan, run_plan  # noqa: E402
reps = int(sys.argv[1])
spec = SweepSpec.model_validate({"name": "mem", "scenario": "island_retake", "replications": reps,
                                 "factors": {"units.ls-1.strength": [2]}})
plan = Plan.from_sweep(build_sweep(spec, "island_retake", "mem", lambda key: None))
with tempfile.TemporaryDirectory() as tmp:
    run_plan(plan, Path(tmp) / "out", executor="serial").close()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # kB on Linux
"""


def plan(reps: int) -> Plan:
    spec = SweepSpec.model_validate(
        {
            "name": "bench",
            "scenario": "trans_caspian_logistics",
            "replications": reps,
            "factors": {"supply_lines.sea_line.every": ["2d", "3d", "4d"]},
        }
    )
    return Plan.from_sweep(build_sweep(spec, "trans_caspian_logistics", "bench", lambda key: None))


def timed(p: Plan, **kw) -> float:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        run_plan(p, Path(tmp) / "out", **kw).close()
        return time.perf_counter() - t0


def peak_rss_mb(reps: int) -> float:
    out = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, str(reps)], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=300, help="replications per point (3 points)")
    ap.add_argument("--memory-reps", type=int, default=10000)
    args = ap.parse_args()
    p = plan(args.reps)
    serial = timed(p, executor="serial")
    process = timed(p, executor="process", workers=2)
    dask = timed(p, executor="dask", workers=2)
    print(f"trans_caspian_logistics, 3 points x {args.reps} replications")
    print(f"  serial          : {serial:6.1f} s")
    print(f"  2 processes     : {process:6.1f} s   speed-up {serial / process:.2f}x (goal >= 1.8x)")
    print(f"  Dask, 2 workers : {dask:6.1f} s   vs processes {process / dask:.2f}x (goal >= 0.9x)")
    small, large = peak_rss_mb(args.memory_reps // 10), peak_rss_mb(args.memory_reps)
    print(
        f"peak memory, serial island_retake sweep: {args.memory_reps // 10:,} replications {small:.0f} MB, "
        f"{args.memory_reps:,} replications {large:.0f} MB (goal: flat, < 300 MB)"
    )


if __name__ == "__main__":
    main()
