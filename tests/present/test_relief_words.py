"""Words follow the exercise: a relief exercise's report, story and summary, in English and Russian, speak of
patients, supplies and people served, never of killing, wounding or combat (scenario.exercise: relief)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from tests.present.test_report import visible

RELIEF = Path(__file__).parent / "scenarios" / "relief.yaml"

# the words a relief exercise's reader must not meet (English, and Russian stems: убит, ранен, бой, боев)
FORBIDDEN = {
    "en": re.compile(r"\b(kill\w*|wound\w*|combat|battle\w*|fight\w*|returned to duty|elements|secured)\b", re.I),
    "ru": re.compile(r"(убит|убил|ранен|\bран\b|\bбо(?:й|я|ю|е|ём|ем|и|ев|ям|ями|ях)\b|в строй|элемент)", re.I),
}


def invoke(*args: str, env: dict[str, str] | None = None):
    r = CliRunner().invoke(main, list(args), catch_exceptions=False, env=env)
    assert r.exit_code == 0, r.output
    return r


@pytest.fixture(scope="module")
def relief_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("relief") / "run"
    invoke("run", str(RELIEF), "--reps", "4", "--out", str(out), "-q")
    return out


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_relief_report_has_no_word_of_war(relief_run, tmp_path, lang):
    out = tmp_path / f"aar.{lang}.html"
    invoke("report", str(relief_run), "-o", str(out), "--lang", lang)
    text = visible(out.read_text())
    found = FORBIDDEN[lang].findall(text)
    assert not found, found
    # and it speaks of what a relief exercise does: patients, supplies delivered, people served
    expected = {
        "en": ("patients", "delivered", "people served"),
        "ru": ("пострадавш", "доставлен", "обеспечен"),
    }[lang]
    for word in expected:
        assert word in text, word


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_relief_story_and_summary_have_no_word_of_war(tmp_path, lang):
    story = invoke("story", str(RELIEF), "--lang", lang).output
    summary = invoke("run", str(RELIEF), "--reps", "2", "--out", str(tmp_path / "run"), "--lang", lang).output
    for text in (story, summary):
        found = FORBIDDEN[lang].findall(text)
        assert not found, found


def test_the_same_scenario_as_combat_keeps_the_words_of_combat(tmp_path):
    """The relief words come from scenario.exercise alone: the same scenario as a combat exercise (the
    default) still says killed and returned to duty (a fault that always used relief words would pass above)."""
    out = tmp_path / "run"
    invoke("run", str(RELIEF), "--set", "scenario.exercise=combat", "--reps", "2", "--out", str(out), "-q")
    page = tmp_path / "aar.html"
    invoke("report", str(out), "-o", str(page))
    text = visible(page.read_text())
    assert "returned to duty" in text and "killed" in text
