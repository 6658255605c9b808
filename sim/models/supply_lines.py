"""Supply lines and port traffic: transports carrying cargo between depots in trips, ships queueing at berths."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.config.schema import Scenario
from sim.config.supply import SupplyLine
from sim.engine.movement import travel
from sim.engine.units import ORDER_PRIORITY, Unit

if TYPE_CHECKING:
    from sim.engine.world import Process, World
    from sim.models.logistics import DepotStore, LogisticsState


def tonnes(scenario: Scenario, cls: str, amount: float) -> float:
    """Weight of ``amount`` of ``cls``: fuel and water are counted in litres."""
    if cls == "fuel":
        return amount * scenario.logistics.fuel_kg_per_l / 1000.0
    if cls == "water":
        return amount / 1000.0
    return amount


def _load_plan(world: World, line: SupplyLine, transport: Unit) -> dict[str, float]:
    """What to ask the origin for: the line's cargo, scaled down to the transport's weight limit."""
    cap_t = transport.type.cargo_t * math.floor(transport.strength)
    weight = sum(tonnes(world.scenario, cls, a) for cls, a in line.cargo.items())
    scale = min(1.0, cap_t / weight) if weight > 0 else 0.0
    return {cls: a * scale for cls, a in line.cargo.items()}


def run_line(world: World, ls: LogisticsState, line: SupplyLine, transport: Unit) -> Process:
    env = world.env
    origin, dest = ls.depots[line.from_], ls.depots[line.to]
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
            if not (yield from _trip(world, ls, line, transport, origin, dest)):
                return


def _trip(
    world: World, ls: LogisticsState, line: SupplyLine, transport: Unit, origin: DepotStore, dest: DepotStore
) -> Process:
    """One round trip: load at the origin, sail, unload what fits, come back. False ends the line."""
    env = world.env
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
    world.emit("load", line=line.id, transport=transport.id, cargo=loaded)
    ship = "sea" in transport.speeds
    yield from ls.alongside(origin.place, transport.type.load_min, ship)
    nominal = world.map.path(origin.place, dest.place, transport.speeds)
    planned = start + transport.type.load_min + (nominal.minutes if nominal else 0.0) + transport.type.unload_min
    if not (yield from travel(world, transport, dest.place)):
        _unload_back(ls, origin, loaded)
        return False
    if line.loss_prob and world.streams[f"cargo:{line.id}"].uniform() < line.loss_prob:
        for cls, a in loaded.items():
            ls.in_transit[cls] -= a
            ls.ledger[cls].lost += a
        world.emit("cargo_lost", line=line.id, transport=transport.id, cargo=loaded)
        loaded = dict.fromkeys(loaded, 0.0)
    yield from ls.alongside(dest.place, transport.type.unload_min, ship)
    on_time = env.now <= planned + world.scenario.logistics.on_time_tolerance
    for cls, a in loaded.items():
        put = dest.put(cls, a)
        ls.in_transit[cls] -= put
        loaded[cls] = a - put
        if put > 0:
            ls.deliveries.append((line.id, cls, put))
    ls.trips_on_time.append(on_time)
    world.emit("deliver", line=line.id, transport=transport.id, at=dest.id, on_time=on_time)
    for u in world.units_at(dest.place):
        ls.refill(u)
    back = yield from travel(world, transport, origin.place)
    ls.busy_min[transport.id] = ls.busy_min.get(transport.id, 0.0) + env.now - start
    if back:
        _unload_back(ls, origin, loaded)
    return back


def _unload_back(ls: LogisticsState, origin: DepotStore, cargo: dict[str, float]) -> None:
    """Cargo that found no room (or never left) goes back into the origin depot."""
    for cls, a in cargo.items():
        if a > 0:
            put = origin.put(cls, a)
            ls.in_transit[cls] -= put


def run_traffic(world: World, ls: LogisticsState, port: str, per_day: float, berth_min: float) -> Process:
    stream = world.streams[f"traffic:{port}"]
    while True:
        yield world.env.timeout(stream.exponential(per_day / 1440.0))
        world.env.process(ls.alongside(port, stream.exponential(1.0 / berth_min)))
