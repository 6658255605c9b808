"""The command line, through click's CliRunner."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim import __version__
from sim.check import load_scenario
from sim.cli import main
from sim.config import Scenario, scenario_digest
from tests.conftest import REPO, RUN_FILES

ISLAND = str(REPO / "scenarios" / "island_retake.yaml")


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open() as f:
        return list(csv.DictReader(f))


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_version():
    r = invoke("--version")
    assert r.exit_code == 0 and __version__ in r.output


def test_run_writes_the_results_folder(tmp_path):
    out = tmp_path / "demo"
    r = invoke("run", ISLAND, "--seed", "7", "--reps", "5", "--out", str(out), "--trace")
    assert r.exit_code == 0, r.output
    assert "time_to_secure_h.island" in r.output and "95 % CI" in r.output
    assert sorted(p.name for p in out.iterdir()) == RUN_FILES
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 7 and manifest["replications"] == 5 and manifest["exsim_version"] == __version__
    assert manifest["scenario_sha256"] == load_scenario(ISLAND).digest
    rows = read_rows(out / "replications.csv")
    assert [int(r["replication"]) for r in rows] == [0, 1, 2, 3, 4]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["secured.island"]["kind"] == "rate" and summary["killed.coalition"]["kind"] == "count"
    mean_killed = sum(float(r["killed.coalition"]) for r in rows) / 5
    assert summary["killed.coalition"]["mean"] == pytest.approx(mean_killed)
    events = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    assert events and {"t", "kind"} <= events[0].keys()
    assert any(e["kind"] == "engagement_end" for e in events)
    assert not list(out.glob(".*.tmp")), "no temporary files left behind"


def test_run_without_trace_writes_no_events(tmp_path):
    r = invoke("run", ISLAND, "--reps", "2", "--out", str(tmp_path / "o"))
    assert r.exit_code == 0
    assert not (tmp_path / "o" / "events.jsonl").exists()


def test_shipped_scenario_by_name_with_override(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # found by name from anywhere, output under ./results/
    r = invoke("run", "island_retake", "--reps", "3", "--set", "units.ls-1.strength=1")
    assert r.exit_code == 0, r.output
    manifest = json.loads((tmp_path / "results" / "island_retake" / "latest" / "manifest.json").read_text())
    assert manifest["overrides"] == ["units.ls-1.strength=1"]
    assert manifest["scenario_sha256"] != load_scenario(ISLAND).digest


def test_override_changes_the_outcome(tmp_path):
    """One landing ship needs two trips, so the island is secured later (same seeds: paired)."""
    times = {}
    for ships in ("1", "2"):
        out = tmp_path / ships
        invoke("run", ISLAND, "--reps", "10", "--out", str(out), "--set", f"units.ls-1.strength={ships}")
        rows = read_rows(out / "replications.csv")
        times[ships] = [float(r["time_to_secure_h.island"]) for r in rows]
    assert all(one > two for one, two in zip(times["1"], times["2"], strict=True))


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("units.nope.strength=1", "no item with id 'nope' in units"),
        ("units.ls-1.strength=-1", "units.3.strength: Input should be greater than 0 (set by --set"),
        ("combat.law=cubic", "combat.law: Input should be 'square' or 'linear'"),
        ("scenario.colour=1", "scenario.colour: unknown field (set by --set scenario.colour=1)"),
        ("nope.x=1", "nope: unknown field (set by --set nope.x=1)"),  # a key --set made, above its path
        ("nodots", "expected --set dotted.path=value"),
        ("units.99.at=x", "index 99 is out of range"),
        ("scenario.name=!!python/object/apply:os.system [x]", "not a YAML scalar"),
    ],
)
def test_bad_overrides_are_user_errors(setting, message):
    r = CliRunner().invoke(main, ["run", ISLAND, "--reps", "1", "--set", setting])
    assert r.exit_code == 2
    assert message in r.stderr
    assert "Traceback" not in r.output + r.stderr


def test_unknown_scenario_name_lists_the_shipped_ones():
    r = CliRunner().invoke(main, ["run", "island_retaek"])
    assert r.exit_code == 2 and "no such file, and unknown shipped scenario 'island_retaek'" in r.stderr
    assert "did you mean 'island_retake'?" in r.stderr


@pytest.mark.parametrize("args", [["run", ISLAND, "--reps", "0"], ["run", ISLAND, "--seed", "-1"], ["frobnicate"]])
def test_bad_options_exit_2(args):
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2


def test_check_ok_and_warnings(write):
    r = invoke("check", ISLAND)
    n_units = len(load_scenario(ISLAND).scenario.units)
    assert r.exit_code == 0 and "ok:" in r.output and f"{n_units} units" in r.output
    text = (Path(ISLAND).read_text()).replace("within: 6h", "within: 30h")
    path = write(text, "late.yaml")  # catalog: exsim:units resolves from any folder
    r = CliRunner().invoke(main, ["check", str(path)])
    assert r.exit_code == 0
    assert "objectives.0.within: warning: time limit 1d6h is longer than the run (1d)" in r.stderr
    assert CliRunner().invoke(main, ["check", "--strict", str(path)]).exit_code == 1


def test_schema_is_json_schema_of_the_scenario_model():
    r = invoke("schema")
    doc = json.loads(r.output)
    assert doc["title"] == "exsim scenario"
    assert set(doc["required"]) == {n for n, f in Scenario.model_fields.items() if f.is_required()}
    assert {"scenario", "map", "units", "phases", "objectives"} <= doc["properties"].keys()
    assert "from" in json.dumps(doc["$defs"]["Route"]["properties"])


def test_list_shows_shipped_scenarios():
    assert "island_retake" in invoke("list").output


def test_digest_changes_with_content():
    a = load_scenario(ISLAND)
    b = load_scenario(ISLAND, ["scenario.seed=1"])
    assert scenario_digest(a.scenario) == a.digest != b.digest


def test_plain_progress_follows_the_rounds_of_sequential_stopping(tmp_path):
    """Each round of --precision plans more replications: the lines follow the growing total to its end,
    rather than stopping at the first round's 100 % while the next rounds run."""
    r = invoke(
        *("sweep", ISLAND, "--vary", "units.ls-1.strength=1,2", "--reps", "2", "--executor", "serial"),
        *("--precision", "time_to_secure_h.island=0.0000001", "--max-reps", "16", "--out", str(tmp_path / "s")),
    )
    assert r.exit_code == 0, r.output
    lines = [line for line in r.stderr.splitlines() if line.endswith("%)")]
    # 2 points, 2 → 4 → 8 → 16 replications each (the interval never gets that narrow): totals 4, 8, 16, 32
    totals = [int(line.split()[0].split("/")[1]) for line in lines]
    assert sorted(set(totals)) == [4, 8, 16, 32] and totals == sorted(totals)
    assert lines[-1] == "32/32 replications (100 %)"
    for total in (8, 16, 32):  # a round opens with a line: what was done in the rounds before, of the new total
        assert f"{total // 2}/{total} replications (50 %)" in lines


def test_plain_progress_says_100_percent_once_however_the_last_batch_reaches_it(capsys):
    from sim.cli.sweep import _progress

    with _progress(quiet=False) as tick:  # not a terminal under pytest: plain lines
        for done in (0, 61, 122, 128, 128):
            tick(done, 128)
    assert capsys.readouterr().err.splitlines() == [
        "0/128 replications (0 %)",
        "61/128 replications (47 %)",
        "122/128 replications (95 %)",
        "128/128 replications (100 %)",
    ]
