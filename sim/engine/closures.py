"""Scheduled route closures (e.g. a weather window on the sea route): closed at start, reopened at end.

Closures stack (``World.set_route``): a route reopens when the last closure holding it ends."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.config.schema import Scenario
    from sim.engine.world import Process, World


def start(world: World) -> None:
    for i, c in enumerate(world.scenario.closures):
        world.env.process(_window(world, world.map.route_index[c.route], c.start, c.end, f"closure:{i}"))


def _window(world: World, route: int, start: float, end: float, by: str) -> Process:
    yield world.env.timeout(start)
    world.set_route(route, is_open=False, by=by)
    yield world.env.timeout(end - start)
    world.set_route(route, is_open=True, by=by)  # reopens only if no other closure still holds it


def overlaps(scenario: Scenario) -> Iterator[tuple[int, int]]:
    """Pairs (i, j), i < j, of scheduled closures of one route whose windows overlap (the later end reopens it)."""
    cs = scenario.closures
    for i, a in enumerate(cs):
        for j in range(i + 1, len(cs)):
            b = cs[j]
            if a.route == b.route and a.start < b.end and b.start < a.end:
                yield i, j
