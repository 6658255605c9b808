"""Ctrl-C and SIGTERM stop a run at the next event, wherever the models are: a signal landing inside a
model's process (a simpy generator) would become that process's failure and be carried on from, so a file
of 100 mass-casualty injects once ignored both for as long as it ran."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

import pytest

from sim.check import load_scenario
from sim.experiment.runner import run_replication
from tests.cli.test_hostile import time_limit
from tests.conftest import REPO


def mass_casualties(tmp_path: Path) -> Path:
    text = (REPO / "scenarios" / "medical_chain.yaml").read_text(encoding="utf-8")
    assert "\ninjects:" not in text
    text += "\ninjects:\n" + "".join(
        f"  - {{id: mc{i}, at: H+{1 + i % 20}, message: m, "
        "effects: [{type: mass_casualty, place: island_beach, count: 100000}]}\n"
        for i in range(100)
    )
    path = tmp_path / "mass.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def later(seconds: float, sig: int) -> None:
    def fire() -> None:
        time.sleep(seconds)
        os.kill(os.getpid(), sig)

    threading.Thread(target=fire, daemon=True).start()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_inside_the_medical_chain_stops_the_replication_from_the_engine_loop(tmp_path, sig):
    scenario = load_scenario(mass_casualties(tmp_path)).scenario

    class Stopped(BaseException):
        pass

    def stop(signum: int, frame: object) -> None:
        raise Stopped

    previous = signal.signal(signal.SIGTERM, stop) if sig == signal.SIGTERM else None
    try:
        later(2.0, sig)
        with time_limit(30), pytest.raises((KeyboardInterrupt, Stopped)) as stopped:
            run_replication(scenario, 2024, 0)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    where = traceback.extract_tb(stopped.value.__traceback__)
    assert any(f.name == "run_until" for f in where)
    # raised by the loop itself: not a model process's failure that simpy re-raises (with it as the cause)
    # after the models have carried on, for minutes, with a file like this
    assert stopped.value.__cause__ is None
    # and the handlers are as they were
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_signal_between_runs_is_delivered_at_once():
    with pytest.raises(KeyboardInterrupt), time_limit(10):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)


def test_sigterm_stops_a_serial_run_of_the_file_with_143(tmp_path):
    path = mass_casualties(tmp_path)
    cmd = [sys.executable, "-m", "sim.cli", "run", str(path), "--reps", "1", "--out", "out", "--executor", "serial"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    time.sleep(4)  # loading and the first hours of the run: inside the chain of care
    proc.send_signal(signal.SIGTERM)
    try:
        err = proc.communicate(timeout=20)[1]
    finally:
        proc.kill()
    assert proc.returncode == 143 and "terminated (SIGTERM)" in err, err
    assert not (tmp_path / "out").exists()
