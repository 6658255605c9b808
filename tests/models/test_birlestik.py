"""The flagship exercise, birlestik_2024: it runs, its invariants hold over seeds, its outcome is
uncertain at the default options, and its reserve decision changes it by more than its interval."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.check import load_scenario
from sim.cli import main
from sim.config.supply import SUPPLY_CLASSES
from sim.engine.geo import Map
from sim.experiment.runner import build_world, collect_metrics, run_replication
from sim.models.combat import crew
from sim.models.logistics import LogisticsState

FLAGSHIP = load_scenario("birlestik_2024").scenario


def test_the_exercise_has_what_the_issue_asks_for():
    s = FLAGSHIP
    coalition = [u for u in s.units if u.side == "coalition"]
    assert {u.nation for u in coalition} == {"AZE", "KAZ", "KGZ", "TJK", "UZB"}
    assert {c.nation for c in s.command.chains} == {"AZE", "KAZ", "KGZ", "TJK", "UZB"}
    people = sum(
        (u.strength or s.unit_types[u.type].strength) * s.unit_types[u.type].personnel_per_element for u in coalition
    )
    assert 800 <= people <= 1200, people
    types = {u.type for u in coalition}
    assert {"tank_platoon", "ifv_platoon", "fighter_aircraft", "landing_ship", "transport_helicopter"} <= types
    assert {"marine_infantry_company", "marine_sf_team"} <= types
    assert 8 <= len(s.injects) <= 15 and 2 <= len(s.decision_points) <= 3
    assert {"oymasha_ridge", "island"} <= {p for p, place in s.map.places.items() if place.kind == "objective"}
    assert s.supply_lines and s.medical.facilities


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), reserve=st.sampled_from(["hold", "commit"]))
def test_people_supplies_and_casualties_are_conserved(seed, reserve):
    s = load_scenario("birlestik_2024", [f"decisions.reserve={reserve}"]).scenario
    world = build_world(s, seed, trace=True)
    world.run()
    m = collect_metrics(world)
    reinforced: dict[str, float] = {}
    for e in world.log.records:
        if e["kind"] == "reinforce":
            reinforced[e["side"]] = reinforced.get(e["side"], 0) + e["n"]
    for side in s.sides:
        units = [(u.strength or s.unit_types[u.type].strength, s.unit_types[u.type]) for u in s.units if u.side == side]
        # soldiers and the crews of platforms (each a person in killed, wounded or survivors)
        people = sum(n * crew(t) for n, t in units) + reinforced.get(side, 0)
        total = m[f"killed.{side}"] + m[f"wounded.{side}"] + m[f"survivors.{side}"]
        assert total == pytest.approx(people, abs=1e-9)
    ls = world.services.get(LogisticsState)
    for cls in SUPPLY_CLASSES:
        start, end = ls.balance(cls)
        assert end == pytest.approx(start, rel=1e-9, abs=1e-6), cls
        assert all(d.level(cls) >= -1e-9 for d in ls.depots.values())
    outcomes = m["returned_to_duty"] + m["evacuated"] + m["died_of_wounds"] + m["in_care"]
    assert outcomes == m["casualties"] == sum(m[f"casualties.T{i}"] for i in range(1, 5))
    assert all(m[f"losses.{n}"] >= 0 for n in ("AZE", "KAZ", "KGZ", "TJK", "UZB"))


def _success(overrides: list[str], n: int = 100) -> list[float]:
    s = load_scenario("birlestik_2024", overrides).scenario
    shared = Map(s.map)
    return [run_replication(s, s.scenario.seed, i, map_=shared).metrics["mission_success"] for i in range(n)]


@pytest.mark.slow
def test_the_outcome_is_uncertain_and_the_reserve_decision_changes_it_beyond_its_interval():
    hold, commit = _success([]), _success(["decisions.reserve=commit"])
    n = len(hold)
    p = sum(hold) / n
    assert 0.3 <= p <= 0.9, p
    # replication i has the same seed under both options: the paired difference and its 95 % interval
    d = [c - h for c, h in zip(commit, hold, strict=True)]
    mean = sum(d) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in d) / (n - 1))
    half = 1.96 * sd / math.sqrt(n)
    assert mean > half, (mean, half)
    # and by more than the interval of the default's success itself (Wald half-width)
    assert mean > 1.96 * math.sqrt(p * (1 - p) / n)


def test_the_msel_lists_every_inject_and_decision_in_time_order_with_what_it_tests():
    r = CliRunner().invoke(main, ["check", "birlestik_2024", "--msel"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    start = lines.index(next(x for x in lines if x.startswith("MSEL of")))
    heads = [x for x in lines[start + 1 :] if x.startswith(("D+", "when "))]
    ids = [re.search(r"  (?:Inject|Decision) \((\w+)\):", x).group(1) for x in heads]
    assert sorted(ids) == sorted([i.id for i in FLAGSHIP.injects] + [d.id for d in FLAGSHIP.decision_points])
    timed = [i for i in [*FLAGSHIP.injects, *FLAGSHIP.decision_points] if i.at is not None]
    assert ids[: len(timed)] == [i.id for i in sorted(timed, key=lambda i: i.at)]
    assert "D+1 04:00  Inject (caspian_storm): A Caspian storm" in r.output
    assert "    tests: delivery trips on time (within the tolerance) at least 50 % (sea_line_on_time)" in r.output
    assert "    option: hold the reserve: keep the reserve at Kuryk" in r.output
    assert (
        "(taken unless the players decide otherwise)" in r.output.split("option: hold the reserve")[1].splitlines()[0]
    )
    assert " (secure_island): (" in r.output.split("Objectives and what tests them:")[1]


def test_the_exercise_control_page_commands_run(tmp_path, monkeypatch):
    import re
    import shlex

    from tests.cli.test_commands import quick
    from tests.conftest import REPO

    text = (REPO / "docs" / "exercise.md").read_text()
    lines = [x.split("#")[0].strip() for b in re.findall(r"```sh\n(.*?)```", text, re.S) for x in b.splitlines()]
    commands = [x for x in lines if x.startswith("exsim ")]
    assert len(commands) >= 3
    monkeypatch.chdir(tmp_path)
    for line in commands:
        r = CliRunner().invoke(main, quick(shlex.split(line)[1:]))
        assert r.exit_code == 0, (line, r.output, r.stderr)


def test_the_plan_shows_an_on_call_phase_waiting_for_its_decision():
    r = CliRunner().invoke(main, ["check", "--plan", "birlestik_2024"])
    assert r.exit_code == 0 and "reserve_landing: when decision reserve takes commit: an alternative" in r.output


# what a commander weighs at the flagship's decisions: lower is better for each
WEIGHED = (
    "time_to_secure_h.oymasha_ridge",
    "time_to_secure_h.island",
    "killed.coalition",
    "died_of_wounds",
    "casualties",
)


@pytest.mark.slow
@pytest.mark.parametrize(("point", "a", "b"), [("reserve", "hold", "commit"), ("air_support", "ridge", "island")])
def test_each_decision_is_a_dilemma(point, a, b):
    """A sweep of the two options with common random numbers (same seeds, paired replications): each option is
    better on at least one weighed metric and worse on another, beyond the 95 % interval of the paired difference."""
    n = 60
    runs = {}
    for opt in (a, b):
        s = load_scenario("birlestik_2024", [f"decisions.{point}={opt}"]).scenario
        shared = Map(s.map)
        runs[opt] = [run_replication(s, s.scenario.seed, i, map_=shared).metrics for i in range(n)]
    better_a = better_b = 0
    for k in WEIGHED:
        d = np.array([ra[k] - rb[k] for ra, rb in zip(runs[a], runs[b], strict=True)])
        d = d[~np.isnan(d)]
        half = 1.96 * d.std(ddof=1) / math.sqrt(len(d)) if len(d) > 1 else math.inf
        better_a += d.mean() + half < 0  # a lower than b beyond the interval
        better_b += d.mean() - half > 0
    assert better_a >= 1 and better_b >= 1, (point, better_a, better_b)
