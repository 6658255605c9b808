"""Orders that wait for siblings (``with:`` on a move or an assault): the unit sets out only when each unit
it goes with is ready for its own order to the same place, and times its start so that it arrives when
the last of them does; with ``assemble_at:`` it goes there first and waits there.

Every move and assault records when its unit was ready for it and how long its way is (a dictionary,
no simulation event), so that a unit told to wait knows when its siblings could arrive; only a unit that
waits makes simulation events, so scenarios without ``with:`` run as they always did.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.config.orders import goal
from sim.engine.movement import travel
from sim.engine.units import Unit

if TYPE_CHECKING:
    import simpy

    from sim.engine.world import Process, World


class Rendezvous:
    """(unit, place) -> (time it was ready, minutes of its way, whether it waits itself); and who waits."""

    def __init__(self) -> None:
        self.ready: dict[tuple[str, str], tuple[float, float, bool]] = {}
        self.waiting: dict[tuple[str, str], list[simpy.Event]] = {}


def _state(world: World) -> Rendezvous:
    found = world.services.find(Rendezvous)
    if found is None:
        found = Rendezvous()
        world.services.provide(found)
    return found


def _way_min(world: World, unit: Unit, place: str) -> float:
    """Minutes of the unit's fastest open way to ``place`` from where it is (0: there, or not at a place)."""
    if unit.location is None or unit.location == place:
        return 0.0
    path = world.map.path(unit.location, place, unit.speeds, world.closed)
    return path.minutes if path is not None else 0.0


def _post(world: World, unit: Unit, place: str, waits: bool) -> None:
    st = _state(world)
    st.ready[(unit.id, place)] = (world.env.now, _way_min(world, unit, place), waits)
    for ev in st.waiting.pop((unit.id, place), []):
        if not ev.triggered:
            ev.succeed()


def gone(world: World, unit: Unit, order: Any) -> None:
    """The unit will not carry out ``order`` (lost, or the unit out of action): whoever waits for it to be
    ready for it waits no longer (and goes without it)."""
    place = goal(order)
    if place is not None:
        st = _state(world)
        st.ready[(unit.id, place)] = (world.env.now, 0.0, False)
        for ev in st.waiting.pop((unit.id, place), []):
            if not ev.triggered:
                ev.succeed()


def ready(world: World, unit: Unit, order: Any) -> Process:
    """The unit is ready for ``order``: say so, and if the order goes ``with`` others, wait for them. False when
    it cannot reach its ``assemble_at:``: the order stops there, and its siblings go without it."""
    place = goal(order)
    if place is None:
        return True
    siblings = [s for s in order.with_ if s != unit.id]
    if not siblings:
        _post(world, unit, place, False)
        return True
    if order.assemble_at is not None and not (yield from travel(world, unit, order.assemble_at)):
        gone(world, unit, order)  # (travel has logged why: order_failed)
        return False
    _post(world, unit, place, True)
    st = _state(world)
    missing = [s for s in siblings if (s, place) not in st.ready]
    if missing:
        world.emit("wait_for", unit=unit.id, units=missing, to=place)
        events = []
        for s in missing:
            ev = world.env.event()
            st.waiting.setdefault((s, place), []).append(ev)
            events.append(ev)
        yield world.env.all_of(events)
    now = world.env.now
    mine = _way_min(world, unit, place)
    arrive = now + mine
    for s in siblings:
        t, way, waits = st.ready[(s, place)]
        arrive = max(arrive, (now if waits else t) + way)
    if arrive - mine > now + 1e-9:  # the others are further away: hold back so as to arrive together
        world.emit("wait_for", unit=unit.id, units=siblings, to=place, until=arrive - mine)
        yield world.env.timeout(arrive - mine - now)
    return True
