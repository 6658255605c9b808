"""DNBI among troops who start aboard a ship: they fall ill from when they land, at their group's rate, and DNBI
does not stop because nobody is ashore at the start (issue 30, review: the rate was counted over the people at a
place at one moment, held for a whole gap, and DNBI ended for good when that count was zero)."""

from __future__ import annotations

import math

import pytest

from sim.experiment import build_world
from sim.models import medical

# A ship in port with a company aboard; the company goes ashore at 10 h and stays there to the end (48 h). DNBI
# casualties do not reduce strength, so the count ashore is Poisson with mean people * rate * time ashore.
ABOARD = """\
scenario: {name: aboard, duration: 48h}
map:
  places:
    port: {kind: port, lat: 54.0, lon: 14.0}
sides:
  blue: {}
unit_types:
  ship: {strength: 1, personnel_per_element: 20, speed_kmh: {sea: 30}, capacity_personnel: 400}
  inf: {strength: 100}
units:
  - {id: lhd, type: ship, side: blue, at: port}
  - {id: coy, type: inf, side: blue, aboard: lhd}
phases:
  - {id: land, start: 10h, orders: [{unit: coy, do: disembark}]}
medical:
  triage_mix: {dnbi: {T3: 1.0}}
  hazard: {}
  dnbi_per_1000_per_day: {crews: CREWS, troops: 50}
  dnbi_no_water_per_1000_per_day: 0
  facilities:
    - {id: aid, role: 1, at: port, teams: 1000, treatment: 1min}
"""
REPS = 12
TROOPS_PER_MIN = 50 / 1000 / 1440  # per person


def _dnbi(s, reps: int = REPS, seed: int = 5) -> tuple[int, float]:
    """DNBI casualties over ``reps`` replications, and the company's expected number (from the landing time each
    replication logs: 100 people at 50 per 1,000 a day from then to the end; 0 if it never lands)."""
    count, mean = 0, 0.0
    for i in range(reps):
        world = build_world(s, seed, i, True, None)
        world.run()
        landed = [e["t"] for e in world.log.records if e["kind"] == "disembark" and e["unit"] == "coy"]
        mean += sum(100 * TROOPS_PER_MIN * (s.scenario.duration - t) for t in landed)
        count += sum(1 for c in medical.state(world).casualties if c.cause == "dnbi")
    return count, mean


@pytest.mark.parametrize("crews", ["0.001", "0"])
def test_troops_who_land_later_fall_ill_at_their_rate(load, crews):
    """About 6.3 a replication (100 people for 38 h at 5 a day); on the old code 0: with crews at 0.001 the gap
    drawn at t=0 on the crew alone was decades long, and with crews at 0 DNBI ended at t=0."""
    s = load(ABOARD.replace("CREWS", crews))
    count, mean = _dnbi(s)
    assert mean == pytest.approx(REPS * 100 * TROOPS_PER_MIN * (48 * 60 - 600), rel=0.05)  # landed soon after 10 h
    # (the crew's 20 people at 0.001 per 1,000 a day add 0.0004 casualties in all: nothing to see)
    assert abs(count - mean) <= 4 * math.sqrt(mean), (count, mean)


def test_nobody_falls_ill_aboard(load):
    """A candidate aboard is dropped, not injured where its ship is: a company that never lands has no DNBI."""
    s = load(ABOARD.replace("CREWS", "0").replace("start: 10h", "start: 100h"))
    assert _dnbi(s, reps=4) == (0, 0.0)
