"""Durations in scenario files: ``90min``, ``2h``, ``1.5d``, ``45s`` or a plain number of minutes."""

from __future__ import annotations

import math
import re
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

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
    return minutes


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
                {"type": "string", "pattern": r"^\s*[0-9]*\.?[0-9]+\s*(s|sec|min|m|h|d)?\s*$"},
            ]
        }
    ),
]
"""A time span, validated from any accepted spelling and held as float minutes."""
