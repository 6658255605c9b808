"""earthquake_relief's objective on deaths before surgery (issue 30): its bound is the deaths no plan of surgery
prevents, derived from the scenario's own figures as its comment says, and the capacity sweep's lever (the
stadium's operating tables) moves how often it is met."""

from __future__ import annotations

import math

from sim.check import load_scenario
from sim.config.yamlsafe import read_text
from sim.experiment.runner import run_replication
from tests.conftest import REPO

EARTHQUAKE = "earthquake_relief"
GOLDEN_HOUR_CASE_FATALITY = 0.076  # Kotwal et al., JAMA Surgery 2016: with care within 60 min


def test_the_deaths_bound_is_what_no_plan_of_surgery_prevents():
    """Expected trauma patients entering the chain (the surge's integral less those killed at the scene, the later
    stream over the run, the aftershock's mass casualty): every expectant (T4) one, and the immediate (T1) at the
    golden hour's case fatality; rounded up, the objective's bound. An edit to the arrivals or the triage mix that
    leaves the bound behind fails here."""
    s = load_scenario(EARTHQUAKE).scenario
    surge, later = s.medical.arrivals
    hours = s.scenario.duration / 60
    window = (surge.until - surge.from_) / 60
    decay = surge.profile.decay_h
    alive = surge.per_hour * decay * (1 - math.exp(-window / decay)) * (1 - surge.killed_at_scene)
    injected = sum(e.count for i in s.injects for e in i.effects if e.type == "mass_casualty")
    trauma = alive + later.per_hour * hours + injected
    mix = s.medical.triage_mix["trauma"]
    unavoidable = mix["T4"] * trauma + GOLDEN_HOUR_CASE_FATALITY * mix["T1"] * trauma
    (deaths,) = [o for o in s.objectives if o.id == "few_died_of_wounds"]
    assert deaths.metric == "died_of_wounds"
    assert round(trauma) == 152 and math.ceil(unavoidable) == deaths.at_most == 10


def _met(overrides: list[str], n: int = 12) -> int:
    s = load_scenario(EARTHQUAKE, overrides).scenario
    return sum(run_replication(s, s.scenario.seed, i).metrics["objective.few_died_of_wounds"] for i in range(n))


def test_the_capacity_sweep_varies_each_lever_that_moves_it():
    """The sweep shipped with the scenario varies the stadium's tables and its overflow to the city hospital, and
    each lever, on the same seeds, meets the objective more often than the plan as written: more tables, or
    fewer beds held at the stadium so that the surge goes on to the city hospital's idle tables."""
    sweep = read_text((REPO / "configs" / "sweeps" / "earthquake_capacity.yaml").read_text(encoding="utf-8")).data
    factors = {f["path"]: f["values"] for f in sweep["sweep"]["factors"].values()}
    tables, beds = "medical.facilities.emt2_stadium.teams", "medical.facilities.emt2_stadium.beds"
    s = load_scenario(EARTHQUAKE).scenario
    (stadium,) = [f for f in s.medical.facilities if f.id == "emt2_stadium"]
    assert stadium.teams in factors[tables] and stadium.beds in factors[beds]  # the plan is one of the points
    assert stadium.when_full == "divert" and stadium.divert_to == "city_hospital"
    plan = _met([])
    assert _met([f"{tables}={max(factors[tables])}"]) > plan
    assert _met([f"{beds}={min(factors[beds])}"]) > plan
