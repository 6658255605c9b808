"""exsim check warns when a unit's orders need more fuel than it starts with (and can refuel), as a run would find."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from sim.check import load_scenario
from sim.check.lint import lint
from sim.cli import main
from sim.experiment import run_replication

# A MEDEVAC helicopter of the shipped catalogue (2,600 L, 700 L/h at 230 km/h) flies out 300 km, back, and
# out again: 2 × 913 L leave 774 L, short of the third leg's 913 L. No depot holds fuel at its base.
MEDEVAC = """\
scenario: {name: thirsty medevac, duration: 1d}
catalog: exsim:units
map:
  places:
    base: {kind: airfield, lat: 43.9, lon: 51.1}
    far:  {kind: training_area, lat: 41.2, lon: 51.2}
  routes:
    - {from: base, to: far, mode: air, distance_km: 300}
sides:
  blue: {}
units:
  - {id: medevac-1, type: medevac_helicopter, side: blue, at: base}
phases:
  - id: flights
    orders:
      - {unit: medevac-1, do: move, to: far}
      - {unit: medevac-1, do: move, to: base}
      - {unit: medevac-1, do: move, to: far}
"""
DEPOT = "depots:\n  - {id: fuel_farm, at: base, stocks: {fuel: {initial: 50000, capacity: 50000}}}\n"


def _fuel_warnings(s) -> list[tuple[tuple, str]]:
    return [(p, m) for p, m in lint(s) if "of fuel" in m]


def _refusals(s) -> list[tuple[str, str]]:
    """(unit, reason) of every order a run refused for want of fuel."""
    events = run_replication(s, 1, trace=True).events
    return [(e["unit"], e["reason"]) for e in events if e["kind"] == "order_failed" and "fuel" in e["reason"]]


def test_check_warns_at_the_order_a_run_refuses(load, write):
    s = load(MEDEVAC)
    [(path, message)] = _fuel_warnings(s)
    assert path == ("phases", 0, "orders", 2)
    assert message == (
        "medevac-1: its orders need ~2,739 L of fuel, it starts with 2,600 L (refuelling only where a depot holds "
        "fuel): to far (300 km) needs 913 L with ~774 L left and would be refused"
    )
    # the model agrees: the third flight is refused, with the same figures
    [(unit, reason)] = _refusals(s)
    assert unit == "medevac-1" and reason == "not enough fuel to go 300 km (needs 913 L, has 774 L)"
    # exsim check names the file and line of the order, and says ok (a warning is not an error)
    path_ = write(MEDEVAC)
    r = CliRunner().invoke(main, ["check", str(path_)])
    assert r.exit_code == 0 and r.stdout.startswith(f"ok: {path_}")
    line = len(MEDEVAC.splitlines())  # the last order
    assert re.match(rf"^{re.escape(str(path_))}:{line}:\d+: phases\.0\.orders\.2: warning: medevac-1: ", r.stderr)
    assert CliRunner().invoke(main, ["check", "--strict", str(path_)]).exit_code == 1


def test_a_fuel_depot_on_the_way_removes_the_warning_as_it_removes_the_refusal(load):
    s = load(MEDEVAC + DEPOT)
    assert _fuel_warnings(s) == [] and _refusals(s) == []


THRESHOLD = """\
scenario: {name: not topped up, duration: 1d}
catalog: exsim:units
map:
  places:
    base: {kind: airfield, lat: 43.9, lon: 51.1}
    near: {kind: training_area, lat: 42.1, lon: 51.2}
    far:  {kind: training_area, lat: 39.8, lon: 51.2}
  routes:
    - {from: base, to: near, mode: air, distance_km: 200}
    - {from: base, to: far, mode: air, distance_km: 460}
sides:
  blue: {}
units:
  - {id: medevac-1, type: medevac_helicopter, side: blue, at: base}
phases:
  - id: flights
    orders:
      - {unit: medevac-1, do: move, to: near}
      - {unit: medevac-1, do: move, to: base}
      - {unit: medevac-1, do: move, to: far}
"""


def test_refuelling_waits_for_the_tank_to_fall_to_the_threshold(load):
    """Out 200 km and back leaves 1,383 L of 2,600 (53 %): above the default threshold of half, the depot at
    base tops nothing up, and a 460 km flight (1,400 L) is then refused, in the check as in the run."""
    text = THRESHOLD + DEPOT
    s = load(text)
    [(path, message)] = _fuel_warnings(s)
    assert path == ("phases", 0, "orders", 2) and "to far (460 km) needs 1,400 L with ~1,383 L left" in message
    assert _refusals(s) == [("medevac-1", "not enough fuel to go 460 km (needs 1,400 L, has 1,383 L)")]
    topped = load(text, "logistics.refill_below=0.6")  # a higher threshold: topped up at base, nothing refused
    assert _fuel_warnings(topped) == [] and _refusals(topped) == []


LIFT = """\
scenario: {name: ferrying, duration: 3d}
unit_types:
  inf: {strength: 30}
  boat: {strength: 1, speed_kmh: {sea: 30}, capacity_personnel: 30, carries: {fuel: 1000},
         consumption: {moving: {fuel: 100}}}
map:
  places:
    port: {kind: port, lat: 43.1, lon: 51.6}
    isle: {kind: beach, lat: 43.4, lon: 51.2}
  routes:
    - {from: port, to: isle, mode: sea, distance_km: 60}
sides:
  blue: {}
units:
  - {id: boat-1, type: boat, side: blue, at: port}
  - {id: a, type: inf, side: blue, at: port}
  - {id: b, type: inf, side: blue, at: port}
  - {id: c, type: inf, side: blue, at: port}
phases:
  - id: ferry
    orders:
      - {unit: boat-1, do: lift, units: [a, b, c], to: isle}
"""


@pytest.mark.parametrize(("units", "short"), [("[a, b]", False), ("[a, b, c]", True)])
def test_a_lift_needs_fuel_trip_by_trip(load, units, short):
    """Room for one unit a trip, 200 L each way: two units are three legs and the way back (800 L of 1,000);
    three are five legs and back (1,200 L): the fifth leg finds 200 L — enough — and the way back none."""
    s = load(LIFT.replace("units: [a, b, c]", f"units: {units}"))
    warnings = _fuel_warnings(s)
    assert bool(warnings) == short
    assert bool(_refusals(s)) == short
    if short:
        [(path, message)] = warnings
        assert path == ("phases", 0, "orders", 0)
        assert "boat-1: its orders need ~1,200 L of fuel, it starts with 1,000 L" in message
        assert "to port (60 km) needs 200 L with ~0 L left" in message


def test_sorties_draw_their_fuel(load):
    """Four sorties of 3,000 L from one aircraft's 3,600 L with no depot: the second is refused, in the check
    as in the run."""
    text = MEDEVAC.replace("type: medevac_helicopter", "type: attack_aircraft, strength: 1").replace(
        """      - {unit: medevac-1, do: move, to: far}
      - {unit: medevac-1, do: move, to: base}
      - {unit: medevac-1, do: move, to: far}
""",
        "      - {unit: medevac-1, do: fire_support, target: far, sorties: 4}\n",
    )
    s = load(text)
    capacity = s.unit_types["attack_aircraft"].carries["fuel"]
    per_sortie = s.unit_types["attack_aircraft"].fire_support.per_sortie["fuel"]  # type: ignore[union-attr]
    assert per_sortie <= capacity < 2 * per_sortie  # the catalogue's figures this test is built on
    [(_, message)] = _fuel_warnings(s)
    assert f"a sortie on far needs {per_sortie:,.0f} L with ~{capacity - per_sortie:,.0f} L left" in message
    assert [reason for _, reason in _refusals(s)] == ["not enough fuel for a sortie"]


@pytest.mark.parametrize("name", ["island_retake", "medical_chain", "trans_caspian_logistics", "birlestik_2024"])
def test_shipped_scenarios_are_not_short_of_fuel_or_ammunition(name):
    assert [m for _, m in lint(load_scenario(name).scenario) if "would be refused" in m] == []


def test_sorties_draw_their_ammunition_as_the_run_does(load):
    """One aircraft carries one sortie's ordnance and no depot holds any: the second sortie is refused in the
    check as in the run, though a fuel depot keeps its tank full."""
    text = MEDEVAC.replace("type: medevac_helicopter", "type: attack_aircraft, strength: 1").replace(
        """      - {unit: medevac-1, do: move, to: far}
      - {unit: medevac-1, do: move, to: base}
      - {unit: medevac-1, do: move, to: far}
""",
        "      - {unit: medevac-1, do: fire_support, target: far, sorties: 3}\n",
    )
    s = load(text + DEPOT)
    ordnance = s.unit_types["attack_aircraft"].fire_support.per_sortie["ammunition"]  # type: ignore[union-attr]
    assert s.unit_types["attack_aircraft"].carries["ammunition"] == ordnance == 1.5  # the figures this test is built on
    [(path, message)] = lint(s)
    assert path == ("phases", 0, "orders", 0)
    assert message == (
        "medevac-1: its orders need ~4.5 t of ammunition, it starts with 1.5 t (restocking only where a depot "
        "holds ammunition): a sortie on far needs 1.5 t with ~0 t left and would be refused"
    )
    events = run_replication(s, 1, trace=True).events
    refused = [e["reason"] for e in events if e["kind"] == "order_failed"]
    assert refused == ["not enough ammunition for a sortie"]


def test_large_amounts_in_tonnes_are_written_out(load):
    """A thousand missions' ordnance reads "~1,500 t", not "~1.5e+03 t"."""
    text = MEDEVAC.replace("type: medevac_helicopter", "type: attack_aircraft, strength: 1").replace(
        """      - {unit: medevac-1, do: move, to: far}
      - {unit: medevac-1, do: move, to: base}
      - {unit: medevac-1, do: move, to: far}
""",
        "      - {unit: medevac-1, do: fire_support, target: far, sorties: 1000}\n",
    )
    [(_, message)] = lint(load(text + DEPOT))
    assert message.startswith("medevac-1: its orders need ~1,500 t of ammunition, it starts with 1.5 t"), message


def test_a_platform_is_made_ready_again_after_its_last_sortie_as_in_a_run(load):
    """After its one sortie at a base with fuel, the jet is refuelled (the model refills after every draw), so
    the flight that follows has its fuel: no warning, and no refusal in the run."""
    text = (
        MEDEVAC.replace(
            "units:\n",
            "unit_types:\n  jet: {strength: 1, speed_kmh: {air: 600}, carries: {fuel: 3600},"
            " consumption: {moving: {fuel: 3000}},"
            " fire_support: {cycle_min: 60min, kill_prob: 0.01, per_sortie: {fuel: 3000}}}\n"
            "units:\n",
        )
        .replace("type: medevac_helicopter", "type: jet")
        .replace(
            """      - {unit: medevac-1, do: move, to: far}
      - {unit: medevac-1, do: move, to: base}
      - {unit: medevac-1, do: move, to: far}
""",
            "      - {unit: medevac-1, do: fire_support, target: far, sorties: 1}\n"
            "      - {unit: medevac-1, do: move, to: far}\n",  # 300 km at 600 km/h: 1,500 L, more than a sortie leaves
        )
    )
    s = load(text + DEPOT)
    assert _fuel_warnings(s) == []
    assert _refusals(s) == []
