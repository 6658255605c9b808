"""Summary statistics whose intervals respect what a metric can be.

- **rate** (a 0/1 outcome per replication): the proportion with a Wilson score interval.
- **share** (a proportion within each replication): the mean with a Wilson interval at the effective
  sample size that matches the observed variance (Korn & Graubard 1998), so it stays inside [0, 1]
  and agrees with the t interval away from the bounds.
- **count, duration, amount** (non-negative): from 5 replications, the mean with a log-scale interval,
  ``mean · exp(± t·se/mean)`` (the delta method on log(mean)), which is never below 0, is asymmetric
  in the direction of the skew these metrics have, and shrinks to the t interval when se/mean is
  small. On skewed samples (Poisson 0.2, exponential, zero-inflated; n = 10–100) its coverage was
  0.84–0.96 against 0.76–0.95 for the t interval, which crossed zero in up to 91 % of samples. Below
  5 replications the skew cannot be judged and t quantiles explode (t = 12.7 at n = 2): no interval is
  given. A duration's interval stops at the run's length (``MetricSpec.upper``).
- anything else (paired differences): the mean with a Student-t interval.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from statistics import NormalDist

from sim.models.contract import Kind, MetricSpec


@dataclass(frozen=True)
class Summary:
    n: int  # replications with a value (NaN = not applicable, e.g. time to secure when never secured)
    mean: float
    sd: float
    low: float  # 95 % confidence interval
    high: float
    kind: str  # a metric Kind ("rate", "share", "count", "duration", "amount") or "mean"

    def as_dict(self) -> dict[str, float | int | str]:
        return asdict(self)


def _finite(values: Sequence[float]) -> list[float]:
    return [v for v in values if not math.isnan(v)]


def _moments(xs: list[float]) -> tuple[float, float]:
    mean = math.fsum(xs) / len(xs)
    return mean, math.sqrt(math.fsum((x - mean) ** 2 for x in xs) / (len(xs) - 1))


def t_quantile(df: float, p: float) -> float:
    """Student-t quantile at ``p`` with ``df`` degrees of freedom.

    The levels exsim's summaries use (p = 0.95, 0.975, 0.995) come without scipy, which costs about a
    second to import: from a table scipy wrote once (``tools/t_table.py``) up to its ``MAX_DF``, and
    beyond it from the Cornish-Fisher expansion, within 1e-14 of scipy there (tests/experiment/test_t_table.py
    checks both). Any other ``p``, or a fractional ``df`` (Welch's), asks scipy.
    """
    from sim.experiment import t_table  # an 83 kB table, read on the first interval only

    table = t_table.QUANTILES.get(p)
    if table is not None and df == int(df) and df >= 1:
        if df <= t_table.MAX_DF:
            return table[int(df) - 1]
        return _cornish_fisher(df, p)
    from scipy.special import stdtrit  # start-up: scipy costs about a second, and most commands need none

    return float(stdtrit(df, p))


def _cornish_fisher(df: float, p: float) -> float:
    """The t quantile as the normal one plus its expansion in 1/df (Abramowitz & Stegun 26.7.5)."""
    z = NormalDist().inv_cdf(p)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def _t(n: int, level: float) -> float:
    return t_quantile(n - 1, 0.5 + level / 2)


def mean_ci(values: Sequence[float], level: float = 0.95, kind: str = "mean") -> Summary:
    """Mean with a Student-t interval."""
    xs = _finite(values)
    n = len(xs)
    if n == 0:
        return Summary(0, math.nan, math.nan, math.nan, math.nan, kind)
    if n == 1:
        return Summary(1, xs[0], math.nan, math.nan, math.nan, kind)
    mean, sd = _moments(xs)
    half = _t(n, level) * sd / math.sqrt(n)
    return Summary(n, mean, sd, mean - half, mean + half, kind)


MIN_N_SKEWED = 5  # fewer replications than this: no interval for a non-negative mean


def positive_mean_ci(
    values: Sequence[float], level: float = 0.95, kind: str = "amount", upper: float | None = None
) -> Summary:
    """Mean of a non-negative quantity with the log-scale interval (never below 0, never above ``upper``)."""
    s = mean_ci(values, level, kind)
    if s.n < MIN_N_SKEWED:
        return Summary(s.n, s.mean, s.sd, math.nan, math.nan, kind)
    if s.mean <= 0:  # every value 0: nothing varies, nothing to be uncertain about at this n
        return Summary(s.n, s.mean, s.sd, 0.0, 0.0, kind)
    factor = math.exp(_t(s.n, level) * s.sd / math.sqrt(s.n) / s.mean)
    high = s.mean * factor if upper is None else min(s.mean * factor, max(upper, s.mean))
    return Summary(s.n, s.mean, s.sd, s.mean / factor, high, kind)


def wilson(successes: float, n: float, level: float = 0.95, z: float | None = None) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (good coverage even at 0 % or 100 %)."""
    if n == 0:
        return math.nan, math.nan
    z = NormalDist().inv_cdf(0.5 + level / 2) if z is None else z  # within an ulp of scipy's ndtri
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def rate_ci(values: Sequence[float], level: float = 0.95) -> Summary:
    xs = _finite(values)
    n, k = len(xs), sum(1 for x in xs if x >= 0.5)
    sd = math.sqrt(k * (n - k) / (n * (n - 1))) if n > 1 else math.nan  # sample sd (n - 1), as for every kind
    low, high = wilson(k, n, level)
    return Summary(n, k / n if n else math.nan, sd, low, high, str(Kind.RATE))


def share_ci(values: Sequence[float], level: float = 0.95) -> Summary:
    """Mean of per-replication shares, with Wilson at the variance-matched effective sample size."""
    s = mean_ci(values, level, str(Kind.SHARE))
    if s.n < 2:
        return s
    p = min(1.0, max(0.0, s.mean))
    var = s.sd * s.sd
    if var <= 0 or p in (0.0, 1.0):
        return Summary(s.n, s.mean, s.sd, p, p, s.kind) if var <= 0 else _wilson_summary(s, p, s.n, level)
    n_eff = min(p * (1 - p) / (var / s.n), 1e12)  # binomial variance p(1-p)/n_eff = observed se²
    return _wilson_summary(s, p, n_eff, level)


def _wilson_summary(s: Summary, p: float, n_eff: float, level: float) -> Summary:
    low, high = wilson(p * n_eff, n_eff, level, z=_t(s.n, level))
    return Summary(s.n, s.mean, s.sd, min(low, p), max(high, p), s.kind)


def summarise(
    values: Sequence[float], kind: Kind | str | None, level: float = 0.95, upper: float | None = None
) -> Summary:
    """The summary for a metric of ``kind`` (None: a plain mean with a t interval)."""
    if kind == Kind.RATE:
        return rate_ci(values, level)
    if kind == Kind.SHARE:
        return share_ci(values, level)
    if kind in (Kind.COUNT, Kind.DURATION, Kind.AMOUNT):
        return positive_mean_ci(values, level, str(kind), upper)
    return mean_ci(values, level)


def summarise_metrics(
    names: Sequence[str], rows: Sequence[Mapping[str, float]], specs: Mapping[str, MetricSpec] | None = None
) -> dict[str, Summary]:
    """Per metric, the summary its kind in the catalogue calls for (``specs``: the metrics' declarations)."""
    return summarise_columns({n: [r[n] for r in rows] for n in names}, specs)


def summarise_columns(
    columns: Mapping[str, Sequence[float]], specs: Mapping[str, MetricSpec] | None = None
) -> dict[str, Summary]:
    """``summarise_metrics`` from each metric's values (a column), as a store holds them."""
    specs = specs or {}
    out = {}
    for n, values in columns.items():
        spec = specs.get(n)
        kind, upper = (spec.kind, spec.upper) if spec is not None else (_legacy_kind(n), None)
        out[n] = summarise(values, kind, upper=upper)
    return out


def _legacy_kind(name: str) -> Kind | None:
    """For results stored before the catalogue was: 0/1 outcomes are known by their names."""
    if name == "mission_success" or name.startswith(("secured.", "objective.")):
        return Kind.RATE
    return None
