"""The live terminal view of a play (rich): clock, the scrolling story, the status panel, the pause panel.

User text (the scenario's names and messages) goes in as rich ``Text``, never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.layout import Layout
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from sim.play.session import DecisionPause, InjectPause, OverrideOption, PlaySession
from sim.play.status import Status
from sim.present.console import Console
from sim.present.i18n import Language
from sim.present.labels import OBJECTIVE_STATE, Labels
from sim.present.story import STYLE, Line

OBJECTIVE_STYLE = {"met": "bold green", "missed": "bold red", "at_risk": "yellow", "open": "", "not_applicable": "dim"}


def story_line(line: Line, names: Labels) -> Text:
    t = Text(f"{names.clock(line.t):>10}  ", style="dim")
    t.append(line.text, style=STYLE.get(line.topic, ""))
    return t


def _table(title: str, first: str, *numbers: str) -> Table:
    """A titled table without borders: a name column, then columns of numbers."""
    t = Table(title=title, title_justify="left", box=None, pad_edge=False, expand=True)
    t.add_column(first)
    for name in numbers:
        t.add_column(name, justify="right")
    return t


def status_panel(st: Status, names: Labels, lang: Language, turn: int | None = None) -> RenderableType:
    """Objectives first (what the class is there for), then forces, the chain of care, and stocks by depot;
    with ``turn`` (a narrow terminal), one of them at a time, in turn."""
    parts = status_parts(st, names, lang)
    if turn is not None:
        title, part = parts[turn % len(parts)]
        if isinstance(part, Table):  # the panel's title names it; a row more for the section itself
            part.title, part.show_header = None, False
        return Panel(
            part, title=f"{lang._('Status')}: {title} ({turn % len(parts) + 1}/{len(parts)})", title_align="left"
        )
    return Panel(Group(*[p for _, p in parts]), title=lang._("Status"), title_align="left")


def status_parts(st: Status, names: Labels, lang: Language) -> list[tuple[str, RenderableType]]:
    """The status's sections, each with its title: objectives, forces, the chain of care, stocks."""
    _ = lang._
    objectives = _table(_("Objectives"), _("objective"), _("state"))
    for o in st.objectives:
        objectives.add_row(Text(o.label), Text(_(OBJECTIVE_STATE[o.state]), style=OBJECTIVE_STYLE[o.state]))
    forces = _table(_("Forces"), _("side"), _("strength"), _("killed"))
    for f in st.forces:
        forces.add_row(
            Text(f.label), f"{lang.num.number(f.strength)} / {lang.num.number(f.initial)}", lang.num.number(f.killed)
        )
    parts: list[tuple[str, RenderableType]] = [(_("Objectives"), objectives), (_("Forces"), forces)]
    if st.casualties is not None:
        c = st.casualties
        care = _table(_("Chain of care"), _("facility"), _("waiting"), _("beds"))
        for stage in c.stages:
            care.add_row(
                Text(_("{facility} (Role {role})").format(facility=stage.facility, role=stage.role)),
                str(stage.waiting),
                str(stage.beds_used),
            )
        summary = _("{n} casualties: {care} in care, {rtd} returned to duty, {died} died of wounds").format(
            n=c.total, care=c.in_care, rtd=c.returned_to_duty, died=c.died_of_wounds
        )
        parts.append((_("Chain of care"), Group(care, Text(summary, style="dim"))))
    if st.stocks:
        stocks = _table(_("Stocks"), _("depot"))
        by_depot: dict[str, list[str]] = {}
        for x in st.stocks:
            by_depot.setdefault(x.depot, []).append(
                f"{names.supply(x.supply)} {lang.num.number(x.level)} {names.measure(x.unit)}"
            )
        for depot, levels in by_depot.items():
            stocks.add_row(Text(f"{depot}: " + " · ".join(levels)))
        parts.append((_("Stocks"), stocks))
    return parts


def picture_panel(session: PlaySession, lang: Language, turn: int | None = None) -> RenderableType:
    """The status of a play in cells: each played cell's picture, its units as last reported to it (as the
    cell's page shows them), not the truth; with ``turn`` (a narrow terminal), one cell at a time."""
    _, names = lang._, session.names
    parts: list[tuple[str, RenderableType]] = []
    for cell in sorted(session.cells or ()):
        table = _table(
            _("{cell}: as reported").format(cell=names.cell(cell)), _("unit"), _("where"), _("strength"), _("as of")
        )
        for r in session.picture(cell):
            where = names.place(r.place) if r.place else "–"
            if r.moving and r.to:
                where = f"{where} → {names.place(r.to)}"
            table.add_row(Text(names.unit(r.unit)), Text(where), lang.num.number(r.strength), names.clock(r.as_of))
        parts.append((names.cell(cell), table))
    if turn is not None and parts:
        title, part = parts[turn % len(parts)]
        return Panel(part, title=f"{_('Status')}: {title}", title_align="left")
    return Panel(Group(*[p for _, p in parts]), title=_("Status"), title_align="left")


def _status(session: PlaySession, lang: Language, turn: int | None = None) -> RenderableType:
    """The status panel: the played cells' pictures in a play in cells, else the truth."""
    if session.cells is not None and session.reports is not None:
        return picture_panel(session, lang, turn)
    return status_panel(session.status(), session.names, lang, turn)


def pause_text(session: PlaySession, lang: Language, overrides: Sequence[OverrideOption] | None) -> Text:
    """What the class is asked now: acknowledge an inject, choose an option, or pick an override."""
    _ = lang._
    if overrides is not None:
        asking = bool(overrides) and all(o.kind == "request" for o in overrides)
        title = _("Requests your cell may make:") if asking else _("Facilitator's override (human-set):")
        t = Text(title + "\n", style="bold")
        for i, o in enumerate(overrides, 1):
            t.append(f"  {i}) ")
            t.append(o.label)
            t.append("\n")
        t.append(_("press 1-{n} to apply, Esc to cancel").format(n=len(overrides)) if overrides else _("none now"))
        return t
    pause = session.pending
    if isinstance(pause, InjectPause):
        t = Text(_("Inject {id}").format(id=pause.id) + "\n", style="bold yellow")
        t.append(pause.message + "\n")
        t.append(_("press Enter to go on"), style="dim")
        return t
    if isinstance(pause, DecisionPause):
        t = Text(_("Decision {id}: {question}").format(id=pause.id, question=pause.title) + "\n", style="bold blue")
        for i, (name, about) in enumerate(pause.options, 1):
            default = name == pause.default
            t.append(f"{'*' if default else ' '} {i}) {name}: ", style="bold" if default else "")
            t.append(about)
            if default:
                t.append(" (" + _("default") + ")", style="bold")
            t.append("\n")
        t.append(_("press 1-{n} to choose; o: facilitator's override").format(n=len(pause.options)), style="dim")
        return t
    if session.awaiting():
        waiting, names = session.awaiting()[0], session.names
        t = Text(
            _("Request from {asker}: {what}").format(asker=names.cell(waiting.from_cell), what=waiting.title) + "\n",
            style="bold blue",
        )
        t.append(_("press g to grant, d to decline"), style="dim")
        return t
    keys = _("space: pause/resume  s: step  +/-: speed  o: override  q: quit (the play is saved)")
    if session.cells is not None:
        keys += "  " + _("r: make a request")
    return Text(keys, style="dim")


def newest(lines: Sequence[Line], names: Labels, rows: int, width: int) -> list[Text]:
    """The newest story lines that fit ``rows`` rows of ``width`` characters, as wrapped on the screen."""
    measure = Console(width=max(width, 20))
    out: list[Text] = []
    used = 0
    for line in reversed(lines):
        text = story_line(line, names)
        need = len(text.wrap(measure, max(width, 20)))
        if used + need > max(rows, 1):
            break
        out.append(text)
        used += need
    return out[::-1]


def header(session: PlaySession, speed: float, running: bool, lang: Language, menu: bool = False) -> Text:
    """One line: the clock, speed and state first, then the scenario's name, cut with "…" where it does not fit
    (a long name must not push the clock off a narrow terminal). The state is the clock's: held by an inject
    or a decision, stopped while the overrides' menu is open, paused, or running."""
    _ = lang._
    pause = session.pending
    if session.finished:
        state = _("finished")
    elif isinstance(pause, InjectPause):
        state = _("waiting for the inject")
    elif isinstance(pause, DecisionPause):
        state = _("waiting for a decision")
    else:
        state = _("running") if running and not menu else _("paused")
    head = Text(session.clock(), style="bold cyan", no_wrap=True, overflow="ellipsis")
    head.append("   " + _("speed ×{speed}").format(speed=f"{speed:g}") + "   " + state + "   ", style="dim")
    head.append(session.names.title(), style="bold")
    return head


def screen(
    session: PlaySession,
    lines: Sequence[Line],
    speed: float,
    running: bool,
    lang: Language,
    overrides: Sequence[OverrideOption] | None,
    height: int,
    width: int = 120,
    turn: int = 0,
) -> RenderableType:
    """The whole screen. On a narrow terminal (under ``WIDE`` columns: 80×24, say) the story, the status
    (one section at a time, ``turn`` picks which) and the prompt are stacked; the prompt is given every row
    it needs, so that a question whose options wrap is never cut."""
    _ = lang._
    head = header(session, speed, running, lang, menu=overrides is not None)
    prompt = Panel(pause_text(session, lang, overrides))
    asks = rows(prompt, width)
    layout = Layout()
    layout.split_column(Layout(head, size=1), Layout(name="body"), Layout(prompt, size=asks))
    if width >= WIDE:
        told = Group(*newest(lines, session.names, height - asks - 3, width * 3 // 5 - 4))
        story = Panel(told, title=_("Story"), title_align="left")
        layout["body"].split_row(Layout(story, ratio=3), Layout(_status(session, lang), ratio=2))
        return layout
    status = _status(session, lang, turn)
    room = max(height - 1 - asks, 4)
    shown = min(rows(status, width), max(room // 2, 3))
    told = Group(*newest(lines, session.names, room - shown - 2, width - 4))
    layout["body"].split_column(Layout(Panel(told, title=_("Story"), title_align="left")), Layout(status, size=shown))
    return layout


WIDE = 110  # columns from which the story and the whole status stand side by side


def rows(renderable: RenderableType, width: int) -> int:
    """The rows ``renderable`` takes on a terminal ``width`` columns wide."""
    console = Console(width=width)
    return len(console.render_lines(renderable, console.options, pad=False))
