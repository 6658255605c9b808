"""Supply lines and port traffic: transports carrying cargo between depots in trips, ships queueing at berths.

Built on the logistics model (its depots, tanks and ledger); logistics knows nothing of lines.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import simpy

from sim.config.distributions import SpanValue, mean_of
from sim.config.schema import Scenario
from sim.config.supply import SupplyLine
from sim.engine import draws
from sim.engine.monitor import Monitor
from sim.engine.movement import travel
from sim.engine.units import ORDER_PRIORITY, Unit
from sim.models.contract import Better, Kind, MetricSpec
from sim.models.logistics import DepotStore, LogisticsState, tonnes
from sim.models.logistics import state as logistics_state

if TYPE_CHECKING:
    from sim.engine.world import Process, World

NAME = "supply_lines"
SECTIONS = ("supply_lines", "traffic")


@dataclass
class Port:
    berths: simpy.Resource
    waits: list[float] = field(default_factory=list)
    busy_min: float = 0.0  # berth time of the stays that have ended, from the warm-up on
    stays: dict[int, Monitor] = field(default_factory=dict)  # request id -> the stay under way: one berth in use


class LinesState:
    """Deliveries, trips, transports' busy time and the ports' berths."""

    def __init__(self, world: World, ls: LogisticsState):
        self.world, self.env, self.ls = world, world.env, ls
        self.since = world.scenario.scenario.warmup
        self.ports = {
            p: Port(simpy.Resource(self.env, capacity=place.berths))
            for p, place in world.scenario.map.places.items()
            if place.berths
        }
        self.deliveries: list[tuple[str, str, float]] = []  # (line, class, amount)
        self.trips_on_time: list[bool] = []  # per completed delivery trip
        self.busy_min: dict[str, float] = {}

    def alongside(self, place: str, minutes: float, ship: bool = True) -> Process:
        """Spend ``minutes`` loading or unloading; a ship takes a berth (queueing if all are taken)."""
        port = self.ports.get(place) if ship else None
        if port is None:
            yield self.env.timeout(minutes)
            return
        t0 = self.env.now
        with port.berths.request() as req:
            yield req
            if t0 >= self.since:  # queue statistics count from the warm-up on
                port.waits.append(self.env.now - t0)
            # one monitor per stay: the port's berth time adds whole stays as they end, in that order
            port.stays[id(req)] = Monitor(self.since, level=1, start=self.env.now)
            yield self.env.timeout(minutes)
            port.busy_min += port.stays.pop(id(req)).integral(self.env.now)

    def delivered_by_line(self) -> list[tuple[str, str, float]]:
        totals: dict[tuple[str, str], float] = {}
        for line in self.world.scenario.supply_lines:
            for cls in line.cargo:
                totals[(line.id, cls)] = 0.0
        for line_id, what, amount in self.deliveries:
            totals[(line_id, what)] += amount
        return [(line_id, cls, a) for (line_id, cls), a in totals.items()]


def state(world: World) -> LinesState:
    return world.services.get(LinesState)


def _load_plan(world: World, line: SupplyLine, transport: Unit) -> dict[str, float]:
    """What to ask the origin for: the line's cargo, scaled down to the transport's weight limit."""
    cap_t = transport.type.cargo_t * math.floor(transport.strength)
    weight = sum(tonnes(world.scenario, cls, a) for cls, a in line.cargo.items())
    scale = min(1.0, cap_t / weight) if weight > 0 else 0.0
    return {cls: a * scale for cls, a in line.cargo.items()}


def run_line(world: World, lines: LinesState, line: SupplyLine, transport: Unit) -> Process:
    env = world.env
    origin, dest = lines.ls.depots[line.from_], lines.ls.depots[line.to]
    trip = 0
    if line.start:
        yield env.timeout(line.start)
    while transport.strength > 0:
        if line.dispatch == "schedule":
            slot = line.start + trip * line.every  # type: ignore[operator]
            if env.now < slot:
                yield env.timeout(slot - env.now)
        elif line.dispatch == "reorder":
            while not dest.low(list(line.cargo)):
                yield dest.wait_low()
        trip += 1
        # orders and lines share a transport, first come first served
        with transport.busy.request(priority=ORDER_PRIORITY) as turn:
            yield turn
            if not (yield from _trip(world, lines, line, transport, origin, dest)):
                return


def _trip(
    world: World, lines: LinesState, line: SupplyLine, transport: Unit, origin: DepotStore, dest: DepotStore
) -> Process:
    """One round trip: load at the origin, sail, unload what fits, come back. False ends the line."""
    env, ls = world.env, lines.ls
    if transport.location != origin.place and not (yield from travel(world, transport, origin.place)):
        return False
    start = env.now
    plan = _load_plan(world, line, transport)
    if all(origin.level(cls) <= 0 for cls in plan):
        world.emit("line_stopped", line=line.id, reason=f"{origin.id} has nothing left to send")
        return False
    loaded = {cls: origin.take(cls, a) for cls, a in plan.items()}
    for cls, a in loaded.items():
        ls.in_transit[cls] += a
    world.emit("load", line=line.id, transport=transport.id, cargo=dict(loaded))  # a copy: `loaded` changes
    ship = "sea" in transport.speeds
    utype = transport.type
    yield from lines.alongside(origin.place, draws.fixed(world, utype.load_min, f"load:{transport.id}"), ship)
    nominal = world.map.path(origin.place, dest.place, transport.speeds)
    planned = start + mean_of(utype.load_min) + (nominal.minutes if nominal else 0.0) + mean_of(utype.unload_min)
    if not (yield from travel(world, transport, dest.place)):
        _unload_back(ls, origin, loaded)
        return False
    if line.loss_prob and world.streams[f"cargo:{line.id}"].uniform() < line.loss_prob:
        for cls, a in loaded.items():
            ls.in_transit[cls] -= a
            ls.ledger[cls].lost += a
        world.emit("cargo_lost", line=line.id, transport=transport.id, cargo=dict(loaded))
        loaded = dict.fromkeys(loaded, 0.0)
    yield from lines.alongside(dest.place, draws.fixed(world, utype.unload_min, f"unload:{transport.id}"), ship)
    on_time = env.now <= planned + world.scenario.logistics.on_time_tolerance
    for cls, a in loaded.items():
        put = dest.put(cls, a)
        ls.in_transit[cls] -= put
        loaded[cls] = a - put
        if put > 0:
            lines.deliveries.append((line.id, cls, put))
    lines.trips_on_time.append(on_time)
    world.emit("deliver", line=line.id, transport=transport.id, at=dest.id, on_time=on_time, left=dict(loaded))
    for u in world.units_at(dest.place):
        ls.refill(u)
    back = yield from travel(world, transport, origin.place)
    lines.busy_min[transport.id] = lines.busy_min.get(transport.id, 0.0) + env.now - start
    if back:
        _unload_back(ls, origin, loaded)
    return back


def _unload_back(ls: LogisticsState, origin: DepotStore, cargo: dict[str, float]) -> None:
    """Cargo that found no room (or never left) goes back into the origin depot."""
    for cls, a in cargo.items():
        if a > 0:
            put = origin.put(cls, a)
            ls.in_transit[cls] -= put


def run_traffic(world: World, lines: LinesState, port: str, per_min: float, berth: SpanValue) -> Process:
    """Ships calling at ``port``: Poisson arrivals; a number of berth time is an exponential mean, drawn from the
    arrivals' stream as it always was, a distribution from its own stream (so it shifts no arrival)."""
    stream = world.streams[f"traffic:{port}"]
    while True:
        yield world.env.timeout(stream.exponential(per_min))
        if isinstance(berth, float):
            alongside = stream.exponential(1.0 / berth)
        else:
            alongside = draws.sample(world, berth, f"berth:{port}")
        world.env.process(lines.alongside(port, alongside))


# --- the model ---------------------------------------------------------------------------------------------


def install(world: World) -> None:
    lines = LinesState(world, logistics_state(world))
    world.services.provide(lines)
    for line in world.scenario.supply_lines:
        for t in line.transports:
            world.env.process(run_line(world, lines, line, world.units[t]))
    for tr in world.scenario.traffic:
        world.env.process(run_traffic(world, lines, tr.port, tr.arrivals_per_min, tr.berth_time))


def _side_of(s: Scenario, unit_ids: list[str]) -> str | None:
    sides = {u.side for u in s.units if u.id in unit_ids}
    return sides.pop() if len(sides) == 1 else None


def declare(s: Scenario) -> list[MetricSpec]:
    moved = {cls for line in s.supply_lines for cls in line.cargo}
    out = []
    for line in s.supply_lines:
        side = _side_of(s, list(line.transports))
        out += [
            MetricSpec(
                f"delivered_t.{line.id}.{cls}", Kind.AMOUNT, "t", Better.HIGHER, f"{cls} delivered by {line.id}", side
            )
            for cls in s.logistics.class_names
            if cls in line.cargo
        ]
    all_side = _side_of(s, [t for line in s.supply_lines for t in line.transports])
    out += [
        MetricSpec(f"lost_t.{cls}", Kind.AMOUNT, "t", Better.LOWER, f"{cls} lost in transit", all_side)
        for cls in s.logistics.class_names
        if cls in moved
    ]
    if s.supply_lines:
        out.append(
            MetricSpec(
                "on_time_share",
                Kind.SHARE,
                "",
                Better.HIGHER,
                "delivery trips on time (within the tolerance)",
                all_side,
            )
        )
    for line in s.supply_lines:
        for t in line.transports:
            out.append(
                MetricSpec(
                    f"utilisation.{t}",
                    Kind.SHARE,
                    "",
                    Better.NEITHER,
                    f"share of the run {t} spent on trips",
                    _side_of(s, [t]),
                )
            )
    for p, place in s.map.places.items():
        if place.berths:
            out += [
                MetricSpec(f"berth_wait_h.{p}", Kind.DURATION, "h", Better.LOWER, f"mean wait for a berth at {p}"),
                MetricSpec(f"berth_utilisation.{p}", Kind.SHARE, "", Better.NEITHER, f"share of {p}'s berths in use"),
            ]
    return out


def metrics(world: World) -> dict[str, float]:
    """Tonnage delivered and lost, on-time share, utilisation, berths."""
    lines, s = state(world), world.scenario
    m: dict[str, float] = {}
    for line_id, cls, amount in lines.delivered_by_line():
        m[f"delivered_t.{line_id}.{cls}"] = tonnes(s, cls, amount)
    moved = {cls for line in s.supply_lines for cls in line.cargo}
    for cls in s.logistics.class_names:
        if cls in moved:
            m[f"lost_t.{cls}"] = tonnes(s, cls, lines.ls.ledger[cls].lost)
    if s.supply_lines:
        trips = lines.trips_on_time
        m["on_time_share"] = sum(trips) / len(trips) if trips else math.nan
    for line in s.supply_lines:
        for t in line.transports:
            m[f"utilisation.{t}"] = lines.busy_min.get(t, 0.0) / world.now if world.now else 0.0
    for p, port in lines.ports.items():
        span = port.berths.capacity * (world.now - lines.since)
        ongoing = sum(stay.integral(world.now) for stay in port.stays.values())
        m[f"berth_utilisation.{p}"] = (port.busy_min + ongoing) / span if span > 0 else 0.0
        m[f"berth_wait_h.{p}"] = sum(port.waits) / len(port.waits) / 60.0 if port.waits else math.nan
    return m
