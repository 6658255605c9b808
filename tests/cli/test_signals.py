"""Interruptions: SIGKILL or SIGTERM of the main process leaves no worker behind, SIGTERM says what was
kept and how to go on, and --resume completes the sweep to the table an uninterrupted run gives."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.experiment import history
from sim.experiment.store import FILE, ResultStore
from tests.conftest import count_replications, table
from tests.experiment.test_experiment import island_sweep, run_table

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")


def group_members(pgid: int) -> list[tuple[int, str]]:
    """Live processes (pid, state) of process group ``pgid``; zombies are dead and only wait to be reaped."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        state, group = fields[0], int(fields[2])
        if group == pgid and state not in ("Z", "X"):
            found.append((int(entry.name), state))
    return found


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killing_the_main_process_leaves_no_worker_and_resume_completes_the_table(sig, tmp_path):
    sweep = island_sweep(
        tmp_path, reps=100, scenario="trans_caspian_logistics", supply_lines__sea_line__every=["2d", "4d"]
    )
    out = tmp_path / "killed"
    args = ["sweep", str(sweep), "--out", str(out), "--executor", "process", "--workers", "2", "--batch", "1", "-q"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", *args],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: every process it starts can be found by group
    )
    try:
        work = history.partial(out)  # written out of sight, renamed to ``out`` when complete
        started = wait_for(lambda: count_replications(work / FILE) >= 4 or proc.poll() is not None, 120)
        assert started and proc.poll() is None, "the sweep finished before it could be interrupted"
        helpers = [pid for pid, _ in group_members(proc.pid) if pid != proc.pid]
        assert len(helpers) >= 2, "expected two workers (forked from the main process, or by a fork server)"
        os.kill(proc.pid, sig)
        _, err = proc.communicate(timeout=60)
        assert wait_for(lambda: not group_members(proc.pid), 15), f"left behind: {group_members(proc.pid)}"
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid, _ in group_members(proc.pid):
            os.kill(pid, signal.SIGKILL)
        proc.stderr.close()  # (read already unless the test failed: then no ResourceWarning reaches the next test)
    if sig == signal.SIGTERM:
        assert proc.returncode == 143
        assert err.splitlines() == [
            "exsim: terminated (SIGTERM); every finished replication is kept; "
            "run the same command with --resume to complete it"
        ]
    else:
        assert proc.returncode == -signal.SIGKILL
    partial = count_replications(work / FILE)
    assert 4 <= partial < 200 and not out.exists()
    resumed = CliRunner().invoke(main, [*args[:-5], "--executor", "serial", "--resume", "-q"])
    assert resumed.exit_code == 0, resumed.output
    store = ResultStore.open(out)
    assert table(store.rows(), store.metrics) == run_table(sweep, tmp_path / "full", executor="serial")
    store.close()


def test_ctrl_c_in_process_stops_with_the_resume_hint(tmp_path, monkeypatch):
    """KeyboardInterrupt from anywhere in a sweep gives exit 130 and the hint, no traceback."""
    import sim.cli.sweep

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sim.cli.sweep, "record", interrupted)
    out = tmp_path / "out"
    args = ["sweep", "island_retake", "--vary", "units.ls-1.strength=1,2", "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 130
    assert result.stderr.splitlines() == [
        "exsim: interrupted; every finished replication is kept; run the same command with --resume to complete it"
    ]


def test_sigterm_handler_is_restored_after_a_command():
    before = signal.getsignal(signal.SIGTERM)
    CliRunner().invoke(main, ["list"])
    assert signal.getsignal(signal.SIGTERM) is before
