"""Every view agrees on an objective ``only_if:`` an option not taken: not applicable, neither met nor missed
(issue 30, scope 4). The story's outcome says which condition failed; the placement of a class's run says it
did not apply; and the live status at the end, the play report, the story and the placement give the same
state for each objective of the shipped landing, whichever beach is taken."""

from __future__ import annotations

import math
import re

import pytest
from click.testing import CliRunner

from sim.check import load_scenario
from sim.cli import main
from sim.experiment.placement import place
from sim.play import InjectPause, PlaySession
from sim.present import i18n
from sim.present.labels import OBJECTIVE_STATE, Labels
from sim.present.placement import placement_lines
from sim.present.report import _play
from sim.present.story import outcome
from tests.conftest import REPO

SEA_BASE = REPO / "scenarios" / "sea_base_landing.yaml"
DRILL = REPO / "tests" / "play" / "only_if_drill.yaml"


@pytest.mark.parametrize(
    ("lang", "told"),
    [
        (
            "en",
            "water_ashore_birch (At least 15,000 L of water on Beach Birch within 12 hours): not applicable — option"
            " Beach Birch was not taken at the decision point (beach).",
        ),
        (
            "ru",
            "(water_ashore_birch): не применяется — в точке принятия решений (beach) не выбран вариант участок"
            " «Берёза».",
        ),
    ],
)
def test_the_story_calls_it_not_applicable_and_says_why(lang, told):
    """The landing's default beach is Amber: the objective on Birch's water did not apply (it said "missed")."""
    r = CliRunner().invoke(main, ["story", str(SEA_BASE), "--lang", lang], env={"COLUMNS": "400"})
    assert r.exit_code == 0, r.output
    assert told in r.output
    line = next(ln for ln in r.output.splitlines() if "water_ashore_birch" in ln)
    assert "missed" not in line and "не выполнена" not in line


@pytest.mark.parametrize(
    ("lang", "some", "none"),
    [
        (
            "en",
            "{o}: not applicable in your run; it applied in 2 of 3 simulated runs and was met in 1.",
            "{o}: not applicable in your run, nor in any of 3 simulated runs.",
        ),
        (
            "ru",
            "{o}: в вашем прогоне не применяется; применялась в 2 из 3 смоделированных прогонов и выполнена в 1"
            " из них.",
            "{o}: не применяется ни в вашем прогоне, ни в одном из 3 смоделированных прогонов.",
        ),
    ],
)
def test_a_class_run_where_it_did_not_apply_is_placed_as_not_applicable(lang, some, none):
    """A NaN objective of the class's run was said "missed in your run" (NaN is not 1)."""
    s = load_scenario(DRILL).scenario
    language = i18n.language(lang)
    names = Labels(s, language)
    label = names.objective("isle_if_sent")
    metric = "objective.isle_if_sent"
    nan = math.nan
    lines = placement_lines(
        [place(metric, nan, [1.0, 0.0, nan], "higher"), place(metric, nan, [nan] * 3, "higher")],
        {},
        names,
        language,
        overridden=False,
    )
    assert lines == [some.format(o=label), none.format(o=label)]


def _played(option: str) -> PlaySession:
    session = PlaySession(load_scenario(SEA_BASE).scenario, 11)
    while not session.finished:
        session.advance(120)
        while session.pending is not None:
            if isinstance(session.pending, InjectPause):
                session.acknowledge()
            else:
                session.choose(option if session.pending.id == "beach" else session.pending.default)
    return session


@pytest.mark.parametrize("option", ["amber", "birch"])
def test_every_view_gives_each_objective_the_same_state(option):
    """The reference: an objective only_if another beach is not applicable, the rest met or missed."""
    session = _played(option)
    s, lang = session.scenario, i18n.language("en")
    names = Labels(s, lang)
    expected_na = {o.id for o in s.objectives if o.only_if is not None and o.only_if.option != f"beach.{option}"}
    assert expected_na  # each beach leaves some objective out

    live = {o.id: o.state for o in session.status().objectives}
    report = _play({"finished": True}, s, session.metrics).states
    told = {}
    for line in outcome(s, session.events, session.metrics, {}, lang):
        m = re.match(r"Objective (\S+) \(.*\): (met|missed|not applicable) — ", line.text)
        assert m, line.text
        told[m[1]] = {v: k for k, v in OBJECTIVE_STATE.items()}[m[2]]
    placed = {}
    for o in s.objectives:
        metric = f"objective.{o.id}"
        (line,) = placement_lines([place(metric, session.metrics[metric], [1.0], "higher")], {}, names, lang, False)
        placed[o.id] = re.search(r": (met|missed|not applicable) in your run", line)[1].replace(" ", "_")

    assert {k for k, v in live.items() if v == "not_applicable"} == expected_na
    assert live == report == told == placed
    assert set(live.values()) - {"not_applicable"} <= {"met", "missed"}
