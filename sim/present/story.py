"""The story of one replication: its trace told as plain sentences in scenario clock time.

Movements (with what a transport carries), engagements with their losses, strikes, deliveries,
shortages, failed orders with their reasons, casualties reaching each role of care, injects and
decisions, and at the end why each objective was met or missed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from sim.config.schema import MetricObjective, Scenario
from sim.models.contract import MetricSpec
from sim.present.i18n import N_, Language, sentence
from sim.present.labels import Labels


@dataclass(frozen=True)
class Line:
    t: float  # simulated minutes
    topic: str  # phase, move, combat, fires, supply, medical, order, inject, decision, human, outcome
    text: str


@dataclass
class Story:
    title: str
    lines: list[Line]
    outcome: list[Line]
    ended: bool = True  # False: a play stopped before the end of the run, whose objectives are not judged


STYLE = {
    "phase": "bold",
    "combat": "red",
    "fires": "magenta",
    "supply": "cyan",
    "medical": "green",
    "order": "yellow",
    "inject": "bold yellow",
    "decision": "bold blue",
    "human": "bold reverse",  # set by people in a live play: choices and the facilitator's overrides
    "move": "",
}

# The reasons the engine and models give for a failed order, as patterns and their messages.
REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), m)
    for p, m in (
        (r"^not at a place \(aboard or moving\)$", N_("it is not at a place (aboard or moving)")),
        (r"^no route from (?P<a>\S+) to (?P<b>\S+)$", N_("there is no route from {a} to {b}")),
        (r"^not at the same place as (?P<u>\S+)$", N_("it is not at the same place as {u}")),
        (r"^(?P<u>\S+) has room for (?P<n>\d+) only$", N_("{u} has room for {n} only")),
        (r"^not aboard a transport$", N_("it is not aboard a transport")),
        (r"^(?P<u>\S+) is under way$", N_("{u} is under way")),
        (r"^(?P<u>\S+) left before (?P<v>\S+) was off$", N_("{u} left before {v} was off")),
        (r"^not at (?P<a>\S+) for the lift by (?P<u>\S+)$", N_("it is not at {a} for the lift by {u}")),
        (r"^what is left does not fit$", N_("what is left does not fit")),
        (r"^not enough (?P<cls>\w+) for a sortie$", N_("not enough {cls} for a sortie")),
        (r"^not at a place$", N_("it is not at a place")),
        (r"^no route to (?P<a>\S+)$", N_("there is no route to {a}")),
        (r"^(?P<a>\S+) is out of range \((?P<km>[\d.,]+) km\)$", N_("{a} is out of range ({km} km)")),
        (r"^(?P<a>\S+) is under attack by another side$", N_("{a} is under attack by another side")),
        (
            r"^not enough fuel to go (?P<km>[\d.,]+) km \(needs (?P<need>[\d.,]+) L, has (?P<has>[\d.,]+) L\)$",
            N_("not enough fuel to go {km} km (needs {need} L, has {has} L)"),
        ),
        (r"^(?P<a>\S+) has nothing left to send$", N_("{a} has nothing left to send")),
        (r"^not at a place, so it cannot start a lift$", N_("it is not at a place, so it cannot start a lift")),
        (r"^order lost: communications with the unit are down$", N_("the order is lost: communications are down")),
        (
            r"^order lost: communications with (?P<nation>\S+) are down$",
            N_("the order is lost: communications with {nation} are down"),
        ),
    )
)
STATES = {
    "broken": N_("broken"),
    "repulsed": N_("repulsed"),
    "destroyed": N_("destroyed"),
}
TRIAGE = ("T1", "T2", "T3", "T4")
BY = {  # who took a decision in a live play (sim.play)
    "class": N_("chosen by the class"),
    "vote": N_("chosen by the class's vote"),
    "facilitator": N_("chosen by the facilitator"),
}


def reason(text: str, names: Labels) -> str:
    """A failure reason in the reader's language, with unit and place names; as given if unknown."""
    for pattern, message in REASONS:
        m = pattern.match(text)
        if m:
            fields = {k: _name(v, names) for k, v in m.groupdict().items()}
            return names._(message).format(**fields)
    return text


def _name(v: str, names: Labels) -> str:
    if v in names.units:
        return names.unit(v)
    if v in names.s.map.places:
        return names.place(v)
    return names.supply(v) if v in ("fuel", "ammunition", "water", "rations", "medical") else v


FULL = ("diverted", "blocked", "turned_away")  # casualties who find every bed of a facility taken


@dataclass
class _Fight:
    place: str
    units: set[str]
    losses: dict[str, list[float]] = field(default_factory=dict)  # unit -> [lost, killed]


class Narrator:
    """Turns trace records into lines; holds what earlier records said (cargo, fights, casualties)."""

    def __init__(self, scenario: Scenario, lang: Language):
        self.s, self.names, self._ = scenario, Labels(scenario, lang), lang._
        self.lang = lang
        self.aboard: dict[str, list[str]] = {}  # transport -> units aboard
        self.cargo: dict[str, dict[str, float]] = {}  # transport -> cargo being carried
        self.fights: dict[str, _Fight] = {}
        self.loose: list[tuple[float, str, float, float, float]] = []  # losses outside a fight, until their strike
        self.lines: list[Line] = []
        self.facility = {f.id: f for f in scenario.medical.facilities} if scenario.medical else {}
        self.entry: dict[str, str] = {}
        for f in self.facility.values():
            for place in [f.at, *f.serves]:
                if f.role == 1 or place not in self.entry:
                    self.entry.setdefault(place, f.id)
        ordered = {o.unit for p in scenario.phases for o in p.orders}
        assets = {a for e in (scenario.medical.evacuation if scenario.medical else []) for a in e.assets}
        self.quiet_moves = assets - ordered  # MEDEVAC-only assets: their missions are told, not each leg
        self.reached: dict[int, int] = {}  # role -> casualties that reached it
        self.wounded_now: list[dict[str, Any]] = []
        self.full_now: list[tuple[str, str, str, int, float]] = []  # casualties meeting a full facility at once

    def say(self, t: float, topic: str, message: str, **fields: Any) -> None:
        self.lines.append(Line(t, topic, sentence(self._(message).format(**fields))))

    def feed(self, events: Iterable[Mapping[str, Any]]) -> list[Line]:
        for e in events:
            kind = e["kind"]
            if kind == "sample":
                continue
            if kind not in ("casualty", "losses"):
                self._flush_casualties()
            if kind not in FULL:
                self._flush_full()
            if kind not in ("losses", "strike"):
                self._flush_losses()
            handler = getattr(self, f"on_{kind}", None)
            if handler is not None:
                handler(e["t"], e)
        self._flush_casualties()
        self._flush_full()
        self._flush_losses()
        return self.lines

    # --- phases, orders ---------------------------------------------------------------------------

    def on_phase_start(self, t: float, e: Mapping[str, Any]) -> None:
        phase = next((p for p in self.s.phases if p.id == e["phase"]), None)
        name = self.names.phase(e["phase"])
        if phase is not None and phase.description and self.lang.code == "en":  # the scenario's words are English
            self.say(t, "phase", N_("Phase {phase} begins: {what}."), phase=name, what=phase.description)
        else:
            self.say(t, "phase", N_("Phase {phase} begins."), phase=name)

    def on_order_failed(self, t: float, e: Mapping[str, Any]) -> None:
        u = self.names.unit(e["unit"])
        self.say(
            t,
            "order",
            N_("{unit} cannot carry out its order: {reason}."),
            unit=u,
            reason=reason(e["reason"], self.names),
        )

    def on_order_skipped(self, t: float, e: Mapping[str, Any]) -> None:
        key = e["reason"]
        state = self._(STATES[key]) if key in STATES else key
        self.say(t, "order", N_("{unit} is {state} and skips its order."), unit=self.names.unit(e["unit"]), state=state)

    def on_defend(self, t: float, e: Mapping[str, Any]) -> None:
        self.say(
            t,
            "move",
            N_("{unit} takes up the defence of {place}."),
            unit=self.names.unit(e["unit"]),
            place=self.names.place(e["at"]),
        )

    def on_inject(self, t: float, e: Mapping[str, Any]) -> None:
        self.say(t, "inject", N_("Inject {id}: {what}"), id=e.get("id", "?"), what=words(e, self.lang.code))

    def on_decision(self, t: float, e: Mapping[str, Any]) -> None:
        point = next((p for p in getattr(self.s, "decision_points", []) if p.id == e.get("id")), None)
        choice = e.get("choice") or e.get("option") or "?"
        option = point.options.get(choice) if point is not None else None
        about = option.description if option is not None and option.description and self.lang.code == "en" else ""
        if about:
            self.say(
                t, "decision", N_("Decision {id}: {choice} ({about})."), id=e.get("id", "?"), choice=choice, about=about
            )
        else:
            self.say(t, "decision", N_("Decision {id}: {choice}."), id=e.get("id", "?"), choice=choice)
        if e.get("human_set"):
            self.lines[-1] = Line(t, "human", f"{self.lines[-1].text} {self._human_note(e)}")

    def _human_note(self, e: Mapping[str, Any]) -> str:
        """Who took a decision in a live play: "[human-set: chosen by the class's vote (commit 12, hold 3)]"."""
        return self._("[human-set: {by}]").format(by=who(str(e.get("by")), e.get("votes") or {}, self.lang))

    def on_override(self, t: float, e: Mapping[str, Any]) -> None:
        what = override_words(str(e.get("override")), str(e.get("target", "?")), e, self.names)
        self.say(t, "human", N_("Facilitator's override: {what} [human-set]."), what=what)

    def on_reinforce(self, t: float, e: Mapping[str, Any]) -> None:
        self.say(t, "inject", N_("{unit} is reinforced by {n}."), unit=self.names.unit(e["unit"]), n=_count(e["n"]))

    def on_reinforce_too_late(self, t: float, e: Mapping[str, Any]) -> None:
        self.say(t, "inject", N_("Reinforcements for {unit} come too late."), unit=self.names.unit(e["unit"]))

    def on_repaired(self, t: float, e: Mapping[str, Any]) -> None:
        self.say(t, "inject", N_("{unit} is repaired."), unit=self.names.unit(e["unit"]))

    def on_supplies_lost(self, t: float, e: Mapping[str, Any]) -> None:
        self.say(
            t,
            "supply",
            N_("{depot} loses {what}."),
            depot=e["depot"],
            what=self.names.amount(e["cls"], e["amount"]),
        )

    # --- movement ---------------------------------------------------------------------------------

    def on_embark(self, t: float, e: Mapping[str, Any]) -> None:
        self.aboard.setdefault(e["on"], []).append(e["unit"])

    def on_disembark(self, t: float, e: Mapping[str, Any]) -> None:
        carried = self.aboard.get(e["transport"], [])
        if e["unit"] in carried:
            carried.remove(e["unit"])
        self.say(
            t,
            "move",
            N_("{unit} lands at {place} from {transport}."),
            unit=self.names.unit(e["unit"]),
            place=self.names.place(e["at"]),
            transport=self.names.unit(e["transport"]),
        )

    def on_depart(self, t: float, e: Mapping[str, Any]) -> None:
        if e["unit"] in self.quiet_moves:
            return
        fields = {
            "unit": self.names.unit(e["unit"]),
            "origin": self.names.place(e["origin"]),
            "to": self.names.place(e["to"]),
            "eta": self.names.clock(t + e["eta_min"]),
        }
        carried = self.aboard.get(e["unit"])
        if carried:
            self.say(
                t,
                "move",
                N_("{unit} sets out from {origin} for {to} with {units} (due {eta})."),
                units=self.names.units_list(carried),
                **fields,
            )
        else:
            self.say(t, "move", N_("{unit} sets out from {origin} for {to} (due {eta})."), **fields)

    def on_arrive(self, t: float, e: Mapping[str, Any]) -> None:
        if e["unit"] in self.quiet_moves:
            return
        self.say(
            t,
            "move",
            N_("{unit} arrives at {place}."),
            unit=self.names.unit(e["unit"]),
            place=self.names.place(e["at"]),
        )

    def on_held(self, t: float, e: Mapping[str, Any]) -> None:
        self.say(
            t,
            "move",
            N_("{unit} is held at {place}."),
            unit=self.names.unit(e["unit"]),
            place=self.names.place(e["at"]),
        )

    def on_turn_back(self, t: float, e: Mapping[str, Any]) -> None:
        self.say(
            t,
            "move",
            N_("{unit} turns back to {place}."),
            unit=self.names.unit(e["unit"]),
            place=self.names.place(e["to"]),
        )

    def on_wait_route(self, t: float, e: Mapping[str, Any]) -> None:
        self.say(
            t,
            "move",
            N_("{unit} waits at {place}: every route to {to} is closed."),
            unit=self.names.unit(e["unit"]),
            place=self.names.place(e["at"]),
            to=self.names.place(e["to"]),
        )

    def on_route_closed(self, t: float, e: Mapping[str, Any]) -> None:
        self.say(t, "move", N_("Route {route} is closed."), route=e["route"])

    def on_route_open(self, t: float, e: Mapping[str, Any]) -> None:
        self.say(t, "move", N_("Route {route} is open again."), route=e["route"])

    def on_lift_done(self, t: float, e: Mapping[str, Any]) -> None:
        n = int(e["trips"])
        msg = self.lang.n_("{unit} completes its lift in {n} trip.", "{unit} completes its lift in {n} trips.", n)
        self.lines.append(Line(t, "move", msg.format(unit=self.names.unit(e["unit"]), n=n)))

    # --- combat and fires -------------------------------------------------------------------------

    def on_engagement_start(self, t: float, e: Mapping[str, Any]) -> None:
        self.fights[e["place"]] = _Fight(e["place"], {*e["attackers"], *e["defenders"]})
        self.say(
            t,
            "combat",
            N_("Engagement at {place}: {attackers} against {defenders}."),
            place=self.names.place(e["place"]),
            attackers=self.names.units_list(e["attackers"]),
            defenders=self.names.units_list(e["defenders"]),
        )

    def on_engagement_join(self, t: float, e: Mapping[str, Any]) -> None:
        fight = self.fights.get(e["place"])
        if fight is not None:
            fight.units.add(e["unit"])
        self.say(
            t,
            "combat",
            N_("{unit} joins the fight at {place}."),
            unit=self.names.unit(e["unit"]),
            place=self.names.place(e["place"]),
        )

    def on_losses(self, t: float, e: Mapping[str, Any]) -> None:
        self.loose.append((t, e["unit"], e["n"], e["killed"], e["left"]))  # a strike's, if one follows

    def _losses_text(self, losses: Mapping[str, Sequence[float]]) -> str:
        parts = [
            self._("{unit} lost {n} ({killed} killed)").format(unit=self.names.unit(u), n=_count(n), killed=_count(k))
            for u, (n, k, *_) in losses.items()
        ]
        return "; ".join(parts)

    def on_engagement_end(self, t: float, e: Mapping[str, Any]) -> None:
        fight = self.fights.pop(e["place"], None)
        losses = fight.losses if fight is not None else {}
        fields = {
            "place": self.names.place(e["place"]),
            "winner": self.names.side(e["winner"]),
            "duration": self.names.duration(e["minutes"]),
        }
        if losses:
            self.say(
                t,
                "combat",
                N_("The fight at {place} ends after {duration}: {winner} wins. Losses: {losses}."),
                losses=self._losses_text(losses),
                **fields,
            )
        else:
            self.say(t, "combat", N_("The fight at {place} ends after {duration}: {winner} wins."), **fields)

    def on_strike(self, t: float, e: Mapping[str, Any]) -> None:
        fields = {"unit": self.names.unit(e["unit"]), "target": self.names.place(e["target"])}
        side = self.names.units[e["unit"]].side if e["unit"] in self.names.units else None
        hit: dict[str, list[float]] = {}
        rest = []
        for lost in self.loose:
            when, u, n, k, _ = lost
            victim = self.names.units.get(u)
            if when == t and victim is not None and victim.side != side:
                acc = hit.setdefault(u, [0.0, 0.0])
                acc[0] += n
                acc[1] += k
            else:
                rest.append(lost)
        self.loose = rest
        self._flush_losses()
        if hit:
            self.say(t, "fires", N_("{unit} strikes {target}: {losses}."), losses=self._losses_text(hit), **fields)
        else:
            self.say(t, "fires", N_("{unit} strikes {target}, with no losses to the enemy."), **fields)

    def _flush_losses(self) -> None:
        """Losses no strike claimed: to the fight their unit is in, else told on their own."""
        for when, u, n, k, left in self.loose:
            fight = next((f for f in self.fights.values() if u in f.units), None)
            if fight is not None:
                acc = fight.losses.setdefault(u, [0.0, 0.0])
                acc[0] += n
                acc[1] += k
                continue
            self.lines.append(
                Line(
                    when,
                    "combat",
                    sentence(
                        self._("{unit} loses {n} ({killed} killed); {left} left.").format(
                            unit=self.names.unit(u), n=_count(n), killed=_count(k), left=_count(left)
                        )
                    ),
                )
            )
        self.loose = []

    def on_signal(self, t: float, e: Mapping[str, Any]) -> None:
        what, _, arg = e["name"].partition(":")
        if what == "secured":
            self.say(
                t,
                "combat",
                N_("{place} is secured by {side}."),
                place=self.names.place(arg),
                side=self.names.side(e.get("side", "?")),
            )
        elif what == "broken":
            self.say(t, "combat", N_("{side} is broken."), side=self.names.side(arg))
        elif what == "phase":
            self.say(t, "phase", N_("Phase {phase} is complete."), phase=self.names.phase(arg))

    # --- supply -----------------------------------------------------------------------------------

    def _cargo(self, cargo: Mapping[str, float]) -> str:
        items = [self.names.amount(c, v) for c, v in cargo.items() if v > 0]
        return ", ".join(items) if items else self._("nothing")

    def on_load(self, t: float, e: Mapping[str, Any]) -> None:
        self.cargo[e["transport"]] = dict(e["cargo"])

    def on_deliver(self, t: float, e: Mapping[str, Any]) -> None:
        left = e.get("left", {})  # what did not fit at the destination goes back
        loaded = self.cargo.pop(e["transport"], {})
        cargo = self._cargo({c: a - left.get(c, 0.0) for c, a in loaded.items()})
        fields = {
            "transport": self.names.unit(e["transport"]),
            "line": e["line"],
            "cargo": cargo,
            "place": self.names.place(e["at"]),
        }
        if e.get("on_time", True):
            self.say(t, "supply", N_("{transport} delivers {cargo} to {place} (supply line {line})."), **fields)
        else:
            self.say(t, "supply", N_("{transport} delivers {cargo} to {place} late (supply line {line})."), **fields)

    def on_cargo_lost(self, t: float, e: Mapping[str, Any]) -> None:
        self.cargo.pop(e["transport"], None)
        self.say(
            t,
            "supply",
            N_("{transport} is lost with its cargo: {cargo} (supply line {line})."),
            transport=self.names.unit(e["transport"]),
            cargo=self._cargo(e["cargo"]),
            line=e["line"],
        )

    def on_line_stopped(self, t: float, e: Mapping[str, Any]) -> None:
        self.say(
            t,
            "supply",
            N_("Supply line {line} stops: {reason}."),
            line=e["line"],
            reason=reason(e["reason"], self.names),
        )

    def on_stockout(self, t: float, e: Mapping[str, Any]) -> None:
        self.say(
            t,
            "supply",
            N_("{unit} runs out of {cls}."),
            unit=self.names.unit(e["unit"]),
            cls=self.names.supply(e["cls"]),
        )

    def on_restocked(self, t: float, e: Mapping[str, Any]) -> None:
        self.say(
            t, "supply", N_("{unit} has {cls} again."), unit=self.names.unit(e["unit"]), cls=self.names.supply(e["cls"])
        )

    # --- casualties -------------------------------------------------------------------------------

    def on_casualty(self, t: float, e: Mapping[str, Any]) -> None:
        if self.wounded_now and (
            self.wounded_now[0]["place"] != e["place"] or round(self.wounded_now[0]["t"]) != round(t)
        ):
            self._flush_casualties()
        self.wounded_now.append(dict(e))

    def _flush_casualties(self) -> None:
        if not self.wounded_now:
            return
        first, n = self.wounded_now[0], len(self.wounded_now)
        counts = {tr: sum(1 for c in self.wounded_now if c["triage"] == tr) for tr in TRIAGE}
        mix = ", ".join(f"{k}×{v}" if v > 1 else k for k, v in counts.items() if v)
        fac = self.facility.get(self.entry.get(first["place"], ""))
        self.wounded_now = []
        where = self.names.place(first["place"])
        if fac is None:
            msg = self.lang.n_("{n} casualty at {place} ({mix}).", "{n} casualties at {place} ({mix}).", n)
            self.lines.append(Line(first["t"], "medical", msg.format(n=n, place=where, mix=mix)))
            return
        self.reached[fac.role] = self.reached.get(fac.role, 0) + n
        msg = self.lang.n_(
            "{n} casualty at {place} ({mix}) goes to {facility} (Role {role}).",
            "{n} casualties at {place} ({mix}) go to {facility} (Role {role}).",
            n,
        )
        self.lines.append(
            Line(first["t"], "medical", msg.format(n=n, place=where, mix=mix, facility=fac.id, role=fac.role))
        )

    def on_medevac(self, t: float, e: Mapping[str, Any]) -> None:
        fac = self.facility.get(e["to"])
        role = fac.role if fac is not None else 0
        n = len(e["casualties"])
        self.reached[role] = self.reached.get(role, 0) + n
        msg = self.lang.n_(
            "{unit} brings {n} casualty to {facility} (Role {role}).",
            "{unit} brings {n} casualties to {facility} (Role {role}).",
            n,
        )
        self.lines.append(
            Line(t, "medical", msg.format(unit=self.names.unit(e["unit"]), n=n, facility=e["to"], role=role))
        )

    def on_diverted(self, t: float, e: Mapping[str, Any]) -> None:
        self._full(t, e)

    def on_blocked(self, t: float, e: Mapping[str, Any]) -> None:
        self._full(t, e)

    def on_turned_away(self, t: float, e: Mapping[str, Any]) -> None:
        self._full(t, e)

    def _full(self, t: float, e: Mapping[str, Any]) -> None:
        """Casualties who find every bed taken at the same facility in the same minute are told together."""
        key = (e["kind"], e["facility"], e.get("to", ""), round(t), t)
        if self.full_now and self.full_now[0][:4] != key[:4]:
            self._flush_full()
        self.full_now.append(key)

    def _flush_full(self) -> None:
        if not self.full_now:
            return
        (kind, facility, to, _, t), n = self.full_now[0], len(self.full_now)
        self.full_now = []
        if kind == "diverted":
            msg = self.lang.n_(
                "{n} casualty finds every bed at {facility} taken and is diverted to {to}.",
                "{n} casualties find every bed at {facility} taken and are diverted to {to}.",
                n,
            )
        elif kind == "blocked":
            msg = self.lang.n_(
                "{n} casualty finds every bed at {facility} taken and waits where it is.",
                "{n} casualties find every bed at {facility} taken and wait where they are.",
                n,
            )
        else:
            msg = self.lang.n_(
                "{n} casualty finds every bed at {facility} taken and is turned away untreated.",
                "{n} casualties find every bed at {facility} taken and are turned away untreated.",
                n,
            )
        self.lines.append(Line(t, "medical", msg.format(n=n, facility=facility, to=to)))

    def on_died_of_wounds(self, t: float, e: Mapping[str, Any]) -> None:
        self.say(t, "medical", N_("A {triage} casualty dies of wounds."), triage=e["triage"])

    def on_mass_casualty(self, t: float, e: Mapping[str, Any]) -> None:
        self.say(
            t,
            "medical",
            N_("Mass-casualty incident at {place}: {n} casualties."),
            place=self.names.place(e["place"]),
            n=e["count"],
        )

    def on_casualty_unserved(self, t: float, e: Mapping[str, Any]) -> None:
        self.say(
            t,
            "medical",
            N_("A casualty at {place} has no medical facility to go to."),
            place=self.names.place(e["place"]),
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
        return _("route {route} declared open").format(route=target)
    return f"{kind} {target}"


def who(by: str, votes: Mapping[str, int], lang: Language) -> str:
    """Who took a decision in a live play, with the votes: "chosen by the class's vote (commit 12, hold 3)"."""
    text = lang._(BY.get(by, BY["class"]))
    counts = ", ".join(f"{k} {v}" for k, v in sorted(votes.items(), key=lambda kv: -kv[1]) if v)
    return f"{text} ({counts})" if counts else text


def words(e: Mapping[str, Any], lang: str) -> str:
    """The words of an inject or decision record: its text (by language if given), title or id."""
    for key in ("message", "text", "title", "description", "name", "id"):
        v = e.get(key)
        if isinstance(v, dict):
            v = v.get(lang) or v.get("en") or next(iter(v.values()), None)
        if v:
            return str(v)
    return "?"


def _count(x: float) -> str:
    return f"{x:g}" if float(x).is_integer() else f"{x:.1f}"


def outcome(
    scenario: Scenario,
    events: Sequence[Mapping[str, Any]],
    metrics: Mapping[str, float],
    specs: Mapping[str, MetricSpec],
    lang: Language,
) -> list[Line]:
    """Why each objective was met or missed, in one sentence each."""
    names, _ = Labels(scenario, lang), lang._
    out: list[Line] = []
    end = scenario.scenario.duration
    for o in scenario.objectives:
        met = metrics.get(f"objective.{o.id}", math.nan) == 1.0
        verdict = _("met") if met else _("missed")
        asked = names.objective(o.id)
        if isinstance(o, MetricObjective):
            value = metrics.get(o.metric, math.nan)
            why = _("{metric} was {value}.").format(
                metric=names.metric(o.metric, specs.get(o.metric)), value=names.value(value, specs.get(o.metric))
            )
        else:
            secured = next((e for e in events if e["kind"] == "signal" and e["name"] == f"secured:{o.place}"), None)
            place = names.place(o.place)
            if secured is not None:
                if o.within is not None and secured["t"] > o.within:
                    why = _("{place} was secured at {time}, after the limit of {limit}.").format(
                        place=place, time=names.clock(secured["t"]), limit=names.clock(o.within)
                    )
                else:
                    why = _("{place} was secured at {time}.").format(place=place, time=names.clock(secured["t"]))
            else:
                fights = [
                    e
                    for e in events
                    if e["kind"] in ("engagement_start", "engagement_end") and e.get("place") == o.place
                ]
                if not fights:
                    why = _("{place} was never attacked.").format(place=place)
                elif fights[-1]["kind"] == "engagement_start":
                    why = _("the fight for {place} was still going on at the end ({time}).").format(
                        place=place, time=names.clock(end)
                    )
                else:
                    why = _("the attack on {place} was repulsed at {time}.").format(
                        place=place, time=names.clock(fights[-1]["t"])
                    )
        text = _("Objective {id} ({asked}): {verdict} — {why}").format(id=o.id, asked=asked, verdict=verdict, why=why)
        out.append(Line(end, "outcome", text))
    return out


def tell(
    scenario: Scenario,
    events: Sequence[Mapping[str, Any]],
    metrics: Mapping[str, float],
    specs: Mapping[str, MetricSpec],
    lang: Language,
    replication: int,
    seed: int,
    *,
    ended: bool = True,
) -> Story:
    """The whole story of one traced replication (``ended``: with each objective's outcome; not for a play
    stopped before its end, whose objectives were still open)."""
    narrator = Narrator(scenario, lang)
    lines = narrator.feed(events)
    medical = []
    if narrator.reached:
        roles = ", ".join(
            lang._("Role {role}: {n}").format(role=r, n=n) for r, n in sorted(narrator.reached.items()) if r
        )
        medical.append(
            Line(
                scenario.scenario.duration,
                "outcome",
                lang._("Casualties reaching each role of care: {roles}.").format(roles=roles),
            )
        )
    title = lang._("{scenario}: replication {rep} (seed {seed})").format(
        scenario=scenario.scenario.name, rep=replication, seed=seed
    )
    told = outcome(scenario, events, metrics, specs, lang) if ended else []
    return Story(title, lines, medical + told, ended)


def view(story: Story, names: Labels, lang: Language) -> RenderableType:
    """The story for a terminal: times in the scenario clock, one line per event, the outcome last."""
    parts: list[RenderableType] = [Text(story.title, style="bold")]
    for line in story.lines:
        t = Text(f"{names.clock(line.t):>11}  ", style="dim")
        t.append(line.text, style=STYLE.get(line.topic, ""))
        parts.append(t)
    parts.append(Text(""))
    if story.outcome:
        parts.append(Text(lang._("Outcome"), style="bold"))
        for line in story.outcome:
            parts.append(Text("  " + line.text))
    if not story.ended:  # a play stopped before its end: its objectives are not judged
        parts.append(Text(lang._("Stopped before the end of the run: no outcome yet."), style="dim"))
    return Group(*parts)
