"""Failed orders: how many orders and tasks each unit could not carry out, and why.

Listens to ``OrderFailed`` (published by ``World.fail``). A reason is free text written where the
failure happens ("not enough fuel to go 46 km (needs …)"); the model sorts it into one of a fixed set
of kinds, so that each kind is a metric a table, a sweep and ``compare`` can read, and the terminal
summary can list the most common.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from sim.config.orders import LiftOrder
from sim.config.schema import Scenario
from sim.engine.bus import OrderFailed
from sim.models.contract import Better, Kind, MetricSpec

if TYPE_CHECKING:
    from sim.engine.world import World

NAME = "orders"
SECTIONS: tuple[str, ...] = ()

# (kind, what it means, pattern matched against the reason); the first match wins, "other" catches the rest
REASONS: tuple[tuple[str, str, str], ...] = (
    ("fuel", "not enough fuel to move", r"not enough fuel to go"),
    ("supplies", "no fuel or ordnance for a sortie", r"not enough \w+ for a sortie"),
    ("route", "no route to the destination", r"no route"),
    ("range", "target out of range", r"out of range"),
    ("room", "no room on the transport", r"room for|does not fit"),
    ("place", "not where the order needs the unit", r"not at |not aboard|is under way|left before"),
    ("contested", "place under attack by another side", r"under attack by another side"),
    ("other", "other reasons", r""),
)
_PATTERNS = [(kind, re.compile(pattern)) for kind, _, pattern in REASONS]


def kind_of(reason: str) -> str:
    """The kind of a failure's reason (see ``REASONS``)."""
    return next(kind for kind, pattern in _PATTERNS if pattern.search(reason))


class OrdersState:
    """Failed orders counted by unit and by kind of reason."""

    def __init__(self) -> None:
        self.by_unit: Counter[str] = Counter()
        self.by_kind: Counter[str] = Counter()

    def failed(self, ev: OrderFailed) -> None:
        self.by_unit[ev.unit.id] += 1
        self.by_kind[kind_of(ev.reason)] += 1


def install(world: World) -> None:
    st = OrdersState()
    world.services.provide(st)
    world.bus.subscribe(OrderFailed, st.failed)


def tasked(s: Scenario) -> list[str]:
    """Units that are given orders or standing tasks (lifted, MEDEVAC, supply lines), in scenario order."""
    named: set[str] = set()
    for ph in s.phases:
        for o in ph.orders:
            named.add(o.unit)
            if isinstance(o, LiftOrder):
                named.update(o.units)
    named.update(a for e in s.medical.evacuation for a in e.assets)
    named.update(t for line in s.supply_lines for t in line.transports)
    return list(dict.fromkeys(u.id for u in s.units if u.id in named))  # a duplicate id is check's to report


def declare(s: Scenario) -> list[MetricSpec]:
    sides = {u.id: u.side for u in s.units}
    out = [MetricSpec("failed_orders", Kind.COUNT, "orders", Better.LOWER, "orders and tasks that failed, all units")]
    out += [
        MetricSpec(f"failed_reason.{kind}", Kind.COUNT, "orders", Better.LOWER, f"failed orders: {what}")
        for kind, what, _ in REASONS
    ]
    out += [
        MetricSpec(
            f"unit_failed_orders.{uid}", Kind.COUNT, "orders", Better.LOWER, f"failed orders of {uid}", sides[uid]
        )
        for uid in tasked(s)
    ]
    return out


def metrics(world: World) -> dict[str, float]:
    st = world.services.get(OrdersState)
    m = {"failed_orders": float(sum(st.by_kind.values()))}
    m.update({f"failed_reason.{kind}": float(st.by_kind[kind]) for kind, _, _ in REASONS})
    m.update({f"unit_failed_orders.{uid}": float(st.by_unit[uid]) for uid in tasked(world.scenario)})
    return m
