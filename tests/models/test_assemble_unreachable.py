"""An order whose ``assemble_at:`` cannot be reached stops there, and its sibling goes without it (issue 30,
review: the unit logged order_failed but marched all the same, and a sibling told to go with it waited for
ever)."""

from __future__ import annotations

import pytest

from sim.config.load import parse_scenario
from sim.errors import ScenarioError
from sim.experiment import build_world

# Two companies at a, each told to go to b with the other; u1 is to assemble first at island, which no route
# reaches.
ASSEMBLE = """\
scenario: {name: asm, duration: 1d}
unit_types:
  inf: {strength: 100, speed_kmh: {land: 5}}
map:
  places:
    a: {kind: training_area, lat: 43.5, lon: 51.3}
    b: {kind: objective, lat: 43.6, lon: 51.2}
    island: {kind: training_area, lat: 43.7, lon: 51.2}
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
      - {unit: u1, do: move, to: b, with: [u2], assemble_at: ASSEMBLY}
      - {unit: u2, do: move, to: b, with: [u1]}
"""


def _run(load, assembly: str, tmp_path=None):
    text = ASSEMBLE.replace("ASSEMBLY", assembly)
    if tmp_path is None:
        scenario = load(text)
    else:  # `exsim check` refuses it now: the run's own guard, on the schema's scenario without the cross-checks
        (tmp_path / "asm.yaml").write_text(text)
        scenario = parse_scenario(tmp_path / "asm.yaml").scenario
    world = build_world(scenario, 1, trace=True)
    world.run()
    arrive = {e["unit"]: e["t"] for e in world.log.records if e["kind"] == "arrive" and e["at"] == "b"}
    return world, arrive


def test_a_unit_that_cannot_assemble_stays_and_its_sibling_goes_without_it(load, tmp_path):
    """u2 walks the 10 km at 5 km/h alone (2 h); u1 stays at a, its order failed, and never reaches b."""
    world, arrive = _run(load, "island", tmp_path)
    assert arrive == {"u2": pytest.approx(120)}
    assert world.units["u1"].location == "a"
    assert [e["unit"] for e in world.log.records if e["kind"] == "order_failed"] == ["u1"]


def test_check_refuses_an_assembly_place_the_unit_cannot_reach(load):
    with pytest.raises(ScenarioError, match=r"phases\.0\.orders\.0\.assemble_at: u1 has no way to reach island"):
        load(ASSEMBLE.replace("ASSEMBLY", "island"))


def test_an_assembly_it_can_reach_still_goes_together(load):
    """The control: assembling at a (where u1 is), both arrive together after 2 h."""
    _, arrive = _run(load, "a")
    assert arrive == {"u1": pytest.approx(120), "u2": pytest.approx(120)}
