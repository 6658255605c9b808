"""Deterministic engagements are exact at any time: stopped mid-fight, struck, reinforced.

References are the square-law closed forms, computed here: with equal-footing kill rates a (A's) and
b (B's) per minute, w = √(ab),

    A(t) = A0 cosh(wt) − √(b/a) B0 sinh(wt),    B(t) = B0 cosh(wt) − √(a/b) A0 sinh(wt).
"""

from __future__ import annotations

import math

import pytest

from sim.check import load_scenario
from sim.experiment import build_world, run_replication
from sim.models import combat
from tests.conftest import duel_yaml

WALK = 3 / 6 * 60  # the duel's attacker walks 3 km at 6 km/h before the fight starts


def square(a0: float, b0: float, a: float, b: float, t: float) -> tuple[float, float]:
    w = math.sqrt(a * b)
    return (
        a0 * math.cosh(w * t) - math.sqrt(b / a) * b0 * math.sinh(w * t),
        b0 * math.cosh(w * t) - math.sqrt(a / b) * a0 * math.sinh(w * t),
    )


def test_duel_stopped_at_60_min_reports_the_closed_form(write):
    """100 v 80 at 0.6 kills per element-hour each, stopped after 60 minutes of fighting: 67.61 and 31.17."""
    s = load_scenario(write(duel_yaml(100, 80, 0.6, 0.6, mode="deterministic", duration=f"{WALK + 60}min"))).scenario
    m = run_replication(s, seed=1).metrics
    a, b = square(100, 80, 0.01, 0.01, 60)
    assert (round(a, 2), round(b, 2)) == (67.61, 31.17)  # the figures, from the closed form
    assert m["survivors.blue"] == pytest.approx(a, abs=1e-3)
    assert m["survivors.red"] == pytest.approx(b, abs=1e-3)
    assert m["killed.red"] + m["wounded.red"] == pytest.approx(80 - b, abs=1e-3)
    assert m["secured.hill"] == 0.0


def test_losses_flow_while_the_fight_goes_on(write):
    """Strengths move at every integration step, not in one lump when the fight ends."""
    s = load_scenario(write(duel_yaml(100, 80, 0.6, 0.6, mode="deterministic"))).scenario
    world = build_world(s, 1, trace=True)
    world.run(until=WALK + 60)
    red = world.units["r1"]
    before = red.strength  # as of the last integration step, without bringing it up to now
    combat.sync(world)
    _, b = square(100, 80, 0.01, 0.01, 60)
    assert red.strength == pytest.approx(b, abs=1e-3)
    assert b <= before < 80  # the fight had already taken its toll step by step
    times = [e["t"] for e in world.log.records if e["kind"] == "losses" and e["unit"] == "r1"]
    assert len(times) >= 5 and times[0] < WALK + 30  # many small lumps, the first early in the fight


STRIKE = """\
scenario: {name: strike, duration: 100min, seed: 1}
unit_types:
  blue_inf: {strength: 100, kill_rate_per_h: 0.6, speed_kmh: {land: 6}}
  red_inf:  {strength: 80, kill_rate_per_h: 0.6}
  gun:
    strength: 1
    personnel_per_element: 20
    speed_kmh: {sea: 30}
    fire_support: {cycle_min: 30, kill_prob: 0.2, range_km: 20}
map:
  places:
    start: {kind: training_area, lat: 43.5, lon: 51.3}
    hill:  {kind: objective, lat: 43.51, lon: 51.3}
    bay:   {kind: anchorage, lat: 43.52, lon: 51.31}
  routes:
    - {from: start, to: hill, mode: land, distance_km: 3}
    - {from: bay, to: hill, mode: sea, distance_km: 2}
sides:
  blue: {break_fraction: 0}
  red: {break_fraction: 0}
units:
  - {id: b1, type: blue_inf, side: blue, at: start}
  - {id: r1, type: red_inf, side: red, at: hill}
  - {id: pb, type: gun, side: blue, at: bay}
phases:
  - id: attack
    orders: [{unit: b1, do: assault, target: hill}]
  - id: guns
    start: 50min
    orders: [{unit: pb, do: fire_support, target: hill, sorties: 2}]
combat: {mode: deterministic, suppression_factor: 1.0}
"""


def test_two_sortie_strike_matches_the_piecewise_closed_form(load):
    """The fight starts at 30 min; strikes at 50 and 80 min each take a share p of the defenders present."""
    s = load(STRIKE)
    p, k = 0.2, 0.01
    a, b = square(100, 80, k, k, 20)  # 30 -> 50 min
    b *= 1 - p
    a, b = square(a, b, k, k, 30)  # 50 -> 80 min
    b *= 1 - p
    a, b = square(a, b, k, k, 20)  # 80 -> 100 min
    m = run_replication(s, seed=1).metrics
    assert m["sorties.pb"] == 2
    assert m["survivors.blue"] == pytest.approx(a + 20, abs=1e-6)  # and the gunboat's crew of 20, unhurt
    assert m["survivors.red"] == pytest.approx(b, abs=1e-6)


def test_reinforcement_joins_at_the_strength_of_the_moment(load):
    """A second company joins 20 min into the fight: the attackers' strength jumps by 100 from A(20)."""
    text = STRIKE.replace(
        "  - {id: pb, type: gun, side: blue, at: bay}\n",
        "  - {id: pb, type: gun, side: blue, at: bay}\n  - {id: b2, type: blue_inf, side: blue, at: start}\n",
    ).replace(
        "orders: [{unit: pb, do: fire_support, target: hill, sorties: 2}]",
        "orders: [{unit: b2, do: assault, target: hill}]",
    )
    s = load(text, "phases.1.start=20min", "scenario.duration=70min")
    a, b = square(100, 80, 0.01, 0.01, 20)  # 30 -> 50 min (b2 sets off at 20, walks 30)
    a, b = square(a + 100, b, 0.01, 0.01, 20)  # 50 -> 70 min
    world = build_world(s, 1)
    world.run()
    combat.sync(world)
    blue = world.units["b1"].strength + world.units["b2"].strength
    assert blue == pytest.approx(a, abs=1e-6)
    assert world.units["r1"].strength == pytest.approx(b, abs=1e-6)


def test_a_strike_hits_by_the_defence_factor_and_the_targets_protection(load):
    """One sortie, no fight: a fortified defender (factor 0.5) with protection 2 loses 80 x 0.2 x 0.5 / 2."""
    text = STRIKE.replace(
        "  red_inf:  {strength: 80, kill_rate_per_h: 0.6}", "  red_inf:  {strength: 80, protection: 2}"
    )
    text = text.replace(
        "hill:  {kind: objective, lat: 43.51, lon: 51.3}",
        "hill:  {kind: objective, lat: 43.51, lon: 51.3, defence: fortified}",
    )
    text = text.replace("sorties: 2}", "sorties: 1}").replace(
        "orders: [{unit: b1, do: assault, target: hill}]", "orders: [{unit: b1, do: wait, duration: 1h}]"
    )
    world = build_world(load(text), 1)
    world.run()
    assert world.units["r1"].strength == pytest.approx(80 * (1 - 0.2 * 0.5 / 2), abs=1e-9)
