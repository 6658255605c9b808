"""sim.engine.monitor against hand-worked paths and an exact segment-by-segment reference written here.

Each hand-worked test names, in its docstring, the one-line fault in monitor.py it is there to catch.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.monitor import Monitor


def _path(m: Monitor, changes: list[tuple[float, float]]) -> Monitor:
    for t, v in changes:
        m.set(t, v)
    return m


def test_a_level_across_the_warmup_counts_from_the_warmup_on():
    """Warm-up 10; the level is 2 on [0, 5), 4 on [5, 15), 1 on [15, 20), 0 after; read at 30.

    Over [10, 30]: ∫ = 4·5 + 1·5 = 25, mean 25/20, time above 0: 10 (share 1/2), above 1: 5 (a level equal
    to the threshold is not above it), maximum 4 (held across the warm-up; the 2 ended before it).
    Catches: the integral or the time above not cut at the warm-up (``dt = t - self.last``), ``>=`` for
    ``>`` in the time above, a maximum that counts levels ended before the warm-up."""
    m = _path(Monitor(10.0), [(0.0, 2), (5.0, 4), (15.0, 1), (20.0, 0)])
    assert m.integral(30.0) == 25.0
    assert m.mean(30.0) == 25.0 / 20.0
    assert (m.time_above(30.0), m.share_above(30.0)) == (10.0, 0.5)
    assert m.maximum(30.0) == 4
    one = _path(Monitor(10.0, threshold=1.0), [(0.0, 2), (5.0, 4), (15.0, 1), (20.0, 0)])
    assert one.time_above(30.0) == 5.0


def test_a_level_held_at_read_time_is_cut_at_the_warmup():
    """No change after the warm-up: 3 from time 4, warm-up 10, read at 16: ∫ = 3·6, 6 minutes above 0.
    Catches the read-time integral or time above counted from the last change (``now - self.last``)."""
    m = _path(Monitor(10.0), [(4.0, 3)])
    assert (m.integral(16.0), m.mean(16.0), m.time_above(16.0), m.maximum(16.0)) == (18.0, 3.0, 6.0, 3)


def test_a_change_exactly_at_the_warmup():
    """7 from 0, then 3 exactly at the warm-up (10), read at 12: only the 3 is integrated (∫ = 6), and the
    7, in force up to the warm-up instant, is the maximum (the closed window's convention); a level that
    ended at 9 would not count. Catches ``t > self.warmup`` for ``t >= self.warmup`` in the maximum."""
    m = _path(Monitor(10.0), [(0.0, 7), (10.0, 3)])
    assert (m.integral(12.0), m.time_above(12.0), m.maximum(12.0)) == (6.0, 2.0, 7)
    early = _path(Monitor(10.0), [(0.0, 7), (9.0, 3)])
    assert (early.integral(12.0), early.maximum(12.0)) == (6.0, 3)


def test_a_zero_length_window():
    """Read at the warm-up itself: nothing to average (NaN), nothing integrated, the level at that instant
    is the maximum; read before it, nothing. Catches ``span >= 0`` (a division by zero), a maximum that needs
    ``now > warmup``, and a time above that runs backwards from the warm-up when read before it."""
    m = _path(Monitor(10.0), [(2.0, 5), (10.0, 2)])
    assert math.isnan(m.mean(10.0)) and math.isnan(m.share_above(10.0))
    assert (m.integral(10.0), m.time_above(10.0), m.maximum(10.0)) == (0.0, 0.0, 5)
    before = Monitor(10.0, level=4)  # read before the warm-up: nothing counted yet
    assert (before.integral(9.0), before.time_above(9.0)) == (0.0, 0.0) and math.isnan(before.maximum(9.0))


def test_a_momentary_level_counts_for_the_maximum_only():
    """Two beds taken at once and one given back at once, after the warm-up: a peak of 2 that adds nothing
    to the integral. Catches a maximum that records only the level after each change (``max(peak, value)``
    at the first change and the level before it dropped)."""
    m = _path(Monitor(), [(5.0, 1), (6.0, 2), (6.0, 1), (8.0, 0)])
    assert (m.maximum(10.0), m.integral(10.0)) == (2, 3.0)


def test_an_initial_level_ended_before_the_warmup_is_not_the_maximum():
    """Starts at 9 at time 0, 1 from 5; warm-up 10: the maximum is 1. Catches a peak seeded with the
    initial level whatever the warm-up (``self._peak = level``)."""
    m = _path(Monitor(10.0, level=9), [(5.0, 1)])
    assert m.maximum(20.0) == 1


def test_change_moves_by_a_delta_and_a_zero_delta_only_settles():
    m = Monitor()
    m.change(1.0, +2)
    m.change(3.0, 0)
    m.change(4.0, -1)
    assert (m.level, m.last, m.integral(6.0)) == (1, 4.0, 2.0 * 3 + 1.0 * 2)


def test_changes_out_of_time_order_are_refused():
    m = _path(Monitor(), [(5.0, 1)])
    with pytest.raises(ValueError, match="time order"):
        m.set(4.0, 2)


def _reference(changes: list[tuple[int, int]], initial: int, warmup: int, end: int, threshold: int):
    """(∫, time above, maximum) over [warmup, end] from the sorted segments [t_i, t_i+1) of the path, in
    exact integer arithmetic: each segment clipped to the window; the maximum over every segment whose
    closed interval meets the window (the monitor's documented convention)."""
    times = [0] + [t for t, _ in changes] + [end]
    values = [initial] + [v for _, v in changes]
    area = above = 0
    peak = None
    for (a, b), v in zip(pairwise(times), values, strict=True):
        length = max(0, min(b, end) - max(a, warmup))
        area += v * length
        above += length if v > threshold else 0
        if b >= warmup and a <= end:
            peak = v if peak is None else max(peak, v)
    return area, above, peak


@settings(max_examples=300, deadline=None)
@given(
    steps=st.lists(st.tuples(st.integers(0, 5), st.integers(-3, 6)), max_size=12),
    initial=st.integers(-3, 6),
    warmup=st.integers(0, 40),
    tail=st.integers(0, 10),
    threshold=st.integers(-1, 3),
)
def test_matches_an_exact_segment_reference(steps, initial, warmup, tail, threshold):
    """Integer times and levels, so every sum is exact in floating point and equality is the test."""
    changes, t = [], 0
    for dt, v in steps:
        t += dt
        changes.append((t, v))
    end = max(t + tail, warmup)
    m = _path(Monitor(float(warmup), level=initial, threshold=float(threshold)), [(float(a), v) for a, v in changes])
    area, above, peak = _reference(changes, initial, warmup, end, threshold)
    assert m.integral(float(end)) == area
    assert m.time_above(float(end)) == above
    assert m.maximum(float(end)) == peak
    if end > warmup:
        assert m.mean(float(end)) == pytest.approx(area / (end - warmup), rel=1e-12)
        assert m.share_above(float(end)) == pytest.approx(above / (end - warmup), rel=1e-12)


@settings(max_examples=100, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.floats(0, 50, allow_nan=False), st.floats(0, 20, allow_nan=False)), min_size=1, max_size=10
    ),
    warmup=st.floats(0, 200, allow_nan=False),
)
def test_matches_a_fine_grid_integration(steps, warmup):
    """Real times: the mean agrees with a midpoint sum on a grid of 4,000 cells over the window to the
    grid's resolution (a cell straddling a change is off by at most its width times the largest jump)."""
    changes, t = [], 0.0
    for dt, v in steps:
        t += dt
        changes.append((t, v))
    end = max(t, warmup) + 1.0
    m = _path(Monitor(warmup), changes)
    n = 4000
    h = (end - warmup) / n
    times = [c[0] for c in changes]

    def level(x: float) -> float:
        i = bisect_right(times, x)  # changes at or before x are in force (a right-continuous path)
        return changes[i - 1][1] if i else 0.0

    grid = sum(level(warmup + (k + 0.5) * h) for k in range(n)) * h
    assert m.integral(end) == pytest.approx(grid, abs=2 * len(changes) * h * 20 + 1e-9)
