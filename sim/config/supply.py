"""Schema of logistics: supply classes, stocks and depots, consumption, supply lines, closures, port traffic."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.config.distributions import PositiveSpan
from sim.config.durations import MIN_PER_DAY, Duration, Time
from sim.config.fields import error_at
from sim.config.frozen import Frozen, Id, PositiveFloat, Quantity, Text
from sim.config.suggest import unknown
from sim.config.text import NAME_DOC

SUPPLY_CLASSES: tuple[str, ...] = ("fuel", "ammunition", "water", "rations", "medical")  # built in
SupplyClass = Id  # one of SUPPLY_CLASSES, or a class the scenario declares under logistics.classes (checked there)
Activity = Literal["idle", "moving", "combat"]
Measure = Literal["L", "t", "items"]


def measure_of(cls: str, declared: Mapping[str, ClassSpec] | None = None) -> str:
    """A supply class's measure, as catalogues and scenarios give its amounts: litres for the liquids
    (fuel, water), tonnes for the rest, and what the scenario says for the classes it declares."""
    if declared and cls in declared:
        return declared[cls].measure
    return "L" if cls in ("fuel", "water") else "t"


class ClassSpec(Frozen):
    """A supply class the scenario adds to the built-in ones (shelter, fodder, generators)."""

    measure: Measure = Field(
        description="what its amounts count: L (litres), t (tonnes) or items (tents, kits)", examples=["t"]
    )
    name: Text | None = Field(None, description=NAME_DOC, examples=[{"en": "shelter", "ru": "средства размещения"}])
    kg_per_unit: PositiveFloat = Field(
        1000.0,
        description="weight of one L, t or item in kg, for tonnages and transport loads (default 1000: right for "
        "t; give it for L, e.g. 1, and for items, e.g. 50 for a tent)",
        examples=[50],
    )


def unknown_class(cls: str, known: tuple[str, ...]) -> str:
    """The message for a supply class neither built in nor declared."""
    return (
        unknown("supply class", cls, known, "known")
        + f"; declare it under logistics.classes (e.g. {cls}: {{measure: t}})"
    )


MIN_CYCLE_MIN = 1.0  # a supply trip or schedule shorter than a minute is a typo, and would never end
Amount = Quantity


class Stock(Frozen):
    """One supply class held at a depot."""

    initial: Amount = Field(description="stock at H-hour (fuel and water in L, others in t)", examples=[100000])
    capacity: PositiveFloat = Field(description="most the depot can hold (L or t)", examples=[600000])
    reorder_level: Amount = Field(
        0.0, description="a reorder supply line sails when the level falls below this (L or t)", examples=[150000]
    )

    @model_validator(mode="after")
    def _fits(self) -> Stock:
        if self.initial > self.capacity:
            raise ValueError(f"initial stock {self.initial:g} exceeds the capacity {self.capacity:g}")
        if self.reorder_level > self.capacity:
            raise ValueError(f"reorder_level {self.reorder_level:g} exceeds the capacity {self.capacity:g}")
        return self


class Depot(Frozen):
    """Stocks held at a place, or aboard a unit (a ship's stores); units there, and at the places it serves, top
    up from it."""

    id: Id = Field(description="the depot's name", examples=["kuryk_depot"])
    name: Text | None = Field(None, description=NAME_DOC, examples=[{"en": "Kuryk depot", "ru": "склад в Курыке"}])
    # left out only with aboard: (then Scenario._depots_aboard gives it the carrier's starting place)
    at: Id = Field(
        None,  # type: ignore[assignment]
        description="the place where it is; with aboard: it may be left out (it is where the unit starts)",
        examples=["kuryk_port"],
    )
    aboard: Id | None = Field(
        None,
        description="a unit (a ship) it is aboard instead of at a place: it is wherever that unit is, units "
        "there and units aboard it top up from it, and supply lines load from it or deliver to it where the "
        "unit is at the time (a craft based on that ship loads in its deck)",
        examples=["lhd-1"],
    )
    serves: list[Id] = Field(
        [],
        description="places nearby whose units it also supplies (distribution forward by the units' own "
        "trains: water and rations brought up to the fighting companies)",
        examples=[["oymasha_ridge"]],
    )
    side: Id | None = Field(
        None, description="the side whose units draw from it (default: any unit there)", examples=["coalition"]
    )
    stocks: dict[SupplyClass, Stock] = Field(
        min_length=1,
        description="what it holds, by supply class",
        examples=[{"fuel": {"initial": 100000, "capacity": 600000}}],
    )

    @model_validator(mode="before")
    @classmethod
    def _placed(cls, data: object) -> object:
        """At a place or aboard a unit (whose starting place ``Scenario._depots_aboard`` fills in as at:)."""
        if isinstance(data, dict) and data.get("at") is None:
            if data.get("aboard") is None:
                raise ValueError("give at: (the place where it is) or aboard: (the unit it moves with)")
            raise ValueError(f"aboard: {data['aboard']} is no unit of this scenario that starts at a place")
        return data

    @model_validator(mode="after")
    def _serves_from_a_place(self) -> Depot:
        if self.aboard is not None and self.serves:
            raise ValueError("serves: needs at: (a depot aboard a unit moves with it; it serves where it is)")
        return self


class Destination(Frozen):
    """Where a supply line delivers: a depot, units wherever they are, or whoever needs it at a place."""

    to: Id | None = Field(None, description="the depot delivered to", examples=["kuryk_depot"])
    to_units: list[Id] = Field(
        [],
        description="units delivered to wherever they are, one after another on each trip, each topped up "
        "(instead of to:)",
        examples=[["mar-1", "mar-2"]],
    )
    to_place: Id | None = Field(
        None,
        description="a place: the units there are topped up, and the rest goes into its depots (the people "
        "there draw from them) (instead of to:)",
        examples=["camp_north"],
    )

    @model_validator(mode="after")
    def _exactly_one_destination(self) -> Destination:
        if sum((self.to is not None, bool(self.to_units), self.to_place is not None)) != 1:
            raise ValueError("give exactly one destination: to: DEPOT, to_units: [UNIT, ...] or to_place: PLACE")
        return self


class Closure(Frozen):
    """A route closed for a time window (e.g. sea state); travellers wait for it to reopen."""

    route: Id = Field(description="the route's id (map.routes)", examples=["alat_kuryk"])
    start: Time = Field(description="closed from this time", examples=["10d", "D+10 06:00"])
    end: Time = Field(description="open again at this time", examples=["12.5d", "H+300"])

    @model_validator(mode="after")
    def _ordered(self) -> Closure:
        if self.end <= self.start:
            raise ValueError("end must come after start")
        return self


class Traffic(Frozen):
    """Other ships calling at a port: Poisson arrivals, exponential berth times (they compete for berths)."""

    port: Id = Field(description="the port (a place with berths:)", examples=["kuryk_port"])
    arrivals_per_day: PositiveFloat = Field(description="mean arrivals per day", examples=[0.8])
    berth_time: PositiveSpan = Field(
        description="time alongside: a number is the mean of an exponential time (minutes, or 12h); or a "
        "distribution object",
        examples=["12h", {"distribution": "gamma", "mean": "12h", "cv": 0.6}],
    )

    @cached_property
    def arrivals_per_min(self) -> float:
        return self.arrivals_per_day / MIN_PER_DAY


class Logistics(Frozen):
    """Planning factors of supply: daily needs per person, densities, refill and shortage rules."""

    # US Army ATP 4-90, appendix C: water 33.7 L per person per day (arid, sustaining; Mangystau in July is
    # arid); rations 3 MREs = 2.5 kg per person per day.
    per_person_day: dict[SupplyClass, Amount] = Field(
        {"water": 33.7, "rations": 0.0025},
        description="use per person per day by class (water in L, rations in t), for units that carry it "
        "(default: ATP 4-90, arid)",
        examples=[{"water": 20, "rations": 0.0025}],
    )
    fuel_kg_per_l: PositiveFloat = Field(
        0.84, description="assumption: diesel / jet fuel density, kg per L", examples=[0.8]
    )
    refill_below: Annotated[float, Field(gt=0.0, le=1.0)] = Field(
        0.5,
        description="a unit at a place with a depot tops up each class that falls below this share (0 to 1)",
        examples=[0.7],
    )
    no_ammunition_kill_factor: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        0.1,
        description="assumption: share of its kill rate left to a unit out of ammunition (0 to 1)",
        examples=[0.05],
    )
    water_grace: Duration = Field(
        24 * 60.0,
        description="assumption: time without water before a unit degrades (minutes, or 24h)",
        examples=["12h"],
    )
    no_water_factor: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        0.5, description="assumption: kill-rate multiplier of a unit degraded by lack of water (0 to 1)", examples=[0.3]
    )
    on_time_tolerance: Duration = Field(
        120.0, description="a delivery is on time within this of its plan (minutes, or 2h)", examples=["4h"]
    )

    classes: dict[Id, ClassSpec] = Field(
        {},
        description="supply classes beyond the built-in ones (" + ", ".join(SUPPLY_CLASSES) + "), each with "
        "its measure; depots, supply lines and unit types may then name them",
        examples=[{"shelter": {"measure": "t", "name": {"en": "shelter", "ru": "средства размещения"}}}],
    )

    @model_validator(mode="after")
    def _new_classes(self) -> Logistics:
        for cls in self.classes:
            if cls in SUPPLY_CLASSES:
                raise error_at("Logistics", ("classes", cls), f"{cls!r} is a built-in supply class already", cls)
        for cls in self.per_person_day:
            if cls not in self.class_names:
                raise error_at("Logistics", ("per_person_day", cls), unknown_class(cls, self.class_names), cls)
        return self

    @cached_property
    def class_names(self) -> tuple[str, ...]:
        """Every supply class of the scenario: the built-in ones first, in their order, then those declared."""
        return SUPPLY_CLASSES + tuple(self.classes)

    def measure(self, cls: str) -> str:
        return measure_of(cls, self.classes)

    @cached_property
    def per_person_per_min(self) -> dict[str, float]:
        return {cls: a / MIN_PER_DAY for cls, a in self.per_person_day.items()}


Consumption = dict[Activity, dict[SupplyClass, Amount]]
