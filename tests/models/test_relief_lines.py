"""A line `to_place:` serves whoever needs it there: its own side's units and the people of the sides that
fight no one (posture neutral or civilian), before the place's depots. The review removed the northern camp's
water point from earthquake_relief and found 0 L delivered and the camp's people dry for 64 h: the line,
run by the relief side, passed the civilians by."""

from __future__ import annotations

import pytest

from sim.experiment import run_replication
from tests.conftest import REPO
from tests.models.test_ship_stores import SHIP

RELIEF = REPO / "scenarios" / "earthquake_relief.yaml"
WATER_POINT = """\
  - id: north_water
    name: {en: the northern camp's water point, ru: пункт водоразбора северного лагеря}
    at: camp_north
    stocks: {water: {initial: 0, capacity: 100000}}  # assumption: bladder tanks
"""


def test_a_line_to_a_camp_without_a_water_point_fills_the_peoples_containers(load):
    text = RELIEF.read_text()
    assert WATER_POINT in text  # the scenario as the review read it
    m = run_replication(load(text.replace(WATER_POINT, ""), "scenario.duration=72h"), 1).metrics
    # 6,000 people at 15 L a day drink 90,000 L a day: the tankers bring at least a day's water in three days,
    # and the people are dry for less than a day (they were dry for 64 h when the line passed them by)
    assert m["delivered.water.camp_north"] >= 90_000
    assert m["stockout_h.dp-north.water"] < 24


@pytest.mark.parametrize(("posture", "served"), [("neutral", True), ("hostile", False)])
def test_a_line_to_a_place_serves_a_side_that_fights_no_one_and_never_an_enemy(load, posture, served):
    """The ship's helicopter carries water to the beach, where only a squad of another side stands."""
    text = SHIP.replace("sides: {blue: {}}", f"sides: {{blue: {{}}, other: {{posture: {posture}}}}}")
    text = text.replace("{id: s1, type: squad, side: blue, at: beach}", "{id: s1, type: squad, side: other, at: beach}")
    line = "{id: w, transports: [hel-1], from: stores, to_place: beach, cargo: {water: 1000}, every: 12h}"
    text += f"supply_lines:\n  - {line}\n"
    m = run_replication(load(text), 1).metrics
    assert (m["delivered.water.beach"] > 0) is served
    assert (m["stockout_h.s1.water"] == 0) is served  # unsupplied, 1000 L last 50 h of the 72
