"""The story tells lines said at one minute in the same words once, with how many: each aircraft of a unit
flying apart launches, flies and is recovered on its own, and the sea base's story printed four identical
lines for the four tiltrotors at 05:10."""

from __future__ import annotations

import re
from collections import Counter

from click.testing import CliRunner

from sim.cli import main
from sim.present.family import Line
from sim.present.story import _merged


def test_lines_said_at_one_minute_in_the_same_words_are_told_once_with_how_many():
    said = [
        Line(310.0, "move", "mv22-1 launches."),
        Line(310.2, "move", "casevac-1 launches."),
        Line(309.8, "move", "mv22-1 launches."),
        Line(310.4, "move", "mv22-1 launches."),
        Line(311.0, "move", "mv22-1 launches."),  # the next minute: its own line
        Line(312.0, "move", "no full stop"),
        Line(312.0, "move", "no full stop"),
    ]
    assert [(line.t, line.text) for line in _merged(said)] == [
        (310.0, "mv22-1 launches (×3)."),
        (310.2, "casevac-1 launches."),
        (311.0, "mv22-1 launches."),
        (312.0, "no full stop (×2)"),
    ]


def test_the_sea_base_story_has_no_line_twice_at_one_minute():
    out = CliRunner().invoke(main, ["story", "sea_base_landing"], env={"COLUMNS": "400"}).output
    lines = [line.strip() for line in out.splitlines() if re.match(r"\s+D\+\d", line)]
    twice = [line for line, n in Counter(lines).items() if n > 1]
    assert not twice, twice
    assert any("(mv22-1) launches from the helicopter carrier (lhd-1) at the sea base (×4)." in x for x in lines)
