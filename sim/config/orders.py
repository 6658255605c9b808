"""Schema of orders: what a unit is told to do (move, embark, lift, assault, fire support, ...), in a phase
or in a decision point's option (sim.config.exercise), validated by its ``do:`` tag."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from sim.config.distributions import Span
from sim.config.durations import Duration
from sim.config.frozen import Count, Frozen, Id

_UNIT_FIELD = Field(description="the unit given the order", examples=["mar-1"])


def _do(tag: str, what: str) -> Any:
    return Field(description=f"the order: {what}", examples=[tag])


class _Order(Frozen):
    unit: Id = _UNIT_FIELD
    delay: Span = Field(
        0.0,
        description="command delay before the order takes effect (minutes, or 15min, 1h; the same every time); or "
        "a distribution object",
        examples=["15min"],
    )


class _Goes(_Order):
    """An order that takes the unit to a place, with other units if it is told to wait for them."""

    with_: list[Id] = Field(
        [],
        alias="with",
        description="units this one goes with: it does not set out until each is ready for its own order to "
        "the same place (move or assault), and it sets out so as to arrive when the last of them does",
        examples=[["mar-1", "mar-2"]],
    )
    assemble_at: Id | None = Field(
        None,
        description="a place the unit goes to first, to wait there for the units of with: before going on",
        examples=["forming_up_point"],
    )


def goal(o: object) -> str | None:
    """The place an order takes its unit to (a move's to:, an assault's target:), or None."""
    if isinstance(o, MoveOrder):
        return o.to
    if isinstance(o, AssaultOrder):
        return o.target
    return None


class MoveOrder(_Goes):
    """Move to a place on the unit's fastest path."""

    do: Literal["move"] = _do("move", "move to a place")
    to: Id = Field(description="destination place", examples=["island_beach"])


class EmbarkOrder(_Order):
    """Go aboard a transport at the same place (capacity checked)."""

    do: Literal["embark"] = _do("embark", "go aboard a transport")
    on: Id = Field(description="the transport", examples=["ls-1"])


class DisembarkOrder(_Order):
    """Leave the transport at the place where it is."""

    do: Literal["disembark"] = _do("disembark", "leave the transport where it is")


class LiftOrder(_Order):
    """A transport shuttles units from where it is to ``to``, in as many trips as its capacity needs."""

    do: Literal["lift"] = _do("lift", "shuttle units in trips")
    units: list[Id] = Field(
        min_length=1, description="units to carry, loaded in this order", examples=[["mar-1", "mar-2"]]
    )
    to: Id = Field(description="where to carry them", examples=["island_beach"])
    return_: bool = Field(True, alias="return", description="sail/fly back after the last trip", examples=[False])


class AssaultOrder(_Goes):
    """Move to a place and attack its defenders."""

    do: Literal["assault"] = _do("assault", "attack a place")
    target: Id = Field(description="the place attacked", examples=["island"])
    contact: Span = Field(
        0.0,
        description="time from reaching the target until the first contact opens the engagement (search, "
        "approach; minutes, or 30min; the same every time); or a distribution object",
        examples=["20min", {"distribution": "triangular", "min": "5min", "mode": "15min", "max": "1h"}],
    )


class DefendOrder(_Order):
    """Hold the place where the unit is."""

    do: Literal["defend"] = _do("defend", "hold where it is")


class FireSupportOrder(_Order):
    """Aircraft sorties or naval fire missions on a place."""

    do: Literal["fire_support"] = _do("fire_support", "sorties or fire missions on a place")
    target: Id = Field(description="the place fired on", examples=["island"])
    sorties: Count = Field(description="sorties or fire missions in all", examples=[8])


class WaitOrder(_Order):
    """Do nothing for a while (the unit's next order waits)."""

    do: Literal["wait"] = _do("wait", "wait")
    duration: Duration = Field(description="how long (minutes, or 90min, 2h)", examples=["2h"])


Order = Annotated[
    MoveOrder | EmbarkOrder | DisembarkOrder | LiftOrder | AssaultOrder | DefendOrder | FireSupportOrder | WaitOrder,
    Field(discriminator="do"),
]
