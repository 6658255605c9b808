"""`exsim sensitivity` against functions whose indices are known: Sobol indices of the Ishigami function, Morris
on a model with an inert factor; the noise guidance; the same table on every executor and after a kill."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.experiment import history
from sim.experiment.sensitivity import FILE, asked_study, parse_factor, value_at
from sim.experiment.store import FILE as STORE
from sim.models import registry
from sim.models.contract import Better, Kind, MetricSpec
from tests.conftest import count_replications

# Three places whose latitudes are the factors x1, x2, x3 (a model written in the test reads them); one unit
# so that the scenario is a scenario. A replication takes a quarter of a millisecond.
THREE = """\
scenario: {name: three numbers, duration: 1h, seed: 5}
unit_types:
  inf: {strength: 10, kill_rate_per_h: 1, speed_kmh: {land: 6}}
map:
  places:
    x1: {kind: training_area, lat: 0, lon: 10}
    x2: {kind: training_area, lat: 0, lon: 11}
    x3: {kind: training_area, lat: 0, lon: 12}
sides:
  blue: {}
units:
  - {id: b1, type: inf, side: blue, at: x1}
"""
PI = math.pi
A, B = 7.0, 0.1


def function_model(name: str, f, shared: bool = True) -> types.ModuleType:
    """A model written in the test: its one metric, ``name``, is ``f(x1, x2, x3, noise)`` of the three latitudes;
    ``noise`` is a U[0, 1) draw from the model's own stream: the same at every point (common random numbers), or
    (not ``shared``) from a stream of each point's own."""
    mod = types.ModuleType(name)
    mod.NAME, mod.SECTIONS = name, ()
    mod.install = lambda world: None
    mod.declare = lambda s: [MetricSpec(name, Kind.AMOUNT, "t", Better.NEITHER, f"{name} of x1, x2, x3")]

    def metrics(world):
        x = [world.scenario.map.places[f"x{i}"].lat for i in (1, 2, 3)]
        stream = f"{name}:noise" if shared else f"{name}:noise:{x}"
        return {name: float(f(*x, world.streams[stream].uniform()))}

    mod.metrics = metrics
    return mod


def register(monkeypatch, model) -> None:
    monkeypatch.setattr(registry, "MODELS", (*registry.MODELS, model))
    monkeypatch.setattr(registry, "METRICS", {**registry.METRICS, model.NAME: frozenset({model.NAME})})


def ishigami(x1, x2, x3, _noise):
    # shifted by 11 so that it is never negative, as an amount is (indices are ratios of variances: unchanged)
    return 11 + math.sin(x1) + A * math.sin(x2) ** 2 + B * x3**4 * math.sin(x1)


def ishigami_indices() -> dict[str, tuple[float, float]]:
    """The analytic first-order and total indices (Ishigami and Homma 1990; Sobol' and Levitan 1999)."""
    v1 = 0.5 * (1 + B * PI**4 / 5) ** 2
    v2 = A**2 / 8
    v13 = B**2 * PI**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return {"x1": (v1 / v, (v1 + v13) / v), "x2": (v2 / v, v2 / v), "x3": (0.0, v13 / v)}


def study(tmp_path, *args: str, lang: str = "en") -> tuple[dict, str]:
    """`exsim sensitivity` of the three numbers, serially (the test's model is in this process only), on the one
    metric of the model registered last."""
    args = (*args, "--metric", registry.MODELS[-1].NAME)
    scenario = tmp_path / "three.yaml"
    scenario.write_text(THREE)
    out = tmp_path / "study"
    r = CliRunner(env={"COLUMNS": "160"}).invoke(
        main, ["sensitivity", str(scenario), *args, "--executor", "serial", "--out", str(out), "--lang", lang]
    )
    assert r.exit_code == 0, r.output + r.stderr
    return json.loads((out / FILE).read_text()), r.output


def factors(low: float, high: float) -> list[str]:
    return [a for i in (1, 2, 3) for a in ("--factor", f"map.places.x{i}.lat={low!r}:{high!r}")]


@pytest.mark.slow
def test_sobol_indices_of_the_ishigami_function_match_the_analytic_ones_within_their_intervals(tmp_path, monkeypatch):
    register(monkeypatch, function_model("ishigami", ishigami))
    doc, text = study(tmp_path, *factors(-PI, PI), "--method", "sobol", "--samples", "1024", "--reps", "1")
    (m,) = doc["metrics"]
    assert doc["rows"] == 1024 * (3 + 2)
    truth = ishigami_indices()
    assert [round(truth[x][0], 3) for x in ("x1", "x2", "x3")] == [0.314, 0.442, 0.0]  # the values
    assert [round(truth[x][1], 3) for x in ("x1", "x2", "x3")] == [0.558, 0.442, 0.244]
    by = {i["factor"]: i for i in m["indices"]}
    for x, (s1, st) in truth.items():
        i = by[f"map.places.{x}.lat"]
        assert i["S1_low"] <= s1 <= i["S1_high"], (x, i)
        assert i["ST_low"] <= st <= i["ST_high"], (x, i)
        # intervals narrow enough that a wrong estimator would fall outside: ± 0.1 at most
        assert i["S1_high"] - i["S1_low"] < 0.2 and i["ST_high"] - i["ST_low"] < 0.2, (x, i)
    # ranked by total index: x1, x2, x3; x3 alone does nothing (S1's interval includes 0), with x1 it does
    assert [i["factor"] for i in m["indices"]] == [f"map.places.x{k}.lat" for k in (1, 2, 3)]
    row = next(line for line in text.splitlines() if "x3.lat" in line)
    assert "S1 interval includes 0" in row
    assert "one replication a point" in " ".join(text.split())


def linear_with_inert(x1, x2, _x3, noise):
    return 10 + 3 * x1 + x2**2 + noise


def test_morris_ranks_an_inert_factor_last_with_mu_star_zero(tmp_path, monkeypatch):
    register(monkeypatch, function_model("screen", linear_with_inert))
    doc, text = study(tmp_path, *factors(0.0, 1.0), "--method", "morris", "--samples", "20", "--reps", "3")
    (m,) = doc["metrics"]
    first, second, last = m["indices"]
    assert last["factor"] == "map.places.x3.lat"
    # the noise is drawn alike at every point (common random numbers): an inert factor's effects are exactly 0
    assert last["mu_star"] == pytest.approx(0.0, abs=1e-9) and last["mu_star_high"] == pytest.approx(0.0, abs=1e-9)
    # x1 acts linearly (effect 3 over its range, σ 0); x2 as x² (effects between 0 and 2: σ > 0)
    assert first["factor"] == "map.places.x1.lat" and first["mu_star"] == pytest.approx(3.0, rel=1e-9)
    assert first["sigma"] == pytest.approx(0.0, abs=1e-9) and second["sigma"] > 0.1
    assert first["mu_star_low"] > 0 and second["mu_star_low"] > 0
    rows = [line for line in text.splitlines() if line.startswith("│")]
    assert "interval includes 0" in rows[-1] and "x3.lat" in rows[-1]
    assert "interval includes 0" not in rows[0]


def test_the_tables_are_in_english_and_russian(tmp_path, monkeypatch):
    register(monkeypatch, function_model("screen", linear_with_inert))
    args = (*factors(0.0, 1.0), "--method", "morris", "--samples", "6", "--reps", "2")
    _, en = study(tmp_path, *args)
    assert "rank" in en and "factor" in en and "replication noise" in en
    _, ru = study(tmp_path, *args, "--force", lang="ru")
    assert "ранг" in ru and "фактор" in ru and "шум" in ru and "rank" not in ru
    assert "3,000" in ru  # x1's μ*, with the decimal comma


def test_the_guidance_is_right_more_replications_bring_the_noise_under_five_per_cent(tmp_path, monkeypatch):
    """A metric with noise of its own at each point, and few replications: the guidance names the replications a
    point needs; run with them, the noise share is about 5 % (its estimate varies: within a factor 2 of it)."""
    register(monkeypatch, function_model("noisy", lambda x1, x2, x3, u: 10 + x1 + 0.5 * x2 + 2 * u, shared=False))
    args = (*factors(0.0, 1.0), "--method", "sobol", "--samples", "16")
    doc, text = study(tmp_path, *args, "--reps", "2")
    (m,) = doc["metrics"]
    assert m["noise_share"] > 0.05 and m["suggested_replications"] > 2
    assert f"--reps {m['suggested_replications']}" in " ".join(text.split())
    again, _ = study(tmp_path, *args, "--reps", str(m["suggested_replications"]), "--force")
    assert 0.025 < again["metrics"][0]["noise_share"] < 0.1
    assert again["metrics"][0]["suggested_replications"] in (None, *range(m["suggested_replications"] * 2))


def test_noise_shared_by_every_point_is_not_noise_in_the_indices(tmp_path, monkeypatch):
    """Common random numbers: noise drawn alike at every point shifts every mean alike; the guidance says the
    indices are more than noise however large it is (a within-point variance would call it 100 times the spread)."""
    register(monkeypatch, function_model("noisy", lambda x1, x2, x3, u: 10 + x1 + 0.5 * x2 + 8 * u))
    doc, text = study(tmp_path, *factors(0.0, 1.0), "--method", "sobol", "--samples", "16", "--reps", "3")
    assert doc["metrics"][0]["noise_share"] == pytest.approx(0.0, abs=1e-12)
    assert "the indices are more than noise" in " ".join(text.split())


def test_precision_grows_the_replications_of_a_point_until_its_interval_is_narrow(tmp_path, monkeypatch):
    register(monkeypatch, function_model("noisy", lambda x1, x2, x3, u: 10 + x1 + 8 * u))
    args = (*factors(0.0, 1.0), "--method", "morris", "--samples", "2", "--reps", "2")
    doc, _ = study(tmp_path, *args, "--precision", "noisy=2", "--max-reps", "64")
    # U[0, 8) has sd 2.31: a 95 % half-width of 2 needs about 8 replications; rounds double 2 -> 4 -> 8 (or 16)
    assert doc["metrics"][0]["replications"] in (8, 16)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("units.ls-1.strength=1:3", {0.0: 1, 0.34: 2, 0.99: 3, 1.0: 3}),
        ("combat.mode=stochastic,deterministic", {0.0: "stochastic", 0.49: "stochastic", 0.5: "deterministic"}),
        ("units.ag.strength=40.0:90.0", {0.0: 40.0, 0.5: 65.0, 1.0: 90.0}),
    ],
)
def test_a_factor_maps_the_unit_interval_to_its_range_or_its_levels(text, values):
    _, f = parse_factor(text)
    assert {u: value_at(f, u) for u in values} == values


def shipped_study(out: Path, executor: str, *extra: str) -> list[str]:
    args = ["sensitivity", "island_retake", "--method", "morris", "--samples", "4", "--reps", "3", "--seed", "11"]
    args += ["--factor", "units.ls-1.strength=1:3", "--factor", "units.ag.strength=40:90"]
    args += ["--factor", "combat.mode=stochastic,deterministic", "--metric", "killed.coalition"]
    return [*args, "--out", str(out), "--executor", executor, "--workers", "2", *extra]


@pytest.mark.slow
def test_a_study_over_dask_gives_the_same_table_as_over_processes(tmp_path):
    outputs = {}
    for executor in ("process", "dask"):
        r = CliRunner(env={"COLUMNS": "160"}).invoke(main, shipped_study(tmp_path / executor, executor))
        assert r.exit_code == 0, r.output + r.stderr
        outputs[executor] = r.stdout.replace(str(tmp_path / executor), "OUT")  # the table (progress: stderr)
    assert outputs["dask"] == outputs["process"] and "killed.coalition" in outputs["dask"]
    a, b = (json.loads((tmp_path / e / FILE).read_text()) for e in ("process", "dask"))
    assert a == b and a["metrics"][0]["indices"]


@pytest.mark.slow
def test_a_killed_study_resumes_to_the_same_table(tmp_path):
    r = CliRunner().invoke(main, shipped_study(tmp_path / "full", "serial"))
    assert r.exit_code == 0, r.output + r.stderr
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", *shipped_study(out, "serial", "--batch", "1", "--quiet")], cwd=tmp_path
    )
    work = history.partial(out)
    deadline = time.monotonic() + 120
    while count_replications(work / STORE) < 10 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the study finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert count_replications(work / STORE) >= 10 and not out.exists()
    r = CliRunner().invoke(main, [*shipped_study(out, "serial"), "--resume"])
    assert r.exit_code == 0, r.output + r.stderr
    full, resumed = (json.loads((tmp_path / f / FILE).read_text()) for f in ("full", "killed"))
    assert resumed == full


def test_a_factor_given_badly_is_one_line(tmp_path):
    for bad in ("units.ls-1.strength", "units.ls-1.strength=3:1", "units.ls-1.strength=a:b", "x=1"):
        r = CliRunner().invoke(main, ["sensitivity", "island_retake", "--factor", bad, "--factor", "y=1,2"])
        assert r.exit_code == 2 and "--factor" in r.stderr and "Traceback" not in r.stderr, (bad, r.stderr)


def test_the_metrics_analysed_do_not_change_the_runs_but_the_design_does():
    """A study interrupted and resumed with other --metric options completes the same replications; with another
    design it refuses (the plan's fingerprint guards --resume)."""
    factors = ["units.ls-1.strength=1:3", "units.ag.strength=40:90"]

    def fingerprint(**kw):
        return asked_study("island_retake", factors, method="morris", **kw).plan.fingerprint()

    same = fingerprint(samples=2, metrics=["killed.coalition"])
    assert fingerprint(samples=2, metrics=["died_of_wounds"]) == same
    assert fingerprint(samples=3, metrics=["killed.coalition"]) != same
