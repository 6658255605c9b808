"""A time-weighted monitor of a piecewise-constant quantity (a queue length, teams busy, beds in use).

The owner tells it each change (``set`` or ``change``, at non-decreasing simulated times); it integrates
lazily, on a change and at read time, so there is no clock tick. Every statistic covers the window from
the warm-up to the time it is read, ``[warmup, now]``, with the warm-up cut exactly: a level held across
the warm-up counts only from the warm-up on.

Conventions (the monitor's contract; the tests pin each one down):

- the integral adds ``level * dt`` for each stretch between two calls, clipped at the warm-up. Every
  call settles the integral up to its time, a ``change(t, 0)`` included: an owner that kept one clock
  for several quantities may call each monitor at the same instants and so add the same terms, in the
  same order, as before (floating-point sums depend on that order);
- ``time_above`` counts the time the level is strictly above the threshold (``level > threshold``); for
  a count, "at least k" is ``threshold=k - 1``;
- ``maximum`` is the largest level held at any instant of the closed window ``[warmup, now]``: a level
  that starts before the warm-up and continues past it counts; so does one that ends exactly at the
  warm-up (the level in force up to that instant), and so does a momentary level (set and replaced at
  the same instant, at or after the warm-up: two beds taken at once and one given back at once was a
  peak of two). Levels that end before the warm-up do not count;
- over an empty window (read at the warm-up itself) the mean and share are NaN, the integral and time
  above 0, and the maximum the level at that instant; read before the warm-up, the maximum is NaN too.
"""

from __future__ import annotations

import math

__all__ = ["Monitor"]


class Monitor:
    """One piecewise-constant quantity over simulated time, from ``start`` at ``level``."""

    __slots__ = ("_above", "_area", "_peak", "last", "level", "threshold", "warmup")

    def __init__(self, warmup: float = 0.0, *, level: float = 0.0, threshold: float = 0.0, start: float = 0.0):
        self.warmup = warmup  # statistics count from here on
        self.threshold = threshold  # time_above counts the time the level is strictly above it
        self.level = level
        self.last = start  # the time of the last call: the integrals are settled up to here
        self._area = 0.0  # ∫ level dt over [warmup, _last]
        self._above = 0.0  # time with level > threshold over [warmup, _last]
        self._peak = level if start >= warmup else -math.inf  # largest level held in [warmup, _last]

    def set(self, t: float, value: float) -> None:
        """The level becomes ``value`` at time ``t`` (not before the last call)."""
        if t < self.last:
            raise ValueError(f"a monitor is told its changes in time order: {t} comes before {self.last}")
        # (written with comparisons, not max(): on every change of every monitor; max keeps the first of
        # equals and replaces on '>', as these do, so the numbers are the same)
        level, warmup = self.level, self.warmup
        if t > warmup:
            last = self.last
            dt = t - (last if last > warmup else warmup)  # only the part after the warm-up counts
            self._area += level * dt
            if level > self.threshold:
                self._above += dt
        if t >= warmup:  # the level in force up to t, and the new one, are both held at t
            peak = self._peak
            if level > peak:
                peak = level
            if value > peak:
                peak = value
            self._peak = peak
        self.last = t
        self.level = value

    def change(self, t: float, delta: float) -> None:
        """The level moves by ``delta`` at time ``t`` (``delta=0`` only settles the integrals up to ``t``)."""
        self.set(t, self.level + delta)

    def integral(self, now: float) -> float:
        """∫ level dt over [warmup, now]."""
        if now <= self.warmup:
            return self._area
        return self._area + self.level * (now - max(self.last, self.warmup))

    def mean(self, now: float) -> float:
        """The time-weighted mean level over [warmup, now] (NaN over an empty window)."""
        span = now - self.warmup
        return self.integral(now) / span if span > 0 else math.nan

    def maximum(self, now: float) -> float:
        """The largest level held at any instant of [warmup, now] (NaN before the warm-up)."""
        return max(self._peak, self.level) if now >= self.warmup else math.nan

    def time_above(self, now: float) -> float:
        """Time over [warmup, now] with the level strictly above the threshold."""
        if now <= self.warmup or self.level <= self.threshold:
            return self._above
        return self._above + (now - max(self.last, self.warmup))

    def share_above(self, now: float) -> float:
        """The share of [warmup, now] with the level strictly above the threshold (NaN over an empty window)."""
        span = now - self.warmup
        return self.time_above(now) / span if span > 0 else math.nan
