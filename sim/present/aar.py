"""The hot wash and the after-action report with its improvement plan (AAR/IP) of a play with cells.

Read from what the play recorded, nothing recomputed: the event log (decisions, requests and their times)
and the play's actions (control's messages, the evaluators' observations). Each request's answer time is
split into the receiving cell's decision time (arrived to answered) and the command model's delay (sent to
arrived, and answered to the answer's return). Observations rated "performed" are strengths, the others
areas for improvement; the improvement plan is the facilitator's table (issue, corrective action,
responsible cell, date), or, until the facilitator edits it, one row per area for improvement.

Exports: HTML (``to_html``), Markdown (``to_markdown``) and CSV (``to_csv``), in the language of ``names``.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from sim.config.schema import Scenario
from sim.present.i18n import N_
from sim.present.labels import Labels

RATING = {
    "performed": N_("performed without challenges"),
    "some_challenges": N_("performed with some challenges"),
    "major_challenges": N_("performed with major challenges"),
    "not_performed": N_("unable to be performed"),
}
PLAN_COLUMNS = ("issue", "action", "cell", "date")
HTML_WORDS = (
    N_("After-action report and improvement plan: {title}"),
    N_("Timeline by cell"),
    N_("Requests between cells"),
    N_("request"),
    N_("from"),
    N_("to"),
    N_("sent"),
    N_("answer"),
    N_("decision time"),
    N_("command delay"),
    N_("Observations by objective"),
    N_("Strengths"),
    N_("Areas for improvement"),
    N_("Improvement plan"),
    N_("nothing recorded"),
    N_("not observed"),
    N_("none recorded"),
    N_("every cell"),
)
PLAN_HEAD = {
    "issue": N_("issue"),
    "action": N_("corrective action"),
    "cell": N_("responsible cell"),
    "date": N_("date"),
}


@dataclass(frozen=True)
class RequestTimes:
    """One request and its times (simulated minutes; None: never, or not by the end)."""

    n: int
    id: str
    from_cell: str
    to_cell: str
    sent: float
    arrived: float | None
    answered: float | None
    answer: str | None
    back: float | None
    lost: bool

    @property
    def decision_min(self) -> float | None:
        """The receiving cell's time to decide."""
        return None if self.arrived is None or self.answered is None else self.answered - self.arrived

    @property
    def c2_min(self) -> float | None:
        """The command model's delay, there and back."""
        if self.arrived is None or self.answered is None or self.back is None:
            return None
        return (self.arrived - self.sent) + (self.back - self.answered)

    @property
    def total_min(self) -> float | None:
        return None if self.back is None else self.back - self.sent


@dataclass(frozen=True)
class Entry:
    t: float
    text: str


@dataclass(frozen=True)
class Observation:
    t: float
    cell: str | None
    objective: str
    rating: str
    note: str


@dataclass
class Aar:
    title: str
    timeline: dict[str, list[Entry]]  # cell -> its entries in time order
    requests: list[RequestTimes]
    observations: dict[str, list[Observation]]  # objective -> observations
    strengths: list[str]
    improvements: list[str]
    plan: list[dict[str, str]]
    cells: dict[str, str] = field(default_factory=dict)  # id -> name

    @property
    def recorded(self) -> bool:
        """Anything from the room to review: a cell's entry, a request, an observation or a plan row."""
        return any(self.timeline.values()) or bool(self.requests) or any(self.observations.values()) or bool(self.plan)


def request_times(events: Sequence[Mapping[str, Any]]) -> list[RequestTimes]:
    """Every request of a play, with its times, read from the event log."""
    by_n: dict[int, dict[str, Any]] = {}
    for e in events:
        kind = e["kind"]
        if kind == "request":
            by_n[e["n"]] = {"n": e["n"], "id": e["id"], "from": e["from_cell"], "to": e["to_cell"], "sent": e["t"]}
        elif kind in ("request_arrived", "request_answered", "request_answer_arrived", "request_lost"):
            r = by_n[e["n"]]
            key = {
                "request_arrived": "arrived",
                "request_answered": "answered",
                "request_answer_arrived": "back",
                "request_lost": "lost",
            }[kind]
            r[key] = e["t"]
            if kind == "request_answered":
                r["answer"] = e["answer"]
    return [
        RequestTimes(
            r["n"],
            r["id"],
            r["from"],
            r["to"],
            r["sent"],
            r.get("arrived"),
            r.get("answered"),
            r.get("answer"),
            r.get("back"),
            "lost" in r,
        )
        for r in by_n.values()
    ]


def build(
    scenario: Scenario,
    events: Sequence[Mapping[str, Any]],
    actions: Sequence[Mapping[str, Any]],
    names: Labels,
    plan: Sequence[Mapping[str, str]] | None = None,
) -> Aar:
    """The AAR/IP of a play: ``plan`` is the facilitator's improvement plan (None: one row per area for
    improvement, to be edited)."""
    _ = names._
    cells = {c.id: names.cell(c.id) for c in scenario.cells}
    timeline: dict[str, list[Entry]] = {c: [] for c in cells}
    owner = {p.id: p.cell for p in scenario.decision_points}
    for e in events:
        if e["kind"] == "decision" and owner.get(e["id"]) in timeline:
            text = _("decision ({id}): {option}").format(id=e["id"], option=names.option(e["id"], e["option"]))
            timeline[str(owner[e["id"]])].append(Entry(e["t"], text))
    requests = request_times(events)
    for r in requests:
        what = names.request(r.id)
        if r.from_cell in timeline:
            timeline[r.from_cell].append(
                Entry(r.sent, _("asks {cell}: {what}").format(cell=cells[r.to_cell], what=what))
            )
        if r.answered is not None and r.to_cell in timeline:
            said = _("grants") if r.answer == "grant" else _("declines")
            text = _("{answer} the request of {cell}: {what}").format(answer=said, cell=cells[r.from_cell], what=what)
            timeline[r.to_cell].append(Entry(r.answered, text))
        if r.back is not None and r.from_cell in timeline:
            text = _(
                "learns the answer to its request ({what}): {answer}, after {total}: {decision} deciding, {c2} in "
                "the chain"
            ).format(
                what=what,
                answer=_("granted") if r.answer == "grant" else _("declined"),
                total=names.duration(r.total_min or 0.0),
                decision=names.duration(r.decision_min or 0.0),
                c2=names.duration(r.c2_min or 0.0),
            )
            timeline[r.from_cell].append(Entry(r.back, text))
    for a in actions:
        if a["action"] == "message":
            for cid in [a["to"]] if a["to"] is not None else list(timeline):
                if cid in timeline:
                    timeline[cid].append(Entry(a["t"], _("control's message: {text}").format(text=a["text"])))
    for entries in timeline.values():
        entries.sort(key=lambda en: en.t)
    for c in scenario.cells:  # control's own cell is in the timeline only when it did something
        if c.control and not timeline[c.id]:
            del timeline[c.id]
    observations: dict[str, list[Observation]] = {o.id: [] for o in scenario.objectives}
    for a in actions:
        if a["action"] == "observe" and a["objective"] in observations:
            observations[a["objective"]].append(
                Observation(a["t"], a.get("cell"), a["objective"], a["rating"], a.get("note", ""))
            )
    strengths: list[str] = []
    improvements: list[str] = []
    for oid, seen in observations.items():
        for o in seen:
            who = cells.get(o.cell or "", "")
            line = f"{names.objective(oid)} ({oid}){', ' + who if who else ''}: {o.note or _(RATING[o.rating])}"
            (strengths if o.rating == "performed" else improvements).append(line)
    if plan is None:
        plan = default_plan(scenario, actions, names)
    rows = [{k: str(p.get(k, "")) for k in PLAN_COLUMNS} for p in plan]
    return Aar(names.title(), timeline, requests, observations, strengths, improvements, rows, cells)


def default_plan(scenario: Scenario, actions: Sequence[Mapping[str, Any]], names: Labels) -> list[dict[str, str]]:
    """The improvement plan before the facilitator edits it: a row per observation rated below "performed"."""
    objectives = {o.id for o in scenario.objectives}
    return [
        {
            "issue": f"{names.objective(a['objective'])} ({a['objective']}): {a.get('note', '')}",
            "action": "",
            "cell": a.get("cell") or "",
            "date": "",
        }
        for a in actions
        if a["action"] == "observe" and a["objective"] in objectives and a["rating"] != "performed"
    ]


def answer_word(r: RequestTimes, names: Labels) -> str:
    """What became of a request: granted or declined; lost on the way there; or, given and carried out, its
    answer lost on the way back."""
    _ = names._
    if r.answer is None:
        return _("lost") if r.lost else "–"
    if r.lost:
        return _("granted, answer lost") if r.answer == "grant" else _("declined, answer lost")
    return _("granted") if r.answer == "grant" else _("declined")


def _minutes(names: Labels, x: float | None) -> str:
    return "–" if x is None or not math.isfinite(x) else names.duration(x)


def to_markdown(aar: Aar, names: Labels) -> str:
    _ = names._
    out = [f"# {_('After-action report and improvement plan: {title}').format(title=aar.title)}", ""]
    out += [f"## {_('Timeline by cell')}", ""]
    for cid, entries in aar.timeline.items():
        out += [f"### {aar.cells[cid]} ({cid})", ""]
        out += [f"- {names.clock(e.t)}: {e.text}" for e in entries] or [f"- {_('nothing recorded')}"]
        out.append("")
    out += [f"## {_('Requests between cells')}", ""]
    head = [_("request"), _("from"), _("to"), _("sent"), _("answer"), _("decision time"), _("command delay")]
    out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in aar.requests:
        answer = answer_word(r, names)
        cells = [
            f"{names.request(r.id)} ({r.id})",
            aar.cells.get(r.from_cell, r.from_cell),
            aar.cells.get(r.to_cell, r.to_cell),
            names.clock(r.sent),
            answer,
            _minutes(names, r.decision_min),
            _minutes(names, r.c2_min),
        ]
        out.append("| " + " | ".join(cells) + " |")
    out += ["", f"## {_('Observations by objective')}", ""]
    for oid, seen in aar.observations.items():
        out += [f"### {names.objective(oid)} ({oid})", ""]
        for o in seen:
            who = aar.cells.get(o.cell or "", _("every cell"))
            out.append(f"- {names.clock(o.t)}, {who}: {_(RATING[o.rating])}. {o.note}")
        if not seen:
            out.append(f"- {_('not observed')}")
        out.append("")
    for title, items in ((_("Strengths"), aar.strengths), (_("Areas for improvement"), aar.improvements)):
        out += [f"## {title}", ""] + ([f"- {x}" for x in items] or [f"- {_('none recorded')}"]) + [""]
    out += [f"## {_('Improvement plan')}", ""]
    out += ["| " + " | ".join(_(PLAN_HEAD[c]) for c in PLAN_COLUMNS) + " |", "|" + "---|" * len(PLAN_COLUMNS)]
    for row in aar.plan:
        shown = {**row, "cell": aar.cells.get(row["cell"], row["cell"])}
        out.append("| " + " | ".join(shown[c].replace("|", "/") for c in PLAN_COLUMNS) + " |")
    return "\n".join(out) + "\n"


def to_csv(aar: Aar, names: Labels) -> str:
    """One table: section, time, cell, item, detail (the improvement plan's rows last)."""
    _ = names._
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([_("section"), _("time"), _("cell"), _("entry"), _("detail")])
    for cid, entries in aar.timeline.items():
        for e in entries:
            w.writerow([_("timeline"), names.clock(e.t), aar.cells[cid], "", e.text])
    for r in aar.requests:
        detail = _("decision time {decision}, command delay {c2}").format(
            decision=_minutes(names, r.decision_min), c2=_minutes(names, r.c2_min)
        )
        w.writerow(
            [_("request"), names.clock(r.sent), aar.cells.get(r.from_cell), f"{names.request(r.id)} ({r.id})", detail]
        )
    for oid, seen in aar.observations.items():
        for o in seen:
            item = f"{names.objective(oid)} ({oid})"
            w.writerow(
                [
                    _("observation"),
                    names.clock(o.t),
                    aar.cells.get(o.cell or "", ""),
                    item,
                    f"{_(RATING[o.rating])}. {o.note}",
                ]
            )
    for row in aar.plan:
        cell = aar.cells.get(row["cell"], row["cell"])
        w.writerow([_("improvement plan"), row["date"], cell, row["issue"], row["action"]])
    return out.getvalue()


def context(aar: Aar, names: Labels) -> dict[str, Any]:
    """What the AAR/IP's sections (templates/_aar.html.j2) are drawn from."""
    _ = names._
    requests = [
        {
            "what": f"{names.request(r.id)} ({r.id})",
            "from": aar.cells.get(r.from_cell, r.from_cell),
            "to": aar.cells.get(r.to_cell, r.to_cell),
            "sent": names.clock(r.sent),
            "answer": answer_word(r, names),
            "decision": _minutes(names, r.decision_min),
            "c2": _minutes(names, r.c2_min),
        }
        for r in aar.requests
    ]
    return {
        "aar": aar,
        "clock": names.clock,
        "requests": requests,
        "objective": names.objective,
        "rating": {k: _(v) for k, v in RATING.items()},
        "plan_head": [_(PLAN_HEAD[c]) for c in PLAN_COLUMNS],
        "plan_columns": PLAN_COLUMNS,
        "at": {w: _(w) for w in HTML_WORDS},
    }


def to_html(aar: Aar, names: Labels) -> str:
    import jinja2  # the report extra, optional

    folder = str(resources.files("sim.present") / "templates")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True, undefined=jinja2.StrictUndefined)
    return env.get_template("aar.html.j2").render(lang=names.lang.code, **context(aar, names))
