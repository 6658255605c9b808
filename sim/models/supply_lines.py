"""Supply lines and port traffic: transports carrying cargo in trips, ships queueing at berths.

A line delivers to a depot (``to:``), to units wherever they are (``to_units:``: each topped up in turn), or
to whoever needs it at a place (``to_place:``: the units there, then its depots). It starts at ``start:``
and/or on a trigger (``when:``); an effect may redirect it (``redirect_supply``) from its next trip on. A
trip that cannot start (the transport aboard or away with no way back, the origin empty while another line
fills it, nobody needing anything) waits and is tried again. When a unit runs dry, :meth:`LinesState.why_dry`
says why, for the story.

A depot aboard a ship is wherever the ship is: a line loads from it there (a craft based on that ship loads in
its deck), waiting while the ship is under way. A transport based on a ship goes back aboard after each trip,
and starts the next from wherever the ship is then. With ``apart: true``, each aircraft, vehicle or craft of a
transport unit makes its own trips with its share of the cargo (``sim.engine.assets``).

Built on the logistics model (its depots, tanks and ledger); logistics knows nothing of lines.
"""

from __future__ import annotations

import math
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import simpy

from sim.config import exercise as ex
from sim.config.distributions import SpanValue, mean_of
from sim.config.lines import SupplyLine
from sim.config.schema import Scenario
from sim.config.text import pick
from sim.engine import draws
from sim.engine.assets import alive, assets, is_asset, pieces
from sim.engine.monitor import Monitor
from sim.engine.movement import follow, recover, travel
from sim.engine.units import ORDER_PRIORITY, Unit
from sim.models.combat import english_name
from sim.models.contract import Better, Kind, MetricSpec
from sim.models.events import SupplyRedirected
from sim.models.injects import trigger
from sim.models.logistics import DepotStore, LogisticsState, tonnes
from sim.models.logistics import state as logistics_state

if TYPE_CHECKING:
    from sim.engine.world import Process, World

NAME = "supply_lines"
SECTIONS = ("supply_lines", "traffic")


FULL = 0.99  # a unit's tank above this share of its capacity needs nothing from a line to units or a place
RETRY = "retry"  # a trip that could not start: wait, then try again


@dataclass
class Target:
    """Where a line delivers now (a redirection changes it): exactly one of the three is given."""

    to: str | None
    to_units: list[str]
    to_place: str | None


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
        self.target = {x.id: Target(x.to, list(x.to_units), x.to_place) for x in world.scenario.supply_lines}
        self.delivered_to: dict[tuple[str, str], float] = {}  # (class, place or unit) -> amount, lines to either
        self.waiting: dict[str, str] = {}  # line -> why its next trip waits (the trigger, a transport away...)
        self.trips_on_time: list[bool] = []  # per completed delivery trip
        self.busy_min: dict[str, float] = {}
        self.share: dict[Unit, float] = {}  # an asset of a line with apart: -> its share of the line's cargo
        self.assets: dict[str, int] = {}  # transport unit -> how many assets make its trips (apart:)

    def alongside(self, place: str | None, minutes: float, ship: bool = True) -> Process:
        """Spend ``minutes`` loading or unloading; a ship takes a berth (queueing if all are taken)."""
        port = self.ports.get(place) if ship and place is not None else None
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

    def redirected(self, ev: SupplyRedirected) -> None:
        if ev.line in self.target:
            self.target[ev.line] = Target(ev.to, list(ev.to_units), ev.to_place)
            self.world.emit(
                "line_redirected",
                line=ev.line,
                to=ev.to or ev.to_place or ", ".join(ev.to_units),
                units=bool(ev.to_units),
            )

    def serving(self, unit: Unit, cls: str) -> list[SupplyLine]:
        """The lines whose deliveries reach ``unit`` where it is now, carrying ``cls``."""
        out = []
        for line in self.world.scenario.supply_lines:
            t = self.target[line.id]
            if cls not in line.cargo:
                continue
            if t.to is not None:
                depot = self.ls.depots[t.to]
                reaches = depot in (self.ls.depots_for(unit) or [])
            else:
                reaches = unit.id in t.to_units or (t.to_place is not None and t.to_place == unit.location)
            if reaches:
                out.append(line)
        return out

    def why_dry(self, unit: Unit, cls: str) -> str:
        """Why ``unit`` ran out of ``cls``: the first of no line serves it, its lines' transports lost, the
        line not started, waiting (transport away, route closed, origin empty), else too little, too late."""
        lines = self.serving(unit, cls)
        if not lines:
            here = [d for d in self.ls.depots_for(unit) or [] if self.ls.depot_side[d.id] in (None, unit.side)]
            if any(d.level(cls) <= 0 for d in here if cls in d.containers):  # a depot it may draw from
                return "depot_empty"
            drew = self.ls.drew_from.get((unit.id, cls))
            if drew is not None and drew not in here:  # the stores it drew from sailed away with their ship
                return "depot_away"
            return "no_line"
        if all(self.world.units[t].strength <= 0 for line in lines for t in line.transports):
            return "transports_lost"
        waits = [self.waiting[line.id] for line in lines if line.id in self.waiting]
        if len(waits) == len(lines):
            return waits[0]
        if all(self.ls.depots[line.from_].level(cls) <= 0 for line in lines):
            return "origin_empty"
        if all(self.ls.depots[line.from_].place is None for line in lines):  # aboard a ship under way
            return "transport_away"
        return "too_slow"

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


def _load_plan(world: World, lines: LinesState, line: SupplyLine, transport: Unit) -> dict[str, float]:
    """What to ask the origin for: the line's cargo (an asset's share of it, with apart:), scaled down to the
    transport's weight limit."""
    share = lines.share.get(transport, 1.0)
    cap_t = transport.type.cargo_t * math.floor(transport.strength)
    weight = sum(tonnes(world.scenario, cls, a * share) for cls, a in line.cargo.items())
    scale = min(1.0, cap_t / weight) if weight > 0 else 0.0
    return {cls: a * share * scale for cls, a in line.cargo.items()}


def run_line(world: World, lines: LinesState, line: SupplyLine, transport: Unit) -> Process:
    """Wait for the line's start (a time, a trigger), then make its trips: the transport unit as one, or with
    ``apart: true`` each of its aircraft, vehicles or craft on its own (``sim.engine.assets``)."""
    env = world.env
    if line.start:
        yield env.timeout(line.start)
    first = line.start
    if line.when is not None:
        lines.waiting[line.id] = "not_started"
        yield trigger(world, line.when)
        lines.waiting.pop(line.id, None)
        first = env.now  # a schedule counts from the trigger
    shuttles = assets(world, transport) if line.apart else [transport]
    if len(shuttles) > 1:
        lines.assets[transport.id] = len(shuttles)
        for a in shuttles:
            lines.share[a] = 1.0 / len(shuttles)
        for a in shuttles[1:]:
            env.process(_trips(world, lines, line, a, first))
    yield from _trips(world, lines, line, shuttles[0], first)


def _trips(world: World, lines: LinesState, line: SupplyLine, transport: Unit, first: float) -> Process:
    """One transport (a unit, or one asset of it) making the line's trips, one after another."""
    env = world.env
    origin = lines.ls.depots[line.from_]
    trip = 0
    while alive(world, transport):
        target = lines.target[line.id]
        if line.dispatch == "schedule":
            slot = first + trip * line.every  # type: ignore[operator]
            if env.now < slot:
                yield env.timeout(slot - env.now)
        elif line.dispatch == "reorder" and target.to is not None:
            dest = lines.ls.depots[target.to]
            while not dest.low(list(line.cargo)):
                yield dest.wait_low()
        trip += 1
        # orders and lines share a transport, first come first served
        with transport.busy.request(priority=ORDER_PRIORITY) as turn, ExitStack() as aircraft:
            yield turn
            if not is_asset(world, transport):  # the whole unit goes: none of its aircraft flies another task
                for a in pieces(world, transport):
                    yield aircraft.enter_context(a.busy.request(priority=ORDER_PRIORITY))
            target = lines.target[line.id]  # (redirected while it waited)
            if target.to is not None:
                done = yield from _trip(world, lines, line, transport, origin, lines.ls.depots[target.to])
            else:
                done = yield from _trip_out(world, lines, line, transport, origin, target)
        if done is RETRY:  # the lock is let go: an order (a landing) may bring the transport where it can start
            trip -= 1
            yield env.any_of([env.timeout(line.retry), world.map_changed])
        elif not done:
            return
        else:
            lines.waiting.pop(line.id, None)


def _cannot_start(world: World, lines: LinesState, line: SupplyLine, transport: Unit, origin: DepotStore) -> bool:
    """The transport is aboard, under way, or cut off from the origin, or the origin is aboard a ship under way
    (noted as why the line waits)."""
    if _loads_aboard(transport, origin):
        return False
    here = transport.location
    if here is None and transport.base is not None and transport.aboard == transport.base:
        here = world.units[transport.base].location  # a deck-based craft launches from its ship wherever it is
    there = origin.place  # (a depot aboard a ship: where the ship is now)
    if here is not None and there is not None and (here == there or world.map.path(here, there, transport.speeds)):
        return False
    if lines.waiting.get(line.id) != "transport_away":  # told once, not at every retry
        lines.waiting[line.id] = "transport_away"
        world.emit("line_waiting", line=line.id, transport=transport.id, reason="transport_away")
    return True


def _filled_by_another(lines: LinesState, line: SupplyLine, origin: DepotStore) -> bool:
    """Another line delivers into ``line``'s origin: an empty origin is worth waiting for."""
    place = origin.place
    return any(
        t.to == origin.id or (place is not None and t.to_place == place)
        for lid, t in lines.target.items()
        if lid != line.id
    )


def _loads_aboard(transport: Unit, depot: DepotStore) -> bool:
    """The transport is in the deck of the ship that ``depot`` is aboard (a craft or aircraft based on it): it
    loads and unloads there, wherever the ship is, without a trip. (One carried as cargo waits to be landed.)"""
    ship = depot.carrier
    return ship is not None and transport.base == ship.id and transport.aboard == ship.id


def _reach(world: World, transport: Unit, depot: DepotStore) -> Process:
    """Take the transport to ``depot``: to its place, or to wherever the unit it is aboard is now; True there."""
    if _loads_aboard(transport, depot):
        return True
    if depot.carrier is not None:
        return (yield from follow(world, transport, depot.carrier))
    return (yield from travel(world, transport, depot.place))  # type: ignore[arg-type]


def _home(world: World, transport: Unit, origin: DepotStore) -> Process:
    """After a trip: a transport based on a ship (aircraft on its flight deck, craft in its well deck) goes back
    aboard, wherever the ship is now; others go back to the origin."""
    if transport.base is not None:
        return (yield from recover(world, transport))
    return (yield from _reach(world, transport, origin))


def _set_out(world: World, lines: LinesState, line: SupplyLine, transport: Unit, origin: DepotStore) -> Process:
    """A trip's start: the transport to the origin, and the cargo loaded (a dict), or RETRY (it cannot start,
    or the origin is empty but another line fills it) or False (the origin has nothing left: the line ends)."""
    if _cannot_start(world, lines, line, transport, origin):
        return RETRY
    if (transport.location is None or transport.location != origin.place) and not (
        yield from _reach(world, transport, origin)
    ):
        return False
    plan = _load_plan(world, lines, line, transport)
    if all(origin.level(cls) <= 0 for cls in plan):
        if _filled_by_another(lines, line, origin):
            lines.waiting[line.id] = "origin_empty"
            return RETRY
        world.emit("line_stopped", line=line.id, reason=f"{origin.id} has nothing left to send")
        return False
    loaded = {cls: origin.take(cls, a) for cls, a in plan.items()}
    for cls, a in loaded.items():
        lines.ls.in_transit[cls] += a
    world.emit("load", line=line.id, transport=transport.id, cargo=dict(loaded))  # a copy: `loaded` changes
    return loaded


def _trip(
    world: World, lines: LinesState, line: SupplyLine, transport: Unit, origin: DepotStore, dest: DepotStore
) -> Process:
    """One round trip: load at the origin, sail, unload what fits, come back. False ends the line; RETRY waits."""
    env, ls = world.env, lines.ls
    loaded = yield from _set_out(world, lines, line, transport, origin)
    if loaded is RETRY or loaded is False:
        return loaded
    start = env.now
    ship = "sea" in transport.speeds and not _loads_aboard(transport, origin)  # (a berth, unless in its deck)
    utype = transport.type
    yield from lines.alongside(origin.place, draws.fixed(world, utype.load_min, f"load:{transport.id}"), ship)
    src, dst = origin.place or transport.location, dest.place
    nominal = world.map.path(src, dst, transport.speeds) if src is not None and dst is not None else None
    planned = start + mean_of(utype.load_min) + (nominal.minutes if nominal else 0.0) + mean_of(utype.unload_min)
    if not (yield from _reach(world, transport, dest)):
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
    for u in world.units_at(dest.place) if dest.place is not None else []:
        ls.refill(u)
    back = yield from _home(world, transport, origin)
    lines.busy_min[transport.id] = lines.busy_min.get(transport.id, 0.0) + env.now - start
    if back:
        _unload_back(ls, origin, loaded)
    return back


def _wanted(lines: LinesState, line: SupplyLine, transport: Unit, target: Target) -> bool:
    """Someone at the destination needs some of the line's cargo: a unit below full, a depot with room."""
    ls, world = lines.ls, lines.world
    units = [u for u in _units_of(world, transport, target, target.to_place) if u.location is not None]
    for u in units:  # (a unit aboard or under way cannot be reached: it needs nothing yet)
        tanks = ls.tanks.get(u.id, {})
        for cls in line.cargo:
            if cls in tanks:
                tanks[cls].settle()
                if tanks[cls].level < FULL * tanks[cls].capacity:
                    return True
    for d in ls.depots.values():
        if (
            target.to_place is not None
            and d.place == target.to_place
            and any(d.level(c) < d.containers[c].capacity for c in line.cargo if c in d.containers)
        ):
            return True
    return False


def _units_of(world: World, transport: Unit, target: Target, place: str | None) -> list[Unit]:
    """The units a trip serves: the line's units (alive), or the units at ``place`` of its side and of the
    sides that fight no one (sides: posture neutral or civilian: the people a relief line is for)."""
    if target.to_units:
        return [world.units[u] for u in target.to_units if world.units[u].strength > 0]
    if place is None:
        return []
    sides = world.scenario.sides
    return [
        u
        for u in world.units_at(place)
        if u.id != transport.id and (u.side == transport.side or (u.side in sides and not sides[u.side].fights))
    ]


def _trip_out(
    world: World, lines: LinesState, line: SupplyLine, transport: Unit, origin: DepotStore, target: Target
) -> Process:
    """One round trip to units or a place: load, go to each unit in turn (or to the place), top up the units
    (then the place's depots), come back. False ends the line (its units all gone); RETRY waits."""
    env, ls = world.env, lines.ls
    if target.to_units and not _units_of(world, transport, target, None):
        world.emit("line_stopped", line=line.id, reason="every unit it served is gone")
        return False
    if not _wanted(lines, line, transport, target):
        return RETRY
    loaded = yield from _set_out(world, lines, line, transport, origin)
    if loaded is RETRY or loaded is False:
        return loaded
    start = env.now
    ship, utype = "sea" in transport.speeds and not _loads_aboard(transport, origin), transport.type
    yield from lines.alongside(origin.place, draws.fixed(world, utype.load_min, f"load:{transport.id}"), ship)
    stops: list[str] = list(target.to_units) or [target.to_place or ""]
    lost = line.loss_prob and world.streams[f"cargo:{line.id}"].uniform() < line.loss_prob
    handed = False
    for stop in stops:
        unit = world.units.get(stop) if target.to_units else None  # type: ignore[arg-type]
        if unit is not None and unit.strength <= 0:
            continue
        for _ in range(3):  # a unit on the move is followed (a few times) to where it is now
            where = unit.location if unit is not None else stop
            if where is None or not (yield from travel(world, transport, where)):
                break
            if unit is None or unit.location == transport.location:
                break
        if transport.location != (unit.location if unit is not None else stop) or transport.location is None:
            continue  # not reached (aboard, moving on, no way): the next stop
        if lost:
            for cls, a in loaded.items():
                ls.in_transit[cls] -= a
                ls.ledger[cls].lost += a
            world.emit("cargo_lost", line=line.id, transport=transport.id, cargo=dict(loaded))
            loaded = dict.fromkeys(loaded, 0.0)
            break
        yield from lines.alongside(
            transport.location, draws.fixed(world, utype.unload_min, f"unload:{transport.id}"), ship
        )
        place = transport.location
        given = _hand_over(lines, line, transport, target, place, unit, loaded)
        if any(given.values()):
            handed = True
            world.emit(
                "deliver",
                line=line.id,
                transport=transport.id,
                at=stop if unit is not None else place,
                unit=unit is not None,
                on_time=True,
                left=dict(loaded),
            )
        if not any(a > 0 for a in loaded.values()):
            break
    back = yield from _home(world, transport, origin)
    lines.busy_min[transport.id] = lines.busy_min.get(transport.id, 0.0) + env.now - start
    if back:
        _unload_back(ls, origin, loaded)
    # nothing handed over (nobody reached): wait before the next try, not at once again
    return back if handed or not back else RETRY


def _hand_over(
    lines: LinesState,
    line: SupplyLine,
    transport: Unit,
    target: Target,
    place: str,
    unit: Unit | None,
    loaded: dict[str, float],
) -> dict[str, float]:
    """Top up ``unit`` (or the side's units at ``place``, then its depots) from ``loaded``; what each class gave."""
    ls, world = lines.ls, lines.world
    receivers = [unit] if unit is not None else _units_of(world, transport, target, place)
    depots = [] if unit is not None else [d for d in ls.depots.values() if d.place == place]
    key = unit.id if unit is not None else place
    given = dict.fromkeys(loaded, 0.0)
    for cls in loaded:
        for u in receivers:
            tank = ls.tanks.get(u.id, {}).get(cls)
            if tank is not None and loaded[cls] > 0:
                put = tank.add(loaded[cls])
                loaded[cls] -= put
                given[cls] += put
        for d in depots:
            if loaded[cls] > 0:
                put = d.put(cls, loaded[cls])
                loaded[cls] -= put
                given[cls] += put
        ls.in_transit[cls] -= given[cls]
        if given[cls] > 0:
            lines.deliveries.append((line.id, cls, given[cls]))
            lines.delivered_to[(cls, key)] = lines.delivered_to.get((cls, key), 0.0) + given[cls]
    for u in world.units_at(place):
        ls.refill(u)
    return given


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
    lines.ls.why_dry = lines.why_dry
    world.bus.subscribe(SupplyRedirected, lines.redirected)
    for line in world.scenario.supply_lines:
        for t in line.transports:
            world.env.process(run_line(world, lines, line, world.units[t]))
    for tr in world.scenario.traffic:
        world.env.process(run_traffic(world, lines, tr.port, tr.arrivals_per_min, tr.berth_time))


def _side_of(s: Scenario, unit_ids: list[str]) -> str | None:
    sides = {u.side for u in s.units if u.id in unit_ids}
    return sides.pop() if len(sides) == 1 else None


def _redirections(s: Scenario) -> list[ex.RedirectSupply]:
    effects = [*(e for i in s.injects for e in i.effects)]
    effects += [e for p in s.decision_points for o in p.options.values() for e in o.effects]
    return [e for e in effects if isinstance(e, ex.RedirectSupply)]


def handed_over(s: Scenario) -> list[tuple[str, str, str | None]]:
    """(class, place or unit, side) of every delivery a line to units or a place may make, redirections too:
    the metrics delivered.<class>.<place or unit>."""
    out: dict[tuple[str, str], str | None] = {}
    lines = {x.id: x for x in s.supply_lines}
    sides = {u.id: u.side for u in s.units}
    ends = [(x.id, x.to_units, x.to_place) for x in s.supply_lines]
    ends += [(e.line, e.to_units, e.to_place) for e in _redirections(s) if e.line in lines]
    for line_id, units, place in ends:
        line = lines[line_id]
        for cls in s.logistics.class_names:
            if cls in line.cargo:
                for end in [*units, *([place] if place else [])]:
                    out.setdefault((cls, end), sides.get(end, _side_of(s, list(line.transports))))
    return [(cls, end, side) for (cls, end), side in out.items()]


def _english(s: Scenario, end: str) -> str:
    """A place's or a unit's English name for a metric's description (its id when it has none)."""
    if end in s.map.places:
        return english_name(s, end)
    unit = next((u for u in s.units if u.id == end), None)
    return pick(unit.name, "en") or end if unit is not None else end


def declare(s: Scenario) -> list[MetricSpec]:
    moved = {cls for line in s.supply_lines for cls in line.cargo}
    out = [
        MetricSpec(
            f"delivered.{cls}.{end}",
            Kind.AMOUNT,
            s.logistics.measure(cls),
            Better.HIGHER,
            f"{cls} delivered to {_english(s, end)}",
            side,
        )
        for cls, end, side in handed_over(s)
    ]
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
    m: dict[str, float] = {
        f"delivered.{cls}.{end}": lines.delivered_to.get((cls, end), 0.0) for cls, end, _ in handed_over(s)
    }
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
            n = lines.assets.get(t, 1)  # (apart: the mean over its assets)
            m[f"utilisation.{t}"] = lines.busy_min.get(t, 0.0) / n / world.now if world.now else 0.0
    for p, port in lines.ports.items():
        span = port.berths.capacity * (world.now - lines.since)
        ongoing = sum(stay.integral(world.now) for stay in port.stays.values())
        m[f"berth_utilisation.{p}"] = (port.busy_min + ongoing) / span if span > 0 else 0.0
        m[f"berth_wait_h.{p}"] = sum(port.waits) / len(port.waits) / 60.0 if port.waits else math.nan
    return m
