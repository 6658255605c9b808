"""Intervals that respect what a metric can be: never below 0 for non-negative metrics, inside [0, 1]
for rates and shares, with coverage near the level where the theory says so."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner
from scipy.stats import norm, t

from sim.cli import main
from sim.experiment.stats import mean_ci, positive_mean_ci, share_ci, summarise, wilson
from sim.models.contract import Kind

R = 2000  # simulated samples per coverage check: binomial SE of a 95 % coverage = 0.0049


@pytest.mark.parametrize("level", [0.90, 0.95, 0.99])
def test_the_mean_s_interval_is_student_t_at_small_n(level):
    """Five replications: the half-width is scipy's t quantile (4 degrees of freedom) times the standard error,
    not the normal one (1.96 at 95 %, which would be 28 % too narrow here)."""
    xs = [3.0, 7.0, 4.0, 9.0, 5.0]
    mean = sum(xs) / 5
    sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / 4)
    s = mean_ci(xs, level)
    assert s.mean == pytest.approx(mean) and s.high - s.mean == pytest.approx(s.mean - s.low)
    assert s.high - s.mean == pytest.approx(t.ppf(0.5 + level / 2, 4) * sd / math.sqrt(5), rel=1e-12)


def coverage(interval, sample, mu, rng) -> float:
    hits = 0
    for _ in range(R):
        s = interval(sample(rng))
        hits += s.low <= mu <= s.high
    return hits / R


def test_log_scale_interval_covers_near_the_level_on_a_mildly_skewed_count():
    """Poisson(3), n = 20: the delta method on log(mean) is accurate here; 95 % ± 3 binomial SE."""
    rng = np.random.default_rng(11)
    c = coverage(positive_mean_ci, lambda r: r.poisson(3.0, 20).astype(float), 3.0, rng)
    assert abs(c - 0.95) < 3 * math.sqrt(0.95 * 0.05 / R)


def test_log_scale_interval_beats_the_t_interval_on_zero_inflated_data():
    """Mostly zeros (30 % chance of an Exp(5) value), n = 20: same samples, paired count of misses."""
    rng = np.random.default_rng(12)
    mu, n, t_hits, log_hits, negative = 0.3 * 5, 20, 0, 0, 0
    q = t.ppf(0.975, n - 1)
    for _ in range(R):
        x = rng.binomial(1, 0.3, n) * rng.exponential(5.0, n)
        m, se = x.mean(), x.std(ddof=1) / math.sqrt(n)  # the t interval, computed here by hand
        t_hits += m - q * se <= mu <= m + q * se
        negative += m - q * se < 0
        s = positive_mean_ci(list(x))
        log_hits += s.low <= mu <= s.high
        assert s.low >= 0
    assert negative > 0.3 * R  # the t interval's lower bound is often negative here
    assert log_hits > t_hits + 3 * math.sqrt(R * 0.1)  # and the log interval covers clearly more often


def test_no_interval_for_a_non_negative_mean_of_fewer_than_five_and_none_past_the_run():
    """At n = 2 the t quantile is 12.7 and the log-scale bound would be absurd: none is given. A duration
    stops at the run's length."""
    s = summarise([0.0, 1.0], Kind.COUNT)
    assert s.mean == 0.5 and math.isnan(s.low) and math.isnan(s.high)
    s = summarise([0.0, 0.0, 30.0, 0.0, 40.0, 0.0], Kind.DURATION, upper=72.0)
    assert s.high > 50  # uncapped, the log-scale bound (~61 h) is inside a 72 h run
    s = summarise([0.0, 0.0, 30.0, 0.0, 40.0, 0.0], Kind.DURATION, upper=24.0)
    assert s.high == 24.0 and 0 < s.low < s.mean


@pytest.mark.parametrize("values", [[0.0] * 10, [0, 0, 0, 1, 0, 0, 0, 0, 0, 0], [0.0, 0.2, 0.1, 0.0, 5.0]])
def test_non_negative_metrics_never_get_a_negative_lower_bound(values):
    for kind in (Kind.COUNT, Kind.DURATION, Kind.AMOUNT):
        s = summarise([float(v) for v in values], kind)
        assert 0 <= s.low <= s.mean <= s.high


@pytest.mark.parametrize("values", [[0.0, 0.0, 0.05, 0.0], [1.0, 1.0, 0.97, 1.0], [0.5, 0.6, 0.4, 0.55, 0.45]])
def test_share_intervals_stay_in_the_unit_interval(values):
    s = share_ci(values)
    assert 0 <= s.low <= s.mean <= s.high <= 1


def test_share_interval_matches_the_t_interval_away_from_the_bounds():
    """At p ≈ 0.5 with small spread the effective-n Wilson interval and the t interval agree closely."""
    rng = np.random.default_rng(3)
    x = list(np.clip(rng.normal(0.5, 0.05, 50), 0, 1))
    s = share_ci(x)
    m, se = np.mean(x), np.std(x, ddof=1) / math.sqrt(50)
    q = t.ppf(0.975, 49)
    assert s.low == pytest.approx(m - q * se, abs=2e-3) and s.high == pytest.approx(m + q * se, abs=2e-3)


def test_wilson_matches_its_formula():
    """Wilson score interval for 3 of 20, from the textbook formula (Agresti & Coull 1998)."""
    z, n, p = norm.ppf(0.975), 20, 3 / 20
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert wilson(3, 20) == pytest.approx((centre - half, centre + half), rel=1e-12)
    lo, hi = wilson(0, 20)
    assert lo == 0 and hi == pytest.approx(z * z / (n + z * z), rel=1e-12)


@pytest.mark.parametrize("name", ["island_retake", "medical_chain"])
def test_no_summary_interval_of_a_shipped_scenario_leaves_its_bounds(name, tmp_path):
    out = tmp_path / name
    r = CliRunner().invoke(main, ["run", name, "--reps", "8", "--out", str(out), "--all"])
    assert r.exit_code == 0, r.output + r.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary
    for metric, s in summary.items():
        if s["low"] is None:
            continue
        assert s["kind"] in ("rate", "share", "count", "duration", "amount"), metric
        assert s["low"] >= 0, metric
        if s["kind"] in ("rate", "share"):
            assert s["high"] <= 1, metric
    assert " -" not in r.output.replace(" – ", " ")  # no negative number printed anywhere in the table
