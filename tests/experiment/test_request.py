"""A sweep as asked for (sim/experiment/request.py): a sweep file or a scenario with --vary, into a plan."""

from __future__ import annotations

import re

import pytest

from sim.errors import ExsimError, ScenarioError
from sim.experiment.request import parse_precision, parse_vary, sweep_file, sweep_plan
from tests.conftest import REPO

ISLAND = str(REPO / "scenarios" / "island_retake.yaml")
SHIPS = "units.ls-1.strength"


def test_a_scenario_with_vary_is_a_grid_named_after_it_with_20_replications_by_default():
    sweep, plan = sweep_plan(ISLAND, [f"{SHIPS}=1,2", "units.ag.strength=50,70"])
    assert sweep.spec.name == plan.name == "island_retake_sweep"
    assert sweep.file == "--vary" and plan.replications == 20 and plan.kind == "sweep"
    assert [p.label for p in plan.points] == [
        f"{SHIPS}=1 units.ag.strength=50",
        f"{SHIPS}=1 units.ag.strength=70",
        f"{SHIPS}=2 units.ag.strength=50",
        f"{SHIPS}=2 units.ag.strength=70",
    ]
    assert plan.seed == sweep.scenarios[0].scenario.scenario.seed  # the scenario's own
    assert plan.precision is None and plan.max_replications is None


def test_vary_takes_the_design_replications_seed_and_overrides_given_beside_it():
    sweep, plan = sweep_plan(
        ISLAND,
        [f"{SHIPS}=1,2", "units.ag.strength=50,70"],
        design="list",
        replications=3,
        seed=11,
        overrides=["scenario.max_events=5000"],
    )
    assert [p.label for p in plan.points] == [
        f"{SHIPS}=1 units.ag.strength=50",
        f"{SHIPS}=2 units.ag.strength=70",
    ]
    assert (plan.replications, plan.seed) == (3, 11)
    assert plan.points[0].overrides == ("scenario.max_events=5000", f"{SHIPS}=1", "units.ag.strength=50")
    assert all(s.scenario.scenario.max_events == 5000 for s in sweep.scenarios)


def test_a_shipped_sweep_by_name_with_the_command_lines_replications_and_precision():
    sweep, plan = sweep_plan(
        "island_landing_ships", replications=4, precision="time_to_secure_h.island=0.5", max_replications=16
    )
    assert sweep.spec.name == "island_landing_ships" and len(plan.points) == 9
    assert plan.replications == 4
    assert plan.precision == ("time_to_secure_h.island", 0.5) and plan.max_replications == 16


@pytest.mark.parametrize(
    ("source", "vary", "kwargs", "message"),
    [
        ("island_landing_ships", [f"{SHIPS}=1"], {}, "--vary goes with a scenario; a sweep file lists its own factors"),
        (ISLAND, [], {}, "give --vary PATH=V1,V2,... (or a sweep file, or the name of a shipped sweep)"),
        (
            ISLAND,
            [f"{SHIPS}=1,2"],
            {"max_replications": 40},
            "--max-reps caps --precision: give --precision METRIC=HALF_WIDTH too (or neither)",
        ),
        (
            ISLAND,
            ["scenario.seed=1,2"],
            {},
            "--vary: scenario.seed cannot be a factor: every point runs replications 0..n-1 of one base seed",
        ),
    ],
)
def test_what_cannot_be_a_sweep_is_refused_in_one_line(source, vary, kwargs, message):
    with pytest.raises(ExsimError) as e:
        sweep_plan(source, vary, **kwargs)
    assert e.value.lines()[0].startswith(message)


def test_an_unknown_source_without_vary_names_the_shipped_sweeps():
    with pytest.raises(ExsimError) as e:
        sweep_plan("island_landing_shps")
    assert "island_landing_ships" in "\n".join(e.value.lines())


def test_a_bad_factor_path_is_told_once_at_the_command_line():
    with pytest.raises(ScenarioError) as e:
        sweep_plan(ISLAND, ["units.nobody.strength=1,2,3"])
    (problem,) = e.value.problems
    assert problem.file == "command line" and problem.field == "factors.units.nobody.strength"
    assert "and 2 more points" in problem.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("units.ls-1.strength=1,2,3", ("units.ls-1.strength", [1, 2, 3])),
        (" combat.mode = deterministic, stochastic ", ("combat.mode", ["deterministic", "stochastic"])),
        ("x.flag=true,false,0.5", ("x.flag", [True, False, 0.5])),
    ],
)
def test_vary_values_are_plain_yaml_scalars(text, expected):
    assert parse_vary(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("units.ls-1.strength", "expected PATH=V1,V2,..."),
        ("=1,2", "expected PATH=V1,V2,..."),
        ("x=", "expected PATH=V1,V2,..."),
        ("x=1,.inf", "value 2 ('.inf') is not a finite number"),
        ("x=1,,2", "value 2 ('') is not a plain number, word or true/false"),
        ("x=[1", "value 1 ('[1') is not a plain number, word or true/false"),
        ("x={a: 1}", "value 1 ('{a: 1}') is not a plain number, word or true/false"),
    ],
)
def test_vary_refuses_what_is_not_a_path_and_plain_values(text, message):
    with pytest.raises(ExsimError, match=f"^{re.escape(f'--vary {text}: ')}") as e:
        parse_vary(text)
    assert message in str(e.value)


def test_precision_is_a_metric_and_a_positive_finite_half_width():
    assert parse_precision("time_to_secure_h.island=0.1") == ("time_to_secure_h.island", 0.1)
    for bad in ("m", "m=", "=0.1", "m=0", "m=-1", "m=inf", "m=nan", "m=wide"):
        with pytest.raises(ExsimError, match="expected METRIC=HALF_WIDTH"):
            parse_precision(bad)


def test_a_sweep_file_is_told_by_its_first_key_or_a_shipped_name(tmp_path):
    (tmp_path / "s.yaml").write_text("# a comment\nsweep:\n  name: s\n")
    (tmp_path / "scenario.yaml").write_text("scenario:\n  name: x\n")
    assert sweep_file(str(tmp_path / "s.yaml")) == tmp_path / "s.yaml"
    assert sweep_file(str(tmp_path / "scenario.yaml")) is None
    assert sweep_file("island_landing_ships") == REPO / "configs" / "sweeps" / "island_landing_ships.yaml"
    assert sweep_file("island_retake") is None and sweep_file(str(tmp_path / "missing.yaml")) is None
