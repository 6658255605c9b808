"""Times in scenario files: spans (``90min``, ``2h``, ``1.5d``, ``45s`` or a plain number of minutes)
and points in time (the same spans after H-hour, or ``H+6``, ``D+1 06:00``, ``2024-07-13T06:00``)."""

from __future__ import annotations

import math
import re
from datetime import datetime, time, timedelta
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer, ValidationInfo, WithJsonSchema

_DURATION_PATTERN = r"^\s*[0-9]*\.?[0-9]+\s*(s|sec|min|m|h|d)?\s*$"
MAX_MINUTES = 100 * 365.25 * 1440  # beyond any exercise; keeps simulated time well inside float precision
_UNITS_MIN = {"s": 1 / 60, "sec": 1 / 60, "min": 1.0, "m": 1.0, "h": 60.0, "d": 1440.0}
_RE = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([a-z]+)?\s*$")


def parse_duration(value: object) -> float:
    """Minutes from a duration value; raises ValueError with a message fit for a user."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 90min, 2h, 1.5d or a number of minutes")
    if isinstance(value, int | float):
        minutes = float(value)
    elif isinstance(value, str):
        m = _RE.match(value)
        if not m or (m.group(2) or "min") not in _UNITS_MIN:
            raise ValueError(f"{value!r} is not a duration; use e.g. 90min, 2h, 1.5d or a number of minutes")
        minutes = float(m.group(1)) * _UNITS_MIN[m.group(2) or "min"]
    else:
        raise ValueError("expected a duration such as 90min, 2h, 1.5d or a number of minutes")
    if not math.isfinite(minutes) or minutes < 0:
        raise ValueError("a duration must be a finite, non-negative time")
    if minutes > MAX_MINUTES:
        raise ValueError("a duration must be at most 100 years")
    return minutes


def parse_range(value: str) -> tuple[float, float]:
    """``'4h..8h'``: the two ends (minutes) of a range of durations, the shorter first."""
    low, _, high = value.partition("..")
    try:
        ends = parse_duration(low.strip()), parse_duration(high.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a range of durations; use e.g. 4h..8h") from None
    if ends[0] >= ends[1]:
        raise ValueError(f"{value!r}: the first end of a range must be shorter than the second, e.g. 4h..8h")
    return ends


def format_duration(minutes: float) -> str:
    """Compact human form used in narration and lint messages, e.g. ``2h30min``."""
    total = round(minutes)
    d, rem = divmod(total, 1440)
    h, m = divmod(rem, 60)
    parts = [f"{d}d" if d else "", f"{h}h" if h else "", f"{m}min" if m or not (d or h) else ""]
    return "".join(parts)


Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    PlainSerializer(lambda v: v, return_type=float),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "description": "minutes"},
                {"type": "string", "pattern": _DURATION_PATTERN},
            ]
        }
    ),
]
"""A time span, validated from any accepted spelling and held as float minutes."""


# --- points in time ---------------------------------------------------------------------------------
# A time in a scenario is minutes after H-hour (scenario.start, simulated minute 0). Planners write it
#   as a span after H-hour: 90min, 2h, 1.5d (as a duration), or H+6 (hours), H+1d 06:00, H+30min;
#   as a clock time on a day counted from D-day (the date of scenario.start): D+1 06:00, D 14:30;
#   or as an absolute date and time: 2024-07-13T06:00.

_CLOCK = r"(?:(?P<hh>[0-9]{1,2}):(?P<mm>[0-9]{2}))"
_H_RE = re.compile(
    r"^H\s*(?:(?P<sign>[+-])\s*(?:(?P<ch>[0-9]{1,2}):(?P<cm>[0-9]{2})"
    rf"|(?P<num>[0-9]*\.?[0-9]+)\s*(?P<unit>[a-z]+)?(?:\s*{_CLOCK})?))?$",
    re.IGNORECASE,
)
_D_RE = re.compile(rf"^D\s*(?:(?P<sign>[+-])\s*(?P<days>[0-9]+))?(?:\s+{_CLOCK})?$", re.IGNORECASE)
DATE_TIME_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?$"
)
_ISO_RE = re.compile(DATE_TIME_PATTERN)
# the same, for editors (JSON Schema patterns are ECMA-262: no named groups, no flags)
_H_JSON = r"^[Hh]\s*([+-]\s*([0-9]*\.?[0-9]+\s*[a-z]*)?\s*([0-9]{1,2}:[0-9]{2})?)?$"
_D_JSON = r"^[Dd]\s*([+-]\s*[0-9]+)?(\s+[0-9]{1,2}:[0-9]{2})?$"
_TIME_HELP = "use e.g. 2h, H+6, H+1d 06:00, D+1 06:00 or 2024-07-13T06:00"


def is_planner_time(value: object) -> bool:
    """Whether ``value`` is written relative to H-hour or D-day, or as a date and time."""
    return isinstance(value, str) and any(r.match(value.strip()) for r in (_H_RE, _D_RE, _ISO_RE))


def parse_time(value: object, start: datetime | None = None) -> float:
    """Minutes after H-hour from any accepted spelling; ``start`` is scenario.start (needed by D+ and dates)."""
    try:
        minutes = _parse_time(value, start)
    except OverflowError:  # D+ a billion days: past what a date can hold
        raise ValueError(f"{value!r} is too far from H-hour; times must be within 100 years") from None
    if not math.isfinite(minutes) or abs(minutes) > MAX_MINUTES:
        raise ValueError(f"{value!r} is too far from H-hour; times must be within 100 years")
    return minutes


def _parse_time(value: object, start: datetime | None) -> float:
    if isinstance(value, datetime):
        return _since(value, start, value.isoformat())
    if not isinstance(value, str) or not is_planner_time(value):
        try:
            return parse_duration(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a time; {_TIME_HELP}") from None
    text = value.strip()
    if m := _H_RE.match(text):
        return _after_h(m, text)
    if m := _D_RE.match(text):
        if start is None:
            raise ValueError(f"{text!r} counts from D-day: give scenario.start (the date and time of H-hour)")
        day = start.date() + timedelta(days=int(m["days"] or 0) * (-1 if m["sign"] == "-" else 1))
        return _since(datetime.combine(day, _clock(m, text), start.tzinfo), start, text)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date and time; {_TIME_HELP}") from None
    return _since(when, start, text)


def _after_h(m: re.Match[str], text: str) -> float:
    minutes = 0.0
    if m["ch"] is not None:  # H+06:30
        minutes = float(int(m["ch"]) * 60 + int(m["cm"]))
        if int(m["cm"]) > 59:
            raise ValueError(f"{text!r}: {m['ch']}:{m['cm']} is not hours and minutes")
    if m["num"] is not None:
        if m["unit"] is None and m["hh"] is not None:
            raise ValueError(f"{text!r}: give the unit of the first part, e.g. H+1d 06:00")
        unit = (m["unit"] or "h").lower()  # H+6 is six hours, as planners write it
        if unit not in _UNITS_MIN:
            raise ValueError(f"{text!r}: unknown unit {unit!r}; {_TIME_HELP}")
        minutes = float(m["num"]) * _UNITS_MIN[unit]
    if m["hh"] is not None:
        clock = _clock(m, text)
        minutes += clock.hour * 60 + clock.minute
    if m["sign"] == "-" and minutes > 0:
        raise ValueError(f"{text!r} is before H-hour; a scenario starts at H (minute 0)")
    return minutes


def _clock(m: re.Match[str], text: str) -> time:
    if m["hh"] is None:
        return time(0, 0)
    hh, mm = int(m["hh"]), int(m["mm"])
    if hh > 23 or mm > 59:
        raise ValueError(f"{text!r}: {m['hh']}:{m['mm']} is not a clock time (00:00 to 23:59)")
    return time(hh, mm)


def _since(when: datetime, start: datetime | None, text: str) -> float:
    if start is None:
        raise ValueError(f"{text!r} is a date and time: give scenario.start (the date and time of H-hour)")
    if (when.tzinfo is None) != (start.tzinfo is None):
        raise ValueError(f"{text!r} and scenario.start must both give a time zone, or neither")
    minutes = (when - start).total_seconds() / 60
    if minutes < 0:
        raise ValueError(f"{text!r} is before scenario.start ({start.isoformat(sep=' ', timespec='minutes')})")
    return minutes


def format_time(minutes: float, start: datetime | None = None) -> str:
    """``H+1d2h (2024-07-13 06:00)``: a time as planners read it."""
    text = f"H+{format_duration(minutes)}" if round(minutes) else "H"
    if start is not None:
        text += f" ({(start + timedelta(minutes=minutes)).isoformat(sep=' ', timespec='minutes')})"
    return text


def _validate_time(value: object, info: ValidationInfo) -> float:
    start = (info.context or {}).get("start")
    return parse_time(value, start if isinstance(start, datetime) else None)


Time = Annotated[
    float,
    BeforeValidator(_validate_time),
    PlainSerializer(lambda v: v, return_type=float),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "description": "minutes after H-hour"},
                {"type": "string", "pattern": _DURATION_PATTERN, "description": "after H-hour, e.g. 90min, 2h, 1.5d"},
                {"type": "string", "pattern": _H_JSON, "description": "H+6 (hours), H+1d 06:00, H+30min"},
                {"type": "string", "pattern": _D_JSON, "description": "clock time on a day: D+1 06:00"},
                {"type": "string", "pattern": DATE_TIME_PATTERN, "description": "date and time: 2024-07-13T06:00"},
            ]
        }
    ),
]
"""A point in time, validated from any planner's spelling and held as float minutes after H-hour.

Spellings relative to D-day or dates need ``scenario.start`` in the validation context (``{"start": ...}``).
"""


# Rates are written per hour or per day, as planners quote them, and used per simulated minute: the
# schema converts them once (the ``*_per_min`` properties), so no model divides by 60 or 1440.
MIN_PER_H = 60.0
MIN_PER_DAY = 1440.0
