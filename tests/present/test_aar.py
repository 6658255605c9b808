"""The AAR/IP of a play with cells: each request's answer time split into decision time and the command
model's delay (by hand, from the drill's command section), observations under their objective, strengths and
areas for improvement, the improvement plan; the Russian export passes the "no English" scan."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sim.check import load_scenario
from sim.play import PlaySession
from sim.present import aar, i18n
from sim.present.labels import Labels
from tests.product.test_russian_outputs import english

DRILL = str(Path(__file__).parents[1] / "play" / "cells_drill.yaml")
BBB_TO_CCC = 15.0 + 40.0  # BBB's liaison halves 30min; CCC's pair is 40min; relayed through the HQ (AAA)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = False

    def handle_starttag(self, tag, attrs):
        self._skip = tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip = False

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def text_of(html: str) -> str:
    p = _Text()
    p.feed(html)
    return "\n".join(x for x in p.parts if x.strip())


def _drill_play():
    s = load_scenario(DRILL).scenario
    session = PlaySession(s, 3, cells=frozenset({"bbb", "ccc"}))
    session.advance(30)
    session.request("fires")
    session.advance(BBB_TO_CCC)
    session.advance(12)  # ccc's players take twelve minutes
    session.answer(1, "grant")
    session.message("The bridge is down.", to="bbb")
    session.observe("ccc", "take_hill", "some_challenges", "Answer took long")
    session.observe("bbb", "take_hill", "performed", "Clear request")
    session.run_to_end()
    return s, session


def test_the_answer_time_is_split_into_decision_time_and_the_command_delay():
    _, session = _drill_play()
    (r,) = aar.request_times(session.events)
    assert (r.from_cell, r.to_cell, r.answer) == ("bbb", "ccc", "grant")
    assert r.decision_min == pytest.approx(12.0)
    assert r.c2_min == pytest.approx(2 * BBB_TO_CCC)
    assert r.total_min == pytest.approx(12.0 + 2 * BBB_TO_CCC)


def test_observations_land_under_their_objective_and_sort_into_strengths_and_improvements():
    s, session = _drill_play()
    names = Labels(s, i18n.language("en"))
    report = aar.build(s, session.events, session.actions, names)
    assert [o.note for o in report.observations["take_hill"]] == ["Answer took long", "Clear request"]
    assert len(report.strengths) == 1 and "Clear request" in report.strengths[0]
    assert len(report.improvements) == 1 and "Answer took long" in report.improvements[0]
    assert [row["cell"] for row in report.plan] == ["ccc"]  # one row per area for improvement, to edit
    bbb = [e.text for e in report.timeline["bbb"]]
    assert any("The bridge is down." in t for t in bbb)
    assert not any("The bridge is down." in e.text for e in report.timeline["ccc"])  # to one cell only
    md = aar.to_markdown(report, names)
    section = md.split("### take_hill")[1].split("###")[0] if "### take_hill" in md else md.split("(take_hill)")[1]
    assert "Answer took long" in section
    row = next(line for line in md.splitlines() if line.startswith("| fires (fires)"))
    assert row.endswith(f"| {names.duration(12.0)} | {names.duration(2 * BBB_TO_CCC)} |"), row
    edited = aar.build(
        s,
        session.events,
        session.actions,
        names,
        plan=[{"issue": "Slow", "action": "Drill", "cell": "ccc", "date": "2025-01-10"}],
    )
    rows = list(csv.reader(io.StringIO(aar.to_csv(edited, names))))
    assert rows[-1][0] == "improvement plan" and rows[-1][1:] == ["2025-01-10", "ccc", "Slow", "Drill"]
    html = aar.to_html(edited, names)
    assert re.search(r'data-objective="take_hill">.*?Answer took long', html, re.S)


def test_the_russian_aar_passes_the_no_english_scan():
    s = load_scenario("birlestik_2024").scenario
    session = PlaySession(s, 2024, lang="ru", cells=frozenset({"aze", "uzb"}))
    session.advance(30)
    session.request("uzb_fire_support")
    while not session.awaiting():
        if session.pending is not None:
            session.acknowledge() if session.pending.kind == "inject" else session.choose(session.pending.default)
        session.advance(10)
    session.advance(15)
    session.answer(session.awaiting()[0].n, "grant")
    session.message("Паром задерживается в Алате.", to="aze")
    session.observe("aze", "secure_island", "some_challenges", "Заявка подана с опозданием")
    session.observe("uzb", "secure_island", "performed", "Удар нанесён своевременно")
    names = Labels(s, i18n.language("ru"))
    report = aar.build(s, session.events, session.actions, names)
    report.plan = [{"issue": "Запоздалая заявка", "action": "Тренировка", "cell": "aze", "date": "10.01.2025"}]
    for what, text in (
        ("markdown", aar.to_markdown(report, names)),
        ("csv", aar.to_csv(report, names)),
        ("html", text_of(aar.to_html(report, names))),
    ):
        assert english(text) == [], (what, english(text))
        assert "Заявка подана с опозданием" in text


def test_the_report_of_a_play_in_cells_holds_its_aar_ip(tmp_path):
    pytest.importorskip("jinja2")
    from sim.present import report

    s, session = _drill_play()
    session.save(tmp_path / "play")
    html = report.build(tmp_path / "play", i18n.language("en"))
    aar_part = html.split('<section id="aar-ip">')[1].split('<section id="objectives">')[0]
    assert re.search(r'data-objective="take_hill">.*?Answer took long', aar_part, re.S)
    assert "fires (fires)" in aar_part  # the request's row, with its decision time and delay
    assert names_duration(s, 2 * BBB_TO_CCC) in aar_part


def names_duration(s, minutes: float) -> str:
    return Labels(s, i18n.language("en")).duration(minutes)


def _events(*, back: bool) -> list[dict]:
    """A request of bbb to ccc, granted and carried out; its answer reaches bbb, or an outage loses it."""
    last = (
        {"kind": "request_answer_arrived", "t": 160.0, "n": 1, "id": "fires", "answer": "grant", "to_cell": "bbb"}
        if back
        else {"kind": "request_lost", "t": 105.0, "n": 1, "id": "fires", "to_cell": "bbb"}
    )
    return [
        {"kind": "request", "t": 30.0, "n": 1, "id": "fires", "from_cell": "bbb", "to_cell": "ccc"},
        {"kind": "request_arrived", "t": 85.0, "n": 1, "id": "fires", "to_cell": "ccc"},
        {"kind": "request_answered", "t": 105.0, "n": 1, "id": "fires", "answer": "grant"},
        last,
    ]


@pytest.mark.parametrize("code, word", [("en", "granted, answer lost"), ("ru", "удовлетворена, ответ утрачен")])
def test_a_granted_request_whose_answer_was_lost_shows_as_granted_not_just_lost(code, word):
    s = load_scenario(DRILL).scenario
    names = Labels(s, i18n.language(code))
    report = aar.build(s, _events(back=False), [], names)
    row = next(line for line in aar.to_markdown(report, names).splitlines() if "(fires)" in line and "|" in line)
    assert f"| {word} |" in row, row
    assert aar.context(report, names)["requests"][0]["answer"] == word


def test_the_asker_learning_the_answer_names_the_request():
    s = load_scenario(DRILL).scenario
    names = Labels(s, i18n.language("en"))
    report = aar.build(s, _events(back=True), [], names)
    (learns,) = [e.text for e in report.timeline["bbb"] if e.t == 160.0]
    assert names.request("fires") in learns and "granted" in learns, learns
    lost = aar.build(s, _events(back=False), [], names)
    assert [e.t for e in lost.timeline["bbb"]] == [30.0]  # never learns it
