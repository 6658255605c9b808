"""Casualty sources: arrivals that start, stop, decay or step; deaths at the scene; causes other than combat;
DNBI by group; and effects whose duration is drawn (issue 30, items 5 and 7)."""

from __future__ import annotations

import math

import pytest

from sim.check import load_scenario
from sim.config.distributions import Triangular, Uniform
from sim.errors import ScenarioError
from sim.experiment import build_world, run_replication
from sim.models import medical
from tests.conftest import REPO

# One place, one aid station with plenty of teams, nobody dies of wounds: every arrival is counted.
BASE = """\
scenario: {{name: sources, duration: {duration}}}
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
  triage_mix: {{quake: {{T2: 0.5, T3: 0.5}}}}
  hazard: {{}}
  facilities:
    - {{id: aid, role: 1, at: camp, teams: 1000, treatment: 1min}}
{extra}
"""


def scenario(load, extra: str, duration: str = "2d", *overrides: str):
    return load(BASE.format(duration=duration, extra=extra), *overrides)


def injured(s, reps: int, seed: int = 7) -> list[list[float]]:
    """The injury times (minutes) of every casualty, per replication."""
    out = []
    for i in range(reps):
        world = build_world(s, seed, i)
        world.run()
        out.append([c.injured for c in medical.state(world).casualties])
    return out


def poisson_ok(count: int, mean: float, k: float = 4.0) -> bool:
    """Is a Poisson count within k standard deviations (sqrt of the mean) of its mean?"""
    return abs(count - mean) <= k * math.sqrt(mean)


# --- arrivals: from, until, a decaying rate, steps ----------------------------------------------------------


def test_a_decaying_stream_brings_the_integral_of_its_rate_between_from_and_until(load):
    s = scenario(
        load, "  arrivals: [{place: camp, cause: quake, per_hour: 6, from: H+2, until: H+26, profile: {decay_h: 12}}]"
    )
    runs = injured(s, 20)
    times = [t for run in runs for t in run]
    assert min(times) >= 120 and max(times) < 26 * 60  # none before from, none from until on
    # Lambda = per_hour * decay_h * (1 - exp(-24 h / 12 h)) = 62.3 a replication (a steady rate would give 144)
    expected = 6 * 12 * (1 - math.exp(-2))
    assert poisson_ok(len(times), 20 * expected), (len(times), 20 * expected)
    # the first 12 h alone against the integral over them: per_hour * decay_h * (1 - exp(-1))
    first = sum(1 for t in times if t < 14 * 60)
    assert poisson_ok(first, 20 * 6 * 12 * (1 - math.exp(-1))), first


def test_steps_change_the_rate_at_their_times(load):
    s = scenario(
        load,
        "  arrivals: [{place: camp, cause: quake, per_hour: 1,\n"
        "              steps: [{at: H+4, per_hour: 5}, {at: H+10, per_hour: 0}]}]",
        "1d",
    )
    times = [t for run in injured(s, 20) for t in run]
    windows = [(0, 4, 1.0), (4, 10, 5.0), (10, 24, 0.0)]  # hours from, to, rate per hour
    for lo, hi, rate in windows:
        n = sum(1 for t in times if lo * 60 <= t < hi * 60)
        if rate == 0:
            assert n == 0, (lo, hi, n)
        else:
            assert poisson_ok(n, 20 * rate * (hi - lo)), (lo, hi, n, 20 * rate * (hi - lo))


def test_the_cost_estimate_counts_the_arrivals_of_the_window_only(load):
    s = scenario(
        load,
        "  arrivals: [{place: camp, cause: quake, per_hour: 6, from: H+2, until: H+26, profile: {decay_h: 12}},\n"
        "             {place: camp, cause: quake, per_hour: 1,\n"
        "              steps: [{at: H+4, per_hour: 5}, {at: H+10, per_hour: 0}]}]",
    )
    decay, steps = s.medical.arrivals
    assert decay.expected(s.scenario.duration) == pytest.approx(6 * 12 * (1 - math.exp(-2)))
    assert steps.expected(s.scenario.duration) == pytest.approx(4 * 1 + 6 * 5)
    assert steps.expected(5 * 60) == pytest.approx(4 * 1 + 1 * 5)


@pytest.mark.parametrize(
    ("arrivals", "words"),
    [
        ("{place: camp, cause: quake, per_hour: 1, from: H+6, until: H+2}", "until must be after from"),
        (
            "{place: camp, cause: quake, per_hour: 1, profile: {decay_h: 3}, steps: [{at: 1h, per_hour: 2}]}",
            "give profile (a decaying rate) or steps, not both",
        ),
        (
            "{place: camp, cause: quake, per_hour: 1, steps: [{at: 5h, per_hour: 2}, {at: 3h, per_hour: 1}]}",
            "steps must be in order of time",
        ),
    ],
)
def test_arrivals_that_cannot_be_are_refused_with_their_line(load, arrivals, words):
    with pytest.raises(ScenarioError) as e:
        scenario(load, f"  arrivals: [{arrivals}]")
    assert words in str(e.value) and ":" in str(e.value).split(" ")[0]


# --- causes other than combat -------------------------------------------------------------------------------


def test_a_chain_with_no_combat_needs_no_combat_triage_mix(load):
    s = scenario(load, "  arrivals: [{place: camp, cause: quake, per_hour: 1}]")  # one side: nobody fights
    assert "combat" not in s.medical.triage_mix
    assert run_replication(s, 1, 0).metrics["casualties"] > 0


def test_a_chain_where_two_sides_may_fight_still_needs_a_combat_triage_mix(load):
    text = BASE.format(duration="1d", extra="").replace(
        "  - {id: coy, type: inf, side: blue, at: camp}",
        "  - {id: coy, type: inf, side: blue, at: camp}\n  - {id: foe, type: inf, side: red, at: camp}",
    )
    text = text.replace("  blue: {}", "  blue: {}\n  red: {}")
    with pytest.raises(ScenarioError) as e:
        load(text)
    assert "a triage_mix for cause combat is needed" in str(e.value)


# --- deaths at the scene -----------------------------------------------------------------------------------


def test_killed_at_the_scene_never_enter_the_chain_and_are_counted(load):
    s = scenario(load, "  mass_casualties: [{at: H+1, place: camp, cause: quake, count: 1000, killed_at_scene: 0.1}]")
    m = run_replication(s, 3, 0).metrics
    assert m["casualties"] + m["died_at_scene"] == 1000
    # binomial(1000, 0.1): mean 100, sd 9.5
    assert abs(m["died_at_scene"] - 100) <= 4 * math.sqrt(1000 * 0.1 * 0.9), m["died_at_scene"]


def test_arrivals_and_an_inject_may_kill_at_the_scene_too(load):
    extra = (
        "  arrivals: [{place: camp, cause: quake, per_hour: 20, until: H+10, killed_at_scene: 0.25}]\n"
        "injects:\n"
        "  - {id: blast, at: H+12, message: blast, effects: "
        "[{type: mass_casualty, place: camp, count: 400, cause: quake, killed_at_scene: 0.5}]}"
    )
    s = scenario(load, extra, "1d")
    world = build_world(s, 5, 0, trace=True)
    world.run()
    dead = [e["t"] for e in world.log.records if e["kind"] == "killed_at_scene"]
    before, blast = sum(1 for t in dead if t < 720), sum(1 for t in dead if t == 720)
    assert poisson_ok(before, 200 * 0.25), before  # a thinned Poisson stream: mean 20 * 10 h * 0.25
    assert abs(blast - 200) <= 4 * math.sqrt(400 * 0.25), blast


def test_without_deaths_at_the_scene_the_metric_is_not_there_and_nothing_changes(load):
    plain = scenario(load, "  mass_casualties: [{at: H+1, place: camp, cause: quake, count: 50}]")
    none = scenario(load, "  mass_casualties: [{at: H+1, place: camp, cause: quake, count: 50, killed_at_scene: 0}]")
    assert "died_at_scene" not in run_replication(plain, 1, 0).metrics
    assert run_replication(plain, 1, 0).metrics == run_replication(none, 1, 0).metrics


def test_the_report_says_how_many_died_at_the_scene(load):
    from sim.experiment.stats import Summary
    from sim.present.families.medical import sentences
    from sim.present.i18n import language
    from sim.present.labels import Labels

    s = scenario(load, "  mass_casualties: [{at: H+1, place: camp, cause: quake, count: 50, killed_at_scene: 0.2}]")
    lang = language("en")
    metrics = run_replication(s, 1, 0).metrics
    summary = {k: Summary(1, v, 0.0, v, v, "count") for k, v in metrics.items()}
    said = " ".join(sentences(summary, "blue", Labels(s, lang), lang))
    assert f"On average {summary['died_at_scene'].mean:.0f} people died at the scene" in said


# --- DNBI by group -----------------------------------------------------------------------------------------

GROUPS = """\
scenario: {name: groups, duration: 10d}
map:
  places:
    port: {kind: port, lat: 43.5, lon: 51.3}
    field: {kind: training_area, lat: 43.5, lon: 51.31}
    camp: {kind: training_area, lat: 43.5, lon: 51.32}
sides:
  blue: {}
  displaced: {}
units:
  - {id: boats, type: boat, side: blue, at: port}
  - {id: coy, type: inf, side: blue, at: field}
  - {id: people, type: crowd, side: displaced, at: camp}
unit_types:
  boat: {strength: 5, personnel_per_element: 20}
  inf: {strength: 200}
  crowd: {strength: 1000, kill_rate_per_h: 0}
medical:
  triage_mix: {combat: {T3: 1.0}, dnbi: {T3: 1.0}}
  hazard: {}
  dnbi_per_1000_per_day: DNBI
  facilities:
    - {id: aid, role: 1, at: field, serves: [port, camp], teams: 1000, treatment: 1min}
"""


def by_place(s, reps: int) -> dict[str, int]:
    counts = {"port": 0, "field": 0, "camp": 0}
    for i in range(reps):
        world = build_world(s, 11, i)
        world.run()
        for c in medical.state(world).casualties:
            counts[c.place] += 1
    return counts


def test_each_group_falls_ill_at_its_own_rate(load):
    s = load(GROUPS.replace("DNBI", "{crews: 100, troops: 25, civilians: 20, civilian_sides: [displaced]}"))
    counts = by_place(s, 4)
    # per replication over 10 days: crews 100 people * 0.1/day = 100, troops 200 * 0.025 = 50, civilians 1000 * 0.02
    for place, mean in (("port", 100), ("field", 50), ("camp", 200)):
        assert poisson_ok(counts[place], 4 * mean), (place, counts[place], 4 * mean)


def test_one_rate_written_per_group_gives_the_same_run_as_one_rate(load):
    one = load(GROUPS.replace("DNBI", "3"))
    each = load(GROUPS.replace("DNBI", "{crews: 3, troops: 3, civilians: 3, civilian_sides: [displaced]}"))
    assert run_replication(one, 2, 0).metrics == run_replication(each, 2, 0).metrics


def test_a_group_not_named_keeps_the_planning_rate(load):
    s = load(GROUPS.replace("DNBI", "{civilians: 2}"))
    g = s.medical.dnbi_groups
    assert (g.crews, g.troops, g.civilians) == (0.25, 0.25, 2.0)


def test_a_shipped_scenario_keeps_one_rate_for_everyone():
    s = load_scenario(REPO / "scenarios" / "medical_chain.yaml").scenario
    g = s.medical.dnbi_groups
    assert g.crews == g.troops == g.civilians == s.medical.dnbi_per_1000_per_day


# --- effects whose duration is drawn -----------------------------------------------------------------------

DRAWN = """\
scenario: {{name: drawn, duration: 2d}}
map:
  places:
    a: {{kind: port, lat: 43.5, lon: 51.3}}
    b: {{kind: port, lat: 43.6, lon: 51.3}}
  routes:
    - {{id: road, from: a, to: b, mode: land, distance_km: 10}}
sides:
  blue: {{}}
units:
  - {{id: coy, type: inf, side: blue, at: a}}
unit_types:
  inf: {{strength: 10}}
injects:
  - {{id: quake, at: H+1, message: aftershock, effects: [{{type: close_routes, routes: [road], for: {lasting}}}]}}
"""


def closed_for_h(s, reps: int) -> list[float]:
    out = []
    for i in range(reps):
        world = build_world(s, 9, i, trace=True)
        world.run()
        (t_open,) = [e["t"] for e in world.log.records if e["kind"] == "route_open"]
        out.append((t_open - 60) / 60)
    return out


def test_a_range_of_durations_is_drawn_uniformly_between_its_ends(load):
    s = load(DRAWN.format(lasting="'4h..8h'"))
    (effect,) = s.injects[0].effects
    assert effect.for_ == Uniform(distribution="uniform", min=240, max=480)
    hours = closed_for_h(s, 40)
    assert all(4 <= h <= 8 for h in hours) and len(set(hours)) == 40
    # uniform on [4, 8]: mean 6 h, sd 4 / sqrt(12) = 1.15 h; the mean of 40 within 4 standard errors
    assert abs(sum(hours) / 40 - 6) <= 4 * (4 / math.sqrt(12)) / math.sqrt(40)


def test_a_distribution_object_is_drawn_from_its_own_stream(load):
    s = load(DRAWN.format(lasting="{distribution: triangular, min: 2h, mode: 3h, max: 10h}"))
    assert isinstance(s.injects[0].effects[0].for_, Triangular)
    hours = closed_for_h(s, 40)
    assert all(2 <= h <= 10 for h in hours)
    # triangular mean (2 + 3 + 10) / 3 = 5 h, variance (4 + 9 + 100 - 6 - 20 - 30) / 18
    se = math.sqrt((4 + 9 + 100 - 6 - 20 - 30) / 18 / 40)
    assert abs(sum(hours) / 40 - 5) <= 4 * se
    # the same seed and replication: the same draw
    assert closed_for_h(s, 3) == hours[:3]


def test_a_fixed_duration_draws_nothing(load):
    s = load(DRAWN.format(lasting="6h"))
    assert closed_for_h(s, 3) == [6.0, 6.0, 6.0]


@pytest.mark.parametrize(
    ("lasting", "words"),
    [("'8h..4h'", "the first end of a range must be shorter"), ("'4h..soon'", "is not a range of durations")],
)
def test_a_range_that_is_not_one_is_refused(load, lasting, words):
    with pytest.raises(ScenarioError) as e:
        load(DRAWN.format(lasting=lasting))
    assert words in str(e.value)


def test_the_yaml_of_the_casualties_page_is_valid():
    """Each snippet of docs/casualties.md validates against the schema part it shows."""
    import re
    from datetime import datetime

    from sim.config.daylight import Daylight
    from sim.config.exercise import Inject
    from sim.config.medical import Medical
    from sim.config.yamlsafe import read_text

    text = (REPO / "docs" / "casualties.md").read_text()
    blocks = [read_text(b).data for b in re.findall(r"```yaml\n(.*?)```", text, re.S)]
    assert len(blocks) == 5
    context = {"start": datetime(2024, 7, 12, 4, 0)}
    for block in blocks:
        if "medical" in block:
            Medical.model_validate(block["medical"], context=context)
        elif "scenario" in block:
            Daylight.model_validate(block["scenario"]["daylight"])
        else:
            (inject,) = block["injects"]
            Inject.model_validate(inject, context=context)


@pytest.mark.parametrize(
    ("lang", "lasting", "words"),
    [
        ("en", "'4h..8h'", "routes closed: road, for 4 h 00 min to 8 h 00 min"),
        ("ru", "'4h..8h'", "на срок от 4 ч 00 мин до 8 ч 00 мин"),
        ("en", "{distribution: triangular, min: 2h, mode: 3h, max: 10h}", ", for 5 h 00 min on average"),
    ],
)
def test_the_msel_says_how_long_a_drawn_effect_lasts(load, lang, lasting, words):
    from sim.present.i18n import language
    from sim.present.labels import Labels
    from sim.present.msel import effect_words

    s = load(DRAWN.format(lasting=lasting))
    said = effect_words(s.injects[0].effects[0], Labels(s, language(lang)))
    assert words in said, said
