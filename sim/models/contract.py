"""The contract every model meets, and the declaration of the metrics it computes.

A model is one module that offers:

- ``NAME``: a short name;
- ``SECTIONS``: the scenario sections (top-level fields of the schema) it reads and owns;
- ``install(world)``: wire itself into a World (processes, order handlers, bus subscriptions, services);
- ``declare(scenario)``: the metrics it reports for that scenario, each a :class:`MetricSpec`;
- ``metrics(world)``: their values at the end of a replication.

The registry (``sim.models.registry``) lists the models; the runner, the scenario's metric list,
``compare``, the terminal summary and the docs all read the same declarations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sim.config.identity import ScenarioKey
    from sim.config.schema import Scenario
    from sim.engine.world import World


class Kind(StrEnum):
    """What sort of number a metric is; decides its summary and the bounds of its interval."""

    RATE = "rate"  # a 0/1 outcome per replication (objective met); summarised as a proportion
    SHARE = "share"  # a proportion within a replication, in [0, 1]
    COUNT = "count"  # a non-negative count of people, platforms, events
    DURATION = "duration"  # a non-negative time
    AMOUNT = "amount"  # a non-negative quantity of supplies

    @property
    def bounded(self) -> bool:
        """Lies in [0, 1]."""
        return self in (Kind.RATE, Kind.SHARE)


class Better(StrEnum):
    """Which direction is better for the metric's side."""

    HIGHER = "higher"
    LOWER = "lower"
    NEITHER = "neither"  # a quantity to know, not to judge (consumption, utilisation)

    def flipped(self) -> Better:
        return {Better.HIGHER: Better.LOWER, Better.LOWER: Better.HIGHER}.get(self, self)


@dataclass(frozen=True)
class MetricSpec:
    """One metric column: its meaning, unit, owner and the direction that is better for the owner."""

    name: str  # the column, e.g. "killed.coalition"
    kind: Kind
    unit: str  # "h", "people", "platforms", "L", "t", "casualties", "" for shares and rates
    better: Better
    description: str
    side: str | None = None  # whose metric it is; None: neutral (the same for every side)
    headline: bool = False  # shown in the short summary
    upper: float | None = None  # a bound no value can pass (a duration within a run: the run's length)

    @property
    def family(self) -> str:
        return self.name.split(".", 1)[0]

    def better_for(self, perspective: str | None) -> Better:
        """The better direction seen from ``perspective``: an opponent's gain is our loss."""
        if self.side is None or perspective is None or self.side == perspective:
            return self.better
        return self.better.flipped()

    def as_dict(self) -> dict[str, Any]:
        return {k: str(v) if isinstance(v, StrEnum) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> MetricSpec:
        return cls(**{**d, "kind": Kind(d["kind"]), "better": Better(d["better"])})


class Model(Protocol):
    """What the registry needs from a model module (modules satisfy it structurally)."""

    NAME: str
    SECTIONS: Sequence[str]

    def install(self, world: World) -> None: ...

    def declare(self, scenario: Scenario) -> list[MetricSpec]: ...

    def metrics(self, world: World) -> dict[str, float]: ...


@dataclass(frozen=True)
class Installed:
    """The models installed in a World, in the registry's order (a service the runner provides): a model
    that reads another's metric (a trigger on ``casualties``) asks them, without importing the registry."""

    models: tuple[Model, ...]

    def declaring(self, scenario: Scenario, name: str) -> Model:
        """The model that declares the metric ``name`` for ``scenario``."""
        # here, not at the top: it imports the schema (pydantic), and the results' readers (exsim runs,
        # compare, export) import this module for MetricSpec without loading it
        from sim.config.identity import ScenarioKey

        return _declaring(ScenarioKey(scenario), self.models, name)

    def spec(self, scenario: Scenario, name: str) -> MetricSpec:
        """The metric ``name`` as its model declares it for ``scenario`` (its kind: a total, a share...)."""
        from sim.config.identity import ScenarioKey  # (as in declaring)

        return _spec(ScenarioKey(scenario), self.models, name)


@lru_cache(maxsize=256)  # asked in every replication (a trigger on a metric): the declarations read once a scenario
def _declaring(key: ScenarioKey, models: tuple[Model, ...], name: str) -> Model:
    return next(m for m in models if name in {spec.name for spec in m.declare(key.s)})


@lru_cache(maxsize=256)
def _spec(key: ScenarioKey, models: tuple[Model, ...], name: str) -> MetricSpec:
    return next(spec for spec in _declaring(key, models, name).declare(key.s) if spec.name == name)
