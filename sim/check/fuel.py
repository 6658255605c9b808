"""Fuel (and a sortie's ammunition) the orders need against what each unit starts with: a warning for
``exsim check``, before any run.

The rule is the logistics model's: a move burns the type's ``moving`` fuel per element per hour for
as long as the fastest path takes, and is refused when the tank holds less; a sortie draws every class
of its ``per_sortie`` (fuel, a fire mission's ammunition) and is refused whole when one falls short; a
unit that arrives where a depot holds a class tops that tank up once it is at or below
``logistics.refill_below``. The walk follows each unit through the phases in the plan's order (a
transport's lift trip by trip), assuming depots never run dry. What it leaves out: fuel burnt idle or in
combat, ammunition spent in combat, MEDEVAC and supply-line trips (they depend on the run), orders of
decision options and of on-call phases.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sim.config.lift import shuttles, trip_room, waves
from sim.config.ordering import phases_in_order
from sim.config.orders import AssaultOrder, DisembarkOrder, EmbarkOrder, FireSupportOrder, LiftOrder, MoveOrder, Order
from sim.config.schema import Scenario
from sim.config.supply import measure_of
from sim.config.yamlsafe import PathKey
from sim.engine.decks import deck_for
from sim.engine.geo import Map  # the engine's map finds the paths, so that check and a run agree on routes

_EPS = 1e-9


@dataclass
class _Tank:
    unit: str
    cls: str
    capacity: float
    level: float
    need: float = 0.0  # all the fuel its orders burn, refuelled or not
    short: tuple[PathKey, str, float, float] | None = None  # the first order refused: (path, what, needs, has)


def shortfalls(s: Scenario) -> Iterator[tuple[PathKey, str]]:
    """A warning at the first order each unit lacks the fuel for, or a sortie's ammunition (it would be
    refused in a run)."""
    walk = _Walk(s)
    index = {p.id: i for i, p in enumerate(s.phases)}
    for phase in phases_in_order(s.phases):
        if phase.on_call:
            continue
        pi = index[phase.id]
        for oi, o in enumerate(phase.orders):
            walk.follow(o, ("phases", pi, "orders", oi))
    for tank in walk.tanks.values():
        if tank.short is not None:
            yield _warning(tank, *tank.short)


class _Walk:
    """Where each unit is and what its tanks hold, order by order."""

    def __init__(self, s: Scenario) -> None:
        self.s = s
        self.map = Map(s.map)
        self.units = {u.id: u for u in s.units}
        self.depots: dict[str, set[str]] = {}  # class -> the places where a depot holds it
        for d in s.depots:
            for cls in d.stocks:
                self.depots.setdefault(cls, set()).add(d.at)
        self.at: dict[str, str | None] = {u.id: None if u.aboard else u.at for u in s.units}  # None: aboard
        self.aboard: dict[str, str] = {u.id: u.aboard for u in s.units if u.aboard}
        self.tanks = _tanks(s)

    def follow(self, o: Order, where: PathKey) -> None:
        """Move, embark, disembark, lift or fire as ``o`` says; other orders use no fuel."""
        if isinstance(o, MoveOrder | AssaultOrder):
            self.go(o.unit, o.to if isinstance(o, MoveOrder) else o.target, where)
        elif isinstance(o, EmbarkOrder):
            self.aboard[o.unit], self.at[o.unit] = o.on, None
        elif isinstance(o, DisembarkOrder) and o.unit in self.aboard:
            self.at[o.unit] = self.at[self.aboard.pop(o.unit)]
        elif isinstance(o, LiftOrder):
            self.lift(o, where)
        elif isinstance(o, FireSupportOrder):
            self.fire(o, where)

    def launch(self, uid: str) -> str | None:
        """The place of the ship whose deck ``uid`` operates from, which it leaves; None: not on such a ship."""
        ship = self.aboard.get(uid)
        if (
            ship is None
            or deck_for(self.s.unit_types[self.units[ship].type], self.s.unit_types[self.units[uid].type]) is None
        ):
            return None
        del self.aboard[uid]
        return self.at[ship]

    def strength(self, uid: str) -> int:
        u = self.units[uid]
        return u.strength or self.s.unit_types[u.type].strength

    def refill(self, uid: str, place: str | None) -> None:
        """Top up the unit's tanks at or below the threshold from depots at ``place`` (as the model does)."""
        s = self.s
        for (owner, cls), tank in self.tanks.items():
            if owner != uid or place not in self.depots.get(cls, ()):
                continue
            if tank.level <= tank.capacity * s.logistics.refill_below * (1 + 1e-6):
                tank.level = tank.capacity

    def burn(self, uid: str, need: float, where: PathKey, what: str) -> bool:
        """Take ``need`` fuel from the unit's tank; False (and the shortfall noted) when it is not there."""
        return self.draw(uid, [("fuel", need)], where, what)

    def draw(self, uid: str, amounts: Iterable[tuple[str, float]], where: PathKey, what: str) -> bool:
        """Take every class of ``amounts`` the unit carries, or none of them when one falls short (as a
        sortie is refused whole); the first shortfall of each tank is noted."""
        wanted = [(self.tanks[uid, cls], need) for cls, need in amounts if (uid, cls) in self.tanks and need > 0]
        for tank, need in wanted:
            tank.need += need
        short = [(tank, need) for tank, need in wanted if tank.short is None and tank.level < need * (1 - _EPS)]
        for tank, need in short:
            tank.short = (where, what, need, tank.level)
        if short or any(tank.short is not None for tank, _ in wanted):
            return not short  # refused (or already reported: keep adding up what its orders need)
        for tank, need in wanted:
            tank.level -= need
        return True

    def go(self, uid: str, dest: str, where: PathKey) -> None:
        """Move ``uid`` to ``dest`` on its fastest path, burning its moving fuel; refuel on arrival."""
        here = self.at[uid] or self.launch(uid)
        if here is None or here == dest:
            return
        t = self.s.unit_types[self.units[uid].type]
        path = self.map.path(here, dest, {mode: kmh for mode, kmh in t.speed_kmh.items()})
        if path is None:
            return  # the scenario checks report a place a unit cannot reach
        per_min = t.consumption_per_min.get("moving", {}).get("fuel", 0.0) * self.strength(uid)
        self.burn(uid, per_min * path.minutes, where, f"to {dest} ({path.distance_km:g} km)")
        self.at[uid] = dest
        self.refill(uid, dest)

    def lift(self, o: LiftOrder, where: PathKey) -> None:
        """The transport's trips to ``o.to`` (back between them, and after the last with return), then the
        units it lifts are there; nothing, when the transport is itself aboard another."""
        origin = self.at[o.unit] or self.launch(o.unit)
        if origin is None:
            return
        s, units, strength = self.s, self.units, self.strength
        t = s.unit_types[units[o.unit].type]
        lifted = [(s.unit_types[units[n].type], float(strength(n))) for n in o.units]
        count, together = strength(o.unit), units[o.unit].together
        # in waves: a unit too big for one trip goes in pieces
        trips = len(waves(trip_room(t, count, together), shuttles(t, count, together), lifted))
        for k in range(trips):
            self.go(o.unit, o.to, where)
            if k < trips - 1 or o.return_:
                self.go(o.unit, origin, where)
        for n in o.units:
            self.at[n] = o.to
            self.aboard.pop(n, None)

    def fire(self, o: FireSupportOrder, where: PathKey) -> None:
        """Each sortie draws its fuel and ammunition, the platform made ready at its base before each and after
        the last, as in a run."""
        fs = self.s.unit_types[self.units[o.unit].type].fire_support
        per_sortie = list(fs.per_sortie.items()) if fs else []
        for _ in range(o.sorties):
            self.refill(o.unit, self.at[o.unit])
            self.draw(o.unit, per_sortie, where, f"a sortie on {o.target}")
        self.refill(o.unit, self.at[o.unit])  # made ready again at its base after the last one too, as in a run


def _tanks(s: Scenario) -> dict[tuple[str, str], _Tank]:
    """(unit, class): a full tank of fuel, and of each class its sorties draw, for each unit that carries it."""
    tanks: dict[tuple[str, str], _Tank] = {}
    for u in s.units:
        t = s.unit_types[u.type]
        drawn = {"fuel", *(t.fire_support.per_sortie if t.fire_support else ())}
        for cls in sorted(drawn & set(t.carries)):
            full = t.carries[cls] * (u.strength or t.strength)
            tanks[u.id, cls] = _Tank(u.id, cls, full, full)
    return tanks


def _warning(tank: _Tank, where: PathKey, what: str, need: float, has: float) -> tuple[PathKey, str]:
    """The warning at the order ``tank`` first falls short for: what all its orders need against what it
    starts with."""
    refilling = "refuelling" if tank.cls == "fuel" else "restocking"
    return (
        where,
        f"{tank.unit}: its orders need ~{_amount(tank.need, tank.cls)} of {tank.cls}, it starts with "
        f"{_amount(tank.capacity, tank.cls)} ({refilling} only where a depot holds {tank.cls}): {what} needs "
        f"{_amount(need, tank.cls)} with ~{_amount(has, tank.cls)} left and would be refused",
    )


def _amount(x: float, cls: str) -> str:
    """``x`` of ``cls`` in its measure: litres whole, tonnes whole from 100 t and to three figures below."""
    if measure_of(cls) == "L":
        return f"{x:,.0f} L"
    return f"{x:,.0f} t" if x >= 100 else f"{x:.3g} t"
