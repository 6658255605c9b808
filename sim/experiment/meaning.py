"""What stored metrics mean: the metric catalogue saved with a plan's results, and read back.

Results carry their catalogue (kind, unit, owner, better direction) in the manifest, so that
``compare``, summaries and reports read a folder without re-loading its scenario.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.models.contract import MetricSpec

if TYPE_CHECKING:
    from sim.config.load import LoadedScenario


@dataclass(frozen=True)
class Meaning:
    """The metrics of a results folder: specs by name, and the side the verdicts take."""

    perspective: str | None
    specs: Mapping[str, MetricSpec]

    def headline(self) -> list[str]:
        return [n for n, m in self.specs.items() if m.headline]

    def as_manifest(self) -> dict[str, Any]:
        return {"perspective": self.perspective, "metrics": [m.as_dict() for m in self.specs.values()]}


def of_scenarios(scenarios: Iterable[LoadedScenario]) -> Meaning:
    """The catalogue over every point's scenario (points of a sweep may differ in their metrics)."""
    from sim.models.catalogue import catalogue  # here: reading a folder's catalogue loads no model

    specs: dict[str, MetricSpec] = {}
    perspective = None
    for i, loaded in enumerate(scenarios):
        cat = catalogue(loaded.scenario)
        perspective = cat.perspective if i == 0 else perspective
        headline = set(cat.headline(list(loaded.scenario.analysis.headline)))
        for m in cat:
            specs.setdefault(m.name, _with_headline(m, m.name in headline))
    return Meaning(perspective, specs)


def _with_headline(m: MetricSpec, headline: bool) -> MetricSpec:
    return m if m.headline == headline else MetricSpec(**{**m.__dict__, "headline": headline})


def of_manifest(manifest: Mapping[str, Any]) -> Meaning:
    """The catalogue saved in a folder's manifest (empty for folders written before it was saved)."""
    specs = {d["name"]: MetricSpec.from_dict(d) for d in manifest.get("metrics") or []}
    return Meaning(manifest.get("perspective"), specs)
