"""The report of a play folder: one run told as one run (no statistics of a batch of one), and an
unfinished play told where it stopped, its objectives judged by the live rules."""

from __future__ import annotations

import re

import pytest

from sim.check import load_scenario
from sim.play import PlaySession
from sim.present.i18n import language
from sim.present.labels import Labels
from sim.present.report import build
from tests.play.test_play_cli import DRILL
from tests.play.test_play_session import _until
from tests.present.test_report import ISLAND, invoke, visible

WORDS = {"met": "met", "missed": "missed", "at_risk": "at risk", "open": "open"}


@pytest.fixture(scope="module")
def stopped(tmp_path_factory):
    """Birlestik stopped 10 h into its 72 h (as a `q` in exsim play would), with the live states then."""
    scenario = load_scenario("birlestik_2024").scenario
    session = PlaySession(scenario, 2024)
    _until(session, 10 * 60)
    live = {o.id: o.state for o in session.status().objectives}
    folder = session.save(tmp_path_factory.mktemp("play") / "stopped")
    return scenario, live, visible(build(folder, language("en"))), folder


def test_an_unfinished_play_is_told_where_it_stopped(stopped):
    scenario, live, text, _folder = stopped
    assert "the class's own run, stopped at D+0 14:00 (unfinished): 10 of 72 hours played." in text  # H-hour 04:00
    assert "72 hours from H-hour" not in text
    names = Labels(scenario, language("en"))
    for o in scenario.objectives:  # the live session's own verdicts at 05:00, not "missed" for a run not over
        assert f"Objective {names.objective(o.id)}: {WORDS[live[o.id]]}." in text
    # the ridge taken in 4 h; the island, due within 12 h, at risk 10 h in; the rest still open
    assert live["secure_ridge"] == "met" and live["secure_island"] == "at_risk" and live["limit_losses"] == "open"
    assert "missed" not in live.values() and " missed" not in text


def test_a_play_report_has_no_batch_of_one_statistics(tmp_path):
    session = PlaySession(load_scenario(DRILL).scenario, 3)
    _until(session, 12 * 60)
    assert session.finished
    play = visible(build(session.save(tmp_path / "play"), language("en")))
    for word in ("interval", "mean", "Distributions", "1 of 1", "median replication", "Replication 0"):
        assert word not in play, word
    assert "The class's own run (a live play), seed 3." in play  # the subtitle of a play
    assert "The class's run in detail" in play
    page = build(session.save(tmp_path / "again"), language("en"))
    table = re.search(r'<table id="objectives-table">(.*?)</table>', page, re.S).group(1)
    assert "in the class&#39;s run" in table and table.count('<td class="missed">missed</td>') == 2  # neither taken

    invoke("run", ISLAND, "--seed", "3", "--reps", "4", "--out", str(tmp_path / "run"), "-q")
    run = visible(build(tmp_path / "run", language("en")))
    for word in ("95 % interval", "mean", "Distributions across replications", "The median replication by"):
        assert word in run, word
    assert "4 replications, seed 3." in run and "a live play" not in run


def test_the_story_of_an_unfinished_play_gives_no_verdicts(stopped):
    from click.testing import CliRunner

    from sim.cli import main

    *_, folder = stopped
    r = CliRunner().invoke(main, ["story", str(folder)], catch_exceptions=False)
    assert r.exit_code == 0 and "D+0" in r.output
    assert "Objective secure_island" not in r.output and " missed — " not in r.output  # not judged as if ended
    assert r.output.rstrip().endswith("Stopped before the end of the run: no outcome yet.")


def test_a_story_stopped_before_anything_was_told_has_no_empty_outcome_heading():
    from rich.console import Console

    from sim.check import load_scenario
    from sim.present.i18n import language
    from sim.present.labels import Labels
    from sim.present.story import Story, view

    scenario = load_scenario("island_retake").scenario
    console = Console(record=True, width=100)
    console.print(view(Story("t", [], [], ended=False), Labels(scenario, language("en")), language("en")))
    text = console.export_text()
    assert "Outcome" not in text and "Stopped before the end of the run: no outcome yet." in text
