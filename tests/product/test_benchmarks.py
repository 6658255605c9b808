"""The benchmarks README shows run, with tiny sizes (their figures are read by people, not asserted)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


def bench(script: str, *args: str) -> str:
    out = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_engine_benchmark_reports_the_fair_ratio_and_the_speed_up():
    out = bench("engine.py", "--reps", "3", "--rounds", "1", "--scenario", "birlestik_2024")
    assert re.search(r"exsim / fair baseline \(replications/s\): [\d.]+ \([\d.]+-[\d.]+, n=1\)  \(goal >= 0.50\)", out)
    assert "exsim / bare loop (events/s)" in out
    assert re.search(r"CPU per replication now / at 9e3bde7: [\d.]+ \([\d.]+-[\d.]+, n=1\)  \(goal <= 0.40\)", out)
    assert "LockRequest" in out and "Timeout" in out  # the census it built the baseline from
    split = re.search(r"build (\d+\.\d+), event loop (\d+\.\d+), metrics (\d+\.\d+) ms CPU", out)
    assert split and all(float(x) > 0 for x in split.groups()), out
    assert "the 0.5 goal leaves it" in out and "the 0.4x goal leaves the models' own logic" in out


def test_queue_benchmark_reports_ratios_with_their_spread():
    out = bench("queue.py", "--customers", "300", "--rounds", "2")
    assert "exsim / simpy:" in out and "(goal >= 0.6)" in out


def test_sweep_benchmark_alternates_executors_and_reports_cpu_per_replication():
    out = bench("sweep.py", "--reps", "2", "--rounds", "1", "--big", "20")
    for line in ("serial", "process", "dask", "2 processes / serial", "Dask / 2 processes"):
        assert line in out
    assert "ms CPU" in out and "peak memory" in out and "overhead (2 x wall - engine CPU x N)" in out
    assert "cores not in a replication" in out and "CPU outside the workers" in out
    assert re.search(r"wall / \(N x engine CPU per replication / 2 workers\): [\d.]+ \(.*\)  \(goal <= 1.10\)", out)
    assert re.search(r"parallel ceiling \(2 bare CPU-bound processes: .*\): [\d.]+ \([\d.]+-[\d.]+\)x", out), out
    assert re.search(r"by process, MB \(last run\): .*main \d+", out), out


def test_cli_benchmark_compares_help_with_importing_numpy():
    out = bench("cli.py", "--rounds", "1")
    assert "exsim --help / import numpy (wall):" in out and "(goal <= 0.5)" in out
    assert re.search(
        r"exsim run birlestik_2024 / import numpy \(wall\): [\d.]+ \([\d.]+-[\d.]+, n=1\)  \(goal <= 4.0\)", out
    )
    assert re.search(r"libyaml \(ruamel.yaml.clib\): (yes|NO)", out)
    assert re.search(r"birlestik_2024, its imports \(-X importtime, median of 3, ms\): \d+; .*\bnumpy \d+", out), out


def test_serve_benchmark_reports_start_up_and_the_class_latencies():
    pytest.importorskip("starlette")
    out = bench("serve.py", "--clients", "4", "--votes", "2", "--rounds", "1", "--steps", "2")
    names = ("start to first page (goal < 2 s)", "vote opened -> shown on phones", "ballot (POST /api/vote)")
    for name in (*names, "vote's result -> every phone", "facilitator's step -> every phone"):
        assert re.search(rf"{re.escape(name)}\s+median\s+[\d.]+ ms\s+p95\s+[\d.]+ ms", out), out
    assert "(goal: p95 <= 150 ms to 4 phones)" in out
    assert re.search(r"server CPU share \d+ % of a core", out), out
    assert re.search(r"last / first [\d.]+  \(goal: flat, <= 1.10\)", out), out


def test_sensitivity_benchmark_reports_the_overhead_over_bare_replications():
    out = bench("sensitivity.py", "--samples", "2", "--reps", "1", "--rounds", "1")
    assert "bare replications:" in out and "study, design" in out and "study, analysis" in out
    assert re.search(r"sensitivity / bare replications \(CPU\): [\d.]+ \([\d.]+-[\d.]+\)  \(goal <= 1\.05", out), out
