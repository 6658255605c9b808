"""Paired comparisons: replication i of every point (or of two folders run with the same seed) used
the same random numbers, so differences are taken replication by replication."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sim.errors import ExsimError
from sim.experiment.stats import mean_ci
from sim.experiment.store import PointRow, ResultStore

HIGHER_IS_BETTER = (
    "mission_success",
    "objective.",
    "secured.",
    "t1_",
    "on_time_share",
    "delivered_t.",
    "survivors.",
    "evacuated",
    "returned_to_duty",
)
LOWER_IS_BETTER = (
    "time_to_secure_h.",
    "killed.",
    "wounded.",
    "died_of_wounds",
    "wait_h.",
    "wait_p90_h.",
    "evac_wait",
    "stockout_h.",
    "lost_t.",
    "berth_wait_h.",
    "queue_avg.",
    "casualties",
)


@dataclass(frozen=True)
class Difference:
    metric: str
    point: str
    baseline: str
    n: int
    mean: float  # point minus baseline
    low: float
    high: float

    @property
    def verdict(self) -> str:
        if self.n < 2 or math.isnan(self.low):
            return "too few paired replications"
        if self.low <= 0 <= self.high:
            return "no detectable difference"
        up = self.low > 0
        if self.metric.startswith(HIGHER_IS_BETTER):
            return "better" if up else "worse"
        if self.metric.startswith(LOWER_IS_BETTER):
            return "worse" if up else "better"
        return "higher" if up else "lower"


def paired(metric: str, base: dict[int, float], other: dict[int, float], labels: tuple[str, str]) -> Difference:
    diffs = [
        other[r] - base[r]
        for r in sorted(base.keys() & other.keys())
        if not (math.isnan(base[r]) or math.isnan(other[r]))
    ]
    s = mean_ci(diffs)
    return Difference(metric, labels[1], labels[0], s.n, s.mean, s.low, s.high)


def find_point(points: list[PointRow], spec: str) -> PointRow:
    """The point whose settings match ``name=value`` pairs (name: a factor, or the end of its path)."""
    wanted = [kv.split("=", 1) for kv in spec.replace(",", " ").split()]
    if not wanted or any(len(kv) != 2 for kv in wanted):
        raise ExsimError(f"--baseline {spec!r}: expected name=value (e.g. landing_ships=2)")
    matches = [p for p in points if all(_matches(p.settings, k, v) for k, v in wanted)]
    if len(matches) != 1:
        known = "; ".join(p.label for p in points)
        what = "no point" if not matches else f"{len(matches)} points"
        raise ExsimError(f"--baseline {spec!r} matches {what} (points: {known})")
    return matches[0]


def _matches(settings: dict[str, Any], key: str, value: str) -> bool:
    for name, v in settings.items():
        if name == key or name.endswith("." + key):
            return str(v).lower() == value.lower() or _num_eq(v, value)
    return False


def _num_eq(v: Any, text: str) -> bool:
    try:
        return float(v) == float(text)
    except (TypeError, ValueError):
        return False


def compare_points(store: ResultStore, baseline: PointRow, metrics: list[str]) -> list[Difference]:
    out = []
    for p in store.points():
        if p.index == baseline.index:
            continue
        for m in metrics:
            out.append(paired(m, store.values(baseline.index, m), store.values(p.index, m), (baseline.label, p.label)))
    return out


def compare_stores(base: ResultStore, other: ResultStore, metrics: list[str]) -> list[Difference]:
    """Each point of ``other`` against the point of ``base`` with the same label (or the only one)."""
    if base.manifest().get("seed") != other.manifest().get("seed"):
        raise ExsimError("the two folders were run with different seeds: their replications are not paired")
    base_points = {p.label: p for p in base.points()}
    out = []
    for p in other.points():
        b = base_points.get(p.label) or (next(iter(base_points.values())) if len(base_points) == 1 else None)
        if b is None:
            continue
        for m in metrics:
            if m in base.metrics:
                out.append(
                    paired(
                        m,
                        base.values(b.index, m),
                        other.values(p.index, m),
                        (f"{base.folder}:{b.label}", f"{other.folder}:{p.label}"),
                    )
                )
    return out
