"""Orders that move units: move, embark, disembark and lift (a transport shuttling units in trips); launch
from and recovery to a ship's flight or well deck (the decks themselves: ``sim.engine.decks``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import simpy

from sim.config.lift import Load, one_trip, room, takes
from sim.config.orders import DisembarkOrder, EmbarkOrder, LiftOrder, MoveOrder
from sim.engine import draws
from sim.engine.assets import assets, is_asset, pieces
from sim.engine.bus import MoveRequested
from sim.engine.units import ORDER_PRIORITY, Unit, UnitState
from sim.engine.world import TurnBack

if TYPE_CHECKING:
    from sim.engine.world import Process, World


def on_deck(world: World, unit: Unit, recovering: bool) -> Process:
    """Hold a spot of ``unit``'s deck for one cycle, with the ship at a place; the place, or None if the ship
    sailed while the unit waited for a spot (the caller looks again)."""
    platforms, deck = world.platforms, world.platforms.deck(unit)
    ship = deck.ship
    while ship.location is None:
        yield platforms.arrival(ship)
    asked = world.env.now
    with deck.spots.request() as spot:
        yield spot
        deck.waits.append(world.env.now - asked)
        place = ship.location
        if place is None or (recovering and unit.location != place):
            return None
        world.emit("recover" if recovering else "launch", unit=unit.id, ship=ship.id, at=place)
        yield world.env.timeout(deck.cycle_min)
    return place


def launch(world: World, unit: Unit) -> Process:
    """Launch ``unit`` from the ship it is based on; True once it is off, at the ship's place."""
    while True:
        place = yield from on_deck(world, unit, recovering=False)
        if place is not None:
            break
    ship = world.units[unit.base]  # type: ignore[index]
    if not is_asset(world, unit):  # (an aircraft of a unit flying apart: the unit is what the ship's room counts)
        ship.carrying.remove(unit)
    unit.aboard, unit.location = None, place
    world.set_state(unit, UnitState.READY)
    return True


def travel(world: World, unit: Unit, dest: str) -> Process:
    """Move ``unit`` (and whatever it carries) to ``dest`` on its fastest open path.

    Waits while closures block every path, or while a model holds the unit back; returns False when it
    cannot go at all. Turned back by a closure ahead, it returns to where it set out (taking as long
    as it had been out) and tries again. A unit aboard the ship it is based on launches from its deck first.
    """
    if unit.location is None and unit.base is not None and unit.aboard == unit.base:
        yield from launch(world, unit)
    if unit.location == dest:
        return True
    if unit.location is None:
        world.fail(unit, "not at a place (aboard or moving)")
        return False
    while True:
        while (path := world.map.path(unit.location, dest, unit.speeds, world.closed)) is None:
            if not world.closed or world.map.path(unit.location, dest, unit.speeds) is None:
                world.fail(unit, f"no route from {unit.location} to {dest}")
                return False
            world.emit("wait_route", unit=unit.id, at=unit.location, to=dest)
            yield world.map_changed
        asked = world.bus.publish(MoveRequested(unit, path))
        if asked.refusal is not None:
            world.fail(unit, asked.refusal)
            return False
        if asked.hold is not None:
            world.emit("held", unit=unit.id, at=unit.location)
            yield asked.hold
            continue
        origin, unit.location = unit.location, None
        world.set_state(unit, UnitState.MOVING)
        if world.log.on:
            world.emit("depart", unit=unit.id, origin=origin, to=dest, eta_min=path.minutes)
        departed = world.env.now
        world.underway[unit] = (world.env.active_process, path, departed)  # type: ignore[assignment]
        try:
            yield world.env.timeout(path.minutes)
        except simpy.Interrupt as stop:
            if not isinstance(stop.cause, TurnBack):
                raise
            del world.underway[unit]
            world.emit("turn_back", unit=unit.id, to=origin)
            yield world.env.timeout(world.env.now - departed)
            unit.location = origin
            world.platforms.arrived(unit)
            world.emit("arrive", unit=unit.id, at=origin)
            world.set_state(unit, UnitState.READY)
            continue
        del world.underway[unit]
        unit.location = dest
        world.platforms.arrived(unit)
        if world.log.on:
            world.emit("arrive", unit=unit.id, at=dest)
        world.set_state(unit, UnitState.READY)
        return True


def follow(world: World, unit: Unit, target: Unit) -> Process:
    """Go to wherever ``target`` is (a ship), waiting while it is under way and following it when it has moved
    on meanwhile; True once both are at one place."""
    while True:
        while target.location is None:
            yield world.platforms.arrival(target)
        if unit.location == target.location:
            return True
        if not (yield from travel(world, unit, target.location)):
            return False


def recover(world: World, unit: Unit) -> Process:
    """Back aboard the ship ``unit`` is based on, wherever it is, through its deck; True once aboard."""
    if unit.base is None or unit.aboard == unit.base:
        return True
    ship = world.units[unit.base]
    while True:
        if not (yield from follow(world, unit, ship)):
            return False
        if (yield from on_deck(world, unit, recovering=True)) is not None:
            break
    if not is_asset(world, unit):
        ship.carrying.append(unit)
    unit.aboard, unit.location = ship.id, None
    world.set_state(unit, UnitState.ABOARD)
    return True


def go_back(world: World, unit: Unit, origin: str | None) -> Process:
    """Return to where a task began: a unit based on a ship recovers to it, wherever it is; others go to ``origin``."""
    if unit.base is not None:
        return (yield from recover(world, unit))
    return origin is not None and (yield from travel(world, unit, origin))


def move(world: World, unit: Unit, order: MoveOrder, done: simpy.Event) -> Process:
    yield from travel(world, unit, order.to)


def _board(world: World, unit: Unit, transport: Unit) -> None:
    if unit.aboard is not None:  # from a ship into its landing craft or helicopter
        world.units[unit.aboard].carrying.remove(unit)
    transport.carrying.append(unit)
    unit.aboard, unit.location = transport.id, None
    world.set_state(unit, UnitState.ABOARD)
    world.emit("embark", unit=unit.id, on=transport.id)


def _alight(world: World, unit: Unit, transport: Unit) -> None:
    transport.carrying.remove(unit)
    unit.aboard, unit.location = None, transport.location
    world.set_state(unit, UnitState.READY)
    world.emit("disembark", unit=unit.id, at=transport.location, transport=transport.id)


def _takes(unit: Unit) -> Load:
    return takes(unit.type, unit.strength)


def _room(transport: Unit) -> Load:
    """Seats, deck slots and tonnes still free aboard ``transport`` (see ``sim.config.lift``)."""
    free = room(transport.type, transport.strength)
    for u in transport.carrying:
        free -= _takes(u)
    return free


def embark(world: World, unit: Unit, order: EmbarkOrder, done: simpy.Event) -> Process:
    transport = world.units[order.on]
    if unit.location is None or unit.location != transport.location:
        world.fail(unit, f"not at the same place as {transport.id}")
        return
    if not _takes(unit).fits(free := _room(transport)):
        world.fail(unit, f"{transport.id} has room for {free} only; {unit.id} needs {_takes(unit)}")
        return
    _board(world, unit, transport)
    yield world.env.timeout(draws.fixed(world, transport.type.load_min, f"load:{transport.id}"))


def disembark(world: World, unit: Unit, order: DisembarkOrder, done: simpy.Event) -> Process:
    if unit.aboard is None:
        world.fail(unit, "not aboard a transport")
        return
    transport = world.units[unit.aboard]
    if transport.location is None:
        world.fail(unit, f"{transport.id} is under way")
        return
    place = transport.location
    yield world.env.timeout(draws.fixed(world, transport.type.unload_min, f"unload:{transport.id}"))
    if transport.location != place:  # the transport sailed off during the unloading
        world.fail(unit, f"{transport.id} left before {unit.id} was off")
        return
    _alight(world, unit, transport)


class _Lift:
    """What a lift has still to carry: elements of each unit still at the start, pieces under way."""

    def __init__(self, order: LiftOrder, origin: str | None, pending: list[Unit], shuttles: int, ship: Unit | None):
        self.order, self.origin, self.ship = order, origin, ship  # origin None: from the ship, wherever it is
        self.left = {u: u.strength for u in pending}  # elements still at the start
        self.flying: dict[Unit, int] = {}  # pieces of a split unit under way or aboard
        self.split: set[Unit] = set()  # units carried in pieces (not whole)
        self.trips, self.running = 0, shuttles

    def pending(self) -> list[Unit]:
        return [u for u, n in self.left.items() if n > 0]


def lift(world: World, transport: Unit, order: LiftOrder, done: simpy.Event) -> Process:
    """Shuttle ``order.units`` to ``order.to``: load what fits (in listed order), sail, unload, come back.

    A transport based on a ship (landing craft in a well deck, a helicopter on a flight deck) shuttles from
    the ship wherever it is: it takes units aboard that ship, and comes back to the ship between trips.

    A unit of several aircraft or vehicles that move apart (``sim.engine.assets``) shuttles with each at
    once (from a ship, each launched and recovered through its deck on its own, queueing for the deck's
    spots); a lifted unit too big for an empty trip goes in pieces of whole elements, in as many waves as it
    takes, and is across (ready at ``to``) when its last piece is.
    """
    origin = transport.location
    ship = world.units[transport.base] if transport.base is not None else None
    if origin is None and ship is None:  # under way or aboard: there is no place to shuttle from
        world.fail(transport, "not at a place, so it cannot start a lift")
        done.succeed()
        return
    shuttles = assets(world, transport)
    apart = shuttles != [transport]  # its aircraft or vehicles each go back to the ship on their own (_shuttle)
    shuttles = pieces(world, transport) if apart else shuttles  # (the aircraft it has lost fly no more)
    if not shuttles:
        world.fail(transport, "has no aircraft or vehicle left for a lift")
        done.succeed()
        return
    if ship is not None and not apart and not (yield from recover(world, transport)):
        world.fail(transport, f"cannot get back to {ship.id} to start a lift")
        done.succeed()
        return
    pending = []
    for name in order.units:
        u = world.units[name]
        here = u.aboard == ship.id and u is not transport if ship else u.location == origin and u.aboard is None
        if here and u.strength > 0:
            pending.append(u)
        else:
            world.fail(world.units[name], f"not at {ship.id if ship else origin} for the lift by {transport.id}")
    job = _Lift(order, origin, pending, len(shuttles), ship)
    for other in shuttles[1:]:  # each aircraft or vehicle on its own, taking its turn like an order
        world.env.process(_shuttle_turn(world, other, job, done))
    if apart:  # its first aircraft takes its turn too, so that a MEDEVAC mission does not take it mid-lift
        yield from _shuttle_turn(world, shuttles[0], job, done)
    else:
        yield from _shuttle(world, shuttles[0], job, done)
    if not done.triggered:  # the others are still at it: the order is done when the last is (not when this one is)
        yield done


def _shuttle_turn(world: World, shuttle: Unit, job: _Lift, done: simpy.Event) -> Process:
    with shuttle.busy.request(priority=ORDER_PRIORITY) as turn:
        yield turn
        yield from _shuttle(world, shuttle, job, done)


def _load(shuttle: Unit, job: _Lift) -> list[tuple[Unit, float]]:
    """A trip's load (``sim.config.lift.one_trip``): units, and how many of their elements."""
    waiting = job.pending()
    trip = one_trip(_room(shuttle), [(u.type, job.left[u], u in job.split) for u in waiting])
    return [(waiting[i], n) for i, n in trip]


def _shuttle(world: World, shuttle: Unit, job: _Lift, done: simpy.Event) -> Process:
    order, origin = job.order, job.origin
    if job.ship is not None:  # based on a ship: from the ship, wherever it is
        if not (yield from recover(world, shuttle)):
            _finished(world, shuttle, job, done)
            return
    elif origin is not None and shuttle.location != origin and not (yield from travel(world, shuttle, origin)):
        _finished(world, shuttle, job, done)
        return
    wave = 0
    while job.pending():
        load = _load(shuttle, job)
        if not load:
            world.fail(shuttle, "what is left does not fit")
            break
        for u, n in load:
            job.left[u] -= n
            if n == u.strength and u not in job.split:
                _board(world, u, shuttle)  # the whole unit, as it always was
            else:
                _board_piece(world, u, shuttle, n, job)
        job.trips += 1
        wave += 1
        if world.log.on and (job.split or len(assets(world, world.units[shuttle.id])) > 1):  # told in waves
            world.emit("lift_wave", unit=shuttle.id, wave=wave, units={u.id: n for u, n in load})
        yield world.env.timeout(draws.fixed(world, shuttle.type.load_min, f"load:{shuttle.id}"))
        if not (yield from travel(world, shuttle, order.to)):
            break
        yield world.env.timeout(draws.fixed(world, shuttle.type.unload_min, f"unload:{shuttle.id}"))
        for u, _ in load:
            if u in shuttle.carrying:
                _alight(world, u, shuttle)
            else:
                _alight_piece(world, u, shuttle, job)
        if job.pending() and not (yield from go_back(world, shuttle, origin)):
            break
    _finished(world, shuttle, job, done)
    if order.return_ and (origin is not None or job.ship is not None):
        yield from go_back(world, shuttle, origin)
    unit = world.units[shuttle.id]
    if unit is not shuttle:
        _regroup(world, unit)


def _regroup(world: World, unit: Unit) -> None:
    """A unit whose aircraft or vehicles are all at one place is there; all back aboard its ship, it is aboard."""
    mine = assets(world, unit)
    if unit.base is not None and all(a.aboard == unit.base for a in mine):
        if unit.aboard != unit.base:  # it had left the ship with its aircraft: it is back aboard
            world.units[unit.base].carrying.append(unit)
            unit.aboard, unit.location = unit.base, None
            world.set_state(unit, UnitState.ABOARD)
        return
    place = mine[0].location
    if place is None or any(a.location != place for a in mine):
        return
    if unit.aboard is not None:  # based on a ship, its aircraft all left at one place: so has the unit
        world.units[unit.aboard].carrying.remove(unit)
        unit.aboard = None
        unit.location = place
        world.set_state(unit, UnitState.READY)
    else:
        unit.location = place  # its aircraft or vehicles are all back together: the unit is there


def _finished(world: World, shuttle: Unit, job: _Lift, done: simpy.Event) -> None:
    """One shuttle has done its part; when the last has, the lift is done."""
    job.running -= 1
    if job.running == 0:
        world.emit("lift_done", unit=shuttle.id, trips=job.trips)
        done.succeed()


def _board_piece(world: World, unit: Unit, shuttle: Unit, n: float, job: _Lift) -> None:
    """Part of a unit goes aboard: the unit leaves its place (or its ship) with its first piece and is in
    transit until the last is across."""
    if unit not in job.split:
        job.split.add(unit)
        if unit.aboard is not None:  # from a ship into its landing craft or helicopters
            world.units[unit.aboard].carrying.remove(unit)
        unit.aboard, unit.location = shuttle.id, None
        world.set_state(unit, UnitState.ABOARD)
        world.emit("embark", unit=unit.id, on=shuttle.id, elements=n)  # (the waves tell the later pieces)
    job.flying[unit] = job.flying.get(unit, 0) + 1


def _alight_piece(world: World, unit: Unit, shuttle: Unit, job: _Lift) -> None:
    job.flying[unit] -= 1
    if job.flying[unit] == 0 and job.left[unit] <= 0:  # the last piece is across: the unit is whole again
        unit.aboard, unit.location = None, shuttle.location
        world.set_state(unit, UnitState.READY)
        world.emit("disembark", unit=unit.id, at=shuttle.location, transport=shuttle.id)


def install(world: World) -> None:
    world.register("move", move)
    world.register("embark", embark)
    world.register("disembark", disembark)
    world.register("lift", lift)
