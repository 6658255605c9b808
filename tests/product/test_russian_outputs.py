"""A Russian-speaking class reads every output in Russian: no English word and no number written the English way.

For every shipped scenario with ``--lang ru``: the story of one replication, the summary table of a run, the
report of a run (and of a sweep), the MSEL, and ``check --plan``; and the projector and vote pages of
``serve``, read in Chromium as a person sees them. Words in Latin letters are allowed only as identifiers in
parentheses (``высота на полигоне Оймаша (oymasha_ridge)``), which a controller types, and in ``ALLOWED``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sim.cli import main
from tests.conftest import CHROMIUM, REPO, needs_chromium

SCENARIOS = sorted(p.stem for p in (REPO / "scenarios").glob("*.yaml"))

# Abbreviations a Russian military text writes in Latin letters, each named for why:
ALLOWED = {
    "T1", "T2", "T3", "T4",  # NATO triage categories, as the Russian glossary keeps them (docs/glossary_ru.md)
    "n",  # the number of runs a mean is of, "(n = 3)", as statistics writes it in Russian too
    "exsim",  # the program's name, in the report's footer
    "Natural", "Earth",  # the coastline's data set, Natural Earth, named in the map's attribution
}  # fmt: skip

_ID = r"[A-Za-z0-9_.+\-/]+"
_IN_PARENTHESES = re.compile(rf"\({_ID}(?:,\s*{_ID})*\)")  # (mar-1), (TJK), (secure_ridge, limit_losses)
_OPTION = re.compile(r"(?<!\w)--[a-z][a-z-]*")  # a command-line option, typed as written: --all, --metric
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")
_ENGLISH_NUMBER = re.compile(
    r"(?<![\d.,])[1-9]\d{0,2}(?:,\d{3})+(?![\d,])"  # 15,000 (Russian groups with a space; 0,064 is Russian)
    r"|(?<![\d.])\d+\.\d+(?![\d.])"  # 3.99 (Russian writes 3,99); dates 13.07.2024 are not this
)


def english(text: str) -> list[str]:
    """The English words and English-written numbers in ``text`` (beyond ids in parentheses and ``ALLOWED``)."""
    found = []
    for line in text.splitlines():
        rest = _OPTION.sub(" ", _IN_PARENTHESES.sub(" ", line))
        found += [w for w in _LATIN.findall(rest) if w not in ALLOWED]
        found += _ENGLISH_NUMBER.findall(rest)
    return found


def test_the_scanner_finds_english_words_and_numbers_and_passes_russian_with_ids():
    """What makes the test below fail: an English word, 15,000 or 3.99; not ids in parentheses or dates."""
    assert english("Задача secure_ridge выполнена") == ["secure_ridge"]
    assert english("доставлено 15,000 л за 3.99 ч, 0,064/ч") == ["15,000", "3.99"]
    assert english("высота на полигоне Оймаша (oymasha_ridge), 15 000 л, 3,99 ч, 13.07.2024, T1 (n=3)") == []
    assert english("рота (mar-1, mar-2) прибывает в Д+1 06:00; добавьте --all") == []
    assert english("Decision reserve: hold") == ["Decision", "reserve", "hold"]


def _say(args: list[str]) -> str:
    r = CliRunner().invoke(main, args, env={"COLUMNS": "200", "EXSIM_LANG": "ru"})
    assert r.exit_code == 0, r.output
    return r.output


def _page_text(path: Path) -> str:
    """What a person sees of a page: Chromium's rendered text (scripts run: the replay's clock is drawn)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(path.as_uri())
            return page.inner_text("body") + "\n" + page.title()
        finally:
            browser.close()


def _clean(what: str, text: str) -> None:
    bad = english(text)
    assert not bad, f"{what}: English in the Russian output: {sorted(set(bad))[:30]}"


@pytest.mark.slow
@pytest.mark.parametrize("name", SCENARIOS)
def test_the_terminal_outputs_are_russian(name, tmp_path):
    _clean(f"story of {name}", _say(["story", name, "--lang", "ru"]))
    run = _say(["run", name, "--reps", "3", "--lang", "ru", "--out", str(tmp_path / "run")])
    _clean(f"run summary of {name}", run.split("результаты записаны")[0])  # the folder's path is the user's
    _clean(f"MSEL (check --msel) of {name}", _say(["check", "--msel", "--lang", "ru", name]).split("\n\n", 1)[1])
    plan = _say(["check", "--plan", "--lang", "ru", name])
    _clean(f"plan of {name}", plan.split("\n\n", 1)[1])


@needs_chromium
@pytest.mark.slow
@pytest.mark.parametrize("name", SCENARIOS)
def test_the_report_and_the_msel_read_in_russian_in_a_browser(name, tmp_path):
    pytest.importorskip("jinja2")
    run = tmp_path / "прогон"  # the footer names the folder: the user's own word
    _say(["run", name, "--reps", "3", "--lang", "ru", "--out", str(run)])
    _say(["report", str(run), "--lang", "ru", "-o", str(tmp_path / "aar.html")])
    _clean(f"report of {name}", _page_text(tmp_path / "aar.html"))
    _say(["msel", name, "--lang", "ru", "-o", str(tmp_path / "msel.html")])
    _clean(f"MSEL of {name}", _page_text(tmp_path / "msel.html"))


@needs_chromium
@pytest.mark.slow
def test_a_sweep_s_table_and_report_read_in_russian(tmp_path):
    pytest.importorskip("jinja2")
    out = tmp_path / "серия"
    table = _say(["sweep", "island_retake", "--vary", "units.ls-1.strength=1,2", "--reps", "3", "--out", str(out)])
    _clean("sweep table", table.split("результаты записаны")[0])
    _say(["report", str(out), "--lang", "ru", "-o", str(tmp_path / "aar.html")])
    _clean("sweep report", _page_text(tmp_path / "aar.html"))


@contextlib.contextmanager
def _russian_room(scenario: str, speed: str, tmp_path: Path) -> Iterator[tuple[Any, Any, Any, Any]]:
    """``exsim serve SCENARIO --lang ru`` (placing nothing, so Ctrl-C ends it at once), with the facilitator's
    view, the projector (1366x768) and a phone that has joined, open in Chromium."""
    from playwright.sync_api import sync_playwright

    from tests.live import served

    args = [scenario, "--lang", "ru", "--speed", speed, "--batch", "0", "--out", str(tmp_path / "игра")]
    with served(args, tmp_path) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            facilitator = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            facilitator.goto(server.projector.replace("/projector?", "/facilitator?"))
            projector = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
            projector.goto(server.projector)
            phone = browser.new_context(viewport={"width": 400, "height": 800}).new_page()
            phone.goto(server.join)
            phone.fill("#code", server.code)
            phone.click("#join")
            yield server, facilitator, projector, phone
        finally:
            browser.close()


def _room(text: str, server: Any) -> str:
    """A classroom page's text less what is typed as written: the join address and code, and the language
    switch (EN, RU: each language by its code)."""
    text = text.replace(server.join, " ").replace(server.code, " ")
    return re.sub(r"\b(EN|RU)\b", " ", text)


@needs_chromium
@pytest.mark.slow
def test_the_projector_and_the_vote_page_of_a_russian_class_read_in_russian(tmp_path):
    """``exsim serve --lang ru``: the projector at a decision and after its vote, and a phone that voted, as
    Chromium shows them. Screenshots go to EXSIM_SCREENSHOTS when it is set."""
    pytest.importorskip("starlette")
    import os

    from playwright.sync_api import expect

    from tests.serve.test_serve_browser import to_the_decision

    shots = Path(os.environ.get("EXSIM_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    flagship = str(REPO / "scenarios" / "birlestik_2024.yaml")
    with _russian_room(flagship, "1800", tmp_path) as (server, facilitator, projector, phone):
        to_the_decision(facilitator, expect)
        facilitator.click("#open-vote")
        facilitator.click("#show-count")
        expect(projector.locator("#decision-panel")).to_be_visible()
        expect(projector.locator("#decision-question")).to_contain_text("истребители")
        projector.screenshot(path=str(shots / "projector_ru_decision.png"))
        _clean("projector at a decision", _room(projector.inner_text("body"), server))
        ridge = phone.locator('button.option[data-option="ridge"]')
        expect(ridge).to_be_enabled()
        _clean("vote page", _room(phone.inner_text("body"), server))
        ridge.click()
        facilitator.click("#close-vote")
        expect(projector.locator("#result-panel")).to_be_visible()
        expect(phone.locator("#result")).to_contain_text("сначала")
        _clean("projector after the vote", _room(projector.inner_text("body"), server))
        _clean("vote page after the vote", _room(phone.inner_text("body"), server))
        _clean("facilitator's view", _room(facilitator.inner_text("body"), server))


@needs_chromium
@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in SCENARIOS if n != "birlestik_2024"])  # the flagship: above
def test_every_other_scenario_s_projector_and_phone_read_in_russian(name, tmp_path):
    """A scenario without a decision: the projector and a phone once the run has told a few lines."""
    pytest.importorskip("starlette")
    from playwright.sync_api import expect

    path = str(REPO / "scenarios" / f"{name}.yaml")
    with _russian_room(path, "3600", tmp_path) as (server, facilitator, projector, phone):
        facilitator.click("#run-toggle")
        expect(projector.locator("#story li")).to_have_count(5, timeout=30_000)
        for what, page in (("projector", projector), ("phone", phone), ("facilitator", facilitator)):
            _clean(f"{what} of {name}", _room(page.inner_text("body"), server))
