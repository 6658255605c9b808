"""The medical chain against queueing theory, priority, conservation and the golden hour."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.check import load_scenario
from sim.experiment import build_world, run_replication
from sim.models import medical
from sim.models.combat import crew
from tests.conftest import REPO
from tests.models.test_logistics import erlang_c_wait

# A chain at one place: casualties arrive as a Poisson stream, treatment is exponential, nobody dies.
CHAIN = """\
scenario: {{name: chain, duration: {days}d}}
map:
  places:
    camp: {{kind: training_area, lat: 43.5, lon: 51.3}}
sides:
  blue: {{}}
units:
  - {{id: coy, type: inf, side: blue, at: camp}}
unit_types:
  inf: {{strength: 100}}
medical:
  dnbi_per_1000_per_day: 0
  triage_mix: {{combat: {{T2: 1.0}}}}
  hazard: {{}}
  arrivals: [{{place: camp, per_hour: {lam}}}]
  facilities:
{facilities}
"""


def chain(lam: float, days: int, *stages: tuple[int, float]) -> str:
    lines = []
    for i, (teams, mean_min) in enumerate(stages):
        nxt = f", next: s{i + 1}" if i + 1 < len(stages) else ""
        lines.append(f"    - {{id: s{i}, role: 1, at: camp, teams: {teams}, treatment: {mean_min}min{nxt}}}")
    return CHAIN.format(days=days, lam=lam, facilities="\n".join(lines))


def within(values: list[float], expected: float, k: float = 4.0) -> tuple[bool, float, float]:
    """Is the mean of independent replications within k standard errors of ``expected``?"""
    xs = np.array(values)
    se = xs.std(ddof=1) / math.sqrt(len(xs))
    return abs(xs.mean() - expected) <= k * se, float(xs.mean()), float(se)


@pytest.mark.slow
def test_one_stage_matches_erlang_c(load):
    lam_h, teams, mean_min = 2.0, 3, 75.0  # rho = 2 * 1.25 / 3 = 0.83
    s = load(chain(lam_h, 60, (teams, mean_min)))
    runs = [run_replication(s, 11, i).metrics for i in range(16)]
    mu_h = 60.0 / mean_min
    ok, mean, se = within([m["wait_h.s0"] for m in runs], erlang_c_wait(lam_h, mu_h, teams))
    assert ok, (mean, erlang_c_wait(lam_h, mu_h, teams), se)
    ok, mean, se = within([m["team_utilisation.s0"] for m in runs], lam_h / (teams * mu_h))
    assert ok, (mean, se)


@pytest.mark.slow
def test_two_stages_in_tandem_match_the_jackson_network(load):
    """Poisson out of an M/M/c is Poisson (Burke): each stage is its own M/M/c with the same rate."""
    lam_h = 1.5
    stages = [(2, 60.0), (3, 100.0)]
    s = load(chain(lam_h, 60, *stages))
    runs = [run_replication(s, 5, i).metrics for i in range(16)]
    for i, (teams, mean_min) in enumerate(stages):
        expected = erlang_c_wait(lam_h, 60.0 / mean_min, teams)
        ok, mean, se = within([m[f"wait_h.s{i}"] for m in runs], expected)
        assert ok, (i, mean, expected, se)


@pytest.mark.slow
def test_littles_law_holds_per_stage(load):
    """L = λW for the queue of each stage: time-average number waiting vs arrival rate × mean wait."""
    s = load(chain(1.5, 60, (2, 60.0), (3, 100.0)))
    for stage in ("s0", "s1"):
        diffs = []
        for i in range(12):
            world = build_world(s, 3, i)
            world.run()
            st_ = medical.state(world).stages[stage]
            lam = st_.arrivals / world.now
            diffs.append(medical.metrics(world)[f"queue_avg.{stage}"] - lam * float(np.mean(st_.waits)))
        ok, mean, se = within(diffs, 0.0)
        assert ok, (stage, mean, se)


SCARCE_LIFT = """\
scenario: {name: scarce lift, duration: 3d}
unit_types:
  inf: {strength: 100}
  heli: {strength: 1, speed_kmh: {air: 200}, litters: 1, load_min: 5min, unload_min: 5min}
map:
  places:
    camp: {kind: training_area, lat: 43.5, lon: 51.3}
    base: {kind: hospital, lat: 43.6, lon: 51.2}
  routes:
    - {from: camp, to: base, mode: air, distance_km: 50}
sides:
  blue: {}
units:
  - {id: coy, type: inf, side: blue, at: camp}
  - {id: h1, type: heli, side: blue, at: base}
medical:
  dnbi_per_1000_per_day: 0
  triage_mix: {combat: {T1: 0.5, T2: 0.5}}
  hazard: {}
  arrivals: [{place: camp, per_hour: 0.9}]
  facilities:
    - {id: aid, role: 1, at: camp, teams: 10, treatment: 1min, next: hosp}
    - {id: hosp, role: 2, at: base, teams: 50, treatment: 30min}
  evacuation:
    - {to: hosp, assets: [h1]}
"""


def test_with_scarce_lift_t1_waits_less_than_t2(load):
    s = load(SCARCE_LIFT)  # one stretcher, 40 min a round trip, ~0.9 casualties an hour: a queue forms
    diffs = []  # per replication: mean time to Role 2 of T2 minus that of T1
    for i in range(30):
        world = build_world(s, 1, i)
        world.run()
        times: dict[str, list[float]] = {"T1": [], "T2": []}
        for c in medical.state(world).casualties:
            if c.role2 is not None:
                times[c.triage].append(c.role2 - c.injured)
        assert min(len(v) for v in times.values()) > 10
        diffs.append(np.mean(times["T2"]) - np.mean(times["T1"]))
    se = np.std(diffs, ddof=1) / math.sqrt(len(diffs))
    # one-sided t test at the 0.1 % level (t quantile for 29 degrees of freedom: 3.396)
    assert np.mean(diffs) > 3.396 * se > 0


MEDICAL = REPO / "scenarios" / "medical_chain.yaml"
ISLAND = REPO / "scenarios" / "island_retake.yaml"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31),
    stop_h=st.floats(0.5, 24),
    teams=st.integers(1, 4),
    count=st.integers(1, 60),
    which=st.sampled_from(["medical", "island"]),
)
def test_every_casualty_has_exactly_one_outcome_or_is_in_care(seed, stop_h, teams, count, which):
    if which == "medical":
        loaded = load_scenario(
            MEDICAL, [f"medical.facilities.1.teams={teams}", f"medical.mass_casualties.0.count={count}"]
        )
    else:
        loaded = load_scenario(ISLAND, [f"medical.facilities.1.teams={teams}"])
    world = build_world(loaded.scenario, seed, trace=True)
    world.run(until=stop_h * 60)
    m = medical.metrics(world)
    cs = medical.state(world).casualties
    # the metrics agree with the event log, a second bookkeeping written as things happen
    kinds = [e["kind"] for e in world.log.records]
    assert m["casualties"] == kinds.count("casualty")
    for outcome in ("returned_to_duty", "evacuated", "died_of_wounds"):
        assert m[outcome] == kinds.count(outcome), outcome
    assert m["returned_to_duty"] + m["evacuated"] + m["died_of_wounds"] + m["in_care"] == m["casualties"]
    assert sum(m[f"casualties.{t}"] for t in ("T1", "T2", "T3", "T4")) == m["casualties"]
    for c in cs:
        assert c.outcome in (None, "returned_to_duty", "evacuated", "died_of_wounds")
        if c.outcome == "died_of_wounds":
            assert c.surgery is None  # the hazard stops at surgery
        # care (first treatment) and arrival at Role 2 both follow the injury and come before surgery;
        # a casualty injured where a Role 2 stands arrives there before its first treatment
        for first, then in ((c.injured, c.care), (c.injured, c.role2), (c.care, c.surgery), (c.role2, c.surgery)):
            assert first is None or then is None or first <= then
    stages = medical.state(world).stages.values()
    assert all(0 <= st_.beds_used <= (st_.spec.beds or math.inf) for st_ in stages)


def test_island_wounded_enter_the_chain():
    loaded = load_scenario(ISLAND, ["medical.dnbi_per_1000_per_day=0"])
    for i in range(5):
        world = build_world(loaded.scenario, 7, i)
        world.run()
        # a damaged platform's crew are wounded people: each enters the chain
        wounded = sum(u.wounded * crew(u.type) for u in world.units.values() if u.side == "coalition")
        assert wounded > 0
        assert len(medical.state(world).casualties) == wounded


@pytest.mark.slow
def test_golden_hour_share_grows_with_helicopters():
    """Common random numbers: the same casualties and treatment times with one, two and three helicopters."""
    fleets = ["[medevac-1]", "[medevac-1, medevac-2]", "[medevac-1, medevac-2, medevac-3]"]
    shares = []
    for fleet in fleets:
        s = load_scenario(MEDICAL, [f"medical.evacuation.0.assets={fleet}"]).scenario
        shares.append(np.array([run_replication(s, 2024, i).metrics["t1_surgery_1h_share"] for i in range(40)]))
    for fewer, more in itertools.pairwise(shares):
        diff = np.nan_to_num(more) - np.nan_to_num(fewer)
        se = diff.std(ddof=1) / math.sqrt(len(diff))
        assert diff.mean() > 3 * se, (diff.mean(), se)


@pytest.mark.parametrize("n", [1, 2, 5, 37])
def test_p90_matches_numpys_default_percentile(n):
    xs = list(np.random.default_rng(n).exponential(30.0, n))
    assert medical._p90(xs) == pytest.approx(np.percentile(xs, 90) / 60.0, rel=1e-12)


def test_shared_lift_contention_shows_in_the_metrics(load):
    """A helicopter tied up by a five-hour order keeps casualties waiting; idle, it keeps nobody waiting."""
    one = SCARCE_LIFT.replace(
        "arrivals: [{place: camp, per_hour: 0.9}]", "mass_casualties: [{at: 1h, place: camp, count: 1}]"
    )
    busy = one.replace(
        "medical:", "phases:\n  - id: tasked\n    orders: [{unit: h1, do: wait, duration: 5h}]\nmedical:"
    )
    idle = SCARCE_LIFT.replace(
        "arrivals: [{place: camp, per_hour: 0.9}]", "mass_casualties: [{at: 6h, place: camp, count: 1}]"
    )
    waited = run_replication(load(busy), 1).metrics["medevac_asset_wait_h.h1"]
    # hurt at 1 h, at the aid post's door a minute or so later (treatment: Exp, mean 1 min); h1 is free at 5 h
    assert 3.8 < waited < 4.0
    assert run_replication(load(idle), 1).metrics["medevac_asset_wait_h.h1"] == 0.0


@pytest.mark.parametrize(("base", "slope"), [(0.065, 0.08), (0.5, 0.0)])
def test_time_to_death_follows_the_stated_hazard(base, slope):
    """P(dead by t) = 1 − exp(−(b·t + s·t²/2)), t in hours, checked at 1, 2 and 4 h within 4 standard errors."""
    s = load_scenario(
        MEDICAL, [f"medical.hazard.T1.base_per_h={base}", f"medical.hazard.T1.slope_per_h2={slope}"]
    ).scenario
    world = build_world(s, 1)
    ms = medical.state(world)
    stream = world.streams["test:hazard"]
    n = 20_000
    deaths = np.array([ms._time_to_death("T1", stream) for _ in range(n)]) / 60.0
    for t in (1.0, 2.0, 4.0):
        p = 1 - math.exp(-(base * t + slope * t * t / 2))
        assert abs((deaths <= t).mean() - p) <= 4 * math.sqrt(p * (1 - p) / n)


# T1 casualties only, at a place 20 minutes' carry from its aid station; nobody dies of wounds
POI = """\
scenario: {{name: poi, duration: 20d}}
map:
  places:
    camp: {{kind: training_area, lat: 43.5, lon: 51.3}}
sides:
  blue: {{}}
units:
  - {{id: coy, type: inf, side: blue, at: camp}}
unit_types:
  inf: {{strength: 100}}
medical:
  dnbi_per_1000_per_day: 0
  triage_mix: {{combat: {{T1: 1.0}}}}
  hazard: {{}}
  first_aid: {first_aid}
  arrivals: [{{place: camp, per_hour: 2}}]
  facilities:
    - {{id: aid, role: 1, at: camp, teams: 50, treatment: 10min, carry: 20min}}
"""


@pytest.mark.parametrize("mean_min", [0, 3, 10])
def test_the_10_of_10_1_2_measures_care_at_the_point_of_injury(load, mean_min):
    """The Role 1 is 20 min away, so nobody reaches it within 10 min; self-aid, buddy aid and the medic come
    after Exp(mean) minutes: a share 1 - exp(-10/mean) within 10 min (about 960 T1 casualties a run)."""
    m = run_replication(load(POI.format(first_aid=f"{mean_min}min")), 3).metrics
    expected = 1.0 if mean_min == 0 else 1 - math.exp(-10 / mean_min)
    n = m["casualties.T1"]
    assert n > 800
    assert abs(m["t1_care_10min_share"] - expected) <= 4 * math.sqrt(expected * (1 - expected) / n) + 1e-12


def test_time_in_chain_throughput_and_triage_waits_match_m_m_c(load):
    """One stage, M/M/2 with lambda = 1/h and a 60-min mean treatment (rho = 0.5), nobody dies: a casualty's
    time in the chain is Wq + 1/mu (Erlang C), the throughput lambda a day, and T2's wait is the stage's."""
    lam, c, mean_h = 1.0, 2, 1.0
    s = load(chain(lam, 30, (c, mean_h * 60)))
    runs = [run_replication(s, 5, i).metrics for i in range(8)]
    wq = erlang_c_wait(lam, 1 / mean_h, c)
    ok, got, se = within([r["time_in_chain_h"] for r in runs], wq + mean_h)
    assert ok, (got, wq + mean_h, se)
    ok, got, se = within([r["throughput_per_day"] for r in runs], 24 * lam)
    assert ok, (got, 24 * lam, se)
    for r in runs:
        assert r["triage_wait_h.T2"] == r["wait_h.s0"]  # every casualty is T2 here
        assert r["triage_time_in_chain_h.T2"] == r["time_in_chain_h"]
        assert math.isnan(r["triage_wait_h.T1"]) and math.isnan(r["triage_time_in_chain_h.T3"])


@pytest.mark.parametrize(
    ("after", "hit"), [(10.0, True), (math.nextafter(10.0, math.inf), False), (math.nextafter(10.0, 0), True)]
)
def test_the_care_window_includes_its_exact_end(after, hit):
    """10-1-2 counts care within 10 minutes: at exactly 10 it is in time, a hair later it is not."""
    c = medical.Casualty(0, "combat", "T1", "camp", 0.0, math.inf, first_aid=after, outcome="evacuated")
    assert medical._share([c], "first_aid", 10, now=60.0) == (1.0 if hit else 0.0)


def test_a_milestone_still_to_come_is_not_counted_yet():
    """Care at the point of injury is drawn ahead: at 5 min, care due at 8 is neither a hit nor a miss yet."""
    c = medical.Casualty(0, "combat", "T1", "camp", 0.0, math.inf, first_aid=8.0)
    assert math.isnan(medical._share([c], "first_aid", 10, now=5.0))
    assert medical._share([c], "first_aid", 10, now=8.0) == 1.0
