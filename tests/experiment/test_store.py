"""The result store: any number of metrics, any seed, and one checked way in that names what is wrong."""

from __future__ import annotations

import csv
import math
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.errors import ExsimError
from sim.experiment import executors
from sim.experiment.lock import FolderLock, is_locked
from sim.experiment.store import FILE, FORMAT, PointRow, ResultStore, StoreError, open_store
from tests.conftest import REPO

ISLAND = str(REPO / "scenarios" / "island_retake.yaml")


def many_units(path: Path, n: int) -> Path:
    """A scenario of ``n`` units that each carry three supplies: 3 stock-out metrics per unit."""
    units = "\n".join(f"  - {{id: u{i}, type: inf, side: blue, at: camp}}" for i in range(n))
    path.write_text(
        "scenario: {name: many units, duration: 2h, seed: 1}\n"
        "unit_types:\n"
        "  inf: {strength: 10, kill_rate_per_h: 0.1, speed_kmh: {land: 4},\n"
        "        carries: {water: 10, rations: 0.0025, ammunition: 0.012}}\n"
        "map: {places: {camp: {kind: training_area, lat: 43.5, lon: 51.3}}}\n"
        "sides: {blue: {}}\n"
        f"units:\n{units}\n"
    )
    return path


def test_more_metrics_than_sqlite_has_columns(tmp_path):
    """700 units report over 2,000 metrics; SQLite allows 2,000 columns. The store, the CSV, load() and the
    exports all keep one column per metric."""
    import pandas as pd

    import sim.results
    from sim.check import load_scenario
    from sim.models.catalogue import catalogue

    out = tmp_path / "out"
    scenario = many_units(tmp_path / "many.yaml", 700)
    n = len(catalogue(load_scenario(scenario).scenario).names)
    assert n > 2000
    r = CliRunner().invoke(main, ["run", str(scenario), "--reps", "2", "--out", str(out), "--executor", "serial"])
    assert r.exit_code == 0, r.stderr
    with (out / "replications.csv").open() as f:
        header, *rows = list(csv.reader(f))
    assert len(header) == 2 + n and len(rows) == 2 and "stockout_h.u699.ammunition" in header
    frame = sim.results.load(out)
    assert frame.shape == (2, 5 + n)  # point, label, replication, seed, error, then the metrics
    assert list(frame.columns[5:]) == header[2:]
    assert frame["stockout_h.u699.water"].tolist() == [float(x[header.index("stockout_h.u699.water")]) for x in rows]
    for fmt in ("csv", "parquet"):
        assert CliRunner().invoke(main, ["export", str(out), "--format", fmt]).exit_code == 0
    exported = pd.read_parquet(out / "results.parquet")
    assert list(exported.columns) == list(frame.columns) and len(exported) == 2


def test_rows_round_trip_values_nan_and_errors(tmp_path):
    metrics = [f"m{i}" for i in range(3000)]
    store = ResultStore.create(tmp_path, {"fingerprint": "f"}, [PointRow(0, "p", {}, "sha")], metrics, resume=False)
    values = {m: i / 7 for i, m in enumerate(metrics)} | {"m5": float("nan")}
    store.add(0, 0, 2**64 + 1, 0.5, values, None)
    store.add(0, 1, 2**64 + 1, 0.1, None, "RuntimeError: boom")
    store.close()
    rows = open_store(tmp_path).rows()
    assert rows[0]["seed"] == 2**64 + 1 and rows[0]["m2999"] == 2999 / 7 and rows[0]["m5"] != rows[0]["m5"]
    assert rows[1]["error"] == "RuntimeError: boom" and all(rows[1][m] != rows[1][m] for m in metrics)


def test_a_batch_is_committed_whole_and_read_back_as_compact_columns(tmp_path):
    nan = float("nan")
    points = [PointRow(0, "p", {}, "sha"), PointRow(1, "q", {}, "sha")]
    store = ResultStore.create(tmp_path, {"fingerprint": "f"}, points, ["a", "b"], resume=False)
    store.add_many(
        [
            (0, 2, 7, 0.3, {"a": 2.0, "b": nan}, None),
            (0, 0, 7, 0.1, {"a": 0.5, "b": 1.0}, None),
            (0, 1, 7, 0.2, None, "RuntimeError: boom"),
            (1, 0, 7, 0.4, {"a": 9.0, "b": 9.0}, None),
        ]
    )
    with pytest.raises(sqlite3.IntegrityError):  # (0, 0) is stored already: the whole batch is refused
        store.add_many([(0, 3, 7, 0.1, {"a": 3.0, "b": 3.0}, None), (0, 0, 7, 0.1, {"a": 0.0, "b": 0.0}, None)])
    store.close()
    store = open_store(tmp_path)
    assert [(r["point"], r["replication"]) for r in store.rows()] == [(0, 0), (0, 1), (0, 2), (1, 0)]
    columns = store.columns(0)  # replications without error, in replication order; NaN where no value
    assert list(columns) == ["a", "b"] and list(columns["a"]) == [0.5, 2.0]
    assert columns["b"][0] == 1.0 and math.isnan(columns["b"][1]) and list(store.columns(1)["b"]) == [9.0]
    assert list(store.outcomes()) == [
        (0, 0, 0.1, None),
        (0, 1, 0.2, "RuntimeError: boom"),
        (0, 2, 0.3, None),
        (1, 0, 0.4, None),
    ]


def test_a_seed_beyond_64_bits_is_stored(tmp_path):
    """A scenario's seed of 2**63 or more runs and is stored (tests/cli/test_cli_limits.py: and --seed takes it too)."""
    out = tmp_path / "big"
    big = str(2**64 + 5)
    r = CliRunner().invoke(
        main, ["run", ISLAND, "--reps", "2", "--out", str(out), "--set", f"scenario.seed={big}", "--executor", "serial"]
    )
    assert r.exit_code == 0, r.stderr
    with (out / "replications.csv").open() as f:
        assert [row["seed"] for row in csv.DictReader(f)] == [big, big]
    store = ResultStore.open(out)
    assert {row["seed"] for row in store.rows()} == {2**64 + 5}
    store.close()


def test_an_output_folder_that_cannot_be_made_is_refused_before_any_replication(tmp_path, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("a replication ran")

    monkeypatch.setattr(executors, "run_replication", never)
    for out in ("/proc/exsim-test/out", "/proc/self/exsim-out"):
        r = CliRunner().invoke(main, ["run", ISLAND, "--reps", "2", "--out", out, "--executor", "serial"])
        assert r.exit_code == 2, r.output + r.stderr
        assert r.stderr.startswith("cannot ") and len(r.stderr.splitlines()) == 1, r.stderr


def _finished_store(tmp_path: Path) -> Path:
    out = tmp_path / "good"
    r = CliRunner().invoke(main, ["run", ISLAND, "--reps", "3", "--out", str(out), "--executor", "serial"])
    assert r.exit_code == 0, r.stderr
    return out


def _damage(kind: str, tmp_path: Path) -> Path:
    folder = tmp_path / kind
    folder.mkdir()
    db = folder / FILE
    if kind == "missing":
        return folder
    if kind == "empty":
        db.write_bytes(b"")
    elif kind == "garbage":
        db.write_bytes(b"this is not a database\n" * 100)
    elif kind == "truncated":
        good = _finished_store(tmp_path)
        con = sqlite3.connect(good / FILE)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        data = (good / FILE).read_bytes()
        db.write_bytes(data[: len(data) // 2])
    elif kind == "no_tables":  # killed between creating the file and creating its tables
        con = sqlite3.connect(db)
        con.execute("CREATE TABLE t (x)")
        con.execute("DROP TABLE t")
        con.commit()
        con.close()
    elif kind == "old_format":
        con = sqlite3.connect(db)
        con.execute("CREATE TABLE manifest (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        con.execute('CREATE TABLE replications (point INTEGER, replication INTEGER, seed INTEGER, "x" REAL)')
        con.commit()
        con.close()
    elif kind == "json_values":  # format 2: each replication's values as JSON text
        good = _finished_store(tmp_path)
        con = sqlite3.connect(good / FILE)
        con.execute("PRAGMA user_version = 2")
        con.execute("UPDATE replications SET \"values\" = '[1.0, null]'")
        con.commit()
        con.execute("VACUUM INTO ?", (str(db),))
        con.close()
    return folder


DAMAGE = {
    "missing": "no results here",
    "empty": "is empty",
    "garbage": "not a result store",
    "truncated": "damaged",
    "no_tables": "is empty",
    "old_format": f"another version of exsim (store format 0, this one reads format {FORMAT})",
    "json_values": f"another version of exsim (store format 2, this one reads format {FORMAT})",
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_bad_store_is_named_in_one_line_by_every_command(tmp_path, kind):
    folder = _damage(kind, tmp_path)
    with pytest.raises(StoreError, match=re.escape(DAMAGE[kind])):
        open_store(folder)
    sweep = ["sweep", "island_retake", "--vary", "units.ls-1.strength=1,2", "--reps", "2"]
    commands = [
        ["compare", str(folder), str(folder)],
        ["export", str(folder)],
        [*sweep, "--out", str(folder), "--resume", "--executor", "serial"],
    ]
    for args in commands:
        if kind == "missing" and args[0] == "sweep":
            continue  # an empty folder: a sweep starts in it
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 2, (args, r.output, r.stderr)
        lines = r.stderr.splitlines()
        assert len(lines) == 1 and DAMAGE[kind] in lines[0] and "Traceback" not in r.output, (args, r.stderr)


def test_a_store_is_created_whole_or_not_at_all(tmp_path, monkeypatch):
    """A crash while the store's tables are made leaves no results.sqlite (a later open says 'no results')."""
    real = sqlite3.connect

    class Boom(Exception):
        pass

    def connect(path, *a, **kw):
        con = real(path, *a, **kw)
        if str(path).endswith(".tmp"):
            con.execute("CREATE TABLE half (x)")
            con.commit()
            raise Boom
        return con

    monkeypatch.setattr(sqlite3, "connect", connect)
    with pytest.raises(Boom):
        ResultStore.create(tmp_path, {"fingerprint": "f"}, [], ["m"], resume=False)
    monkeypatch.undo()
    assert not (tmp_path / FILE).exists()
    with pytest.raises(StoreError, match="no results here"):
        open_store(tmp_path)


def test_a_folder_is_written_by_one_process_at_a_time(tmp_path):
    out = tmp_path / "busy"
    lock = FolderLock(out).acquire()
    try:
        with pytest.raises(ExsimError, match=f"being written by another exsim \\(pid {__import__('os').getpid()}\\)"):
            FolderLock(out).acquire()
        assert is_locked(out)
    finally:
        lock.release()
    assert not is_locked(out) and not list(tmp_path.iterdir())


def test_two_concurrent_resumes_into_one_folder_one_refuses_cleanly(tmp_path):
    """A sweep running in another process holds its folder: a --resume into it stops at once, exit 2,
    and the first sweep finishes to the same table as an undisturbed one."""
    sweep = ["sweep", "trans_caspian_logistics", "--vary", "supply_lines.sea_line.every=2d,4d", "--reps", "30"]
    out = tmp_path / "shared"
    args = [*sweep, "--out", str(out), "--executor", "serial", "--batch", "1", "--quiet", "--resume"]
    first = subprocess.Popen([sys.executable, "-m", "sim.cli", *args], cwd=tmp_path)
    deadline = time.monotonic() + 60
    while not is_locked(out) and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert first.poll() is None, "the first sweep finished before the second started"
    second = CliRunner().invoke(main, args)
    assert second.exit_code == 2 and "being written by another exsim" in second.stderr, second.stderr
    assert len(second.stderr.splitlines()) == 1
    assert first.wait(timeout=300) == 0
    store = ResultStore.open(out)
    rows = store.rows()
    store.close()
    assert [(r["point"], r["replication"]) for r in rows] == [(p, i) for p in (0, 1) for i in range(30)]
