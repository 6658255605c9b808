"""Planner messages and open vocabularies (issue 30): a value cut at an unquoted comma says to quote it; a
sweep's list value is one value (or one clear error); place kinds and supply classes a scenario declares;
neutral and civilian sides that nobody fights."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import TypeAdapter

from sim.check import load_scenario
from sim.cli import main
from sim.config.exercise import Inject
from sim.config.schema import Catalog, MapSpec, Meta, Side
from sim.config.supply import Logistics
from sim.config.yamlsafe import read_text
from sim.errors import ScenarioError
from sim.experiment.design import load_sweep
from sim.experiment.runner import run_replication

RELIEF = Path(__file__).parents[1] / "present" / "scenarios" / "relief.yaml"
LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<field>[^:]*): (?P<msg>.*)$")


def check(text: str, tmp_path: Path) -> list[re.Match[str]]:
    """``exsim check`` of ``text``: exit 2 and its problem lines, parsed."""
    path = tmp_path / "s.yaml"
    path.write_text(text)
    r = CliRunner().invoke(main, ["check", str(path)], catch_exceptions=False)
    assert r.exit_code == 2, r.output
    lines = [LINE.match(x) for x in r.output.strip().splitlines()]
    assert all(lines), r.output
    return lines  # type: ignore[return-value]


def relief(**replace: str) -> str:
    text = RELIEF.read_text()
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


# --- a value cut at an unquoted comma -------------------------------------------------------------------


def test_an_unquoted_comma_in_a_flow_mapping_says_to_quote_the_value(tmp_path):
    route = "{from: town, to: camp, mode: land, distance_km: 5}"
    lines = check(relief(**{route: route[:-1] + ", name: road, north}"}), tmp_path)
    assert len(lines) == 1
    assert lines[0]["field"] == "map.routes.1.north"
    assert "unknown field" in lines[0]["msg"] and "cut at a comma" in lines[0]["msg"]
    assert 'quote it, name: "..., ..."' in lines[0]["msg"]


def test_a_text_cut_at_a_comma_is_one_error_with_the_hint(tmp_path):
    lines = check(relief(**{"{en: the town, ru: посёлок}": "{en: the town, old part, ru: посёлок}"}), tmp_path)
    assert len(lines) == 1, [m.group(0) for m in lines]  # not the text union's three
    assert lines[0]["field"] == "map.places.town.name" and "'old part' the rest of en's value" in lines[0]["msg"]


def test_a_key_with_an_empty_value_is_not_taken_for_a_cut_value(tmp_path):
    """``{a: 1, b: }`` has a colon: an unknown field b gets no hint about commas."""
    route = "{from: town, to: camp, mode: land, distance_km: 5}"
    lines = check(relief(**{route: route[:-1] + ", colour: }"}), tmp_path)
    assert lines[0]["field"] == "map.routes.1.colour" and "comma" not in lines[0]["msg"]


# --- a sweep's list value ----------------------------------------------------------------------------------


def _sweep(tmp_path: Path, values: str) -> Path:
    path = tmp_path / "sweep.yaml"
    path.write_text(
        "sweep:\n  name: helis\n  scenario: medical_chain\n  replications: 1\n  design: list\n  factors:\n"
        f"    helicopters:\n      path: medical.evacuation.0.assets\n      values: {values}\n"
    )
    return path


def test_a_sweep_list_value_is_one_value_as_set_takes_it(tmp_path):
    written = load_sweep(_sweep(tmp_path, "[[medevac-1], [medevac-1, medevac-2]]"))
    quoted = load_sweep(_sweep(tmp_path, '["[medevac-1]", "[medevac-1, medevac-2]"]'))
    assert [s.scenario.medical.evacuation[0].assets for s in written.scenarios] == [
        ["medevac-1"],
        ["medevac-1", "medevac-2"],
    ]
    assert [s.scenario for s in written.scenarios] == [s.scenario for s in quoted.scenarios]


def test_a_sweep_value_that_is_a_mapping_is_one_error_not_nine(tmp_path):
    r = CliRunner().invoke(main, ["sweep", str(_sweep(tmp_path, "[[medevac-1], {a: 1}]"))], catch_exceptions=False)
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1, lines
    assert "factors.helicopters.values.1: a value is a number, a word, true/false or a list of them" in lines[0]


# --- place kinds and supply classes the scenario declares ---------------------------------------------------


def test_a_place_kind_must_be_built_in_or_declared(tmp_path):
    lines = check(relief(**{"    village: {en: village, ru: посёлок}\n": ""}), tmp_path)
    assert lines[0]["field"] == "map.places.town.kind"
    assert "'village' is not a place kind" in lines[0]["msg"] and "map.kinds" in lines[0]["msg"]
    assert int(lines[0]["line"]) == RELIEF.read_text().splitlines().index(
        next(x for x in RELIEF.read_text().splitlines() if x.startswith("    town:"))
    )  # the place's own line (one up: the declaration removed)


def test_a_built_in_kind_cannot_be_declared_again(tmp_path):
    lines = check(relief(**{"    camp: {en: camp, ru: лагерь}": "    port: {en: harbour, ru: гавань}"}), tmp_path)
    assert lines[0]["field"] == "map.kinds.port" and "built-in" in lines[0]["msg"]


def test_a_supply_class_must_be_built_in_or_declared(tmp_path):
    declared = "    shelter: {measure: t, name: {en: shelter, ru: средства размещения}}"
    lines = check(relief(**{declared: "    tents: {measure: items}"}), tmp_path)
    first = lines[0]
    assert first["field"] == "depots.0.stocks.shelter"
    assert "unknown supply class 'shelter'" in first["msg"] and "logistics.classes" in first["msg"]


def test_a_declared_class_counted_in_items_is_weighed_by_kg_per_unit(tmp_path):
    """Tents counted in items, 50 kg each, 10 a trip: the base holds 40 and the camp takes 40, and the trucks
    make more than four trips a day, so all 40 arrive: 40 x 50 kg = 2 t delivered (a fault that read items
    as tonnes would give 40 t)."""
    text = relief(
        **{
            "shelter: {measure: t, name:": "shelter: {measure: items, kg_per_unit: 50, name:",
            "shelter: 4}": "shelter: 10}",
        }
    )
    path = tmp_path / "s.yaml"
    path.write_text(text)
    s = load_scenario(path).scenario
    assert s.logistics.measure("shelter") == "items"
    r = run_replication(s, 0, trace=True)
    assert sum(1 for e in r.events if e["kind"] == "deliver") > 4
    assert r.metrics["delivered_t.water_line.shelter"] == pytest.approx(40 * 50 / 1000)


# --- postures --------------------------------------------------------------------------------------------

POSTURE = """
scenario: {name: posture, duration: 12h}
catalog: exsim:units
map:
  places:
    base: {kind: depot, lat: 40.0, lon: 44.0}
    village: {kind: objective, lat: 40.01, lon: 44.0}
  routes:
    - {from: base, to: village, mode: land, distance_km: 1}
sides:
  blue: {}
  town: {posture: POSTURE}
units:
  - {id: coy, type: marine_infantry_company, side: blue, at: base}
  - {id: armed, type: armed_group_fighters, side: town, at: village, strength: 30}
phases:
  - {id: go, start: 0h, orders: [{unit: coy, do: assault, target: village}]}
"""


@pytest.mark.parametrize("posture", ["neutral", "civilian"])
def test_nobody_fights_a_neutral_or_civilian_side(tmp_path, posture):
    """The same armed unit fights when its side is hostile (the default) and is left alone when it is neutral
    or civilian: the village is secured on arrival, with no losses on either side."""
    results = {}
    for p in ("hostile", posture):
        path = tmp_path / f"{p}.yaml"
        path.write_text(POSTURE.replace("POSTURE", p))
        s = load_scenario(path).scenario
        results[p] = run_replication(s, 0).metrics
    fought, calm = results["hostile"], results[posture]
    assert fought["killed.blue"] + fought["killed.town"] > 0
    assert calm["killed.blue"] == calm["killed.town"] == calm["wounded.town"] == 0
    assert calm["time_to_secure_h.village"] == pytest.approx(1 / 4, abs=0.02)  # 1 km at 4 km/h, no fight


def test_an_unknown_posture_is_refused(tmp_path):
    with pytest.raises(ScenarioError, match="posture"):
        path = tmp_path / "s.yaml"
        path.write_text(POSTURE.replace("POSTURE", "friendly"))
        load_scenario(path)


# --- the plan: alternatives and closures ----------------------------------------------------------------------

BEACHES = """
scenario: {name: beaches, duration: 24h}
catalog: exsim:units
map:
  places:
    base:    {kind: depot, lat: 40.0, lon: 44.0}
    north:   {kind: beach, lat: 40.1, lon: 44.0}
    south:   {kind: beach, lat: 39.9, lon: 44.0}
  routes:
    - {id: road_n, from: base, to: north, mode: land, distance_km: 8}
    - {id: road_s, from: base, to: south, mode: land, distance_km: 12}
    - {from: north, to: south, mode: land, distance_km: 20}
sides:
  blue: {}
units:
  - {id: coy, type: marine_infantry_company, side: blue, at: base}
phases:
  - {id: to_north, on_call: true, orders: [{unit: coy, do: move, to: north}]}
  - {id: to_south, on_call: true, orders: [{unit: coy, do: move, to: south}]}
decision_points:
  - id: beach
    at: 1h
    options: {north: {start_phase: to_north}, south: {start_phase: to_south}}
    default: north
injects:
  - {id: quake, at: 2h, effects: [{type: close_routes, routes: [road_s], for: 6h}]}
"""


def _plan(tmp_path: Path) -> str:
    path = tmp_path / "beaches.yaml"
    path.write_text(BEACHES)
    r = CliRunner().invoke(main, ["check", str(path), "--plan"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


def test_the_plan_shows_on_call_phases_as_alternatives_not_chained(tmp_path):
    """The company goes north or south: each alternative starts from the base (8 km at 4 km/h = 2 h, 12 km =
    3 h); chained, the southern one would start from the north beach (20 km)."""
    out = _plan(tmp_path)
    assert "when decision beach takes north: an alternative" in out
    assert "when decision beach takes south: an alternative" in out
    assert "base → north, 8 km, 2h" in out
    assert "base → south, 12 km, 3h" in out
    assert "north → south" not in out


def test_the_plan_honours_an_injects_closure(tmp_path):
    out = _plan(tmp_path)
    assert "road_s closed by inject quake at H+2h for 6h" in out
    south = next(line for line in out.splitlines() if "base → south" in line)
    assert "may be held up: road_s closed by inject quake" in south
    north = next(line for line in out.splitlines() if "base → north" in line)
    assert "held up" not in north


def test_a_catalogue_may_declare_place_kinds_and_supply_classes(tmp_path):
    """A catalogue's kinds: and classes: serve every scenario that uses it; the scenario's own declarations win
    (without the catalogue's, camp and tents are refused)."""
    (tmp_path / "relief_units.yaml").write_text(
        "unit_types: {}\n"
        "kinds: {camp: {en: camp, ru: лагерь}, village: {en: village, ru: посёлок}}\n"
        "classes: {shelter: {measure: items, kg_per_unit: 80}, tents: {measure: items, kg_per_unit: 50}}\n"
    )
    text = relief(
        **{
            "catalog: exsim:units": "catalog: [exsim:units, relief_units.yaml]",
            "  kinds:\n    camp: {en: camp, ru: лагерь}\n    village: {en: village, ru: посёлок}\n": "",
        }
    )
    path = tmp_path / "s.yaml"
    path.write_text(text)
    s = load_scenario(path).scenario
    assert set(s.map.kinds) == {"camp", "village"}
    assert s.logistics.measure("shelter") == "t"  # the scenario's own declaration wins over the catalogue's
    assert s.logistics.measure("tents") == "items"
    path.write_text(text.replace("catalog: [exsim:units, relief_units.yaml]", "catalog: exsim:units"))
    with pytest.raises(ScenarioError, match="'village' is not a place kind"):
        load_scenario(path)


def test_the_beyond_combat_pages_examples_are_valid(tmp_path):
    """Every YAML example of docs/beyond-combat.md reads, and each section validates by its own schema."""
    page = (Path(__file__).parents[2] / "docs" / "beyond-combat.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", page, re.S)
    assert len(blocks) == 6
    models = {"logistics": Logistics, "sides": dict[str, Side], "injects": list[Inject], "scenario": Meta}
    checked = set()
    for block in blocks:
        data = read_text(block).data
        if "unit_types" in data:
            Catalog.model_validate(data)
            checked.add("catalogue")
            continue
        for key, value in data.items():
            if key in models:
                TypeAdapter(models[key]).validate_python(value)
                checked.add(key)
            elif key == "map":
                MapSpec.model_validate({**value, "places": {**value["places"]}})
                checked.add(key)
    assert checked >= {"logistics", "sides", "injects", "scenario", "map", "catalogue"}


EVACUEES = """
scenario: {name: evacuation, duration: 12h}
catalog: exsim:units
map:
  places:
    village: {kind: objective, lat: 40.0, lon: 44.0}
    camp: {kind: depot, lat: 40.2, lon: 44.0}
  routes:
    - {from: village, to: camp, mode: air, distance_km: 22}
sides:
  relief: {}
  town: {posture: POSTURE}
units:
  - {id: heli, type: transport_helicopter, side: relief, at: village}
  - {id: people, type: armed_group_fighters, side: town, at: village, strength: 20}
phases:
  - {id: out, start: 0h, orders: [{unit: heli, do: lift, units: [people], to: camp}]}
"""


def test_a_transport_may_carry_a_civilian_side_but_not_an_enemy(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(EVACUEES.replace("POSTURE", "civilian"))
    s = load_scenario(path).scenario
    r = run_replication(s, 0, trace=True)
    landed = [e for e in r.events if e["kind"] == "disembark" and e["unit"] == "people"]
    assert [e["at"] for e in landed] == ["camp"] and r.metrics["failed_orders"] == 0
    path.write_text(EVACUEES.replace("POSTURE", "hostile"))
    with pytest.raises(ScenarioError, match="a transport carries only units of its own side"):
        load_scenario(path)
