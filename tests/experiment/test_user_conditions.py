"""Conditions of the user's machine and files are one line and exit 2, never an internal error (exit 70):
a full disk or a file-size limit, a read-only folder, a store or manifest whose values were edited (naming
the file and the value), a stored scenario edited with a stale or an updated digest, a date near year 9999;
and no message is a bare class name."""

from __future__ import annotations

import json
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli.boundary import _os_line
from sim.experiment import store as store_module
from sim.experiment.store import ResultStore, StoreError
from tests.cli.test_hostile import invoke
from tests.conftest import REPO

ISLAND = str(REPO / "scenarios" / "island_retake.yaml")


def one_line_exit_2(result, *words: str) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def two_runs(tmp_path):
    for name in ("out", "out/other"):
        r = invoke(["run", ISLAND, "--reps", "2", "--out", name, "--executor", "serial", "-q"], tmp_path)
        assert r.exit_code == 0, r.output
    return tmp_path


def edit(folder: Path, sql: str) -> None:
    con = sqlite3.connect(folder / "results.sqlite")
    with con:
        con.execute(sql)
    con.close()


READERS = [["export", "out"], ["story", "out"], ["compare", "out", "out/other"]]


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("""UPDATE replications SET "values" = '[1, 2' WHERE replication = 1""", "replication 1's values: '[1, 2'"),
        ("""UPDATE replications SET "values" = '[1, 2]' WHERE replication = 1""", "replication 1's values"),
        ("""UPDATE replications SET "values" = '"text"' WHERE replication = 0""", "replication 0's values"),
        ("""UPDATE replications SET "values" = x'00' WHERE replication = 0""", "replication 0's values"),
        ("""UPDATE replications SET seed = 'abc' WHERE replication = 0""", "replication 0's seed: 'abc'"),
        ("""UPDATE manifest SET value = '{oops' WHERE key = 'seed'""", "manifest 'seed': '{oops'"),
    ],
)
def test_an_edited_store_is_named_with_its_value(two_runs, sql, words):
    edit(two_runs / "out", sql)
    for args in READERS if "replications" in sql else READERS[1:]:  # export reads no manifest
        one_line_exit_2(invoke(args, two_runs), "out/results.sqlite", words, "edited")


def test_a_stale_digest_is_refused_and_an_edited_scenario_is_named(two_runs):
    path = two_runs / "out" / "scenario.json"
    data = json.loads(path.read_text())
    data["units"][0]["strength"] = 1  # stale: the manifest's digest is the old one
    path.write_text(json.dumps(data))
    one_line_exit_2(invoke(["story", "out"], two_runs), "scenario.json", "SHA-256")
    one_line_exit_2(invoke(["run", "--from", "out", "--out", "again"], two_runs), "SHA-256")
    # edited so that it no longer holds together, with the manifest's digest updated to match
    from sim.config.load import scenario_digest
    from sim.config.schema import Scenario

    data["units"][0]["at"] = "nowhere"
    path.write_text(json.dumps(data))
    manifest = json.loads((two_runs / "out" / "manifest.json").read_text())
    manifest["scenario_sha256"] = scenario_digest(Scenario.model_validate(data))
    (two_runs / "out" / "manifest.json").write_text(json.dumps(manifest))
    one_line_exit_2(invoke(["story", "out"], two_runs), "scenario.json: edited", "nowhere")


def test_a_full_disk_or_file_size_limit_is_one_line_and_resume_completes(tmp_path):
    """A real limit (RLIMIT_FSIZE, as ulimit -f): SQLite and the result files fail to grow."""
    sweep = [sys.executable, "-m", "sim.cli", "sweep", ISLAND, "--vary", "units.ls-1.strength=1,2,3"]
    sweep += ["--reps", "20", "--out", "out", "-q", "--executor", "serial"]

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

    p = subprocess.run(sweep, cwd=tmp_path, preexec_fn=limited, capture_output=True, text=True, timeout=120)
    assert p.returncode == 2, p.stderr
    assert len(p.stderr.splitlines()) == 1 and "results.sqlite: cannot be written" in p.stderr, p.stderr
    assert "free some space" in p.stderr and "Traceback" not in p.stderr
    p = subprocess.run([*sweep, "--resume"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert len(ResultStore.open(tmp_path / "out").rows()) == 60


def test_a_read_only_folder_is_read_as_it_is_and_never_called_damaged(two_runs, monkeypatch):
    folder = two_runs / "out"
    real = store_module.os.access
    monkeypatch.setattr(store_module.os, "access", lambda p, mode: False if Path(p) == folder else real(p, mode))
    store = ResultStore.open(folder)
    assert len(store.rows()) == 2  # read in place, without the WAL's side files (which need a writable folder)
    store.close()

    def refused(*args, **kwargs):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(store_module.sqlite3, "connect", refused)
    with pytest.raises(StoreError, match="read-only") as e:
        ResultStore.open(two_runs / "out" / "other")
    assert "damaged" not in str(e.value)


@pytest.mark.parametrize("start", ["9999-12-01T00:00", "9950-01-01T00:00", "0050-01-01T00:00"])
def test_a_date_too_far_for_the_calendar_is_refused_at_check(start, tmp_path):
    text = Path(ISLAND).read_text(encoding="utf-8")
    scenario = tmp_path / "far.yaml"
    scenario.write_text(text.replace("  start: 2024-", f"  start: {start}  # was 2024-", 1), encoding="utf-8")
    assert f"start: {start}" in scenario.read_text()
    for command in (["check", str(scenario), "--plan"], ["run", str(scenario), "--reps", "1", "--out", "out"]):
        line = one_line_exit_2(invoke(command, tmp_path), "scenario.start", "H-hour must be in the years")
        assert line.startswith(str(scenario))


@pytest.mark.parametrize(
    "error", [OSError(), TimeoutError(), ConnectionResetError(), OSError(5, ""), PermissionError()]
)
def test_no_message_is_a_bare_class_name(error):
    line = _os_line(error)
    words = line.split(": ", 1)[1]
    assert words and words.lower() != type(error).__name__.lower() and len(words.split()) >= 2, line
