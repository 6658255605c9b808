"""Fire support: aircraft sorties and naval fire missions that attrit and suppress a place's defenders.

Each platform of the firing unit flies (or fires) in turn until the order's sorties are used up or the
target is secured. One sortie hits each exposed defending element with probability
kill_prob × defence factor / protection (area fire: losses scale with the defenders present). While the
order still has sorties to fly, the defenders' own fire is suppressed (``combat.suppression_factor``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import simpy

from sim.config.orders import FireSupportOrder
from sim.config.schema import Scenario
from sim.engine.signals import Secured
from sim.engine.units import Unit
from sim.models.combat import hostile_at, state, take_losses
from sim.models.contract import Better, Kind, MetricSpec
from sim.models.events import SortieRequested, SupplyDraw

if TYPE_CHECKING:
    from sim.engine.world import Process, World

NAME = "fires"
SECTIONS: tuple[str, ...] = ()


class FiresState:
    """Sorties flown (or fire missions fired) per unit."""

    def __init__(self) -> None:
        self.sorties: dict[str, int] = {}


def fire_support(world: World, unit: Unit, order: FireSupportOrder, done: simpy.Event) -> Process:
    fs = unit.type.fire_support
    assert fs is not None  # guaranteed by the scenario checks
    if unit.location is None:
        world.fail(unit, "not at a place")
        return
    if fs.range_km is None:
        path = world.map.path(unit.location, order.target, unit.speeds)
        if path is None:
            world.fail(unit, f"no route to {order.target}")
            return
        transit = path.minutes
    else:
        dist = world.map.distance_km(unit.location, order.target)
        if dist is None or dist > fs.range_km:
            world.fail(unit, f"{order.target} is out of range ({dist} km)")
            return
        transit = 0.0
    cs = state(world)
    cs.suppressed[order.target] = cs.suppressed.get(order.target, 0) + 1
    _perturb(world, order.target)
    left = [order.sorties]
    platforms = [
        world.env.process(_platform(world, unit, order.target, left, transit, fs.cycle_min, fs.kill_prob))
        for _ in range(min(int(unit.strength), order.sorties))
    ]
    yield world.env.all_of(platforms)
    cs.suppressed[order.target] -= 1
    _perturb(world, order.target)


def _platform(
    world: World, unit: Unit, target: str, left: list[int], transit: float, cycle: float, kill_prob: float
) -> Process:
    secured = Secured(target)
    fs = unit.type.fire_support
    assert fs is not None  # fire_support orders are checked against the unit type when loading
    per_sortie: dict[str, float] = {cls: amount for cls, amount in fs.per_sortie.items()}
    while left[0] > 0 and unit.strength > 0 and not world.holds(secured):
        if (hold := world.bus.publish(SortieRequested(unit)).hold) is not None:
            yield hold  # grounded for a while: ask again then
            continue
        if not world.bus.publish(SupplyDraw(unit, per_sortie)).ok:
            return  # no fuel or ordnance for another sortie
        left[0] -= 1
        yield world.env.timeout(transit)
        strike(world, unit, target, kill_prob)
        yield world.env.timeout(transit + cycle)


def strike(world: World, unit: Unit, target: str, kill_prob: float) -> None:
    """One sortie / fire mission on ``target``."""
    flown = world.services.get(FiresState).sorties
    flown[unit.id] = flown.get(unit.id, 0) + 1
    factor = world.scenario.combat.defence_factor.get(world.map.places[target].defence, 1.0)
    eng = state(world).engagements.get(target)
    if eng is not None:
        eng.sync()  # a deterministic fight's strengths as of now, not as of its last integration step
    deterministic = world.scenario.combat.mode == "deterministic"
    hit_any = False
    for victim in hostile_at(world, target, unit.side):
        p = min(1.0, kill_prob * factor / victim.type.protection)
        hits = (
            victim.strength * p
            if deterministic
            else world.streams[f"fires:{unit.id}"].binomial(int(victim.strength), p)
        )
        if hits > 0:
            take_losses(world, victim, hits)
            hit_any = True
    if world.log.on:
        world.emit("strike", unit=unit.id, target=target)
    if hit_any:
        _perturb(world, target)


def _perturb(world: World, place: str) -> None:
    eng = state(world).engagements.get(place)
    if eng is not None:
        eng.perturb()


def install(world: World) -> None:
    world.services.provide(FiresState())
    world.register("fire_support", fire_support)


def _firing_units(s: Scenario) -> list[tuple[str, str]]:
    return [(u.id, u.side) for u in s.units if u.type in s.unit_types and s.unit_types[u.type].fire_support]


def declare(s: Scenario) -> list[MetricSpec]:
    units = _firing_units(s)
    if not units:
        return []
    sides = {side for _, side in units}
    total = MetricSpec(
        "sorties",
        Kind.COUNT,
        "sorties",
        Better.NEITHER,
        "sorties flown and fire missions fired, all units",
        sides.pop() if len(sides) == 1 else None,
    )
    return [total] + [
        MetricSpec(f"sorties.{uid}", Kind.COUNT, "sorties", Better.NEITHER, f"sorties flown by {uid}", side)
        for uid, side in units
    ]


def metrics(world: World) -> dict[str, float]:
    flown = world.services.get(FiresState).sorties
    units = _firing_units(world.scenario)
    if not units:
        return {}
    m = {"sorties": float(sum(flown.values()))}
    m.update({f"sorties.{uid}": float(flown.get(uid, 0)) for uid, _ in units})
    return m
