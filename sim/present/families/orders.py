"""Phases and orders (the engine's plan and the orders and c2 models): a phase beginning or complete, an
order that failed or was skipped and why, and the conditions phases wait for (a place secured, a side
broken)."""

from __future__ import annotations

import re

from sim.present.family import Event, Family, Teller, tells
from sim.present.i18n import N_
from sim.present.labels import Labels

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


class Orders(Teller):
    @tells("phase_start")
    def phase_start(self, t: float, e: Event) -> None:
        phase = next((p for p in self.s.phases if p.id == e["phase"]), None)
        name = self.names.phase(e["phase"])
        if phase is not None and phase.description:
            what = self.names.text(phase.description)
            self.say(t, "phase", N_("Phase {phase} begins: {what}."), phase=name, what=what)
        else:
            self.say(t, "phase", N_("Phase {phase} begins."), phase=name)

    @tells("order_failed")
    def order_failed(self, t: float, e: Event) -> None:
        u = self.names.unit(e["unit"])
        self.say(
            t,
            "order",
            N_("{unit} cannot carry out its order: {reason}."),
            unit=u,
            reason=reason(e["reason"], self.names),
        )

    @tells("order_skipped")
    def order_skipped(self, t: float, e: Event) -> None:
        key = e["reason"]
        state = self._(STATES[key]) if key in STATES else key
        self.say(t, "order", N_("{unit} is {state} and skips its order."), unit=self.names.unit(e["unit"]), state=state)

    @tells("signal")
    def signal(self, t: float, e: Event) -> None:
        what, _, arg = e["name"].partition(":")
        if what == "secured":
            self.say(
                t,
                "combat",
                N_("{place} is secured by {side}."),
                place=self.names.place(arg),
                side=self.names.side(e.get("side", "?")),
            )
        elif what == "broken" and "@" in arg:  # broken at one place; other parts of the side may fight on
            side, _, place = arg.partition("@")
            self.say(
                t,
                "combat",
                N_("{side} is broken at {place}."),
                side=self.names.side(side),
                place=self.names.place(place),
            )
        elif what == "broken" and "place" in e:
            self.say(
                t,
                "combat",
                N_("{side} is broken: its last part still fighting broke at {place}."),
                side=self.names.side(arg),
                place=self.names.place(e["place"]),
            )
        elif what == "broken":
            self.say(t, "combat", N_("{side} is broken."), side=self.names.side(arg))
        elif what == "phase":
            self.say(t, "phase", N_("Phase {phase} is complete."), phase=self.names.phase(arg))


FAMILY = Family(
    "orders",
    Orders,
    silent={"order": "an order issued: what it sets off is told (a departure, an engagement, a failure and why)"},
)
