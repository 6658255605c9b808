"""The flagship exercise, birlestik_2024, names its units, places, sides and phases in English and
Russian, and its story, told in either language, calls none of them by its raw id."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from sim.check import load_scenario
from sim.cli import main
from sim.config.text import pick

FLAGSHIP = load_scenario("birlestik_2024").scenario
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def named() -> dict[str, dict[str, object]]:
    """The scenario's display names by kind, then by id."""
    s = FLAGSHIP
    return {
        "unit": {u.id: u.name for u in s.units},
        "place": {pid: p.name for pid, p in s.map.places.items()},
        "side": {sid: side.name for sid, side in s.sides.items()},
        "phase": {p.id: p.name for p in s.phases},
    }


@pytest.mark.parametrize("kind", ["unit", "place", "side", "phase"])
def test_every_unit_place_side_and_phase_has_an_english_and_a_russian_name(kind):
    names = named()[kind]
    for oid, name in names.items():
        assert isinstance(name, dict) and set(name) == {"en", "ru"}, (kind, oid, name)
        assert not CYRILLIC.search(name["en"]), (kind, oid, name)  # English in Latin letters
        assert CYRILLIC.search(name["ru"]), (kind, oid, name)  # Russian not copied from the English
    for lang in ("en", "ru"):  # two things with one name could not be told apart in a story
        shown = [name[lang] for name in names.values()]
        assert len(set(shown)) == len(shown), (kind, lang, shown)


def story(lang: str) -> str:
    """Replication 0 with the reserve committed, so every unit of the scenario takes part."""
    args = ["story", "birlestik_2024", "--set", "decisions.reserve=commit", "--lang", lang]
    r = CliRunner().invoke(main, args, env={"COLUMNS": "4000"}, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


def raw_ids(text: str, ids: list[str]) -> dict[str, list[str]]:
    """The ids that stand alone as words in ``text`` (``role1_oymasha`` is not ``oymasha``), with their lines."""
    found: dict[str, list[str]] = {}
    for oid in ids:
        word = re.compile(rf"(?<![\w-]){re.escape(oid)}(?![\w-])")
        lines = [line.strip() for line in text.splitlines() if word.search(line)]
        if lines:
            found[oid] = lines
    return found


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_story_calls_units_places_and_sides_by_their_names(lang):
    text = story(lang).replace(pick(FLAGSHIP.scenario.name, lang), "")  # the title, in the reader's language
    units = FLAGSHIP.units
    for u in units:
        assert u.name is not None
        name = u.name[lang]
        shown = [f"{n} ({u.id})" for n in {name, name[:1].upper() + name[1:]}]  # a sentence starts with a capital
        assert any(s in text for s in shown), u.id  # every unit takes part, shown by name with its id
        for s in shown:
            text = text.replace(s, name)
    # inject and decision lines quote the MSEL by its ids and in the words it was written in
    msel = re.compile(r"\s*D\+\d+ \d\d:\d\d  (Inject|Decision|Вводная|Решение) ")
    text = "\n".join(line for line in text.splitlines() if not msel.match(line))
    ids = [u.id for u in units] + list(FLAGSHIP.map.places) + list(FLAGSHIP.sides)
    if lang == "en":  # an id that is a word of an English name ('the island beach') is checked in Russian
        names = [*named()["place"].values(), *named()["side"].values()]
        words = {w for name in names for w in name["en"].split()}
        ids = [oid for oid in ids if oid not in words]
    assert not raw_ids(text, ids)
