"""The JSON Schemas editors use: every shipped file validates, every property says what it is."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from sim.cli import main
from sim.config.json_schema import json_schema
from sim.config.schema import Catalog
from sim.config.template import new_scenario
from sim.config.yamlsafe import read_file, read_text
from tests.conftest import REPO


def schema(*args: str) -> dict:
    r = CliRunner().invoke(main, ["schema", *args])
    assert r.exit_code == 0, r.stderr
    return json.loads(r.output)


SCENARIO = Draft202012Validator(schema())
SWEEP = Draft202012Validator(schema("--sweep"))


def problems(validator: Draft202012Validator, data: object) -> list[str]:
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


@pytest.mark.parametrize("path", sorted((REPO / "scenarios").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_scenario_validates_against_the_scenario_schema(path):
    assert problems(SCENARIO, read_file(path).data) == []


@pytest.mark.parametrize("path", sorted((REPO / "configs" / "sweeps").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_sweep_validates_against_the_sweep_schema(path):
    assert problems(SWEEP, read_file(path).data) == []


def test_the_skeleton_and_the_catalogue_validate_too():
    assert problems(SCENARIO, read_text(new_scenario("x")).data) == []
    catalogue = Draft202012Validator(json_schema(Catalog, "exsim unit catalogue"))
    assert problems(catalogue, read_file(REPO / "configs" / "units.yaml").data) == []


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("distance_km: 48,", "distanse_km: 48,", "map.routes.2"),  # a misspelt field
        ("within: 6h", "within: soon", "objectives.0"),  # not a time (in a union: reported on the objective)
        ("do: lift", "do: lfit", "phases.0.orders.1"),  # not an order
        ("start: 2024-07-12T04:00", "start: 12 July", "scenario.start"),
    ],
)
def test_the_schema_catches_what_an_editor_should_flag(old, new, where):
    text = (REPO / "scenarios" / "island_retake.yaml").read_text()
    assert old in text
    found = problems(SCENARIO, read_text(text.replace(old, new, 1)).data)
    assert any(p.startswith(where) for p in found), found


@pytest.mark.parametrize("value", ["H+6", "H+1d 06:00", "D+1 06:00", "2024-07-13T06:00", "90min", 45])
def test_planner_times_are_valid_in_the_schema(value):
    data = read_file(REPO / "scenarios" / "island_retake.yaml").data
    data["phases"][1]["start"] = value
    assert problems(SCENARIO, data) == []


def properties(doc: dict) -> list[tuple[str, str, dict]]:
    return [
        (name, prop, spec)
        for name, d in [("(top)", doc), *doc.get("$defs", {}).items()]
        for prop, spec in d.get("properties", {}).items()
    ]


@pytest.mark.parametrize("args", [(), ("--sweep",)], ids=["scenario", "sweep"])
def test_every_property_has_a_description_and_every_field_an_example(args):
    doc = schema(*args)
    props = properties(doc)
    assert len(props) > (100 if not args else 15)
    assert [f"{n}.{p}" for n, p, spec in props if not spec.get("description", "").strip()] == []
    fields = [(n, p, spec) for n, p, spec in props if n != "(top)" or not args]  # the sweep: wrapper is not a field
    assert [f"{n}.{p}" for n, p, spec in fields if not spec.get("examples")] == []
    # every example of a field validates against the field's own schema
    for n, p, spec in fields:
        check = Draft202012Validator({**spec, "$defs": doc.get("$defs", {})})
        for example in spec["examples"]:
            assert list(check.iter_errors(example)) == [], (n, p, example)


def test_the_editor_header_is_documented_and_written_by_new():
    header = "# yaml-language-server: $schema=scenario.schema.json"
    assert new_scenario("x").startswith(header)
    assert header in (REPO / "README.md").read_text()
    assert "exsim schema --sweep > sweep.schema.json" in (REPO / "README.md").read_text()
