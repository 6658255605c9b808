"""A side's break is per place: losing one fight breaks the side there, and the side as a whole only when
every part of it that could fight has broken. Phases and triggers waiting on a side's break wait for that."""

from __future__ import annotations

import pytest

from sim.experiment.runner import build_world

# red holds a hill and an isle; blue takes the hill first, then (a phase after) the isle.
# blue outnumbers red ten to one at each place, so each fight ends with red broken there.
TWO_PLACES = """\
scenario: {name: two, duration: 2d, seed: 1}
unit_types:
  inf: {strength: 100, speed_kmh: {land: 5}, kill_rate_per_h: 6.0}
  foe: {strength: 10, kill_rate_per_h: 0.5}
  boat: {strength: 1, personnel_per_element: 4, speed_kmh: {sea: 20}}
map:
  places:
    camp: {kind: training_area, lat: 43.0, lon: 51.0}
    hill: {kind: objective, lat: 43.01, lon: 51.0}
    isle: {kind: objective, lat: 43.02, lon: 51.0}
  routes:
    - {from: camp, to: hill, mode: land, distance_km: 1}
    - {from: hill, to: isle, mode: land, distance_km: 1}
sides:
  blue: {break_fraction: 0.3}
  red: {break_fraction: 0.3}
units:
  - {id: b1, type: inf, side: blue, at: camp}
  - {id: r1, type: foe, side: red, at: hill}
  - {id: r2, type: foe, side: red, at: isle}
  - {id: rb, type: boat, side: red, at: isle}
phases:
  - id: hill
    orders: [{unit: b1, do: assault, target: hill}]
  - id: isle
    after: [hill]
    start: 6h
    orders: [{unit: b1, do: assault, target: isle}]
  - id: exploit
    when: {broken: red}
    orders: [{unit: b1, do: wait, duration: 1h}]
combat: {mode: deterministic}
"""


def signals(world) -> dict[str, float]:
    return {e["name"]: e["t"] for e in world.log.records if e["kind"] == "signal"}


def test_a_side_broken_at_one_place_is_not_broken_while_another_part_fights_on(load):
    world = build_world(load(TWO_PLACES), 1, trace=True)
    world.run()
    sig = signals(world)
    at_hill, at_isle = sig["broken:red@hill"], sig["broken:red@isle"]
    assert at_hill < 6 * 60 < at_isle  # the hill falls before the second assault starts at H+6
    # red as a whole breaks only when its isle garrison does (its boat cannot fight and does not count)
    assert sig["broken:red"] == at_isle
    whole = next(e for e in world.log.records if e["kind"] == "signal" and e["name"] == "broken:red")
    assert whole["place"] == "isle"  # the story says where the last part broke
    starts = {e["phase"]: e["t"] for e in world.log.records if e["kind"] == "phase_start"}
    assert starts["exploit"] == pytest.approx(at_isle)


def test_an_inject_waiting_on_a_side_break_fires_when_the_whole_side_has_broken(load):
    text = TWO_PLACES + "injects:\n  - {id: surrender, when: {broken: red}, message: {en: x, ru: x}}\n"
    world = build_world(load(text), 1, trace=True)
    world.run()
    fired = [e["t"] for e in world.log.records if e["kind"] == "inject" and e.get("id") == "surrender"]
    assert fired == [pytest.approx(signals(world)["broken:red@isle"])]


def test_a_side_with_one_fighting_part_breaks_as_a_whole_where_it_breaks(load):
    text = TWO_PLACES.replace("  - {id: r2, type: foe, side: red, at: isle}\n", "")
    text = text.replace(
        "    orders: [{unit: b1, do: assault, target: isle}]", "    orders: [{unit: b1, do: wait, duration: 1h}]"
    )
    world = build_world(load(text), 1, trace=True)
    world.run()
    sig = signals(world)
    assert sig["broken:red"] == sig["broken:red@hill"]
