"""The after-action report of a 1,000-replication sweep: how long it takes to write and how big it is.

Goals (issue 12): under 10 s and under 5 MB. The sweep (island retake, two landing-ship strengths ×
500 replications) is run first into a temporary folder; only the report is timed, over a few rounds.

    python benchmarks/report.py [--reps 500] [--rounds 3] [--lang en]
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/queue.py would shadow the standard library's `queue` (multiprocessing imports it): take the
# script's folder off the import path first
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import statistics
import tempfile
import time

from click.testing import CliRunner

from sim.cli import main
from sim.present import i18n
from sim.present.report import build

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "island_retake.yaml"


def run_sweep(folder: Path, reps: int) -> Path:
    """Two points (one or two landing ships) × ``reps`` replications of the island retake."""
    t0 = time.perf_counter()
    args = [
        "sweep",
        str(SCENARIO),
        "--vary",
        "units.ls-1.strength=1,2",
        "--reps",
        str(reps),
        "--out",
        str(folder),
        "-q",
    ]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    print(f"sweep of {2 * reps} replications run in {time.perf_counter() - t0:.1f} s (not counted)")
    return folder


def main_(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=500, help="replications per point (two points)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--lang", default="en")
    ap.add_argument("--folder", type=Path, help="report this stored sweep instead of running one")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder or run_sweep(Path(tmp) / "sweep", args.reps)
        lang = i18n.language(args.lang)
        times, size = [], 0
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            page = build(folder, lang)
            times.append(time.perf_counter() - t0)
            size = len(page.encode("utf-8"))
        best, median = min(times), statistics.median(times)
        print(
            f"report: median {median:.2f} s, best {best:.2f} s over {args.rounds} rounds "
            f"(goal < 10 s: {median / 10:.0%} of it)"
        )
        print(f"report: {size / 1e6:.2f} MB (goal < 5 MB: {size / 5e6:.0%} of it)")


if __name__ == "__main__":
    main_()
