"""Replaying stored replications, --trace, and the story of one run (checked against its trace)."""

from __future__ import annotations

import json
import math
import re
from datetime import timedelta

import pytest
from click.testing import CliRunner

from sim.check import load_scenario
from sim.cli import main
from sim.config.text import pick
from sim.config.yamlsafe import read_text
from sim.experiment import replay
from sim.experiment.runner import run_replication
from sim.experiment.store import ResultStore
from tests.conftest import REPO

ISLAND = REPO / "scenarios" / "island_retake.yaml"


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, env=env)


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A stored 16-replication run of the island retake, replications 0 and 15 traced."""
    out = tmp_path_factory.mktemp("story") / "run"
    r = invoke("run", str(ISLAND), "--seed", "5", "--reps", "16", "--out", str(out), "--trace", "0,15", "-q")
    assert r.exit_code == 0, r.output
    return out


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def test_replaying_replication_15_gives_exactly_its_stored_metrics(stored):
    store = ResultStore.open(stored)
    row = next(r for r in store.rows(0) if r["replication"] == 15)
    again = replay.replay(stored, 15)
    assert again.seed == 5 and again.replication == 15
    assert list(again.metrics) == store.metrics
    assert all(_same(again.metrics[m], row[m]) for m in store.metrics), "replay differs from the stored row"
    other = next(r for r in store.rows(0) if r["replication"] == 14)
    assert any(not _same(row[m], other[m]) for m in store.metrics), "replications 14 and 15 are told apart"


def test_replaying_a_sweep_point_uses_that_points_scenario(tmp_path):
    out = tmp_path / "sw"
    args = ["sweep", str(ISLAND), "--vary", "units.ls-1.strength=1,2", "--reps", "3", "--out", str(out), "-q"]
    assert invoke(*args).exit_code == 0
    store = ResultStore.open(out)
    for point in (0, 1):
        row = store.rows(point)[2]
        again = replay.replay(out, 2, point)
        assert all(_same(again.metrics[m], row[m]) for m in store.metrics)
    assert replay.replay(out, 2, 0).metrics != replay.replay(out, 2, 1).metrics
    r = CliRunner().invoke(main, ["story", str(out), "--rep", "0", "--point", "7"])
    assert r.exit_code == 2 and "points 0 to 1" in r.output
    r = CliRunner().invoke(main, ["story", str(out), "--rep", "3"])
    assert r.exit_code == 2 and "--rep 3" in r.output and "replications 0 to 2" in r.output


def test_trace_selection_writes_the_chosen_replications_compactly(stored):
    assert sorted(p.name for p in (stored / "traces").iterdir()) == ["rep-0.jsonl", "rep-15.jsonl"]
    text = (stored / "traces" / "rep-15.jsonl").read_text()
    assert ", " not in text and '": ' not in text, "compact separators"
    events = [json.loads(line) for line in text.splitlines()]
    assert all(e["t"] == round(e["t"], 2) for e in events)
    assert not any(e["kind"] == "sample" for e in events), "no positions unless asked"
    again = replay.replay(stored, 15).events
    assert [e["kind"] for e in events] == [e["kind"] for e in again]
    assert (stored / "events.jsonl").read_text() == (stored / "traces" / "rep-0.jsonl").read_text()


@pytest.mark.parametrize(("value", "expected"), [("all", [0, 1, 2]), ("2", [0, 1]), ("2,0", [0, 2])])
def test_trace_values(tmp_path, value, expected):
    out = tmp_path / "o"
    assert invoke("run", str(ISLAND), "--reps", "3", "--out", str(out), "--trace", value, "-q").exit_code == 0
    assert sorted(int(p.stem.split("-")[1]) for p in (out / "traces").iterdir()) == expected


@pytest.mark.parametrize("value", ["x", "0", "1,a", "3,7"])
def test_bad_trace_values_are_one_line_errors(tmp_path, value):
    r = CliRunner().invoke(main, ["run", str(ISLAND), "--reps", "3", "--out", str(tmp_path / "o"), "--trace", value])
    assert r.exit_code == 2 and "--trace" in r.output and "Traceback" not in r.output


def test_sampling_the_state_changes_no_metric(island):
    plain = replay.trace(island, 9, 4)
    sampled = replay.trace(island, 9, 4, samples=True)
    assert plain.metrics == sampled.metrics
    assert [e for e in sampled.events if e["kind"] != "sample"] == plain.events
    samples = [e for e in sampled.events if e["kind"] == "sample"]
    assert samples[1]["t"] - samples[0]["t"] == replay.SAMPLE_EVERY_MIN
    assert samples[0]["units"]["mar-1"] == ["kuryk_port", 120.0]


# --- the story ------------------------------------------------------------------------------------------

YAML = read_text(ISLAND.read_text(), str(ISLAND)).data


def _clock(t: float) -> str:
    """Scenario clock time computed here from the scenario's start, independently of exsim's labels."""
    from datetime import datetime

    start = datetime.fromisoformat(str(YAML["scenario"]["start"]))
    at = start + timedelta(minutes=round(t))
    return f"D+{(at.date() - start.date()).days} {at:%H:%M}"


def _name(kind: str, ident: str, lang: str = "en") -> str:
    if kind == "phase":
        spec = next(p for p in YAML["phases"] if p["id"] == ident)
    elif kind == "place":
        spec = YAML["map"]["places"][ident]
    else:
        spec = next(u for u in YAML["units"] if u["id"] == ident)
    return spec["name"][lang]


def key_events(events: list[dict]) -> list[tuple[str, str]]:
    """(clock time, words that must be on that line) for the key events of a trace, in order."""
    out = []
    for e in events:
        if e["kind"] == "phase_start":
            out.append((_clock(e["t"]), f"Phase {_name('phase', e['phase'])} begins"))
        elif e["kind"] == "engagement_start":
            out.append((_clock(e["t"]), f"Engagement at {_name('place', e['place'])}"))
        elif e["kind"] == "signal" and e["name"].startswith("secured:"):
            place = _name("place", e["name"].split(":")[1])  # a sentence starts with a capital
            out.append((_clock(e["t"]), f"{place[:1].upper()}{place[1:]} is secured"))
        elif e["kind"] == "disembark":
            out.append((_clock(e["t"]), f"{_name('unit', e['unit'])} ({e['unit']}) lands at"))
        elif e["kind"] == "died_of_wounds":
            out.append((_clock(e["t"]), f"A {e['triage']} casualty dies of wounds"))
        elif e["kind"] == "order_failed":
            out.append((_clock(e["t"]), f"({e['unit']}) cannot carry out its order"))
    return out


@pytest.mark.parametrize(("seed", "rep"), [(2024, 15), (3, 0)])
def test_story_tells_the_key_events_of_the_trace_in_order(seed, rep):
    scenario = load_scenario(ISLAND).scenario
    events = run_replication(scenario, seed, rep, trace=True).events
    expected = key_events(events)
    assert len(expected) >= 8 and any("Engagement" in w for _, w in expected)
    r = invoke("story", str(ISLAND), "--rep", str(rep), "--seed", str(seed), env={"COLUMNS": "400"})
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    at = 0
    for clock, words in expected:
        found = next((i for i in range(at, len(lines)) if clock in lines[i] and words in lines[i]), None)
        assert found is not None, f"no line '{clock} … {words}' after line {at}:\n" + "\n".join(lines[at : at + 5])
        at = found
    assert "\x1b[" not in r.output, "plain text when piped"


def test_story_ends_with_why_each_objective_was_met_or_missed(stored):
    store = ResultStore.open(stored)
    row = store.rows(0)[15]
    r = invoke("story", str(stored), "--rep", "15", env={"COLUMNS": "400"})
    assert r.exit_code == 0, r.output
    outcome = r.output.split("\nOutcome\n")[1]
    for o in YAML["objectives"]:
        line = next(ln for ln in outcome.splitlines() if f"Objective {o['id']} " in ln)
        assert ("met —" in line) == (row[f"objective.{o['id']}"] == 1.0), line
    losses = f"killed (coalition) was {row['killed.coalition']:g} people"  # the catalogue's label
    assert losses in outcome
    secured = row["time_to_secure_h.island"]
    if not math.isnan(secured):
        assert f"was secured at {_clock(secured * 60)}" in outcome


def test_story_of_a_missed_objective_says_why(tmp_path):
    # one landing ship carries one company a trip and the assault waits: the island falls late, or never
    r = invoke("story", str(ISLAND), "--set", "objectives.0.within=1h", env={"COLUMNS": "400"})
    assert r.exit_code == 0, r.output
    line = next(ln for ln in r.output.splitlines() if "Objective secure_island" in ln)
    assert "missed —" in line and ("after the limit of D+0 05:00" in line or "repulsed" in line)


def test_a_stored_run_refuses_overrides():
    r = CliRunner().invoke(main, ["story", "latest", "--set", "combat.mode=deterministic"])
    assert r.exit_code == 2 and "replayed exactly" in r.output


# --- languages --------------------------------------------------------------------------------------------


def _english_fragments() -> list[str]:
    """Literal English pieces of every message (between placeholders), long enough to be telling."""
    from babel.messages.extract import extract_from_dir

    from tools.catalogue import KEYWORDS, SOURCES

    out = set()
    for _f, _l, msg, *_ in extract_from_dir(REPO / "sim", SOURCES, keywords=KEYWORDS):
        for m in msg if isinstance(msg, tuple) else (msg,):
            out.update(p.strip(" .,:;()—") for p in re.split(r"\{[^}]*\}", m))
    return sorted(p for p in out if len(p) >= 6 and re.search(r"[a-z]{3}", p))


def test_every_message_has_a_russian_translation_and_the_mo_is_current():
    from tools.catalogue import main as check

    assert check(["--check"]) == 0


def test_a_compiled_catalogue_is_stale_when_one_translation_differs_whatever_babel_wrote_its_bytes():
    """The check compares what the .mo says, not its bytes: Babel 2.18 and 2.19 lay out the same catalogue
    differently, and CI installs the newest."""
    from tools.catalogue import mo_bytes, mo_messages, read

    cat = read("ru")
    before = mo_messages(mo_bytes(cat))
    message = next(m for m in cat if m.id and isinstance(m.string, str) and m.string)
    message.string += "!"
    assert mo_messages(mo_bytes(cat)) != before
    plural = next(m for m in cat if isinstance(m.id, tuple | list))
    assert isinstance(before[1][tuple(plural.id)], tuple)  # plural forms are compared too


def test_an_empty_plural_counts_as_untranslated():
    from babel.messages.catalog import Message

    from tools.catalogue import _translated

    assert not _translated(Message(("{n} bed", "{n} beds"), ("", "", "")))
    assert not _translated(Message(("{n} bed", "{n} beds"), ("{n} койка", "", "")))
    assert _translated(Message(("{n} bed", "{n} beds"), ("{n} койка", "{n} койки", "{n} коек")))
    assert not _translated(Message("bed", "")) and _translated(Message("bed", "койка")) and not _translated(None)


def test_russian_placeholders_match_the_english():
    from tools.catalogue import read

    for m in read("ru"):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        names = set(re.findall(r"\{(\w+)", ids[-1]))
        for s in strings:
            assert set(re.findall(r"\{(\w+)", s)) == names, (m.id, s)


def test_russian_story_has_no_untranslated_english_message():
    r = invoke("story", str(ISLAND), "--rep", "15", "--seed", "2024", "--lang", "ru", env={"COLUMNS": "400"})
    assert r.exit_code == 0, r.output
    leaks = [p for p in _english_fragments() if p in r.output]
    assert not leaks, leaks
    assert "Итоги" in r.output and "выдвигается" in r.output and "1-я рота морской пехоты (mar-1)" in r.output
    assert re.search(r"Задача «.*» \(secure_island\): (выполнена|не выполнена) —", r.output)


def test_the_language_comes_from_exsim_lang_or_the_locale(monkeypatch):
    ru = invoke("story", str(ISLAND), "--rep", "1", env={"EXSIM_LANG": "ru", "COLUMNS": "400"})
    assert "Итоги" in ru.output
    loc = invoke("story", str(ISLAND), "--rep", "1", env={"EXSIM_LANG": "", "LC_ALL": "ru_RU.UTF-8", "COLUMNS": "400"})
    assert "Итоги" in loc.output
    en = invoke("story", str(ISLAND), "--rep", "1", env={"EXSIM_LANG": "", "LC_ALL": "C", "COLUMNS": "400"})
    assert "Outcome" in en.output
    bad = CliRunner().invoke(main, ["story", str(ISLAND), "--lang", "fr"])
    assert bad.exit_code == 2 and "en and ru" in bad.output


def test_clock_times_count_days_from_the_start_and_hours_without_one(island):
    from sim.present.i18n import language
    from sim.present.labels import Labels

    names = Labels(island, language("en"))
    assert names.clock(0) == "D+0 04:00" and names.clock(20 * 60 + 5) == "D+1 00:05"
    bare = Labels(
        island.model_copy(update={"scenario": island.scenario.model_copy(update={"start": None})}), language("en")
    )
    assert bare.clock(20 * 60 + 5) == "H+20:05"


def test_a_metric_objective_is_named_by_its_metric_s_description(island):
    """An instructor reads "killed (coalition) at most 10", not the column name killed.coalition."""
    from sim.present.i18n import language
    from sim.present.labels import Labels

    (o,) = [o for o in island.objectives if getattr(o, "metric", None) == "killed.coalition"]
    assert Labels(island, language("en")).objective(o.id) == f"killed (coalition) at most {o.at_most:g}"
    assert Labels(island, language("ru")).objective(o.id) == f"убитые (коалиция) не более {o.at_most:g}"


def test_a_share_objective_s_bound_is_in_per_cent_as_its_value_is():
    """ "on time at least 80 %", beside "was 75.0 %": not "at least 0.8"."""
    from sim.present.i18n import language
    from sim.present.labels import Labels

    scenario = load_scenario(REPO / "scenarios" / "trans_caspian_logistics.yaml").scenario
    (o,) = [o for o in scenario.objectives if getattr(o, "metric", None) == "on_time_share"]
    assert Labels(scenario, language("en")).objective(o.id).endswith(f" at least {100 * o.at_least:g} %")
    nbsp = "\N{NO-BREAK SPACE}"
    assert Labels(scenario, language("ru")).objective(o.id).endswith(f" не менее {100 * o.at_least:g}{nbsp}%")


@pytest.mark.parametrize("name", sorted(p.stem for p in (REPO / "scenarios").glob("*.yaml")))
def test_every_shipped_scenario_is_told_in_both_languages(name):
    en = invoke("story", name, "--rep", "3", env={"COLUMNS": "400", "EXSIM_LANG": "en"})
    assert en.exit_code == 0 and "Outcome" in en.output and len(en.output.splitlines()) > 10
    ru = invoke("story", name, "--rep", "3", "--lang", "ru", env={"COLUMNS": "400"})
    assert ru.exit_code == 0, ru.output
    scenario = load_scenario(name).scenario
    told = ru.output
    # the scenario's own words (its title, phase names, the MSEL's messages) are told as written
    for own in [pick(scenario.scenario.name, "ru"), *(p.id for p in scenario.phases)]:
        told = told.replace(own, "")
    leaks = [p for p in _english_fragments() if p in told]
    assert not leaks, leaks


def test_positions_over_time_only_when_asked(tmp_path):
    out = tmp_path / "o"
    assert invoke("run", str(ISLAND), "--reps", "2", "--out", str(out), "--trace", "--positions", "-q").exit_code == 0
    events = replay.read_trace(out / "traces" / "rep-0.jsonl")
    samples = [e for e in events if e["kind"] == "sample"]
    assert len(samples) == 24 * 60 / replay.SAMPLE_EVERY_MIN
    assert samples[0]["units"]["ls-1"] == ["kuryk_port", 2]
    r = CliRunner().invoke(main, ["run", str(ISLAND), "--reps", "2", "--out", str(tmp_path / "p"), "--positions"])
    assert r.exit_code == 2 and "--positions goes with --trace" in r.output


def test_russian_terminal_summary_has_no_untranslated_english_message(tmp_path):
    out = tmp_path / "ru"
    r = invoke("run", str(ISLAND), "--reps", "3", "--out", str(out), "--lang", "ru", env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    text = r.output.replace(str(out), "").replace(pick(load_scenario(ISLAND).scenario.scenario.name, "ru"), "")
    text = text.replace("--metric", "")  # an option's name is not translated
    for name in sorted(ResultStore.open(out).metrics, key=len, reverse=True):  # the column names stay as they are
        text = text.replace(name, "")
    leaks = [p for p in _english_fragments() if p in text]
    assert not leaks, leaks
    assert "Задачи" in text and "результаты записаны в" in text and re.search(r"\d из 3", text)


def test_injects_and_decisions_are_told_in_the_language_asked(island):
    from sim.present.i18n import language
    from sim.present.story import Narrator

    events = [  # as sim/models/injects.py and decisions.py write them
        {"t": 90.0, "kind": "inject", "id": "storm", "message": "A storm closes the sea lane."},
        {"t": 95.0, "kind": "decision", "id": "reserve", "option": "commit"},
        {"t": 96.0, "kind": "reinforce", "unit": "ag", "n": 45, "side": "armed_group"},
    ]
    en = [ln.text for ln in Narrator(island, language("en")).feed(events)]
    assert en == [
        "Inject storm: A storm closes the sea lane.",
        "Decision reserve: commit.",
        "Armed group (ag) is reinforced by 45.",
    ]
    ru = Narrator(island, language("ru")).feed(events)
    assert [ln.topic for ln in ru] == ["inject", "decision", "inject"]
    assert ru[0].text == "Вводная (storm): A storm closes the sea lane." and ru[1].text == "Решение (reserve): commit."


def test_russian_story_keeps_names_in_the_nominative_and_starts_sentences_with_a_capital(island):
    """Russian cannot decline a scenario's names: the messages put them after a colon, a dash or in quotes, a
    quantity takes its supply class in the genitive, and a sentence that starts with a name starts with a capital."""
    from sim.present.i18n import language
    from sim.present.story import Narrator

    events = [  # as the models write them
        {"t": 0.0, "kind": "phase_start", "phase": "landing"},
        {"t": 0.0, "kind": "defend", "unit": "ag", "at": "island"},
        {"t": 1.0, "kind": "disembark", "unit": "mar-1", "at": "island_beach", "transport": "ls-1"},
        {"t": 2.0, "kind": "disembark", "unit": "sf-1", "at": "island_beach", "transport": "hel-1"},
        {"t": 3.0, "kind": "load", "transport": "ls-1", "cargo": {"water": 15000.0, "rations": 1.0, "ammunition": 4.0}},
        {"t": 4.0, "kind": "deliver", "transport": "ls-1", "line": "beach_resupply", "at": "beach_dump"},
        {"t": 5.0, "kind": "engagement_end", "place": "island", "winner": "coalition", "minutes": 80},
        {"t": 5.0, "kind": "signal", "name": "secured:island", "side": "coalition"},
        {"t": 6.0, "kind": "signal", "name": "phase:landing"},
        {"t": 7.0, "kind": "supplies_lost", "depot": "beach_dump", "amount": 2.0, "cls": "fuel"},
        {"t": 8.0, "kind": "reinforce_too_late", "unit": "ag"},
    ]
    ru = [ln.text for ln in Narrator(island, language("ru")).feed(events)]
    assert ru == [
        "Этап «высадка морского десанта» начинается: переброска морской пехоты морем, а спецназа по воздуху на "
        "участок высадки на острове.",
        "Незаконное вооружённое формирование (ag) занимает оборону в пункте «опорный пункт на острове».",
        "1-я рота морской пехоты (mar-1) высаживается в пункте «участок высадки на острове»; "
        "переправляет: отряд десантных кораблей (ls-1).",
        "Группа спецназа морской пехоты (sf-1) высаживается в пункте «участок высадки на острове»; "
        "переправляет: звено транспортных вертолётов (hel-1).",
        "Отряд десантных кораблей (ls-1) доставляет в пункт «полевой склад на участке высадки»: "
        "15\N{NO-BREAK SPACE}000 л воды, 1 т продовольствия, 4 т боеприпасов "
        "(линия снабжения Курык — остров десантными кораблями).",
        "Бой за пункт «опорный пункт на острове» окончен через 1 ч 20 мин. Победа: коалиция.",
        "Пункт «опорный пункт на острове» взят. Сторона: коалиция.",
        "Этап «высадка морского десанта» завершён.",
        "Полевой склад на участке высадки: потеряно 2 л горючего.",  # a name starting a sentence takes a capital
        "Незаконное вооружённое формирование (ag): подкрепление прибывает слишком поздно.",
    ]
    en = [ln.text for ln in Narrator(island, language("en")).feed(events)]
    assert en[4] == (
        "Landing ship detachment (ls-1) delivers 15,000 L of water, 1 t of rations, 4 t of ammunition to "
        "beach dump on the island (supply line Kuryk–island beach by landing ship)."
    )


@pytest.mark.parametrize(
    ("why", "told"),
    [  # a unit's name after a preposition would need a case Russian cannot give it: it stands on its own
        (
            "not at the same place as ls-1",
            "подразделение не в том пункте, где находится отряд десантных кораблей (ls-1)",
        ),
        ("ls-1 has room for 2 only", "отряд десантных кораблей (ls-1): есть места только для 2 чел."),
        (
            "hel-1 left before sf-1 was off",
            "звено транспортных вертолётов (hel-1): отход до окончания высадки "
            "(высаживается: группа спецназа морской пехоты (sf-1))",
        ),
        (
            "not at kuryk_port for the lift by ls-1",
            "подразделение отсутствует в пункте «порт Курык» к погрузке (транспорт: отряд десантных кораблей (ls-1))",
        ),
    ],
)
def test_russian_reasons_keep_unit_names_in_the_nominative(island, why, told):
    from sim.present.families.orders import reason
    from sim.present.i18n import language
    from sim.present.labels import Labels

    assert reason(why, Labels(island, language("ru"))) == told  # told after "… не может выполнить приказ:"


def test_the_russian_story_names_the_seed_as_an_analyst_would():
    r = invoke("story", "island_retake", "--lang", "ru", env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    title = r.output.splitlines()[0]
    assert "(начальное значение ГСЧ 20" in title and "зерно" not in r.output.lower()
