"""What one replication of a scenario will cost, estimated before it runs: a small file can ask for hours.

The work of a replication grows with its units, the triggers they are checked against (phases, injects,
decision points, objectives) and its simulated duration: ``units × (triggers + 1) × hours``. Measured on
one core of a 2024 laptop, a unit of that work takes about 3 µs (the shipped scenarios: 2-16 µs, most of
it the fixed cost of a short run; a 5,000-unit, 2,000-trigger, 30-day file: 2.4 µs, 4.7 hours).

The medical chain's work grows with the casualties it treats: each is a process that waits, is treated and
is carried at every stage of its chain. The casualties known before the run are counted (mass-casualty
events and injects, a decision's worst option, steady arrivals, disease and non-battle injury over the
run; combat's are bounded by the units already counted), times the stages of the longest chain: about
30 µs a casualty and stage (measured: 8,000 casualties through medical_chain's three stages, 0.8 s).

``check`` and ``run`` warn of a replication estimated at more than a minute, and refuse one estimated at
more than ``EXSIM_MAX_REPLICATION`` (a duration, default 1h; ``none`` lifts the limit).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sim.config.durations import format_duration, parse_duration
from sim.config.exercise import MassCasualtyEffect
from sim.config.schema import Scenario
from sim.config.yamlsafe import PathKey
from sim.errors import ExsimError

SECONDS_PER_WORK = 3e-6
SECONDS_PER_CASUALTY_STAGE = 30e-6
WARN_S = 60.0
LIMIT_VAR = "EXSIM_MAX_REPLICATION"
DEFAULT_LIMIT = "1h"


@dataclass(frozen=True)
class Cost:
    units: int
    triggers: int
    hours: float
    casualties: float = 0.0  # expected to enter the chain of care
    stages: int = 0  # of the longest chain: each casualty is worked on this many times

    @property
    def seconds(self) -> float:
        return (
            SECONDS_PER_WORK * self.units * (self.triggers + 1) * self.hours
            + SECONDS_PER_CASUALTY_STAGE * self.casualties * self.stages
        )

    def __str__(self) -> str:
        chain = f" + {self.casualties:,.0f} casualties × {self.stages} stages of care" if self.stages else ""
        return (
            f"one replication would take about {format_duration(self.seconds / 60)} "
            f"({self.units:,} units × {self.triggers:,} triggers × {self.hours:,.0f} h simulated{chain})"
        )


def estimate(s: Scenario) -> Cost:
    triggers = len(s.phases) + len(s.injects) + len(s.decision_points) + len(s.objectives)
    stages = _longest_chain(s)
    return Cost(len(s.units), triggers, s.scenario.duration / 60, casualties(s) if stages else 0.0, stages)


def casualties(s: Scenario) -> float:
    """The casualties a replication's chain of care is known to receive, before any fighting: mass-casualty
    events and injects (each fires once), the worst option of each decision point, steady arrivals, and
    disease and non-battle injury among the sides' people over the run."""
    end, med = s.scenario.duration, s.medical

    def mass(effects: list[Any]) -> int:
        return sum(e.count for e in effects if isinstance(e, MassCasualtyEffect))

    n = float(sum(m.count for m in med.mass_casualties if m.at <= end))
    n += sum(mass(i.effects) for i in s.injects)
    n += sum(max(mass(o.effects) for o in d.options.values()) for d in s.decision_points)
    n += sum(a.expected(end) for a in med.arrivals)
    in_chain = [u for u in s.units if not med.sides or u.side in med.sides]
    people = sum(
        (u.strength or s.unit_types[u.type].strength) * s.unit_types[u.type].personnel_per_element
        for u in in_chain
        if u.type in s.unit_types
    )
    return n + med.dnbi_per_person_per_min * people * end


def _longest_chain(s: Scenario) -> int:
    """The most stages a casualty can pass through (following next:), 0 without a chain of care."""
    after = {f.id: f.next for f in s.medical.facilities}
    longest = 0
    for start in after:
        seen: set[str] = set()
        at: str | None = start
        while at is not None and at in after and at not in seen:  # a cycle is check's to report
            seen.add(at)
            at = after[at]
        longest = max(longest, len(seen))
    return longest


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
