"""Ships are platforms: units embarked at the start move with their ship; helicopters and landing craft
operate from its flight or well deck wherever it is, queueing for the deck; a medical facility aboard a ship
moves with it and evacuation legs go to wherever it is (issue 30, scope 1)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sim.errors import ScenarioError
from sim.experiment import run_replication
from sim.experiment.runner import build_world
from sim.present.i18n import language
from sim.present.plan import plan_lines
from sim.present.story import Narrator

SEA_BASE = """\
scenario: {name: Sea base, duration: 24h, seed: 1}
unit_types:
  lhd: {strength: 1, speed_kmh: {sea: 30}, capacity_personnel: 400, deck_slots: 10,
        flight_deck: {spots: 1, cycle: 15min}, well_deck: {craft: 1, cycle: 30min}}
  helo: {strength: 1, speed_kmh: {air: 240}, capacity_personnel: 20, litters: 4, load_min: 10min, unload_min: 10min}
  craft: {strength: 1, speed_kmh: {sea: 20}, capacity_personnel: 100, load_min: 20min, unload_min: 20min}
  marines: {strength: 80, speed_kmh: {land: 4}}
map:
  places:
    sea_a: {kind: anchorage, lat: 54.0, lon: 14.0}
    sea_b: {kind: anchorage, lat: 54.2, lon: 14.0}
    beach: {kind: beach, lat: 54.1, lon: 14.3}
  routes:
    - {from: sea_a, to: sea_b, mode: sea, distance_km: 30}
    - {from: sea_a, to: beach, mode: sea, distance_km: 20}
    - {from: sea_b, to: beach, mode: sea, distance_km: 20}
    - {from: sea_a, to: beach, mode: air, distance_km: 20}
    - {from: sea_b, to: beach, mode: air, distance_km: 20}
    - {from: sea_a, to: sea_b, mode: air, distance_km: 30}
sides: {blue: {}}
units:
  - {id: lhd-1, type: lhd, side: blue, at: sea_a}
  - {id: lcu-1, type: craft, side: blue, aboard: lhd-1}
  - {id: hel-1, type: helo, side: blue, aboard: lhd-1}
  - {id: hel-2, type: helo, side: blue, aboard: lhd-1}
  - {id: mar-1, type: marines, side: blue, aboard: lhd-1}
  - {id: mar-2, type: marines, side: blue, aboard: lhd-1}
"""

SHIFT_AND_LAND = """\
phases:
  - id: shift
    start: 0h
    orders: [{unit: lhd-1, do: move, to: sea_b}]
  - id: land
    after: shift
    orders: [{unit: lcu-1, do: lift, units: [mar-1, mar-2], to: beach}]
"""


def _run(load, text: str, *overrides: str):
    s = load(text, *overrides)
    r = run_replication(s, 1, trace=True)
    return s, r.metrics, r.events


def _kinds(events, kind: str) -> list[dict]:
    return [e for e in events if e["kind"] == kind]


def test_embarked_units_start_aboard_where_the_ship_is(load):
    s = load(SEA_BASE)
    assert {u.id: u.at for u in s.units}["hel-1"] == "sea_a"  # at: left out: it is where its carrier is
    w = build_world(s, 1, 0, False, None)
    assert w.units["mar-1"].location is None and w.units["mar-1"].aboard == "lhd-1"
    assert [u.id for u in w.units["lhd-1"].carrying] == ["lcu-1", "hel-1", "hel-2", "mar-1", "mar-2"]


def test_landing_craft_shuttle_from_the_ship_wherever_it_is(load):
    """The ship sails to sea_b first: the craft launches and is recovered there, never at sea_a, and both
    companies land on the beach in two trips."""
    _, m, ev = _run(load, SEA_BASE + SHIFT_AND_LAND)
    launches, recoveries = _kinds(ev, "launch"), _kinds(ev, "recover")
    assert [(e["unit"], e["at"]) for e in launches] == [("lcu-1", "sea_b"), ("lcu-1", "sea_b")]
    assert [(e["unit"], e["at"]) for e in recoveries] == [("lcu-1", "sea_b"), ("lcu-1", "sea_b")]
    assert sorted(e["unit"] for e in _kinds(ev, "disembark") if e["at"] == "beach") == ["mar-1", "mar-2"]
    assert _kinds(ev, "lift_done")[0]["trips"] == 2
    # each launch and recovery holds the one well-deck spot for 30 min; the craft crosses 20 km at 20 km/h
    first, back = launches[0]["t"], recoveries[0]["t"]
    assert back - first == pytest.approx(30 + 60 + 20 + 60)
    assert m["deck_wait_h.lhd-1"] == 0.0  # one craft, one spot: it never waits


def test_the_flight_deck_queues_launches(load):
    """Two helicopters ordered off at once through one spot held 15 min: the second waits 15 min, so the mean
    wait is 7.5 min; with two spots nobody waits."""
    orders = """\
phases:
  - {id: go, start: 0h, orders: [{unit: hel-1, do: move, to: beach}, {unit: hel-2, do: move, to: beach}]}
"""
    _, m, ev = _run(load, SEA_BASE + orders)
    assert [e["t"] for e in _kinds(ev, "launch")] == [0.0, 15.0]
    assert m["deck_wait_h.lhd-1"] == pytest.approx(7.5 / 60)
    _, m2, _ = _run(load, SEA_BASE + orders, "unit_types.lhd.flight_deck.spots=2")
    assert m2["deck_wait_h.lhd-1"] == 0.0


def test_an_embarked_unit_moves_with_its_ship_and_lands_where_it_is(load):
    orders = """\
phases:
  - {id: shift, start: 0h, orders: [{unit: lhd-1, do: move, to: sea_b}]}
  - {id: off, after: shift, orders: [{unit: mar-1, do: disembark}]}
"""
    _, _, ev = _run(load, SEA_BASE + orders)
    assert [e["at"] for e in _kinds(ev, "disembark") if e["unit"] == "mar-1"] == ["sea_b"]


HOSPITAL_SHIP = """\
  - {id: comfort, type: lhd, side: blue, at: sea_a}
  - {id: medevac-1, type: helo, side: blue, at: beach}
phases:
  - {id: sail, start: 0h, orders: [{unit: comfort, do: move, to: sea_b}]}
medical:
  dnbi_per_1000_per_day: 0
  first_aid: 0
  facilities:
    - {id: aid, role: 1, at: beach, treatment: 10min, next: ship}
    - {id: ship, role: 3, aboard: comfort, treatment: 2h, teams: 4}
  evacuation:
    - {to: ship, assets: [medevac-1]}
  mass_casualties:
    - {at: 2h, place: beach, count: 4}
  triage_mix:
    combat: {T1: 1.0}
"""


def test_evacuation_goes_to_the_hospital_ship_wherever_it_is(load):
    """The hospital ship sails from sea_a to sea_b in the first hour: casualties hurt at 2 h are flown to
    sea_b, where it is then, and treated aboard it."""
    _, m, ev = _run(load, SEA_BASE + HOSPITAL_SHIP)
    assert next(e["at"] for e in _kinds(ev, "arrive") if e["unit"] == "medevac-1") == "sea_b"
    assert {e["to"] for e in _kinds(ev, "medevac")} == {"ship"}
    assert m["evacuated"] + m["died_of_wounds"] == 4 and m["evacuated"] > 0


def test_a_facility_aboard_gives_the_place_of_its_ship_to_the_checks(load):
    """A leg from a Role 1 at the ship's place to a facility aboard it is still a leg: it is not 'at' there."""
    with pytest.raises(ScenarioError, match="ship is aboard comfort, not at beach: add an evacuation leg"):
        load(
            SEA_BASE
            + HOSPITAL_SHIP.replace("    - {to: ship, assets: [medevac-1]}\n", "    []\n").replace(
                "  evacuation:\n    []\n", ""
            )
        )


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ("units.1.aboard=lhd-9", "units.1", "aboard: lhd-9 is no unit of this scenario"),
        ("units.1.aboard=null", "units.1", "give at: (the place where it starts) or aboard: (the unit it starts on)"),
        ("units.0.aboard=hel-1", "units.0.aboard", "aboard one another in a cycle"),
        ("units.1.aboard=lcu-1", "units.1", "a unit cannot be aboard itself"),
        ("units.4.aboard=hel-1", "units.4.aboard", "hel-1 is over capacity: 80 people aboard, room for 20 people"),
        ("units.1.aboard=mar-2", "units.1.aboard", "mar-2 (marines) carries nothing"),
        ("units.1.at=beach", "units.1.at", "lcu-1 is aboard lhd-1, which starts at sea_a (leave at: out)"),
        (
            "medical.facilities.1={id: ship, role: 3, at: comfort, treatment: 2h}",
            "medical.facilities.1.at",
            "comfort is a unit, not a place: a facility aboard it takes aboard: comfort",
        ),
        ("medical.facilities.1.at=sea_a", "medical.facilities.1", "give exactly one of at: (a place) and aboard:"),
    ],
)
def test_embarking_mistakes_are_one_clear_line(load, change, field, words):
    with pytest.raises(ScenarioError) as err:
        load(SEA_BASE + HOSPITAL_SHIP, change)
    text = str(err.value)
    assert f"{field}:" in text and words in text, text


def test_existing_behaviour_without_decks_is_unchanged(load):
    """A helicopter aboard a ship without a flight deck is cargo: it does not launch, and lands by disembark."""
    orders = "phases:\n  - {id: off, start: 0h, orders: [{unit: hel-1, do: disembark}]}\n"
    _, m, ev = _run(load, SEA_BASE + orders, "unit_types.lhd.flight_deck=null")
    assert not _kinds(ev, "launch") and "deck_wait_h.lhd-1" in m  # the craft still uses the well deck
    assert math.isnan(m["deck_wait_h.lhd-1"])


def test_the_docs_example_is_the_one_tested():
    """docs/platforms.md's whole example is the scenario these tests run, so the page shows what runs."""
    page = (Path(__file__).parents[2] / "docs" / "platforms.md").read_text(encoding="utf-8")
    example = page.split("## A whole example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    assert example == SEA_BASE + SHIFT_AND_LAND


def test_the_plan_shuttles_from_the_ship_where_it_will_be(load):
    """check --plan: the craft's trips start where the ship will have sailed (sea_b), not where it starts."""
    lines = plan_lines(load(SEA_BASE + SHIFT_AND_LAND))
    assert "  lcu-1 (craft, room for 100 people): sea_b → beach, 20 km, 1h each way" in lines
    assert any("lcu-1 lift: mar-1, mar-2 → beach in 2 trips" in line for line in lines)


@pytest.mark.parametrize(
    ("lang", "launched", "recovered"),
    [
        ("en", "lcu-1 launches from lhd-1 at sea_b.", "lcu-1 is recovered aboard lhd-1 at sea_b."),
        (
            "ru",
            "lcu-1 сходит с борта в пункте «sea_b»; корабль-носитель: lhd-1.",
            "lcu-1 принимается на борт в пункте «sea_b»; корабль-носитель: lhd-1.",
        ),
    ],
)
def test_the_story_tells_launches_and_recoveries(load, lang, launched, recovered):
    s, _, ev = _run(load, SEA_BASE + SHIFT_AND_LAND)
    told = [line.text for line in Narrator(s, language(lang)).feed(ev)]
    assert launched in told and recovered in told


def test_a_medevac_helicopter_flies_from_the_hospital_ship_and_back_to_it(load):
    """The MEDEVAC helicopter is embarked on the hospital ship: it launches from the ship where it has sailed
    (sea_b), and after its missions is recovered to it there, through its flight deck."""
    text = (SEA_BASE + HOSPITAL_SHIP).replace(
        "  - {id: medevac-1, type: helo, side: blue, at: beach}",
        "  - {id: medevac-1, type: helo, side: blue, aboard: comfort}",
    )
    _, m, ev = _run(load, text)
    mine = [(e["kind"], e["at"]) for e in ev if e["kind"] in ("launch", "recover") and e["unit"] == "medevac-1"]
    assert mine and set(mine) == {("launch", "sea_b"), ("recover", "sea_b")}
    assert mine[0][0] == "launch" and mine[-1][0] == "recover"
    assert m["deck_wait_h.comfort"] >= 0 and m["evacuated"] > 0


def test_the_story_knows_who_is_aboard_from_the_start(load):
    s, _, ev = _run(load, SEA_BASE + SHIFT_AND_LAND)
    told = [line.text for line in Narrator(s, language("en")).feed(ev)]
    assert "lhd-1 sets out from sea_a for sea_b with lcu-1, hel-1, hel-2, mar-1, mar-2 (due H+1:00)." in told
    assert "lcu-1 sets out from sea_b for beach with mar-1 (due H+2:50)." in told
