"""Honest pairing (issue 26): two variants of a scenario run with one seed share their random numbers (streams
are keyed by entity) and are compared paired; "unpaired" is said only with its true reason; each side is
named by its scenario and overrides."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from click.testing import CliRunner
from scipy import stats

from sim.cli import main
from sim.experiment.compare import Unpaired, pairing

METRIC = "time_to_secure_h.island"


def run(args: list[str]) -> str:
    r = CliRunner(env={"COLUMNS": "200"}).invoke(main, args)
    assert r.exit_code == 0, r.output + r.stderr
    return r.output


def column(folder: Path) -> dict[int, float]:
    rows = csv.DictReader((folder / "replications.csv").read_text().splitlines())
    return {int(r["replication"]): float(r[METRIC]) for r in rows}


def test_a_variant_made_with_new_from_and_edited_is_paired_and_each_side_named(tmp_path, monkeypatch):
    """The issue's case: ``exsim new b --from island_retake``, one ship fewer, both at seed 2024."""
    monkeypatch.chdir(tmp_path)
    run(["new", "b", "--from", "island_retake"])
    text = Path("b.yaml").read_text()
    assert "type: landing_ship, strength: 2" in text
    Path("b.yaml").write_text(text.replace("type: landing_ship, strength: 2", "type: landing_ship, strength: 1"))
    for source, out in (("island_retake", "a"), ("b.yaml", "b")):
        run(["run", source, "--reps", "12", "--seed", "2024", "--executor", "serial", "--out", out, "-q"])
    out = run(["compare", "a", "b", "--metric", METRIC])
    flat = " ".join(out.split())
    assert "paired by replication" in flat and "UNPAIRED" not in flat
    head = " ".join(out.split("┏")[0].split())
    assert head == "b (b) vs island_retake (a)"  # never "baseline" on both sides
    # the interval is the paired t interval of the replication-by-replication differences, computed here
    a, b = column(Path("a")), column(Path("b"))
    d = np.array([b[r] - a[r] for r in sorted(a)])
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    low, high = d.mean() - half, d.mean() + half
    assert f"+{low:.2f} – +{high:.2f}" in out
    # and narrower than the Welch interval of the same numbers: the common random numbers at work
    welch = stats.ttest_ind(list(b.values()), list(a.values()), equal_var=False).confidence_interval()
    assert high - low < (welch.high - welch.low) / 2


def fake(tmp_path: Path, name: str, seed: int, streams: int | None, units: list[str]) -> SimpleNamespace:
    folder = tmp_path / name
    folder.mkdir()
    scenario = {"units": [{"id": u} for u in units], "map": {"places": {f"{name}_port": {}}}}
    (folder / "scenario.json").write_text(json.dumps(scenario))
    manifest = {"seed": seed, **({"streams": streams} if streams is not None else {})}
    return SimpleNamespace(folder=folder, manifest=lambda: manifest)


def test_unpaired_only_for_a_true_reason(tmp_path):
    a = fake(tmp_path, "a", 2024, 2, ["ls-1", "mar-1"])
    assert pairing(a, fake(tmp_path, "b", 2024, 2, ["ls-1"])) is None  # one unit in common: its streams shared
    assert pairing(a, fake(tmp_path, "c", 7, 2, ["ls-1"])) == Unpaired("seeds", "2024", "7")
    assert pairing(a, fake(tmp_path, "d", 2024, None, ["ls-1"])) == Unpaired("streams", "2", "1")  # before streams
    assert pairing(a, fake(tmp_path, "e", 2024, 2, ["other"])) == Unpaired("nothing shared")


def test_the_reason_is_told_in_english_and_russian(tmp_path):
    for seed in (1, 2):
        run(["run", "island_retake", "--reps", "3", "--seed", str(seed), "--out", str(tmp_path / str(seed)), "-q"])
    folders = [str(tmp_path / "1"), str(tmp_path / "2")]
    en = " ".join(run(["compare", *folders, "--metric", "killed.coalition"]).split())
    assert "UNPAIRED: the seeds differ (1 and 2; Welch)" in en
    ru = " ".join(run(["compare", *folders, "--metric", "killed.coalition", "--lang", "ru"]).split())
    assert "1 и 2" in ru and "Уэлча" in ru and "UNPAIRED" not in ru
