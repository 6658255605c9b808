"""Logistics and supply lines: loads delivered (late or lost), lines that stop, units running out of a
supply class and having it again, supplies lost to an inject; in the report, the depots' stock levels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from sim.config.schema import Scenario
from sim.present import tracks
from sim.present.families.orders import reason
from sim.present.family import Event, Family, Line, Teller, over_time, tells
from sim.present.i18n import N_, Language
from sim.present.labels import Labels

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.experiment.stats import Summary


# why a unit ran dry, or why a supply line waits (sim.models.supply_lines)
DRY = {
    "no_line": N_("no supply line serves it"),
    "depot_empty": N_("the depot where it stands is empty"),
    "depot_away": N_("the stores it drew from sailed away with their ship"),
    "transports_lost": N_("the transports of the line serving it are lost"),
    "not_started": N_("the supply line serving it has not started yet"),
    "transport_away": N_("the line's transports cannot reach the depot they load from (aboard, or away)"),
    "origin_empty": N_("the depot the line loads from is empty"),
    "too_slow": N_("the line serving it delivers too little or too late"),
}


class Logistics(Teller):
    def __init__(self, scenario: Scenario, lang: Language, names: Labels, lines: list[Line]) -> None:
        super().__init__(scenario, lang, names, lines)
        self.cargo: dict[str, dict[str, float]] = {}  # transport -> cargo being carried

    def _cargo(self, cargo: Mapping[str, float]) -> str:
        items = [self.names.amount(c, v) for c, v in cargo.items() if v > 0]
        return ", ".join(items) if items else self._("nothing")

    @tells("load")
    def load(self, t: float, e: Event) -> None:
        self.cargo[e["transport"]] = dict(e["cargo"])

    @tells("deliver")
    def deliver(self, t: float, e: Event) -> None:
        left = e.get("left", {})  # what did not fit at the destination goes back
        loaded = self.cargo.pop(e["transport"], {})
        cargo = self._cargo({c: a - left.get(c, 0.0) for c, a in loaded.items()})
        to = e["at"]  # a depot; or (a line to units or a place) a unit, or a place
        where = self.names.unit(to) if e.get("unit") else self.names.place(to) if "unit" in e else self.names.depot(to)
        fields = {
            "transport": self.names.unit(e["transport"]),
            "line": self.names.supply_line(e["line"]),
            "cargo": cargo,
            "place": where,
        }
        if e.get("on_time", True):
            self.say(t, "supply", N_("{transport} delivers {cargo} to {place} (supply line {line})."), **fields)
        else:
            self.say(t, "supply", N_("{transport} delivers {cargo} to {place} late (supply line {line})."), **fields)

    @tells("cargo_lost")
    def cargo_lost(self, t: float, e: Event) -> None:
        self.cargo.pop(e["transport"], None)
        self.say(
            t,
            "supply",
            N_("{transport} is lost with its cargo: {cargo} (supply line {line})."),
            transport=self.names.unit(e["transport"]),
            cargo=self._cargo(e["cargo"]),
            line=self.names.supply_line(e["line"]),
        )

    @tells("line_stopped")
    def line_stopped(self, t: float, e: Event) -> None:
        self.say(
            t,
            "supply",
            N_("Supply line {line} stops: {reason}."),
            line=self.names.supply_line(e["line"]),
            reason=reason(e["reason"], self.names),
        )

    @tells("line_waiting")
    def line_waiting(self, t: float, e: Event) -> None:
        self.say(
            t,
            "supply",
            N_("Supply line {line} waits: {reason}."),
            line=self.names.supply_line(e["line"]),
            reason=self._(DRY[e["reason"]]),
        )

    @tells("line_redirected")
    def line_redirected(self, t: float, e: Event) -> None:
        to = e["to"]
        if e.get("units"):
            where = ", ".join(self.names.unit(u) for u in to.split(", "))
        else:
            where = self.names.place(to) if to in self.s.map.places else self.names.depot(to)
        self.say(
            t,
            "supply",
            N_("Supply line {line} now delivers to {to}."),
            line=self.names.supply_line(e["line"]),
            to=where,
        )

    @tells("stockout")
    def stockout(self, t: float, e: Event) -> None:
        fields = {"unit": self.names.unit(e["unit"]), "cls": self.names.supply(e["cls"])}
        why = e.get("why")
        if why in DRY:
            self.say(t, "supply", N_("{unit} runs out of {cls}: {reason}."), reason=self._(DRY[why]), **fields)
        else:
            self.say(t, "supply", N_("{unit} runs out of {cls}."), **fields)

    @tells("restocked")
    def restocked(self, t: float, e: Event) -> None:
        self.say(
            t, "supply", N_("{unit} has {cls} again."), unit=self.names.unit(e["unit"]), cls=self.names.supply(e["cls"])
        )

    @tells("supplies_lost")
    def supplies_lost(self, t: float, e: Event) -> None:
        self.say(
            t,
            "supply",
            N_("{depot} loses {what}."),
            depot=self.names.depot(e["depot"]),
            what=self.names.amount(e["cls"], e["amount"]),
        )


def charts(scenario: Scenario, events: Sequence[Event], names: Labels, lang: Language) -> list[Figure]:
    """Each depot's stock of each class over the replication shown, as a share of its highest level."""
    depots = tracks.sampled(events, "depots")
    if not depots:
        return []
    lines = {}
    for key, (x, y) in depots.items():
        depot, cls = key.split("|")
        peak = max(y) or 1.0
        lines[f"{names.depot(depot)}: {names.supply(cls)}"] = (x, [v / peak for v in y])
    return [over_time(lines, lang._("Stock levels (share of the highest level)"), lang._("share"), lang)]


def sentences(summary: Mapping[str, Summary], side: str, names: Labels, lang: Language) -> list[str]:
    """What the supply lines delivered, on average (a relief or mixed exercise: its measure of work)."""
    if names.s.scenario.exercise == "combat":
        return []
    delivered = [s.mean for m, s in summary.items() if m.startswith("delivered_t.")]
    if not delivered:
        return []
    return [lang._("On average {tonnes} t of supplies were delivered.").format(tonnes=lang.num.number(sum(delivered)))]


FAMILY = Family(
    "logistics",
    Logistics,
    silent={"refill": "a unit topping up from a depot, thousands in a run: the stock-level chart shows them"},
    charts=charts,
    sentences=sentences,
)
