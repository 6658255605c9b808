"""``exsim play``: the class plays a scenario live in the terminal (or, without one, as plain narration)."""

from __future__ import annotations

import math
import os
import select
import sys
import time
from pathlib import Path
from typing import Any

import click
from rich.live import Live

from sim.check import load_scenario
from sim.config.text import plain
from sim.errors import ExsimError, capped
from sim.play.batch import Batch, land
from sim.play.folder import claim, default_folder, with_choices
from sim.play.options import play_options
from sim.play.session import DecisionPause, InjectPause, OverrideOption, PlaySession
from sim.play.view import screen, story_line
from sim.present import i18n
from sim.present.console import Console
from sim.present.i18n import Language
from sim.present.placement import placement_lines

HELP = """Play SCENARIO live with the class: a narrated run that stops at every inject and decision.

On a terminal: a live view with the clock, the story and a status panel (forces by nation, stocks, the
chain of care, objectives met or at risk). Keys: space pause/resume, s step to the next event, + and -
speed, q quit (the play so far is saved). At an inject, Enter goes on; at a decision, the class picks an
option by its number; o opens the facilitator's overrides (declare a fight won, a unit repaired, a route
open), recorded as human-set.

Without a terminal (stdin not a terminal: piped, or in CI) it prints the story as plain lines, as fast as
it runs (no --speed pacing); injects do not wait (with --cell they do, for one line); each decision reads
one line from stdin, the option's number (an empty line or the end of input: the default); no overrides.

The play is saved in a play folder (default plays/<date>_<time>-<scenario>): a results folder with
play.json (choices, votes, overrides, wall-clock stamps), which exsim report and exsim story read. At the
end, the run's headline metrics and objectives are placed among --batch simulated runs of the same
scenario with the class's choices (computed in the background while the class plays; the facilitator's
overrides cannot be repeated in them).

With --cell the class plays one cell of a scenario with cells: (repeat it for more); the other cells are
scripted: their decisions take the scenario's option and they answer requests by their policy. At a request
to the class's cell, g grants and d declines (without a terminal: a line g or d, empty: the policy's answer;
anything else is asked again); r lists the requests the cell may make (without a terminal: a line r lists
them, r N makes the Nth, at any stop). The status panel shows the cell's picture: its units as last
reported to it, lagging the truth by the command model's delay.
"""


STATUS_TURN_S = 4.0  # real seconds each section of the status is shown on a narrow terminal


def echo(text: str, err: bool = False) -> None:
    """A line to the terminal, only ever text (a scenario's names and messages: sim.config.text.plain)."""
    click.echo(plain(text), err=err)


@click.command(help=HELP)
@click.argument("scenario")
@play_options(
    max_speed=1e9,
    speed_help="Simulated seconds per real second (on a terminal).",
    lang_help="Language (default: EXSIM_LANG, else the locale, else English).",
    out_help="The play folder to write (default: plays/<date>_<time>-<scenario>).",
    batch_help="Simulated runs to place the class's run in (0: no placement).",
)
@click.option("--cell", "cells", multiple=True, metavar="CELL", help="Play this cell; the others are scripted.")
def play(
    scenario: str,
    seed: int | None,
    speed: float,
    lang: str | None,
    out: Path | None,
    runs: int,
    overrides: tuple[str, ...],
    cells: tuple[str, ...],
) -> None:
    language = i18n.language(lang)
    loaded = load_scenario(scenario, overrides)
    for line in capped(loaded.warnings, "warnings"):
        echo(line, err=True)
    s = loaded.scenario
    folder = claim(out or default_folder(Path(loaded.path).stem))
    played = frozenset(cells) if cells else None
    session = PlaySession(s, s.scenario.seed if seed is None else seed, lang=language.code, cells=played)
    batch = Batch(session.seed, runs) if runs else None

    def chosen() -> None:  # the batch follows the class's choices
        if batch is not None:
            batch.start(with_choices(s, session.actions))

    chosen()
    error: ExsimError | None = None
    extra: dict[str, Any] = {}
    try:
        try:
            if sys.stdin.isatty() and sys.stdout.isatty():
                _live(session, speed, language, chosen)
            else:
                _plain(session, language, chosen)
        except KeyboardInterrupt:
            echo(language._("interrupted: the play so far is saved"), err=True)
        except ExsimError as e:  # a bad answer, the run's event budget spent: saved, then one line and exit 2
            error = e
        if batch is not None and error is None and session.finished and session.metrics is not None:
            try:
                extra = _place(session, batch, language)
            except (ExsimError, KeyboardInterrupt) as e:  # the play itself is kept whatever befalls the batch
                reason = "; ".join(e.lines()) if isinstance(e, ExsimError) else language._("interrupted")
                echo(language._("no placement: {reason}").format(reason=reason), err=True)
    finally:  # no batch left running (or its pool still starting) when exsim exits
        if batch is not None:
            batch.stop()
    session.save(folder, source=Path(loaded.path), extra=extra)
    echo(language._("play saved to {folder}; its report: exsim report {folder} -o aar.html").format(folder=folder))
    if error is not None:
        raise error


def _echo_lines(session: PlaySession, lines: list[Any]) -> None:
    for line in lines:
        echo(f"{session.names.clock(line.t):>10}  {line.text}")


def _plain(session: PlaySession, language: Language, chosen: Any) -> None:
    """Plain narration; decisions and answers from stdin lines (empty or end of input: the default). With
    --cell, the narration also stops at each inject for a line, and at every stop ``r`` lists the cell's
    requests and ``r N`` makes the Nth."""
    _ = language._
    while not session.finished and not session.stopped:
        _echo_lines(session, session.advance(math.inf))
        for waiting in session.awaiting():
            echo(
                _("Request from {asker}: {what}").format(
                    asker=session.names.cell(waiting.from_cell), what=waiting.title
                )
            )
            while True:  # a mistyped answer is asked again, not the end of the play
                answer = _line(session, language, chosen).lower() or waiting.default[0]
                if answer in ("g", "d"):
                    break
                echo(_("{answer} is not g (grant) or d (decline): again").format(answer=repr(answer)))
            _echo_lines(session, session.answer(waiting.n, "grant" if answer == "g" else "decline"))
            chosen()
        pause = session.pending
        if pause is None:
            continue
        if not isinstance(pause, DecisionPause):
            if session.cells is not None:  # the class's moment to make a request
                echo(_("Enter goes on; r lists your cell's requests, r N makes the Nth"))
                _line(session, language, chosen)
            _echo_lines(session, session.acknowledge())
            continue
        echo(_("Decision {id}: {question}").format(id=pause.id, question=pause.title))
        for i, (name, about) in enumerate(pause.options, 1):
            echo(f"  {i}) {name}: {about}")
        answer = _line(session, language, chosen)
        if not answer:
            option = pause.default
        elif answer.isdigit() and 1 <= int(answer) <= len(pause.options):
            option = pause.options[int(answer) - 1][0]
        else:
            raise ExsimError(
                f"decision {pause.id}: {answer!r} is not an option number (1-{len(pause.options)}; "
                "an empty line takes the default)"
            )
        echo(_("chosen: {option}").format(option=option))
        _echo_lines(session, session.choose(option, by="class"))
        chosen()


def _line(session: PlaySession, language: Language, chosen: Any) -> str:
    """The next line of stdin that is not a request of the class's cell (``r``: list them; ``r N``: make the
    Nth, refused while the same request is on its way); "" at the end of input."""
    _ = language._
    while True:
        answer = sys.stdin.readline().strip()
        if session.cells is None or not answer.lower().startswith("r"):
            return answer
        mine = [r for r in session.scenario.requests if r.from_ in session.cells]
        pick = answer[1:].strip()
        if pick.isdigit() and 1 <= int(pick) <= len(mine):
            r = mine[int(pick) - 1]
            if session.in_flight(r.id):
                echo(_("request {id} is already on its way: wait for its answer").format(id=r.id))
            else:
                _echo_lines(session, session.request(r.id))
                chosen()
            continue
        echo(_("Requests your cell may make:"))
        for i, r in enumerate(mine, 1):
            echo(f"  {i}) {session.names.request(r.id)} → {session.names.cell(r.to)}")


def _live(session: PlaySession, speed: float, language: Language, chosen: Any) -> None:
    """The rich live view, keys read from the terminal in cbreak mode."""
    import termios  # POSIX only, here rather than at the top: the plain narration runs anywhere
    import tty  # POSIX only, as termios

    console = Console()
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    keys = _Keys(session, speed, chosen)
    try:
        tty.setcbreak(fd)
        with Live(console=console, auto_refresh=False, screen=True) as live:
            last = time.monotonic()
            while not session.finished and not session.stopped:
                now = time.monotonic()
                if keys.running and session.pending is None and keys.menu is None:  # a menu stops the clock
                    keys.lines += session.advance(keys.speed / 60.0 * (now - last))
                last = now
                turn = int(now // STATUS_TURN_S)  # a narrow terminal shows the status's sections in turn
                shown = screen(
                    session,
                    keys.lines,
                    keys.speed,
                    keys.running,
                    language,
                    keys.menu,
                    console.height,
                    console.width,
                    turn=turn,
                )
                live.update(shown, refresh=True)
                if select.select([fd], [], [], 0.1)[0] and not keys.press(os.read(fd, 1).decode(errors="ignore")):
                    break
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
    if session.finished:
        for line in keys.lines[-len(session.scenario.objectives) - 1 :]:
            console.print(story_line(line, session.names))


class _Keys:
    """The live view's state as the keys change it: the story so far, pace, and the overrides' menu."""

    def __init__(self, session: PlaySession, speed: float, chosen: Any) -> None:
        self.session, self.speed, self.chosen = session, speed, chosen
        self.lines: list[Any] = []
        self.running = True
        self.menu: list[OverrideOption] | None = None  # the facilitator's overrides, while their list is open

    def press(self, key: str) -> bool:
        """Act on one key; False: the facilitator quits (q)."""
        session, pause = self.session, self.session.pending
        if self.menu is not None:
            self._pick(key, self.menu)
        elif key == "q":
            return False
        elif key == "o":
            self.menu = session.possible_overrides()
        elif key == "r" and session.cells is not None and not session.finished:
            self.menu = [
                OverrideOption("request", r.id, {}, session.names.request(r.id))
                for r in session.scenario.requests
                if r.from_ in session.cells
            ]
        elif pause is None and session.awaiting() and key in ("g", "d"):
            self.lines += session.answer(session.awaiting()[0].n, "grant" if key == "g" else "decline")
            self.chosen()
        elif isinstance(pause, InjectPause) and key in ("\r", "\n"):
            self.lines += session.acknowledge()
        elif isinstance(pause, DecisionPause) and key.isdigit() and 1 <= int(key) <= len(pause.options):
            self.lines += session.choose(pause.options[int(key) - 1][0], by="class")
            self.chosen()
        elif key == " ":
            self.running = not self.running
        elif key == "s" and pause is None:
            self.lines += self.session.step()
        elif key in ("+", "="):
            self.speed = min(self.speed * 2, 1e9)
        elif key == "-":
            self.speed = max(self.speed / 2, 1.0)
        return True

    def _pick(self, key: str, menu: list[OverrideOption]) -> None:
        """In the overrides' menu: a number applies that override; Esc or o closes the menu."""
        if key.isdigit() and 1 <= int(key) <= len(menu):
            o = menu[int(key) - 1]
            if o.kind == "request":
                self.lines += self.session.request(o.target)
                self.chosen()
            else:
                self.lines += self.session.override(o.kind, o.target, **o.params)
            self.menu = None
        elif key in ("\x1b", "o"):
            self.menu = None


def _place(session: PlaySession, batch: Batch, language: Language) -> dict[str, Any]:
    """Wait for the batch, print where the run landed; play.json's placement."""
    _ = language._
    echo(_("placing your run among {n} simulated runs…").format(n=batch.runs), err=True)
    assert session.metrics is not None
    overridden = any(a["action"] == "override" for a in session.actions)
    landed = land(batch, session.metrics, overridden)
    echo(_("Where your run landed"))
    for line in placement_lines(landed.placed, landed.specs, session.names, language, overridden):
        echo("  " + line)
    return {"placement": landed.record}
