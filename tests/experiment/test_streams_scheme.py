"""A result drawn with other random streams (made before the streams changed) is not resumed, repeated or
replayed under its old name with other numbers: each refusal is one line, exit 2."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from sim.cli import main
from sim.experiment import streams
from sim.experiment.store import FILE

OLD = "made by an exsim that draws its random numbers differently (streams 1; this one draws 2)"


def made_before_the_change(folder: Path) -> None:
    """What a result from before the scheme was recorded holds: no "streams" in either manifest, and a plan
    fingerprint made without the scheme (so unlike any made now)."""
    with sqlite3.connect(folder / FILE) as con:
        con.execute("DELETE FROM manifest WHERE key = ?", (streams.KEY,))
        con.execute("UPDATE manifest SET value = ? WHERE key = 'fingerprint'", (json.dumps("0" * 64),))
    manifest = folder / "manifest.json"
    if manifest.exists():
        data = json.loads(manifest.read_text())
        assert data.pop(streams.KEY) == streams.SCHEME  # recorded by this exsim
        manifest.write_text(json.dumps(data))


def exsim(*args: str):
    return CliRunner().invoke(main, list(args))


def test_a_run_records_its_scheme_and_an_older_run_is_not_repeated_or_replayed(tmp_path):
    out = tmp_path / "run"
    assert exsim("run", "island_retake", "--reps", "2", "--out", str(out), "-q").exit_code == 0
    again = exsim("run", "--from", str(out), "--out", str(tmp_path / "again"), "-q")
    assert again.exit_code == 0, again.output  # drawn alike: repeated
    made_before_the_change(out)
    r = exsim("run", "--from", str(out), "--out", str(tmp_path / "again2"), "-q")
    assert r.exit_code == 2
    assert r.stderr.strip().splitlines() == [
        f"--from {out}: {out} was {OLD}, so its replications cannot be repeated exactly: "
        "run the scenario file again instead"
    ]
    story = exsim("story", str(out), "--rep", "1")
    assert story.exit_code == 2 and OLD in story.stderr and len(story.stderr.strip().splitlines()) == 1


def test_an_interrupted_sweep_drawn_otherwise_is_not_completed(tmp_path):
    sweep = tmp_path / "s.yaml"
    sweep.write_text(
        "sweep:\n  name: t\n  scenario: island_retake\n  replications: 2\n  factors:\n"
        "    killed: {path: combat.killed_fraction, values: [0.2, 0.3]}\n"
    )
    out = tmp_path / "out"
    assert exsim("sweep", str(sweep), "--out", str(out), "--executor", "serial", "-q").exit_code == 0
    (out / "manifest.json").unlink(missing_ok=True)  # as an interrupted sweep leaves it: the store only
    made_before_the_change(out)
    r = exsim("sweep", str(sweep), "--out", str(out), "--resume", "--executor", "serial", "-q")
    assert r.exit_code == 2
    assert OLD in r.stderr and "start it again in another --out" in r.stderr
