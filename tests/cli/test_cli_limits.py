"""What a command may ask for: replications per point up to a ceiling (checked before anything is planned),
and one rule for seeds, wherever they are given."""

from __future__ import annotations

import csv
import dataclasses
from array import array

import pytest
from click.testing import CliRunner

from sim.check import load_scenario
from sim.cli import main
from sim.experiment import sweep as sweep_module
from sim.experiment.limits import MAX_REPLICATIONS
from sim.experiment.store import ResultStore
from sim.experiment.sweep import Plan
from tests.conftest import REPO

ISLAND = str(REPO / "scenarios" / "island_retake.yaml")
DRILL = str(REPO / "tests" / "play" / "drill.yaml")
TOO_MANY = "99999999999"
VARY = ("--vary", "units.ls-1.strength=1,2")


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def nothing_planned(monkeypatch):
    """A replication count past the ceiling is refused by the option itself: no plan is made from it."""

    def never(*args, **kwargs):
        raise AssertionError("a plan was made")

    monkeypatch.setattr(sweep_module.Plan, "for_run", never)
    monkeypatch.setattr(sweep_module.Plan, "from_sweep", never)


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("run", ISLAND, "--reps", TOO_MANY), "--reps"),
        (("sweep", ISLAND, *VARY, "--reps", TOO_MANY), "--reps"),
        (("sweep", ISLAND, *VARY, "--precision", "end_time_h=0.1", "--max-reps", TOO_MANY), "--max-reps"),
        (("run", ISLAND, "--reps", str(MAX_REPLICATIONS + 1)), "--reps"),
    ],
)
def test_a_replication_count_past_the_ceiling_is_a_usage_error(tmp_path, nothing_planned, args, option):
    r = invoke(*args, "--out", str(tmp_path / "out"))
    assert r.exit_code == 2, r.output
    [line] = r.stderr.splitlines()
    assert option in line and f"1<=x<={MAX_REPLICATIONS}" in line, line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("field", ["replications", "max_replications"])
def test_a_sweep_file_asking_past_the_ceiling_is_refused_at_its_line(tmp_path, nothing_planned, field):
    extra = "  precision: {metric: end_time_h, half_width: 0.1}\n" if field == "max_replications" else ""
    reps = TOO_MANY if field == "replications" else "2"
    lines = f"sweep:\n  name: t\n  scenario: {ISLAND}\n  replications: {reps}\n{extra}"
    if field == "max_replications":
        lines += f"  max_replications: {TOO_MANY}\n"
    path = tmp_path / "big.yaml"
    path.write_text(lines + "  factors:\n    units.ls-1.strength: [1, 2]\n")
    r = invoke("sweep", str(path), "--out", str(tmp_path / "out"))
    assert r.exit_code == 2, r.output
    [line] = r.stderr.splitlines()
    row = 4 if field == "replications" else 6
    assert line.startswith(f"{path}:{row}:") and field in line and f"{MAX_REPLICATIONS}" in line, line


def test_the_default_cap_of_sequential_stopping_stays_under_the_ceiling():
    """Without --max-reps a point grows to 10 x --reps: never past the ceiling, whatever --reps was."""
    plan = Plan.for_run(load_scenario(ISLAND), 1, MAX_REPLICATIONS // 4, "x")
    plan = dataclasses.replace(plan, precision=("end_time_h", 1e-9))

    class Wide:  # an interval far wider than 1e-9: the point wants more replications
        def columns(self, point: int) -> dict[str, array]:
            return {"end_time_h": array("d", [1.0, 5.0, 9.0])}

    assert sweep_module._too_wide(Wide(), plan, {0: MAX_REPLICATIONS // 2}) == {0: MAX_REPLICATIONS}
    assert sweep_module._too_wide(Wide(), plan, {0: MAX_REPLICATIONS}) == {}


BIG = 2**64 + 5  # beyond any 64-bit integer


def test_a_seed_is_any_non_negative_integer_wherever_it_is_given(tmp_path):
    """One rule: a scenario file, a sweep file and every --seed take the same seeds (numpy's SeedSequence takes
    any non-negative integer; the store keeps seeds as text), and a negative one is refused by each."""
    out = tmp_path / "run"
    r = invoke("run", ISLAND, "--reps", "2", "--seed", str(BIG), "--executor", "serial", "--out", str(out), "-q")
    assert r.exit_code == 0, r.stderr
    with (out / "replications.csv").open() as f:
        assert [row["seed"] for row in csv.DictReader(f)] == [str(BIG)] * 2
    file_seed = invoke(
        "run", ISLAND, "--reps", "2", "--set", f"scenario.seed={BIG}", "--executor", "serial", "-q",
        "--out", str(tmp_path / "file"),
    )  # fmt: skip
    assert file_seed.exit_code == 0, file_seed.stderr
    assert (tmp_path / "file" / "replications.csv").read_text() == (out / "replications.csv").read_text()

    r = invoke("sweep", ISLAND, *VARY, "--reps", "1", "--seed", str(BIG), "--executor", "serial", "-q",
               "--out", str(tmp_path / "sweep"))  # fmt: skip
    assert r.exit_code == 0, r.stderr
    store = ResultStore.open(tmp_path / "sweep")
    assert {row["seed"] for row in store.rows()} == {BIG}
    store.close()
    sweep_file = tmp_path / "seeded.yaml"
    sweep_file.write_text(
        f"sweep:\n  name: t\n  scenario: {ISLAND}\n  replications: 1\n  seed: {BIG}\n"
        "  factors:\n    units.ls-1.strength: [1]\n"
    )
    r = invoke("sweep", str(sweep_file), "--executor", "serial", "-q", "--out", str(tmp_path / "filed"))
    assert r.exit_code == 0, r.stderr

    r = invoke("story", ISLAND, "--seed", str(BIG))
    assert r.exit_code == 0 and f"(seed {BIG})" in " ".join(r.stdout.split()), r.stderr
    r = CliRunner().invoke(
        main, ["play", DRILL, "--seed", str(BIG), "--batch", "0", "--out", str(tmp_path / "play")], input=""
    )
    assert r.exit_code == 0, r.stderr
    assert ResultStore.open(tmp_path / "play").manifest()["seed"] == BIG

    for args in (("run", ISLAND), ("sweep", ISLAND, *VARY), ("story", ISLAND), ("play", DRILL)):
        r = invoke(*args, "--seed", "-1")
        assert r.exit_code == 2 and "--seed" in r.stderr and "x>=0" in r.stderr, (args, r.stderr)


def test_results_with_a_seed_beyond_64_bits_export_to_parquet(tmp_path):
    """Parquet has no integer that holds such a seed: the column is written as its decimal digits."""
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    out = tmp_path / "big"
    r = invoke("run", ISLAND, "--reps", "2", "--seed", str(BIG), "--executor", "serial", "--out", str(out), "-q")
    assert r.exit_code == 0, r.stderr
    r = invoke("export", str(out), "--format", "parquet", "--out", str(tmp_path / "t.parquet"))
    assert r.exit_code == 0, r.stderr
    assert list(pd.read_parquet(tmp_path / "t.parquet")["seed"]) == [str(BIG)] * 2
    small = tmp_path / "small"
    r = invoke("run", ISLAND, "--reps", "2", "--seed", "7", "--executor", "serial", "--out", str(small), "-q")
    r = invoke("export", str(small), "--format", "parquet", "--out", str(tmp_path / "s.parquet"))
    assert r.exit_code == 0, r.stderr
    seeds = pd.read_parquet(tmp_path / "s.parquet")["seed"]
    assert seeds.dtype == "int64" and list(seeds) == [7, 7]  # seeds that fit stay integers


def test_parquet_is_written_as_csv_is_its_folder_made_and_the_file_named_in_an_error(tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    out = tmp_path / "run"
    assert invoke("run", ISLAND, "--reps", "2", "--executor", "serial", "--out", str(out), "-q").exit_code == 0
    deep = tmp_path / "not" / "yet" / "t.parquet"
    r = invoke("export", str(out), "--format", "parquet", "--out", str(deep))
    assert r.exit_code == 0, r.stderr
    assert len(pd.read_parquet(deep)) == 2 and [p.name for p in deep.parent.iterdir()] == ["t.parquet"]
    r = invoke("export", str(out), "--format", "parquet", "--out", "/proc/t.parquet")  # nobody writes there
    assert r.exit_code == 2 and r.stderr.startswith("/proc/t.parquet:"), r.stderr


def test_a_sweep_of_more_than_ten_million_replications_in_all_is_refused_before_it_is_planned(tmp_path):
    """A million a point is allowed, but not at every one of many points: the plan alone would not fit."""
    out = tmp_path / "big"
    strengths = ",".join(str(n) for n in range(20, 31))  # 11 points
    r = invoke("sweep", ISLAND, "--vary", f"units.ag.strength={strengths}", "--reps", "1000000", "--out", str(out))
    assert r.exit_code == 2, r.stderr
    assert r.stderr.startswith("11 points x 1,000,000 replications is 11,000,000 replications: at most 10,000,000")
    assert not out.exists()
    r = invoke(
        "sweep",
        ISLAND,
        "--vary",
        f"units.ag.strength={strengths}",
        "--reps",
        "2",
        "--precision",
        "time_to_secure_h.island=0.01",
        "--max-reps",
        "1000000",
        "--out",
        str(out),
    )
    assert r.exit_code == 2 and "11,000,000 replications" in r.stderr, r.stderr  # what sequential stopping may reach
