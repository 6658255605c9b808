"""Run history: no result is ever overwritten, every result knows where it came from."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import platform
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim import __version__
from sim.check import load_scenario
from sim.cli import main
from sim.errors import ExsimError
from sim.experiment import history
from sim.experiment.store import FILE, ResultStore
from tests.conftest import REPO, RUN_FILES, count_replications, table

ISLAND = str(REPO / "scenarios" / "island_retake.yaml")


def cli(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def run(*args: str):
    r = cli("run", *args)
    assert r.exit_code == 0, r.output + r.stderr
    return r


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its SHA-256 (the store's WAL checkpointed first)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def manifest_of(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text())


def read_csv(folder: Path) -> list[dict[str, str]]:
    with (folder / "replications.csv").open() as f:
        return list(csv.DictReader(f))


def visible(group: Path) -> list[str]:
    return sorted(p.name for p in group.iterdir() if not p.name.startswith("."))


def test_two_runs_with_different_overrides_leave_two_complete_folders(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run("island_retake", "--reps", "3", "--trace")
    run("island_retake", "--reps", "3", "--set", "units.ls-1.strength=1")
    group = tmp_path / "results" / "island_retake"
    first, second = (group / name for name in visible(group) if name != "latest")
    assert os.readlink(group / "latest") == second.name
    # each folder is whole and describes itself, and only the traced one has an event log
    assert sorted(p.name for p in first.iterdir()) == RUN_FILES
    assert sorted(p.name for p in second.iterdir()) == sorted(set(os.listdir(first)) - {"events.jsonl", "traces"})
    for folder, overrides in ((first, []), (second, ["units.ls-1.strength=1"])):
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["overrides"] == overrides and manifest["kind"] == "run"
        assert manifest["scenario_sha256"] == load_scenario("island_retake", overrides).digest
        rows = read_csv(folder)
        store = ResultStore.open(folder)
        assert [float(r["time_to_secure_h.island"]) for r in rows] == [
            r["time_to_secure_h.island"] for r in store.rows()
        ]
        store.close()
    slower = [float(r["time_to_secure_h.island"]) for r in read_csv(second)]
    faster = [float(r["time_to_secure_h.island"]) for r in read_csv(first)]
    assert all(s > f for s, f in zip(slower, faster, strict=True))  # one ship: a second trip, later
    # exsim runs lists both, newest first, with their overrides
    listing = cli("runs").output
    assert listing.index(f"island_retake/{second.name}  ") < listing.index(f"island_retake/{first.name}  ")
    assert "overrides: units.ls-1.strength=1" in listing and "overrides: none" in listing
    # with the headline metrics the metric catalogue marks, in their units
    assert "mission_success" in listing and "objective.secure_island" in listing
    mean_time = sum(faster) / len(faster)
    assert f"time_to_secure_h.island {mean_time:.3g} h" in listing and " people" in listing


def test_the_listing_fits_the_terminal(tmp_path, monkeypatch):
    """Headline metrics wrap at the terminal's width, whole metrics to a line, none lost."""
    monkeypatch.chdir(tmp_path)
    run("island_retake", "--reps", "3")
    wide = CliRunner().invoke(main, ["runs"], env={"COLUMNS": "400"}).output.splitlines()
    narrow = CliRunner().invoke(main, ["runs"], env={"COLUMNS": "60"}).output.splitlines()
    assert len(narrow) > len(wide)
    assert all(len(line) <= 60 for line in narrow), narrow

    def metrics(lines: list[str]) -> list[str]:
        after = next(i for i, line in enumerate(lines) if line.startswith("  overrides:")) + 1
        return [i.strip() for line in lines[after:] for i in line.split(" · ")]

    assert len(metrics(wide)) >= 4 and metrics(narrow) == metrics(wide)


def test_the_manifest_records_provenance(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["exsim", "run", "island_retake", "--reps", "2"])
    before = time.time()
    run("island_retake", "--reps", "2", "--out", "plain")
    run("island_retake", "--reps", "2", "--out", "strong", "--set", "unit_types.landing_ship.capacity_personnel=500")
    run("island_retake", "--reps", "2", "--out", "weak", "--set", "units.ag.strength=10")
    plain, strong, weak = (manifest_of(tmp_path / n) for n in ("plain", "strong", "weak"))
    assert plain["exsim_version"] == __version__ and plain["python"] == platform.python_version()
    assert plain["cpu_count"] == os.cpu_count() and plain["versions"]["numpy"] and plain["versions"]["simpy"]
    assert plain["command"] == ["exsim", "run", "island_retake", "--reps", "2"]
    assert plain["seed"] == 2024 and plain["replications"] == 2 and plain["kind"] == "run"
    started, finished = (datetime.fromisoformat(plain[k]).timestamp() for k in ("started", "finished"))
    assert before - 1 <= started <= finished <= time.time() + 1
    assert plain["wall_s"] > 0 and plain["cpu_s"] > 0 and plain["replications_s"] > 0
    # a changed unit type changes the catalogue's hash; a changed unit, only the scenario's
    assert strong["catalogue_sha256"] != plain["catalogue_sha256"] == weak["catalogue_sha256"]
    assert len({plain["scenario_sha256"], strong["scenario_sha256"], weak["scenario_sha256"]}) == 3
    files = plain["files_sha256"]
    assert (
        files[str(REPO / "scenarios" / "island_retake.yaml")]
        == hashlib.sha256((REPO / "scenarios" / "island_retake.yaml").read_bytes()).hexdigest()
    )
    assert any(path.endswith("units.yaml") for path in files)
    # the whole scenario as run is beside the results
    stored = json.loads((tmp_path / "weak" / "scenario.json").read_text())
    assert next(u for u in stored["units"] if u["id"] == "ag")["strength"] == 10


def test_run_from_an_id_reproduces_the_table_byte_for_byte(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run("island_retake", "--reps", "6", "--seed", "99", "--set", "units.ls-1.strength=1", "--workers", "2")
    original = history.runs()[0]
    r = run("--from", original.id, "--executor", "serial")
    again = history.runs()[0]
    assert again.id != original.id and again.manifest["from"] == original.id
    assert (again.path / "replications.csv").read_bytes() == (original.path / "replications.csv").read_bytes()
    assert again.manifest["overrides"] == ["units.ls-1.strength=1"] and again.manifest["seed"] == 99
    assert "results written to" in r.output
    bad = cli("run", "island_retake", "--from", original.id)
    assert bad.exit_code == 2 and "--from repeats a stored run exactly" in bad.stderr
    assert cli("run", "--from", "nonsense").exit_code == 2


def test_compare_latest_before_latest_pairs_the_two_newest_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run("island_retake", "--reps", "5", "--out", "results/elsewhere")
    run("island_retake", "--reps", "5", "--set", "units.ls-1.strength=1")
    assert history.resolve("latest~1") == Path("results/elsewhere")
    assert history.resolve("latest") == history.resolve("island_retake/latest")
    r = cli("compare", "latest~1", "latest", "--metric", "time_to_secure_h.island")
    assert r.exit_code == 0, r.stderr
    assert "worse" in r.output  # the newer run has one landing ship: later in every replication
    r = cli("compare", "latest", "latest~1", "--metric", "time_to_secure_h.island")
    assert "better" in r.output
    r = cli("compare", "latest~2", "latest")
    assert r.exit_code == 2 and "holds 2 finished runs" in r.stderr
    assert cli("export", "latest").exit_code == 0
    assert (history.resolve("latest") / "results.csv").is_file()


def test_a_run_killed_midway_leaves_nothing_visible_and_the_previous_run_untouched(tmp_path):
    scenario = ["run", "trans_caspian_logistics", "--executor", "serial", "--quiet"]
    subprocess.run([sys.executable, "-m", "sim.cli", *scenario, "--reps", "2"], cwd=tmp_path, check=True)
    group = tmp_path / "results" / "trans_caspian_logistics"
    (previous,) = [name for name in visible(group) if name != "latest"]
    before = snapshot(group / previous)
    proc = subprocess.Popen([sys.executable, "-m", "sim.cli", *scenario, "--reps", "400"], cwd=tmp_path)
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        partials = list(group.glob(".*.partial"))
        if partials and count_replications(partials[0] / FILE) >= 4:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert visible(group) == sorted([previous, "latest"]) and os.readlink(group / "latest") == previous
    assert snapshot(group / previous) == before
    listing = subprocess.run(
        [sys.executable, "-m", "sim.cli", "runs"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    assert f"trans_caspian_logistics/{previous}" in listing and "(interrupted" in listing
    assert listing.index("(interrupted") < listing.index(f"trans_caspian_logistics/{previous}")  # the newest first
    assert history.resolve("latest", tmp_path / "results") == group / previous


def interrupt_at_batch(monkeypatch, n: int):
    """Ctrl-C while the n-th batch is being stored (ResultStore.add_many raises KeyboardInterrupt at its n-th
    call): the calls so far, and the real add_many to put back."""
    real, calls = ResultStore.add_many, []

    def add_then_stop(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == n:
            raise KeyboardInterrupt
        return real(self, *args, **kwargs)

    monkeypatch.setattr(ResultStore, "add_many", add_then_stop)
    return calls, real


def test_an_interrupted_sweep_in_the_default_folder_resumes_to_the_same_table(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sweep = ["sweep", "island_retake", "--vary", "units.ls-1.strength=1,2", "--reps", "5", "--executor", "serial"]
    r = cli(*sweep, "--out", "whole", "-q")
    assert r.exit_code == 0
    _, real = interrupt_at_batch(monkeypatch, 4)
    assert cli(*sweep, "--batch", "1", "-q").exit_code != 0
    monkeypatch.setattr(ResultStore, "add_many", real)
    group = tmp_path / "results" / "island_retake_sweep"
    assert visible(group) == [] and len(list(group.glob(".*.partial"))) == 1
    r = cli(*sweep, "--resume", "-q")
    assert r.exit_code == 0, r.stderr
    (done,) = visible(group)[:-1] if "latest" in visible(group) else visible(group)
    got, want = ResultStore.open(group / done), ResultStore.open(tmp_path / "whole")
    assert table(got.rows(), got.metrics) == table(want.rows(), want.metrics)
    assert got.manifest()["started"] < json.loads((group / done / "manifest.json").read_text())["finished"]
    assert json.loads((group / done / "manifest.json").read_text())["resumed"] is True
    got.close()
    want.close()
    assert not list(group.glob(".*"))  # no partial folder nor lock file left
    # and a second sweep is a new folder beside it
    assert cli(*sweep, "-q").exit_code == 0
    assert len([n for n in visible(group) if n != "latest"]) == 2


def test_an_interrupted_run_leaves_nothing_behind(tmp_path, monkeypatch):
    """As the README says: a run is not resumable, so its half-written folder goes (a sweep's stays)."""
    monkeypatch.chdir(tmp_path)
    calls, _ = interrupt_at_batch(monkeypatch, 2)
    r = cli("run", "island_retake", "--reps", "300", "--executor", "serial", "-q")  # batches of at most 200
    assert r.exit_code != 0 and len(calls) == 2
    group = tmp_path / "results" / "island_retake"
    assert not group.exists() or not list(group.iterdir()), list(group.iterdir())


def test_prune_asks_first_and_keeps_the_newest(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for ships in ("1", "2", "3"):
        run("island_retake", "--reps", "2", "--set", f"units.ls-1.strength={ships}", "-q")
    ids = [r.id for r in history.runs()]
    r = cli("runs", "--prune", "1", input="n\n")
    assert r.exit_code == 1 and "Remove 2 folders?" in r.output and [x.id for x in history.runs()] == ids
    r = cli("runs", "--prune", "1")  # no answer at all (no terminal): nothing goes
    assert r.exit_code == 1 and "--yes removes without asking" in r.output and len(history.runs()) == 3
    r = cli("runs", "--prune", "1", "--yes")
    assert r.exit_code == 0 and [x.id for x in history.runs()] == ids[:1]
    group = tmp_path / "results" / "island_retake"
    assert visible(group) == sorted([ids[0].split("/")[1], "latest"])
    r = cli("runs", "island_retake", "--prune", "0", input="y\n")
    assert r.exit_code == 0 and history.runs() == [] and visible(group) == []


def test_an_existing_out_needs_force_and_force_clears_every_stale_file(tmp_path):
    out = tmp_path / "demo"
    run(ISLAND, "--reps", "2", "--out", str(out), "--trace")
    before = snapshot(out)
    r = cli("run", ISLAND, "--reps", "2", "--out", str(out))
    assert r.exit_code == 2 and "--force" in r.stderr and snapshot(out) == before
    run(ISLAND, "--reps", "3", "--out", str(out), "--force")
    assert not (out / "events.jsonl").exists()  # the old run's trace does not stay beside the new results
    assert json.loads((out / "manifest.json").read_text())["replications"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo"]
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("precious")
    r = cli("run", ISLAND, "--reps", "2", "--out", str(tmp_path / "mine"), "--force")
    assert r.exit_code == 2 and "not exsim results" in r.stderr
    assert (tmp_path / "mine" / "thesis.tex").read_text() == "precious"


@pytest.mark.parametrize(
    ("name", "words"),
    [("../../x", "sweep's name is also its folder's"), ("/tmp/x", "sweep's name is also its folder's")],
)
def test_a_sweep_name_never_leads_outside_results(tmp_path, monkeypatch, name, words):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "inner").mkdir()
    sweep = tmp_path / "inner" / "s.yaml"
    sweep.write_text(
        f"sweep:\n  name: {name}\n  scenario: island_retake\n  replications: 1\n"
        "  factors: {units.ls-1.strength: [1, 2]}\n"
    )
    monkeypatch.chdir(tmp_path / "inner")
    r = cli("sweep", str(sweep), "--executor", "serial")
    assert r.exit_code == 2 and words in r.stderr and f"{sweep}:2:" in r.stderr
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["inner", "s.yaml"]


def test_a_sweep_files_out_stays_under_results(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    body = "  scenario: island_retake\n  replications: 1\n  factors: {units.ls-1.strength: [1, 2]}\n"
    (tmp_path / "bad.yaml").write_text(f"sweep:\n  name: s\n  out: ../escape\n{body}")
    r = cli("sweep", "bad.yaml", "--executor", "serial")
    assert r.exit_code == 2 and "bad.yaml:3:" in r.stderr and "folder under results/" in r.stderr
    (tmp_path / "good.yaml").write_text(f"sweep:\n  name: s\n  out: fixed/place\n{body}")
    assert cli("sweep", "good.yaml", "--executor", "serial", "-q").exit_code == 0
    assert (tmp_path / "results" / "fixed" / "place" / FILE).is_file()
    assert not (tmp_path / "escape").exists()


def test_a_scenario_file_named_dots_writes_inside_results(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "...yaml").write_text((REPO / "scenarios" / "island_retake.yaml").read_text())
    (tmp_path / "...yaml").write_text(
        (tmp_path / "...yaml").read_text().replace("../configs/units.yaml", str(REPO / "configs" / "units.yaml"))
    )
    run("...yaml", "--reps", "1", "-q")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["...yaml", "results"]
    assert (tmp_path / "results" / "run" / "latest" / "replications.csv").is_file()


def test_folder_names_and_confinement():
    assert history.slug("../../x") == "x" and history.slug("..") == "run" and history.slug(".hidden") == "hidden"
    assert history.slug("Island landing ships") == "Island_landing_ships"
    root = Path("results")
    assert history.confined(root, "a", "b") == root / "a" / "b"
    for bad in ("..", "../x", "a/../../x", "/etc"):
        with pytest.raises(ExsimError, match="must stay inside"):
            history.confined(root, bad)


def test_run_ids_resolve_and_say_what_is_missing(tmp_path):
    root = tmp_path / "results"
    with pytest.raises(ExsimError, match="holds 0 finished runs"):
        history.resolve("latest", root)
    for group, stamp, started in (("a", "2026-01-01_000000", "2026-01-01T00:00:00"), ("b", "x", "2026-01-02T00:00:00")):
        (root / group / stamp).mkdir(parents=True)
        (root / group / stamp / "manifest.json").write_text(json.dumps({"started": started}))
    assert history.resolve("latest", root) == root / "b" / "x"
    assert history.resolve("latest~1", root) == root / "a" / "2026-01-01_000000"
    assert history.resolve("a/latest", root) == root / "a" / "2026-01-01_000000"
    assert history.resolve("2026-01-01_000000", root) == root / "a" / "2026-01-01_000000"
    assert history.resolve("b/x", root) == root / "b" / "x"
    assert history.resolve(root / "a", root) == root / "a" / "2026-01-01_000000"  # a group: its newest
    with pytest.raises(ExsimError, match="no such results folder or run id"):
        history.resolve("nope", root)


def test_a_folder_from_an_older_exsim_stays_listed_beside_new_runs(tmp_path, monkeypatch):
    """Before the history, results/island_retake/ held one run itself; new runs go inside it, both listed."""
    monkeypatch.chdir(tmp_path)
    old = tmp_path / "results" / "island_retake"
    old.mkdir(parents=True)
    (old / "manifest.json").write_text(json.dumps({"name": "run", "scenario": "Island retake", "seed": 1}))
    con = sqlite3.connect(old / FILE)
    con.execute("CREATE TABLE replications (point, replication, seed, x)")
    con.close()
    run("island_retake", "--reps", "2", "-q")
    ids = [r.id for r in history.runs()]
    assert len(ids) == 2 and ids[1] == "island_retake" and ids[0].startswith("island_retake/")
    assert "island_retake  run" in cli("runs").output
    r = cli("compare", "island_retake", "latest")  # the old folder, by its id
    assert r.exit_code == 2 and "another version of exsim" in r.stderr


def test_where_symlinks_cannot_be_made_latest_is_a_file_that_resolves_the_same(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("symbolic links are not allowed here")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(Path, "symlink_to", refuse)
    run("island_retake", "--reps", "1", "-q")
    run("island_retake", "--reps", "1", "-q", "--seed", "3")
    pointer = tmp_path / "results" / "island_retake" / "latest"
    assert pointer.is_file() and not pointer.is_symlink()
    newest = history.runs()[0].path
    assert pointer.read_text().strip() == newest.name
    assert history.resolve(pointer).resolve() == newest.resolve()
    assert cli("export", str(pointer)).exit_code == 0 and (newest / "results.csv").is_file()


def test_a_run_folder_and_its_files_respect_the_umask(tmp_path):
    """Folders 0777 and files 0666 less the umask, like anything else the user writes (not mkstemp's 0600)."""
    old = os.umask(0o027)
    try:
        run(ISLAND, "--reps", "2", "--out", str(tmp_path / "out"), "--trace")
    finally:
        os.umask(old)
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == RUN_FILES
    for path in [out, *out.rglob("*")]:
        assert path.stat().st_mode & 0o777 == (0o750 if path.is_dir() else 0o640), path
