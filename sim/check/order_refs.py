"""Checks of one order, wherever it is given (a phase, or a decision point's option)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from sim.config.lift import is_transport
from sim.config.names import Finding, Names
from sim.config.orders import (
    AssaultOrder,
    DisembarkOrder,
    EmbarkOrder,
    FireSupportOrder,
    LiftOrder,
    MoveOrder,
    Order,
    goal,
)
from sim.config.schema import Scenario, UnitSpec, UnitType
from sim.config.yamlsafe import PathKey
from sim.engine.decks import deck_for

_GOES = (AssaultOrder, MoveOrder)  # the orders that take a unit to a place, and may go with: others


def check_order(names: Names, base: PathKey, o: Order) -> Iterator[Finding]:
    """Its names resolve, and its unit can do what it is told: carry, be carried, fire, assault."""
    yield from names.ref((*base, "unit"), "unit", o.unit)
    for key in ("to", "target"):
        place = getattr(o, key, None)
        if place is not None:
            yield from names.ref((*base, key), "place", place)
    unit = names.get("unit", o.unit)
    utype = names.get("unit type", unit.type) if unit else None
    if isinstance(o, EmbarkOrder):
        yield from _embark(names, base, o, unit)
    if isinstance(o, LiftOrder):
        yield from _lift(names, base, o, unit, utype)
    if isinstance(o, FireSupportOrder) and utype and utype.fire_support is None:
        yield (*base, "unit"), f"{o.unit} ({unit.type}) has no fire_support in its unit type"
    if isinstance(o, AssaultOrder) and utype and utype.kill_rate_per_h == 0:
        yield (*base, "unit"), f"{o.unit} ({unit.type}) cannot assault: its kill_rate_per_h is 0"
    if isinstance(o, MoveOrder | AssaultOrder):
        for i, name in enumerate(o.with_):
            yield from names.ref((*base, "with", i), "unit", name)
            if name == o.unit:
                yield (*base, "with", i), "a unit cannot wait for itself"
        if o.assemble_at is not None:
            yield from names.ref((*base, "assemble_at"), "place", o.assemble_at)


def orders_in(node: object, path: PathKey = ()) -> Iterator[tuple[PathKey, MoveOrder | AssaultOrder]]:
    """Every move and assault anywhere in a scenario (phases, decision options, requests' grants), with its
    path."""
    yield from _found(node, _GOES, path)


def _found(node: object, kinds: tuple[type, ...], path: PathKey = ()) -> Iterator[tuple[PathKey, Any]]:
    """Every order of ``kinds`` anywhere below ``node``, with its path."""
    if isinstance(node, kinds):
        yield path, node
    elif isinstance(node, BaseModel):
        for key, field in type(node).model_fields.items():
            yield from _found(getattr(node, key), kinds, (*path, field.alias or key))
    elif isinstance(node, list | tuple):
        for i, item in enumerate(node):
            yield from _found(item, kinds, (*path, i))
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from _found(item, kinds, (*path, key))


def decks(s: Scenario) -> Iterator[Finding]:
    """A transport embarked at the start lifts (or evacuates) only from a deck of its ship that it can use, and
    from its ship's deck it lifts only units aboard that ship; units an order embarks or lands are left alone
    (where they will be is not known here)."""
    specs = {u.id: u for u in s.units}
    moved = {o.unit for _, o in _found(s, (EmbarkOrder, DisembarkOrder))}
    for base, o in _found(s, (LiftOrder,)):
        ship = specs.get(specs[o.unit].aboard or "")
        if ship is None or o.unit in moved:
            continue
        if _deckless(s, specs, o.unit):
            yield (*base, "unit"), _no_deck(s, specs, o.unit, "lift")
            continue
        for i, name in enumerate(o.units):
            u = specs[name]
            if u.aboard != ship.id and name not in moved:
                where = f"aboard {u.aboard}" if u.aboard is not None else f"at {u.at}"
                yield (
                    (*base, "units", i),
                    f"{name} starts {where}, and {o.unit} operates from {ship.id}'s deck: it lifts only units "
                    f"aboard {ship.id} (embark {name} on {ship.id} first, or lift it with a craft of its own ship)",
                )
    for i, leg in enumerate(s.medical.evacuation):
        for j, name in enumerate(leg.assets):
            if name not in moved and _deckless(s, specs, name):
                yield ("medical", "evacuation", i, "assets", j), _no_deck(s, specs, name, "evacuate")


def _deckless(s: Scenario, specs: dict[str, UnitSpec], name: str) -> bool:
    """Does ``name`` start aboard a ship with no deck it can operate from (so it is carried as cargo)?"""
    ship = specs.get(specs[name].aboard or "")
    return ship is not None and deck_for(s.unit_types[ship.type], s.unit_types[specs[name].type]) is None


def _no_deck(s: Scenario, specs: dict[str, UnitSpec], name: str, task: str) -> str:
    ship, utype = specs[specs[name].aboard or ""], s.unit_types[specs[name].type]
    if "air" in utype.speed_kmh:
        deck = "flight deck (flight_deck:)"
    elif "sea" in utype.speed_kmh:
        deck = "well deck (well_deck:)"
    else:
        deck = "deck it can leave by itself"
    return (
        f"{name} starts aboard {ship.id}, whose type {ship.type} has no {deck}: it cannot {task} from there "
        f"(put it aboard a ship with one, or disembark it first)"
    )


def siblings(s: Scenario) -> Iterator[Finding]:
    """A unit named in an order's with: has an order of its own to the same place, which can start while the
    waiting order's phase runs (not only in a phase after it), or the wait never ends."""
    going: dict[tuple[str, str], list[str | None]] = {}  # (unit, place) -> the phases of its orders there
    for base, o in orders_in(s):
        if (place := goal(o)) is not None:
            going.setdefault((o.unit, place), []).append(_phase_of(s, base))
    later = _later_phases(s)
    for base, o in orders_in(s):
        mine, place = _phase_of(s, base), goal(o)
        for i, name in enumerate(o.with_):
            theirs = going.get((name, place or ""))
            if name == o.unit:
                continue
            if theirs is None:
                yield (
                    (*base, "with", i),
                    f"{name} has no move or assault to {place}: {o.unit} would wait for it for ever",
                )
            elif mine is not None and all(p is not None and p in later[mine] for p in theirs):
                yield (
                    (*base, "with", i),
                    f"{name} goes to {place} only in phase {theirs[0]}, which starts after phase {mine} ends: "
                    f"{o.unit} would wait for it for ever (phase {mine} ends only when its orders are done)",
                )


def _phase_of(s: Scenario, base: PathKey) -> str | None:
    """The id of the phase an order at ``base`` is given in (None: a decision's option, a request's grant)."""
    return s.phases[base[1]].id if base[:1] == ("phases",) and isinstance(base[1], int) else None


def _later_phases(s: Scenario) -> dict[str, set[str]]:
    """Phase id -> the phases that can start only after it ends (after: it, or after: one of those)."""
    later: dict[str, set[str]] = {p.id: set() for p in s.phases}
    for p in s.phases:
        grown = True
        while grown:
            grown = False
            for q in s.phases:
                if q.id not in later[p.id] and any(a == p.id or a in later[p.id] for a in q.after):
                    later[p.id].add(q.id)
                    grown = True
    return later


def _embark(names: Names, base: PathKey, o: EmbarkOrder, unit: Any) -> Iterator[Finding]:
    """The unit (its UnitSpec, None when unknown) boards a known transport of its own side, not itself."""
    yield from names.ref((*base, "on"), "unit", o.on)
    carrier = names.get("unit", o.on)
    ctype = names.get("unit type", carrier.type) if carrier else None
    if o.on == o.unit:
        yield (*base, "on"), "a unit cannot embark on itself"
    elif ctype and not is_transport(ctype):
        yield (*base, "on"), f"{o.on} is not a transport (its type has no seats, deck slots or cargo)"
    elif sides_differ(names, unit, carrier):
        yield (*base, "on"), other_side(o.unit, unit.side, o.on, carrier.side)


def _lift(names: Names, base: PathKey, o: LiftOrder, unit: Any, utype: UnitType | None) -> Iterator[Finding]:
    """The lifting unit (its UnitSpec, None when unknown) is a transport, and it lifts known units of its own
    side, each once, not itself."""
    if utype and not is_transport(utype):
        yield (*base, "unit"), f"{o.unit} cannot lift: its type has no seats, deck slots or cargo"
    for i, name in enumerate(o.units):
        yield from names.ref((*base, "units", i), "unit", name)
        lifted = names.get("unit", name)
        if name == o.unit:
            yield (*base, "units", i), "a transport cannot lift itself"
        elif name in o.units[:i]:
            yield (*base, "units", i), f"{name} is already in this lift"
        elif sides_differ(names, unit, lifted):
            yield (*base, "units", i), other_side(name, lifted.side, o.unit, unit.side)


def sides_differ(names: Names, a: UnitSpec | None, b: UnitSpec | None) -> bool:
    """Both units and their sides are known, and the sides differ and fight each other (a neutral or civilian
    side's people may travel on another side's transport: evacuees; sides: posture)."""
    if a is None or b is None or names.get("side", a.side) is None or names.get("side", b.side) is None:
        return False
    return a.side != b.side and names.get("side", a.side).fights and names.get("side", b.side).fights


def other_side(passenger: str, its_side: str, transport: str, transport_side: str) -> str:
    # every other hostile side is an enemy (combat.hostile_at): a transport never carries an enemy's unit
    return (
        f"{passenger} is on side {its_side} and {transport} on side {transport_side}: "
        "a transport carries only units of its own side"
    )
