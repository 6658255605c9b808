"""Logistics: stocks by supply class, consumption by activity, transport in trips, and shortage effects.

Depot stocks are levels (``Bin``). A unit's stocks are *tanks* drained continuously at a rate set by its
activity (idle, moving, combat) and strength: the level is settled lazily whenever something happens and
the next alarm (the refill threshold or running dry) is scheduled exactly, so consumption is exact
without clock ticks. Every quantity moves through a ledger per class, so that in every run

    initial + received = consumed + remaining + in transit + lost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import simpy

from sim.config.identity import ScenarioKey
from sim.config.schema import Scenario
from sim.config.supply import Stock, SupplyClass
from sim.engine.assets import is_asset
from sim.engine.bus import MoveRequested, PowerChanged, StateChanged, StockTaken
from sim.engine.monitor import Monitor
from sim.engine.timers import Entry, alarm, withdraw
from sim.engine.units import Unit, UnitState
from sim.models.contract import Better, Kind, MetricSpec
from sim.models.events import KillFactor, SupplyDraw, Thirsty

if TYPE_CHECKING:
    from sim.engine.world import World

NAME = "logistics"
SECTIONS = ("depots", "logistics")
EPS = 1e-9
RATE_TABLE_MAX = 4096  # consumption rates kept per scenario, by (unit type, activity, strength)

# what a unit does decides what it consumes (unit types give consumption per hour by activity)
IDLE = "idle"
ACTIVITY = {UnitState.MOVING: "moving", UnitState.ENGAGED: "combat"}


def tonnes(scenario: Scenario, cls: str, amount: float) -> float:
    """Weight of ``amount`` of ``cls``: fuel and water are counted in litres."""
    if cls == "fuel":
        return amount * scenario.logistics.fuel_kg_per_l / 1000.0
    if cls == "water":
        return amount / 1000.0
    declared = scenario.logistics.classes.get(cls)
    if declared is not None:
        return amount * declared.kg_per_unit / 1000.0
    return amount


@dataclass
class Ledger:
    initial: float = 0.0
    received: float = 0.0  # from outside the modelled system (none yet: kept for the balance's form)
    consumed: float = 0.0
    lost: float = 0.0


class Tank:
    """One supply class carried by one unit, drained at ``rate`` per minute.

    At most one alarm is pending: a change that moves it cancels the old one, which would otherwise sit
    in the event queue and fire for nothing.
    """

    __slots__ = (
        "alarm",
        "capacity",
        "cls",
        "dry",
        "env",
        "ledger",
        "level",
        "ls",
        "out_since",
        "outage",
        "rate",
        "refill_at",
        "reorder",
        "ringing",
        "t",
        "unit",
    )

    def __init__(self, ls: LogisticsState, unit: Unit, cls: str, capacity: float):
        self.ls, self.unit, self.cls = ls, unit, cls
        self.env, self.ledger = ls.env, ls.ledger[cls]
        self.capacity = self.level = capacity
        # the thresholds, worked out once (the capacity never changes): the same products as before, in the same order
        self.reorder = capacity * ls.refill_below  # the refill threshold
        self.refill_at = self.reorder * (1 + 1e-6)  # with a margin for the rounding of lazy settling
        self.dry = EPS * capacity  # at or below: empty
        self.rate = 0.0
        self.t = 0.0
        self.out_since: float | None = None
        self.outage = Monitor()  # 1 while out of stock; supplies count the whole run, so no warm-up
        self.alarm: Entry | None = None  # the pending alarm's entry in the event queue
        self.ringing = False  # in its own alarm's callback, which sets the next alarm when it is done

    def settle(self) -> None:
        now = self.env._now  # type: ignore[attr-defined]  # (the property, on the hot path)
        rate, level = self.rate, self.level
        if rate > 0 and level > 0:
            used = rate * (now - self.t)
            if not used < level:  # min(level, used), written out: the same number
                used = level
            self.level = level - used
            self.ledger.consumed += used
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
            self.outage.set(self.ls.env.now, 0)
            self.out_since = None
            self.ls.world.emit("restocked", unit=self.unit.id, cls=self.cls)
            self.ls.world.bus.publish(PowerChanged(self.unit))
        self.schedule()
        return accepted

    def take(self, amount: float) -> None:
        """Consume a lump (e.g. a sortie's fuel); the caller has checked that it is there."""
        self.settle()
        self.level -= amount
        self.ledger.consumed += amount
        self.schedule()

    def wants_refill(self) -> bool:
        """At or below the refill threshold (with a margin for the rounding of lazy settling)."""
        return self.level <= self.refill_at

    def check_empty(self) -> None:
        if self.level <= self.dry:
            self._empty()
            self.schedule()

    def schedule(self) -> None:
        """Set the next alarm: crossing the refill threshold, else running dry."""
        if self.alarm is not None:
            withdraw(self.env, self.alarm)
            self.alarm = None
        rate = self.rate
        if rate <= 0:
            return
        level = self.level
        if level <= self.dry:
            if self.out_since is None:  # ran dry at this instant, before its own alarm: record it now
                self._empty()
            return
        if self.ringing:  # its own alarm sets the next one at its end, and would take this one out again: an
            return  # alarm put in and taken out changes no other event's place in the queue, so none is put in
        gap = level if level <= self.refill_at else level - self.reorder
        self.alarm = alarm(self.env, gap / rate, self._alarm)

    def _alarm(self, _ev: simpy.Event) -> None:
        self.alarm = None
        self.settle()
        if self.level <= self.dry:
            self._empty()
        self.ringing = True  # (the refill below tops this tank up, which would set an alarm)
        try:
            self.ls.refill(self.unit)
        finally:
            self.ringing = False
        self.schedule()

    def _empty(self) -> None:
        self.ledger.consumed += self.level  # the last drop, lost to rounding otherwise
        self.level = 0.0
        if self.out_since is None:
            self.out_since = self.ls.env.now
            self.outage.set(self.out_since, 1)
            if self.ls.world.log.on:
                why = self.ls.why_dry(self.unit, self.cls) if self.ls.why_dry is not None else None
                self.ls.world.emit("stockout", unit=self.unit.id, cls=self.cls, **({"why": why} if why else {}))
            self.ls.world.bus.publish(PowerChanged(self.unit))
            if self.cls == "water":
                grace = self.ls.world.scenario.logistics.water_grace

                def degraded(_e: simpy.Event) -> None:  # the grace without water is over
                    self.ls.world.bus.publish(PowerChanged(self.unit))

                self.ls.env.timeout(grace).callbacks.append(degraded)

    def outage_min(self) -> float:
        return self.outage.integral(self.ls.env.now)


class Bin:
    """A depot's stock of one class: a level between 0 and ``capacity``.

    A simpy Container did this before, but no process ever waits on a depot (a supply line waits for a
    reorder level through ``DepotStore.wait_low``): its get and put events were scheduled and processed
    for nothing, some fifty a replication.
    """

    __slots__ = ("capacity", "level")

    def __init__(self, capacity: float, level: float):
        if not 0 <= level <= capacity:
            raise ValueError(f"a stock of {level:g} does not fit a capacity of {capacity:g}")
        self.capacity, self.level = capacity, level


class DepotStore:
    """A depot's stocks: one ``Bin`` per class, with reorder levels; at a place, or aboard a unit (``carrier``)."""

    def __init__(
        self,
        ls: LogisticsState,
        depot_id: str,
        place: str,
        stocks: Mapping[SupplyClass, Stock],
        carrier: Unit | None = None,
    ):
        self.id, self._place, self.ls, self.carrier = depot_id, place, ls, carrier
        self.containers: dict[str, Bin] = {}
        self.reorder: dict[str, float] = {}
        for cls, st in stocks.items():
            self.containers[cls] = Bin(st.capacity, st.initial)
            self.reorder[cls] = st.reorder_level
            ls.ledger[cls].initial += st.initial
        self._low_waiters: list[simpy.Event] = []

    @property
    def place(self) -> str | None:
        """Where it is now: its place, or that of the unit it is aboard (None while that unit is under way)."""
        return self.carrier.location if self.carrier is not None else self._place

    def level(self, cls: str) -> float:
        c = self.containers.get(cls)
        return c.level if c is not None else 0.0

    def take(self, cls: str, amount: float) -> float:
        c = self.containers.get(cls)
        got = min(amount, c.level) if c is not None else 0.0
        if got > 0:
            c.level -= got  # type: ignore[union-attr]
            bus = self.ls.world.bus
            if bus.heard(StockTaken):  # for triggers on stock levels
                bus.publish(StockTaken(self.id, cls))
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
            c.level += put  # type: ignore[union-attr]
        return put

    def low(self, classes: list[str]) -> bool:
        return any(cls in self.containers and self.level(cls) < self.reorder[cls] for cls in classes)

    def wait_low(self) -> simpy.Event:
        ev = self.ls.env.event()
        self._low_waiters.append(ev)
        return ev


class LogisticsState:
    def __init__(self, world: World):
        self.world, self.env = world, world.env
        s = world.scenario
        self.refill_below = s.logistics.refill_below
        self.ledger = {cls: Ledger() for cls in s.logistics.class_names}
        self.tanks: dict[str, dict[str, Tank]] = {}
        for u in world.units.values():
            self.tanks[u.id] = {}
            for cls, per_element in u.type.carries.items():
                cap = per_element * u.strength
                self.tanks[u.id][cls] = Tank(self, u, cls, cap)
                self.ledger[cls].initial += cap
        self.depots = {
            d.id: DepotStore(self, d.id, d.at, d.stocks, world.units[d.aboard] if d.aboard else None) for d in s.depots
        }
        self.depot_side = {d.id: d.side for d in s.depots}  # None: any unit there draws from it
        # depots at places (and the places they serve); those aboard units are wherever their unit is
        self.depots_at: dict[str, list[DepotStore]] = {}
        self.afloat = [d for d in self.depots.values() if d.carrier is not None]
        self.carriers = {d.carrier.id for d in self.afloat}  # type: ignore[union-attr]
        self.drew_from: dict[tuple[str, str], DepotStore] = {}  # (unit, class) -> the depot it last drew from
        for d in self.depots.values():
            if d.carrier is None:
                self.depots_at.setdefault(d._place, []).append(d)
        for spec in s.depots:  # then the places each depot serves by distribution forward
            for place in spec.serves:
                self.depots_at.setdefault(place, []).append(self.depots[spec.id])
        self.in_transit: dict[str, float] = dict.fromkeys(s.logistics.class_names, 0.0)
        self.activity: dict[str, str] = dict.fromkeys(world.units, IDLE)
        # why a unit ran dry, for the story: the supply lines' model answers when installed (no line: None)
        self.why_dry: Callable[[Unit, str], str] | None = None
        self.assets_moving: dict[str, int] = {}  # unit -> its aircraft or vehicles under way on their own
        # consumption per class by (unit type, activity, strength): units of a type share their rates, and
        # the replications of a scenario share the table
        self._rates = _rate_table(ScenarioKey(s))

    # --- consumption -----------------------------------------------------------------------------------

    def rate(self, unit: Unit, cls: str) -> float:
        """Consumption per minute of ``cls`` by ``unit`` in its current activity."""
        by_activity = unit.type.consumption_per_min.get(self.activity[unit.id], {}).get(cls, 0.0) * unit.strength
        by_person = self.world.scenario.logistics.per_person_per_min.get(cls, 0.0) * unit.personnel
        return by_activity + by_person

    def depots_here(self, place: str | None) -> list[DepotStore]:
        """The depots units at ``place`` draw from: those there or serving it, and those aboard units there."""
        here = self.depots_at.get(place, []) if place is not None else []  # type: ignore[arg-type]
        if not self.afloat or place is None:
            return here
        return [*here, *(d for d in self.afloat if d.place == place)]

    def depots_for(self, unit: Unit) -> list[DepotStore] | None:
        """The depots ``unit`` draws from where it is: at its place, or aboard the unit it is aboard (None: none)."""
        depots = self.depots_at.get(unit.location)  # type: ignore[arg-type]
        if not self.afloat:
            return depots
        if unit.location is not None:
            afloat = [d for d in self.afloat if d.place == unit.location]
        else:  # aboard a ship: its stores
            afloat = [d for d in self.afloat if unit.aboard is not None and d.carrier.id == unit.aboard]  # type: ignore[union-attr]
        return [*(depots or []), *afloat] or None

    def state_changed(self, ev: StateChanged) -> None:
        """A new state may mean a new activity, so new consumption rates; idle at a depot, a top-up."""
        unit = ev.unit
        asset = is_asset(self.world, unit)
        if unit.id in self.carriers and unit.location is not None and not asset:
            # stores aboard it have come to a place: the units there (and aboard) top up
            for u in [*self.world.units_at(unit.location), *unit.carrying]:
                if u is not unit:
                    self.refill(u)
        if asset:  # one aircraft of a unit flying apart: it burns the unit's stocks as it flies
            moving = (ev.new is UnitState.MOVING) - (ev.old is UnitState.MOVING)
            if moving:
                parent = self.world.units[unit.id]
                self.assets_moving[parent.id] = self.assets_moving.get(parent.id, 0) + moving
                self.update_rates(parent)
            return
        activity = ACTIVITY.get(ev.new, IDLE)
        if activity != self.activity[unit.id]:
            self.activity[unit.id] = activity
            self.update_rates(unit)
            if activity == IDLE:
                self.refill(unit)

    def update_rates(self, unit: Unit) -> None:
        tanks = self.tanks[unit.id]
        if unit.strength <= 0:
            for tank in tanks.values():
                tank.set_rate(0.0)
            return
        key = (unit.type_name, self.activity[unit.id], unit.strength)
        rates = self._rates.get(key)
        if rates is None:
            if len(self._rates) >= RATE_TABLE_MAX:  # fractional strengths (deterministic combat) never repeat
                self._rates.clear()
            rates = self._rates[key] = {cls: self.rate(unit, cls) for cls in tanks}
        if self.assets_moving.get(unit.id):  # each of its aircraft under way burns at the moving rate
            rates = {cls: rates[cls] + self._assets_extra(unit, cls) for cls in tanks}
        for cls, tank in tanks.items():
            if rates[cls] != tank.rate:  # (most classes do not depend on the activity)
                tank.set_rate(rates[cls])

    def _assets_extra(self, unit: Unit, cls: str) -> float:
        """What the unit's aircraft or vehicles under way on their own burn on top of the unit's rate: each
        at the moving rate of one element instead of the rate of the unit's activity (at most its elements)."""
        per = unit.type.consumption_per_min
        n = min(self.assets_moving[unit.id], unit.strength)
        return n * (per.get("moving", {}).get(cls, 0.0) - per.get(self.activity[unit.id], {}).get(cls, 0.0))

    def refill(self, unit: Unit) -> None:
        """Top up every tank below the threshold from depots at the unit's place."""
        depots = self.depots_for(unit)
        if depots is None:
            return
        for cls, tank in self.tanks[unit.id].items():
            tank.settle()
            if tank.level > tank.refill_at:  # (wants_refill, written out: on every alarm)
                continue
            for depot in depots:
                if self.depot_side[depot.id] not in (None, unit.side):
                    continue
                want = tank.capacity - tank.level
                got = depot.take(cls, want)
                if got > 0:
                    tank.add(got)
                    self.drew_from[(unit.id, cls)] = depot
                    if self.world.log.on:
                        self.world.emit("refill", unit=unit.id, cls=cls, amount=got, depot=depot.id)

    def draw(self, unit: Unit, amounts: Mapping[str, float]) -> bool:
        """Take a lump (a sortie's fuel and ordnance) if every carried class has enough."""
        self.refill(unit)
        tanks = self.tanks[unit.id]
        need = {cls: a for cls, a in amounts.items() if cls in tanks and a > 0}
        for cls, a in need.items():
            tanks[cls].settle()
            if tanks[cls].level < a:
                self.world.fail(unit, f"not enough {cls} for a sortie")
                return False
        for cls, a in need.items():
            tanks[cls].take(a)
        self.refill(unit)  # at its base, a platform is made ready again at once
        for cls in need:
            tanks[cls].check_empty()
        return True

    # --- shortage effects ------------------------------------------------------------------------------

    def fuel_check(self, ev: MoveRequested) -> None:
        """Refuse a move the unit has not the fuel for."""
        unit, path = ev.unit, ev.path
        tank = self.tanks[unit.id].get("fuel")
        if tank is None or ev.refusal is not None:
            return
        tank.settle()
        per_min = unit.type.consumption_per_min.get("moving", {}).get("fuel", 0.0) * unit.strength
        need = per_min * path.minutes
        if tank.level < need * (1 - EPS):
            ev.refusal = f"not enough fuel to go {path.distance_km:g} km (needs {need:,.0f} L, has {tank.level:,.0f} L)"

    def thirsty(self, ev: Thirsty) -> None:
        ev.thirsty = ev.thirsty or self.without_water(ev.unit)

    def without_water(self, unit: Unit) -> bool:
        """Out of water for at least the grace (logistics.water_grace)."""
        water = self.tanks.get(unit.id, {}).get("water")
        if water is None:
            return False
        grace = self.world.scenario.logistics.water_grace
        return water.out_since is not None and self.env.now - water.out_since >= grace

    def multiply_kill_factor(self, ev: KillFactor) -> None:
        ev.factor *= self.kill_factor(ev.unit)

    def answer_draw(self, ev: SupplyDraw) -> None:
        if ev.ok and not self.draw(ev.unit, ev.amounts):
            ev.ok = False

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


@lru_cache(maxsize=16)  # (it keeps its scenarios alive: a few, in a long-lived process such as exsim serve)
def _rate_table(_scenario: ScenarioKey) -> dict[tuple[str, str, float], dict[str, float]]:
    """The consumption rates ``LogisticsState.rate`` worked out, kept for the scenario's next replications."""
    return {}


# --- wiring ------------------------------------------------------------------------------------------------


def state(world: World) -> LogisticsState:
    return world.services.get(LogisticsState)


def install(world: World) -> None:
    ls = LogisticsState(world)
    world.services.provide(ls)
    world.bus.subscribe(StateChanged, ls.state_changed)
    world.bus.subscribe(MoveRequested, ls.fuel_check)
    world.bus.subscribe(KillFactor, ls.multiply_kill_factor)
    world.bus.subscribe(Thirsty, ls.thirsty)
    world.bus.subscribe(SupplyDraw, ls.answer_draw)
    for u in world.units.values():
        ls.update_rates(u)


def declare(s: Scenario) -> list[MetricSpec]:
    carried = {cls for u in s.units if u.type in s.unit_types for cls in s.unit_types[u.type].carries}
    out = [
        MetricSpec(
            f"consumed.{cls}", Kind.AMOUNT, s.logistics.measure(cls), Better.NEITHER, f"{cls} consumed, all units"
        )
        for cls in s.logistics.class_names
        if cls in carried
    ]
    for u in s.units:
        for cls in s.unit_types[u.type].carries if u.type in s.unit_types else {}:
            out.append(
                MetricSpec(
                    f"stockout_h.{u.id}.{cls}",
                    Kind.DURATION,
                    "h",
                    Better.LOWER,
                    f"time {u.id} was out of {cls}",
                    u.side,
                )
            )
    return out


def metrics(world: World) -> dict[str, float]:
    """Consumption and stock-out hours."""
    ls = state(world)
    m: dict[str, float] = {}
    carried = {cls for tanks in ls.tanks.values() for cls in tanks}
    for cls in world.scenario.logistics.class_names:
        if cls in carried:
            ls.remaining(cls)  # settles every tank, so that consumption is counted up to now
            m[f"consumed.{cls}"] = ls.ledger[cls].consumed
    for uid, tanks in ls.tanks.items():
        for cls, tank in tanks.items():
            m[f"stockout_h.{uid}.{cls}"] = tank.outage_min() / 60.0
    return m
