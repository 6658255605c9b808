"""Stores aboard a ship, and supply-line transports as assets (issue 30, scopes 1 and 3): a depot ``aboard:`` a
unit is wherever the unit is; a line loads from it where the ship is (a craft in its deck loads aboard); a
deck-based transport goes back aboard after each trip; with ``apart: true`` each platform of a transport unit
makes its own trips. References are worked out by hand from the scenario's numbers (ship 30 km/h, craft
20 km/h, decks of one spot with 30 min cycles, a squad drinking 20 L an hour)."""

from __future__ import annotations

import pytest

from sim.errors import ScenarioError
from sim.experiment import build_world, run_replication
from tests.models.test_logistics import check_balance_and_bounds

HOUR = 60.0

# A ship with a well deck and a flight deck at sea_a (30 km from sea_b); a craft and a helicopter based on it;
# the ship's stores aboard it; a squad on the beach drinking 20 L an hour from 1000 L (dry at 50 h unsupplied).
SHIP = """\
scenario: {name: ship stores, duration: 72h, seed: 1}
unit_types:
  lhd: {strength: 1, speed_kmh: {sea: 30}, capacity_personnel: 400, deck_slots: 10, cargo_t: 500,
        flight_deck: {spots: 1, cycle: 15min}, well_deck: {craft: 1, cycle: 30min}}
  craft: {strength: 1, speed_kmh: {sea: 20}, cargo_t: 10, load_min: 20min, unload_min: 20min}
  helo: {strength: 1, speed_kmh: {air: 120}, cargo_t: 2, load_min: 10min, unload_min: 10min}
  squad:
    strength: 10
    speed_kmh: {land: 4}
    carries: {water: 100}
    consumption: {idle: {water: 2}, moving: {water: 2}}
map:
  places:
    sea_a: {kind: anchorage, lat: 54.0, lon: 14.0}
    sea_b: {kind: anchorage, lat: 54.2, lon: 14.0}
    beach: {kind: beach, lat: 54.1, lon: 14.3}
    port: {kind: port, lat: 54.3, lon: 14.3}
  routes:
    - {from: sea_a, to: sea_b, mode: sea, distance_km: 30}
    - {from: sea_a, to: beach, mode: sea, distance_km: 20}
    - {from: sea_b, to: beach, mode: sea, distance_km: 20}
    - {from: sea_a, to: port, mode: air, distance_km: 60}
    - {from: sea_b, to: port, mode: air, distance_km: 30}
    - {from: port, to: beach, mode: air, distance_km: 30}
    - {from: sea_a, to: sea_b, mode: air, distance_km: 30}
    - {from: sea_a, to: beach, mode: air, distance_km: 30}
    - {from: sea_b, to: beach, mode: air, distance_km: 30}
sides: {blue: {}}
units:
  - {id: lhd-1, type: lhd, side: blue, at: sea_a}
  - {id: lcu-1, type: craft, side: blue, aboard: lhd-1}
  - {id: hel-1, type: helo, side: blue, aboard: lhd-1}
  - {id: s1, type: squad, side: blue, at: beach}
logistics: {per_person_day: {}}
depots:
  - {id: stores, aboard: lhd-1, stocks: {water: {initial: 400000, capacity: 400000}}}
"""
SHIFT = "phases:\n  - {id: shift, start: 0h, orders: [{unit: lhd-1, do: move, to: sea_b}]}\n"


def _run(load, text: str, *overrides: str):
    r = run_replication(load(text, *overrides), 1, trace=True)
    return r.metrics, r.events


def _of(events, kind, **match):
    return [e for e in events if e["kind"] == kind and all(e.get(k) == v for k, v in match.items())]


# --- the schema -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ("depots.0.at=beach", "depots.0.at", "stores is aboard lhd-1, which starts at sea_a (leave at: out)"),
        ("depots.0.aboard=null", "depots.0", "give at: (the place where it is) or aboard: (the unit it moves with)"),
        ("depots.0.aboard=lhd-9", "depots.0", "aboard: lhd-9 is no unit of this scenario"),
        ("depots.0.serves=[beach]", "depots.0", "serves: needs at:"),
    ],
)
def test_a_depot_is_at_a_place_or_aboard_a_unit_in_one_clear_line(load, change, field, words):
    with pytest.raises(ScenarioError) as err:
        load(SHIP, change)
    text = str(err.value)
    assert f"{field}:" in text and words in text and "\n" not in text.strip(), text


def test_a_depot_aboard_starts_where_its_ship_does(load):
    """The checks and the plan read a depot's at:; aboard a ship, it is the ship's starting place, and given
    (as a stored scenario gives it back) it must be that place."""
    s = load(SHIP)
    assert s.depots[0].aboard == "lhd-1" and s.depots[0].at == "sea_a"
    assert load(SHIP, "depots.0.at=sea_a").depots[0] == s.depots[0]


# --- lines from the ship's stores ------------------------------------------------------------------------------

DUMP = "  - {id: dump, at: beach, stocks: {water: {initial: 0, capacity: 100000}}}\n"
TO_BEACH = DUMP + (
    "supply_lines:\n  - {id: w, transports: [lcu-1], from: stores, to: dump, cargo: {water: 2000},"
    " dispatch: schedule, every: 6h}\n"
)


def test_a_craft_in_the_ships_deck_loads_aboard_while_the_ship_sails_and_launches_where_it_arrives(load):
    """The ship sails to sea_b at 0 h (1 h). The craft loads aboard at once (no trip to a place), 20 min, then
    waits for the ship to arrive, launches at sea_b (30 min: off at 1.5 h), crosses 20 km (1 h) and unloads
    (20 min) into the beach dump at 2 h 50 min. On main the depot could not be aboard at all."""
    m, ev = _run(load, SHIP + TO_BEACH + SHIFT)
    assert _of(ev, "load")[0]["t"] == pytest.approx(0.0)
    assert next((e["t"], e["at"]) for e in _of(ev, "launch", unit="lcu-1")) == (pytest.approx(HOUR), "sea_b")
    assert _of(ev, "deliver")[0]["t"] == pytest.approx(2 * HOUR + 50)
    assert not _of(ev, "arrive", unit="lcu-1", at="sea_a")  # it never went to a place to load
    assert m["stockout_h.s1.water"] == 0.0  # (it draws from the beach dump)
    assert m["delivered_t.w.water"] == pytest.approx(12 * 2.0)  # a trip every 6 h


def test_a_deck_based_craft_goes_back_aboard_after_each_trip(load):
    """Every trip ends with a recovery into the well deck (then the next one loads aboard): as many recoveries
    as deliveries, each after its delivery and before the next load. A craft that stayed in the water at the
    ship's place (the line's old way back) is never recovered."""
    _, ev = _run(load, SHIP + TO_BEACH + SHIFT)
    delivers = [e["t"] for e in _of(ev, "deliver")]
    recovers = [e["t"] for e in _of(ev, "recover", unit="lcu-1")]
    loads = [e["t"] for e in _of(ev, "load")]
    assert len(delivers) >= 3
    assert len(recovers) in (len(delivers), len(delivers) - 1)  # the last may be under way at the end
    for k, t in enumerate(recovers):
        assert delivers[k] < t < (loads[k + 1] if k + 1 < len(loads) else float("inf"))


# A helicopter based on the ship flies water from a depot at the port to the beach dump; the ship shifts to
# sea_b at 3 h, between the helicopter's first and second trips.
HELO = (
    SHIP.replace("depots:\n  - {id: stores, aboard: lhd-1,", "depots:\n  - {id: stores, at: port,")
    + DUMP
    + "supply_lines:\n  - {id: w, transports: [hel-1], from: stores, to: dump, cargo: {water: 2000},"
    " dispatch: schedule, every: 6h}\n"
    + "phases:\n  - {id: shift, start: 3h, orders: [{unit: lhd-1, do: move, to: sea_b}]}\n"
)


def test_a_deck_based_transports_next_trip_starts_from_the_ships_current_place(load):
    """Trip 1: launch at sea_a (0-15 min), 60 km to the port (30 min), load, 30 km to the beach, unload, then
    back aboard the ship (by 1 h 50 min; it sails to sea_b at 3 h). Trip 2 (at 6 h) launches at sea_b, where the ship is
    now, and flies sea_b -> port. On main the helicopter waited at the port between trips: one launch only."""
    _, ev = _run(load, HELO)
    launches = [(e["t"], e["at"]) for e in _of(ev, "launch", unit="hel-1")]
    assert launches[0] == (0.0, "sea_a")
    assert launches[1][1] == "sea_b" and launches[1][0] >= 6 * HOUR
    departs = [e for e in _of(ev, "depart", unit="hel-1") if e["t"] >= 6 * HOUR]
    assert (departs[0]["origin"], departs[0]["to"]) == ("sea_b", "port")
    assert len(_of(ev, "recover", unit="hel-1")) >= 2


# --- where the ship's stores are ---------------------------------------------------------------------------

# The squad waits at sea_a by the ship (the ship's place); refill_below 0.5: it tops up when down to 500 L.
BY_SHIP = SHIP.replace("{id: s1, type: squad, side: blue, at: beach}", "{id: s1, type: squad, side: blue, at: sea_a}")
LEAVES = "phases:\n  - {id: go, start: 30h, orders: [{unit: lhd-1, do: move, to: sea_b}]}\n"


def test_units_at_the_ships_place_draw_from_its_stores_until_it_sails_then_say_why_they_ran_dry(load):
    """With the ship staying, the squad tops up at 25 h, 50 h... and never runs dry. The ship sails at 30 h: the
    squad topped up at 25 h (1000 L) has 900 L left, dry at 75 h: 0 h dry within 72 h, so the run is 96 h: 21 h
    dry. Why: the stores it drew from sailed away (not 'the depot where it stands is empty', not 'no line')."""
    m, ev = _run(load, BY_SHIP)
    assert m["stockout_h.s1.water"] == 0.0
    assert [e["t"] for e in _of(ev, "refill", unit="s1")][:2] == [pytest.approx(25 * HOUR), pytest.approx(50 * HOUR)]
    m, ev = _run(load, BY_SHIP + LEAVES, "scenario.duration=96h")
    assert m["stockout_h.s1.water"] == pytest.approx(21.0)
    assert [e.get("why") for e in _of(ev, "stockout", unit="s1")] == ["depot_away"]


def test_a_ship_arriving_with_stores_tops_up_the_units_waiting_there(load):
    """The squad at sea_b runs dry at 50 h; the ship sails from sea_a at 59 h and arrives at 60 h: the squad is
    topped up from its stores at once, 10 h dry (a fault that waited for the squad's own next alarm would
    leave it dry to the end: 22 h)."""
    at_b = SHIP.replace("{id: s1, type: squad, side: blue, at: beach}", "{id: s1, type: squad, side: blue, at: sea_b}")
    late = "phases:\n  - {id: go, start: 59h, orders: [{unit: lhd-1, do: move, to: sea_b}]}\n"
    m, ev = _run(load, at_b + late)
    assert m["stockout_h.s1.water"] == pytest.approx(10.0)
    assert _of(ev, "restocked", unit="s1")[0]["t"] == pytest.approx(60 * HOUR)


def test_units_aboard_the_ship_draw_from_its_stores(load):
    """A squad aboard the ship for the whole run drinks from the ship's stores: never dry (it is dry from 50 h,
    22 h, with the stores ashore at the beach instead)."""
    aboard = SHIP.replace(
        "{id: s1, type: squad, side: blue, at: beach}", "{id: s1, type: squad, side: blue, aboard: lhd-1}"
    )
    m, _ = _run(load, aboard)
    assert m["stockout_h.s1.water"] == 0.0
    m, _ = _run(load, aboard, "depots.0={id: stores, at: beach, stocks: {water: {initial: 1000, capacity: 1000}}}")
    assert m["stockout_h.s1.water"] == pytest.approx(22.0)


# A boat (not based on the ship) carries water from the ship's stores to the squad; the ship sails at 0 h on a
# 40 h passage (400 km at 10 km/h) and the line starts at 1 h: its origin is under way.
AWAY = (
    SHIP.replace("    - {from: sea_a, to: sea_b, mode: sea, distance_km: 30}\n", "")
    .replace("lhd: {strength: 1, speed_kmh: {sea: 30}", "lhd: {strength: 1, speed_kmh: {sea: 10}")
    .replace("    beach: {kind: beach,", "    far: {kind: anchorage, lat: 50.0, lon: 14.0}\n    beach: {kind: beach,")
    .replace("  routes:\n", "  routes:\n    - {from: sea_a, to: far, mode: sea, distance_km: 400}\n")
    .replace(
        "  - {id: s1, type: squad, side: blue, at: beach}",
        "  - {id: boat, type: craft, side: blue, at: sea_a}\n  - {id: s1, type: squad, side: blue, at: beach}",
    )
    .replace("carries: {water: 100}", "carries: {water: 10}")
    + "supply_lines:\n  - {id: w, transports: [boat], from: stores, to_units: [s1], cargo: {water: 2000},"
    " start: 1h}\n" + "phases:\n  - {id: sail, start: 0h, orders: [{unit: lhd-1, do: move, to: far}]}\n"
)


def test_a_line_whose_origin_is_aboard_a_ship_under_way_waits_and_the_squad_says_why(load):
    """The squad (100 L, 20 L/h) runs dry at 5 h while the ship is under way: the line waits (said once), and
    the stock-out says its transport cannot reach the depot it loads from (not that the origin is empty, or
    that the line is too slow); nothing is loaded while the ship is under way (until 40 h)."""
    _, ev = _run(load, AWAY)
    assert [e["reason"] for e in _of(ev, "line_waiting")] == ["transport_away"]
    dry = [(e["t"], e.get("why")) for e in _of(ev, "stockout", unit="s1")]
    assert dry == [(pytest.approx(5 * HOUR), "transport_away")]
    assert all(e["t"] >= 40 * HOUR for e in _of(ev, "load"))


def test_a_line_whose_origin_ship_arrives_follows_it_and_loads_there(load):
    """The ship arrives at 'far' at 40 h; the line's next try (every 30 min) finds it there, and the boat sails
    400 km (20 h) to it and loads there: the first load 20 h after the first try from 40 h on (40 h or
    40.5 h, as the arrival and the try fall at one instant), at 'far'."""
    _, ev = _run(load, AWAY, "scenario.duration=120h")
    arrived = _of(ev, "arrive", unit="lhd-1", at="far")[0]["t"]
    assert arrived == pytest.approx(40 * HOUR)
    first = _of(ev, "load")[0]["t"]
    assert 60 * HOUR - 1e-6 <= first <= 60.5 * HOUR + 1e-6
    assert [e["at"] for e in _of(ev, "arrive", unit="boat") if e["t"] <= first] == ["far"]


# --- transports as assets: apart ------------------------------------------------------------------------------

# A column of 2 trucks (10 t each, platforms) between two depots 60 km apart; a trip asks for 10 t of water.
TRUCKS = """\
scenario: {name: trucks, duration: 24h, seed: 3}
unit_types:
  trucks: {strength: 2, personnel_per_element: 2, speed_kmh: {land: 60}, cargo_t: 10, load_min: 1h, unload_min: 1h}
map:
  places:
    a: {kind: depot, lat: 40, lon: 50}
    b: {kind: depot, lat: 40.5, lon: 50}
  routes:
    - {from: a, to: b, mode: land, distance_km: 60}
sides: {blue: {}}
units:
  - {id: t1, type: trucks, side: blue, at: a}
logistics: {per_person_day: {}}
depots:
  - {id: src, at: a, stocks: {water: {initial: 1000000, capacity: 1000000}}}
  - {id: dst, at: b, stocks: {water: {initial: 0, capacity: 1000000}}}
supply_lines:
  - {id: w, transports: [t1], from: src, to: dst, cargo: {water: 10000}}
"""


def test_apart_trucks_each_carry_their_share_and_deliver_what_the_column_does(load):
    """Fixed times: a round trip is 4 h (load 1, drive 1, unload 1, back 1): 6 trips in 24 h, 10,000 L each,
    as one column. Apart, each truck loads its half (5,000 L) on every trip: twice the loads, the same water
    delivered, the same utilisation (a fault giving each truck the whole cargo doubles the water)."""
    one, ev1 = _run(load, TRUCKS)
    two, ev2 = _run(load, TRUCKS, "supply_lines.0.apart=true")
    assert [e["cargo"]["water"] for e in _of(ev1, "load")] == [10000.0] * 6
    assert [e["cargo"]["water"] for e in _of(ev2, "load")] == [5000.0] * 12
    assert two["delivered_t.w.water"] == pytest.approx(one["delivered_t.w.water"]) == pytest.approx(60.0)
    assert two["utilisation.t1"] == pytest.approx(one["utilisation.t1"])


def test_apart_trucks_make_their_own_trips(load):
    """With loading times drawn (uniform 30 min to 3 h), each truck leaves when its own loading is done and
    starts its next trip when it is back: the two trucks arrive at b at different times, and in 24 h make
    different numbers of trips; as one column, the unit arrives once per trip."""
    drawn = "unit_types.trucks.load_min={distribution: uniform, min: 30min, max: 3h}"
    _, ev = _run(load, TRUCKS, "supply_lines.0.apart=true", drawn)
    arrivals = sorted(e["t"] for e in _of(ev, "arrive", unit="t1", at="b"))
    assert len(arrivals) == len(set(arrivals))
    firsts = arrivals[:2]
    assert firsts[0] != pytest.approx(firsts[1])
    _, ev1 = _run(load, TRUCKS, drawn)
    assert len(_of(ev1, "load")) < len(_of(ev, "load"))


def test_a_unit_told_together_runs_as_one_even_on_an_apart_line(load):
    _, ev = _run(
        load, TRUCKS.replace("side: blue, at: a}", "side: blue, at: a, together: true}"), "supply_lines.0.apart=true"
    )
    assert [e["cargo"]["water"] for e in _of(ev, "load")] == [10000.0] * 6


def test_a_truck_carried_aboard_the_stores_ship_waits_to_be_landed(load):
    """A truck carried as cargo (no deck of the ship is its) cannot load in the ship and drive off: the line
    waits for it to be landed (said once) instead of loading, failing to leave and ending for good."""
    truck = (
        SHIP.replace(
            "  squad:\n", "  truck: {strength: 1, speed_kmh: {land: 60}, cargo_t: 10, slots_per_element: 1}\n  squad:\n"
        ).replace("  - {id: s1,", "  - {id: tr-1, type: truck, side: blue, aboard: lhd-1}\n  - {id: s1,")
        + "supply_lines:\n  - {id: w, transports: [tr-1], from: stores, to_place: beach, cargo: {water: 2000}}\n"
    )
    _, ev = _run(load, truck)
    assert [e["reason"] for e in _of(ev, "line_waiting")] == ["transport_away"]
    assert not _of(ev, "load") and not _of(ev, "line_stopped") and not _of(ev, "order_failed", unit="tr-1")


@pytest.mark.parametrize(
    ("text", "overrides"),
    [
        (
            "TRUCKS",
            ("supply_lines.0.apart=true", "unit_types.trucks.load_min={distribution: uniform, min: 30min, max: 3h}"),
        ),
        ("SHIP_LINE", ()),
        ("BY_SHIP_LEAVING", ("scenario.duration=96h",)),
    ],
)
def test_supplies_are_conserved_and_runs_repeat(load, text, overrides):
    """Every litre is somewhere (the ledger balances, no stock out of bounds) with assets apart, a line from a
    ship's stores and stores sailing away; and the same seed gives the same run."""
    s = load(
        {"TRUCKS": TRUCKS, "SHIP_LINE": SHIP + TO_BEACH + SHIFT, "BY_SHIP_LEAVING": BY_SHIP + LEAVES}[text], *overrides
    )
    world = build_world(s, 7)
    world.run(until=s.scenario.duration)
    check_balance_and_bounds(world)
    assert run_replication(s, 7).metrics == run_replication(s, 7).metrics


def test_an_empty_depot_of_another_side_is_not_why_a_unit_ran_dry(load):
    """The review read "the village company runs out of water: the depot where it stands is empty" of the blue
    beach dump it may not draw from. A unit of another side at an empty blue depot has no line: 'no_line'."""
    text = SHIP.replace("sides: {blue: {}}", "sides: {blue: {}, aid: {posture: neutral}}")
    text = text.replace("{id: s1, type: squad, side: blue, at: beach}", "{id: s1, type: squad, side: aid, at: beach}")
    text = text.replace(
        "{id: stores, aboard: lhd-1, stocks: {water: {initial: 400000, capacity: 400000}}}",
        "{id: dump, at: beach, side: blue, stocks: {water: {initial: 0, capacity: 1000}}}",
    )
    _, ev = _run(load, text)
    assert [e.get("why") for e in _of(ev, "stockout", unit="s1")] == ["no_line"]
    _, ev = _run(load, text.replace("side: aid, at: beach", "side: blue, at: beach"))
    assert [e.get("why") for e in _of(ev, "stockout", unit="s1")] == ["depot_empty"]
