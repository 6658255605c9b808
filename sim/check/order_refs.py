"""Checks of one order, wherever it is given (a phase, or a decision point's option)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from sim.config.lift import is_transport
from sim.config.names import Finding, Names
from sim.config.orders import AssaultOrder, EmbarkOrder, FireSupportOrder, LiftOrder, MoveOrder, Order, goal
from sim.config.schema import UnitSpec, UnitType
from sim.config.yamlsafe import PathKey

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
    if isinstance(node, _GOES):
        yield path, node  # type: ignore[misc]
    elif isinstance(node, BaseModel):
        for key, field in type(node).model_fields.items():
            yield from orders_in(getattr(node, key), (*path, field.alias or key))
    elif isinstance(node, list | tuple):
        for i, item in enumerate(node):
            yield from orders_in(item, (*path, i))
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from orders_in(item, (*path, key))


def siblings(s: object) -> Iterator[Finding]:
    """A unit named in an order's with: has an order of its own to the same place, or the wait never ends."""
    going = {(o.unit, goal(o)) for _, o in orders_in(s) if goal(o) is not None}
    for base, o in orders_in(s):
        for i, name in enumerate(o.with_):
            if name != o.unit and (name, goal(o)) not in going:
                yield (
                    (*base, "with", i),
                    f"{name} has no move or assault to {goal(o)}: {o.unit} would wait for it for ever",
                )


def _embark(names: Names, base: PathKey, o: EmbarkOrder, unit: Any) -> Iterator[Finding]:
    """The unit (its UnitSpec, None when unknown) boards a known transport of its own side, not itself."""
    yield from names.ref((*base, "on"), "unit", o.on)
    carrier = names.get("unit", o.on)
    ctype = names.get("unit type", carrier.type) if carrier else None
    if o.on == o.unit:
        yield (*base, "on"), "a unit cannot embark on itself"
    elif ctype and not is_transport(ctype):
        yield (*base, "on"), f"{o.on} is not a transport (its type has no seats, deck slots or cargo)"
    elif _sides_differ(names, unit, carrier):
        yield (*base, "on"), _other_side(o.unit, unit.side, o.on, carrier.side)


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
        elif _sides_differ(names, unit, lifted):
            yield (*base, "units", i), _other_side(name, lifted.side, o.unit, unit.side)


def _sides_differ(names: Names, a: UnitSpec | None, b: UnitSpec | None) -> bool:
    """Both units and their sides are known, and the sides differ and fight each other (a neutral or civilian
    side's people may travel on another side's transport: evacuees; sides: posture)."""
    if a is None or b is None or names.get("side", a.side) is None or names.get("side", b.side) is None:
        return False
    return a.side != b.side and names.get("side", a.side).fights and names.get("side", b.side).fights


def _other_side(passenger: str, its_side: str, transport: str, transport_side: str) -> str:
    # every other hostile side is an enemy (combat.hostile_at): a transport never carries an enemy's unit
    return (
        f"{passenger} is on side {its_side} and {transport} on side {transport_side}: "
        "a transport carries only units of its own side"
    )
