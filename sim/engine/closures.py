"""Scheduled route closures (e.g. a weather window on the sea route): closed at start, reopened at end."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.engine.world import Process, World


def start(world: World) -> None:
    for c in world.scenario.closures:
        world.env.process(_window(world, world.map.route_index[c.route], c.start, c.end))


def _window(world: World, route: int, start: float, end: float) -> Process:
    yield world.env.timeout(start)
    world.set_route(route, is_open=False)
    yield world.env.timeout(end - start)
    world.set_route(route, is_open=True)
