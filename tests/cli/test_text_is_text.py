"""Text is only ever text: a scenario's texts holding terminal escapes, C1 controls, bidi overrides, TeX and
spreadsheet formulas reach every output (check, story, play, runs, export, the report's charts) as text:
no escape sequence reaches a terminal, no override reorders the words around it, no chart parses TeX, no
spreadsheet evaluates a cell."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from sim.config.locate import shipped
from sim.config.text import plain
from sim.config.yamlsafe import read_file
from sim.experiment.output import cell
from tests.cli.test_hostile import invoke

TEXT_KEYS = {"name", "description", "message", "question", "title", "note"}
NOT_TEXT = {"echelons"}  # a ``name`` that is an identifier there
# each class of hostile text the issue names; the fuzz test draws from these too
HOSTILE_TEXTS = {
    "title": "\x1b]0;owned\x07",  # a window title
    "clear": "\x1b[2J\x1b[H",  # clear the screen
    "link": "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\",  # a hidden hyperlink
    "c1": "\x9b31mred\x9d0;t\x9c",  # CSI and OSC as C1 controls
    "bidi": "abc\u202edcba",  # an override never closed
    "tex": "$\\frac{1}{0}$ and $x^",  # TeX, and TeX that does not parse
    "formula": '=HYPERLINK("http://evil.example","x")',
    "plus": "+1+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)",
}
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")


def hostile_scenario(tmp_path: Path, text: str, base: str = "birlestik_2024") -> Path:
    """The shipped scenario with ``text`` (numbered, so each is told apart) in every text field."""
    data = read_file(shipped("scenario")[base]).data
    count = 0

    def walk(node: Any, parent: str = "") -> Any:
        nonlocal count
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                if k in TEXT_KEYS and parent not in NOT_TEXT and (isinstance(v, str) or _is_text(v)):
                    count += 1
                    out[k] = f"{text} {count}"
                else:
                    out[k] = walk(v, k)
            return out
        if isinstance(node, list):
            return [walk(v, parent) for v in node]
        return node

    changed = walk(data)
    assert count >= 10, count
    path = tmp_path / "hostile_text.yaml"
    buf = io.StringIO()
    YAML(typ="safe", pure=True).dump(changed, buf)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _is_text(v: Any) -> bool:
    return isinstance(v, dict) and all(isinstance(k, str) and len(k) == 2 for k in v) and bool(v)


def test_plain_neutralises_each_class():
    assert plain("a\x1b[2Jb") == "a␛[2Jb"
    assert plain("\x07\x00\x7f") == "␇␀␡"
    assert plain("x\x9by") == "x\ufffdy"
    assert plain("tab\tand\nnewline stay") == "tab\tand\nnewline stay"
    assert plain("a\u202eb") == "a\u2067b\u2069"  # an override becomes an isolate, closed within the text
    assert plain("a\u202ab\u202cc") == "a\u2066b\u2069c"
    assert plain("\u2069a\u2068") == "a\u2068\u2069"  # an unmatched close dropped, an open one closed
    assert plain("Курык, port of $5") == "Курык, port of $5"


def terminal_safe(output: str) -> None:
    bad = UNSAFE.findall(output)
    assert not bad, f"raw control or override characters reached the output: {sorted(set(bad))!r}"
    opened = sum(output.count(c) for c in "\u2066\u2067\u2068")
    assert opened == output.count("\u2069"), "an isolate is left open"


@pytest.mark.parametrize("kind", ["title", "clear", "link", "c1", "bidi"])
def test_terminal_outputs_show_control_characters_as_text(kind, tmp_path):
    scenario = hostile_scenario(tmp_path, HOSTILE_TEXTS[kind])
    for args in (
        ["check", str(scenario), "--plan", "--msel"],
        ["run", str(scenario), "--reps", "1", "--out", "out", "--executor", "serial"],
        ["story", "out"],
        ["runs"],
    ):
        r = invoke(args, tmp_path)
        assert r.exit_code in (0, 1), (args, r.output)
        terminal_safe(r.output)
        terminal_safe(r.stderr)
    r = invoke(["play", str(scenario), "--out", "out/play", "--batch", "20"], tmp_path)
    assert r.exit_code in (0, 1), r.output
    terminal_safe(r.output)


def test_an_error_naming_a_hostile_value_shows_it_as_text(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text('scenario: {name: x, duration: 1h, "junk\\e]0;owned\\a": 1}\n', encoding="utf-8")
    r = invoke(["check", str(scenario)], tmp_path)
    assert r.exit_code == 2 and "junk␛]0;owned␇" in r.stderr
    terminal_safe(r.stderr)


def test_a_cell_beginning_a_formula_is_prefixed():
    for start in "=+-@\t\r":
        assert cell(start + "1+1") == "'" + start + "1+1"
    assert cell("plain") == "plain" and cell(-2) == -2 and cell(-2.5) == -2.5 and cell("") == ""


@pytest.mark.parametrize("value", [HOSTILE_TEXTS["formula"], HOSTILE_TEXTS["plus"], "-2+cmd|' /C calc'!A0"])
def test_exported_cells_never_begin_a_formula(value, tmp_path):
    """OWASP's advice on CSV injection: a text cell beginning with = + - @ (or tab, CR) is prefixed with '."""
    hostile_scenario(tmp_path, HOSTILE_TEXTS["at"], base="island_retake")
    sweep = tmp_path / "sweep.yaml"
    values = [json.dumps(v) for v in (value, "x")]
    sweep.write_text(
        "sweep:\n  name: s\n  scenario: hostile_text.yaml\n  replications: 1\n"
        f"  factors: {{scenario.name: [{values[0]}, {values[1]}]}}\n",
        encoding="utf-8",
    )
    r = invoke(["sweep", str(sweep), "--out", "out", "--executor", "serial", "-q"], tmp_path)
    assert r.exit_code == 0, r.output
    r = invoke(["export", "out"], tmp_path)
    assert r.exit_code == 0, r.output
    with (tmp_path / "out" / "results.csv").open(newline="") as f:
        cells = [c for row in csv.reader(f) for c in row]
    assert "'" + value in cells
    formulas = [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not _number(c))]
    assert not formulas, formulas


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_charts_draw_names_as_text_never_tex():
    """Parsed as TeX, the first would fail to draw (exit 70) and the others would show maths, not dollars."""
    pytest.importorskip("matplotlib")
    from sim.present.plots import distribution, series, svg

    for text in (HOSTILE_TEXTS["tex"], "$x$", "cost in $ and $$"):
        out = svg(distribution([1.0, 2.0, 2.0, 3.0], text, "$"))
        assert html.escape(text, quote=False) in out
        out = svg(series({text: ([0.0, 1.0], [1.0, 2.0])}, text, "$x$", "h"))
        assert out.count(html.escape(text, quote=False)) >= 2  # the title and the legend
