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
    import simpy

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

    def unsubscribe(self, kind: type[E], handler: Callable[[E], None]) -> None:
        """Stop calling ``handler`` for ``kind`` (a trigger that fired). The list is replaced, not edited, so
        that a publish under way, which may be what called this, still reaches the subscribers after it."""
        subs = self._subs.get(kind, [])
        self._subs[kind] = [h for h in subs if h is not handler]

    def heard(self, kind: type) -> bool:
        """Whether anyone subscribes to ``kind``: an announcement nobody hears need not be built (a depot's
        take, some 230 a replication of the flagship, is heard only while a trigger watches that depot)."""
        return bool(self._subs.get(kind))

    def publish(self, event: E) -> E:
        """Deliver ``event`` to every subscriber of its class and return it (answers are read from it)."""
        for handler in self._subs.get(type(event), ()):
            handler(event)
        return event


@dataclass(frozen=True, slots=True)
class Watch:
    """How a trigger watches one quantity without polling it: the bus events after which it may have
    changed (the model that owns it announces them), and the quantity itself, computed alone. ``about``
    says whether an announcement concerns the quantity (a loss of this side's, a take from this depot)."""

    announced_by: tuple[type, ...]
    value: Callable[[], float]
    about: Callable[[Any], bool] = lambda _: True


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
    """A question before a unit sets off on ``path``: a subscriber may refuse, giving the reason, or
    hold it back until an event (the unit asks again then)."""

    unit: Unit
    path: Path
    refusal: str | None = None
    hold: simpy.Event | None = None


@dataclass(slots=True)
class OrderDelay:
    """A question when an order is issued: when does it reach its unit?

    Subscribers add to ``delay_min`` (a command chain), push ``not_before`` (minutes: an outage), or
    refuse (the order is lost). The order reaches the unit at max(issue, not_before) + delay_min,
    counted from issue whether or not the unit is busy.
    """

    unit: Unit
    order: Any
    issued: float
    delay_min: float
    not_before: float = 0.0
    refusal: str | None = None


@dataclass(slots=True)
class Losses:
    """A unit lost strength (killed or wounded): announced for triggers on losses."""

    unit: Unit


@dataclass(slots=True)
class StockTaken:
    """Stock was taken from a depot: announced for triggers on stock levels."""

    depot: str
    cls: str
