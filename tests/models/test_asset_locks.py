"""One aircraft does one task at a time. A unit of two helicopters flying apart is both a supply line's
transport (the line moves the whole unit) and a MEDEVAC asset (each helicopter on its own): the review saw
both helicopters fly casualties while the whole pair carried 4,000 L. A task that moves the whole unit now
takes each helicopter's lock after the unit's."""

from __future__ import annotations

import pytest

from sim.engine.assets import assets, pieces
from sim.experiment import build_world, run_replication

PAIR = """\
scenario: {name: one task at a time, duration: 12h}
unit_types:
  inf: {strength: 100, carries: {water: 2000}, consumption: {idle: {water: 100}}}
  heli: {strength: 1, personnel_per_element: 3, speed_kmh: {air: 200}, litters: 1, load_min: 5min, unload_min: 5min,
         cargo_t: 2}
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
  - {id: h1, type: heli, side: blue, at: base, strength: 2}
logistics: {per_person_day: {}}
depots:
  - {id: src, at: base, stocks: {water: {initial: 100000, capacity: 100000}}}
supply_lines:
  - {id: w, transports: [h1], from: src, to_units: [coy], cargo: {water: 4000}}
medical:
  dnbi_per_1000_per_day: 0
  triage_mix: {combat: {T2: 1.0}}
  hazard: {}
  mass_casualties: [{at: 30min, place: camp, count: 2}]
  facilities:
    - {id: aid, role: 1, at: camp, teams: 10, treatment: {distribution: deterministic, value: 1min}, next: far}
    - {id: far, role: 2, at: base, teams: 10, treatment: 20h}
  evacuation:
    - {to: far, assets: [h1]}
"""


def test_the_medevac_waits_for_the_pair_to_come_back_from_its_supply_trip(load):
    """The line loads at 30 min (its first trip), flies 30 min out and 30 back with 5 min to unload: the pair is
    back at 100 min. Only then does each helicopter fly its casualty: 30 out, 5 to load, 30 back, 5 to unload,
    170 min. With the fault, they flew at 31 min while the pair was away, and delivered at about 101 min."""
    r = run_replication(load(PAIR), 1, trace=True)
    medevacs = [e["t"] for e in r.events if e["kind"] == "medevac"]
    assert medevacs == [pytest.approx(170.0), pytest.approx(170.0)]


def test_a_unit_lends_only_the_aircraft_it_still_has(load):
    world = build_world(load(PAIR), 1)
    pair = world.units["h1"]
    assert len(pieces(world, pair)) == 2 and all(a is not pair for a in pieces(world, pair))
    pair.strength = 1.0  # one helicopter lost: the second no longer flies a lift or a trip
    assert pieces(world, pair) == assets(world, pair)[:1]


@pytest.mark.parametrize("casualties", [1, 2])
def test_only_as_many_aircraft_fly_as_the_casualties_nobody_is_fetching(load, casualties):
    """The review saw six aircraft launch from the carrier for one casualty, five coming back empty: every idle
    asset of the leg flew when a casualty came. One litter an aircraft: one casualty, one flight; two, two."""
    text = PAIR.replace(
        "supply_lines:\n  - {id: w, transports: [h1], from: src, to_units: [coy], cargo: {water: 4000}}\n", ""
    )
    text = text.replace("count: 2}", f"count: {casualties}}}")
    events = run_replication(load(text), 1, trace=True).events
    out = [e for e in events if e["kind"] == "depart" and e["unit"] == "h1" and e["to"] == "camp"]
    assert len(out) == casualties
    assert sum(len(e["casualties"]) for e in events if e["kind"] == "medevac") == casualties
