"""The metric catalogue of a scenario: every model's declarations, in column order, with the analysis
perspective (whose side the verdicts take)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from sim.config.identity import ScenarioKey
from sim.config.schema import MetricObjective, Scenario
from sim.models import objectives, registry
from sim.models.combat import attacker_of
from sim.models.contract import Kind, MetricSpec


@dataclass(frozen=True)
class Catalogue:
    perspective: str | None
    specs: tuple[MetricSpec, ...]
    worded: tuple[str, ...] = ()  # the headline the exercise's kind asks for (relief, mixed); empty: the models'

    def __iter__(self) -> Iterator[MetricSpec]:
        return iter(self.specs)

    def __getitem__(self, name: str) -> MetricSpec:
        return self.by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self.by_name

    @property
    def names(self) -> list[str]:
        return [m.name for m in self.specs]

    @property
    def by_name(self) -> dict[str, MetricSpec]:
        return _index(self)

    def headline(self, requested: list[str] | None = None) -> list[str]:
        """The metrics of the short summary: the scenario's choice, else those the models mark as headline,
        of the perspective's side (or neutral)."""
        if requested:
            return [n for n in requested if n in self]
        if self.worded:
            return list(self.worded)
        mine = (None, self.perspective)
        return [m.name for m in self.specs if m.headline and m.side in mine]


@lru_cache(maxsize=256)
def _index(cat: Catalogue) -> dict[str, MetricSpec]:
    return {m.name: m for m in cat.specs}


def perspective(s: Scenario) -> str | None:
    """The side the analysis takes: the scenario's ``analysis.side``, else the side that has objectives
    (the side ordered to secure the objective places, or that owns an objective's metric), else the
    first side."""
    if s.analysis.side is not None:
        return s.analysis.side
    for o in s.objectives:
        side = _owner(s, o.metric) if isinstance(o, MetricObjective) else attacker_of(s, o.place)
        if side is not None:
            return side
    return next(iter(s.sides), None)


def _owner(s: Scenario, metric: str) -> str | None:
    for m in _declared(s, None):
        if m.name == metric:
            return m.side
    return None


def _declared(s: Scenario, side: str | None) -> list[MetricSpec]:
    specs: list[MetricSpec] = []
    for model in registry.MODELS:
        specs += _listed(model.NAME, model.declare(s))
    return _listed(objectives.NAME, objectives.declare(s, side, {m.name: m for m in specs})) + specs


def _listed(model: str, specs: list[MetricSpec]) -> list[MetricSpec]:
    """``specs``, each of a family the registry lists for ``model`` (so that every family has its label)."""
    families = registry.METRICS.get(model, frozenset())
    for m in specs:
        if m.family not in families:
            raise RuntimeError(
                f"model {model!r} declares metric {m.name!r}, whose family is not in sim.models.registry.METRICS"
            )
    return specs


def catalogue(s: Scenario) -> Catalogue:
    """Every metric a replication of ``s`` reports, in column order."""
    return _cached(ScenarioKey(s), registry.MODELS)


@lru_cache(maxsize=64)
def _cached(key: ScenarioKey, models: tuple[object, ...]) -> Catalogue:
    s = key.s
    side = perspective(s)
    run_h = s.scenario.duration / 60.0  # no duration measured within a run can be longer than the run
    specs = [dataclasses.replace(m, upper=run_h) if m.kind is Kind.DURATION else m for m in _declared(s, side)]
    seen: set[str] = set()
    for m in specs:
        if m.name in seen:
            raise RuntimeError(f"metric {m.name!r} is declared twice")
        seen.add(m.name)
    cat = Catalogue(side, tuple(specs))
    return dataclasses.replace(cat, worded=tuple(_worded(s, cat))) if s.scenario.exercise != "combat" else cat


# what a relief exercise's summary shows besides its objectives' metrics: patients, discharges and deaths in
# care, supplies delivered (and no killed, wounded or ground secured: not its measures); of the families of
# several metrics, every one of _EACH and the total of the others (casualties, not casualties.T1)
_RELIEF = ("mission_success", "objective", "casualties", "returned_to_duty", "died_of_wounds", "delivered_t")
_EACH = ("objective", "delivered_t")


def _worded(s: Scenario, cat: Catalogue) -> list[str]:
    """The headline of a relief or mixed exercise: the metrics its objectives name first, then (relief) the
    chain of care's and the deliveries', or (mixed) the models' own headline."""
    named = [o.metric for o in s.objectives if isinstance(o, MetricObjective) and o.metric in cat]
    if s.scenario.exercise == "relief":
        rest = [m.name for m in cat.specs if m.family in _RELIEF and (m.family in _EACH or "." not in m.name)]
    else:
        rest = cat.headline()
    return list(dict.fromkeys(named + rest))
