"""tools/history.py: the CDB90 validity table, recomputed on a sample independently of the tool."""

from __future__ import annotations

import csv
import importlib.util
import statistics
import sys

import pytest

from tests.conftest import REPO

spec = importlib.util.spec_from_file_location("history", REPO / "tools" / "history.py")
history = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
sys.modules["history"] = history  # dataclasses look their module up there
spec.loader.exec_module(history)  # type: ignore[union-attr]


def rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader((history.DATA / name).read_text(encoding="utf-8").splitlines()))


def test_a_battles_rates_are_its_casualties_over_strength_and_days():
    """The first usable battle, read again with the csv module: casualties / initial strength / days."""
    b = history.battles()[0]
    sides = [r for r in rows("belligerents.csv") if r["isqno"] == b.isqno]
    days = float(next(r for r in rows("battle_durations.csv") if r["isqno"] == b.isqno)["duration1"])
    att = next(r for r in sides if r["attacker"] == "1")
    dfd = next(r for r in sides if r["attacker"] == "0")
    assert b.att_rate == pytest.approx(100 * float(att["cas"]) / float(att["intst"]) / days)
    assert b.def_rate == pytest.approx(100 * float(dfd["cas"]) / float(dfd["intst"]) / days)
    assert b.ratio == pytest.approx(float(att["intst"]) / float(dfd["intst"]))
    assert b.year >= 1900
    assert all(x.year >= 1900 and x.posture in ("hasty", "prepared", "fortified") for x in history.battles())


def test_the_defenders_wins_are_the_blank_codes():
    """Nieuport (1600), Waterloo, Gettysburg: battles the defender won, coded blank in the tidy wina."""
    wina = {r["name"]: r["wina"] for r in rows("battles.csv")}
    assert wina["NIEUPORT"] == wina["WATERLOO"] == wina["GETTYSBURG"] == ""
    assert wina["WHITE MOUNTAIN"] == "1"


def test_the_historical_medians_and_quartiles_match_a_recomputation_on_a_sample():
    sample = history.battles()[::3]
    got = history.historical(sample)
    for (posture, b), h in got.items():
        group = [x for x in sample if x.posture == posture and history.BINS[b][0] <= x.ratio < history.BINS[b][1]]
        assert h["n"] == len(group)
        rates = [x.att_rate for x in group]
        med = statistics.median(rates)
        if len(rates) >= 2:
            q1, _, q3 = statistics.quantiles(rates, n=4, method="inclusive")  # numpy's linear interpolation
            assert h["att"] == pytest.approx((med, q1, q3))
        assert h["won"] == pytest.approx(sum(x.attacker_won for x in group) / len(group))
    assert sum(h["n"] for h in got.values()) == len(sample)


def test_the_table_beside_exsim_carries_the_cdb90_attribution():
    text = history.table(history.battles()[:30], reps=2)
    assert "CDB90" in text and "ODC-By" in text and "jrnold/CDB90" in text
    assert text.count("\n| ") >= 2  # a header and at least one row


def test_the_docs_hold_the_table_with_its_attribution():
    page = (REPO / "docs" / "planning_factors.md").read_text(encoding="utf-8")
    inside = page.partition(history.BEGIN)[2].partition(history.END)[0]
    assert "| hasty |" in inside and "ODC-By" in inside


def test_python_tools_history_write_reproduces_the_table_in_the_docs(tmp_path, capsys):
    """`python tools/history.py --write` on a copy of the page: the committed table is what it writes."""
    page = REPO / "docs" / "planning_factors.md"
    copy = tmp_path / "planning_factors.md"
    copy.write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    original = history.DOC
    history.DOC = copy
    try:
        assert history.main(["--write"]) == 0
    finally:
        history.DOC = original
    assert copy.read_text(encoding="utf-8") == page.read_text(encoding="utf-8")
    assert "| fortified |" in capsys.readouterr().out
