"""Schema of the medical chain: facilities by NATO role, evacuation, triage mixes, casualty sources."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from sim.config.durations import Duration, Time
from sim.config.frozen import MAX_COUNT, MAX_QUANTITY, Count, Frozen, Id, PositiveFloat

Triage = Literal["T1", "T2", "T3", "T4"]
TRIAGE: tuple[str, ...] = ("T1", "T2", "T3", "T4")
Rate = Annotated[float, Field(ge=0.0, le=MAX_QUANTITY)]


class Facility(Frozen):
    """A treatment stage: Role 1 aid station, Role 2 (damage-control surgery), Role 3 hospital."""

    id: Id
    role: Literal[1, 2, 3]
    at: Id
    teams: int = Field(1, gt=0, le=MAX_COUNT, description="casualties treated at once (surgical teams at Role 2)")
    treatment: Duration = Field(gt=0, description="mean treatment (surgery) time, exponentially distributed")
    beds: int | None = Field(None, gt=0, le=MAX_COUNT, description="holding beds; casualties wait for one on arrival")
    next: Id | None = Field(None, description="facility casualties go on to after treatment (none: the end)")
    serves: list[Id] = Field([], description="places whose casualties are carried here (Role 1)")
    carry: Duration = Field(0.0, description="point of injury to this aid station, on foot or by stretcher")


class Evacuation(Frozen):
    """Assets that carry casualties into ``to`` from the facility before it, dispatched by triage priority."""

    to: Id
    assets: list[Id] = Field(min_length=1)


class Hazard(Frozen):
    """Risk of dying of wounds before surgery: h(t) = base + slope·t per hour, t = hours since injury."""

    base_per_h: Rate = 0.0
    slope_per_h2: Rate = 0.0


class MassCasualty(Frozen):
    at: Time
    place: Id
    count: Count
    cause: str = "combat"


class Arrivals(Frozen):
    """A steady Poisson stream of casualties at a place (exercise play, or a test of the chain)."""

    place: Id
    per_hour: PositiveFloat
    cause: str = "combat"


Mix = dict[Triage, Annotated[float, Field(ge=0.0, le=1.0)]]


def _default_mix() -> dict[str, dict[str, float]]:
    # Assumption: shares by triage category; NATO triage T1 immediate, T2 delayed, T3 minimal, T4 expectant.
    return {
        "combat": {"T1": 0.2, "T2": 0.35, "T3": 0.4, "T4": 0.05},
        "dnbi": {"T1": 0.02, "T2": 0.18, "T3": 0.8, "T4": 0.0},
    }


def _default_hazard() -> dict[str, Hazard]:
    # Assumption, shaped to give the size of the golden-hour effect reported by Kotwal et al. (JAMA Surg
    # 2016: case fatality 13.7 % -> 7.6 % with helicopter care within 60 min): an untreated T1 casualty
    # dies with probability ~10 % by 1 h, ~25 % by 2 h and ~60 % by 4 h after injury.
    return {
        "T1": Hazard(base_per_h=0.065, slope_per_h2=0.08),
        "T2": Hazard(base_per_h=0.005, slope_per_h2=0.005),
        "T3": Hazard(),
        "T4": Hazard(base_per_h=0.5),
    }


class Medical(Frozen):
    sides: list[Id] = Field([], description="sides whose casualties enter the chain (none listed: every side)")
    facilities: list[Facility] = []
    evacuation: list[Evacuation] = []
    triage_mix: dict[str, Mix] = Field(default_factory=_default_mix, description="shares by cause; each sums to 1")
    hazard: dict[Triage, Hazard] = Field(default_factory=_default_hazard)
    # Peacetime admissions 0.1-0.4 per 1,000 per day (PLANNING_FACTORS.md, Medical): the middle value.
    dnbi_per_1000_per_day: Rate = 0.25
    mass_casualties: list[MassCasualty] = []
    arrivals: list[Arrivals] = []
    lift_priority: Literal["medevac_first", "fifo"] = Field(
        "medevac_first", description="when a helicopter is wanted for MEDEVAC and for an order at once"
    )
