"""Texts in several languages: one rule picks the text to show, and `exsim check --lang` lists each text
readers see that has nothing written in the language, at its line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sim.check.language import untranslated
from sim.cli import main
from sim.config.locate import shipped
from sim.config.text import lacks, pick
from sim.present.i18n import language
from sim.present.labels import Labels
from tests.conftest import duel_yaml

BILINGUAL = duel_yaml().replace(
    "scenario: {name: duel,", "scenario: {name: {en: Duel, ru: Поединок}, description: {en: A duel, ru: Поединок},"
)
INJECT = """
injects:
  - id: storm
    at: 1h
    message: {en: A storm., ru: Шторм.}
    note: Watch the ferry.
decision_points:
  - id: reserve
    at: 2h
    question: {en: Commit?, ru: Ввести резерв?}
    default: hold
    options:
      hold: {name: {en: Hold, ru: Удерживать}, description: {en: wait, ru: ждать}}
      commit: {description: {en: go now}}
"""


def test_pick_takes_the_language_then_english_then_the_first_written():
    assert pick({"en": "Kuryk port", "ru": "порт Курык"}, "ru") == "порт Курык"
    assert pick({"en": "Kuryk port", "ru": "порт Курык"}, "de") == "Kuryk port"
    assert pick({"kk": "Құрық порты"}, "ru") == "Құрық порты"
    assert pick("Kuryk port", "ru") == "Kuryk port"
    assert pick(None, "ru") == ""


def test_a_plain_string_lacks_every_language_but_english():
    assert lacks("A storm.", "ru") and not lacks("A storm.", "en")
    assert lacks({"en": "A storm."}, "ru") and not lacks({"en": "A storm.", "ru": "Шторм."}, "ru")
    assert not lacks("", "ru") and not lacks(None, "ru")  # no text at all: nothing to translate


def test_untranslated_finds_each_text_without_the_language_wherever_it_sits(load):
    s = load(BILINGUAL + INJECT)
    found = set(untranslated(s, "ru"))
    assert ("injects", 0, "note") in found  # a plain string
    assert ("decision_points", 0, "options", "commit", "description") in found  # English only, in a dict
    assert ("scenario", "name") not in found and ("injects", 0, "message") not in found
    assert ("decision_points", 0, "options", "hold", "name") not in found  # an optional text, given in both
    assert list(untranslated(s, "en")) == []


def test_every_output_reads_the_texts_in_the_readers_language(load):
    s = load(BILINGUAL + INJECT)
    ru = Labels(s, language("ru"))
    assert ru.title() == "Поединок"
    assert ru.option("reserve", "hold") == "Удерживать" and ru.option("reserve", "commit") == "commit"
    assert ru.text(s.injects[0].message) == "Шторм."
    assert Labels(s, language("en")).title() == "Duel"


def test_check_lang_names_the_file_and_line_of_each_text_with_no_russian(write):
    path = write(BILINGUAL + INJECT)
    lines = path.read_text().splitlines()
    r = CliRunner().invoke(main, ["check", str(path), "--lang", "ru"])
    assert r.exit_code == 0, r.output
    note = next(i for i, line in enumerate(lines, 1) if "note: Watch the ferry." in line)
    assert f"{path}:{note}:" in r.stderr and "injects.0.note: warning: no text in 'ru'" in r.stderr
    assert "decision_points.0.options.commit.description: warning: no text in 'ru'" in r.stderr
    assert "scenario.name" not in r.stderr
    strict = CliRunner().invoke(main, ["check", str(path), "--lang", "ru", "--strict"])
    assert strict.exit_code == 1
    english = CliRunner().invoke(main, ["check", str(path), "--lang", "en", "--strict"])
    assert english.exit_code == 0, english.stderr


def test_a_text_with_an_unknown_language_code_is_refused_at_its_line(write):
    path = write(BILINGUAL.replace("ru: Поединок}", "russian: Поединок}", 1))
    r = CliRunner().invoke(main, ["check", str(path)])
    assert r.exit_code == 2 and f"{path}:1:" in r.stderr, r.stderr


@pytest.mark.parametrize("name", sorted(shipped("scenario")))
def test_every_shipped_scenario_has_every_text_in_russian(name):
    r = CliRunner().invoke(main, ["check", name, "--lang", "ru", "--strict"])
    assert r.exit_code == 0, r.stderr


def test_a_russian_text_taken_out_of_a_shipped_scenario_is_named_at_its_line(tmp_path):
    source = shipped("scenario")["island_retake"].read_text(encoding="utf-8")
    lines = source.splitlines()
    i = next(i for i, line in enumerate(lines) if line.strip().startswith("oymasha:"))  # a place, with its texts
    lines[i] = lines[i].replace(", ru: район сосредоточения}", "}")  # its description, English only
    path = tmp_path / "island_retake.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(path), "--lang", "ru", "--strict"])
    assert r.exit_code == 1
    assert [line for line in r.stderr.splitlines() if "no text in 'ru'" in line] == [
        f"{path}:{i + 1}:{lines[i].index('description: {') + 14}: map.places.oymasha.description: warning: no text in "
        "'ru': write it as "
        "{en: ..., ru: ...}"
    ]
