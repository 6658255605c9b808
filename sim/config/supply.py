"""Schema of logistics: supply classes, stocks and depots, consumption, supply lines, closures, port traffic."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.config.durations import Duration, Time
from sim.config.frozen import Frozen, Id, PositiveFloat, Quantity

SupplyClass = Literal["fuel", "ammunition", "water", "rations", "medical"]
SUPPLY_CLASSES: tuple[str, ...] = ("fuel", "ammunition", "water", "rations", "medical")
Activity = Literal["idle", "moving", "combat"]
MIN_CYCLE_MIN = 1.0  # a supply trip or schedule shorter than a minute is a typo, and would never end
Amount = Quantity


class Stock(Frozen):
    """One supply class held at a depot (a simpy Container)."""

    initial: Amount
    capacity: PositiveFloat
    reorder_level: Amount = Field(0.0, description="a reorder supply line sails when the level falls below this")

    @model_validator(mode="after")
    def _fits(self) -> Stock:
        if self.initial > self.capacity:
            raise ValueError(f"initial stock {self.initial:g} exceeds the capacity {self.capacity:g}")
        if self.reorder_level > self.capacity:
            raise ValueError(f"reorder_level {self.reorder_level:g} exceeds the capacity {self.capacity:g}")
        return self


class Depot(Frozen):
    id: Id
    at: Id
    stocks: dict[SupplyClass, Stock] = Field(min_length=1)


class SupplyLine(Frozen):
    """Transports carrying supplies from one depot to another, trip after trip."""

    id: Id
    transports: list[Id] = Field(min_length=1)
    from_: Id = Field(alias="from")
    to: Id
    cargo: dict[SupplyClass, PositiveFloat] = Field(
        min_length=1, description="what one trip asks for, per class (in L or t); capped by the transport's cargo_t"
    )
    dispatch: Literal["continuous", "schedule", "reorder"] = Field(
        "continuous",
        description="continuous: sail again as soon as back; schedule: every `every`; reorder: when the "
        "destination falls below a reorder level",
    )
    every: Duration | None = None
    start: Time = 0.0
    loss_prob: Annotated[float, Field(ge=0.0, lt=1.0)] = Field(
        0.0, description="probability that a trip's whole cargo is lost (assumption: accidents, spoilage)"
    )

    @model_validator(mode="after")
    def _schedule_needs_every(self) -> SupplyLine:
        if self.dispatch == "schedule" and not self.every:
            raise ValueError("dispatch: schedule needs every: (e.g. every: 24h)")
        if self.every is not None and self.every < MIN_CYCLE_MIN:
            raise ValueError(f"every: must be at least {MIN_CYCLE_MIN:g} min")
        return self


class Closure(Frozen):
    """A route closed for a time window (e.g. sea state); travellers wait for it to reopen."""

    route: Id
    start: Time
    end: Time

    @model_validator(mode="after")
    def _ordered(self) -> Closure:
        if self.end <= self.start:
            raise ValueError("end must come after start")
        return self


class Traffic(Frozen):
    """Other ships calling at a port: Poisson arrivals, exponential berth times (they compete for berths)."""

    port: Id
    arrivals_per_day: PositiveFloat
    berth_time: Duration = Field(description="mean time alongside (exponentially distributed)")


class Logistics(Frozen):
    # US Army ATP 4-90, appendix C: water 33.7 L per person per day (arid, sustaining; Mangystau in July is
    # arid); rations 3 MREs = 2.5 kg per person per day.
    per_person_day: dict[SupplyClass, Amount] = {"water": 33.7, "rations": 0.0025}
    fuel_kg_per_l: PositiveFloat = Field(0.84, description="assumption: diesel / jet fuel density")
    refill_below: Annotated[float, Field(gt=0.0, le=1.0)] = Field(
        0.5, description="a unit at a place with a depot tops up each class that falls below this share"
    )
    no_ammunition_kill_factor: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        0.1, description="assumption: kill rate left to a unit out of ammunition (bayonets, captured arms)"
    )
    water_grace: Duration = Field(24 * 60.0, description="assumption: time without water before a unit degrades")
    no_water_factor: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        0.5, description="assumption: kill-rate multiplier of a unit degraded by lack of water"
    )
    on_time_tolerance: Duration = Field(120.0, description="a delivery is on time within this of its plan")


Consumption = dict[Activity, dict[SupplyClass, Amount]]
