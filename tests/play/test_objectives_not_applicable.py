"""A live play shows an objective ``only_if:`` an option not taken, or a phase that never started, as not
applicable (neither met nor missed): in the status while the run goes on, at its end, in the terminal's panel,
in the story told at the end of a piped play, and in the play's report (issue 30, scope 4)."""

from __future__ import annotations

import csv
import math

import pytest
from click.testing import CliRunner

from sim.check import load_scenario
from sim.cli import main
from sim.play import InjectPause, PlaySession
from tests.conftest import REPO

DRILL = REPO / "tests" / "play" / "only_if_drill.yaml"
ONLY_IF = ("isle_if_sent", "isle_if_landed")  # only_if the option attack; only_if the phase it starts


def _to(session: PlaySession, t: float, option: str) -> None:
    """Advance to ``t`` (or the end), acknowledging the inject and taking ``option`` at the decision."""
    while session.now < t and not session.finished:
        session.advance(t - session.now)
        while session.pending is not None:
            if isinstance(session.pending, InjectPause):
                session.acknowledge()
            else:
                session.choose(option)


def _states(session: PlaySession) -> dict[str, str]:
    return {o.id: o.state for o in session.status().objectives if o.id in ONLY_IF}


@pytest.mark.parametrize(
    ("option", "decided", "ended"),
    [
        # holding: the option's objective is known not to apply once the decision is taken (H+2); the phase's
        # only at the end (a phase may start late), and open until then, not missed
        ("hold", {"isle_if_sent": "not_applicable", "isle_if_landed": "open"}, "not_applicable"),
        # attacking: both apply, and the isle falls at H+2:22
        ("attack", {"isle_if_sent": "met", "isle_if_landed": "met"}, "met"),
    ],
)
def test_the_live_status_says_not_applicable_once_it_is_known(option, decided, ended):
    session = PlaySession(load_scenario(DRILL).scenario, 3)
    _to(session, 60, option)
    assert _states(session) == {"isle_if_sent": "open", "isle_if_landed": "open"}  # before the decision
    _to(session, 3 * 60, option)
    assert _states(session) == decided
    _to(session, 24 * 60, option)
    assert session.finished
    assert _states(session) == dict.fromkeys(ONLY_IF, ended)
    if ended == "not_applicable":
        assert all(math.isnan(session.metrics[f"objective.{o}"]) for o in ONLY_IF)  # the model's own verdict


@pytest.mark.parametrize(
    ("lang", "word", "missed"), [("en", "not applicable", "missed"), ("ru", "не применяется", "не выполнена")]
)
def test_the_terminal_panel_shows_not_applicable_in_its_language(lang, word, missed):
    from rich.console import Console

    from sim.play.view import status_panel

    session = PlaySession(load_scenario(DRILL).scenario, 3, lang=lang)
    _to(session, 24 * 60, "hold")
    console = Console(width=200, record=True, color_system=None)
    console.print(status_panel(session.status(), session.names, session.language))
    rows = {line.split("│")[1].strip() for line in console.export_text().splitlines() if line.count("│") == 2}
    label = session.names.objective("isle_if_sent")
    shown = [r for r in rows if r.startswith(label)]
    assert len(shown) == 1 and shown[0].endswith(word), rows
    assert not shown[0].endswith(missed)


def _row(folder) -> dict[str, str]:
    with (folder / "replications.csv").open() as f:
        return next(csv.DictReader(f))


def test_a_piped_play_tells_and_reports_them_as_not_applicable(tmp_path):
    """The story's last lines (what a piped play prints at its end) and the report of its folder: not applicable,
    with the condition that failed, and not among the areas to improve."""
    out = tmp_path / "play"
    r = CliRunner().invoke(main, ["play", str(DRILL), "--out", str(out), "--batch", "0"], input="")
    assert r.exit_code == 0, r.output
    assert (
        "(The isle taken within 6 hours if the reserve is sent): not applicable — option attack was not taken"
        in r.output
    )
    assert "(isle secured): not applicable — phase reserve_attack did not start." in r.output
    assert "Objective take_isle (isle secured): missed" in r.output  # the others keep their verdicts
    row = _row(out)
    assert row["objective.isle_if_sent"] == "" and row["mission_success"] == "0"
    html = tmp_path / "aar.html"
    r = CliRunner().invoke(main, ["report", str(out), "-o", str(html)])
    assert r.exit_code == 0, r.output
    page = html.read_text(encoding="utf-8")
    table = page[page.index("(objective.isle_if_sent)") :]
    assert table[: table.index("</tr>")].endswith('<td class="not_applicable">not applicable</td>')
    assert "Objective The isle taken within 6 hours if the reserve is sent: not applicable." in page
    review = page[page.index('id="aar"') :]
    assert "if the reserve is sent" not in review[: review.index("</section>")]  # neither went well nor missed


def test_placed_in_a_batch_it_is_not_applicable_in_the_class_run(tmp_path):
    r = CliRunner().invoke(main, ["play", str(DRILL), "--out", str(tmp_path / "placed"), "--batch", "3"], input="")
    assert r.exit_code == 0, r.output
    assert (
        "The isle taken within 6 hours if the reserve is sent: not applicable in your run, nor in any of 3 "
        "simulated runs." in r.output
    )
    assert "if the reserve is sent: missed" not in r.output


def test_a_play_stopped_after_the_decision_is_reported_as_the_screen_showed_it(tmp_path):
    """A play saved at H+3 (unfinished): its report judges each objective where it stopped, as the live screen
    did: the option's objective not applicable already, the phase's still open."""
    session = PlaySession(load_scenario(DRILL).scenario, 3)
    _to(session, 3 * 60, "hold")
    folder = session.save(tmp_path / "stopped")
    html = tmp_path / "aar.html"
    r = CliRunner().invoke(main, ["report", str(folder), "-o", str(html)])
    assert r.exit_code == 0, r.output
    page = html.read_text(encoding="utf-8")
    for objective, state, word in (
        ("isle_if_sent", "not_applicable", "not applicable"),
        ("isle_if_landed", "open", "open"),
    ):
        row = page[page.index(f"(objective.{objective})") :]
        assert row[: row.index("</tr>")].endswith(f'<td class="{state}">{word}</td>'), objective
