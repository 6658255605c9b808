"""Summary statistics: mean with a Student-t interval; rates with a Wilson score interval."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from scipy.special import ndtri, stdtrit


@dataclass(frozen=True)
class Summary:
    n: int  # replications with a value (NaN = not applicable, e.g. time to secure when never secured)
    mean: float
    sd: float
    low: float  # 95 % confidence interval
    high: float
    kind: str  # "mean" or "rate"

    def as_dict(self) -> dict[str, float | int | str]:
        return asdict(self)


def mean_ci(values: Sequence[float], level: float = 0.95) -> Summary:
    xs = [v for v in values if not math.isnan(v)]
    n = len(xs)
    if n == 0:
        return Summary(0, math.nan, math.nan, math.nan, math.nan, "mean")
    mean = math.fsum(xs) / n
    if n == 1:
        return Summary(1, mean, math.nan, math.nan, math.nan, "mean")
    sd = math.sqrt(math.fsum((x - mean) ** 2 for x in xs) / (n - 1))
    half = float(stdtrit(n - 1, 0.5 + level / 2)) * sd / math.sqrt(n)
    return Summary(n, mean, sd, mean - half, mean + half, "mean")


def wilson(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (good coverage even at 0 % or 100 %)."""
    if n == 0:
        return math.nan, math.nan
    z = float(ndtri(0.5 + level / 2))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def summarise_metrics(names: Sequence[str], rows: Sequence[Mapping[str, float]]) -> dict[str, Summary]:
    """Per metric: a rate with its Wilson interval for 0/1 outcomes, else a mean with its t interval."""
    from sim.config.schema import is_indicator

    return {n: (rate_ci if is_indicator(n) else mean_ci)([r[n] for r in rows]) for n in names}


def rate_ci(values: Sequence[float], level: float = 0.95) -> Summary:
    xs = [v for v in values if not math.isnan(v)]
    n, k = len(xs), int(sum(1 for x in xs if x >= 0.5))
    sd = math.sqrt(k / n * (1 - k / n)) if n else math.nan
    low, high = wilson(k, n, level)
    return Summary(n, k / n if n else math.nan, sd, low, high, "rate")
