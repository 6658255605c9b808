"""Full facilities: turning away against M/M/c/K, diversion to the named alternative, blocking upstream,
and the scenario checks of the when_full rules."""

from __future__ import annotations

import math

import numpy as np
import pytest
from click.testing import CliRunner

from sim.check import load_scenario
from sim.cli import main
from sim.errors import ScenarioError
from sim.experiment import build_world, run_replication
from sim.models import medical
from tests.models.test_warmup import MMC

# The M/M/c chain of the warm-up tests with K beds that turn away whoever finds them all taken.
ONE_FACILITY = MMC.replace("treatment: {mean_min}min}}", "beds: {k}, when_full: turn_away, treatment: {mean_min}min}}")


def mmck_blocking(lam: float, mu: float, c: int, k: int) -> float:
    """P_K of M/M/c/K from its birth-death balance: p_n ∝ a^n/n! (n ≤ c), a^n/(c!·c^(n−c)) (c < n ≤ K), a = λ/μ."""
    a = lam / mu
    weights = [a**n / math.factorial(n) if n <= c else a**n / (math.factorial(c) * c ** (n - c)) for n in range(k + 1)]
    return weights[k] / sum(weights)


@pytest.mark.parametrize(
    ("lam_h", "c", "k", "mean_min"), [(2.0, 2, 4, 60.0), pytest.param(3.0, 3, 3, 50.0, marks=pytest.mark.slow)]
)
def test_turning_away_matches_mmck_blocking(load, lam_h, c, k, mean_min):
    """The share of arrivals turned away is P_K of M/M/c/K (PASTA: arrivals see the time-stationary state).

    Standard error: arrivals turned away in one run are correlated (a full facility turns away several in
    a row), so the binomial SE of the pooled count would be too small. Each replication uses its own
    random streams, so the R per-replication shares are independent estimates of P_K: their mean has
    SE = s/√R with s their sample standard deviation (independent replications as batch means). Each
    run is 40 days of ~50-70 arrivals a day; it starts empty, and the first day (many times the hours
    the start-up transient lasts) is a warm-up left out of the count. Power: P_K+1 (one bed more) is
    0.18 against 0.22 for the first case, about 15 SE away.
    """
    s = load(ONE_FACILITY.format(days=40, warmup=1, lam=lam_h, c=c, k=k, mean_min=mean_min))
    runs = [run_replication(s, 17, i).metrics for i in range(30)]
    shares = np.array([m["blocked_share.s0"] for m in runs])
    expected = mmck_blocking(lam_h, 60.0 / mean_min, c, k)
    se = shares.std(ddof=1) / math.sqrt(len(shares))
    assert abs(shares.mean() - expected) <= 4 * se, (shares.mean(), expected, se)
    assert se < 0.01  # the test has power: a rule off by one bed would be several SE away
    for m in runs:  # a casualty turned away leaves the chain: counted once, as blocked and as an outcome
        assert m["turned_away"] == m["blocked.s0"]
        assert m["turned_away"] + m["evacuated"] + m["in_care"] == m["casualties"]


# Two facilities at one place (or the alternative at a base, reached by helicopter); five casualties at once.
DIVERT = """\
scenario: {name: divert, duration: 1d}
unit_types:
  inf: {strength: 100}
  heli: {strength: 1, speed_kmh: {air: 200}, litters: 4, load_min: 5min, unload_min: 5min}
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
  triage_mix: {combat: {T2: 1.0}}
  hazard: {}
  mass_casualties: [{at: 1h, place: camp, count: 5}]
  facilities:
    - {id: aid, role: 1, at: camp, teams: 2, beds: 2, treatment: 20h, when_full: divert, divert_to: alt}
    - {id: alt, role: 1, at: camp, teams: 10, treatment: 20h}
    - {id: far, role: 2, at: base, teams: 10, treatment: 20h}
"""
DIVERT_FAR = DIVERT.replace("divert_to: alt", "divert_to: far") + "  evacuation:\n    - {to: far, assets: [h1]}\n"


def test_a_full_facility_diverts_to_the_named_alternative(load):
    """Two beds, five casualties at once: two are admitted, three go on to ``alt`` and are treated there."""
    world = build_world(load(DIVERT), 1, trace=True)
    world.run()
    m = medical.metrics(world)
    st = medical.state(world).stages
    assert (m["diverted.aid"], m["diverted_share.aid"]) == (3, 3 / 5)
    assert (st["aid"].arrivals, st["alt"].arrivals, st["far"].arrivals) == (2, 3, 0)
    diverted = [e for e in world.log.records if e["kind"] == "diverted"]
    assert [(e["facility"], e["to"]) for e in diverted] == [("aid", "alt")] * 3
    assert "diverted.alt" not in m and "blocked.aid" not in m  # only the rules a facility has are measured


def test_diversion_elsewhere_goes_by_the_evacuation_leg_into_the_alternative(load):
    world = build_world(load(DIVERT_FAR), 1, trace=True)
    world.run()
    st = medical.state(world).stages
    assert (st["aid"].arrivals, st["alt"].arrivals, st["far"].arrivals) == (2, 0, 3)
    diverted = {e["id"] for e in world.log.records if e["kind"] == "diverted"}
    flown = [e for e in world.log.records if e["kind"] == "medevac"]
    assert len(diverted) == 3 and {i for e in flown for i in e["casualties"]} == diverted
    assert all(e["unit"] == "h1" and e["to"] == "far" for e in flown)
    for c in medical.state(world).casualties:  # a Role 2 reached by diversion counts as reaching a Role 2
        assert (c.role2 is not None) == (c.id in diverted)


# A Role 1 with beds to spare feeds a Role 2 of one bed, at the same place; three casualties at once.
BLOCK = DIVERT.replace(
    """    - {id: aid, role: 1, at: camp, teams: 2, beds: 2, treatment: 20h, when_full: divert, divert_to: alt}
    - {id: alt, role: 1, at: camp, teams: 10, treatment: 20h}
    - {id: far, role: 2, at: base, teams: 10, treatment: 20h}
""",
    """    - {id: aid, role: 1, at: camp, teams: 5, beds: 5, treatment: 1min, next: surg}
    - {id: surg, role: 2, at: camp, teams: 1, beds: 1, treatment: 100h, when_full: RULE}
""",
).replace("count: 5", "count: 3")


@pytest.mark.parametrize("rule", ["block", "queue"])
def test_blocking_keeps_the_bed_upstream(load, rule):
    """Block: the two who find surgery's one bed taken wait at the aid station in its beds; queue: they leave it.

    Treatment at the aid station takes a minute on average and surgery 100 h, so two hours after the
    casualties arrive surgery's bed is still taken (probability e^-0.02 for the draw of this seed).
    """
    world = build_world(load(BLOCK.replace("RULE", rule)), 3, trace=True)
    world.run(until=3 * 60)
    st = medical.state(world).stages
    held = 2 if rule == "block" else 0
    assert (st["aid"].beds_used, st["surg"].beds_used) == (held, 1)
    blocked = [e for e in world.log.records if e["kind"] == "blocked"]
    assert [e["facility"] for e in blocked] == ["surg"] * held
    m = medical.metrics(world)
    if rule == "block":
        assert (m["blocked.surg"], m["blocked_share.surg"]) == (2, 2 / 3)
    else:
        assert (
            "blocked.surg" not in m
        )  # queue, the default, measures no blocking (and shipped results stay as they were)


def test_blocking_at_the_first_facility_holds_the_casualty_at_the_point_of_injury(load):
    """A casualty held at the point of injury is not carried in until a bed is free: its care starts later."""
    text = DIVERT.replace("when_full: divert, divert_to: alt", "when_full: block, carry: 30min").replace(
        "treatment: 20h, when_full", "treatment: 2h, when_full"
    )
    world = build_world(load(text), 5, trace=True)
    world.run()
    cs = medical.state(world).casualties
    assert [c.care is not None for c in cs] == [True] * 5
    first = sorted(c.care - c.injured for c in cs)  # type: ignore[operator]
    assert first[:2] == [30.0, 30.0] and min(first[2:]) > 30.0  # two beds: three wait, then are carried 30 min
    assert medical.metrics(world)["blocked.aid"] == 3


@pytest.mark.parametrize(
    ("override", "field", "words"),
    [
        ("medical.facilities.0.divert_to=nowhere", "medical.facilities.0.divert_to", "unknown facility 'nowhere'"),
        ("medical.facilities.0.divert_to=aid", "medical.facilities.0.divert_to", "cannot divert casualties to itself"),
        ("medical.facilities.1.when_full=block", "medical.facilities.1.when_full", "needs beds"),
        ("medical.facilities.0.when_full=queue", "medical.facilities.0.divert_to", "only with when_full: divert"),
        ("medical.facilities.0.divert_to=far", "medical.facilities.0.divert_to", "add an evacuation leg"),
    ],
)
def test_check_rejects_a_bad_when_full_rule(load, override, field, words):
    with pytest.raises(ScenarioError) as e:
        load(DIVERT, override)
    assert any(p.field == field and words in p.message for p in e.value.problems), e.value.problems


def test_check_rejects_facilities_that_divert_round_in_a_cycle(load):
    with pytest.raises(ScenarioError) as e:
        load(
            DIVERT,
            "medical.facilities.1.beds=1",
            "medical.facilities.1.when_full=divert",
            "medical.facilities.1.divert_to=aid",
        )
    assert any("divert casualties round in a cycle" in p.message for p in e.value.problems)


def test_divert_without_divert_to_is_refused(load):
    with pytest.raises(ScenarioError) as e:
        load(DIVERT, "medical.facilities.0.divert_to=null")
    assert [(p.field, p.message) for p in e.value.problems] == [
        ("medical.facilities.0.when_full", "when_full: divert needs divert_to: (the facility that takes them instead)")
    ]


def test_exsim_check_names_the_line_of_an_unknown_divert_to(write):
    path = write(DIVERT.replace("divert_to: alt", "divert_to: alternative"))
    r = CliRunner().invoke(main, ["check", str(path)])
    assert r.exit_code == 2
    line = DIVERT.splitlines().index(next(x for x in DIVERT.splitlines() if "divert_to: alt" in x)) + 1
    col = DIVERT.splitlines()[line - 1].index("divert_to: alt") + len("divert_to: ") + 1
    assert r.stderr.strip() == (
        f"{path}:{line}:{col}: medical.facilities.0.divert_to: unknown facility 'alternative' (known: aid, alt, far)"
    )


def test_the_shipped_chain_with_full_rules_keeps_every_casualty_accounted_for():
    """medical_chain with a Role 2 of two beds under each rule: outcomes and the trace agree, no bed is over-used."""
    for rule in ("queue", "block", "turn_away", "divert"):
        sets = ["medical.facilities.1.beds=2", f"medical.facilities.1.when_full={rule}"]
        sets += ["medical.facilities.1.divert_to=role3_aktau"] if rule == "divert" else []
        s = load_scenario("medical_chain", sets).scenario
        world = build_world(s, 11, trace=True)
        world.run()
        m = medical.metrics(world)
        kinds = [e["kind"] for e in world.log.records]
        outcomes = [o for o in medical.OUTCOMES if o in m]
        assert sum(m[o] for o in outcomes) + m["in_care"] == m["casualties"]
        for o in outcomes:
            assert m[o] == kinds.count(o), (rule, o)
        st = medical.state(world).stages["role2_kuryk"]
        assert st.peak_beds <= 2
        if rule != "queue":
            name = "diverted" if rule == "divert" else "blocked"
            assert m[f"{name}.role2_kuryk"] > 0, rule  # 30 casualties at once: two beds are soon full
            assert (
                kinds.count({"divert": "diverted", "block": "blocked", "turn_away": "turned_away"}[rule])
                == m[f"{name}.role2_kuryk"]
            )


@pytest.mark.parametrize(
    ("lang", "told"),
    [
        ("en", "3 casualties find every bed at aid taken and are diverted to alt."),
        ("ru", "aid: все койки заняты, 3 раненых направлены на этап alt."),
    ],
)
def test_the_story_tells_a_diversion(load, lang, told):
    from sim.present.i18n import language
    from sim.present.story import Narrator

    s = load(DIVERT)
    lines = Narrator(s, language(lang)).feed(run_replication(s, 1, trace=True).events)
    medical_lines = [ln.text for ln in lines if ln.topic == "medical"]
    assert medical_lines.index(told) == 2  # after the mass-casualty incident and the five casualties' arrival
    assert [ln.t for ln in lines if ln.text == told] == [60.0]


@pytest.mark.parametrize(
    ("rule", "one", "many"),
    [
        (
            "block",
            "1 casualty finds every bed at surg taken and waits where it is.",
            "{n} casualties find every bed at surg taken and wait where they are.",
        ),
        (
            "turn_away",
            "1 casualty finds every bed at surg taken and is turned away untreated.",
            "{n} casualties find every bed at surg taken and are turned away untreated.",
        ),
    ],
)
def test_the_story_tells_casualties_held_or_turned_away(load, rule, one, many):
    """Two of the three casualties find surgery's one bed taken, as they leave the aid station (alone or together)."""
    from sim.present.i18n import language
    from sim.present.story import Narrator

    s = load(BLOCK.replace("RULE", rule))
    lines = [ln.text for ln in Narrator(s, language("en")).feed(run_replication(s, 3, trace=True).events)]
    told = lines.count(one) + 2 * lines.count(many.format(n=2))
    assert told == 2, lines
