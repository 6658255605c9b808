"""earthquake_relief's objective on deaths before surgery (issue 30): its bound is the deaths no plan of surgery
prevents, derived from the scenario's own figures as its comment says, and the capacity sweep's lever (the
stadium's operating tables) moves how often it is met."""

from __future__ import annotations

import math

from sim.check import load_scenario
from sim.experiment.runner import run_replication

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


def test_more_operating_tables_meet_it_more_often():
    """The sweep's lever, on the same seeds: six tables at the stadium instead of four."""

    def met(tables: int, n: int = 12) -> int:
        s = load_scenario(EARTHQUAKE, [f"medical.facilities.emt2_stadium.teams={tables}"]).scenario
        return sum(run_replication(s, s.scenario.seed, i).metrics["objective.few_died_of_wounds"] for i in range(n))

    four, six = met(4), met(6)
    assert six > four
