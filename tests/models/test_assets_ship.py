"""Aircraft and landing craft of a unit based on a ship fly apart (issue 30, scopes 1 and 2): a unit of N
helicopters embarked with ``aboard:`` on a ship with a flight deck is N assets, each aboard the ship as the unit
is, each launched and recovered through the deck on its own, queueing for the deck's spots; ``check --plan``
counts the deck cycles. The expected times are worked out by hand from the small scenario below."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sim.check import load_scenario
from sim.engine.assets import assets
from sim.engine.units import UnitState
from sim.experiment import build_world
from sim.models import decks
from sim.present.i18n import language
from sim.present.plan import plan_lines
from tests.models.test_platforms import SEA_BASE, SHIFT_AND_LAND  # the docs' example, tested there

# Four helicopters of 20 seats on a ship with a flight deck of SPOTS spots, each launch and recovery holding a
# spot 15 min; 80 marines aboard, one load of 20 for each aircraft. 120 km at 240 km/h: 30 min each way; load
# and unload 10 min each.
SHIP = """\
scenario: {name: deck, duration: 1d, seed: 1}
unit_types:
  lhd: {strength: 1, speed_kmh: {sea: 30}, capacity_personnel: 400, flight_deck: {spots: SPOTS, cycle: 15min}}
  helo: {strength: 4, personnel_per_element: 3, speed_kmh: {air: 240}, capacity_personnel: 20, litters: 2,
         load_min: 10min, unload_min: 10min}
  marines: {strength: 80, speed_kmh: {land: 4}}
map:
  places:
    sea_a: {kind: anchorage, lat: 54.0, lon: 14.0}
    sea_b: {kind: anchorage, lat: 54.2, lon: 14.0}
    lz: {kind: training_area, lat: 54.1, lon: 15.0}
  routes:
    - {from: sea_a, to: sea_b, mode: sea, distance_km: 30}
    - {from: sea_a, to: lz, mode: air, distance_km: 120}
    - {from: sea_b, to: lz, mode: air, distance_km: 120}
sides: {blue: {}}
units:
  - {id: lhd-1, type: lhd, side: blue, at: sea_a}
  - {id: hel, type: helo, side: blue, aboard: lhd-1TOGETHER}
  - {id: mar, type: marines, side: blue, aboard: lhd-1}
phases:
  - id: land
    orders: [{unit: hel, do: lift, units: [mar], to: lz}]
"""
LOAD, CYCLE, FLY, UNLOAD, AIRCRAFT = 10, 15, 30, 10, 4


def _world(load, spots: int = 1, together: bool = False, text: str = SHIP):
    text = text.replace("SPOTS", str(spots)).replace("TOGETHER", ", together: true" if together else "")
    return build_world(load(text), 1, trace=True)


def _run(load, spots: int = 1, together: bool = False, text: str = SHIP):
    world = _world(load, spots, together, text)
    world.run()
    return world, world.log.records


def _deck_wait_h(world) -> float:
    waits = [w for deck in world.platforms.decks.values() for w in deck.waits]
    return sum(waits) / len(waits) / 60


def test_the_aircraft_of_a_unit_aboard_are_aboard_as_the_unit_is(load):
    """Today's code gives ``[hel]``: the unit aboard flies as one aircraft of 80 seats."""
    world = _world(load)
    unit = world.units["hel"]
    mine = assets(world, unit)
    assert len(mine) == AIRCRAFT and unit not in mine
    for a in mine:
        assert (a.location, a.aboard, a.base, a.state) == (None, "lhd-1", "lhd-1", UnitState.ABOARD)
    # the ship's room counts the unit (as before), not its aircraft a second time
    assert [u.id for u in world.units["lhd-1"].carrying] == ["hel", "mar"]
    assert len(assets(world, world.units["mar"])) == 1  # marines are people, not platforms: one unit


@pytest.mark.parametrize("spots", [1, 4])
def test_the_deck_spots_pace_the_launches_and_the_lift(load, spots):
    """All four load at once (10 min) and ask for the deck at 10 min. Through one spot they go off one per
    cycle: aircraft k (0-based) waits k·15 min, so the last is off at 10 + 4·15 = 70 and lands its marines at
    70 + 30 + 10 = 110; the launch waits are 0, 15, 30, 45. They come back 15 min apart, each as the one before
    it leaves the spot: recovery waits are 0. Mean wait 90 / 8 = 11.25 min. Through four spots all are off at
    25 and across at 65, and nobody waits. (Today's code flies one aircraft: across at 65, never waiting.)"""
    world, rec = _run(load, spots)
    rounds = math.ceil(AIRCRAFT / spots)
    finish = LOAD + rounds * CYCLE + FLY + UNLOAD
    assert finish == {1: 110, 4: 65}[spots]
    (done,) = [e for e in rec if e["kind"] == "lift_done"]
    assert done["t"] == pytest.approx(finish) and done["trips"] == AIRCRAFT
    assert [e["t"] for e in rec if e["kind"] == "disembark" and e["unit"] == "mar"] == [pytest.approx(finish)]
    launches = sorted(e["t"] for e in rec if e["kind"] == "launch")
    assert launches == pytest.approx([LOAD + (k // spots) * CYCLE for k in range(AIRCRAFT)])
    launch_waits = [(k // spots) * CYCLE for k in range(AIRCRAFT)]
    expected_h = sum(launch_waits) / (2 * AIRCRAFT) / 60  # four launches and four recoveries, these never wait
    assert expected_h == {1: 11.25 / 60, 4: 0.0}[spots]
    assert _deck_wait_h(world) == pytest.approx(expected_h)
    assert decks.metrics(world)["deck_wait_h.lhd-1"] == pytest.approx(expected_h)
    # every aircraft is recovered, and the unit is aboard again with all of them
    assert len([e for e in rec if e["kind"] == "recover"]) == AIRCRAFT
    unit = world.units["hel"]
    assert unit.aboard == "lhd-1" and all(a.aboard == "lhd-1" for a in assets(world, unit))


def test_together_the_unit_launches_once(load):
    """``together: true``: one launch, one trip of 80 seats, across at 10 + 15 + 30 + 10 = 65 through one spot."""
    _, rec = _run(load, 1, together=True)
    assert len([e for e in rec if e["kind"] == "launch"]) == 1
    (done,) = [e for e in rec if e["kind"] == "lift_done"]
    assert done["t"] == pytest.approx(LOAD + CYCLE + FLY + UNLOAD) and done["trips"] == 1


def test_the_aircraft_launch_from_the_ship_wherever_it_is(load):
    """The ship sails to sea_b first (30 km at 30 km/h, 1 h): every aircraft launches and is recovered there."""
    text = SHIP.replace(
        "phases:\n  - id: land\n",
        "phases:\n  - {id: shift, orders: [{unit: lhd-1, do: move, to: sea_b}]}\n  - id: land\n    after: shift\n",
    )
    _, rec = _run(load, 4, text=text)
    at = {(e["kind"], e["at"]) for e in rec if e["kind"] in ("launch", "recover")}
    assert at == {("launch", "sea_b"), ("recover", "sea_b")}
    assert min(e["t"] for e in rec if e["kind"] == "launch") == pytest.approx(60 + LOAD)


def test_without_return_the_unit_is_where_its_aircraft_are(load):
    """``return: false``: the four stay at lz after their one trip each; so does the unit, off the ship."""
    text = SHIP.replace("to: lz}]", "to: lz, return: false}]")
    world, rec = _run(load, 4, text=text)
    unit = world.units["hel"]
    assert not [e for e in rec if e["kind"] == "recover"]
    assert (unit.location, unit.aboard) == ("lz", None) and unit not in world.units["lhd-1"].carrying


CASEVAC = """\
  - {id: coy, type: marines, side: blue, at: lz}
medical:
  dnbi_per_1000_per_day: 0
  triage_mix: {combat: {T2: 1.0}}
  hazard: {}
  mass_casualties: [{at: 1h, place: lz, count: 2}]
  facilities:
    - {id: aid, role: 1, at: lz, teams: 10, treatment: {distribution: deterministic, value: 1min}, next: ship}
    - {id: ship, role: 2, aboard: lhd-1, teams: 10, treatment: 20h}
  evacuation:
    - {to: ship, assets: [hel]}
"""


@pytest.mark.parametrize(("together", "flights"), [(False, [1, 1]), (True, [2])])
def test_ship_based_casevac_aircraft_fly_apart(load, together, flights):
    """Two one-litter aircraft of a unit aboard, two casualties ready at 61 min. Apart, both launch at 61 (four
    spots) and each flies one casualty; together (today's code for any unit aboard), the unit launches once and
    flies both in one mission of two litters."""
    text = SHIP.replace("  - id: land\n    orders: [{unit: hel, do: lift, units: [mar], to: lz}]\n", "")
    text = (
        text.replace("phases:\n", "")
        .replace("helo: {strength: 4", "helo: {strength: 2")
        .replace("litters: 2", "litters: 1")
    )
    _, rec = _run(load, 4, together=together, text=text + CASEVAC)
    assert [e["t"] for e in rec if e["kind"] == "launch"] == [61.0] * len(flights)
    assert sorted(len(e["casualties"]) for e in rec if e["kind"] == "medevac") == flights
    assert len([e for e in rec if e["kind"] == "recover"]) == len(flights)  # each back aboard through the deck


def test_the_plan_counts_the_deck_cycles(load):
    """check --plan: the wave of four through one spot is 4 launch cycles (1h) and, on the way back, 4 recovery
    cycles; through four spots, one cycle each way. The total: load 10 + launch + travel 30 + unload 10 + back 30
    + recovery. Less its way back (back and recoveries), it is when the run's lift is done: 200 - 30 - 60 = 110
    through one spot, 110 - 30 - 15 = 65 through four."""
    wave = (
        "    wave 1: mar (20), mar (20), mar (20), mar (20): "
        "load 10min, launch {d}, travel 30min, unload 10min, back 30min, recovery {d}"
    )
    for spots, deck, total, finish in ((1, "1h", "3h20min", 110), (4, "15min", "1h50min", 65)):
        lines = plan_lines(load(SHIP.replace("SPOTS", str(spots)).replace("TOGETHER", "")))
        assert wave.format(d=deck) in lines, lines
        assert any(f"mar → lz in 1 wave, {total} in all" in line for line in lines)
        _, rec = _run(load, spots)
        assert [e["t"] for e in rec if e["kind"] == "lift_done"] == [pytest.approx(finish)]


def test_the_plan_counts_the_well_deck_cycle_of_each_trip(load):
    """One landing craft through a one-craft well deck of 30 min (docs/platforms.md's example): each trip is load
    20 + launch 30 + 1h + unload 20 + back 1h + recovery 30 = 3h40min, two trips 7h20min; the run's craft is
    recovered 30 + 60 + 20 + 60 after it launched (test_platforms)."""
    lines = plan_lines(load(SEA_BASE + SHIFT_AND_LAND))
    assert "    through the well deck of lhd-1: 1 craft at a time, 30min a launch or a recovery" in lines, lines
    trip = "trip {k} of 2: {m} (80 people): load 20min, launch 30min, travel 1h, unload 20min, back 1h, recovery 30min"
    assert "    " + trip.format(k=1, m="mar-1") in lines and "    " + trip.format(k=2, m="mar-2") in lines
    assert any("lcu-1 lift: mar-1, mar-2 → beach in 2 trips, 7h20min in all" in line for line in lines)
    # in Russian too
    ru = plan_lines(load(SEA_BASE + SHIFT_AND_LAND), language("ru"))
    assert any("доков" in line and "lhd-1" in line for line in ru), ru


def test_the_plan_of_the_sea_base_landing_shows_its_deck_cycles():
    """The shipped landing: the tiltrotors' two waves from the LHD's six spots (four aircraft, one cycle of 15 min
    each way), and the LCU's one trip through the LPD's well deck (30 min each way)."""
    lines = plan_lines(load_scenario("sea_base_landing").scenario)
    assert "    from the flight deck of lhd-1: 6 spots, 15min a launch or a recovery" in lines
    wave1 = (
        "    wave 1: mar-2 (24), mar-2 (24), mar-2 (24), mar-2 (24): "
        "load 10min, launch 15min, travel 3min, unload 5min, back 3min, recovery 15min"
    )
    assert wave1 in lines
    assert any(
        line.startswith("    trip 1 of 1: mar-1, mar-3 (240 people): load 45min, launch 30min, travel 56min")
        for line in lines
    )


def test_the_docs_show_the_plan_as_it_is_printed(load):
    """docs/platforms.md shows the plan of this file's scenario through one spot, as plan_lines prints it."""
    page = (Path(__file__).parents[2] / "docs" / "platforms.md").read_text(encoding="utf-8")
    section = page.split("## A unit of several aircraft or craft aboard", 1)[1]
    shown = section.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    lines = plan_lines(load(SHIP.replace("SPOTS", "1").replace("TOGETHER", "")))
    start = lines.index(shown[0])
    assert lines[start : start + len(shown)] == shown


@pytest.mark.parametrize(("craft", "done_at"), [(1, 220), (2, 190)])
def test_landing_craft_of_a_unit_go_through_the_well_deck_apart(load, craft, done_at):
    """docs/platforms.md's example with a pair of landing craft (strength 2): the ship reaches sea_b at 60 min,
    each craft loads a company (20 min) and asks for the dock at 80. Through a one-craft dock held 30 min, the
    first is off at 110, the second at 140; each crosses in 60 min and unloads in 20: the lift is done at
    140 + 80 = 220. Through a two-craft dock both are off at 110, done at 190. (Today's code sails the pair as one
    craft of 200 seats: one trip, done at 190 whatever the dock.)"""
    world = build_world(
        load(
            SEA_BASE + SHIFT_AND_LAND,
            "units.1.strength=2",
            "unit_types.craft.element=platform",  # (one person an element: it counts craft only when told)
            f"unit_types.lhd.well_deck.craft={craft}",
        ),
        1,
        trace=True,
    )
    world.run()
    rec = world.log.records
    (done,) = [e for e in rec if e["kind"] == "lift_done"]
    assert done["t"] == pytest.approx(done_at) and done["trips"] == 2
    launches = [e["t"] for e in rec if e["kind"] == "launch" and e["unit"] == "lcu-1"]
    assert launches == pytest.approx([80, 80 + 30 * (craft == 1)])


def test_after_a_lift_in_waves_from_the_deck_the_plan_has_the_marines_ashore(load):
    """After the waves the marines are at lz, off the ship: when the ship sails on, they stay, and their next move
    sets out from lz (the plan had them still aboard, "starts aboard a transport")."""
    road = "    - {from: lz, to: sea_a, mode: land, distance_km: 12}\n"  # (a causeway, for the test)
    text = SHIP.replace("SPOTS", "1").replace("TOGETHER", "").replace("  routes:\n", "  routes:\n" + road) + (
        "  - {id: shift, after: land, orders: [{unit: lhd-1, do: move, to: sea_b}]}\n"
        "  - {id: again, after: shift, orders: [{unit: mar, do: move, to: sea_a}]}\n"
    )
    lines = plan_lines(load(text))
    assert "       mar move: lz → sea_a, 12 km, 3h" in lines, lines


def test_aircraft_that_left_the_ship_as_one_go_back_to_it_for_a_lift(load):
    """The unit flies to lz as one (a move: one launch, 0-15, at lz at 45); then it lifts the marines from the
    ship: its four aircraft fly back (at sea_a at 75) and are recovered one per cycle through the one spot (75-90,
    90-105, 105-120, 120-135); each loads 10 min once aboard and queues for a launch behind the recoveries asked
    before it: launches 135-150, 150-165, 165-180, 180-195; the last is across at 195 + 30 + 10 = 235. At the end
    all four are recovered again, and the unit is aboard with them."""
    text = SHIP.replace("SPOTS", "1").replace("TOGETHER", "")
    text = text.replace(
        "  - id: land\n",
        "  - {id: out, orders: [{unit: hel, do: move, to: lz}]}\n  - id: land\n    after: out\n",
    )
    world, rec = _run(load, 1, text=text)
    (done,) = [e for e in rec if e["kind"] == "lift_done"]
    assert done["t"] == pytest.approx(235) and done["trips"] == AIRCRAFT
    recovered = sorted(e["t"] for e in rec if e["kind"] == "recover")
    assert recovered[:AIRCRAFT] == pytest.approx([75, 90, 105, 120])
    unit = world.units["hel"]
    assert unit.aboard == "lhd-1" and unit in world.units["lhd-1"].carrying


def test_the_plan_times_a_medevac_mission_from_the_deck_as_the_run_flies_it(load):
    """The CASEVAC helicopters aboard lhd-1 (flying together here, one mission) carry the casualties from the aid
    post at lz to the facility aboard lhd-1: launch 15 + out 30 + load 10 + on 30 + unload 10 + back 0 (the ship is
    the destination) + recovery 15 = 110 min = 1h50min. In the run: ready at 61, launched 61-76, at lz 106, loaded
    116, at the ship 146, unloaded 156, recovered 156-171: 110 min."""
    text = SHIP.replace("  - id: land\n    orders: [{unit: hel, do: lift, units: [mar], to: lz}]\n", "")
    text = text.replace("phases:\n", "").replace("helo: {strength: 4", "helo: {strength: 2") + CASEVAC
    lines = plan_lines(load(text.replace("SPOTS", "4").replace("TOGETHER", ", together: true")))
    mission = (
        "    from aid: launch 15min, out 30min, load 10min, on 30min, unload 10min, back 0min, recovery 15min: "
        "1h50min a mission"
    )
    assert "  hel to ship" in lines and mission in lines, lines
    _, rec = _run(load, 4, together=True, text=text)
    launch = next(e["t"] for e in rec if e["kind"] == "launch")
    recover = next(e["t"] for e in rec if e["kind"] == "recover")
    assert recover + CYCLE - launch == pytest.approx(110)
    # a scenario with no evacuation asset on a deck has no such section
    assert not any("MEDEVAC from a ship's deck" in line for line in plan_lines(load(SEA_BASE + SHIFT_AND_LAND)))
    # docs/platforms.md shows this section as printed
    page = (Path(__file__).parents[2] / "docs" / "platforms.md").read_text(encoding="utf-8")
    shown = page.split("MEDEVAC from a ship's deck (", 1)[1].split("```", 1)[0].splitlines()[1:]
    start = lines.index(shown[0])
    assert lines[start : start + len(shown)] == shown
