"""Words follow the exercise: a relief exercise's report, story and summary, in English and Russian, speak of
patients, supplies and people served, never of killing, wounding or combat (scenario.exercise: relief)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.check import load_scenario
from sim.cli import main
from sim.models.catalogue import catalogue
from sim.present.agreement import agreeing, plural_name
from sim.present.table import _short
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
    # and it speaks of what a relief exercise does: patients, supplies delivered, people to serve
    expected = {
        "en": ("patients", "delivered", "people to serve"),
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


# --- label glitches (issue 30, 10) ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "plural", "singular"),
    [
        ("en", "Water trucks (trucks-1) arrive at", "Rescue helicopter (heli-1) brings"),
        ("ru", "Автоцистерны (trucks-1) прибывают в пункт", "Спасательный вертолёт (heli-1) доставляет"),
    ],
)
def test_a_unit_named_in_the_plural_takes_a_plural_verb(lang, plural, singular):
    """ "Water trucks arrive", not "Water trucks arrives"; a unit named in the singular keeps its verb."""
    story = " ".join(invoke("story", str(RELIEF), "--lang", lang).output.split())
    assert plural in story and singular in story


def test_plural_names_are_told_from_singular_ones():
    plural = ["Water trucks (trucks-1)", "LAVs", "Marines of the 2nd company", "The northern camp's people"]
    plural += ["Автоцистерны", "Пожарные машины"]
    singular = ["Column of trucks", "Kazakh MEDEVAC helicopter 1", "Bus", "1st Marine Company", "Спасательный вертолёт"]
    assert all(plural_name(n, "ru" if n[0] > "z" else "en") for n in plural)
    assert not any(plural_name(n, "ru" if n[0] > "z" else "en") for n in singular)


def test_people_run_out_of_water_in_the_plural():
    """ "The northern camp's people run out of water", a sentence the review found in the singular."""
    people = {"unit": "The northern camp's people (dp-north)", "cls": "water"}
    assert agreeing("{unit} runs out of {cls}.", people, "en") == "{unit} run out of {cls}."
    assert agreeing("{unit} runs out of {cls}: {reason}.", people, "en") == "{unit} run out of {cls}: {reason}."
    assert agreeing("{unit} runs out of {cls}.", {"unit": "Bus", "cls": "fuel"}, "en") == "{unit} runs out of {cls}."


def test_the_msel_counts_agree_with_their_number(tmp_path):
    """ "1 decision point", not "1 decision points"."""
    text = RELIEF.read_text() + (
        "decision_points:\n  - {id: airlift, at: 2h, options: {go: {}, wait: {}}, default: go}\n"
        "injects:\n  - {id: aftershock, at: 3h, effects: [{type: close_routes, mode: land, for: 2h, "
        "under_way: turn_back}]}\n"
    )
    path = tmp_path / "s.yaml"
    path.write_text(text)
    out = invoke("check", str(path), "--msel").output
    assert "1 inject, 1 decision point" in out and "decision points" not in out
    ru = invoke("check", str(path), "--msel", "--lang", "ru").output
    assert "1 вводная, 1 точка принятия решений" in ru


def test_a_road_closure_refuses_at_sea(tmp_path):
    text = RELIEF.read_text() + (
        "injects:\n  - {id: aftershock, at: 3h, effects: [{type: close_routes, mode: land, at_sea: turn_back}]}\n"
    )
    path = tmp_path / "s.yaml"
    path.write_text(text)
    r = CliRunner().invoke(main, ["check", str(path)], catch_exceptions=False)
    assert r.exit_code == 2
    assert "at_sea: is for ships at sea; a closure of land routes takes under_way:" in r.output


def test_an_objective_to_secure_a_place_is_described_by_its_name(tmp_path):
    """The run's summary says "the island strongpoint secured within 8 h" (the place's name), not the id."""
    s = load_scenario("medical_chain", ["objectives=[{id: take, kind: secure, place: island, within: 8h}]"]).scenario
    assert catalogue(s)["objective.take"].description == "the island strongpoint secured within 8 h"


def test_a_long_factor_path_keeps_a_name_before_its_index():
    assert _short("injects.storm.effects.0.for") == "…effects.0.for"  # not "…0.for"
    assert _short("phases.assault.orders.3.sorties") == "…orders.3.sorties"
    assert _short("units.ls-1.strength") == "…ls-1.strength"


def test_the_headline_follows_the_exercise():
    """relief: the objectives' metrics first, then care and deliveries, nothing of combat; mixed: the objectives'
    metrics first, then the models' own headline (killed among them); combat: the models' own."""
    combat_families = ("killed", "wounded", "time_to_secure_h", "secured", "survivors")
    relief = catalogue(load_scenario(RELIEF).scenario).headline()
    assert relief[0] == "delivered_t.water_line.water"  # the objective's metric
    assert {"casualties", "returned_to_duty", "died_of_wounds", "delivered_t.water_line.shelter"} <= set(relief)
    assert not [m for m in relief if m.split(".")[0] in combat_families]
    mixed = catalogue(load_scenario(RELIEF, ["scenario.exercise=mixed"]).scenario).headline()
    assert mixed[0] == "delivered_t.water_line.water" and "killed.relief" in mixed
    combat = catalogue(load_scenario(RELIEF, ["scenario.exercise=combat"]).scenario).headline()
    assert "killed.relief" in combat and "delivered_t.water_line.water" not in combat


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_relief_plan_has_no_word_of_war(lang):
    """The review read "dp-north water: ... combat 3,750/h" in the shipped relief scenario's plan: the people of a
    camp drink at one rate, their use, and the plan's heading names no combat rates."""
    shipped = Path(__file__).parents[2] / "scenarios" / "earthquake_relief.yaml"
    out = invoke("check", str(shipped), "--plan", "--lang", lang, env={"COLUMNS": "200"}).output
    found = FORBIDDEN[lang].findall(out)
    assert not found, found
    assert {"en": "use 3,750/h", "ru": "расход: 3\xa0750/ч"}[lang] in out


def test_an_objective_is_described_by_its_english_name_and_a_delivery_by_its_places_name():
    """The English run summary printed "Water delivered to beach_amber at least 15000 L within 12 h (if
    beach.amber is taken)": ids and an ungrouped number, though the scenario names the objective."""
    s = load_scenario("sea_base_landing").scenario
    cat = catalogue(s)
    assert cat["objective.water_ashore"].description == "At least 15,000 L of water on Beach Amber within 12 hours"
    assert cat["delivered.water.beach_amber"].description == "water delivered to Beach Amber"
    assert cat["objective.limit_losses"].description == "killed (blue) at most 15 people"  # no name: described


def test_a_relief_sweeps_english_table_counts_patients(tmp_path):
    """The review read "died_of_wounds 9 casualties" in the relief sweep's English table, against "patients" in
    its run's: the sweep's table speaks the exercise's words too."""
    out = tmp_path / "sweep"
    r = CliRunner().invoke(
        main,
        [
            "sweep",
            str(RELIEF),
            "--vary",
            "medical.facilities.field_hospital.teams=2,4",
            "--reps",
            "1",
            "--out",
            str(out),
        ],
        env={"COLUMNS": "200"},
        catch_exceptions=False,
    )
    assert r.exit_code == 0, r.output
    assert not FORBIDDEN["en"].findall(r.output.replace("died_of_wounds", ""))
    assert not re.search(r"\d casualt", r.output) and re.search(r"\d patients", r.output)  # the values' words
