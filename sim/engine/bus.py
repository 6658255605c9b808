"""Typed events between the engine and the models: publish an event object, subscribers get it in order.

One mechanism instead of a callback list per need. An event class is its own channel: a subscriber
names the class, so a typo is a NameError at import rather than a signal nobody ever hears. Some
events are *questions* (``MoveRequested``): subscribers fill in the answer and the publisher reads it
back from the returned object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from sim.engine.geo import Path
    from sim.engine.units import Unit, UnitState

E = TypeVar("E")


class Bus:
    """Subscribers by event class; ``publish`` calls them in subscription order (deterministic)."""

    __slots__ = ("_subs",)

    def __init__(self) -> None:
        self._subs: dict[type, list[Callable[[Any], None]]] = {}

    def subscribe(self, kind: type[E], handler: Callable[[E], None]) -> None:
        self._subs.setdefault(kind, []).append(handler)

    def publish(self, event: E) -> E:
        """Deliver ``event`` to every subscriber of its class and return it (answers are read from it)."""
        for handler in self._subs.get(type(event), ()):
            handler(event)
        return event

    def wants(self, kind: type) -> bool:
        """Whether anybody listens (lets a hot path skip building an event nobody reads)."""
        return kind in self._subs


# --- the engine's own events ---------------------------------------------------------------------------


@dataclass(slots=True)
class StateChanged:
    """A unit's state changed (moving, engaged, destroyed…)."""

    unit: Unit
    old: UnitState
    new: UnitState


@dataclass(slots=True)
class PowerChanged:
    """Something outside combat changed a unit's fighting power (its supply state, say)."""

    unit: Unit


@dataclass(slots=True)
class RouteChanged:
    """A route was closed or reopened."""

    route: int  # index into scenario.map.routes
    is_open: bool


@dataclass(slots=True)
class OrderIssued:
    """An order reached its unit and is about to be carried out."""

    unit: Unit
    order: Any


@dataclass(slots=True)
class OrderFailed:
    """An order (or a task such as a supply trip) could not be carried out, and why."""

    unit: Unit
    reason: str


@dataclass(slots=True)
class MoveRequested:
    """A question before a unit sets off on ``path``: a subscriber may refuse, giving the reason."""

    unit: Unit
    path: Path
    refusal: str | None = None
