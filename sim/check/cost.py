"""What one replication of a scenario will cost, estimated before it runs: a small file can ask for hours.

The work of a replication grows with its units, the triggers they are checked against (phases, injects,
decision points, objectives) and its simulated duration: ``units × (triggers + 1) × hours``. Measured on
one core of a 2024 laptop, a unit of that work takes about 3 µs (the shipped scenarios: 2-16 µs, most of
it the fixed cost of a short run; a 5,000-unit, 2,000-trigger, 30-day file: 2.4 µs, 4.7 hours).

``check`` and ``run`` warn of a replication estimated at more than a minute, and refuse one estimated at
more than ``EXSIM_MAX_REPLICATION`` (a duration, default 1h; ``none`` lifts the limit).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

from sim.config.durations import format_duration, parse_duration
from sim.config.schema import Scenario
from sim.config.yamlsafe import PathKey
from sim.errors import ExsimError

SECONDS_PER_WORK = 3e-6
WARN_S = 60.0
LIMIT_VAR = "EXSIM_MAX_REPLICATION"
DEFAULT_LIMIT = "1h"


@dataclass(frozen=True)
class Cost:
    units: int
    triggers: int
    hours: float

    @property
    def seconds(self) -> float:
        return SECONDS_PER_WORK * self.units * (self.triggers + 1) * self.hours

    def __str__(self) -> str:
        return (
            f"one replication would take about {format_duration(self.seconds / 60)} "
            f"({self.units:,} units × {self.triggers:,} triggers × {self.hours:,.0f} h simulated)"
        )


def estimate(s: Scenario) -> Cost:
    triggers = len(s.phases) + len(s.injects) + len(s.decision_points) + len(s.objectives)
    return Cost(len(s.units), triggers, s.scenario.duration / 60)


def limit_s() -> float | None:
    """The longest replication ``run`` and ``check`` accept, in seconds (None: no limit)."""
    text = os.environ.get(LIMIT_VAR, DEFAULT_LIMIT).strip()
    if text.lower() in ("none", "off", "0"):
        return None
    try:
        return parse_duration(text) * 60
    except ValueError:
        raise ExsimError(f"{LIMIT_VAR}={text}: not a duration (say 2h, 30min, or none)") from None


def problems(s: Scenario) -> Iterator[tuple[PathKey, str]]:
    """The refusal of a replication beyond the limit (one finding at scenario.duration, or none)."""
    cost, limit = estimate(s), limit_s()
    if limit is not None and cost.seconds > limit:
        yield (
            ("scenario", "duration"),
            f"{cost}, more than {format_duration(limit / 60)} ({LIMIT_VAR}={os.environ.get(LIMIT_VAR, DEFAULT_LIMIT)}; "
            f"{LIMIT_VAR}=none lifts the limit)",
        )


def warnings(s: Scenario) -> Iterator[tuple[PathKey, str]]:
    cost = estimate(s)
    limit = limit_s()
    if cost.seconds > WARN_S and (limit is None or cost.seconds <= limit):
        yield ("scenario", "duration"), f"{cost}; many replications multiply it"
