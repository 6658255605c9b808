"""``exsim play``: in a pseudo-terminal (keys), without a terminal (stdin lines), and what it saves."""

from __future__ import annotations

import json
import os
import re
import sys

import pytest
from click.testing import CliRunner

from sim.check import load_scenario
from sim.cli import main
from sim.config.text import pick
from sim.experiment.replay import compact, read_trace
from sim.play import PlayScript, PlaySession
from tests.conftest import REPO

DRILL = REPO / "tests" / "play" / "drill.yaml"


def _objectives(folder) -> dict[str, float]:
    import csv

    with (folder / "replications.csv").open() as f:
        row = next(csv.DictReader(f))
    return {k: float(v) for k, v in row.items() if k.startswith("objective.")}


@pytest.mark.parametrize(
    ("answer", "option", "isle"), [("2\n", "attack", 1.0), ("", "hold", 0.0), ("1\n", "hold", 0.0)]
)
def test_without_a_terminal_decisions_come_from_stdin_lines(tmp_path, answer, option, isle):
    out = tmp_path / "play"
    r = CliRunner().invoke(main, ["play", str(DRILL), "--out", str(out), "--batch", "0"], input=answer)
    assert r.exit_code == 0, r.output
    assert "Inject news: Scouts report the hill is held in strength." in r.output  # plain narration
    assert f"chosen: {option}" in r.output
    play = json.loads((out / "play.json").read_text())
    assert [(a["id"], a["option"], a["by"]) for a in play["actions"] if a["action"] == "choose"] == [
        ("commit", option, "class")
    ]
    assert _objectives(out) == {"objective.take_isle": isle, "objective.take_hill": 0.0}
    assert play["finished"] is True and "placement" not in play


def test_an_answer_that_is_no_option_stops_with_one_line_and_the_play_is_saved(tmp_path):
    r = CliRunner().invoke(main, ["play", str(DRILL), "--out", str(tmp_path / "p"), "--batch", "0"], input="yes\n")
    assert r.exit_code == 2
    assert r.stderr.strip().splitlines() == [
        "decision commit: 'yes' is not an option number (1-2; an empty line takes the default)"
    ]
    script = PlayScript.load(tmp_path / "p")
    assert not script.finished and script.now == 120  # stopped at the decision, 2 h in
    assert f"play saved to {tmp_path / 'p'}" in r.stdout


def test_a_run_out_of_budget_mid_play_is_saved_and_says_one_line(tmp_path):
    """A real process with a batch running: the error is one line, the play is saved, no worker traceback
    (the batch's pool stopped before exsim exits)."""
    import subprocess

    out = tmp_path / "z"
    args = ["play", "birlestik_2024", "--set", "scenario.max_events=500", "--out", str(out), "--batch", "4"]
    r = subprocess.run(
        [sys.executable, "-m", "sim.cli", *args], input="1\n2\n", capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 2, r.stderr
    [line] = r.stderr.splitlines()
    said = re.fullmatch(
        r"the play stopped at simulated minute ([\d.]+): it needs more than 500 events, the run budget "
        r"\(scenario\.max_events\)",
        line,
    )
    assert said, line
    script = PlayScript.load(out)
    assert not script.finished and script.steps == 500 and script.now == pytest.approx(float(said[1]), abs=0.05)
    assert [a["option"] for a in script.actions if a["action"] == "choose"] == ["ridge", "commit"]  # 1, then 2


def test_the_play_folder_must_be_new(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine")
    r = CliRunner().invoke(main, ["play", str(DRILL), "--out", str(tmp_path / "full"), "--batch", "0"], input="")
    assert r.exit_code == 2 and "already holds files" in r.stderr
    assert (tmp_path / "full" / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("out", ["/proc/exsim-test/play", "/proc/self/exsim-play"])
def test_a_play_folder_that_cannot_be_written_is_refused_before_the_play(out, monkeypatch):
    """As exsim run refuses its --out before any replication: the class does not play a story that is then lost
    (/proc: its folder cannot be made, or nothing can be written where it would go; even for root)."""
    from sim.play import session

    def never(*args, **kwargs):
        raise AssertionError("the play started")

    monkeypatch.setattr(session.PlaySession, "__init__", never)
    r = CliRunner().invoke(main, ["play", str(DRILL), "--out", out, "--batch", "0"], input="")
    assert r.exit_code == 2, r.output
    assert r.stdout == "" and len(r.stderr.splitlines()) == 1 and r.stderr.startswith("cannot "), r.stderr


def test_the_class_run_is_placed_in_the_batch(tmp_path):
    out = tmp_path / "placed"
    r = CliRunner().invoke(main, ["play", str(DRILL), "--out", str(out), "--batch", "8"], input="2\n")
    assert r.exit_code == 0, r.output
    assert "isle secured: met in your run; met in 8 of 8 simulated runs." in r.output
    assert "time until isle was secured:" in r.output and "% of 8 simulated runs" in r.output
    landed = json.loads((out / "play.json").read_text())["placement"]
    assert landed["decisions"] == {"commit": "attack"} and landed["runs"] == 8
    isle = next(m for m in landed["metrics"] if m["metric"] == "time_to_secure_h.isle")
    assert len(isle["sample"]) == 8 and isle["better"] == "lower"
    below = sum(1 for x in isle["sample"] if x > isle["value"]) + 0.5 * isle["sample"].count(isle["value"])
    assert isle["percentile"] == 100 * below / 8


def test_in_a_terminal_keys_choose_override_and_the_play_replays(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    out = tmp_path / "class-a"
    env = {**os.environ, "EXSIM_DEBUG": "1", "EXSIM_LANG": "en", "PYTHONPATH": str(REPO)}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "sim.cli", "play", str(DRILL), "--speed", "100000", "--out", str(out), "--batch", "4"],
        cwd=str(tmp_path),
        env=env,
        dimensions=(45, 160),
        encoding="utf-8",
        timeout=60,
    )
    try:
        child.expect("press Enter to go on")  # the inject at H+1
        child.send("\r")
        child.expect("press 1-2 to choose")  # the decision at H+2
        child.send("o")
        child.expect("blue wins the fight at hill")
        child.expect("press 1-2 to apply")
        child.send("1")
        child.expect("press 1-2 to choose")  # back at the decision
        child.send("2")
        child.expect("Where your run landed")
        child.expect("play saved to")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, child.before
    # the keystroke took the isle, the override the hill: both as the test predicts
    assert _objectives(out) == {"objective.take_isle": 1.0, "objective.take_hill": 1.0}
    play = json.loads((out / "play.json").read_text())
    override = next(a for a in play["actions"] if a["action"] == "override")
    assert override["human_set"] is True and (override["kind"], override["target"]) == ("engagement_won", "hill")
    assert override["params"] == {"side": "blue"} and override["wall"]
    assert play["placement"]["overrides_left_out"] is True

    report = tmp_path / "aar.html"
    r = CliRunner().invoke(main, ["report", str(out), "-o", str(report)])
    assert r.exit_code == 0, r.output
    html = report.read_text()
    assert "Facilitator&#39;s override: blue declared the winner of the fight at hill [human-set]." in html
    assert 'id="placement"' in html
    section = html[html.index('<section id="play">') : html.index("</section>", html.index('<section id="play">'))]
    assert section.count("<svg") == len(play["placement"]["metrics"]) > 0  # each placement drawn
    marked = sum(1 for m in play["placement"]["metrics"] if m["value"] is not None)
    assert section.count("stroke: #c0392b; stroke-width: 2.5") == marked  # the class's run on each distribution

    scenario = load_scenario(DRILL).scenario
    again = PlaySession(scenario, scenario.scenario.seed, script=PlayScript.load(out))
    again.run_to_end()
    assert again.finished
    assert compact(again.events) == (out / "events.jsonl").read_text()
    assert any(e["kind"] == "override" and e["human_set"] for e in read_trace(out / "events.jsonl"))


def test_the_piped_example_of_the_docs_takes_the_options_it_names(tmp_path):
    line = "printf '2\\n1\\n' | exsim play birlestik_2024 --batch 0     # options 2 and 1 at the first two decisions"
    assert line in (REPO / "docs" / "play.md").read_text()
    out = tmp_path / "piped"
    r = CliRunner().invoke(main, ["play", "birlestik_2024", "--batch", "0", "--out", str(out)], input="2\n1\n")
    assert r.exit_code == 0, r.output
    play = json.loads((out / "play.json").read_text())
    # air_support comes first (H+1): ridge, island; then reserve: hold, commit
    assert [(a["id"], a["option"]) for a in play["actions"] if a["action"] == "choose"] == [
        ("air_support", "island"),
        ("reserve", "hold"),
    ]


def test_a_play_report_in_russian_marks_the_human_set(tmp_path):
    scenario = load_scenario(DRILL).scenario
    session = PlaySession(scenario, 3)
    session.advance(60)
    session.acknowledge()
    session.advance(60)
    won = next(o for o in session.possible_overrides() if o.params.get("side") == "blue")
    session.override(won.kind, won.target, **won.params)
    session.choose("attack", by="vote", votes={"attack": 12, "hold": 3})
    session.run_to_end()
    folder = session.save(tmp_path / "ru-play")
    report = tmp_path / "aar_ru.html"
    r = CliRunner().invoke(main, ["report", str(folder), "-o", str(report), "--lang", "ru"])
    assert r.exit_code == 0, r.output
    html = report.read_text()
    assert "Решение руководителя: победитель боя за пункт «hill» — blue [задано человеком]." in html
    assert "[задано человеком: выбрано голосованием группы (attack 12, hold 3)]" in html
    assert "Classroom drill: собственный прогон группы, 12 ч от «Ч»." in html  # one run, not "1 прогонов"
    assert "Задача овладеть пунктом «hill»: выполнена." in html  # declared won by the facilitator
    r = CliRunner().invoke(main, ["story", str(folder), "--lang", "ru"])
    assert r.exit_code == 0 and "задано человеком" in r.output


@pytest.mark.parametrize(("width", "height"), [(100, 30), (160, 50)])
def test_the_live_screen_shows_the_newest_line_and_the_objectives(width, height):
    from rich.console import Console

    from sim.play.view import screen

    scenario = load_scenario("birlestik_2024").scenario
    session = PlaySession(scenario, 2024)
    lines = []
    while session.now < 12 * 60:
        lines += session.advance(30)
        if session.pending is not None:
            lines += (
                session.acknowledge() if session.pending.kind == "inject" else session.choose(session.pending.default)
            )
    console = Console(width=width, height=height, record=True, color_system=None)
    console.print(screen(session, lines, 600, True, session.language, None, height, width), height=height)
    shown = " ".join(console.export_text().split())
    assert " ".join(lines[-1].text.split()[:4]) in shown  # the newest line, not cropped off the bottom
    assert "secured within 12 h" in shown and "Objectives" in shown


def test_the_clock_leads_the_header_on_a_narrow_terminal():
    from rich.console import Console

    from sim.play.view import screen

    scenario = load_scenario("birlestik_2024").scenario
    assert len(pick(scenario.scenario.name, "en")) > 80  # the name alone would fill the line
    session = PlaySession(scenario, 2024)
    session.advance(90)
    console = Console(width=80, height=30, record=True, color_system=None)
    console.print(screen(session, [], 600, True, session.language, None, 30, 80), height=30)
    shown = console.export_text().splitlines()[0]  # the screen's first line: the header
    # held by the inject at H+1: the header says so (not "running", not merely "paused")
    assert shown.startswith(f"{session.clock()}   speed ×600   waiting for the inject   Birlestik-2024 (five")
    assert shown.endswith("…") and len(shown) == 80  # the name cut, not the clock


def _at_the_first_decision(lang: str) -> tuple[PlaySession, list]:
    scenario = load_scenario("birlestik_2024").scenario
    session = PlaySession(scenario, 2024, lang=lang)
    lines: list = []
    while session.pending is None or session.pending.kind != "decision":
        lines += session.advance(30)
        if session.pending is not None and session.pending.kind == "inject":
            lines += session.acknowledge()
    return session, lines


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_at_80_by_24_the_whole_prompt_shows_the_default_marked_and_the_status_in_turn(lang):
    from rich.console import Console

    from sim.play.view import screen

    session, lines = _at_the_first_decision(lang)
    _ = session.language._
    seen = []
    for turn in range(4):
        console = Console(width=80, height=24, record=True, color_system=None)
        console.print(screen(session, lines, 600, True, session.language, None, 24, 80, turn=turn), height=24)
        text = console.export_text()
        assert len(text.splitlines()) <= 24
        flat = " ".join(text.replace("│", " ").split())
        assert _("press 1-{n} to choose; o: facilitator's override").format(n=2) in flat  # the prompt's last line
        for name, _about in session.pending.options:
            assert f") {name}:" in flat
        assert "* 2) island:" in flat and f"({_('default')})" in flat  # the default (the island) marked
        assert "1) ridge:" in flat and "* 1)" not in flat
        assert _("waiting for a decision") in text.splitlines()[0]  # the clock's state: held, not "running"
        seen.append(text.splitlines()[8])  # the status panel's title line
    titles = [_("Objectives"), _("Forces"), _("Chain of care"), _("Stocks")]
    for title, line in zip(titles, seen, strict=True):  # the status shows its sections in turn
        assert title in line, (title, line)


def test_the_header_says_the_clock_is_stopped_while_the_overrides_menu_is_open():
    from sim.play.view import header

    scenario = load_scenario("birlestik_2024").scenario
    session = PlaySession(scenario, 2024)
    session.advance(10)
    assert "running" in header(session, 600, True, session.language).plain
    assert "paused" in header(session, 600, True, session.language, menu=True).plain


def test_exsim_play_in_a_russian_80_by_24_terminal_shows_the_whole_prompt(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    env = {**os.environ, "EXSIM_LANG": "ru", "PYTHONPATH": str(REPO)}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "sim.cli", "play", "birlestik_2024", "--speed", "100000", "--out", str(tmp_path / "p"), "--batch", "0"],
        cwd=str(tmp_path),
        env=env,
        dimensions=(24, 80),
        encoding="utf-8",
        timeout=60,
    )
    try:
        for _ in range(2):  # the two injects at H+1
            child.expect("нажмите Enter, чтобы продолжить")
            child.send("\r")
        child.expect("ждёт решения")  # the header: held by the decision
        child.expect(r"\* 2\) island:")  # the default marked ...
        child.expect(r"\(по умолчанию\)")  # ... and said
        child.expect("нажмите 1-2, чтобы выбрать; o: решение руководителя")  # the prompt's last line, whole
        child.send("q")
        child.expect("игра сохранена в")
        child.expect(pexpect.EOF)
    finally:
        child.close()
