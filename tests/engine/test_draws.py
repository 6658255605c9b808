"""Distributions drawn by the engine: each one's sample mean and variance against its formula, and the streams
they come from (named, keyed by entity, common random numbers)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from pydantic import TypeAdapter
from scipy import integrate

from sim.config.distributions import Distribution, Span
from sim.engine.draws import Sampler, exponential, fixed, sample
from sim.engine.rng import seed_sequence

N = 10_000
K = 4.0  # standard errors

_dist = TypeAdapter(Distribution).validate_python


def lognormal_raw(mu: float, sigma: float) -> Callable[[int], float]:
    return lambda k: math.exp(k * mu + k * k * sigma * sigma / 2)


def gamma_raw(shape: float, scale: float) -> Callable[[int], float]:
    # E[X^k] = scale^k * shape (shape + 1) ... (shape + k - 1)
    return lambda k: scale**k * math.prod(shape + i for i in range(k))


def exponential_raw(mean: float) -> Callable[[int], float]:
    return lambda k: math.factorial(k) * mean**k


def uniform_raw(a: float, b: float) -> Callable[[int], float]:
    return lambda k: (b ** (k + 1) - a ** (k + 1)) / ((k + 1) * (b - a))


def triangular_raw(a: float, c: float, b: float) -> Callable[[int], float]:
    def pdf(x: float) -> float:
        return 2 * (x - a) / ((b - a) * (c - a)) if x < c else 2 * (b - x) / ((b - a) * (b - c))

    return lambda k: integrate.quad(lambda x: x**k * pdf(x), a, b, points=[c])[0]


def discrete_raw(values: list[float], weights: list[float]) -> Callable[[int], float]:
    total = sum(weights)
    return lambda k: sum(w / total * v**k for v, w in zip(values, weights, strict=True))


CASES = {
    "exponential": ({"distribution": "exponential", "mean": "75min"}, exponential_raw(75.0)),
    # mean 90, cv 0.5: sigma^2 = ln(1.25), mu = ln 90 - sigma^2 / 2
    "lognormal mean cv": (
        {"distribution": "lognormal", "mean": "90min", "cv": 0.5},
        lognormal_raw(math.log(90) - math.log(1.25) / 2, math.sqrt(math.log(1.25))),
    ),
    "lognormal mu sigma": ({"distribution": "lognormal", "mu": 4.0, "sigma": 0.4}, lognormal_raw(4.0, 0.4)),
    # mean 12 h, cv 0.6: shape 1 / 0.36, scale 720 * 0.36
    "gamma mean cv": ({"distribution": "gamma", "mean": "12h", "cv": 0.6}, gamma_raw(1 / 0.36, 720 * 0.36)),
    "gamma shape scale": ({"distribution": "gamma", "shape": 4.0, "scale": "20min"}, gamma_raw(4.0, 20.0)),
    "triangular": ({"distribution": "triangular", "min": 30, "mode": 45, "max": "2h"}, triangular_raw(30, 45, 120)),
    "uniform": ({"distribution": "uniform", "min": "30min", "max": "1h"}, uniform_raw(30, 60)),
    "empirical equal": (
        {"distribution": "empirical", "values": [40, 55, 70, "2h"]},
        discrete_raw([40, 55, 70, 120], [1, 1, 1, 1]),
    ),
    "empirical weighted": (
        {"distribution": "empirical", "values": [40, 55, 70, "2h"], "weights": [1, 2, 2, 0.5]},
        discrete_raw([40, 55, 70, 120], [1, 2, 2, 0.5]),
    ),
}


def central(raw: Callable[[int], float]) -> tuple[float, float, float]:
    """Mean, variance and fourth central moment from the raw moments E[X^k], k = 1..4."""
    m = raw(1)
    var = raw(2) - m * m
    mu4 = raw(4) - 4 * m * raw(3) + 6 * m * m * raw(2) - 3 * m**4
    return m, var, mu4


@pytest.mark.parametrize("name", sorted(CASES))
def test_sample_mean_and_variance_match_the_formula(name):
    spec, raw = CASES[name]
    dist = _dist(spec)
    mean, var, mu4 = central(raw)
    # what exsim check prints is the formula
    assert dist.mean == pytest.approx(mean, rel=1e-9)
    assert dist.variance == pytest.approx(var, rel=1e-9)
    sampler = Sampler(dist, np.random.default_rng(seed_sequence(2024, 0, f"test:{name}")))
    xs = np.array([sampler() for _ in range(N)])
    # the sample mean has SE sqrt(var / n); the sample variance s^2 has Var(s^2) = (mu4 - var^2 (n-3)/(n-1)) / n
    se_mean = math.sqrt(var / N)
    se_var = math.sqrt((mu4 - var * var * (N - 3) / (N - 1)) / N)
    assert abs(xs.mean() - mean) <= K * se_mean, (xs.mean(), mean, se_mean)
    assert abs(xs.var(ddof=1) - var) <= K * se_var, (xs.var(ddof=1), var, se_var)


def test_deterministic_is_its_value_every_time():
    sampler = Sampler(_dist({"distribution": "deterministic", "value": "45min"}), np.random.default_rng(1))
    assert {sampler() for _ in range(100)} == {45.0}


def test_draws_are_the_generator_methods_on_the_named_stream():
    """A distribution's draws are numpy's method on stream ``name`` of (seed, replication): the first block of 8."""
    dist = _dist({"distribution": "lognormal", "mean": 90, "cv": 0.5})
    mu, sigma = dist.log_params
    want = np.random.default_rng(seed_sequence(7, 3, "treatment:role2")).lognormal(mu, sigma, 8)
    world = _World(7, 3)
    got = [sample(world, dist, "treatment:role2") for _ in range(8)]  # type: ignore[arg-type]
    assert got == want.tolist()


def test_two_distributions_on_one_stream_each_keep_their_block():
    """A request's legs draw the HQ's default and a pair's own delay from one stream, in turn: each keeps its
    sampler, so each one's first 8 draws are one block of numpy's method (not a new block at every turn)."""
    short = _dist({"distribution": "exponential", "mean": 30})
    long = _dist({"distribution": "exponential", "mean": 40})
    gen = np.random.default_rng(seed_sequence(2, 0, "interoperability:request:fires"))
    first, second = gen.exponential(30, 8), gen.exponential(40, 8)
    world, stream = _World(2, 0), "interoperability:request:fires"
    turns = [(sample(world, short, stream), sample(world, long, stream)) for _ in range(8)]  # type: ignore[arg-type]
    assert [a for a, _ in turns] == first.tolist() and [b for _, b in turns] == second.tolist()


class _World:
    """What sim.engine.draws uses of a World: its streams and services."""

    def __init__(self, seed: int, replication: int):
        from sim.engine.rng import Streams
        from sim.engine.services import Services

        self.streams, self.services = Streams(seed, replication), Services()


def test_each_distribution_has_its_own_stream():
    """Drawing more from one named stream (more loads at one unit) leaves another's draws (treatment) alone."""
    treat = _dist({"distribution": "gamma", "mean": 60, "cv": 0.5})
    load = _dist({"distribution": "uniform", "min": 10, "max": 50})
    alone, busy = _World(1, 0), _World(1, 0)
    a = [sample(alone, treat, "treatment:s0") for _ in range(20)]  # type: ignore[arg-type]
    b = []
    for _ in range(20):
        sample(busy, load, "load:ls-1")  # type: ignore[arg-type]
        b.append(sample(busy, treat, "treatment:s0"))  # type: ignore[arg-type]
    assert a == b
    other_replication = [sample(_World(1, 1), treat, "treatment:s0") for _ in range(20)]  # type: ignore[arg-type]
    assert other_replication != a


def test_a_number_keeps_its_meaning():
    """fixed: the number itself, no draw; exponential: the Stream's exponential draw with that mean, as before."""
    number = TypeAdapter(Span).validate_python("90min")
    assert isinstance(number, float)
    world = _World(5, 0)
    assert fixed(world, number, "load:x") == 90.0  # type: ignore[arg-type]
    from sim.engine.rng import Streams

    before = Streams(5, 0)["treatment:s0"]
    assert [exponential(world, number, "treatment:s0") for _ in range(30)] == [  # type: ignore[arg-type]
        before.exponential(1.0 / 90.0) for _ in range(30)
    ]
