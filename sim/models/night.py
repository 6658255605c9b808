"""Night: units whose type cannot work at night (``night: false``) wait for daylight before they set off
or fly a sortie (those already under way finish). Off unless ``scenario.daylight`` is declared. (Named
night, not daylight: CONTRIBUTING.md's toy model is called daylight.)

The calendar of daylight is the engine's (``sim.engine.daylight``); this model answers the other models'
questions before a move (``MoveRequested``) or a sortie (``SortieRequested``), as weather injects do.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.config.daylight import Daylight, clock_minutes
from sim.config.schema import Scenario
from sim.engine.bus import MoveRequested
from sim.engine.daylight import ZENITH_DEG, Calendar, sun_times
from sim.models.contract import MetricSpec
from sim.models.events import SortieRequested

if TYPE_CHECKING:
    from sim.engine.world import World

NAME = "night"
SECTIONS: tuple[str, ...] = ()


def map_centre(s: Scenario) -> tuple[float, float]:
    """The centre of the box round the map's places (latitude, longitude)."""
    lats = [p.lat for p in s.map.places.values()]
    lons = [p.lon for p in s.map.places.values()]
    return (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2


def calendar(s: Scenario) -> Calendar | None:
    """The scenario's calendar of daylight (None: no ``scenario.daylight``, every hour is daylight)."""
    d, start = s.scenario.daylight, s.scenario.start
    if d is None or start is None:  # exsim check refuses daylight without a start
        return None
    if d.explicit:
        times = (clock_minutes(d.sunrise), clock_minutes(d.sunset))  # type: ignore[arg-type]
        return Calendar(start, lambda day: times)
    lat, lon = _place(s, d)
    offset = d.utc_offset_h
    if offset is None:
        delta = start.utcoffset()
        offset = delta.total_seconds() / 3600 if delta is not None else 0.0  # exsim check refuses neither
    zenith = ZENITH_DEG[d.twilight]
    return Calendar(start, lambda day: sun_times(day, lat, lon, offset, zenith))


def _place(s: Scenario, d: Daylight) -> tuple[float, float]:
    centre = map_centre(s) if s.map.places else (0.0, 0.0)
    return (d.lat if d.lat is not None else centre[0]), (d.lon if d.lon is not None else centre[1])


class DaylightState:
    """Holds units of day-only types while it is night."""

    def __init__(self, world: World, cal: Calendar):
        self.world, self.cal = world, cal

    def _hold(self, unit_id: str) -> object | None:
        now = self.world.now
        if self.cal.is_day(now):
            return None
        until = self.cal.next_daylight(now)
        comes = math.isfinite(until)
        self.world.emit("wait_daylight", unit=unit_id, until=until if comes else None)  # None: a polar night
        return self.world.env.timeout(until - now) if comes else self.world.env.event()

    def on_move(self, ev: MoveRequested) -> None:
        if ev.hold is None and not ev.unit.type.night:
            ev.hold = self._hold(ev.unit.id)  # type: ignore[assignment]

    def on_sortie(self, ev: SortieRequested) -> None:
        if ev.hold is None and not ev.unit.type.night:
            ev.hold = self._hold(ev.unit.id)  # type: ignore[assignment]


def install(world: World) -> None:
    s = world.scenario
    if all(t.night for t in s.unit_types.values()):
        return
    cal = calendar(s)
    if cal is None:
        return
    st = DaylightState(world, cal)
    world.services.provide(st)
    world.bus.subscribe(MoveRequested, st.on_move)
    world.bus.subscribe(SortieRequested, st.on_sortie)


def declare(s: Scenario) -> list[MetricSpec]:
    return []


def metrics(world: World) -> dict[str, float]:
    return {}
