"""Supply lines to units and to places: deliveries that reach them, triggers, redirection, retries, and why a unit
ran dry. References are worked out by hand from the scenario's numbers (trucks at 60 km/h on 60 km roads, loading
and unloading an hour each, a squad drinking 20 L an hour)."""

from __future__ import annotations

import pytest

from sim.errors import ScenarioError
from sim.experiment import build_world, run_replication
from sim.models import logistics
from tests.models.test_logistics import check_balance_and_bounds

# A depot at a; a squad at b drinking 2 L per element-hour (10 elements: 20 L/h, 1000 L carried: dry at 50 h);
# a truck of 10 t loading 1 h, driving 1 h each way, unloading 1 h.
BASE = """\
scenario: {name: dist, duration: 72h}
unit_types:
  truck: {strength: 1, speed_kmh: {land: 60}, cargo_t: 10, load_min: 1h, unload_min: 1h}
  squad:
    strength: 10
    speed_kmh: {land: 30}
    carries: {water: 100}
    consumption: {idle: {water: 2}, moving: {water: 2}}
map:
  places:
    a: {kind: depot, lat: 40, lon: 50}
    b: {kind: training_area, lat: 40.5, lon: 50}
    c: {kind: training_area, lat: 39.5, lon: 50}
  routes:
    - {id: ab, from: a, to: b, mode: land, distance_km: 60}
    - {id: ac, from: a, to: c, mode: land, distance_km: 60}
    - {id: bc, from: b, to: c, mode: land, distance_km: 60}
sides:
  blue: {}
units:
  - {id: t1, type: truck, side: blue, at: a}
  - {id: s1, type: squad, side: blue, at: b}
logistics: {per_person_day: {}}
depots:
  - {id: src, at: a, stocks: {water: {initial: 1000000, capacity: 1000000}}}
"""
TO_S1 = "supply_lines:\n  - {id: w, transports: [t1], from: src, to_units: [s1], cargo: {water: 500}}\n"
HOUR = 60.0


def _events(s, kind):
    return [e for e in run_replication(s, 1, trace=True).events if e["kind"] == kind]


def test_a_line_to_units_keeps_them_supplied_and_follows_them(load):
    """The squad moves to c at 10 h; the truck finds it there. It never runs dry, and what it was given is what it
    drank less what it lost of its own stock (the balance, by hand); a fault that delivered to the place it
    started at, or to no tank, would leave it dry."""
    moved = BASE + TO_S1 + "phases:\n  - {id: go, start: 10h, orders: [{unit: s1, do: move, to: c}]}\n"
    s = load(moved)
    world = build_world(s, 1, trace=True)
    world.run(until=s.scenario.duration)
    check_balance_and_bounds(world)
    tank = logistics.state(world).tanks["s1"]["water"]
    tank.settle()
    r = run_replication(s, 1, trace=True)
    m = r.metrics
    # without the line: 1000 L at 20 L/h lasts 50 h, so 22 h dry in 72 h
    assert run_replication(load(moved.replace(TO_S1, "")), 1).metrics["stockout_h.s1.water"] == pytest.approx(22.0)
    assert m["stockout_h.s1.water"] == 0.0
    assert m["consumed.water"] == pytest.approx(20 * 72)
    assert m["delivered.water.s1"] == pytest.approx(20 * 72 - (1000 - tank.level))
    late = [e for e in r.events if e["kind"] == "deliver" and e["t"] > 12 * HOUR]
    arrivals = {e["at"] for e in r.events if e["kind"] == "arrive" and e["unit"] == "t1" and e["t"] > 12 * HOUR}
    assert late and arrivals == {"a", "c"}  # after the move the truck drives to c, never to b


def test_a_line_to_a_place_tops_up_the_units_there_then_puts_the_rest_in_its_depots(load):
    """First trip: loaded 0-1 h, at b by 2 h, unloaded by 3 h... the squad has drunk 20 L/h for 4 h when the cargo
    is handed over (unloading ends at 4 h: the load at 1-2 h after the truck's first hour of loading)."""
    s = load(
        BASE.replace(
            "  - {id: src,", "  - {id: camp, at: b, stocks: {water: {initial: 0, capacity: 100000}}}\n  - {id: src,"
        )
        + "supply_lines:\n  - {id: w, transports: [t1], from: src, to_place: b, cargo: {water: 500}}\n"
    )
    first = _events(s, "deliver")[0]
    world = build_world(s, 1)
    world.run(until=first["t"] + 1e-6)
    ls = logistics.state(world)
    tank = ls.tanks["s1"]["water"]
    tank.settle()
    drunk = 20 * first["t"] / HOUR
    assert tank.level == pytest.approx(1000)  # topped up to full
    assert ls.depots["camp"].level("water") == pytest.approx(500 - drunk)  # the rest into the camp's depot
    assert first["at"] == "b" and first["left"] == {"water": 0.0}
    m = run_replication(s, 1).metrics
    assert m["delivered.water.b"] == pytest.approx(1000 * m["delivered_t.w.water"])


def test_when_holds_the_first_trip_until_the_trigger(load):
    """A line with when: fired: go loads first when the inject fires at 10 h (its transport is at the origin)."""
    line = TO_S1.replace("}}\n", "}, when: {fired: go}}\n")
    s = load(BASE + line + "injects:\n  - {id: go, at: 10h, message: go}\n")
    assert _events(s, "load")[0]["t"] == pytest.approx(10 * HOUR)
    s = load(BASE + line.replace("fired: go", "phase_done: p") + "phases:\n  - {id: p, start: 7h}\n")
    assert _events(s, "load")[0]["t"] == pytest.approx(7 * HOUR)


def test_a_decision_redirects_a_line_from_its_next_trip(load):
    """A second squad at c; at 5 h the decision sends the line to c. Taken, the trips after it go to c and none
    before; not taken (the default), nothing reaches c."""
    decision = """\
decision_points:
  - id: where
    at: 5h
    default: stay
    options:
      stay: {}
      move: {effects: [{type: redirect_supply, line: w, to_place: c}]}
"""
    text = BASE.replace("  - {id: s1,", "  - {id: s2, type: squad, side: blue, at: c}\n  - {id: s1,") + TO_S1
    stay = run_replication(load(text + decision), 1, trace=True)
    move = run_replication(load(text + decision, "decisions.where=move"), 1, trace=True)
    assert stay.metrics["delivered.water.c"] == 0.0
    assert move.metrics["delivered.water.c"] > 0.0
    to_c = [e["t"] for e in move.events if e["kind"] == "deliver" and e["at"] == "c"]
    to_s1 = [e["t"] for e in move.events if e["kind"] == "deliver" and e["at"] == "s1"]
    assert min(to_c) > 5 * HOUR and max(to_s1) < 5 * HOUR
    assert any(e["kind"] == "line_redirected" for e in move.events)


LANDING = """\
scenario: {name: landing, duration: 24h}
unit_types:
  truck: {strength: 1, speed_kmh: {land: 60}, cargo_t: 10, load_min: 1h, unload_min: 1h, slots_per_element: 1}
  ship: {strength: 1, speed_kmh: {sea: 20}, deck_slots: 4, load_min: 30min, unload_min: 30min}
map:
  places:
    p: {kind: port, lat: 41, lon: 51}
    a: {kind: beach, lat: 40, lon: 50}
    b: {kind: depot, lat: 40.5, lon: 50}
  routes:
    - {id: pa, from: p, to: a, mode: sea, distance_km: 40}
    - {id: ab, from: a, to: b, mode: land, distance_km: 60}
sides:
  blue: {}
units:
  - {id: ship, type: ship, side: blue, at: p}
  - {id: t1, type: truck, side: blue, at: p}
depots:
  - {id: src, at: a, stocks: {water: {initial: 100000, capacity: 100000}}}
  - {id: camp, at: b, stocks: {water: {initial: 0, capacity: 100000}}}
supply_lines:
  - {id: w, transports: [t1], from: src, to: camp, cargo: {water: 500}}
phases:
  - {id: land, start: 2h, orders: [{unit: ship, do: lift, units: [t1], to: a}]}
"""


def test_a_trip_that_cannot_start_waits_for_its_transport_to_land_and_retries(load):
    """The truck starts at a port with no road to its depot, until a ship lands it there. Today's line stopped
    for good at once (nothing ever delivered); it waits, says so once, and loads first after the landing."""
    r = run_replication(load(LANDING), 1, trace=True)
    landed = min(e["t"] for e in r.events if e["kind"] == "disembark")
    waits = [e for e in r.events if e["kind"] == "line_waiting"]
    assert [w["reason"] for w in waits] == ["transport_away"]
    assert _first(r.events, "load") >= landed > 2 * HOUR
    assert r.metrics["delivered_t.w.water"] > 0


def _first(events, kind):
    return min(e["t"] for e in events if e["kind"] == kind)


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        ("", "no_line"),
        (
            "supply_lines:\n  - {id: w, transports: [t1], from: src, to_units: [s1], cargo: {water: 500},"
            " when: {fired: never}}\ninjects:\n  - {id: never, at: 100h}\n",
            "not_started",
        ),
        (TO_S1, None),  # supplied: never dry
    ],
)
def test_the_event_of_running_dry_says_why(load, extra, why):
    s = load(BASE + extra)
    dry = [e for e in run_replication(s, 1, trace=True).events if e["kind"] == "stockout"]
    assert [e.get("why") for e in dry] == ([why] if why else [])


def test_an_empty_origin_is_why_when_the_line_has_nothing_to_send(load):
    s = load(BASE.replace("initial: 1000000, capacity", "initial: 100, capacity") + TO_S1)
    dry = _events(s, "stockout")
    assert [e["why"] for e in dry] == ["origin_empty"]


def test_the_story_tells_why_in_both_languages(load):
    from sim.present.i18n import language
    from sim.present.story import Narrator

    s = load(BASE)
    events = [{"t": 3000.0, "kind": "stockout", "unit": "s1", "cls": "water", "why": "no_line"}]
    en = [ln.text for ln in Narrator(s, language("en")).feed(events)]
    ru = [ln.text for ln in Narrator(s, language("ru")).feed(events)]
    assert en == ["s1 runs out of water: no supply line serves it."]
    assert "s1" in ru[0] and "no supply line" not in ru[0]


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("{id: w, transports: [t1], from: src, to: src, to_place: b, cargo: {water: 5}}", "exactly one destination"),
        ("{id: w, transports: [t1], from: src, cargo: {water: 5}}", "exactly one destination"),
        ("{id: w, transports: [t1], from: src, to_place: nowhere, cargo: {water: 5}}", "unknown place 'nowhere'"),
        ("{id: w, transports: [t1], from: src, to_units: [s9], cargo: {water: 5}}", "unknown unit 's9'"),
        ("{id: w, transports: [t1], from: src, to_place: b, dispatch: reorder, cargo: {water: 5}}", "reorder"),
    ],
)
def test_a_line_names_exactly_one_destination_that_exists(load, line, words):
    with pytest.raises(ScenarioError) as e:
        load(BASE + "supply_lines:\n  - " + line + "\n")
    assert words in str(e.value) and "supply_lines" in str(e.value)


def test_a_redirection_names_a_line_and_a_destination_that_exist(load):
    bad = "injects:\n  - {id: x, at: 1h, effects: [{type: redirect_supply, line: nope, to_place: c}]}\n"
    with pytest.raises(ScenarioError) as e:
        load(BASE + TO_S1 + bad)
    assert "unknown supply line 'nope'" in str(e.value)


def test_the_story_tells_deliveries_to_units_and_places_waits_and_redirections(load):
    """As sim/models/supply_lines.py writes them: a delivery names the unit or the place (not a depot, which
    would show the id in parentheses), a wait its reason, a redirection where the line goes now."""
    from sim.present.i18n import language
    from sim.present.story import Narrator

    s = load(BASE + TO_S1)
    events = [
        {"t": 60.0, "kind": "load", "line": "w", "transport": "t1", "cargo": {"water": 500.0}},
        {"t": 240.0, "kind": "deliver", "line": "w", "transport": "t1", "at": "s1", "unit": True, "left": {}},
        {"t": 300.0, "kind": "load", "line": "w", "transport": "t1", "cargo": {"water": 500.0}},
        {"t": 480.0, "kind": "deliver", "line": "w", "transport": "t1", "at": "b", "unit": False, "left": {}},
        {"t": 500.0, "kind": "line_waiting", "line": "w", "transport": "t1", "reason": "transport_away"},
        {"t": 600.0, "kind": "line_redirected", "line": "w", "to": "c", "units": False},
    ]
    en = [ln.text for ln in Narrator(s, language("en")).feed(events)]
    assert en == [
        "t1 delivers 500 L of water to s1 (supply line w).",
        "t1 delivers 500 L of water to b (supply line w).",
        "Supply line w waits: the line's transports cannot reach the depot they load from (aboard, or away).",
        "Supply line w now delivers to c.",
    ]
