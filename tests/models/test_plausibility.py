"""The flagship's casualty and sustainment figures inside their sourced ranges (docs/planning_factors.md)."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from tests.conftest import REPO

spec = importlib.util.spec_from_file_location("plausibility", REPO / "tools" / "plausibility.py")
plausibility = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
sys.modules["plausibility"] = plausibility
spec.loader.exec_module(plausibility)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def flagship() -> dict[str, float]:
    return plausibility.figures("birlestik_2024", reps=20)


@pytest.mark.slow
@pytest.mark.parametrize("r", plausibility.RANGES, ids=lambda r: r.name)
def test_the_flagship_is_inside_each_sourced_range(flagship, r):
    assert r.low <= flagship[r.name] <= r.high, (
        f"{r.name} = {flagship[r.name]:.3f}, outside [{r.low}, {r.high}] ({r.source})"
    )


def test_every_range_is_in_the_docs_with_its_bounds():
    page = (REPO / "docs" / "planning_factors.md").read_text(encoding="utf-8")
    assert "## Reference ranges" in page
    for bounds in ["1–8 %", "9–20 %", "3–11", "22.0–33.7", "1.7–4.3", "1.05–5.79 %", "2.93–27.2 %"]:
        assert bounds in page


def test_running_out_of_water_brings_heat_illness(load):
    """A company of 1,000 without water (it carries none it can drink after a day) falls ill at the heat rate
    on top of the base rate: over 5 days past a 1-day grace, about (0.25 + 7) / 1000 * 1000 * 4 = 29."""
    text = """\
scenario: {name: thirst, duration: 5d}
map:
  places:
    camp: {kind: training_area, lat: 43.5, lon: 51.3}
sides:
  blue: {}
unit_types:
  inf: {strength: 1000, carries: {water: 0.001}}
units:
  - {id: coy, type: inf, side: blue, at: camp}
medical:
  facilities: [{id: aid, role: 1, at: camp, teams: 50, treatment: 10min}]
"""
    from sim.experiment import run_replication

    s = load(text)
    got = [run_replication(s, 1, i).metrics["casualties"] for i in range(10)]
    mean = sum(got) / len(got)
    base_only = 0.25 * 5  # what the base rate alone gives over the 5 days
    expected = 0.25 * 5 + 7 * 4  # heat illness from the end of the 1-day grace
    assert abs(mean - expected) <= 4 * (expected / len(got)) ** 0.5, (mean, expected)
    assert mean > 5 * base_only


def test_python_tools_plausibility_prints_each_figure_beside_its_range(capsys):
    """`python tools/plausibility.py` (here with 2 replications): one line a range, with its source."""
    code = plausibility.main(["birlestik_2024", "--reps", "2"])
    out = capsys.readouterr().out
    assert all(r.name in out and r.source in out for r in plausibility.RANGES)
    assert code == (1 if "OUTSIDE" in out else 0)
