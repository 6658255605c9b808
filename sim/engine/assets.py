"""A unit of several platforms as independent assets: each aircraft or vehicle of a unit flies or drives on
its own in transport roles (CASEVAC, lift), unless the unit is told ``together: true``.

An asset is a ``Unit`` of one element that is not in ``world.units``: it has its own place, its own lock
for the tasks it takes one at a time, and the unit's name, so that events and metrics name the unit. It
lives while the unit has at least as many elements as its number. The assets of a unit aboard the ship whose
flight or well deck it operates from (``sim.engine.decks``) start aboard it as the unit does, each launching and
recovered through the deck on its own; the unit stays aboard (it is what the ship's room counts) until its
assets are all at one place. The unit's stocks are the unit's:
``sim.models.logistics`` burns them at one element's moving rate for each asset under way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.config.lift import moves_apart
from sim.engine.lock import Lock
from sim.engine.units import Unit, UnitState

if TYPE_CHECKING:
    from sim.engine.world import World


class Assets:
    """The assets of each unit whose platforms move apart, made once per run (legs and orders share them)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.together = {spec.id: spec.together for spec in world.scenario.units}
        self.of: dict[str, list[Unit]] = {}
        self.number: dict[Unit, int] = {}  # an asset -> its number in its unit, from 1
        self.unit: dict[Unit, Unit] = {}  # an asset -> its unit


def _assets(world: World) -> Assets:
    found = world.services.find(Assets)
    if found is None:
        found = Assets(world)
        world.services.provide(found)
    return found


def assets(world: World, unit: Unit) -> list[Unit]:
    """The unit's independent assets, or ``[unit]`` when it moves as one (one platform, or ``together``)."""
    st = _assets(world)
    if unit.id not in st.of:
        on_deck = unit.base is not None and unit.aboard == unit.base  # aboard the ship whose deck it flies from
        if not moves_apart(unit.type, unit.initial, st.together.get(unit.id, True)) or (
            unit.location is None and not on_deck
        ):
            st.of[unit.id] = [unit]
        else:
            made = []
            for k in range(1, int(unit.initial) + 1):
                a = Unit(unit.id, unit.type_name, unit.type, unit.side, unit.nation, 1, unit.location, Lock(world.env))
                a.base = unit.base  # the ship whose deck it flies from, if any: it is recovered there
                if on_deck:  # aboard as the unit is: each launches from the ship's deck
                    a.aboard, a.state = unit.aboard, UnitState.ABOARD
                st.number[a], st.unit[a] = k, unit
                made.append(a)
            st.of[unit.id] = made
    return st.of[unit.id]


def alive(world: World, asset: Unit) -> bool:
    """An asset flies while its unit has it: asset k while the unit has k elements or more."""
    st = _assets(world)
    unit = st.unit.get(asset)
    if unit is None:
        return asset.strength > 0
    return unit.strength >= st.number[asset] - 1e-9


def pieces(world: World, unit: Unit) -> list[Unit]:
    """The separate assets of ``unit`` it still has (none when it moves as one): a task that moves the whole unit
    takes each one's lock after the unit's, so that none of its aircraft flies another task (a MEDEVAC mission
    takes one aircraft's lock) while the unit is away."""
    return [a for a in assets(world, unit) if a is not unit and alive(world, a)]


def is_asset(world: World, unit: Unit) -> bool:
    """Whether ``unit`` is one asset of a unit rather than the unit itself."""
    return world.units.get(unit.id) is not unit
