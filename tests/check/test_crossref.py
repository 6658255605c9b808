"""Cross-checks report the root of a problem, once: duplicate ids in every list of things with ids, no
knock-on errors after one mistake, and a transport that carries only its own side's units."""

from __future__ import annotations

import io
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import BaseModel
from ruamel.yaml import YAML

from sim.check import load_scenario
from sim.cli import main
from sim.config.names import ID_LISTS
from sim.config.schema import Scenario
from sim.config.suggest import did_you_mean
from sim.config.yamlsafe import PathKey, dotted, read_file
from sim.errors import Problem, ScenarioError

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"
WHOLE = SCENARIOS / "birlestik_2024.yaml"  # has at least two items in every list of things with ids


def problems(path: Path) -> list[Problem]:
    with pytest.raises(ScenarioError) as e:
        load_scenario(path)
    return e.value.problems


def write(data: Any, path: Path) -> Path:
    buf = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, buf)
    path.write_text(buf.getvalue())
    return path


def edited(tmp_path: Path, name: str, old: str, new: str, count: int = 1) -> Path:
    """A copy of a shipped scenario with ``old`` replaced by ``new`` (``count`` times: a check on the edit)."""
    text = (SCENARIOS / name).read_text()
    assert text.count(old) == count, f"{old!r} is in {name} {text.count(old)} times"
    out = tmp_path / name
    out.write_text(text.replace(old, new))
    return out


# --- duplicate ids ----------------------------------------------------------------------------------


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation can hold directly (through Optional, unions and Annotated)."""
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if origin is typing.Annotated:
        return _models(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _models(arg)]
    return []


def id_lists(model: type[BaseModel], path: PathKey = ()) -> set[PathKey]:
    """Paths of every list whose items have an ``id``, anywhere in ``model`` (dict values as ``*``)."""
    found: set[PathKey] = set()
    for name, info in model.model_fields.items():
        key = info.alias or name
        annotation = info.annotation
        origin = typing.get_origin(annotation)
        if origin is list:
            items = _models(typing.get_args(annotation)[0])
            if any("id" in m.model_fields for m in items):
                found.add((*path, key))
            for m in items:
                found |= id_lists(m, (*path, key, "*"))
        elif origin is dict:
            for m in _models(typing.get_args(annotation)[1]):
                found |= id_lists(m, (*path, key, "*"))
        else:
            for m in _models(annotation):
                found |= id_lists(m, (*path, key))
    return found


def test_every_list_of_things_with_ids_is_checked_for_duplicates():
    assert id_lists(Scenario) == {spec.path for spec in ID_LISTS}


def _first_two_with_ids(items: list[Any]) -> tuple[int, int]:
    with_ids = [i for i, item in enumerate(items) if item.get("id") is not None]
    assert len(with_ids) >= 2, "the test scenario needs two items with ids in every such list"
    return with_ids[0], with_ids[1]


def _items(data: Any, path: PathKey) -> list[Any]:
    for key in path:
        data = data[key]
    return data


@pytest.mark.parametrize("path", sorted({spec.path for spec in ID_LISTS}), ids=dotted)
def test_a_duplicate_id_is_one_problem_that_says_where_the_first_is(path, tmp_path):
    """The second item of each list takes the first's id, as a copied item whose id was not changed: one
    problem, at the copy, and nothing about the names the copy used to have (references to them)."""
    data = read_file(WHOLE).data
    items = _items(data, path)
    a, b = _first_two_with_ids(items)
    name = items[a]["id"]
    items[b]["id"] = name
    doc = read_file(write(data, tmp_path / "copy.yaml"))
    found = problems(tmp_path / "copy.yaml")
    first_line = doc.positions[(*path, a, "id")].line
    assert [(p.line, p.field, p.message) for p in found] == [
        (
            doc.positions[(*path, b, "id")].line,
            dotted((*path, b, "id")),
            f"duplicate id {name!r} (first at line {first_line})",
        )
    ]


def test_injects_and_decision_points_share_one_set_of_names(tmp_path):
    data = read_file(WHOLE).data
    name = data["injects"][0]["id"]
    data["decision_points"][0]["id"] = name
    doc = read_file(write(data, tmp_path / "copy.yaml"))
    [found] = problems(tmp_path / "copy.yaml")
    assert found.field == "decision_points.0.id"
    line = doc.positions[("injects", 0, "id")].line
    assert found.message == f"duplicate id {name!r} (first at line {line}; injects and decision_points share names)"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("{id: mar-2,", "{id: mar-1,", "units.1.id: duplicate id 'mar-1' (first at line 68)"),
        (
            "{id: limit_losses,",
            "{id: secure_island,",
            "objectives.1.id: duplicate id 'secure_island' (first at line 160)",
        ),
    ],
)
def test_check_reports_a_duplicate_unit_or_objective_id_and_exits_2(old, new, message, tmp_path):
    """They crashed check with an internal error (exit 70): their metrics were declared twice."""
    path = edited(tmp_path, "island_retake.yaml", old, new)
    r = CliRunner().invoke(main, ["check", str(path)])
    assert r.exit_code == 2, r.output
    *_, row = [n for n, text in enumerate(path.read_text().splitlines(), 1) if new in text]  # the copy
    col = path.read_text().splitlines()[row - 1].index(new) + len("{id: ") + 1
    assert r.stderr.splitlines() == [f"{path}:{row}:{col}: {message}"]


# --- one mistake, one message -----------------------------------------------------------------------


def test_the_tutorial_typo_is_the_one_line_the_docs_show(tmp_path, monkeypatch):
    """An unknown unit type changes the metrics the models declare: no 'unknown metric' after it."""
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["new", "my_exercise"]).exit_code == 0
    path = tmp_path / "my_exercise.yaml"
    path.write_text(path.read_text().replace("type: marine_infantry_company", "type: marine_infantry_coy"))
    r = CliRunner().invoke(main, ["check", "my_exercise.yaml"])
    assert r.exit_code == 2
    [line] = r.stderr.splitlines()
    shown = line.split(" (known: ")[0] + " (known: ...)"
    docs = (REPO / "docs" / "getting-started.md").read_text()
    assert f"```\n{shown}\n```" in docs


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        # the route to the hospital: MEDEVAC could no longer fly there
        ("to: aktau_hospital, mode: air", "to: aktau_hosp, mode: air", "map.routes.9.to"),
        # a ship at an unknown port: it could not lift the marines or run the supply line
        (
            "strength: 2, together: true, side: coalition, nation: AZE, at: kuryk_port}",
            "strength: 2, together: true, side: coalition, nation: AZE, at: kuryk_prt}",
            "units.3.at",
        ),
        # a side's name: the helicopter and its passengers would be on different sides
        (
            "side: coalition, nation: KAZ, at: aktau_airfield}",
            "side: coaliton, nation: KAZ, at: aktau_airfield}",
            "units.5.side",
        ),
        # a copied phase: assault waits for shaping, which is no longer there
        ("- id: shaping", "- id: landing", "phases.1.id"),
        # a copied depot: the supply line loads at kuryk_depot, which is no longer there
        ("- id: kuryk_depot", "- id: aktau_air_depot", "depots.1.id"),
        # a copied facility: role2 passes casualties to role3, which is no longer there
        ("{id: role3_aktau, role: 3", "{id: role2_kuryk, role: 3", "medical.facilities.2.id"),
        # a copied unit: hel-1 flies MEDEVAC legs, medevac-1 is no longer there
        ("{id: medevac-1,", "{id: hel-1,", "units.7.id"),
    ],
)
def test_one_mistake_gives_one_message(old, new, field, tmp_path):
    path = edited(tmp_path, "island_retake.yaml", old, new)
    found = problems(path)
    assert [p.field for p in found] == [field], [str(p) for p in found]


# --- a transport carries only its own side's units ---------------------------------------------------


def test_a_lift_of_another_sides_unit_is_refused(tmp_path):
    path = edited(tmp_path, "island_retake.yaml", "units: [mar-1, mar-2]", "units: [mar-1, mar-2, ag]")
    [found] = problems(path)
    assert (found.line, found.field) == (85, "phases.0.orders.1.units.2")
    assert found.message == (
        "ag is on side armed_group and ls-1 on side coalition: a transport carries only units of its own side"
    )


def test_embarking_on_another_sides_transport_is_refused(tmp_path):
    path = edited(tmp_path, "island_retake.yaml", "- {unit: ag, do: defend}", "- {unit: ag, do: embark, on: ls-1}")
    [found] = problems(path)
    assert found.field == "phases.0.orders.0.on"
    assert "ag is on side armed_group and ls-1 on side coalition" in found.message


DECISION = """
decision_points:
  - id: extra_lift
    at: 1h
    options:
      hold: {}
      lift: {orders: [{unit: ls-1, do: lift, units: [ag], to: island_beach}]}
    default: hold
"""


def test_an_options_orders_are_checked_as_a_phases_are(tmp_path):
    path = tmp_path / "island.yaml"
    path.write_text((SCENARIOS / "island_retake.yaml").read_text() + DECISION)
    [found] = problems(path)
    assert found.field == "decision_points.0.options.lift.orders.0.units.0"
    assert "a transport carries only units of its own side" in found.message
    path.write_text(path.read_text().replace("units: [ag]", "units: [mar-1]"))
    assert load_scenario(path).scenario.decision_points[0].options["lift"].orders[0].units == ["mar-1"]


# --- where an error is, and what it suggests ---------------------------------------------------------


def test_a_duration_past_the_budget_is_reported_at_the_duration(tmp_path):
    path = edited(tmp_path, "island_retake.yaml", "duration: 24h", "duration: 5000d")
    [found] = problems(path)
    assert (found.line, found.field) == (29, "scenario.duration")
    assert "at most 3650 days" in found.message


@pytest.mark.parametrize(
    ("name", "known", "hint"),
    [
        ("colour", ["closures", "command", "combat"], ""),
        ("mvoe", ["move", "embark"], "did you mean 'move'?"),
        ("sied", ["side", "at"], "did you mean 'side'?"),
        ("islet", ["island", "beach"], ""),
    ],
)
def test_a_suggestion_only_when_the_name_is_close(name, known, hint):
    assert did_you_mean(name, known) == hint


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        # these two crashed check: the transport's utilisation metric was declared twice
        (
            "transports: [ferry-1]",
            "transports: [ferry-1, ferry-1]",
            "supply_lines.0.transports.1",
            "ferry-1 is already on supply line sea_line (a transport runs one line)",
        ),
        (
            "transports: [trucks-1]",
            "transports: [ferry-1]",
            "supply_lines.1.transports.0",
            "ferry-1 is already on supply line sea_line (a transport runs one line)",
        ),
    ],
)
def test_a_transport_runs_one_supply_line(old, new, field, message, tmp_path):
    path = edited(tmp_path, "trans_caspian_logistics.yaml", old, new)
    assert [(p.field, p.message) for p in problems(path)] == [(field, message)]


def test_a_unit_is_lifted_once_by_one_order(tmp_path):
    path = edited(tmp_path, "island_retake.yaml", "units: [mar-1, mar-2]", "units: [mar-1, mar-2, mar-1]")
    assert [(p.field, p.message) for p in problems(path)] == [
        ("phases.0.orders.1.units.2", "mar-1 is already in this lift")
    ]


def test_two_evacuation_legs_to_one_facility_are_one_problem_not_an_internal_error(tmp_path):
    """Each leg declares its facility's evacuation metrics: a second leg to it was exit 70 ("declared twice")."""
    path = edited(
        tmp_path,
        "medical_chain.yaml",
        "    - {to: role3_aktau, assets: [medevac-4]}",
        "    - {to: role3_aktau, assets: [medevac-4]}\n    - {to: role2_kuryk, assets: [medevac-4]}",
    )
    (p,) = problems(path)
    assert p.field == "medical.evacuation.2.to" and p.line == 89
    assert p.message == "a second leg to role2_kuryk: list all its assets in one leg (medical.evacuation.0)"
    r = CliRunner().invoke(main, ["check", str(path)])
    assert r.exit_code == 2 and "internal error" not in r.output, r.output
