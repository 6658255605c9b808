"""Flight and well decks (the engine's ``sim.engine.decks``): how long aircraft and landing craft waited for a
spot to launch from or be recovered to their ship."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.config.schema import Scenario
from sim.engine.decks import based
from sim.models.contract import Better, Kind, MetricSpec

if TYPE_CHECKING:
    from sim.engine.world import World

NAME = "decks"
SECTIONS: tuple[str, ...] = ()


def install(world: World) -> None:
    """Nothing to wire: the engine launches and recovers through the decks (``World.platforms``)."""


def declare(s: Scenario) -> list[MetricSpec]:
    side = {u.id: u.side for u in s.units}
    return [
        MetricSpec(
            f"deck_wait_h.{ship}",
            Kind.DURATION,
            "h",
            Better.LOWER,
            f"mean wait for a deck spot on {ship} (launches and recoveries)",
            side[ship],
        )
        for ship in based(s)
    ]


def metrics(world: World) -> dict[str, float]:
    m: dict[str, float] = {}
    for ship in based(world.scenario):
        waits = [w for (sid, _), deck in world.platforms.decks.items() if sid == ship for w in deck.waits]
        m[f"deck_wait_h.{ship}"] = sum(waits) / len(waits) / 60.0 if waits else math.nan
    return m
