"""A sweep's comparison tables give each difference with its unit (issue 23), in English and in Russian: the
report's paired comparison (difference and interval) and ``exsim compare``'s table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main

# the unit each metric's difference must carry, written out here (h, people, percentage points)
UNITS = {
    "en": {
        "time until the island strongpoint was secured": "h",
        "killed (coalition)": "people",
        "every objective met": "pp",
    },
    "ru": {
        "время до овладения пунктом «опорный пункт на острове»": "ч",
        "убитые (коалиция)": "чел.",
        "все задачи выполнены": "п.п.",
    },
}


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sweep") / "sw"
    args = ["sweep", "island_retake", "--vary", "units.ag.strength=20,80", "--reps", "6", "--out", str(out), "-q"]
    r = CliRunner().invoke(main, args, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return out


def _rows(html: str) -> dict[str, tuple[str, str]]:
    """The paired comparison's rows: metric -> (difference, interval)."""
    table = html[html.index('id="sweep"') :]
    table = table[table.index("<h3>") : table.index("</table>", table.index("<h3>"))]
    cells = re.findall(
        r'<tr><td>(.*?)</td>(?:<td>.*?</td>){2}<td class="num">(.*?)</td><td class="num">(.*?)</td>', table
    )
    return {metric: (mean, ci) for metric, mean, ci in cells}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_reports_sweep_comparison_gives_each_difference_with_its_unit(sweep, tmp_path, lang):
    page = tmp_path / "aar.html"
    r = CliRunner().invoke(main, ["report", str(sweep), "-o", str(page), "--lang", lang], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    rows = _rows(page.read_text(encoding="utf-8"))
    for metric, unit in UNITS[lang].items():
        mean, ci = rows[metric]
        number = r"[+\-−]?\d[\d.,]*"
        assert re.fullmatch(rf"{number}\s{re.escape(unit)}", mean), (metric, mean)
        assert re.fullmatch(rf"{number} – {number}\s{re.escape(unit)}", ci), (metric, ci)


@pytest.mark.parametrize(("lang", "unit"), [("en", "h"), ("ru", "ч")])
def test_compare_gives_each_difference_with_its_unit(sweep, lang, unit):
    r = CliRunner().invoke(main, ["compare", str(sweep)], env={"COLUMNS": "220", "EXSIM_LANG": lang})
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    (end,) = [i for i, line in enumerate(lines) if "time_to_secure_h.island" in line]  # a long name wraps:
    row = next(line for line in reversed(lines[: end + 1]) if re.search(r"│\s*[+\-]\d", line))  # its first line
    assert re.search(rf"│\s*\+\d[\d.,]*\s{unit}\s*│", row), row
