"""Combat and fires: engagements with their losses, strikes and what they hit; in the report, each side's
strength over time and its killed and wounded."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sim.config.schema import Scenario
from sim.present import tracks
from sim.present.family import Event, Family, Line, Teller, over_time, tells
from sim.present.i18n import N_, Language, sentence
from sim.present.labels import Labels
from sim.present.words import relief

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.experiment.stats import Summary


@dataclass
class _Fight:
    place: str
    units: set[str]
    losses: dict[str, list[float]] = field(default_factory=dict)  # unit -> [lost, killed]


class Combat(Teller):
    """Losses are held until the next record: a strike at the same minute claims the enemy's as its own,
    the rest go to the fight their unit is in, else are told on their own."""

    def __init__(self, scenario: Scenario, lang: Language, names: Labels, lines: list[Line]) -> None:
        super().__init__(scenario, lang, names, lines)
        self.fights: dict[str, _Fight] = {}
        self.loose: list[tuple[float, str, float, float, float]] = []  # losses outside a fight, until their strike

    def holding(self) -> bool:
        return bool(self.loose)

    def flush(self, kind: str | None) -> None:
        if kind not in ("losses", "strike"):
            self._flush_losses()

    @tells("engagement_start")
    def engagement_start(self, t: float, e: Event) -> None:
        self.fights[e["place"]] = _Fight(e["place"], {*e["attackers"], *e["defenders"]})
        self.say(
            t,
            "combat",
            N_("Engagement at {place}: {attackers} against {defenders}."),
            place=self.names.place(e["place"]),
            attackers=self.names.units_list(e["attackers"]),
            defenders=self.names.units_list(e["defenders"]),
        )

    @tells("engagement_join")
    def engagement_join(self, t: float, e: Event) -> None:
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

    @tells("losses")
    def losses(self, t: float, e: Event) -> None:
        self.loose.append((t, e["unit"], e["n"], e["killed"], e["left"]))  # a strike's, if one follows

    def _losses_text(self, losses: Mapping[str, Sequence[float]]) -> str:
        parts = [
            self._("{unit} lost {n} ({killed} killed)").format(
                unit=self.names.unit(u), n=self.lang.num.count(n), killed=self.lang.num.count(k)
            )
            for u, (n, k, *_) in losses.items()
        ]
        return "; ".join(parts)

    @tells("engagement_end")
    def engagement_end(self, t: float, e: Event) -> None:
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

    @tells("strike")
    def strike(self, t: float, e: Event) -> None:
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
                            unit=self.names.unit(u),
                            n=self.lang.num.count(n),
                            killed=self.lang.num.count(k),
                            left=self.lang.num.count(left),
                        )
                    ),
                )
            )
        self.loose = []


def charts(scenario: Scenario, events: Sequence[Event], names: Labels, lang: Language) -> list[Figure]:
    """Each side's strength (the sum of its units') over the replication shown; none in a relief exercise,
    whose people are not a fighting strength."""
    if relief(scenario):
        return []
    strength = tracks.sampled(events, "strength")
    by_side: dict[str, tuple[list[float], list[float]]] = {}
    for u in scenario.units:
        if u.id not in strength:
            continue
        xs, ys = strength[u.id]
        acc = by_side.setdefault(names.side(u.side), (list(xs), [0.0] * len(xs)))
        for i, v in enumerate(ys):
            acc[1][i] += v
    return [over_time(by_side, lang._("Strength over time"), lang._("elements"), lang)]


def sentences(summary: Mapping[str, Summary], side: str, names: Labels, lang: Language) -> list[str]:
    """The perspective side's killed and wounded, on average over the runs; in a relief exercise, the people
    it serves."""
    if relief(names.s):
        return served(names, lang)
    killed, wounded = summary.get(f"killed.{side}"), summary.get(f"wounded.{side}")
    if killed is None or wounded is None:
        return []
    return [
        lang._("{side}: {killed} killed and {wounded} wounded on average.").format(
            side=names.side(side),
            killed=names.lang.num.number(killed.mean),
            wounded=names.lang.num.number(wounded.mean),
        )
    ]


def play_sentences(row: Mapping[str, Any], side: str, names: Labels, lang: Language) -> list[str]:
    """The perspective side's killed and wounded in the class's run; in a relief exercise, the people served."""
    if relief(names.s):
        return served(names, lang)
    if f"killed.{side}" not in row or f"wounded.{side}" not in row:
        return []
    return [
        lang._("{side}: {killed} killed and {wounded} wounded.").format(
            side=names.side(side),
            killed=names.lang.num.number(row[f"killed.{side}"]),
            wounded=names.lang.num.number(row[f"wounded.{side}"]),
        )
    ]


def served(names: Labels, lang: Language) -> list[str]:
    """The people of the neutral and civilian sides (sides: posture): those a relief exercise is to serve (a
    headcount, not an outcome: how well they were served is the objectives' and the deliveries' to say)."""
    s = names.s
    sides = [name for name, side in s.sides.items() if not side.fights]
    people = sum(
        (u.strength or s.unit_types[u.type].strength) * s.unit_types[u.type].personnel_per_element
        for u in s.units
        if u.side in sides
    )
    if not people:
        return []
    return [
        lang._("{people} people to serve: {sides}.").format(
            people=lang.num.count(people), sides=", ".join(names.side(x) for x in sides)
        )
    ]


FAMILY = Family("combat", Combat, charts=charts, sentences=sentences, play_sentences=play_sentences)
