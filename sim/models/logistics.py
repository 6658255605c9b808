"""Logistics: stocks by supply class, consumption by activity, transport in trips, and shortage effects.

Depot stocks are simpy Containers. A unit's stocks are *tanks* drained continuously at a rate set by its
activity (idle, moving, combat) and strength: the level is settled lazily whenever something happens and
the next alarm (the refill threshold or running dry) is scheduled exactly, so consumption is exact
without clock ticks. Every quantity moves through a ledger per class, so that in every run

    initial + received = consumed + remaining + in transit + lost.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

import simpy

from sim.config.supply import SUPPLY_CLASSES
from sim.engine.geo import Path
from sim.engine.units import Unit
from sim.models.supply_lines import run_line, run_traffic, tonnes

if TYPE_CHECKING:
    from sim.engine.world import Process, World

EPS = 1e-9


@dataclass
class Ledger:
    initial: float = 0.0
    received: float = 0.0  # from outside the modelled system (none yet: kept for the balance's form)
    consumed: float = 0.0
    lost: float = 0.0


class Tank:
    """One supply class carried by one unit, drained at ``rate`` per minute."""

    __slots__ = ("capacity", "cls", "level", "ls", "out_min", "out_since", "rate", "t", "unit", "version")

    def __init__(self, ls: LogisticsState, unit: Unit, cls: str, capacity: float):
        self.ls, self.unit, self.cls = ls, unit, cls
        self.capacity = self.level = capacity
        self.rate = 0.0
        self.t = 0.0
        self.out_since: float | None = None
        self.out_min = 0.0
        self.version = 0

    def settle(self) -> None:
        now = self.ls.env.now
        if self.rate > 0 and self.level > 0:
            used = min(self.level, self.rate * (now - self.t))
            self.level -= used
            self.ls.ledger[self.cls].consumed += used
        self.t = now

    def set_rate(self, rate: float) -> None:
        if rate == self.rate:
            return  # the level is still a straight line from the last settlement: nothing to redo
        self.settle()
        self.rate = rate
        self.schedule()

    def add(self, amount: float) -> float:
        """Put up to ``amount`` in; returns what fitted."""
        self.settle()
        accepted = min(amount, self.capacity - self.level)
        if accepted <= 0:
            return 0.0
        self.level += accepted
        if self.out_since is not None:
            self.out_min += self.ls.env.now - self.out_since
            self.out_since = None
            self.ls.world.emit("restocked", unit=self.unit.id, cls=self.cls)
            self.ls.world.changed(self.unit)
        self.schedule()
        return accepted

    def take(self, amount: float) -> None:
        """Consume a lump (e.g. a sortie's fuel); the caller has checked that it is there."""
        self.settle()
        self.level -= amount
        self.ls.ledger[self.cls].consumed += amount
        self.schedule()

    def wants_refill(self) -> bool:
        """At or below the refill threshold (with a margin for the rounding of lazy settling)."""
        return self.level <= self.capacity * self.ls.refill_below * (1 + 1e-6)

    def check_empty(self) -> None:
        if self.level <= EPS * self.capacity:
            self._empty()
            self.schedule()

    def schedule(self) -> None:
        """Set the next alarm: crossing the refill threshold, else running dry."""
        self.version += 1
        if self.rate <= 0:
            return
        if self.level <= EPS * self.capacity:
            if self.out_since is None:  # ran dry at this instant, before its own alarm: record it now
                self._empty()
            return
        threshold = self.capacity * self.ls.refill_below
        gap = self.level if self.wants_refill() else self.level - threshold
        ev = self.ls.env.timeout(gap / self.rate)
        ev.callbacks.append(partial(self._alarm, self.version))

    def _alarm(self, version: int, _ev: simpy.Event) -> None:
        if version != self.version:
            return  # superseded by a later change
        self.settle()
        if self.level <= EPS * self.capacity:
            self._empty()
        self.ls.refill(self.unit)
        self.schedule()

    def _empty(self) -> None:
        self.ls.ledger[self.cls].consumed += self.level  # the last drop, lost to rounding otherwise
        self.level = 0.0
        if self.out_since is None:
            self.out_since = self.ls.env.now
            self.ls.world.emit("stockout", unit=self.unit.id, cls=self.cls)
            self.ls.world.changed(self.unit)
            if self.cls == "water":
                grace = self.ls.world.scenario.logistics.water_grace
                self.ls.env.timeout(grace).callbacks.append(lambda _e: self.ls.world.changed(self.unit))

    def outage_min(self) -> float:
        return self.out_min + (self.ls.env.now - self.out_since if self.out_since is not None else 0.0)


class DepotStore:
    """A depot's stocks: one simpy Container per class, with reorder levels."""

    def __init__(self, ls: LogisticsState, depot_id: str, place: str, stocks: Mapping[str, object]):
        self.id, self.place, self.ls = depot_id, place, ls
        self.containers: dict[str, simpy.Container] = {}
        self.reorder: dict[str, float] = {}
        for cls, st in stocks.items():
            self.containers[cls] = simpy.Container(ls.env, capacity=st.capacity, init=st.initial)  # type: ignore[attr-defined]
            self.reorder[cls] = st.reorder_level  # type: ignore[attr-defined]
            ls.ledger[cls].initial += st.initial  # type: ignore[attr-defined]
        self._low_waiters: list[simpy.Event] = []

    def level(self, cls: str) -> float:
        c = self.containers.get(cls)
        return c.level if c is not None else 0.0

    def take(self, cls: str, amount: float) -> float:
        c = self.containers.get(cls)
        got = min(amount, c.level) if c is not None else 0.0
        if got > 0:
            c.get(got)  # type: ignore[union-attr]
            if c.level < self.reorder[cls]:  # type: ignore[union-attr]
                waiters, self._low_waiters = self._low_waiters, []
                for ev in waiters:
                    ev.succeed()
        return got

    def put(self, cls: str, amount: float) -> float:
        c = self.containers.get(cls)
        room = c.capacity - c.level if c is not None else 0.0
        put = min(amount, room)
        if put > 0:
            c.put(put)  # type: ignore[union-attr]
        return put

    def low(self, classes: list[str]) -> bool:
        return any(cls in self.containers and self.level(cls) < self.reorder[cls] for cls in classes)

    def wait_low(self) -> simpy.Event:
        ev = self.ls.env.event()
        self._low_waiters.append(ev)
        return ev


@dataclass
class Port:
    berths: simpy.Resource
    waits: list[float] = field(default_factory=list)
    busy_min: float = 0.0
    holding: dict[int, float] = field(default_factory=dict)  # request id -> since


class LogisticsState:
    def __init__(self, world: World):
        self.world, self.env = world, world.env
        s = world.scenario
        self.refill_below = s.logistics.refill_below
        self.ledger = {cls: Ledger() for cls in SUPPLY_CLASSES}
        self.tanks: dict[str, dict[str, Tank]] = {}
        for u in world.units.values():
            self.tanks[u.id] = {}
            for cls, per_element in u.type.carries.items():
                cap = per_element * u.strength
                self.tanks[u.id][cls] = Tank(self, u, cls, cap)
                self.ledger[cls].initial += cap
        self.depots = {d.id: DepotStore(self, d.id, d.at, d.stocks) for d in s.depots}
        self.depots_at: dict[str, list[DepotStore]] = {}
        for d in self.depots.values():
            self.depots_at.setdefault(d.place, []).append(d)
        self.ports = {
            p: Port(simpy.Resource(self.env, capacity=place.berths))
            for p, place in s.map.places.items()
            if place.berths
        }
        self.in_transit: dict[str, float] = dict.fromkeys(SUPPLY_CLASSES, 0.0)
        self.deliveries: list[tuple[str, str, float]] = []  # (line, class, amount)
        self.trips_on_time: list[bool] = []  # per completed delivery trip
        self.busy_min: dict[str, float] = {}

    # --- consumption -----------------------------------------------------------------------------------

    def rate(self, unit: Unit, cls: str) -> float:
        """Consumption per minute of ``cls`` by ``unit`` in its current activity."""
        per_h = unit.type.consumption.get(unit.activity, {}).get(cls, 0.0) * unit.strength  # type: ignore[call-overload]
        per_day = self.world.scenario.logistics.per_person_day.get(cls, 0.0) * unit.personnel  # type: ignore[call-overload]
        return per_h / 60.0 + per_day / 1440.0

    def update_rates(self, unit: Unit) -> None:
        for cls, tank in self.tanks[unit.id].items():
            tank.set_rate(self.rate(unit, cls) if unit.strength > 0 else 0.0)

    def refill(self, unit: Unit) -> None:
        """Top up every tank below the threshold from depots at the unit's place."""
        if unit.location is None or unit.location not in self.depots_at:
            return
        for cls, tank in self.tanks[unit.id].items():
            tank.settle()
            if not tank.wants_refill():
                continue
            for depot in self.depots_at[unit.location]:
                want = tank.capacity - tank.level
                got = depot.take(cls, want)
                if got > 0:
                    tank.add(got)
                    self.world.emit("refill", unit=unit.id, cls=cls, amount=got, depot=depot.id)

    def draw(self, unit: Unit, amounts: Mapping[str, float]) -> bool:
        """Take a lump (a sortie's fuel and ordnance) if every carried class has enough."""
        self.refill(unit)
        tanks = self.tanks[unit.id]
        need = {cls: a for cls, a in amounts.items() if cls in tanks and a > 0}
        for cls, a in need.items():
            tanks[cls].settle()
            if tanks[cls].level < a:
                self.world.emit("order_failed", unit=unit.id, reason=f"not enough {cls} for a sortie")
                return False
        for cls, a in need.items():
            tanks[cls].take(a)
        self.refill(unit)  # at its base, a platform is made ready again at once
        for cls in need:
            tanks[cls].check_empty()
        return True

    # --- shortage effects ------------------------------------------------------------------------------

    def fuel_check(self, unit: Unit, path: Path) -> str | None:
        tank = self.tanks[unit.id].get("fuel")
        if tank is None:
            return None
        tank.settle()
        per_min = unit.type.consumption.get("moving", {}).get("fuel", 0.0) * unit.strength / 60.0  # type: ignore[call-overload]
        need = per_min * path.minutes
        if tank.level < need * (1 - EPS):
            self.world.count(f"fuel_refusals.{unit.id}")
            return f"not enough fuel to go {path.distance_km:g} km (needs {need:,.0f} L, has {tank.level:,.0f} L)"
        return None

    def kill_factor(self, unit: Unit) -> float:
        tanks = self.tanks[unit.id]
        f = 1.0
        ammo = tanks.get("ammunition")
        if ammo is not None:
            ammo.settle()
            if ammo.level <= 0:
                f *= self.world.scenario.logistics.no_ammunition_kill_factor
        water = tanks.get("water")
        grace = self.world.scenario.logistics.water_grace
        if water is not None and water.out_since is not None and self.env.now - water.out_since >= grace:
            f *= self.world.scenario.logistics.no_water_factor
        return f

    # --- ports -----------------------------------------------------------------------------------------

    def alongside(self, place: str, minutes: float, ship: bool = True) -> Process:
        """Spend ``minutes`` loading or unloading; a ship takes a berth (queueing if all are taken)."""
        port = self.ports.get(place) if ship else None
        if port is None:
            yield self.env.timeout(minutes)
            return
        t0 = self.env.now
        with port.berths.request() as req:
            yield req
            port.waits.append(self.env.now - t0)
            port.holding[id(req)] = self.env.now
            yield self.env.timeout(minutes)
            port.busy_min += self.env.now - port.holding.pop(id(req))

    def delivered_by_line(self) -> list[tuple[str, str, float]]:
        totals: dict[tuple[str, str], float] = {}
        for line in self.world.scenario.supply_lines:
            for cls in line.cargo:
                totals[(line.id, cls)] = 0.0
        for line_id, cls, amount in self.deliveries:
            totals[(line_id, cls)] += amount
        return [(line_id, cls, a) for (line_id, cls), a in totals.items()]

    # --- the balance -------------------------------------------------------------------------------------

    def remaining(self, cls: str) -> float:
        total = sum(d.level(cls) for d in self.depots.values())
        for tanks in self.tanks.values():
            if cls in tanks:
                tanks[cls].settle()
                total += tanks[cls].level
        return total

    def balance(self, cls: str) -> tuple[float, float]:
        """(initial + received, consumed + remaining + in transit + lost): equal in every run."""
        remaining = self.remaining(cls)  # settles the tanks first, so that `consumed` is up to date
        led = self.ledger[cls]
        return led.initial + led.received, led.consumed + remaining + self.in_transit[cls] + led.lost


# --- wiring ------------------------------------------------------------------------------------------------


def state(world: World) -> LogisticsState:
    return world.services["logistics"]  # type: ignore[no-any-return]


def install(world: World) -> None:
    ls = LogisticsState(world)
    world.services["logistics"] = ls
    world.on_activity.append(lambda unit, _activity: _activity_changed(ls, unit))
    world.movement_checks.append(ls.fuel_check)
    world.kill_factors.append(ls.kill_factor)
    world.supply_draw = ls.draw
    for u in world.units.values():
        ls.update_rates(u)
    for line in world.scenario.supply_lines:
        for t in line.transports:
            world.env.process(run_line(world, ls, line, world.units[t]))
    for tr in world.scenario.traffic:
        world.env.process(run_traffic(world, ls, tr.port, tr.arrivals_per_day, tr.berth_time))


def _activity_changed(ls: LogisticsState, unit: Unit) -> None:
    ls.update_rates(unit)
    if unit.activity == "idle":
        ls.refill(unit)


def metrics(world: World) -> dict[str, float]:
    """Tonnage delivered and lost, on-time share, consumption, stock-out hours, utilisation, berths."""
    ls, s = state(world), world.scenario
    m: dict[str, float] = {}
    for cls in SUPPLY_CLASSES:
        led = ls.ledger[cls]
        m[f"lost_t.{cls}"] = tonnes(s, cls, led.lost)
        ls.remaining(cls)  # settles every tank, so that consumption is counted up to now
        m[f"consumed.{cls}"] = led.consumed
    for line_id, cls, amount in ls.delivered_by_line():
        m[f"delivered_t.{line_id}.{cls}"] = tonnes(s, cls, amount)
    trips = ls.trips_on_time
    m["on_time_share"] = sum(trips) / len(trips) if trips else math.nan
    for uid, tanks in ls.tanks.items():
        for cls, tank in tanks.items():
            m[f"stockout_h.{uid}.{cls}"] = tank.outage_min() / 60.0
    for line in s.supply_lines:
        for t in line.transports:
            m[f"utilisation.{t}"] = ls.busy_min.get(t, 0.0) / world.now if world.now else 0.0
    for p, port in ls.ports.items():
        ongoing = sum(world.now - since for since in port.holding.values())
        m[f"berth_utilisation.{p}"] = (port.busy_min + ongoing) / (port.berths.capacity * world.now)
        m[f"berth_wait_h.{p}"] = sum(port.waits) / len(port.waits) / 60.0 if port.waits else math.nan
    return m
