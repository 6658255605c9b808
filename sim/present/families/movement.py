"""Movement (the engine's moves, lifts and the map): departures and arrivals with what a transport
carries, landings, routes closed and opened; in the report, the Gantt chart of units and phases."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sim.config.schema import Scenario
from sim.present import plots, tracks
from sim.present.family import Event, Family, Line, Teller, tells
from sim.present.i18n import N_, Language
from sim.present.labels import Labels

if TYPE_CHECKING:
    from matplotlib.figure import Figure

STATES = {"moving": N_("moving"), "aboard": N_("aboard"), "engaged": N_("in combat"), "phase": N_("phase")}


class Movement(Teller):
    def __init__(self, scenario: Scenario, lang: Language, names: Labels, lines: list[Line]) -> None:
        super().__init__(scenario, lang, names, lines)
        self.aboard: dict[str, list[str]] = {}  # transport -> units aboard (from the start: units: aboard:)
        for u in scenario.units:
            if u.aboard is not None:
                self.aboard.setdefault(u.aboard, []).append(u.id)
        ordered = {o.unit for p in scenario.phases for o in p.orders}
        assets = {a for e in (scenario.medical.evacuation if scenario.medical else []) for a in e.assets}
        self.quiet_moves = assets - ordered  # MEDEVAC-only assets: their missions are told, not each leg

    @tells("embark")
    def embark(self, t: float, e: Event) -> None:
        for carried in self.aboard.values():  # out of a ship into its landing craft
            if e["unit"] in carried:
                carried.remove(e["unit"])
        if "elements" not in e:  # a unit lifted in waves: each wave tells what it loads (lift_wave)
            self.aboard.setdefault(e["on"], []).append(e["unit"])

    @tells("disembark")
    def disembark(self, t: float, e: Event) -> None:
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

    @tells("launch")
    def launch(self, t: float, e: Event) -> None:
        if e["unit"] in (carried := self.aboard.get(e["ship"], [])):
            carried.remove(e["unit"])
        self.say(
            t,
            "move",
            N_("{unit} launches from {ship} at {place}."),
            unit=self.names.unit(e["unit"]),
            ship=self.names.unit(e["ship"]),
            place=self.names.place(e["at"]),
        )

    @tells("recover")
    def recover(self, t: float, e: Event) -> None:
        self.aboard.setdefault(e["ship"], []).append(e["unit"])
        self.say(
            t,
            "move",
            N_("{unit} is recovered aboard {ship} at {place}."),
            unit=self.names.unit(e["unit"]),
            ship=self.names.unit(e["ship"]),
            place=self.names.place(e["at"]),
        )

    @tells("depart")
    def depart(self, t: float, e: Event) -> None:
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

    @tells("arrive")
    def arrive(self, t: float, e: Event) -> None:
        if e["unit"] in self.quiet_moves:
            return
        self.say(
            t,
            "move",
            N_("{unit} arrives at {place}."),
            unit=self.names.unit(e["unit"]),
            place=self.names.place(e["at"]),
        )

    @tells("held")
    def held(self, t: float, e: Event) -> None:
        self.say(
            t,
            "move",
            N_("{unit} is held at {place}."),
            unit=self.names.unit(e["unit"]),
            place=self.names.place(e["at"]),
        )

    @tells("wait_daylight")
    def wait_daylight(self, t: float, e: Event) -> None:
        if e["until"] is None:
            self.say(t, "move", N_("{unit} waits for daylight, which does not come."), unit=self.names.unit(e["unit"]))
            return
        self.say(
            t,
            "move",
            N_("{unit} cannot set off in the dark and waits for daylight ({time})."),
            unit=self.names.unit(e["unit"]),
            time=self.names.clock(e["until"]),
        )

    @tells("turn_back")
    def turn_back(self, t: float, e: Event) -> None:
        self.say(
            t,
            "move",
            N_("{unit} turns back to {place}."),
            unit=self.names.unit(e["unit"]),
            place=self.names.place(e["to"]),
        )

    @tells("wait_route")
    def wait_route(self, t: float, e: Event) -> None:
        self.say(
            t,
            "move",
            N_("{unit} waits at {place}: every route to {to} is closed."),
            unit=self.names.unit(e["unit"]),
            place=self.names.place(e["at"]),
            to=self.names.place(e["to"]),
        )

    @tells("route_closed")
    def route_closed(self, t: float, e: Event) -> None:
        self.say(t, "move", N_("Route {route} is closed."), route=self.names.route(e["route"]))

    @tells("route_open")
    def route_open(self, t: float, e: Event) -> None:
        self.say(t, "move", N_("Route {route} is open again."), route=self.names.route(e["route"]))

    @tells("lift_done")
    def lift_done(self, t: float, e: Event) -> None:
        n = int(e["trips"])
        msg = self.lang.n_("{unit} completes its lift in {n} trip.", "{unit} completes its lift in {n} trips.", n)
        self.lines.append(Line(t, "move", msg.format(unit=self.names.unit(e["unit"]), n=n)))

    @tells("wait_for")
    def wait_for(self, t: float, e: Event) -> None:
        fields = {
            "unit": self.names.unit(e["unit"]),
            "units": self.names.units_list(e["units"]),
            "to": self.names.place(e["to"]),
        }
        if "until" in e:  # the others are ready but further away: it holds back to arrive with them
            self.say(
                t,
                "move",
                N_("{unit} waits for {units} until {time}, to reach {to} together."),
                time=self.names.clock(e["until"]),
                **fields,
            )
        else:
            self.say(t, "move", N_("{unit} waits for {units} before setting out for {to}."), **fields)

    @tells("lift_wave")
    def lift_wave(self, t: float, e: Event) -> None:
        carried = [f"{self.names.unit(u)} ({n:g})" for u, n in e["units"].items()]
        self.say(
            t,
            "move",
            N_("{unit}, wave {n}: loads {what}."),
            unit=self.names.unit(e["unit"]),
            n=e["wave"],
            what=", ".join(carried),
        )

    @tells("defend")
    def defend(self, t: float, e: Event) -> None:
        self.say(
            t,
            "move",
            N_("{unit} takes up the defence of {place}."),
            unit=self.names.unit(e["unit"]),
            place=self.names.place(e["at"]),
        )


def charts(scenario: Scenario, events: Sequence[Event], names: Labels, lang: Language) -> list[Figure]:
    """Each phase and each unit's activity (moving, aboard, in combat) over the replication shown."""
    _ = lang._
    rows = []
    for p, start, end in tracks.phases(scenario, events):
        rows.append((_("phase {phase}").format(phase=names.phase(p)), [(start / 60, end / 60, "phase")]))
    for uid, bars in tracks.activity(scenario, events).items():
        rows.append((names.unit(uid), [(a / 60, b / 60, s) for a, b, s in bars]))
    legend = {k: _(v) for k, v in STATES.items()}
    return [plots.gantt(rows, _("Units and phases"), _("hours from H-hour"), legend)]


FAMILY = Family("movement", Movement, charts=charts)
