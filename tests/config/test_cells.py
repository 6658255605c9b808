"""The cells: and requests: sections: a mistake in either is one line naming file, line and field, exit 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main

DRILL = (Path(__file__).parents[1] / "play" / "cells_drill.yaml").read_text(encoding="utf-8")
LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<field>[\w.-]+): (?P<msg>.+)$")


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# (what to replace in the drill, by what, the field reported, words of the message, the text on the line)
CASES = {
    "unknown unit": (
        "units: [battery]}",
        "units: [batery]}",
        "cells.3.units.0",
        "unknown unit 'batery'",
        "units: [batery]",
    ),
    "a unit in two cells": (
        "units: [rifles]}",
        "units: [rifles, scouts]}",
        "cells.2.units.1",
        "scouts is already commanded by cell aaa",
        "units: [rifles, scouts]",
    ),
    "two headquarters": (
        "{id: aaa, nation: AAA, units",
        "{id: aaa, nation: AAA, hq: true, units",
        "cells.1.hq",
        "one cell may have hq: true",
        "{id: aaa, nation: AAA, hq: true",
    ),
    "unknown nation": (
        "{id: ccc, nation: CCC, units",
        "{id: ccc, nation: CCD, units",
        "cells.3.nation",
        "CCD",
        "nation: CCD",
    ),
    "unknown cell asked": ("    to: ccc\n", "    to: cc\n", "requests.0.to", "unknown cell 'cc'", "to: cc"),
    "a cell asking itself": ("    to: ccc\n", "    to: bbb\n", "requests.0.to", "cannot ask itself", "to: bbb"),
    "a grant ordering another cell's unit": (
        "{unit: battery, do: fire_support, target: hill, sorties: 3}",
        "{unit: rifles, do: move, to: isle}",
        "requests.0.grant.orders.0.unit",
        "rifles is not a unit of cell ccc",
        "grant: {orders: [{unit: rifles",
    ),
    "a grant doing nothing": (
        "grant: {orders: [{unit: battery, do: fire_support, target: hill, sorties: 3}]}",
        "grant: {}",
        "requests.0.grant",
        "a grant must do something",
        "grant: {}",
    ),
    "a bad answer": ("answer: grant", "answer: maybe", "requests.0.answer", "'grant' or 'decline'", "answer: maybe"),
    "a decision's unknown cell": (
        "    cell: aaa\n",
        "    cell: aab\n",
        "decision_points.0.cell",
        "unknown cell",
        "cell: aab",
    ),
    "two cells of one id": (
        "{id: ccc, nation: CCC, units",
        "{id: bbb, nation: CCC, units",
        "cells.3.id",
        "duplicate id 'bbb'",
        "{id: bbb, nation: CCC",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_mistake_in_cells_or_requests_is_one_line_and_exit_2(case, tmp_path):
    old, new, field, words, shown = CASES[case]
    assert DRILL.count(old) == 1, old
    text = DRILL.replace(old, new)
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    m = LINE.match(lines[0])
    assert m, lines[0]
    assert (m["field"], int(m["line"])) == (field, _line_of(text, shown)), lines[0]
    assert words in m["msg"], lines[0]
    assert "Traceback" not in result.output


def test_the_drill_and_the_flagship_check_clean():
    for name in (str(Path(__file__).parents[1] / "play" / "cells_drill.yaml"), "birlestik_2024"):
        result = CliRunner().invoke(main, ["check", name])
        assert result.exit_code == 0, result.output
