"""The corpus of broken scenarios: each gives exit 2 and file:line:col: field: message lines, no traceback,
and no side effect (nothing written, no code run)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main

CORPUS = Path(__file__).parents[1] / "bad_scenarios"

# file -> (line, field, words of the message) for the first reported problem
EXPECTED = {
    "alias_bomb.yaml": (1, "", "alias bomb"),
    "bad_duration.yaml": (1, "scenario.duration", "is not a time"),
    "bad_latitude.yaml": (9, "map.places.isle.lat", "less than or equal to 90"),
    "binary.yaml": (1, "", "binary file"),
    "comments_only.yaml": (1, "", "is empty"),
    "duplicate_key.yaml": (16, "sides.blue", "duplicate key"),
    "duplicate_unit_id.yaml": (19, "units.2.id", "duplicate id 'b1'"),
    "empty.yaml": (1, "", "is empty"),
    "missing_catalog.yaml": (2, "catalog", "file not found"),
    "negative_strength.yaml": (18, "units.1.strength", "greater than 0"),
    "not_a_mapping.yaml": (1, "", "must be a mapping"),
    "over_capacity.yaml": (22, "phases.0.orders.0.units.0", "does not fit in ship"),
    "phase_cycle.yaml": (25, "phases.1.after", "cycle: land -> attack -> land"),
    "phase_unknown_after.yaml": (24, "phases.1.after.0", "unknown phase 'landing'"),
    "python_tag.yaml": (1, "scenario.name", "tag !!python/object/apply:os.system is not allowed"),
    "route_unknown_endpoint.yaml": (12, "map.routes.1.to", "unknown place 'islet'"),
    "several_problems.yaml": (18, "units.1.strength", "greater than 0"),
    "several_references.yaml": (17, "units.0.side", "unknown side 'green'"),
    "syntax_error.yaml": (16, "", "YAML syntax"),
    "tab_indent.yaml": (15, "", "YAML syntax"),
    "unknown_field.yaml": (18, "units.1.colour", "unknown field"),
    "unknown_metric.yaml": (28, "objectives.1.metric", "unknown metric 'casualties'"),
    "unknown_order.yaml": (25, "phases.1.orders.0", "unknown order 'teleport'"),
    "unknown_place.yaml": (18, "units.1.at", "unknown place 'atlantis'"),
    "unknown_unit_type.yaml": (18, "units.1.type", "unknown unit type 'infantry'"),
    "unreachable.yaml": (25, "phases.1.orders.0.target", "no way to reach isle"),
    "wrong_type.yaml": (17, "units.0.strength", "valid integer"),
    "zero_speed.yaml": (3, "unit_types.inf.speed_kmh.land", "greater than 0"),
    # logistics
    "unknown_supply_class.yaml": (
        3,
        "unit_types.inf.carries.petrol",
        "unknown supply class 'petrol' (known: ammunition, fuel, medical, rations, water); declare it",
    ),
    "negative_stock.yaml": (26, "depots.1.stocks.water.initial", "greater than or equal to 0"),
    "zero_capacity.yaml": (26, "depots.1.stocks.water.capacity", "greater than 0"),
    "wrong_mode_transport.yaml": (28, "supply_lines.0.transports.0", "moves by land only"),
    "stock_over_capacity.yaml": (22, "depots.0.stocks.water", "exceeds the capacity"),
    "unknown_depot.yaml": (28, "supply_lines.0.to", "unknown depot 'kuryk'"),
    "unknown_closure_route.yaml": (30, "closures.0.route", "unknown route id 'lanes'"),
    # medical
    "triage_mix_sum.yaml": (18, "medical.triage_mix.combat", "shares sum to 0.9, not 1"),
    "unknown_facility.yaml": (21, "medical.facilities.0.next", "unknown facility 'hospital'"),
    "negative_capacity.yaml": (22, "medical.facilities.1.beds", "greater than 0"),
    "no_evacuation_leg.yaml": (21, "medical.facilities.0.next", "add an evacuation leg"),
    "unknown_divert_to.yaml": (22, "medical.facilities.1.divert_to", "unknown facility 'role3'"),
    "unknown_triage.yaml": (19, "medical.triage_mix.dnbi.T5", "'T5' is not allowed here"),
    # exercise control
    "inject_negative_time.yaml": (26, "injects.0.at", "'H-2' is before H-hour"),
    "inject_unknown_effect.yaml": (29, "injects.0.effects.0", "unknown effect type 'tsunami'"),
    "decision_without_options.yaml": (29, "decision_points.0.options", "at least 1 item"),
    "trigger_unknown_place.yaml": (27, "injects.0.when.secured", "unknown place 'islet'"),
    "effect_unknown_unit.yaml": (29, "injects.0.effects.0.unit", "unknown unit 'ship-2'"),
    "trigger_cycle.yaml": (29, "injects.1.when", "cycle: first -> second -> first"),
    # platforms
    "aboard_over_capacity.yaml": (17, "units.2.aboard", "ship is over capacity: 60 people aboard, room for 40 people"),
    "facility_at_and_aboard.yaml": (19, "medical.facilities.1", "give exactly one of at: (a place) and aboard:"),
}
LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+):(?: (?P<field>[\w.-]+):)? (?P<msg>.+)$")


def test_corpus_is_complete():
    assert len(EXPECTED) >= 15
    assert sorted(p.name for p in CORPUS.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("command", ["check", "run"])
def test_bad_scenario_gives_positioned_errors_and_exit_2(name, command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # anything a bad file managed to write would land here
    path = CORPUS / name
    args = [command, str(path)] + (["--out", str(tmp_path / "out")] if command == "run" else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # not an uncaught error
    lines = result.stderr.strip().splitlines()
    assert lines, "no error printed"
    for text in lines:
        m = LINE.match(text)
        assert m, f"not file:line:col: field: message — {text!r}"
        assert Path(m["file"]).name == name
        assert "Traceback" not in text
    line, field, words = EXPECTED[name]
    first = LINE.match(lines[0])
    assert (int(first["line"]), first["field"] or "") == (line, field), lines[0]
    assert words in first["msg"]
    assert list(tmp_path.iterdir()) == [], "a bad scenario must have no side effect"


def test_all_problems_are_reported_not_just_the_first():
    out = CliRunner().invoke(main, ["check", str(CORPUS / "several_problems.yaml")]).stderr
    assert "units.1.strength" in out and "units.1.colour: unknown field" in out
    out = CliRunner().invoke(main, ["check", str(CORPUS / "several_references.yaml")]).stderr
    assert "unknown side 'green'" in out and "unknown place 'atlantis'" in out


def test_console_script_prints_no_traceback(tmp_path):
    """Through a real process: what a user sees on stderr is the one line, nothing else."""
    proc = subprocess.run(
        [sys.executable, "-c", "from sim.cli import main; main()", "check", str(CORPUS / "python_tag.yaml")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stdout == ""
    assert list(tmp_path.iterdir()) == []
