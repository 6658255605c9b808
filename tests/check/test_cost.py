"""A small file that would run for hours is refused (or warned of) before it runs, with the estimate:
``check`` and ``run`` alike, the limit set by EXSIM_MAX_REPLICATION."""

from __future__ import annotations

import pytest

from sim.check import load_scenario
from sim.check.cost import SECONDS_PER_CASUALTY_STAGE, SECONDS_PER_WORK, estimate
from tests.cli.test_hostile import HOSTILE, invoke

BASE = (HOSTILE / "valid_baseline.yaml").read_text(encoding="utf-8")


def scenario(tmp_path, units: int, injects: int, duration: str):
    """The hostile corpus's baseline with ``units`` more infantry units and ``injects`` timed injects."""
    text = BASE.replace("duration: 12h", f"duration: {duration}")
    assert f"duration: {duration}" in text
    more = "".join(f"  - {{id: x{i}, type: inf, side: blue, at: port}}\n" for i in range(units))
    text = text.replace("units:\n", "units:\n" + more, 1)
    text += "injects:\n" + "".join(f"  - {{id: i{i}, at: H+{i % 20}, message: m}}\n" for i in range(injects))
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_estimate_is_units_times_triggers_times_hours(tmp_path):
    s = load_scenario(scenario(tmp_path, 7, 5, "10h")).scenario
    cost = estimate(s)
    triggers = len(s.phases) + len(s.injects) + len(s.decision_points) + len(s.objectives)
    assert (cost.units, cost.triggers, cost.hours) == (len(s.units), triggers, 10.0)
    assert cost.seconds == pytest.approx(SECONDS_PER_WORK * len(s.units) * (triggers + 1) * 10)


def test_a_replication_of_hours_is_refused_by_check_and_run_with_its_estimate(tmp_path, monkeypatch):
    monkeypatch.delenv("EXSIM_MAX_REPLICATION", raising=False)
    path = scenario(tmp_path, 3000, 800, "30d")  # about 1.4 hours
    for args in (["check", str(path)], ["run", str(path), "--reps", "1", "--out", "out"]):
        r = invoke(args, tmp_path)
        assert r.exit_code == 2, r.output
        assert "scenario.duration: one replication would take about" in r.stderr
        assert "EXSIM_MAX_REPLICATION=none lifts the limit" in r.stderr
    monkeypatch.setenv("EXSIM_MAX_REPLICATION", "none")
    r = invoke(["check", str(path)], tmp_path)
    assert r.exit_code == 0 and "warning: one replication would take about" in r.stderr


def test_a_replication_of_minutes_is_warned_of_and_the_limit_is_configurable(tmp_path, monkeypatch):
    path = scenario(tmp_path, 600, 100, "30d")  # about 2 minutes
    monkeypatch.delenv("EXSIM_MAX_REPLICATION", raising=False)
    r = invoke(["check", str(path)], tmp_path)
    assert r.exit_code == 0 and "warning: one replication would take about" in r.stderr
    monkeypatch.setenv("EXSIM_MAX_REPLICATION", "1min")
    assert invoke(["check", str(path)], tmp_path).exit_code == 2
    monkeypatch.setenv("EXSIM_MAX_REPLICATION", "soon")
    r = invoke(["check", str(path)], tmp_path)
    assert r.exit_code == 2 and "EXSIM_MAX_REPLICATION=soon: not a duration" in r.stderr


CHAIN = """\
medical:
  sides: [blue]
  dnbi_per_1000_per_day: 2
  facilities:
    - {id: aid, role: 1, at: isle, serves: [isle], teams: 2, treatment: 10min, next: hospital}
    - {id: hospital, role: 2, at: port, teams: 2, treatment: 1h}
  evacuation: [{to: hospital, assets: [ship]}]
  mass_casualties: [{at: 1h, place: isle, count: 500}]
  arrivals: [{place: isle, per_hour: 3}]
"""


def mass_casualties(tmp_path, injects: int, count: int):
    """The baseline with a two-stage chain of care and ``injects`` mass-casualty injects of ``count`` each."""
    text = BASE.replace("capacity_personnel: 40}", "capacity_personnel: 40, litters: 4}") + CHAIN
    text += "injects:\n" + "".join(
        f"  - {{id: blast{i}, at: H+{i % 10}, effects: [{{type: mass_casualty, place: isle, count: {count}}}]}}\n"
        for i in range(injects)
    )
    path = tmp_path / "blasts.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_estimate_counts_the_casualties_the_chain_of_care_will_treat(tmp_path):
    """Worked by hand: 3 injects × 40 + the 500 of the mass-casualty event + 3 an hour × 12 h + DNBI at 2 per
    1,000 a day among blue's 31 people (b1's 30, the boat's crew of one; red is not in the chain) for half a
    day; through two stages of care."""
    s = load_scenario(mass_casualties(tmp_path, 3, 40)).scenario
    cost = estimate(s)
    people = 30 + 1
    assert cost.casualties == pytest.approx(3 * 40 + 500 + 3 * 12 + 2 / 1000 * people * 0.5)
    assert cost.stages == 2
    assert cost.seconds == pytest.approx(
        SECONDS_PER_WORK * cost.units * (cost.triggers + 1) * 12 + SECONDS_PER_CASUALTY_STAGE * cost.casualties * 2
    )


def test_a_file_of_mass_casualty_injects_is_refused_with_its_casualties(tmp_path, monkeypatch):
    """100 injects of 100,000 casualties each: 10 kB of text, ten million casualties through two stages,
    which today's estimate (units × triggers × hours: a fraction of a second) let through."""
    path = mass_casualties(tmp_path, 100, 100_000)
    monkeypatch.setenv("EXSIM_MAX_REPLICATION", "5min")
    r = invoke(["check", str(path)], tmp_path)
    assert r.exit_code == 2, r.output
    assert "casualties × 2 stages of care" in r.stderr and "10,000,5" in r.stderr
    monkeypatch.setenv("EXSIM_MAX_REPLICATION", "none")
    r = invoke(["check", str(path)], tmp_path)
    assert r.exit_code == 0 and "warning: one replication would take about" in r.stderr


def test_the_shipped_scenarios_are_far_below_the_warning(tmp_path):
    for name in ("island_retake", "birlestik_2024", "medical_chain", "trans_caspian_logistics"):
        assert estimate(load_scenario(name).scenario).seconds < 1


def test_a_catalogue_of_ten_thousand_types_is_read_in_linear_time(tmp_path):
    """Its positions were copied once per type (quadratic: 5,000 types took minutes); within the hang limit."""
    lines = ["unit_types:"] + [
        f"  t{i}: {{strength: 30, kill_rate_per_h: 0.5, speed_kmh: {{land: 5}}}}" for i in range(10_000)
    ]
    (tmp_path / "cat.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(BASE.replace("unit_types:", "catalog: cat.yaml\nunit_types:", 1), encoding="utf-8")
    r = invoke(["check", str(path)], tmp_path, limit_s=60)
    assert r.exit_code == 0, r.output
