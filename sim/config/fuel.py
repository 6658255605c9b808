"""Fuel the orders need against what each unit starts with: a warning for ``exsim check``, before any run.

The rule is the logistics model's: a move burns the type's ``moving`` fuel per element per hour for
as long as the fastest path takes, and is refused when the tank holds less; a sortie draws its
``per_sortie`` fuel; a unit that arrives where a depot holds fuel tops up once its tank is at or below
``logistics.refill_below``. The walk follows each unit through the phases in the plan's order (a
transport's lift trip by trip), assuming depots never run dry. What it leaves out: fuel burnt idle or in
combat, MEDEVAC and supply-line trips (they depend on the run), orders of decision options and of
on-call phases.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sim.config.lift import first_fit, room, takes
from sim.config.ordering import phases_in_order
from sim.config.schema import (
    AssaultOrder,
    DisembarkOrder,
    EmbarkOrder,
    FireSupportOrder,
    LiftOrder,
    MoveOrder,
    Scenario,
)
from sim.config.yamlsafe import PathKey

_EPS = 1e-9


@dataclass
class _Tank:
    unit: str
    capacity: float
    level: float
    need: float = 0.0  # all the fuel its orders burn, refuelled or not
    short: tuple[PathKey, str, float, float] | None = None  # the first order refused: (path, what, needs, has)


def shortfalls(s: Scenario) -> Iterator[tuple[PathKey, str]]:
    """A warning at the first order each unit lacks the fuel for (it would be refused in a run)."""
    from sim.engine.geo import Map  # the engine's map finds the paths, so that check and a run agree on routes

    the_map = Map(s.map)
    units = {u.id: u for u in s.units}
    depots = {d.at for d in s.depots if "fuel" in d.stocks}
    at: dict[str, str | None] = {u.id: u.at for u in s.units}  # None: aboard a transport
    aboard: dict[str, str] = {}
    tanks: dict[str, _Tank] = {}
    for u in s.units:
        t = s.unit_types[u.type]
        if "fuel" in t.carries:
            full = t.carries["fuel"] * (u.strength or t.strength)
            tanks[u.id] = _Tank(u.id, full, full)

    def strength(uid: str) -> int:
        u = units[uid]
        return u.strength or s.unit_types[u.type].strength

    def refuel(tank: _Tank, place: str | None) -> None:
        if place in depots and tank.level <= tank.capacity * s.logistics.refill_below * (1 + 1e-6):
            tank.level = tank.capacity

    def burn(uid: str, need: float, where: PathKey, what: str) -> bool:
        """Take ``need`` from the unit's tank; False (and the shortfall noted) when it is not there."""
        tank = tanks.get(uid)
        if tank is None or need <= 0:
            return True
        tank.need += need
        if tank.short is not None:
            return True  # already reported: keep adding up what its orders need
        if tank.level < need * (1 - _EPS):
            tank.short = (where, what, need, tank.level)
            return False
        tank.level -= need
        return True

    def go(uid: str, dest: str, where: PathKey) -> None:
        """Move ``uid`` to ``dest`` on its fastest path, burning its moving fuel; refuel on arrival."""
        here = at[uid]
        if here is None or here == dest:
            return
        t = s.unit_types[units[uid].type]
        path = the_map.path(here, dest, {mode: kmh for mode, kmh in t.speed_kmh.items()})
        if path is None:
            return  # the scenario checks report a place a unit cannot reach
        per_min = t.consumption_per_min.get("moving", {}).get("fuel", 0.0) * strength(uid)
        burn(uid, per_min * path.minutes, where, f"to {dest} ({path.distance_km:g} km)")
        at[uid] = dest
        if uid in tanks:
            refuel(tanks[uid], dest)

    index = {p.id: i for i, p in enumerate(s.phases)}
    for phase in phases_in_order(s.phases):
        if phase.on_call:
            continue
        pi = index[phase.id]
        for oi, o in enumerate(phase.orders):
            where: PathKey = ("phases", pi, "orders", oi)
            if isinstance(o, MoveOrder | AssaultOrder):
                go(o.unit, o.to if isinstance(o, MoveOrder) else o.target, where)
            elif isinstance(o, EmbarkOrder):
                aboard[o.unit], at[o.unit] = o.on, None
            elif isinstance(o, DisembarkOrder) and o.unit in aboard:
                at[o.unit] = at[aboard.pop(o.unit)]
            elif isinstance(o, LiftOrder) and at[o.unit] is not None:
                origin = at[o.unit]
                t = s.unit_types[units[o.unit].type]
                needs = [takes(s.unit_types[units[n].type], strength(n)) for n in o.units]
                trips = len(first_fit(room(t, strength(o.unit)), needs))
                for k in range(trips):
                    go(o.unit, o.to, where)
                    if k < trips - 1 or o.return_:
                        go(o.unit, origin, where)  # type: ignore[arg-type]
                for n in o.units:
                    at[n] = o.to
            elif isinstance(o, FireSupportOrder):
                fs = s.unit_types[units[o.unit].type].fire_support
                per_sortie = fs.per_sortie.get("fuel", 0.0) if fs else 0.0
                for _ in range(o.sorties):
                    if o.unit in tanks:
                        refuel(tanks[o.unit], at[o.unit])
                    burn(o.unit, per_sortie, where, f"a sortie on {o.target}")
    for tank in tanks.values():
        if tank.short is None:
            continue
        where, what, need, has = tank.short
        yield (
            where,
            f"{tank.unit}: its orders need ~{tank.need:,.0f} L of fuel, it starts with {tank.capacity:,.0f} L "
            f"(refuelling only where a depot holds fuel): {what} needs {need:,.0f} L with ~{has:,.0f} L left "
            "and would be refused",
        )
