"""Shipped resources by name from any folder, several catalogues, and "did you mean" on unknown names."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sim.check import load_scenario
from sim.cli import main
from sim.config.locate import shipped
from sim.config.suggest import did_you_mean, unknown
from sim.config.text import pick
from sim.config.yamlsafe import read_file
from sim.errors import ScenarioError
from tests.conftest import REPO

SMALL = """\
scenario: {name: small, duration: 12h}
catalog: CATALOG
map:
  places:
    port:  {kind: port, lat: 43.1, lon: 51.6}
    beach: {kind: beach, lat: 43.3, lon: 51.2}
  routes:
    - {from: port, to: beach, mode: sea, distance_km: 40}
sides: {blue: {}}
units:
  - {id: ls-1, type: TYPE, side: blue, at: port}
phases:
  - id: sail
    orders: [{unit: ls-1, do: move, to: beach}]
"""


def small(write, catalog: str = "exsim:units", utype: str = "landing_ship", name: str = "s.yaml"):
    return write(SMALL.replace("CATALOG", catalog).replace("TYPE", utype), name)


def errors(path, *overrides) -> list[str]:
    with pytest.raises(ScenarioError) as e:
        load_scenario(path, overrides)
    return e.value.lines()


def test_the_shipped_catalogue_by_name_from_a_folder_outside_the_repository(write, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = load_scenario(small(write)).scenario
    shipped_types = read_file(REPO / "configs" / "units.yaml").data["unit_types"]
    assert set(s.unit_types) == set(shipped_types)
    assert s.unit_types["landing_ship"].strength == shipped_types["landing_ship"]["strength"]


def test_several_catalogues_later_ones_win_and_errors_point_into_the_catalogue_file(write, tmp_path):
    write("unit_types:\n  landing_ship: {strength: 7, speed_kmh: {sea: 20}, capacity_personnel: 10}\n", "mine.yaml")
    write("unit_types:\n  barge: {strength: 1, speed_kmh: {sea: 8}}\n", "more.yaml")
    s = load_scenario(small(write, "[exsim:units, mine.yaml, more.yaml]")).scenario
    assert s.unit_types["landing_ship"].strength == 7  # mine.yaml replaces the shipped type
    assert s.unit_types["barge"].speed_kmh == {"sea": 8}
    assert "marine_infantry_company" in s.unit_types  # the rest of the shipped catalogue is still there
    write("unit_types:\n  barge: {strength: 0}\n", "more.yaml")
    (line,) = errors(small(write, "[exsim:units, more.yaml]"))
    assert line.startswith(f"{tmp_path / 'more.yaml'}:2:") and "unit_types.barge.strength" in line


@pytest.mark.parametrize(
    ("catalog", "message"),
    [
        ("exsim:unit", "catalog: unknown shipped catalogue 'unit'; did you mean 'units'? (shipped: units)"),
        ("units", "did you mean the shipped catalogue exsim:units?"),
        ("[exsim:units, exsim:nope]", "catalog.1: unknown shipped catalogue 'nope' (shipped: units)"),
    ],
)
def test_unknown_catalogues_say_what_is_shipped(write, catalog, message):
    (line,) = errors(small(write, catalog))
    assert message in line


def test_a_mistyped_unit_type_gets_did_you_mean_with_the_right_name(write):
    (line,) = errors(small(write, utype="landing_shp"))
    assert ":11:" in line and "units.0.type: unknown unit type 'landing_shp'; did you mean 'landing_ship'?" in line


def test_without_a_catalogue_the_message_says_how_to_get_one(write):
    path = write(SMALL.replace("catalog: CATALOG\n", "").replace("TYPE", "landing_ship"))
    (line,) = errors(path)
    assert "this scenario has no unit types (add catalog: exsim:units" in line


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("distance_km: 40", "distanse_km: 40", "map.routes.0.distanse_km: unknown field; did you mean 'distance_km'?"),
        ("do: move", "do: mvoe", "unknown order 'mvoe'; did you mean 'move'? (expected one of: assault,"),
        ("to: beach}]", "to: baech}]", "unknown place 'baech'; did you mean 'beach'? (known: beach, port)"),
        ("duration: 12h", "duraton: 12h", "scenario.duraton: unknown field; did you mean 'duration'?"),
        ("mode: sea", "mode: seas", "map.routes.0.mode: Input should be 'land', 'sea' or 'air'; did you mean 'sea'?"),
    ],
)
def test_typos_in_a_scenario_get_did_you_mean(write, old, new, message):
    path = write(SMALL.replace("CATALOG", "exsim:units").replace("TYPE", "landing_ship").replace(old, new))
    assert any(message in line for line in errors(path)), errors(path)


def test_a_mistyped_id_in_set_gets_did_you_mean(write):
    (line,) = errors(small(write), "units.ls-2.strength=1")
    assert "no item with id 'ls-2' in units; did you mean 'ls-1'? (known ids: ls-1)" in line


def test_did_you_mean_offers_only_close_names():
    assert did_you_mean("islnd", ["island", "beach"]) == "did you mean 'island'?"
    assert did_you_mean("zzz", ["island", "beach"]) == ""
    assert unknown("side", "red", ["blue"]) == "unknown side 'red' (known: blue)"


def test_list_shows_scenarios_sweeps_and_catalogues_with_their_descriptions():
    out = CliRunner().invoke(main, ["list"]).output
    sections = out.split("\n\n")
    assert [s.splitlines()[0].split()[0] for s in sections] == ["Scenarios", "Sweeps", "Unit"]
    files = {
        "Scenarios": sorted((REPO / "scenarios").glob("*.yaml")),
        "Sweeps": sorted((REPO / "configs" / "sweeps").glob("*.yaml")),
        "Unit": sorted((REPO / "configs").glob("*.yaml")),
    }
    for section in sections:
        lines = section.splitlines()
        paths = files[lines[0].split()[0]]
        assert len(lines) == 1 + len(paths)
        for line, path in zip(lines[1:], paths, strict=True):
            data = read_file(path).data
            section_of = {"Scenarios": "scenario", "Sweeps": "sweep"}.get(lines[0].split()[0])
            description = pick((data[section_of] if section_of else data)["description"], "en")  # list is English
            assert line.split()[0] == path.stem
            assert description and line.split(None, 1)[1].strip() == description


def test_a_shipped_sweep_runs_by_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(
        main, ["sweep", "island_landing_ships", "--reps", "1", "--executor", "serial", "--out", "out", "-q"]
    )
    assert r.exit_code == 0, r.output + r.stderr
    assert (tmp_path / "out" / "results.sqlite").is_file()
    assert set(shipped("sweep")) == {p.stem for p in (REPO / "configs" / "sweeps").glob("*.yaml")}


def test_an_unknown_sweep_name_gets_did_you_mean():
    r = CliRunner().invoke(main, ["sweep", "island_landing_shps"])
    assert r.exit_code == 2
    assert "unknown shipped sweep 'island_landing_shps'; did you mean 'island_landing_ships'?" in r.stderr
