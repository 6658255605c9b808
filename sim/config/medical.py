"""Schema of the medical chain: facilities by NATO role, evacuation, triage mixes, casualty sources."""

from __future__ import annotations

import itertools
import math
from functools import cached_property
from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.config.distributions import PositiveSpan, Span
from sim.config.durations import MIN_PER_DAY, MIN_PER_H, Time
from sim.config.frozen import MAX_COUNT, MAX_QUANTITY, Count, Fraction, Frozen, Id, PositiveFloat, Text, default_of
from sim.config.text import NAME_DOC

Triage = Literal["T1", "T2", "T3", "T4"]
TRIAGE: tuple[str, ...] = ("T1", "T2", "T3", "T4")
Rate = Annotated[float, Field(ge=0.0, le=MAX_QUANTITY)]
# what a facility does with a casualty who arrives when every bed is taken (Facility.when_full)
WhenFull = Literal["queue", "divert", "block", "turn_away"]


class Facility(Frozen):
    """A treatment stage: Role 1 aid station, Role 2 (damage-control surgery), Role 3 hospital."""

    id: Id = Field(description="the facility's name", examples=["role2_kuryk"])
    name: Text | None = Field(
        None, description=NAME_DOC, examples=[{"en": "Role 2 at Kuryk", "ru": "этап 2-го уровня в Курыке"}]
    )
    role: Literal[1, 2, 3] = Field(description="NATO role of care: 1 aid, 2 surgery, 3 hospital", examples=[2])
    at: Id | None = Field(None, description="the place where it is (or aboard:)", examples=["kuryk_port"])
    aboard: Id | None = Field(
        None,
        description="a unit (a hospital ship) it is aboard instead of at a place: it moves with that unit, and "
        "evacuation legs to it go wherever the unit is at the time",
        examples=["comfort"],
    )
    teams: int = Field(
        1, gt=0, le=MAX_COUNT, description="casualties treated at once (surgical teams at Role 2)", examples=[2]
    )
    treatment: PositiveSpan = Field(
        description="treatment (surgery) time: a number is the mean of an exponential time (minutes, or 75min, "
        "3h); or a distribution object, e.g. {distribution: lognormal, mean: 90min, cv: 0.5}",
        examples=["75min", {"distribution": "lognormal", "mean": "90min", "cv": 0.5}],
    )
    beds: int | None = Field(
        None,
        gt=0,
        le=MAX_COUNT,
        description="beds: a casualty holds one from arrival until it leaves (treated and moved on); "
        "when every bed is taken, when_full says what happens",
        examples=[10],
    )
    when_full: WhenFull = Field(
        "queue",
        description="a casualty arriving when every bed is taken: queue (waits here for a bed), divert (goes "
        "on to divert_to), block (waits for a bed where it is, keeping its bed at the facility before), "
        "turn_away (leaves the chain untreated); needs beds",
        examples=["divert"],
    )
    divert_to: Id | None = Field(
        None,
        description="with when_full: divert, the facility that takes casualties when this one is full "
        "(at the same place, or reached by an evacuation leg)",
        examples=["role2_aktau"],
    )
    next: Id | None = Field(
        None, description="facility casualties go on to after treatment (none: the end)", examples=["role3_aktau"]
    )
    serves: list[Id] = Field([], description="places whose casualties are carried here (Role 1)", examples=[["island"]])
    carry: Span = Field(
        0.0,
        description="point of injury to this aid station, on foot or by stretcher (minutes, or 15min; the same "
        "every time); or a distribution object",
        examples=["15min"],
    )

    @model_validator(mode="after")
    def _one_site(self) -> Facility:
        if (self.at is None) == (self.aboard is None):
            raise ValueError("give exactly one of at: (a place) and aboard: (a unit it moves with)")
        return self

    @property
    def site(self) -> tuple[str, str]:
        """Where it is, for telling whether two facilities are together: a place, or the unit it is aboard."""
        return ("aboard", self.aboard) if self.aboard is not None else ("at", self.at)  # type: ignore[return-value]


class Evacuation(Frozen):
    """Assets that carry casualties into ``to`` from the facility before it, dispatched by triage priority."""

    to: Id = Field(description="the facility casualties are carried to", examples=["role2_kuryk"])
    assets: list[Id] = Field(
        min_length=1, description="units that carry them (with litters in their type)", examples=[["medevac-1"]]
    )


class Hazard(Frozen):
    """Risk of dying of wounds before surgery: h(t) = base + slope·t per hour, t = hours since injury."""

    base_per_h: Rate = Field(0.0, description="hazard at injury, per hour", examples=[0.065])
    slope_per_h2: Rate = Field(0.0, description="growth of the hazard, per hour per hour", examples=[0.08])

    @cached_property
    def base_per_min(self) -> float:
        return self.base_per_h / MIN_PER_H

    @cached_property
    def slope_per_min2(self) -> float:
        return self.slope_per_h2 / (MIN_PER_H * MIN_PER_H)


_KILLED_AT_SCENE = Field(
    0.0,
    description="share of the casualties killed at the scene: they never enter the chain of care (counted as "
    "died_at_scene)",
    examples=[0.1],
)


class MassCasualty(Frozen):
    """Many casualties at one place at once (an explosion, a strike)."""

    at: Time = Field(description="when", examples=["2h", "H+2", "D+1 06:00"])
    place: Id = Field(description="where (a place some facility serves)", examples=["island"])
    count: Count = Field(description="casualties", examples=[30])
    cause: str = Field("combat", description="cause, naming a triage_mix", examples=["combat"])
    killed_at_scene: Fraction = _KILLED_AT_SCENE


class Decay(Frozen):
    """A rate that falls away exponentially from the start: per_hour · exp(-(t - from) / decay_h)."""

    decay_h: PositiveFloat = Field(
        description="hours for the rate to fall to 1/e (37 %) of per_hour (its half-life is 0.69 of this)",
        examples=[12],
    )


class Step(Frozen):
    """From a time on, casualties arrive at a new rate (until the next step, or the end)."""

    at: Time = Field(description="when the rate changes", examples=["H+12"])
    per_hour: Rate = Field(description="mean casualties per hour from then on (0: none)", examples=[4])


class Arrivals(Frozen):
    """A Poisson stream of casualties at a place (exercise play, a disaster's surge, or a test of the chain).

    Steady by default; from its start until its end; its rate may decay (profile) or change in steps."""

    place: Id = Field(description="where (a place some facility serves)", examples=["island"])
    per_hour: PositiveFloat = Field(
        description="mean casualties per hour (at from when the rate decays; before the first step)",
        examples=[1.5],
    )
    cause: str = Field("combat", description="cause, naming a triage_mix", examples=["dnbi"])
    from_: Time = Field(0.0, alias="from", description="when the first casualties may arrive", examples=["H+1"])
    until: Time | None = Field(
        None, description="when they stop arriving (none: at the end of the run)", examples=["D+2 18:00"]
    )
    profile: Decay | None = Field(
        None,
        description="a decaying rate: per_hour · exp(-(t - from) / decay_h), as after an earthquake",
        examples=[{"decay_h": 12}],
    )
    steps: list[Step] = Field(
        [],
        max_length=MAX_COUNT,
        description="changes of rate at given times, in order (none: per_hour throughout)",
        examples=[[{"at": "H+12", "per_hour": 4}, {"at": "H+36", "per_hour": 1}]],
    )
    killed_at_scene: Fraction = _KILLED_AT_SCENE

    @model_validator(mode="after")
    def _consistent(self) -> Arrivals:
        if self.until is not None and self.until <= self.from_:
            raise ValueError("until must be after from (arrivals stop after they start)")
        if self.profile is not None and self.steps:
            raise ValueError("give profile (a decaying rate) or steps, not both")
        ats = [step.at for step in self.steps]
        if any(b <= a for a, b in itertools.pairwise(ats)):
            raise ValueError("steps must be in order of time, each after the one before")
        if ats and ats[0] < self.from_:
            raise ValueError("the first step is before from: arrivals have not started then")
        return self

    @cached_property
    def per_min(self) -> float:
        return self.per_hour / MIN_PER_H

    def rate_per_min(self, t: float) -> float:
        """The rate at minute ``t`` (0 before ``from`` and from ``until`` on)."""
        if t < self.from_ or (self.until is not None and t >= self.until):
            return 0.0
        if self.profile is not None:
            return self.per_min * math.exp(-(t - self.from_) / (self.profile.decay_h * MIN_PER_H))
        per_hour = self.per_hour
        for step in self.steps:
            if step.at > t:
                break
            per_hour = step.per_hour
        return per_hour / MIN_PER_H

    def expected(self, end: float) -> float:
        """The mean number of arrivals from H-hour to ``end`` (minutes): the integral of the rate."""
        stop = end if self.until is None else min(end, self.until)
        if stop <= self.from_:
            return 0.0
        if self.profile is not None:
            tau = self.profile.decay_h * MIN_PER_H
            return self.per_min * tau * -math.expm1(-(stop - self.from_) / tau)
        edges = [self.from_, *(s.at for s in self.steps if s.at < stop), stop]
        rates = [self.per_hour, *(s.per_hour for s in self.steps if s.at < stop)]
        return sum(r / MIN_PER_H * (b - a) for r, a, b in zip(rates, edges, edges[1:], strict=False))

    @cached_property
    def peak_per_min(self) -> float:
        """The highest rate it ever has (candidates are drawn at it, and thinned)."""
        return max([self.per_hour, *(step.per_hour for step in self.steps)]) / MIN_PER_H

    @cached_property
    def steady(self) -> bool:
        """Whether the rate is the same all the time it runs."""
        return self.profile is None and all(step.per_hour == self.per_hour for step in self.steps)


# Peacetime admissions 0.1-0.4 per 1,000 per day (docs/planning_factors.md, Medical): the middle value.
_DNBI = 0.25


class DnbiGroups(Frozen):
    """Disease and non-battle injury by group of people, per 1,000 people per day (a group not given: 0.25)."""

    crews: Rate = Field(
        _DNBI, description="crews of platforms: ships, aircraft, vehicles (element: platform)", examples=[0.2]
    )
    troops: Rate = Field(_DNBI, description="units of people (element: person)", examples=[0.4])
    civilians: Rate = Field(_DNBI, description="units of the civilian_sides (displaced people)", examples=[1.0])
    civilian_sides: list[Id] = Field(
        [],
        description="sides whose units are civilians (their rate is civilians:); left out: the sides with "
        "posture: civilian",
        examples=[["displaced"]],
    )

    def per_person_per_min(self, group: Literal["crews", "troops", "civilians"]) -> float:
        return float(getattr(self, group)) / 1000.0 / MIN_PER_DAY


Mix = dict[Triage, Annotated[float, Field(ge=0.0, le=1.0)]]


def _default_mix() -> dict[str, dict[Triage, float]]:
    # Assumption: shares by triage category; NATO triage T1 immediate, T2 delayed, T3 minimal, T4 expectant.
    return {
        "combat": {"T1": 0.2, "T2": 0.35, "T3": 0.4, "T4": 0.05},
        "dnbi": {"T1": 0.02, "T2": 0.18, "T3": 0.8, "T4": 0.0},
    }


def _default_hazard() -> dict[Triage, Hazard]:
    # Assumption, shaped to give the size of the golden-hour effect reported by Kotwal et al. (JAMA Surg
    # 2016: case fatality 13.7 % -> 7.6 % with helicopter care within 60 min): an untreated T1 casualty
    # dies with probability ~10 % by 1 h, ~25 % by 2 h and ~60 % by 4 h after injury.
    return {
        "T1": default_of(Hazard, base_per_h=0.065, slope_per_h2=0.08),
        "T2": default_of(Hazard, base_per_h=0.005, slope_per_h2=0.005),
        "T3": default_of(Hazard),
        "T4": default_of(Hazard, base_per_h=0.5),
    }


class Medical(Frozen):
    """The chain of care: facilities, evacuation, triage, the risk of dying of wounds, casualty sources."""

    sides: list[Id] = Field(
        [], description="sides whose casualties enter the chain (none listed: every side)", examples=[["coalition"]]
    )
    facilities: list[Facility] = Field(
        [],
        description="treatment stages, linked by next",
        examples=[[{"id": "role1", "role": 1, "at": "beach", "serves": ["island"], "treatment": "15min"}]],
    )
    evacuation: list[Evacuation] = Field(
        [],
        description="evacuation legs, one per facility reached by lift",
        examples=[[{"to": "role2", "assets": ["medevac-1"]}]],
    )
    triage_mix: dict[str, Mix] = Field(
        default_factory=_default_mix,
        description="shares of triage categories T1-T4 by cause; each sums to 1 (assumption)",
        examples=[{"combat": {"T1": 0.2, "T2": 0.35, "T3": 0.4, "T4": 0.05}}],
    )
    hazard: dict[Triage, Hazard] = Field(
        default_factory=_default_hazard,
        description="risk of dying of wounds before surgery, by triage category (assumption)",
        examples=[{"T1": {"base_per_h": 0.065, "slope_per_h2": 0.08}}],
    )
    dnbi_per_1000_per_day: Rate | DnbiGroups = Field(
        _DNBI,
        description="disease and non-battle injury: casualties per 1,000 people per day; one rate for everyone, "
        "or a rate per group: {crews: …, troops: …, civilians: …, civilian_sides: […]}",
        examples=[0.4, {"crews": 0.2, "troops": 0.4, "civilians": 1.0, "civilian_sides": ["displaced"]}],
    )
    # ATP 4-90 (US Army): heat casualties, planning rate about 7 per 1,000 a day in hot climates (a unit out of
    # water past logistics.water_grace).
    dnbi_no_water_per_1000_per_day: Rate = Field(
        7.0,
        description="heat illness among people out of water past logistics.water_grace: casualties per 1,000 "
        "people per day, on top of dnbi_per_1000_per_day (ATP 4-90 planning rate, hot climate)",
        examples=[7.0],
    )
    mass_casualties: list[MassCasualty] = Field(
        [], description="mass-casualty events", examples=[[{"at": "H+2", "place": "island", "count": 30}]]
    )
    arrivals: list[Arrivals] = Field(
        [], description="steady streams of casualties", examples=[[{"place": "island", "per_hour": 1.5}]]
    )
    # Assumption: self-aid and buddy aid begin at once, a combat medic reaches most casualties within minutes
    # (TCCC's care under fire and tactical field care); the "10" of 10-1-2 is measured here, at the point of injury.
    first_aid: Span = Field(
        3.0,
        description="time from injury to first care at the point of injury (self-aid, buddy aid, the combat "
        "medic): a number is the mean of an exponential time, 0: at once (assumption); or a distribution object",
        examples=["5min"],
    )
    first_aid_hazard_factor: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        1.0,
        description="multiplier on the hazard of dying of wounds once care at the point of injury has begun "
        "(bleeding controlled, airway open); 1: first aid changes nothing (assumption)",
        examples=[0.5],
    )
    lift_priority: Literal["medevac_first", "fifo"] = Field(
        "medevac_first",
        description="when a helicopter is wanted for MEDEVAC and for an order at once: MEDEVAC first, or in turn",
        examples=["fifo"],
    )

    @cached_property
    def dnbi_groups(self) -> DnbiGroups:
        """The DNBI rate per group (one rate for everyone: the same in every group)."""
        d = self.dnbi_per_1000_per_day
        return d if isinstance(d, DnbiGroups) else DnbiGroups(crews=d, troops=d, civilians=d)

    @cached_property
    def dnbi_per_person_per_min(self) -> float:
        """The highest DNBI rate of any group, per person per minute (one rate: that rate)."""
        g = self.dnbi_groups
        return max(g.crews, g.troops, g.civilians) / 1000.0 / MIN_PER_DAY

    @cached_property
    def heat_per_person_per_min(self) -> float:
        return self.dnbi_no_water_per_1000_per_day / 1000.0 / MIN_PER_DAY
