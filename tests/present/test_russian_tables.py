"""`check --plan`, the sweep table and the comparison table in Russian: no English word, no English number.

A Latin word may stand only as an id in parentheses (`опорный пункт на острове (island)`) or in ALLOWED.
The English outputs of the same commands keep their English words, so a fault that drops the translation
(or translates English) shows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.check import load_scenario
from sim.cli import main

SCENARIOS = ["island_retake", "medical_chain", "trans_caspian_logistics", "birlestik_2024"]
ALLOWED = {"T1", "T2", "T3", "T4"}  # NATO triage categories, kept in Russian (docs/glossary_ru.md)
ID_IN_PARENTHESES = re.compile(r"\([A-Za-z0-9_.\-]+\)")  # (island), (mar-1), (decisions.reserve)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")
# 15,000 or 3.99 (Russian: 15 000, 3,99); not 0,012, a Russian decimal
ENGLISH_NUMBER = re.compile(r"(?<![\d,])[1-9]\d{0,2}(?:,\d{3})+(?!\d)|\d\.\d")
WIDE = {"COLUMNS": "400", "EXSIM_LANG": ""}  # no folding of a cell: an id stays whole in its parentheses


def english(text: str) -> list[str]:
    """The Latin words and English-format numbers of ``text`` outside ids in parentheses and ALLOWED."""
    bare = ID_IN_PARENTHESES.sub("", text)
    return [w for w in LATIN_WORD.findall(bare) if w not in ALLOWED] + ENGLISH_NUMBER.findall(bare)


def invoke(args: list[str], err: bool = False, **env: str) -> str:
    """The command's standard output (or, with ``err``, its standard error)."""
    r = CliRunner().invoke(main, args, env={**WIDE, **env})
    assert r.exit_code == 0, (args, r.output, r.stderr)
    return r.stderr if err else r.stdout


def test_the_scan_finds_english_words_and_numbers_but_not_ids_in_parentheses():
    assert english("рота (mar-1) — выдвижение (units.ag.strength): 49,5 км, 1 200 л, T1") == []
    assert english("рота mar-1: load 3.99 ч, 0,012 т, 15,000 л") == ["mar-1", "load", "3.9", "15,000"]


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_russian_plan_has_no_english_word_or_number_and_the_english_plan_keeps_its_own(name):
    path = str(load_scenario(name).path)
    ru = invoke(["check", "--plan", "--lang", "ru", name]).replace(path, "")
    assert english(ru) == []  # the check's own lines too: what it found, each time the file writes as H+ or D+
    s = load_scenario(name).scenario
    assert "Этапы" in ru and "Запасы на начало" in ru
    assert all(f"({p.id})" in ru for p in s.phases)  # each phase by name, its id in parentheses
    en = invoke(["check", "--plan", "--lang", "en", name])
    assert "Phases (in the order their triggers allow" in en and "at the start;" in en
    assert english(en.replace(path, "")), "the English plan is in English"


def test_the_plan_speaks_exsim_lang_when_no_lang_is_given_and_english_when_nothing_is_set(monkeypatch):
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    assert "Транспортные средства и их рейсы" in invoke(["check", "--plan", "island_retake"], EXSIM_LANG="ru")
    assert "Transports and their trips" in invoke(["check", "--plan", "island_retake"])


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A tiny sweep of the flagship's reserve decision, its table in Russian and in English."""
    out: Path = tmp_path_factory.mktemp("sweep")
    args = ["sweep", "birlestik_2024", "--vary", "decisions.reserve=hold,commit", "--reps", "3"]
    tables = {lang: invoke([*args, "--out", str(out / lang), "--lang", lang]) for lang in ("ru", "en")}
    progress = invoke([*args, "--out", str(out / "again"), "--lang", "ru"], err=True)
    return {"folder": str(out / "ru"), "progress": progress, **tables}


def test_the_russian_sweep_table_has_no_english_word_or_number(swept):
    ru = swept["ru"].replace(swept["folder"], "")
    assert english(ru) == []
    assert english(swept["progress"]) == [] and "прогонов выполнено: 6 из 6 (100 %)" in swept["progress"]
    assert "ввести резерв (commit)" in ru and "резерв не вводить (hold)" in ru  # the options by name, id beside
    assert "(objective.secure_island)" in ru and "3 из 3" in ru
    en = swept["en"]
    assert "decisions.reserve=commit" in en and "95 % intervals: Wilson" in en and "3 of 3" in en
    assert re.search(r"│ objective\.secure_island +│", en)  # English rows: the metric's name, as today


def test_the_russian_comparison_table_has_no_english_word_or_number(swept):
    shown = dict.fromkeys(re.findall(r"│ \((\S+)\) +│", swept["ru"]))  # the metrics of the sweep's table
    assert len(shown) >= 8
    metrics = [a for m in shown for a in ("--metric", m)]
    ru = invoke(["compare", swept["folder"], "--lang", "ru", *metrics])
    assert english(ru) == []
    assert "в сравнении с" in ru and "попарно по прогонам" in ru and "оценка" in ru
    en = invoke(["compare", swept["folder"], "--lang", "en", *metrics])
    assert "vs" in en and "paired by replication (common random numbers)" in en and "verdict" in en


def test_every_metric_of_the_russian_comparison_table_is_named_in_russian(swept):
    assert english(invoke(["compare", swept["folder"], "--lang", "ru"])) == []
