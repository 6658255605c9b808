"""Where one run landed in a Monte Carlo batch of the same scenario: its place as a percentile.

The analysis figure is the mid-rank: the share of the batch the run beats, plus half the share it ties,

    percentile = 100 · (#{worse than the run} + ½ · #{equal to the run}) / n

so a run equal to every run of the batch sits at 50 %, and the percentiles of the batch's own runs
average 50 %. "Worse" follows the metric's better direction for the analysis side (lower is better for a
time to secure, higher for a share of casualties in surgery within the hour); for a metric with no
better direction, "worse" reads "lower" and the text says "higher than". The words never claim the
mid-rank as a strict win: they say the share beaten and the share tied apart ("better than 44 % of 200
simulated runs, tied with 56 %"; sim.present.placement). Runs of the batch where the
metric has no value (NaN: a place never secured has no time to secure) are left out, and the text says
how many runs it is placed among.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sim.models.contract import Better


def beaten_and_tied(value: float, sample: Sequence[float], better: Better | str) -> tuple[int, int]:
    """How many runs of ``sample`` (NaN left out) ``value`` beats, and how many it ties; (0, 0) for a NaN value."""
    if math.isnan(value):
        return 0, 0
    xs = [x for x in sample if not math.isnan(x)]
    lower_is_better = Better(better) is Better.LOWER
    worse = sum(1 for x in xs if (x > value if lower_is_better else x < value))
    return worse, sum(1 for x in xs if x == value)


def percentile(value: float, sample: Sequence[float], better: Better | str) -> float:
    """The mid-rank percentile of ``value`` in ``sample`` (NaN left out); NaN if either has nothing to place."""
    n = sum(1 for x in sample if not math.isnan(x))
    if math.isnan(value) or not n:
        return math.nan
    worse, ties = beaten_and_tied(value, sample, better)
    return 100.0 * (worse + 0.5 * ties) / n


@dataclass(frozen=True)
class Placement:
    """One metric of the class's run against the batch."""

    metric: str
    value: float
    better: str  # higher, lower or neither, seen from the analysis side
    percentile: float  # NaN: nothing to place (no value in the run, or none in the batch)
    n: int  # runs of the batch with a value
    runs: int  # runs in the batch
    sample: list[float]  # the batch's values (NaN kept), for the report's chart

    @property
    def beaten(self) -> int:
        """Runs of the batch the class's run beats (strictly: "better than"; "higher than" with no direction)."""
        return beaten_and_tied(self.value, self.sample, self.better)[0]

    @property
    def tied(self) -> int:
        """Runs of the batch with exactly the class's value."""
        return beaten_and_tied(self.value, self.sample, self.better)[1]

    def as_dict(self) -> dict[str, object]:
        return {
            "metric": self.metric,
            "value": None if math.isnan(self.value) else self.value,
            "better": self.better,
            "percentile": None if math.isnan(self.percentile) else self.percentile,
            "n": self.n,
            "runs": self.runs,
            "sample": [None if math.isnan(x) else x for x in self.sample],
        }

    @classmethod
    def from_dict(cls, d: dict[str, object]) -> Placement:
        def num(x: object) -> float:
            return math.nan if x is None else float(x)  # type: ignore[arg-type]

        return cls(
            str(d["metric"]),
            num(d["value"]),
            str(d["better"]),
            num(d["percentile"]),
            int(d["n"]),  # type: ignore[call-overload]
            int(d["runs"]),  # type: ignore[call-overload]
            [num(x) for x in d["sample"]],  # type: ignore[attr-defined]
        )


def place(metric: str, value: float, sample: Sequence[float], better: Better | str) -> Placement:
    xs = list(sample)
    n = sum(1 for x in xs if not math.isnan(x))
    return Placement(metric, value, str(Better(better)), percentile(value, xs, better), n, len(xs), xs)
