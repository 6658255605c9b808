"""The exercise (injects, decision points, objectives, and the people in a live play): injects and their
effects on the forces, decisions with who took them, requests between player cells, the facilitator's
overrides, and why each objective was met or missed."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from sim.config.schema import MetricObjective, Objective, Scenario
from sim.config.text import pick
from sim.models.contract import MetricSpec
from sim.models.objectives import final_state
from sim.present.family import Event, Family, Line, Teller, tells
from sim.present.i18n import N_, Language
from sim.present.labels import OBJECTIVE_STATE, Labels

BY = {  # who took a decision in a live play (sim.play)
    "class": N_("chosen by the class"),
    "vote": N_("chosen by the class's vote"),
    "facilitator": N_("chosen by the facilitator"),
}


class Exercise(Teller):
    @tells("inject")
    def inject(self, t: float, e: Event) -> None:
        inject = next((i for i in self.s.injects if i.id == e.get("id")), None)
        what = self.names.text(inject.message) if inject is not None and inject.message else words(e, self.lang.code)
        self.say(t, "inject", N_("Inject {id}: {what}"), id=e.get("id", "?"), what=what)
        if e.get("human_set"):  # exercise control fired it by hand
            self.lines[-1] = Line(t, "human", f"{self.lines[-1].text} {self._('[human-set]')}")

    @tells("decision")
    def decision(self, t: float, e: Event) -> None:
        point = next((p for p in getattr(self.s, "decision_points", []) if p.id == e.get("id")), None)
        chosen = e.get("choice") or e.get("option") or "?"
        option = point.options.get(chosen) if point is not None else None
        choice = self.names.option(point.id, chosen) if point is not None else chosen
        about = self.names.text(option.description) if option is not None else ""
        if about:
            self.say(
                t, "decision", N_("Decision {id}: {choice} ({about})."), id=e.get("id", "?"), choice=choice, about=about
            )
        else:
            self.say(t, "decision", N_("Decision {id}: {choice}."), id=e.get("id", "?"), choice=choice)
        if e.get("human_set"):
            self.lines[-1] = Line(t, "human", f"{self.lines[-1].text} {self._human_note(e)}")

    def _human_note(self, e: Event) -> str:
        """Who took a decision in a live play: "[human-set: chosen by the class's vote (commit 12, hold 3)]"."""
        return self._("[human-set: {by}]").format(
            by=who(str(e.get("by")), e.get("votes") or {}, self.names, str(e.get("id")))
        )

    @tells("override")
    def override(self, t: float, e: Event) -> None:
        what = override_words(str(e.get("override")), str(e.get("target", "?")), e, self.names)
        self.say(t, "human", N_("Facilitator's override: {what} [human-set]."), what=what)

    @tells("reinforce")
    def reinforce(self, t: float, e: Event) -> None:
        self.say(
            t,
            "inject",
            N_("{unit} is reinforced by {n}."),
            unit=self.names.unit(e["unit"]),
            n=self.lang.num.count(e["n"]),
        )

    @tells("reinforce_too_late")
    def reinforce_too_late(self, t: float, e: Event) -> None:
        self.say(t, "inject", N_("Reinforcements for {unit} come too late."), unit=self.names.unit(e["unit"]))

    @tells("repaired")
    def repaired(self, t: float, e: Event) -> None:
        self.say(t, "inject", N_("{unit} is repaired."), unit=self.names.unit(e["unit"]))

    # requests between player cells: made, arrived, answered, the answer back, or lost

    @tells("request")
    def request(self, t: float, e: Event) -> None:
        self.say(
            t,
            "request",
            N_("{asker} asks {giver}: {what}."),
            asker=self.names.cell(str(e.get("from_cell"))),
            giver=self.names.cell(str(e.get("to_cell"))),
            what=self.names.request(str(e.get("id"))),
        )
        if e.get("human_set"):
            self.lines[-1] = Line(t, "human", f"{self.lines[-1].text} {self._('[human-set]')}")

    @tells("request_arrived")
    def arrived(self, t: float, e: Event) -> None:
        self.say(
            t,
            "request",
            N_("The request ({what}) reaches {giver}."),
            what=self.names.request(str(e.get("id"))),
            giver=self.names.cell(str(e.get("to_cell"))),
        )

    @tells("request_answered")
    def answered(self, t: float, e: Event) -> None:
        message = N_("Granted: {what}.") if e.get("answer") == "grant" else N_("Declined: {what}.")
        self.say(t, "request", message, what=self.names.request(str(e.get("id"))))
        if e.get("human_set"):
            self.lines[-1] = Line(t, "human", f"{self.lines[-1].text} {self._('[human-set]')}")

    @tells("request_answer_arrived")
    def answer_arrived(self, t: float, e: Event) -> None:
        self.say(
            t,
            "request",
            N_("{asker} learns the answer to its request ({what})."),
            asker=self.names.cell(str(e.get("to_cell"))),
            what=self.names.request(str(e.get("id"))),
        )

    @tells("request_lost")
    def lost(self, t: float, e: Event) -> None:
        self.say(
            t,
            "request",
            N_("Communications are down: the request ({what}) is lost on its way to {cell}."),
            what=self.names.request(str(e.get("id"))),
            cell=self.names.cell(str(e.get("to_cell"))),
        )


def override_words(kind: str, target: str, params: Mapping[str, Any], names: Labels) -> str:
    """What a facilitator declared, in words: "coalition declared the winner of the fight at island"."""
    _ = names._
    if kind == "engagement_won":
        return _("{side} declared the winner of the fight at {place}").format(
            side=names.side(str(params.get("side", "?"))), place=names.place(target)
        )
    if kind == "repaired":
        return _("{unit} declared repaired").format(unit=names.unit(target))
    if kind == "route_open":
        return _("route {route} declared open").format(route=names.route(target))
    return f"{kind} {target}"


def who(by: str, votes: Mapping[str, int], names: Labels, point: str) -> str:
    """Who took decision ``point`` in a live play, with the votes by option name: "chosen by the class's vote
    (Commit the reserve 12, Hold 3)"."""
    text = names._(BY.get(by, BY["class"]))
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    counts = ", ".join(f"{names.option(point, k)} {v}" for k, v in ranked if v)
    return f"{text} ({counts})" if counts else text


def words(e: Mapping[str, Any], lang: str) -> str:
    """The words of an inject or decision record: its text (by language if given), title or id."""
    for key in ("message", "text", "title", "description", "name", "id"):
        v = pick(e.get(key), lang)
        if v:
            return v
    return "?"


def outcome(
    scenario: Scenario,
    events: Sequence[Event],
    metrics: Mapping[str, float],
    specs: Mapping[str, MetricSpec],
    lang: Language,
) -> list[Line]:
    """Why each objective was met or missed, in one sentence each; one only_if an option or a phase that did
    not happen is not applicable, and the sentence says which condition failed."""
    names, _ = Labels(scenario, lang), lang._
    out: list[Line] = []
    end = scenario.scenario.duration
    for o in scenario.objectives:
        state = final_state(metrics.get(f"objective.{o.id}", math.nan))
        verdict = _(OBJECTIVE_STATE[state])
        asked = names.objective(o.id)
        if state == "not_applicable":
            why = not_applied(o, names, lang) + "."
        elif isinstance(o, MetricObjective):
            value = metrics.get(o.metric, math.nan)
            why = _("{metric} was {value}.").format(
                metric=names.metric(o.metric, specs.get(o.metric)), value=names.value(value, specs.get(o.metric))
            )
        else:
            why = _place_outcome(o.place, o.within, events, names, lang, end)
        text = _("Objective {id} ({asked}): {verdict} — {why}").format(id=o.id, asked=asked, verdict=verdict, why=why)
        out.append(Line(end, "outcome", text))
    return out


def not_applied(o: Objective, names: Labels, lang: Language) -> str:
    """Why an objective only_if did not apply: "option Beach Birch was not taken at the decision point (beach)",
    "phase landing_b did not start" (a decision point has no name but its question: its id, in parentheses)."""
    _ = lang._
    cond = o.only_if
    assert cond is not None
    if cond.phase is not None:
        return _("phase {phase} did not start").format(phase=names.phase(cond.phase))
    point, option = (cond.option or "").split(".")
    return _("option {option} was not taken at the decision point ({point})").format(
        option=names.option(point, option), point=point
    )


def _place_outcome(
    place_id: str, within: float | None, events: Sequence[Event], names: Labels, lang: Language, end: float
) -> str:
    """Why a place objective was met or missed: when it was secured, or how the fight for it went."""
    _ = lang._
    secured = next((e for e in events if e["kind"] == "signal" and e["name"] == f"secured:{place_id}"), None)
    place = names.place(place_id)
    if secured is not None:
        if within is not None and secured["t"] > within:
            return _("{place} was secured at {time}, after the limit of {limit}.").format(
                place=place, time=names.clock(secured["t"]), limit=names.clock(within)
            )
        return _("{place} was secured at {time}.").format(place=place, time=names.clock(secured["t"]))
    fights = [e for e in events if e["kind"] in ("engagement_start", "engagement_end") and e.get("place") == place_id]
    if not fights:
        return _("{place} was never attacked.").format(place=place)
    if fights[-1]["kind"] == "engagement_start":
        return _("the fight for {place} was still going on at the end ({time}).").format(
            place=place, time=names.clock(end)
        )
    return _("the attack on {place} was repulsed at {time}.").format(place=place, time=names.clock(fights[-1]["t"]))


FAMILY = Family(
    "exercise",
    Exercise,
    silent={"effect": "an inject's effect: the inject is told, and what the effect does (a route closed, a repair)"},
)
