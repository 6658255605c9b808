"""Schema of day and night: ``scenario.daylight``, sunrise and sunset computed from a place and the date of
H-hour, or written as clock times. Off unless declared: without it every hour is daylight."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from sim.config.frozen import Frozen

_CLOCK_RE = re.compile(r"^([0-9]{1,2}):([0-9]{2})$")


def clock_minutes(value: str) -> float:
    """``'06:10'``: minutes after midnight; raises ValueError with a message fit for a user."""
    m = _CLOCK_RE.match(value.strip())
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        raise ValueError(f"{value!r} is not a clock time; use hours and minutes, e.g. 06:10 (00:00 to 23:59)")
    return int(m[1]) * 60.0 + int(m[2])


class Daylight(Frozen):
    """When it is day: sunrise and sunset computed for a place and the date (standard sunrise equation), or
    written as clock times, the same every day. Units whose type has night: false wait for daylight."""

    sunrise: str | None = Field(
        None, description="local clock time of sunrise, every day (with sunset)", examples=["06:10"]
    )
    sunset: str | None = Field(
        None, description="local clock time of sunset, every day (with sunrise)", examples=["18:40"]
    )
    lat: float | None = Field(
        None, ge=-90, le=90, description="latitude for the sun (default: the centre of the map)", examples=[43.65]
    )
    lon: float | None = Field(
        None, ge=-180, le=180, description="longitude for the sun (default: the centre of the map)", examples=[51.17]
    )
    utc_offset_h: float | None = Field(
        None,
        ge=-12,
        le=14,
        description="hours the scenario's clock (scenario.start) is ahead of UTC; default: the zone written in "
        "scenario.start (2024-07-12T04:00+05:00)",
        examples=[5],
    )
    twilight: Literal["none", "civil"] = Field(
        "none",
        description="none: day from sunrise to sunset; civil: from civil dawn to civil dusk (sun 6° below the "
        "horizon), light enough to work without lights",
        examples=["civil"],
    )

    @field_validator("sunrise", "sunset")
    @classmethod
    def _clock(cls, value: str | None) -> str | None:
        if value is not None:
            clock_minutes(value)
        return value

    @model_validator(mode="after")
    def _one_way(self) -> Daylight:
        if (self.sunrise is None) != (self.sunset is None):
            raise ValueError("give both sunrise and sunset, or neither (then they are computed from the place)")
        if self.sunrise is not None:
            if any(v is not None for v in (self.lat, self.lon, self.utc_offset_h)) or self.twilight != "none":
                raise ValueError("sunrise and sunset are written: lat, lon, utc_offset_h and twilight are not used")
            if clock_minutes(self.sunrise) >= clock_minutes(self.sunset):  # type: ignore[arg-type]
                raise ValueError(f"sunrise ({self.sunrise}) must be before sunset ({self.sunset})")
        return self

    @property
    def explicit(self) -> bool:
        return self.sunrise is not None
