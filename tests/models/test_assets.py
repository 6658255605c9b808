"""Units of several assets (issue 30, scope 2): a unit of several aircraft flies CASEVAC as independent
aircraft unless told ``together``; a lift too big for one trip goes in waves; an order may wait for its
siblings (``with:``) so that they arrive together. The expected times are worked out by hand from the
distances, speeds and load/unload times of the small scenarios below."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.config.lift import Load, waves
from sim.config.schema import UnitType
from sim.engine.assets import alive, assets
from sim.experiment import build_world
from sim.models import logistics, medical
from sim.present.i18n import language
from sim.present.story import Narrator

# --- CASEVAC by a unit of several aircraft ------------------------------------------------------------------

# One-litter helicopters at the camp, 100 km (30 min at 200 km/h) from the hospital; two casualties, the
# second ten minutes after the first. Load and unload take 5 min each.
CASEVAC = """\
scenario: {name: casevac, duration: 1d}
unit_types:
  inf: {strength: 100}
  heli: {strength: 1, personnel_per_element: 3, speed_kmh: {air: 200}, litters: 1, load_min: 5min, unload_min: 5min}
map:
  places:
    camp: {kind: training_area, lat: 43.5, lon: 51.3}
    base: {kind: hospital, lat: 43.6, lon: 51.2}
  routes:
    - {from: camp, to: base, mode: air, distance_km: 100}
sides:
  blue: {}
units:
  - {id: coy, type: inf, side: blue, at: camp}
  - {id: h1, type: heli, side: blue, at: camp, strength: STRENGTH}
medical:
  dnbi_per_1000_per_day: 0
  triage_mix: {combat: {T2: 1.0}}
  hazard: {}
  mass_casualties: [{at: 1h, place: camp, count: 1}, {at: 70min, place: camp, count: 1}]
  facilities:
    - {id: aid, role: 1, at: camp, teams: 10, treatment: {distribution: deterministic, value: 1min}, next: far}
    - {id: far, role: 2, at: base, teams: 10, treatment: 20h}
  evacuation:
    - {to: far, assets: [h1]}
"""
FLIGHT = 5 + 30 + 5  # load, fly, unload: minutes from a casualty's pick-up to the hospital


def _casevac(load, strength: str):
    world = build_world(load(CASEVAC.replace("STRENGTH", strength)), 1, trace=True)
    world.run()
    return world, medical.metrics(world)


def test_two_helicopters_of_one_unit_fly_apart(load):
    """Strength 2: the second casualty goes at once with the second helicopter, each waits one flight
    (40 min). Strength 1 (and strength 2 together): the second waits for the helicopter to come back,
    30 min after its first delivery: 10 min after the first casualty, so its wait is 40 + 30 + 40 − 10 = 100
    min, and the mean 70 min. A fault that flies a unit as one aircraft gives 70 min for strength 2."""
    _, one = _casevac(load, "1")
    world, two = _casevac(load, "2")
    _, together = _casevac(load, "2, together: true")
    assert two["evac_wait_h.far"] == pytest.approx(FLIGHT / 60, abs=1e-6)
    assert two["evac_wait_p90_h.far"] == pytest.approx(FLIGHT / 60, abs=1e-6)
    assert one["evac_wait_h.far"] == pytest.approx((FLIGHT + (FLIGHT + 30 - 10 + FLIGHT)) / 2 / 60, abs=1e-6)
    assert together["evac_wait_h.far"] == pytest.approx(one["evac_wait_h.far"], abs=1e-9)
    flights = [e for e in world.log.records if e["kind"] == "medevac"]
    assert [(e["unit"], e["casualties"]) for e in flights] == [("h1", [0]), ("h1", [1])]
    assert flights[1]["t"] - flights[0]["t"] == pytest.approx(10, abs=1e-6)  # ten minutes apart, as they came
    # each helicopter flew 2 × 40 min... of the unit's 2 × 24 h: utilisation is a share of aircraft-time
    assert two["medevac_utilisation.h1"] == pytest.approx(2 * (FLIGHT + 30) / (2 * 24 * 60), abs=1e-6)


def test_each_helicopter_flying_apart_burns_its_own_fuel(load):
    """600 L/h (10 L/min) per helicopter under way; each casualty costs one helicopter 30 min out and 30 min
    back: 1,200 L for the two, whether one helicopter flies both or two fly one each. Together, the unit of
    two flies as one and burns for both: 2,400 L. (A fault that leaves the flights apart unburnt gives 0.)"""
    fuel = "litters: 1, carries: {fuel: 5000}, consumption: {moving: {fuel: 600}},"
    text = CASEVAC.replace("litters: 1,", fuel)
    burnt = {}
    for strength in ("1", "2", "2, together: true"):
        world = build_world(load(text.replace("STRENGTH", strength)), 1)
        world.run()
        burnt[strength] = logistics.metrics(world)["consumed.fuel"]
    assert burnt == pytest.approx({"1": 1200.0, "2": 1200.0, "2, together: true": 2400.0})


def test_a_helicopter_the_unit_has_lost_flies_no_more(load):
    """Asset 2 of a unit of two flies while the unit has two elements: at strength 1 only one flies."""
    world, _ = _casevac(load, "2")
    h1 = world.units["h1"]
    a1, a2 = assets(world, h1)
    h1.strength = 1
    assert alive(world, a1) and not alive(world, a2)


# --- waves ------------------------------------------------------------------------------------------------

LIFT = """\
scenario: {name: waves, duration: 2d}
unit_types:
  inf: {strength: 120, speed_kmh: {land: 5}}
  tilt: {strength: STRENGTH, personnel_per_element: 4, capacity_personnel: 24, speed_kmh: {air: 300},
         load_min: 10min, unload_min: 5min}
map:
  places:
    ship: {kind: port, lat: 43.5, lon: 51.3}
    lz: {kind: beach, lat: 43.6, lon: 51.2}
  routes:
    - {from: ship, to: lz, mode: air, distance_km: 75}
sides:
  blue: {}
units:
  - {id: coy, type: inf, side: blue, at: ship}
  - {id: mv, type: tilt, side: blue, at: ship TOGETHER}
phases:
  - id: land
    orders: [{unit: mv, do: lift, units: [coy], to: lz}]
"""
# 75 km at 300 km/h: 15 min each way; a trip is load 10 + 15 + unload 5, and 15 back: 45 min a round trip


def _lift(load, strength: int, together: bool = False):
    text = LIFT.replace("STRENGTH", str(strength)).replace("TOGETHER", ", together: true" if together else "")
    world = build_world(load(text), 1, trace=True)
    world.run()
    return world


def test_a_company_too_big_for_one_aircraft_goes_in_waves(load):
    """120 marines, 24 seats: five trips of one aircraft; the company lands whole when the fifth is across,
    at 4 × 45 + 30 = 210 min. (Today's code refused this lift.)"""
    world = _lift(load, 1)
    coy = world.units["coy"]
    assert coy.location == "lz" and coy.aboard is None
    assert [e["trips"] for e in world.log.records if e["kind"] == "lift_done"] == [5]
    waves_told = [(e["wave"], e["units"]) for e in world.log.records if e["kind"] == "lift_wave"]
    assert waves_told == [(i, {"coy": 24}) for i in range(1, 6)]
    landed = [e["t"] for e in world.log.records if e["kind"] == "disembark" and e["unit"] == "coy"]
    assert landed == [pytest.approx(4 * 45 + 30)]
    story = [ln.text for ln in Narrator(world.scenario, language("en")).feed(world.log.records)]
    assert story.count("Mv, wave 1: loads coy (24).") == 1 and "Mv, wave 5: loads coy (24)." in story
    assert not [ln for ln in story if "for ship with coy" in ln]  # flying back empty, not "with coy"
    assert story.count("Coy lands at lz from mv.") == 1  # once, when the last wave is across


def test_four_aircraft_fly_the_waves_at_once(load):
    """Four aircraft apart: four trips at once, then one: across at 45 + 30 = 75 min. Together (one aircraft
    of 96 seats): two trips, the same 75 min; a fault that keeps one aircraft would take 210 min."""
    world = _lift(load, 4)
    landed = [e["t"] for e in world.log.records if e["kind"] == "disembark" and e["unit"] == "coy"]
    assert landed == [pytest.approx(45 + 30)]
    assert [e["trips"] for e in world.log.records if e["kind"] == "lift_done"] == [5]
    assert sorted(e["wave"] for e in world.log.records if e["kind"] == "lift_wave") == [1, 1, 1, 1, 2]
    assert world.units["mv"].location == "ship"  # its aircraft are all back: so is the unit
    world = _lift(load, 4, together=True)
    assert [e["trips"] for e in world.log.records if e["kind"] == "lift_done"] == [2]
    landed = [e["t"] for e in world.log.records if e["kind"] == "disembark" and e["unit"] == "coy"]
    assert landed == [pytest.approx(45 + 30)]


def test_waves_are_planned_as_they_are_flown():
    """The planner's waves (for check --plan): by hand, 120 people in trips of 24, two aircraft at once."""
    inf = UnitType(strength=120)
    got = waves(Load(24, 0, 0), 2, [(inf, 120.0), (inf, 10.0)])
    assert got == [[[(0, 24.0)], [(0, 24.0)]], [[(0, 24.0)], [(0, 24.0)]], [[(0, 24.0)], [(1, 10.0)]]]


def test_check_accepts_the_lift_and_the_plan_shows_the_waves(write):
    path = write(LIFT.replace("STRENGTH", "2").replace("TOGETHER", ""))
    r = CliRunner().invoke(main, ["check", str(path), "--plan"])
    assert r.exit_code == 0, r.output
    assert "wave 1: coy (24), coy (24)" in r.output
    assert "wave 3: coy (24)" in r.output


# --- orders that wait for their siblings --------------------------------------------------------------------

WITH = """\
scenario: {name: with, duration: 2d}
unit_types:
  lav: {strength: 10, personnel_per_element: 3, kill_rate_per_h: 1, speed_kmh: {land: 60}}
  inf: {strength: 100, kill_rate_per_h: 1, speed_kmh: {land: 5}}
  red: {strength: 10, kill_rate_per_h: 0.1}
map:
  places:
    start: {kind: training_area, lat: 43.5, lon: 51.3}
    far: {kind: training_area, lat: 43.4, lon: 51.3}
    hill: {kind: objective, lat: 43.6, lon: 51.3, defence: open}
  routes:
    - {from: start, to: hill, mode: land, distance_km: 30}
    - {from: far, to: start, mode: land, distance_km: 10}
sides:
  blue: {}
  red: {}
units:
  - {id: lavs, type: lav, side: blue, at: start}
  - {id: inf, type: inf, side: blue, at: start}
  - {id: r1, type: red, side: red, at: hill}
phases:
  - id: go
    orders:
      - {unit: lavs, do: assault, target: hill WITH}
  - id: foot
    start: 2h
    orders:
      - {unit: inf, do: assault, target: hill}
"""


def _arrivals(load, with_: str):
    world = build_world(load(WITH.replace("WITH", with_)), 1, trace=True)
    world.run()
    arrive = {e["unit"]: e["t"] for e in world.log.records if e["kind"] == "arrive" and e["at"] == "hill"}
    return world, arrive


def test_without_with_the_lavs_arrive_alone(load):
    _, arrive = _arrivals(load, "")
    assert arrive["lavs"] == pytest.approx(30) and arrive["inf"] == pytest.approx(120 + 360)


def test_an_order_with_a_sibling_waits_and_arrives_with_it(load):
    """The infantry is ready at 2 h and walks 6 h; the LAVs (30 min away) wait for it, then hold back so
    as to arrive with it at 8 h. The story says why they wait."""
    world, arrive = _arrivals(load, ", with: [inf]")
    assert arrive["lavs"] == pytest.approx(480) and arrive["inf"] == pytest.approx(480)
    told = [e for e in world.log.records if e["kind"] == "wait_for"]
    assert [(e["unit"], e["units"], e["t"]) for e in told[:1]] == [("lavs", ["inf"], 0.0)]
    assert told[-1]["until"] == pytest.approx(480 - 30)
    story = [ln.text for ln in Narrator(world.scenario, language("en")).feed(world.log.records)]
    assert "Lavs waits for inf before setting out for hill." in story
    assert "Lavs waits for inf until H+7:30, to reach hill together." in story
    ru = [ln.text for ln in Narrator(world.scenario, language("ru")).feed(world.log.records)]
    assert "Lavs ожидает готовности подразделений перед выдвижением в пункт «hill»: inf." in ru


def test_assemble_at_first(load):
    """With assemble_at: far (10 km behind), the LAVs drive there (10 min), wait, and arrive with the
    infantry all the same: 40 min from far, so they leave far at 8 h − 40 min."""
    world, arrive = _arrivals(load, ", with: [inf], assemble_at: far")
    assert arrive["lavs"] == pytest.approx(480) and arrive["inf"] == pytest.approx(480)
    departs = [e for e in world.log.records if e["kind"] == "depart" and e["unit"] == "lavs"]
    assert [(e["origin"], e["to"]) for e in departs] == [("start", "far"), ("far", "hill")]
    assert departs[1]["t"] == pytest.approx(480 - 40)


def test_the_plan_says_who_an_order_goes_with(write):
    r = CliRunner().invoke(main, ["check", str(write(WITH.replace("WITH", ", with: [inf]"))), "--plan"])
    assert r.exit_code == 0, r.output
    assert "then fighting (not timed in the plan), with inf (arriving together)" in r.output
    text = WITH.replace("WITH", ", with: [inf], assemble_at: far")
    r = CliRunner().invoke(main, ["check", str(write(text)), "--plan", "--lang", "ru"])
    assert r.exit_code == 0, r.output
    assert "вместе с: inf, сбор в пункте «far»" in r.output


def test_check_refuses_a_sibling_that_never_goes_there(write):
    text = WITH.replace("WITH", ", with: [r1]")
    r = CliRunner().invoke(main, ["check", str(write(text))])
    assert r.exit_code == 2
    assert "phases.0.orders.0.with.0: r1 has no move or assault to hill: lavs would wait for it for ever" in r.stderr
    r = CliRunner().invoke(main, ["check", str(write(WITH.replace("WITH", ", with: [nobody]")))])
    assert r.exit_code == 2 and "phases.0.orders.0.with.0: unknown unit 'nobody'" in r.stderr
    r = CliRunner().invoke(main, ["check", str(write(WITH.replace("WITH", ", with: [lavs]")))])
    assert r.exit_code == 2 and "phases.0.orders.0.with.0: a unit cannot wait for itself" in r.stderr


def test_a_sibling_whose_order_is_skipped_is_not_waited_for_for_ever(load):
    """The infantry is destroyed before its order's turn comes (its order is skipped): the LAVs, told to go
    with it, go alone when that order is skipped (at 3 h, after its wait), arriving 30 min later, not never."""
    text = WITH.replace("WITH", ", with: [inf]").replace(
        "  - id: foot\n", "  - id: lost\n    orders: [{unit: inf, do: wait, duration: 3h}]\n  - id: foot\n"
    )
    s = load(text)
    world = build_world(s, 1, trace=True)
    world.env.process(_destroy(world, "inf", 60))
    world.run()
    arrive = {e["unit"]: e["t"] for e in world.log.records if e["kind"] == "arrive" and e["at"] == "hill"}
    assert arrive == {"lavs": pytest.approx(180 + 30)}


def _destroy(world, uid: str, at: float):
    yield world.env.timeout(at)
    world.units[uid].lose(world.units[uid].strength, 0)
