"""Typed events the models exchange over the World's bus (the engine's own are in ``sim.engine.bus``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import simpy

    from sim.engine.units import Unit


@dataclass(slots=True)
class Wounded:
    """Combat or fires just wounded ``n`` elements of ``unit`` (the medical chain takes them in)."""

    unit: Unit
    n: float


@dataclass(slots=True)
class KillFactor:
    """A question from combat: the multiplier on ``unit``'s kill rate (supply state…); subscribers multiply."""

    unit: Unit
    factor: float = 1.0


@dataclass(slots=True)
class SupplyDraw:
    """A question from fires: take a lump of supplies (a sortie's fuel and ordnance) from ``unit``.

    A subscriber that keeps stocks takes them and sets ``ok`` to False when they were not there.
    """

    unit: Unit
    amounts: Mapping[str, float]
    ok: bool = True


@dataclass(slots=True)
class SortieRequested:
    """A question from fires before a platform of ``unit`` starts a sortie: a subscriber may hold it back
    until an event (weather, a breakdown); the platform asks again then."""

    unit: Unit
    hold: simpy.Event | None = None


@dataclass(slots=True)
class Thirsty:
    """A question from medical: has ``unit`` been without water for longer than it can bear (logistics'
    water_grace)? Its people then fall to heat illness at medical's dnbi_no_water rate."""

    unit: Unit
    thirsty: bool = False


@dataclass(slots=True)
class SupplyRedirected:
    """An effect sends supply line ``line`` elsewhere: to a depot, to units, or to a place (one is given)."""

    line: str
    to: str | None
    to_units: list[str]
    to_place: str | None
