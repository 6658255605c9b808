"""Draws of the times a scenario gives as distributions (``sim.config.distributions``), each from its own
named stream.

A model asks for a time by its value and a stream name keyed by entity (``load:<unit>``,
``treatment:<facility>``). A number keeps its meaning from before distributions existed: ``fixed`` returns
it, ``exponential`` draws an exponential time with that mean from the named stream exactly as before
(the same stream, the same draws, so results of scenarios without distributions are unchanged). A
distribution is drawn by numpy's Generator methods from the stream of that name, a block at a time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.config.distributions import (
    Deterministic,
    Empirical,
    Exponential,
    Gamma,
    Lognormal,
    SpanValue,
    Triangular,
    Uniform,
)

if TYPE_CHECKING:
    from sim.engine.world import World

# a sampler's blocks grow like a Stream's (sim.engine.rng): most streams draw a handful of numbers; a change here
# changes every replication that draws a distribution: bump sim.experiment.streams.SCHEME with it
_FIRST, _BLOCK = 8, 512
Dist = Exponential | Lognormal | Gamma | Triangular | Uniform | Deterministic | Empirical
_NUMBER = (float, int)  # a time given as a number (a tuple: ``float | int`` would build a union at every draw)


def block(dist: Dist, gen: np.random.Generator, n: int) -> np.ndarray:
    """``n`` draws of ``dist`` (minutes) by the Generator's own method for it."""
    if isinstance(dist, Exponential):
        return gen.exponential(dist.mean, n)
    if isinstance(dist, Lognormal):
        mu, sigma = dist.log_params
        return gen.lognormal(mu, sigma, n)
    if isinstance(dist, Gamma):
        shape, scale = dist.shape_scale
        return gen.gamma(shape, scale, n)
    if isinstance(dist, Triangular):
        return gen.triangular(dist.min, dist.mode, dist.max, n)
    if isinstance(dist, Uniform):
        return gen.uniform(dist.min, dist.max, n)
    if isinstance(dist, Empirical):
        return gen.choice(np.asarray(dist.values, dtype=float), size=n, p=dist.probabilities)
    return np.full(n, dist.value)


class Sampler:
    """One distribution drawn from one Generator, a block at a time (scalar numpy calls are slow in a loop)."""

    __slots__ = ("_buf", "_next", "dist", "gen")

    def __init__(self, dist: Dist, gen: np.random.Generator):
        self.dist, self.gen = dist, gen
        self._buf: list[float] = []
        self._next = _FIRST

    def __call__(self) -> float:
        if not self._buf:
            n = self._next
            self._next = min(8 * n, _BLOCK)
            self._buf = block(self.dist, self.gen, n).tolist()[::-1]  # used from its end: first drawn, first used
        return self._buf.pop()


class Samplers:
    """A world's samplers by stream name and distribution (a service on the World, made on first use)."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, int], Sampler] = {}  # (stream, id of the distribution, which its sampler keeps)


def sample(world: World, dist: Dist, name: str) -> float:
    """One draw of ``dist`` from stream ``name`` of the world's replication. Two distributions drawn from one
    stream (a request's legs to and from the combined HQ) each keep their own sampler and its unused draws."""
    samplers = world.services.find(Samplers)
    if samplers is None:
        samplers = Samplers()
        world.services.provide(samplers)
    key = (name, id(dist))
    s = samplers.by_key.get(key)
    if s is None:
        s = samplers.by_key[key] = Sampler(dist, world.streams[name].gen)
    return s()


def fixed(world: World, value: SpanValue, name: str) -> float:
    """A time whose number means the same time every time; a distribution is drawn from stream ``name``."""
    if isinstance(value, _NUMBER):
        return value
    return sample(world, value, name)


def exponential(world: World, value: SpanValue, name: str) -> float:
    """A time whose number is the mean of an exponential time, drawn from stream ``name`` as it always was; a
    distribution is drawn from the same stream."""
    if isinstance(value, _NUMBER):
        return world.streams[name].exponential(1.0 / value)
    return sample(world, value, name)
