"""The MSEL (master scenario events list) of a scenario for the control binder, in a language: each inject and
decision point in clock order, with when it comes (a time or a trigger), what the players are told, who
receives it, the controller's note, the player action expected, and the objectives it tests.

One list of rows (``rows``) is written three ways: text (``exsim check --msel``), CSV and a printable HTML page
(``exsim msel``, A4, a page a scenario day).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from importlib import resources
from typing import Any

from sim.config.distributions import Uniform, is_distribution, mean_of
from sim.config.exercise import DecisionPoint, Inject, Trigger, tested_by
from sim.config.schema import Scenario
from sim.present.i18n import N_
from sim.present.labels import Labels
from sim.present.tracks import MODE

EFFECT = {  # what an effect does, in words ({for}: how long; "for the rest of the run" without one)
    "close_routes": N_("routes closed: {routes}{for}"),
    "reopen_routes": N_("routes reopened: {routes}"),
    "ground_aircraft": N_("aircraft grounded: {units}{for}"),
    "limit_sorties": N_("at most one sortie in {interval} a unit: {units}{for}"),
    "breakdown": N_("{unit} out of action{for}"),
    "comms_outage": N_("communications down: {nations}{for}"),
    "mass_casualty": N_("{count} casualties at {place}"),
    "reinforce": N_("{unit} reinforced by {count}"),
    "supply_loss": N_("{depot}: {lost} lost"),
    "kill_rate": N_("kill rate of {units} multiplied by {factor}{for}"),
    "protection": N_("fire against {side} divided by {factor}{for}"),
}


@dataclass(frozen=True)
class Row:
    """One MSEL entry, in words."""

    kind: str  # "inject" or "decision"
    id: str
    at: float | None  # minutes after H-hour (not before, with a trigger); None: on a trigger alone
    day: str  # its section: the scenario day ("D+1"), or "on a trigger"
    when: str  # the clock time, the trigger, or both
    text: str  # the message to the players, or the decision's question
    options: tuple[str, ...]  # a decision's options: "name: description", the default marked
    effects: tuple[str, ...]
    to: str
    note: str
    expected: str
    tests: tuple[str, ...]


def trigger_words(t: Trigger, names: Labels) -> str:
    """``the island secured``, ``any of: A; B``."""
    _ = names._
    if t.any_ or t.all_:
        subs = "; ".join(trigger_words(x, names) for x in (t.any_ or t.all_ or []))
        return (_("any of: {conditions}") if t.any_ else _("all of: {conditions}")).format(conditions=subs)
    if t.secured is not None:
        return _("{place} secured").format(place=names.place(t.secured))
    if t.broken is not None:
        return _("{side} broken").format(side=names.side(t.broken))
    if t.phase_done is not None:
        return _("phase {phase} done").format(phase=names.phase(t.phase_done))
    if t.fired is not None:
        return _("after ({id})").format(id=t.fired)
    if t.stock is not None:
        return _("{depot}: {supply} below {amount}").format(
            depot=names.depot(t.stock.depot),
            supply=names.supply(t.stock.class_),
            amount=names.amount(t.stock.class_, t.stock.below),
        )
    metric = str(t.metric)
    label = names.metric(metric, None)
    if t.above is not None:
        return _("{metric} above {value}").format(metric=label, value=t.above)
    return _("{metric} below {value}").format(metric=label, value=t.below)


def _lasting(lasting: Any, names: Labels) -> str:
    """``, for 6 h 00 min``; a drawn time: ``, for 4 h 00 min to 8 h 00 min`` (uniform) or its mean."""
    _ = names._
    if isinstance(lasting, Uniform):
        return _(", for {low} to {high}").format(low=names.duration(lasting.min), high=names.duration(lasting.max))
    if is_distribution(lasting):
        return _(", for {duration} on average").format(duration=names.duration(mean_of(lasting)))
    return _(", for {duration}").format(duration=names.duration(lasting))


def effect_words(e: Any, names: Labels) -> str:
    """What an effect does: ``routes closed: Alat – Kuryk ferry, for 24 h 00 min``."""
    _ = names._
    lasting = getattr(e, "for_", None)
    words: dict[str, Any] = {"for": _lasting(lasting, names) if lasting is not None else ""}
    if e.type in ("close_routes", "reopen_routes"):
        chosen = [names.route(r) for r in e.routes]
        chosen += [_("every {mode} route").format(mode=_(MODE[e.mode]))] if e.mode else []
        chosen += [_("every route at {place}").format(place=names.place(p)) for p in e.places]
        words["routes"] = ", ".join(chosen)
    elif e.type in ("ground_aircraft", "limit_sorties", "kill_rate"):
        chosen = [names.unit(u) for u in e.units] + [names.side(s) for s in e.sides]
        words["units"] = ", ".join(chosen) or _("every unit")
        words |= {"interval": names.duration(getattr(e, "min_interval", 0.0)), "factor": getattr(e, "factor", 1.0)}
    elif e.type in ("breakdown", "reinforce"):
        words |= {"unit": names.unit(e.unit), "count": getattr(e, "count", 0)}
    elif e.type == "comms_outage":
        words["nations"] = f"({', '.join(e.nations)})" if e.nations else _("every nation")
    elif e.type == "mass_casualty":
        words |= {"count": e.count, "place": names.place(e.place)}
    elif e.type == "supply_loss":
        lost = names.lang.num.per_cent(e.share, 0) if e.share is not None else names.amount(e.class_, e.amount)
        words |= {"depot": names.depot(e.depot), "lost": f"{lost} ({names.supply(e.class_)})"}
    elif e.type == "protection":
        words |= {"side": names.side(e.side), "factor": e.factor}
    return _(EFFECT[e.type]).format(**words)


def _when(item: Inject | DecisionPoint, names: Labels) -> str:
    at = names.clock(item.at) if item.at is not None else ""
    if item.when is None:
        return at
    on = names._("when {condition}").format(condition=trigger_words(item.when, names))
    return names._("{condition}, not before {time}").format(condition=on, time=at) if at else on


def _day(item: Inject | DecisionPoint, names: Labels) -> str:
    """The section an item is printed in: its scenario day, or the triggered ones' own."""
    if item.at is None:
        return names._("On a trigger")
    if names.start is None:
        return names._("Day {day}").format(day=int(item.at // 1440) + 1)
    at = names.start + timedelta(minutes=round(item.at))
    day = (at.date() - names.start.date()).days
    return names._("Day D+{day} ({date})").format(day=day, date=names.lang.num.calendar_date(at.date()))


def rows(s: Scenario, names: Labels) -> list[Row]:
    """Items with a time first, by time (file order on ties), then those on a trigger alone, in file order."""
    items: list[Inject | DecisionPoint] = [*s.injects, *s.decision_points]
    timed = sorted((i for i in items if i.at is not None), key=lambda i: i.at or 0.0)
    out = []
    for item in [*timed, *(i for i in items if i.at is None)]:
        options: tuple[str, ...] = ()
        if isinstance(item, DecisionPoint):
            taken = s.decisions.get(item.id, item.default)
            options = tuple(_option(item, name, name == taken, names) for name in item.options)
        out.append(
            Row(
                kind="inject" if isinstance(item, Inject) else "decision",
                id=item.id,
                at=item.at,
                day=_day(item, names),
                when=_when(item, names),
                text=names.text(item.message if isinstance(item, Inject) else item.question),
                options=options,
                effects=tuple(effect_words(e, names) for e in item.effects) if isinstance(item, Inject) else (),
                to=", ".join(names.headquarters(h) for h in item.to) or names._("every player"),
                note=names.text(item.note),
                expected=names.text(item.expected),
                tests=tuple(f"{names.objective(o)} ({o})" for o in item.tests),
            )
        )
    return out


def _option(point: DecisionPoint, name: str, taken: bool, names: Labels) -> str:
    label, about = names.option(point.id, name), names.text(point.options[name].description)
    text = f"{label}: {about}" if about else label
    return names._("{option} (taken unless the players decide otherwise)").format(option=text) if taken else text


KIND = {"inject": N_("Inject"), "decision": N_("Decision")}
LISTING = {  # the text form's line heads
    "option": N_("option"),
    "effect": N_("effect"),
    "to": N_("to"),
    "tests": N_("tests"),
    "controller": N_("controller's note"),
    "expected": N_("expected action"),
}


def _counts(s: Scenario, names: Labels) -> dict[str, str]:
    """The numbers of injects and decision points, each in the number its count takes (1 decision point)."""
    n_, i, p = names.lang.n_, len(s.injects), len(s.decision_points)
    return {
        "injects": n_("{n} inject", "{n} injects", i).format(n=i),
        "points": n_("{n} decision point", "{n} decision points", p).format(n=p),
    }


def text(s: Scenario, names: Labels) -> list[str]:
    """The MSEL as lines of text, then each objective and what tests it (``exsim check --msel``)."""
    _ = names._
    all_rows = rows(s, names)
    out = [_("MSEL of {scenario}: {injects}, {points}").format(scenario=names.title(), **_counts(s, names))]
    word = {k: _(v) for k, v in LISTING.items()}
    for r in all_rows:
        out += ["", f"{r.when}  {_(KIND[r.kind])} ({r.id}): {r.text}"]
        out += [f"    {word['option']}: {o}" for o in r.options]
        out += [f"    {word['effect']}: {e}" for e in r.effects]
        out.append(f"    {word['to']}: {r.to}")
        details = [("tests", ", ".join(r.tests)), ("controller", r.note), ("expected", r.expected)]
        out += [f"    {word[key]}: {said}" for key, said in details if said]
    out += ["", _("Objectives and what tests them:")]
    tests = tested_by(s.injects, s.decision_points)
    for o in s.objectives:
        what = ", ".join(f"({x})" for x in tests.get(o.id, [])) or _("nothing in the MSEL")
        out.append(f"  {names.objective(o.id)} ({o.id}): {what}")
    return out


COLUMNS = (
    N_("day"),
    N_("time or trigger"),
    N_("kind"),
    N_("id"),
    N_("inject or decision"),
    N_("options"),
    N_("effects"),
    N_("to"),
    N_("controller's note"),
    N_("expected action"),
    N_("objectives tested"),
)


def to_csv(all_rows: Sequence[Row], names: Labels) -> str:
    """One line a row, the columns headed in the language; lists joined by " | "."""
    _ = names._
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([_(c) for c in COLUMNS])
    for r in all_rows:
        options, effects, tests = (" | ".join(x) for x in (r.options, r.effects, r.tests))
        w.writerow([r.day, r.when, _(KIND[r.kind]), r.id, r.text, options, effects, r.to, r.note, r.expected, tests])
    return out.getvalue()


def to_html(s: Scenario, names: Labels) -> str:
    """A printable page (A4 landscape): a table a scenario day, each day on a new page."""
    import jinja2  # the report extra, optional: checked and named before the page is built

    _ = names._
    days: dict[str, list[Row]] = {}
    for r in rows(s, names):
        days.setdefault(r.day, []).append(r)
    folder = str(resources.files("sim.present") / "templates")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True, undefined=jinja2.StrictUndefined)
    return env.get_template("msel.html.j2").render(
        lang=names.lang.code,
        title=_("MSEL of {scenario}").format(scenario=names.title()),
        subtitle=_("{injects}, {points}. Controllers' copy: not for the players.").format(**_counts(s, names)),
        days=days,
        head=[_(c) for c in COLUMNS if c not in ("day", "kind", "id", "options", "effects")],
        kind={k: _(v) for k, v in KIND.items()},
        words={w: _(w) for w in ("options", "effects")},
    )
