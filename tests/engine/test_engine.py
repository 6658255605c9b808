"""The engine: travel times, transport in trips, phases and triggers, fire support, engagements."""

from __future__ import annotations

import math

import pytest

from sim.check import load_scenario
from sim.engine.signals import Broken, Secured
from sim.errors import ScenarioError
from sim.experiment import build_world, run_replication

MINI = """\
scenario: {name: mini, duration: 48h, seed: 5}
unit_types:
  inf:  {strength: 30, kill_rate_per_h: 3.0, speed_kmh: {land: 5}}
  foe:  {strength: 10, kill_rate_per_h: 0.5}
  boat: {strength: 1, speed_kmh: {sea: 30}, capacity_personnel: 40, load_min: 15min, unload_min: 10min}
  jet:  {strength: 2, speed_kmh: {air: 600}, fire_support: {cycle_min: 60, kill_prob: 0.1}}
  gun:  {strength: 1, speed_kmh: {sea: 30}, fire_support: {cycle_min: 20, kill_prob: 0.05, range_km: 6}}
map:
  places:
    base: {kind: airfield, lat: 43.6, lon: 51.1}
    camp: {kind: training_area, lat: 43.5, lon: 51.3}
    port: {kind: port, lat: 43.2, lon: 51.6}
    bay:  {kind: anchorage, lat: 43.39, lon: 51.21}
    beach: {kind: beach, lat: 43.4, lon: 51.2}
    isle: {kind: objective, lat: 43.41, lon: 51.19}
  routes:
    - {from: camp, to: port, mode: land, distance_km: 20}
    - {from: port, to: bay, mode: sea, distance_km: 27}
    - {from: bay, to: beach, mode: sea, distance_km: 3}
    - {from: beach, to: isle, mode: land, distance_km: 2.5}
    - {from: base, to: isle, mode: air, distance_km: 50}
sides:
  blue: {}
  red: {}
units:
  - {id: b1, type: inf, side: blue, at: camp}
  - {id: b2, type: inf, side: blue, at: camp}
  - {id: ship, type: boat, side: blue, at: port}
  - {id: air, type: jet, side: blue, at: base}
  - {id: pb, type: gun, side: blue, at: port}
  - {id: r1, type: foe, side: red, at: isle}
phases:
  - id: march
    orders: [{unit: b1, do: move, to: port}, {unit: b2, do: move, to: port}]
  - id: sail
    after: march
    orders: [{unit: ship, do: lift, units: [b1, b2], to: beach}]
  - id: attack
    after: sail
    orders: [{unit: b1, do: assault, target: isle}, {unit: b2, do: assault, target: isle}]
  - id: mop_up
    when: {secured: isle}
    orders: [{unit: b1, do: wait, duration: 1h}]
"""


def events(scenario, kind, seed=5, **match):
    evs = run_replication(scenario, seed, trace=True).events
    return [e for e in evs if e["kind"] == kind and all(e.get(k) == v for k, v in match.items())]


def test_move_takes_distance_over_speed(load):
    s = load(MINI)
    (arrive,) = events(s, "arrive", unit="b1", at="port")
    assert arrive["t"] == pytest.approx(20 / 5 * 60)


def test_lift_shuttles_in_as_many_trips_as_capacity_needs(load):
    """Two 30-strong units, a 40-seat boat: two trips; every leg's time follows from the settings."""
    s = load(MINI)
    march = 20 / 5 * 60
    sea = (27 + 3) / 30 * 60  # port -> bay -> beach
    first = march + 15 + sea + 10
    second = first + sea + 15 + sea + 10  # back empty, load, out again, unload
    landed = {e["unit"]: e["t"] for e in events(s, "disembark")}
    assert landed["b1"] == pytest.approx(first)
    assert landed["b2"] == pytest.approx(second)
    world = build_world(s, 5, trace=True)
    world.run()
    assert [e["trips"] for e in world.log.records if e["kind"] == "lift_done" and e["unit"] == "ship"] == [2]
    assert world.units["ship"].location == "port"  # sailed back after the last trip


def test_bigger_boat_needs_one_trip(load):
    s = load(MINI, "unit_types.boat.capacity_personnel=60")
    landed = {e["unit"]: e["t"] for e in events(s, "disembark")}
    assert landed["b1"] == landed["b2"] == pytest.approx(4 * 60 + 15 + 60 + 10)


def test_embark_move_disembark(load):
    text = MINI.replace(
        "orders: [{unit: ship, do: lift, units: [b1, b2], to: beach}]",
        "orders: [{unit: b1, do: embark, on: ship}, {unit: ship, do: wait, duration: 20min},\n"
        "             {unit: ship, do: move, to: beach}]\n"
        "  - id: unload\n    after: sail\n    orders: [{unit: b1, do: disembark}]",
    ).replace("{unit: b2, do: assault, target: isle}", "{unit: b2, do: wait, duration: 1min}")
    s = load(text)
    world = build_world(s, 5, trace=True)
    world.run(until=4 * 60 + 20 + 60 + 1)  # march, wait for the embarking, sail an hour
    assert world.units["b1"].aboard == "ship" and world.units["ship"].location == "beach"
    world.run(until=4 * 60 + 20 + 60 + 10 + 1)
    (off,) = [e for e in world.log.records if e["kind"] == "disembark"]
    assert (off["t"], off["at"]) == (pytest.approx(4 * 60 + 20 + 60 + 10), "beach")
    assert world.units["b1"].aboard is None and world.units["ship"].carrying == []


def test_phase_waits_for_its_condition(load):
    s = load(MINI)
    evs = run_replication(s, 5, trace=True).events
    secured = next(e["t"] for e in evs if e["kind"] == "signal" and e["name"] == "secured:isle")
    mop = next(e["t"] for e in evs if e["kind"] == "phase_start" and e["phase"] == "mop_up")
    sail = next(e["t"] for e in evs if e["kind"] == "phase_start" and e["phase"] == "sail")
    assert mop == secured and sail == pytest.approx(4 * 60)


def test_phase_start_time(load):
    s = load(MINI.replace("  - id: march\n", "  - id: march\n    start: 90min\n"))
    (arrive,) = events(s, "arrive", unit="b1", at="port")
    assert arrive["t"] == pytest.approx(90 + 4 * 60)


def test_aircraft_sorties_cycle_between_base_and_target(load):
    text = MINI.replace(
        "  - id: mop_up",
        "  - id: strikes\n    orders: [{unit: air, do: fire_support, target: isle, sorties: 5}]\n  - id: mop_up",
    )
    s = load(text, "units.r1.strength=1000")  # plenty of targets, nothing secures the isle early
    strikes = [e["t"] for e in events(s, "strike", unit="air")]
    transit = 50 / 600 * 60
    cycle = 2 * transit + 60
    # two aircraft: strikes at transit, transit + cycle, transit + 2 cycles (5 sorties: 3 + 2)
    assert strikes == pytest.approx([transit, transit, transit + cycle, transit + cycle, transit + 2 * cycle])


def test_ship_out_of_range_does_not_fire_and_in_range_does(load):
    far = MINI.replace(
        "  - id: mop_up",
        "  - id: guns\n    orders: [{unit: pb, do: fire_support, target: isle, sorties: 3}]\n  - id: mop_up",
    )
    assert events(load(far), "strike") == []
    assert events(load(far), "order_failed", unit="pb")
    near = far.replace(
        "orders: [{unit: pb, do: fire_support", "orders: [{unit: pb, do: move, to: bay}, {unit: pb, do: fire_support"
    )
    assert len(events(load(near, "units.r1.strength=1000"), "strike", unit="pb")) == 3


def test_attackers_that_break_do_not_secure(load):
    s = load(MINI, "units.r1.strength=400", "sides.blue.break_fraction=0.5")
    world = build_world(s, 5)
    world.run()
    assert not world.holds(Secured("isle")) and world.holds(Broken("blue"))
    assert {world.units["b1"].state, world.units["b2"].state} <= {"repulsed", "destroyed"}
    remaining = world.units["b1"].strength + world.units["b2"].strength
    assert remaining < 0.5 * 60  # broke below half of what entered the fight
    m = run_replication(s, 5).metrics
    assert m["secured.isle"] == 0 and math.isnan(m["time_to_secure_h.isle"])
    with_objective = load(
        MINI + "objectives:\n  - {id: take, kind: secure, place: isle}\n",
        "units.r1.strength=400",
        "sides.blue.break_fraction=0.5",
    )
    m = run_replication(with_objective, 5).metrics
    assert m["objective.take"] == 0.0 and m["mission_success"] == 0.0  # a failed assault fails its objective


def test_objective_pass_fail(load):
    base = MINI + "objectives:\n  - {id: fast, kind: secure, place: isle, within: 10h}\n"
    assert run_replication(load(base), 5).metrics["objective.fast"] == 1.0
    slow = base.replace("within: 10h", "within: 5h")
    m = run_replication(load(slow), 5).metrics
    assert m["objective.fast"] == 0.0 and m["mission_success"] == 0.0 and m["secured.isle"] == 1.0


def test_fortified_defence_slows_the_assault(load):
    open_t = [run_replication(load(MINI), 5, i).metrics["engagement_h.isle"] for i in range(200)]
    fort = load(MINI, "map.places.isle.defence=fortified")
    fort_t = [run_replication(fort, 5, i).metrics["engagement_h.isle"] for i in range(200)]
    # halving the attackers' kill rate (defence_factor 0.5) roughly doubles the fight's length
    assert sum(fort_t) / sum(open_t) == pytest.approx(2.0, rel=0.25)


def test_a_transport_that_is_not_at_a_place_cannot_start_a_lift(load):
    """A boat stowed aboard a ship has no place to shuttle from: its lift fails, and it does not take
    aboard a unit that happens to be under way (which has no place either)."""
    text = MINI.replace(
        "  - {id: pb, type: gun, side: blue, at: port}\n",
        "  - {id: pb, type: gun, side: blue, at: port}\n  - {id: raft, type: boat, side: blue, at: port}\n",
    ).replace(
        "  - id: sail\n",
        "  - id: stow\n    orders: [{unit: raft, do: embark, on: ship}]\n"
        "  - id: launch\n    after: stow\n    orders: [{unit: raft, do: lift, units: [b1], to: beach}]\n"
        "  - id: sail\n",
    )
    world = build_world(load(text), 5, trace=True)
    world.run()
    failed = [e for e in world.log.records if e["kind"] == "order_failed" and e["unit"] == "raft"]
    assert [e["reason"] for e in failed] == ["not at a place, so it cannot start a lift"]
    assert failed[0]["t"] < 20 / 5 * 60  # while b1 is still marching to the port
    assert world.units["raft"].carrying == [] and world.units["b1"].aboard is None
    assert any(e["kind"] == "arrive" and e["unit"] == "b1" and e["at"] == "port" for e in world.log.records)


# --- lift by people, deck slots and weight ----------------------------------------------------------------

LIFT = """\
scenario: {name: lift, duration: 5d, seed: 1}
catalog: exsim:units
map:
  places:
    port:  {kind: port, lat: 43.175, lon: 51.66}
    beach: {kind: beach, lat: 43.392, lon: 51.212}
  routes:
    - {from: port, to: beach, mode: sea, distance_km: 49.95}
sides:
  blue: {}
units:
  - {id: ls-1, type: landing_ship, side: blue, at: port}
  - {id: mar-1, type: marine_infantry_company, side: blue, at: port}
PLATOONS
phases:
  - id: lift
    orders: [{unit: ls-1, do: lift, units: [UNITS], to: beach}]
"""


def lift_yaml(platoons: int, strength: int = 3, marines: bool = False) -> str:
    ids = [f"tk-{i}" for i in range(platoons)]
    rows = "\n".join(f"  - {{id: {i}, type: tank_platoon, strength: {strength}, side: blue, at: port}}" for i in ids)
    return LIFT.replace("PLATOONS", rows).replace("UNITS", ", ".join(ids + (["mar-1"] if marines else [])))


def test_thirty_tanks_on_a_landing_ship_of_six_deck_slots_take_five_trips(load):
    """Ten platoons of three T-72s; the landing ship's deck holds six: two platoons a trip, five trips."""
    s = load(lift_yaml(10))
    ship, tank = s.unit_types["landing_ship"], s.unit_types["tank_platoon"]
    assert (ship.deck_slots, tank.slots_per_element, tank.strength) == (6, 1, 3)
    world = build_world(s, 1, trace=True)
    world.run()
    assert [e["trips"] for e in world.log.records if e["kind"] == "lift_done"] == [5]
    assert all(world.units[f"tk-{i}"].location == "beach" for i in range(10))
    boarded = [e["unit"] for e in world.log.records if e["kind"] == "embark"]
    assert boarded == [f"tk-{i}" for i in range(10)]  # first fit in the listed order, two by two
    # the deck binds, not the weight: with room for any tonnage it is still five trips
    world = build_world(load(lift_yaml(10), "unit_types.landing_ship.cargo_t=100000"), 1, trace=True)
    world.run()
    assert [e["trips"] for e in world.log.records if e["kind"] == "lift_done"] == [5]


def test_weight_limits_a_trip_when_the_deck_does_not(load):
    """Two 3-tank platoons fill the deck (6 slots) but weigh 6 x 44.5 t: at cargo_t 200 one platoon a trip."""
    s = load(lift_yaml(4), "unit_types.landing_ship.cargo_t=200")
    world = build_world(s, 1, trace=True)
    world.run()
    assert [e["trips"] for e in world.log.records if e["kind"] == "lift_done"] == [4]


def test_vehicles_take_deck_slots_not_seats(load):
    """Six tanks and a 120-strong company go in one trip: the crews ride in their tanks."""
    s = load(lift_yaml(2, marines=True))
    world = build_world(s, 1, trace=True)
    world.run()
    assert [e["trips"] for e in world.log.records if e["kind"] == "lift_done"] == [1]


def test_check_refuses_what_can_never_fit(write):
    """A tank taking seven deck slots on a ship with six: no trip can ever carry even one (a unit of thirty
    tanks that do fit one by one goes in waves: tests/models/test_assets.py)."""
    from click.testing import CliRunner

    from sim.cli import main

    path = write(lift_yaml(1, strength=30))
    r = CliRunner().invoke(main, ["check", str(path), "--set", "unit_types.tank_platoon.slots_per_element=7"])
    assert r.exit_code == 2
    one = "phases.0.orders.0.units.0: one element of tk-0 (takes 7 deck slots, 44.5 t) does not fit in ls-1"
    assert one in r.stderr
    assert "even alone" in r.stderr
    assert CliRunner().invoke(main, ["check", str(path)]).exit_code == 0


def test_check_refuses_embarking_past_the_deck(write):
    text = lift_yaml(3).replace(
        "orders: [{unit: ls-1, do: lift, units: [tk-0, tk-1, tk-2], to: beach}]",
        "orders: [{unit: tk-0, do: embark, on: ls-1}, {unit: tk-1, do: embark, on: ls-1}]\n"
        "  - id: third\n    after: lift\n    orders: [{unit: tk-2, do: embark, on: ls-1}]",
    )
    with pytest.raises(ScenarioError, match=r"phases.1.orders.0.on: ls-1 is over capacity: 9 deck slots, 400.5 t"):
        load_scenario(write(text))
    waits = text.replace("{unit: tk-2, do: embark, on: ls-1}", "{unit: tk-2, do: wait, duration: 1h}")
    assert load_scenario(write(waits)).scenario.units[0].id == "ls-1"  # loads: two platoons fill the deck


def test_a_units_speeds_are_read_only_and_paths_cached_under_them_match_a_plain_dict(island):
    """Paths are cached under the speeds' key, made once: a change to the speeds would read stale paths."""
    import copy
    import pickle

    from sim.engine.geo import Map, Speeds

    world = build_world(island, 1)
    unit = next(u for u in world.units.values() if u.speeds)
    with pytest.raises(TypeError, match="read-only"):
        unit.speeds["air"] = 1.0
    with pytest.raises(TypeError, match="read-only"):
        unit.speeds.update(air=1.0)
    assert pickle.loads(pickle.dumps(unit.speeds)).key == copy.deepcopy(unit.speeds).key == unit.speeds.key
    fresh = Map(island.map)  # a plain dict takes the other road into the cache: the same paths
    for a in island.map.places:
        for b in island.map.places:
            assert world.map.path(a, b, unit.speeds) == fresh.path(a, b, dict(unit.speeds))
    assert isinstance(unit.speeds, Speeds)
