"""Day and night: sunrise and sunset by the standard sunrise equation, and a calendar of daylight on the
simulated clock (minutes after H-hour).

The sun's declination and the equation of time follow NOAA's General Solar Position formulae (Spencer's
Fourier series, after the Explanatory Supplement to the Astronomical Almanac), good to a minute or two at
the latitudes of exercises; sunrise and sunset are when the sun's centre is 90.833° from the zenith
(refraction and the sun's radius), civil dawn and dusk when it is 96°.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable
from datetime import date, datetime, timedelta

MIN_PER_DAY = 1440.0
ZENITH_DEG = {"none": 90.833, "civil": 96.0}  # sunrise and sunset; civil dawn and dusk
_FAR_DAYS = 366  # beyond this, no daylight ever comes (a polar night longer than a run)


def sun_times(day: date, lat: float, lon: float, utc_offset_h: float, zenith_deg: float) -> tuple[float, float]:
    """Sunrise and sunset on ``day`` (minutes after local midnight, the clock ``utc_offset_h`` ahead of UTC).
    A polar day gives (0, 1440), a polar night (720, 720)."""
    year_days = 366 if calendar.isleap(day.year) else 365
    # fractional year at local noon (12 - utc_offset_h UTC), radians
    g = 2 * math.pi / year_days * (day.timetuple().tm_yday - 1 - utc_offset_h / 24)
    eqtime = 229.18 * (
        0.000075
        + 0.001868 * math.cos(g)
        - 0.032077 * math.sin(g)
        - 0.014615 * math.cos(2 * g)
        - 0.040849 * math.sin(2 * g)
    )
    decl = (
        0.006918
        - 0.399912 * math.cos(g)
        + 0.070257 * math.sin(g)
        - 0.006758 * math.cos(2 * g)
        + 0.000907 * math.sin(2 * g)
        - 0.002697 * math.cos(3 * g)
        + 0.00148 * math.sin(3 * g)
    )
    phi = math.radians(lat)
    cos_ha = math.cos(math.radians(zenith_deg)) / (math.cos(phi) * math.cos(decl)) - math.tan(phi) * math.tan(decl)
    if cos_ha <= -1:
        return 0.0, MIN_PER_DAY
    if cos_ha >= 1:
        return MIN_PER_DAY / 2, MIN_PER_DAY / 2
    ha = math.degrees(math.acos(cos_ha))
    noon = 720 - 4 * lon - eqtime + 60 * utc_offset_h  # local clock minutes of solar noon
    return noon - 4 * ha, noon + 4 * ha


class Calendar:
    """Daylight on the simulated clock: minute 0 is ``start`` (local clock time), each local day has its
    sunrise and sunset from ``sun`` (minutes after that day's midnight)."""

    def __init__(self, start: datetime, sun: Callable[[date], tuple[float, float]]):
        self.day0 = start.date()
        self.offset = start.hour * 60 + start.minute + start.second / 60  # minute 0, after its midnight
        self.sun = sun
        self._days: dict[int, tuple[float, float]] = {}

    def _times(self, k: int) -> tuple[float, float]:
        """Sunrise and sunset of day ``k`` after the first, in simulated minutes."""
        if k not in self._days:
            rise, set_ = self.sun(self.day0 + timedelta(days=k))
            base = k * MIN_PER_DAY - self.offset
            self._days[k] = (base + rise, base + set_)
        return self._days[k]

    def is_day(self, t: float) -> bool:
        rise, set_ = self._times(math.floor((t + self.offset) / MIN_PER_DAY))
        return rise <= t < set_

    def next_daylight(self, t: float) -> float:
        """The first minute at or after ``t`` that is daylight (inf: none within a year)."""
        k = math.floor((t + self.offset) / MIN_PER_DAY)
        for j in range(k, k + _FAR_DAYS):
            rise, set_ = self._times(j)
            if t < set_ and rise < set_:
                return max(t, rise)
        return math.inf
