"""CLI start-up: `exsim --help` against `python -c "import numpy"`, side by side; `exsim run ... --reps 1` CPU.

    python benchmarks/cli.py [--rounds 7]

Each round runs the commands one after the other as fresh processes (in a rotating order), timing
wall and CPU (user + system of the child, from getrusage). Goals: `exsim --help` <= 1.5x the wall
time of `python -c "import numpy"`; `exsim run island_retake --reps 1` <= 0.5 s of CPU. Median
(min-max) over rounds; the ratio is taken within each round.
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
import resource
import statistics
import subprocess
import tempfile
import time


def timed(cmd: list[str], cwd: str) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def spread(xs: list[float], fmt: str = "{:.2f}") -> str:
    return f"{fmt.format(statistics.median(xs))} ({fmt.format(min(xs))}-{fmt.format(max(xs))})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    py = sys.executable
    commands = {
        "import numpy": [py, "-c", "import numpy"],
        "exsim --help": [py, "-m", "sim.cli", "--help"],
        "exsim run --reps 1": [
            py,
            "-m",
            "sim.cli",
            "run",
            "island_retake",
            "--reps",
            "1",
            "-q",
            "--out",
            "out",
            "--force",
        ],
    }
    names = list(commands)
    wall: dict[str, list[float]] = {n: [] for n in names}
    cpu: dict[str, list[float]] = {n: [] for n in names}
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (shared: other work may run)")
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            for n in names[r % len(names) :] + names[: r % len(names)]:
                w, c = timed(commands[n], tmp)
                wall[n].append(w)
                cpu[n].append(c)
    print(f"{args.rounds} rounds, median (min-max), seconds")
    for n in names:
        print(f"  {n:20s}: wall {spread(wall[n])}, CPU {spread(cpu[n])}")
    ratio = [h / i for h, i in zip(wall["exsim --help"], wall["import numpy"], strict=True)]
    print(f"  exsim --help / import numpy (wall): {spread(ratio)}  (goal <= 1.5)")
    print(f"  exsim run island_retake --reps 1, CPU: {spread(cpu['exsim run --reps 1'])} s  (goal <= 0.5)")


if __name__ == "__main__":
    main()
