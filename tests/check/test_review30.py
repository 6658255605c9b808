"""What a fresh-eyes review of issue 30 found `exsim check` accepting and the run then failing, or saying badly:
orders that wait for a sibling whose order can only come later, lifts from a ship with no deck or across decks,
a facility aboard an embarked unit, an unknown civilian side, an enemy aboard, a day-only unit in a polar night,
and a metric objective's errors that lost their field and the hint to quote a comma. Also: DNBI civilians from
the sides' posture, and is_platform defined once."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.config import lift
from sim.experiment import build_world
from sim.models import combat, medical


def _check(write, text: str):
    path = write(text)
    return path, CliRunner().invoke(main, ["check", str(path)])


def _refused(write, text: str, field: str, message: str) -> None:
    """check exits 2 with one line ``file:line:col: field: message`` (the message's start)."""
    path, r = _check(write, text)
    assert r.exit_code == 2, r.output
    lines = [ln for ln in r.stderr.splitlines() if f": {field}: " in ln]
    assert len(lines) == 1, r.stderr
    assert re.match(rf"^{re.escape(str(path))}:\d+:\d+: {re.escape(field)}: {re.escape(message)}", lines[0]), lines


def _accepted(write, text: str) -> str:
    _, r = _check(write, text)
    assert r.exit_code == 0, r.output
    return r.stderr


# --- with: a sibling whose order comes only after the waiting one's phase ------------------------------------

WITH = """\
scenario: {name: with, duration: 1d}
unit_types:
  inf: {strength: 100, speed_kmh: {land: 5}}
map:
  places:
    a: {kind: training_area, lat: 43.5, lon: 51.3}
    b: {kind: objective, lat: 43.6, lon: 51.2}
  routes:
    - {from: a, to: b, mode: land, distance_km: 10}
sides:
  blue: {}
units:
  - {id: u1, type: inf, side: blue, at: a}
  - {id: u2, type: inf, side: blue, at: a}
phases:
  - id: p1
    start: 0
    orders:
      - {unit: u1, do: move, to: b, with: [u2]}
  - id: p2
    AFTER
    orders:
      - {unit: u2, do: wait, duration: 1h}
  - id: p3
    after: p2
    orders:
      - {unit: u2, do: move, to: b}
"""


@pytest.mark.parametrize("after", ["after: p1", "after: [p1]"])
def test_check_refuses_a_sibling_that_goes_only_in_a_later_phase(write, after):
    """p3 comes after p2, which comes after p1: u2's move to b starts only once p1 has ended, and p1 ends only
    when u1's move (waiting for u2) is done. The run would wait for ever."""
    _refused(
        write,
        WITH.replace("AFTER", after),
        "phases.0.orders.0.with.0",
        "u2 goes to b only in phase p3, which starts after phase p1 ends: u1 would wait for it for ever",
    )


def test_check_accepts_a_sibling_whose_phase_can_run_alongside(write):
    """p2 starts at 30 min, not after p1: p3 (after p2) can start while p1 waits."""
    _accepted(write, WITH.replace("AFTER", "start: 30min"))


def test_the_phase_a_sibling_goes_in_can_start_the_wait_is_then_kept(load):
    """The accepted case runs: u1 waits for u2 and both reach b together (u2 ready at 1.5 h, 2 h's walk)."""
    world = build_world(load(WITH.replace("AFTER", "start: 30min")), 1, trace=True)
    world.run()
    arrive = {e["unit"]: e["t"] for e in world.log.records if e["kind"] == "arrive" and e["at"] == "b"}
    assert arrive == {"u1": pytest.approx(90 + 120), "u2": pytest.approx(90 + 120)}


# --- the hint to quote a comma, and the field, in a metric objective ----------------------------------------

OBJECTIVES = """\
scenario: {name: obj, duration: 1d}
unit_types:
  inf: {strength: 100}
map:
  places:
    a: {kind: objective, lat: 43.5, lon: 51.3}
sides:
  blue: {}
units:
  - {id: u1, type: inf, side: blue, at: a}
objectives:
  - {id: hold, kind: secure, place: a}
  - {id: few_losses, kind: metric, metric: killed.blue, at_most: 5, EXTRA}
"""


def test_an_unquoted_comma_in_a_metric_objectives_name_gets_the_hint(write):
    """The metric objective's own field metric: was taken for the union's tag metric: the errors read
    objectives.1.metric.* and had no hint."""
    _, r = _check(write, OBJECTIVES.replace("EXTRA", "name: {en: Losses, few, ru: Потери}"))
    assert r.exit_code == 2
    assert "objectives.1.metric" not in r.stderr
    assert (
        "objectives.1.name.few: 'few' is not allowed here; expected String should match pattern '^[a-z]{2}$' "
        "(is 'few' the rest of en's value, cut at a comma? In {...} a comma ends a value: quote it, "
        'en: "..., ...")'
    ) in r.stderr


def test_a_metric_objectives_new_field_is_named_by_its_own_path(write):
    """within: (issue 30) on a metric objective: the error is at objectives.1.within, on within's column."""
    text = OBJECTIVES.replace("EXTRA", "within: soon")
    path, r = _check(write, text)
    assert r.exit_code == 2
    line = text.splitlines().index("  - {id: few_losses, kind: metric, metric: killed.blue, at_most: 5, within: soon}")
    column = text.splitlines()[line].index("soon") + 1
    assert f"{path}:{line + 1}:{column}: objectives.1.within: 'soon' is not a time" in r.stderr


# --- ships: decks, cross-deck lifts, facilities aboard, enemies aboard ----------------------------------------

SHIPS = """\
scenario: {name: decks, duration: 1d}
unit_types:
  lhd: {strength: 1, speed_kmh: {sea: 30}, capacity_personnel: 400, deck_slots: 10,
        flight_deck: {spots: 1, cycle: 15min}, well_deck: {craft: 1, cycle: 30min}}
  lpd: {strength: 1, speed_kmh: {sea: 30}, capacity_personnel: 400, deck_slots: 10}
  helo: {strength: 1, speed_kmh: {air: 240}, capacity_personnel: 20, litters: 4, load_min: 10min, unload_min: 10min}
  craft: {strength: 1, speed_kmh: {sea: 20}, capacity_personnel: 100, load_min: 20min, unload_min: 20min}
  marines: {strength: 80, speed_kmh: {land: 4}}
map:
  places:
    sea: {kind: anchorage, lat: 54.0, lon: 14.0}
    beach: {kind: beach, lat: 54.1, lon: 14.3}
  routes:
    - {from: sea, to: beach, mode: sea, distance_km: 20}
    - {from: sea, to: beach, mode: air, distance_km: 20}
sides:
  blue: {}
  red: {}
  evacuees: {posture: civilian}
units:
  - {id: lhd-1, type: lhd, side: blue, at: sea}
  - {id: lpd-1, type: lpd, side: blue, at: sea}
  - {id: hel-1, type: helo, side: blue, aboard: HELO_SHIP}
  - {id: lcu-1, type: craft, side: blue, aboard: lhd-1}
  - {id: mar-1, type: marines, side: MAR_SIDE, aboard: MAR_SHIP}
phases:
  - {id: land, start: 1h, orders: [{unit: LIFTER, do: lift, units: [mar-1], to: beach}]}
medical:
  dnbi_per_1000_per_day: DNBI
  facilities:
    - {id: aid, role: 1, at: beach, treatment: 10min, next: ship}
    - {id: ship, role: 2, aboard: FACILITY_SHIP, treatment: 1h}
  evacuation:
    - {to: ship, assets: [hel-1]}
"""
FINE = {
    "HELO_SHIP": "lhd-1",
    "MAR_SHIP": "lhd-1",
    "LIFTER": "hel-1",
    "FACILITY_SHIP": "lhd-1",
    "MAR_SIDE": "blue",
    "DNBI": "0.25",
}


def ships(**changed: str) -> str:
    text = SHIPS
    for key, value in {**FINE, **changed}.items():
        text = text.replace(key, value)
    return text


def test_the_sea_base_as_written_is_accepted_and_lifts(write, load):
    _accepted(write, ships())
    world = build_world(load(ships()), 1, trace=True)
    world.run()
    assert [(e["unit"], e["at"]) for e in world.log.records if e["kind"] == "disembark"] == [("mar-1", "beach")]


def test_check_refuses_a_helicopter_lifting_from_a_ship_without_a_flight_deck(write):
    """hel-1 aboard lpd-1 (no flight_deck) is cargo there: the run fails its lift ("not at a place") and every
    evacuation; check says so, at the lift and at the evacuation leg."""
    text = ships(HELO_SHIP="lpd-1")
    message = "hel-1 starts aboard lpd-1, whose type lpd has no flight deck (flight_deck:): it cannot lift from there"
    _refused(write, text, "phases.0.orders.0.unit", message)
    _refused(write, text, "medical.evacuation.0.assets.0", message.replace("cannot lift", "cannot evacuate"))


def test_check_refuses_a_cross_deck_lift(write):
    """lcu-1 operates from lhd-1's well deck; mar-1 is aboard lpd-1: the run fails the lift ("not at lhd-1 for
    the lift by lcu-1")."""
    _refused(
        write,
        ships(LIFTER="lcu-1", MAR_SHIP="lpd-1"),
        "phases.0.orders.0.units.0",
        "mar-1 starts aboard lpd-1, and lcu-1 operates from lhd-1's deck: it lifts only units aboard lhd-1",
    )


def test_a_unit_an_order_embarks_first_is_not_judged_by_where_it_starts(write):
    text = ships(LIFTER="lcu-1", MAR_SHIP="lpd-1").replace(
        "phases:\n", "phases:\n  - {id: cross, start: 0h, orders: [{unit: mar-1, do: embark, on: lhd-1}]}\n"
    )
    _accepted(write, text)


def test_check_refuses_a_facility_aboard_an_embarked_unit(write):
    _refused(
        write,
        ships(FACILITY_SHIP="lcu-1"),
        "medical.facilities.1.aboard",
        "lcu-1 is itself aboard lhd-1: a facility goes aboard a unit not carried by another (aboard: lhd-1)",
    )


def test_check_refuses_an_enemy_aboard_and_accepts_evacuees(write):
    _refused(
        write,
        ships(MAR_SIDE="red"),
        "units.4.aboard",
        "mar-1 is on side red and lhd-1 on side blue: a transport carries only units of its own side",
    )
    _accepted(write, ships(MAR_SIDE="evacuees"))


def test_check_refuses_an_unknown_civilian_side(write):
    _refused(
        write,
        ships(DNBI="{civilians: 1, civilian_sides: [martians]}"),
        "medical.dnbi_per_1000_per_day.civilian_sides.0",
        "unknown side 'martians'",
    )


# --- a day-only unit with no daylight in the run ---------------------------------------------------------------

POLAR = """\
scenario: {name: polar, start: 2024-12-12T04:00, duration: 2d, daylight: {utc_offset_h: 0, lat: LAT}}
map:
  places:
    a: {kind: airfield, lat: 43.0, lon: 51.2}
    b: {kind: objective, lat: 43.1, lon: 51.2}
  routes:
    - {from: a, to: b, mode: air, distance_km: 11}
sides:
  blue: {}
units:
  - {id: h, type: heli, side: blue, at: a}
unit_types:
  heli: {strength: 1, speed_kmh: {air: 220}, night: false}
phases:
  - {id: go, start: H+1, orders: [{unit: h, do: move, to: b}]}
"""


def test_check_warns_of_a_day_only_unit_in_a_polar_night(write, load):
    """At 89° N in December the sun does not rise until March: the helicopter waits past the run's end."""
    said = _accepted(write, POLAR.replace("LAT", "89"))
    assert (
        "units.0.type: warning: h works only by day (heli has night: false) and the run has no daylight "
        "(scenario.daylight): it never sets out"
    ) in said
    world = build_world(load(POLAR.replace("LAT", "89")), 1, trace=True)
    world.run()
    assert [e["until"] > 60 * 24 * 80 for e in world.log.records if e["kind"] == "wait_daylight"] == [True]
    assert "works only by day" not in _accepted(write, POLAR.replace("LAT", "43"))


# --- written once ------------------------------------------------------------------------------------------------

CIVILIANS = """\
scenario: {name: civ, duration: 4d}
map:
  places:
    camp: {kind: training_area, lat: 43.5, lon: 51.3}
sides:
  blue: {}
  displaced: {posture: civilian}
units:
  - {id: people, type: crowd, side: displaced, at: camp}
unit_types:
  crowd: {strength: 1000, kill_rate_per_h: 0}
medical:
  triage_mix: {dnbi: {T3: 1.0}}
  hazard: {}
  dnbi_per_1000_per_day: DNBI
  facilities:
    - {id: aid, role: 1, at: camp, teams: 1000, treatment: 1min}
"""


def test_civilian_sides_default_to_the_sides_of_posture_civilian(load):
    assert load(CIVILIANS.replace("DNBI", "{civilians: 20}")).medical.dnbi_per_1000_per_day.civilian_sides == [
        "displaced"
    ]
    explicit = load(CIVILIANS.replace("DNBI", "{civilians: 20, civilian_sides: []}"))
    assert explicit.medical.dnbi_per_1000_per_day.civilian_sides == []


def test_the_displaced_fall_ill_at_the_civilians_rate_without_naming_their_side(load):
    """1,000 people at 20 per 1,000 a day for 4 days: 80 a replication (0.25 a day, 1 in all, were they troops)."""
    s = load(CIVILIANS.replace("DNBI", "{civilians: 20}"))
    count = 0
    for i in range(3):
        world = build_world(s, 3, i)
        world.run()
        count += len(medical.state(world).casualties)
    assert abs(count - 240) <= 4 * 240**0.5, count


def test_is_platform_is_written_once():
    assert combat.is_platform is lift.is_platform
