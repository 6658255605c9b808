"""The medical chain: casualties reaching each role of care, MEDEVAC missions, facilities full, deaths of
wounds; in the report, the casualty flow and the queues, and the casualties and deaths on average."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sim.config.schema import Scenario
from sim.present import tracks
from sim.present.family import Event, Family, Line, Teller, over_time, tells
from sim.present.i18n import N_, Language
from sim.present.labels import Labels

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.experiment.stats import Summary

TRIAGE = ("T1", "T2", "T3", "T4")
FULL = ("diverted", "blocked", "turned_away")  # casualties who find every bed of a facility taken


class Medical(Teller):
    """Casualties of one place and minute are told together, and so are those who find the same facility
    full in the same minute."""

    def __init__(self, scenario: Scenario, lang: Language, names: Labels, lines: list[Line]) -> None:
        super().__init__(scenario, lang, names, lines)
        self.facility = {f.id: f for f in scenario.medical.facilities} if scenario.medical else {}
        self.entry: dict[str, str] = {}
        for f in self.facility.values():
            for place in [*([f.at] if f.at else []), *f.serves]:
                if f.role == 1 or place not in self.entry:
                    self.entry.setdefault(place, f.id)
        self.reached: dict[int, int] = {}  # role -> casualties that reached it
        self.wounded_now: list[dict[str, Any]] = []
        self.full_now: list[tuple[str, str, str, int, float]] = []  # casualties meeting a full facility at once

    def holding(self) -> bool:
        return bool(self.wounded_now or self.full_now)

    def flush(self, kind: str | None) -> None:
        if kind not in ("casualty", "losses"):
            self._flush_casualties()
        if kind not in FULL:
            self._flush_full()

    def closing(self, end: float) -> list[Line]:
        if not self.reached:
            return []
        roles = ", ".join(self._("Role {role}: {n}").format(role=r, n=n) for r, n in sorted(self.reached.items()) if r)
        return [Line(end, "outcome", self._("Casualties reaching each role of care: {roles}.").format(roles=roles))]

    @tells("casualty")
    def casualty(self, t: float, e: Event) -> None:
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
            Line(
                first["t"],
                "medical",
                msg.format(n=n, place=where, mix=mix, facility=self.names.facility(fac.id), role=fac.role),
            )
        )

    @tells("medevac")
    def medevac(self, t: float, e: Event) -> None:
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
            Line(
                t,
                "medical",
                msg.format(unit=self.names.unit(e["unit"]), n=n, facility=self.names.facility(e["to"]), role=role),
            )
        )

    @tells(*FULL)
    def full(self, t: float, e: Event) -> None:
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
        self.lines.append(
            Line(t, "medical", msg.format(n=n, facility=self.names.facility(facility), to=self.names.facility(to)))
        )

    @tells("died_of_wounds")
    def died_of_wounds(self, t: float, e: Event) -> None:
        self.say(t, "medical", N_("A {triage} casualty dies of wounds."), triage=e["triage"])

    @tells("mass_casualty")
    def mass_casualty(self, t: float, e: Event) -> None:
        self.say(
            t,
            "medical",
            N_("Mass-casualty incident at {place}: {n} casualties."),
            place=self.names.place(e["place"]),
            n=e["count"],
        )

    @tells("killed_at_scene")
    def killed_at_scene(self, t: float, e: Event) -> None:
        self.say(t, "medical", N_("A casualty dies at the scene at {place}."), place=self.names.place(e["place"]))

    @tells("casualty_unserved")
    def casualty_unserved(self, t: float, e: Event) -> None:
        self.say(
            t,
            "medical",
            N_("A casualty at {place} has no medical facility to go to."),
            place=self.names.place(e["place"]),
        )


def charts(scenario: Scenario, events: Sequence[Event], names: Labels, lang: Language) -> list[Figure]:
    """The casualty flow (cumulative) and the queues at the facilities over the replication shown."""
    if scenario.medical is None:
        return []
    _ = lang._
    flow = tracks.casualty_flow(scenario, events)
    shown = {
        _("entered the chain"): flow["casualty"],
        _("reached Role 2"): flow["role2"],
        _("reached Role 3"): flow["role3"],
        _("returned to duty"): flow["returned_to_duty"],
        _("died of wounds"): flow["died_of_wounds"],
    }
    return [
        over_time(shown, _("Casualty flow (cumulative)"), _("casualties"), lang),
        over_time(
            {names.facility(f): track for f, track in tracks.sampled(events, "queues").items()},
            _("Queue lengths at the medical facilities"),
            _("casualties waiting"),
            lang,
        ),
    ]


def sentences(summary: Mapping[str, Summary], side: str, names: Labels, lang: Language) -> list[str]:
    """The casualties that entered the chain of care and those who died of wounds, on average."""
    if "casualties" not in summary or "died_of_wounds" not in summary:
        return []
    said = [
        lang._("On average {n} casualties entered the chain of care and {died} died of wounds.").format(
            n=lang.num.number(summary["casualties"].mean), died=lang.num.number(summary["died_of_wounds"].mean)
        )
    ]
    if "died_at_scene" in summary:
        said.append(
            lang._("On average {n} people died at the scene, before care could reach them.").format(
                n=lang.num.number(summary["died_at_scene"].mean)
            )
        )
    return said


FAMILY = Family(
    "medical",
    Medical,
    silent={
        "returned_to_duty": "a casualty's end of care, many in a run: the casualty-flow chart counts them",
        "evacuated": "a casualty's end of care, many in a run: the roles reached and the casualty flow count them",
    },
    charts=charts,
    sentences=sentences,
)
