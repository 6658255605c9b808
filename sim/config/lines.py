"""Schema of supply lines: transports carrying supplies from a depot to another, to units or to a place.

Apart from ``sim.config.supply`` because a line starts on an exercise trigger (``when:``), and the exercise
schema (``sim.config.exercise``) imports the supply classes and a line's destinations from there.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.config.durations import Duration, Time
from sim.config.exercise import Trigger
from sim.config.frozen import Id, PositiveFloat, Text
from sim.config.supply import MIN_CYCLE_MIN, Destination, SupplyClass
from sim.config.text import NAME_DOC


class SupplyLine(Destination):
    """Transports carrying supplies from a depot to another, to units, or to a place, trip after trip."""

    id: Id = Field(description="the supply line's name (metrics delivered_t.<id>.<class>)", examples=["sea_line"])
    name: Text | None = Field(
        None, description=NAME_DOC, examples=[{"en": "sea line", "ru": "морская линия снабжения"}]
    )
    transports: list[Id] = Field(
        min_length=1, description="units that make the trips (with cargo_t in their type)", examples=[["ferry-1"]]
    )
    from_: Id = Field(alias="from", description="the depot loaded from", examples=["alat_base"])
    cargo: dict[SupplyClass, PositiveFloat] = Field(
        min_length=1,
        description="what one trip asks for, per class (in L or t); capped by the transport's cargo_t",
        examples=[{"fuel": 200000, "water": 200000}],
    )
    dispatch: Literal["continuous", "schedule", "reorder"] = Field(
        "continuous",
        description="continuous: sail again as soon as back; schedule: every `every`; reorder: when the "
        "destination falls below a reorder level",
        examples=["schedule"],
    )
    every: Duration | None = Field(
        None, description="time between sailings with dispatch: schedule (minutes, or 24h, 3d)", examples=["3d"]
    )
    start: Time = Field(0.0, description="first sailing not before this time", examples=["H+6", "D+1 06:00"])
    when: Trigger | None = Field(
        None,
        description="first sailing once this holds (as an inject's when:), not before start:",
        examples=[{"phase_done": "landing"}, {"fired": "beach_cleared"}],
    )
    retry: Duration = Field(
        30.0,
        description="a trip that cannot start (its transport aboard, away or cut off from the origin) is "
        "tried again after this, or as soon as the map changes (minutes, or 1h)",
        examples=["1h"],
    )
    apart: bool = Field(
        False,
        description="each aircraft, vehicle or craft of a transport unit of several makes its own trips with its "
        "share of the cargo (a unit told together: true still moves as one); default: a transport unit makes "
        "each trip as one, all its platforms together",
        examples=[True],
    )
    loss_prob: Annotated[float, Field(ge=0.0, lt=1.0)] = Field(
        0.0,
        description="probability that a trip's whole cargo is lost (assumption: accidents, spoilage; 0 to 1)",
        examples=[0.01],
    )

    @model_validator(mode="after")
    def _schedule_needs_every(self) -> SupplyLine:
        if self.dispatch == "schedule" and not self.every:
            raise ValueError("dispatch: schedule needs every: (e.g. every: 24h)")
        if self.every is not None and self.every < MIN_CYCLE_MIN:
            raise ValueError(f"every: must be at least {MIN_CYCLE_MIN:g} min")
        if self.retry < MIN_CYCLE_MIN:
            raise ValueError(f"retry: must be at least {MIN_CYCLE_MIN:g} min")
        if self.dispatch == "reorder" and self.to is None:
            raise ValueError("dispatch: reorder needs a depot to reorder for (to: DEPOT)")
        return self
