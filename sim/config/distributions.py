"""Times given as distributions: a scenario may write a time as a number (today's meaning, unchanged) or as a
distribution object, ``{distribution: lognormal, mean: 90min, cv: 0.5}``.

Each model here holds its parameters and its mean and variance by formula (``exsim check`` prints them);
the draws are the engine's (``sim.engine.draws``). Every time is in minutes, or a duration such as ``90min``.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from sim.config.durations import Duration
from sim.config.frozen import MAX_COUNT, MAX_QUANTITY, Frozen

_MINUTES = "minutes, or a duration such as 90min, 2h"
Cv = Annotated[float, Field(gt=0.0, le=100.0)]


class _Distribution(Frozen):
    @property
    def mean(self) -> float:
        raise NotImplementedError

    @property
    def variance(self) -> float:
        raise NotImplementedError

    @property
    def cv(self) -> float:
        """Coefficient of variation: standard deviation over mean (0 when the mean is 0)."""
        return math.sqrt(self.variance) / self.mean if self.mean > 0 else 0.0


class Exponential(_Distribution):
    """Exponential time (memoryless): standard deviation equal to the mean, cv 1."""

    distribution: Literal["exponential"] = Field(description="exponential", examples=["exponential"])
    mean_: Duration = Field(alias="mean", gt=0, description=f"mean time ({_MINUTES})", examples=["75min"])

    @property
    def mean(self) -> float:
        return self.mean_

    @property
    def variance(self) -> float:
        return self.mean_**2


class Lognormal(_Distribution):
    """Lognormal time (skewed, as surgery times are): give mean and cv, or mu and sigma of the log of minutes."""

    distribution: Literal["lognormal"] = Field(description="lognormal", examples=["lognormal"])
    mean_: Duration | None = Field(None, alias="mean", gt=0, description=f"mean time ({_MINUTES})", examples=["90min"])
    cv_: Cv | None = Field(
        None, alias="cv", description="coefficient of variation: standard deviation / mean (> 0)", examples=[0.5]
    )
    mu: float | None = Field(
        None, ge=-50.0, le=50.0, description="mean of the natural log of the time in minutes", examples=[4.38]
    )
    sigma: float | None = Field(
        None,
        gt=0.0,
        le=10.0,
        description="standard deviation of the natural log of the time in minutes",
        examples=[0.47],
    )

    @model_validator(mode="after")
    def _one_pair(self) -> Lognormal:
        by_mean = self.mean_ is not None and self.cv_ is not None and self.mu is None and self.sigma is None
        by_log = self.mu is not None and self.sigma is not None and self.mean_ is None and self.cv_ is None
        if not (by_mean or by_log):
            raise ValueError("a lognormal needs mean and cv, or mu and sigma (one pair, not both)")
        return self

    @property
    def log_params(self) -> tuple[float, float]:
        """(mu, sigma) of the log of the time in minutes."""
        if self.mu is not None and self.sigma is not None:
            return self.mu, self.sigma
        s2 = math.log1p(self.cv_**2)  # type: ignore[operator]
        return math.log(self.mean_) - s2 / 2, math.sqrt(s2)  # type: ignore[arg-type]

    @property
    def mean(self) -> float:
        mu, sigma = self.log_params
        return math.exp(mu + sigma**2 / 2)

    @property
    def variance(self) -> float:
        mu, sigma = self.log_params
        return math.expm1(sigma**2) * math.exp(2 * mu + sigma**2)


class Gamma(_Distribution):
    """Gamma time: give mean and cv, or shape and scale."""

    distribution: Literal["gamma"] = Field(description="gamma", examples=["gamma"])
    mean_: Duration | None = Field(None, alias="mean", gt=0, description=f"mean time ({_MINUTES})", examples=["90min"])
    cv_: Cv | None = Field(
        None, alias="cv", description="coefficient of variation: standard deviation / mean (> 0)", examples=[0.5]
    )
    shape: float | None = Field(None, gt=0.0, le=1e6, description="shape k (no unit)", examples=[4.0])
    scale: Duration | None = Field(None, gt=0, description=f"scale θ ({_MINUTES})", examples=["20min"])

    @model_validator(mode="after")
    def _one_pair(self) -> Gamma:
        by_mean = self.mean_ is not None and self.cv_ is not None and self.shape is None and self.scale is None
        by_shape = self.shape is not None and self.scale is not None and self.mean_ is None and self.cv_ is None
        if not (by_mean or by_shape):
            raise ValueError("a gamma needs mean and cv, or shape and scale (one pair, not both)")
        return self

    @property
    def shape_scale(self) -> tuple[float, float]:
        if self.shape is not None and self.scale is not None:
            return self.shape, self.scale
        cv2 = self.cv_**2  # type: ignore[operator]
        return 1.0 / cv2, self.mean_ * cv2  # type: ignore[operator]

    @property
    def mean(self) -> float:
        k, theta = self.shape_scale
        return k * theta

    @property
    def variance(self) -> float:
        k, theta = self.shape_scale
        return k * theta**2


class Triangular(_Distribution):
    """Triangular time between min and max, most often mode (a planner's three-point estimate)."""

    distribution: Literal["triangular"] = Field(description="triangular", examples=["triangular"])
    min: Duration = Field(description=f"shortest time ({_MINUTES})", examples=["30min"])
    mode: Duration = Field(description=f"most likely time ({_MINUTES})", examples=["45min"])
    max: Duration = Field(description=f"longest time ({_MINUTES})", examples=["2h"])

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.min <= self.mode <= self.max:
            raise ValueError(f"a triangular needs min <= mode <= max (here {self.min:g}, {self.mode:g}, {self.max:g})")
        if self.min == self.max:
            raise ValueError("a triangular needs min < max (for a fixed time use deterministic)")
        return self

    @property
    def mean(self) -> float:
        return (self.min + self.mode + self.max) / 3

    @property
    def variance(self) -> float:
        a, c, b = self.min, self.mode, self.max
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18


class Uniform(_Distribution):
    """Uniform time between min and max."""

    distribution: Literal["uniform"] = Field(description="uniform", examples=["uniform"])
    min: Duration = Field(description=f"shortest time ({_MINUTES})", examples=["30min"])
    max: Duration = Field(description=f"longest time ({_MINUTES})", examples=["1h"])

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.min >= self.max:
            raise ValueError(f"a uniform needs min < max (here {self.min:g} and {self.max:g})")
        return self

    @property
    def mean(self) -> float:
        return (self.min + self.max) / 2

    @property
    def variance(self) -> float:
        return (self.max - self.min) ** 2 / 12


class Deterministic(_Distribution):
    """The same time every time."""

    distribution: Literal["deterministic"] = Field(description="deterministic", examples=["deterministic"])
    value: Duration = Field(description=f"the time ({_MINUTES})", examples=["45min"])

    @property
    def mean(self) -> float:
        return self.value

    @property
    def variance(self) -> float:
        return 0.0


class Empirical(_Distribution):
    """One of the observed times, each equally likely or with its weight (resampling recorded data)."""

    distribution: Literal["empirical"] = Field(description="empirical", examples=["empirical"])
    values: list[Duration] = Field(
        min_length=1, max_length=MAX_COUNT, description=f"observed times ({_MINUTES})", examples=[[40, 55, 70, "2h"]]
    )
    weights: list[Annotated[float, Field(ge=0.0, le=MAX_QUANTITY)]] | None = Field(
        None,
        description="relative weight of each value, one per value (none: equal); need not sum to 1",
        examples=[[1, 2, 2, 1]],
    )

    @model_validator(mode="after")
    def _matched(self) -> Empirical:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"weights must match values one for one ({len(self.weights)} weights, {len(self.values)} values)"
                )
            if sum(self.weights) <= 0:
                raise ValueError("weights must not all be zero")
        return self

    @property
    def probabilities(self) -> list[float]:
        w = self.weights if self.weights is not None else [1.0] * len(self.values)
        total = sum(w)
        return [x / total for x in w]

    @property
    def mean(self) -> float:
        return sum(p * x for p, x in zip(self.probabilities, self.values, strict=True))

    @property
    def variance(self) -> float:
        m = self.mean
        return sum(p * (x - m) ** 2 for p, x in zip(self.probabilities, self.values, strict=True))


Distribution = Annotated[
    Exponential | Lognormal | Gamma | Triangular | Uniform | Deterministic | Empirical,
    Field(discriminator="distribution"),
]
DISTRIBUTIONS: tuple[type[_Distribution], ...] = (
    Exponential,
    Lognormal,
    Gamma,
    Triangular,
    Uniform,
    Deterministic,
    Empirical,
)


def _which(value: Any) -> str:
    return "a distribution" if isinstance(value, dict | _Distribution) else "a number"


_DISTRIBUTION_DOC = "or a distribution object: {distribution: lognormal, mean: 90min, cv: 0.5} (docs: Distributions)"
Span = Annotated[
    Annotated[Duration, Tag("a number")] | Annotated[Distribution, Tag("a distribution")],
    Discriminator(_which),
]
"""A time: a number of minutes or a duration (zero or more), or a distribution."""
PositiveSpan = Annotated[
    Annotated[Duration, Field(gt=0), Tag("a number")] | Annotated[Distribution, Tag("a distribution")],
    Discriminator(_which),
]
"""A time: a number of minutes or a duration longer than zero, or a distribution."""
SpanValue = float | Exponential | Lognormal | Gamma | Triangular | Uniform | Deterministic | Empirical


def mean_of(value: SpanValue) -> float:
    """The mean of a time: the number itself, or its distribution's mean (for plans and nominal checks)."""
    return value if isinstance(value, float | int) else value.mean


def is_distribution(value: object) -> bool:
    return isinstance(value, _Distribution)


__all__ = [
    "DISTRIBUTIONS",
    "Deterministic",
    "Distribution",
    "Empirical",
    "Exponential",
    "Gamma",
    "Lognormal",
    "PositiveSpan",
    "Span",
    "SpanValue",
    "Triangular",
    "Uniform",
    "is_distribution",
    "mean_of",
]
