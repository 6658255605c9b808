"""Comparisons an analyst can trust: verdicts from the catalogue's side and direction, labels in full,
any point as the baseline, percentage points for rates, ordered by strength, unpaired when seeds differ
(tests/experiment/test_pairing.py: the other reasons, and variants of a scenario paired)."""

from __future__ import annotations

import math
import re

import pytest
from click.testing import CliRunner
from scipy.stats import norm, t

from sim.cli import main
from sim.experiment.compare import Difference, baselines, difference, parse_baseline, unpaired
from sim.experiment.meaning import Meaning
from sim.experiment.store import PointRow
from sim.models.contract import Better, Kind, MetricSpec
from tests.conftest import REPO


def sweep(tmp_path, name, *args):
    out = tmp_path / name
    r = CliRunner(env={"COLUMNS": "200"}).invoke(
        main, ["sweep", "island_retake", *args, "--reps", "6", "--executor", "serial", "--out", str(out), "-q"]
    )
    assert r.exit_code == 0, r.output + r.stderr
    return out


def verdicts(out, *args):
    r = CliRunner(env={"COLUMNS": "200"}).invoke(main, ["compare", str(out), *args])
    assert r.exit_code == 0, r.output + r.stderr
    return {m: v for m, v in re.findall(r"│ (\S+)\s+│[^│]+│[^│]+│ ([a-z ]+?)\s+│", r.output)}, r.output


def test_the_enemys_extra_survivors_are_worse_and_ours_better(tmp_path):
    enemy = sweep(tmp_path, "enemy", "--vary", "units.ag.strength=60,90")
    v, _ = verdicts(enemy, "--metric", "survivors.armed_group", "--baseline", "strength=60")
    assert v["survivors.armed_group"] == "worse"  # more of them left standing: worse for the coalition
    ours = sweep(tmp_path, "ours", "--vary", "units.mar-1.strength=120,150")
    v, _ = verdicts(ours, "--metric", "survivors.coalition", "--baseline", "strength=120")
    assert v["survivors.coalition"] == "better"


def spec(name, kind=Kind.COUNT, better=Better.LOWER, side="blue"):
    return MetricSpec(name, kind, "people", better, name, side)


@pytest.mark.parametrize(
    ("side", "better", "mean", "verdict"),
    [
        ("blue", Better.LOWER, 2.0, "worse"),
        ("blue", Better.LOWER, -2.0, "better"),
        ("red", Better.LOWER, 2.0, "better"),  # the opponent's losses going up
        ("red", Better.HIGHER, 2.0, "worse"),
        (None, Better.HIGHER, 2.0, "better"),  # neutral: the declared direction
        ("blue", Better.NEITHER, 2.0, "higher"),
    ],
)
def test_verdict_follows_side_and_direction(side, better, mean, verdict):
    d = Difference("m", "p", "b", 10, mean, mean - 1, mean + 1, spec("m", better=better, side=side), "blue")
    assert d.verdict == verdict
    assert Difference("m", "p", "b", 10, 0.5, -0.5, 1.5, spec("m"), "blue").verdict == "no detectable difference"


def test_baseline_names_any_point_with_list_values_and_several_factors():
    pts = [
        PointRow(i, f"p{i}", {"ships": s, "heli": h}, "")
        for i, (s, h) in enumerate([(1, "[a]"), (1, "[a, b]"), (2, "[a]"), (2, "[a, b]")])
    ]
    assert parse_baseline("heli=[a, b], ships=2") == [("heli", ["a", "b"]), ("ships", 2)]
    assert {p: b.index for p, b in baselines(pts, "heli=[a, b],ships=2").items()} == {0: 3, 1: 3, 2: 3}
    # a partial baseline holds the other factors equal: each point against ships=1 at its own heli
    assert {p: b.index for p, b in baselines(pts, "ships=1").items()} == {2: 0, 3: 1}
    assert {p: b.index for p, b in baselines(pts, "heli=[a]").items()} == {1: 0, 3: 2}


def test_unpaired_comparison_is_welch():
    base = {i: float(x) for i, x in enumerate([1, 2, 3, 4, 5])}
    other = {i: float(x) for i, x in enumerate([3, 4, 5, 6, 7, 8, 9])}
    d = unpaired("m", base, other, ("a", "b"))
    # Welch by hand: means 3 and 6, variances 2.5 and 4.667, se = sqrt(2.5/5 + 4.667/7) = 1.0801
    va, vb = 2.5 / 5, (28 / 6) / 7
    df = (va + vb) ** 2 / (va**2 / 4 + vb**2 / 6)
    assert d.mean == pytest.approx(3.0) and not d.paired
    assert d.high - d.mean == pytest.approx(t.ppf(0.975, df) * math.sqrt(va + vb), rel=1e-9)


def test_two_folders_with_different_seeds_are_compared_unpaired(tmp_path):
    folders = []
    for seed in (1, 2):
        out = tmp_path / f"s{seed}"
        r = CliRunner().invoke(main, ["run", "island_retake", "--reps", "4", "--seed", str(seed), "--out", str(out)])
        assert r.exit_code == 0, r.output + r.stderr
        folders.append(str(out))
    r = CliRunner(env={"COLUMNS": "200"}).invoke(main, ["compare", *folders, "--metric", "killed.coalition"])
    assert r.exit_code == 0 and "UNPAIRED: the seeds differ (1 and 2; Welch)" in " ".join(r.output.split())


def test_a_run_made_with_set_is_named_by_its_overrides_in_a_comparison(tmp_path):
    runs = {"plain": ["--max-events", "5000000"], "variant": ["--set", "units.ls-1.strength=1"]}  # a budget: no variant
    for name, extra in runs.items():
        r = CliRunner().invoke(main, ["run", "island_retake", "--reps", "3", "--out", str(tmp_path / name), *extra])
        assert r.exit_code == 0, r.output
    r = CliRunner(env={"COLUMNS": "200"}).invoke(main, ["compare", str(tmp_path / "plain"), str(tmp_path / "variant")])
    assert r.exit_code == 0, r.output
    head = " ".join(r.output.split("┏")[0].split())  # the two sides' names (wrapped to the table's width)
    assert (
        head == f"island_retake units.ls-1.strength=1 ({tmp_path / 'variant'}) vs island_retake ({tmp_path / 'plain'})"
    )


def test_rates_in_percentage_points_and_rows_by_strength(tmp_path):
    out = sweep(tmp_path, "ships", "--vary", "units.ls-1.strength=1,2")
    _, text = verdicts(out, "--metric", "secured.island", "--metric", "time_to_secure_h.island")
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in text.splitlines() if line.startswith("│")]
    assert [r[0] for r in rows] == ["time_to_secure_h.island", "secured.island"]  # the clear one first
    assert rows[1][1].endswith("pp") and rows[0][1].endswith(" h")


def assert_tables_whole(text: str) -> None:
    """Rich crops a table wider than the console: every table line must still end with its border."""
    lines = [line.rstrip() for line in text.splitlines() if line.lstrip()[:1] in "┏┃┡│├└"]
    assert lines
    for line in lines:
        assert len(line) <= 80 and line[-1] in "┓┃┩│┤┘", line


def test_medical_helicopters_points_are_shown_in_full_at_80_columns(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sweep_file = REPO / "configs" / "sweeps" / "medical_helicopters.yaml"
    runner = CliRunner(env={"COLUMNS": "80"})
    r = runner.invoke(main, ["sweep", str(sweep_file), "--reps", "3", "--executor", "serial", "--out", "heli"])
    assert r.exit_code == 0, r.output + r.stderr
    assert_tables_whole(r.output)
    values = ["[medevac-1]", "[medevac-1, medevac-2]", "[medevac-1, medevac-2, medevac-3]"]
    assert "…" not in r.output
    titles = [" ".join(line.split()) for line in r.output.splitlines() if line.startswith("helicopters=")]
    assert titles == [f"helicopters={v}" for v in values]
    r = runner.invoke(
        main, ["compare", "heli", "--metric", "t1_surgery_1h_share", "--baseline", f"helicopters={values[0]}"]
    )
    assert r.exit_code == 0, r.output + r.stderr
    assert_tables_whole(r.output)
    flat = " ".join(r.output.split())
    assert "…" not in r.output
    for v in values:
        assert f"helicopters={v}" in flat


def test_two_folders_with_different_metrics_and_scenarios_compare_paired_at_80_columns(tmp_path, monkeypatch):
    """A run of one scenario, then of another with the same seed: the metrics both have are compared, paired
    (birlestik_2024 holds the island retake's units and places, whose streams are keyed by them), and the
    tables fit 80 columns whole."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner(env={"COLUMNS": "80"})
    for name in ("island_retake", "birlestik_2024"):
        r = runner.invoke(main, ["run", name, "--reps", "5", "--seed", "3", "--executor", "serial"])
        assert r.exit_code == 0, r.output + r.stderr
    r = runner.invoke(main, ["compare", "latest~1", "latest"])
    assert r.exit_code == 0, r.output + r.stderr
    flat = " ".join(r.output.split())
    assert "paired by replication" in flat and "UNPAIRED" not in flat and "in one folder only" in r.output
    assert_tables_whole(r.output)
    r = runner.invoke(main, ["compare", "latest~1", "latest", "--metric", "objective.few_died_of_wounds"])
    assert r.exit_code == 2 and "unknown metric" in r.stderr


def test_rate_differences_use_newcombes_interval():
    """3 of 3 against 0 of 3: never the zero-width interval a t interval on the 0/1 differences gives."""
    base, other = dict.fromkeys(range(3), 0.0), dict.fromkeys(range(3), 1.0)
    meaning = Meaning("blue", {"secured.x": MetricSpec("secured.x", Kind.RATE, "", Better.HIGHER, "x", "blue")})
    d = difference("secured.x", base, other, ("b", "p"), meaning)
    z = norm.ppf(0.975)

    def wilson_by_hand(k, n):
        p = k / n
        c, h = (
            (p + z * z / (2 * n)) / (1 + z * z / n),
            z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n),
        )
        return c - h, c + h

    (l1, u1), (l2, u2) = wilson_by_hand(3, 3), wilson_by_hand(0, 3)
    assert d.mean == 1.0
    assert d.low == pytest.approx(1 - math.sqrt((1 - l1) ** 2 + (u2 - 0) ** 2), abs=1e-9)
    assert d.high == pytest.approx(1 + math.sqrt((u1 - 1) ** 2 + (0 - l2) ** 2), abs=1e-9)
    assert 0 < d.low < 0.5 and d.verdict == "better"


def test_sweep_options_are_checked_before_anything_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for extra, message in (
        (["--metric", "time_to_secur_h.island"], "did you mean"),
        (["--precision", "nosuch=0.1"], "unknown metric"),
        (["--max-reps", "40"], "--max-reps caps --precision"),
    ):
        r = CliRunner().invoke(
            main, ["sweep", "island_retake", "--vary", "units.ls-1.strength=1,2", "--reps", "2", *extra]
        )
        assert r.exit_code == 2 and message in r.stderr, r.stderr
        assert not (tmp_path / "results").exists()
