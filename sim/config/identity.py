"""A Scenario as a cache key, by identity: a Scenario is immutable, but its dicts make it unhashable."""

from __future__ import annotations

from sim.config.schema import Scenario


class ScenarioKey:
    """Hashes and compares by the identity of the Scenario it holds (and keeps it alive while cached)."""

    __slots__ = ("s",)

    def __init__(self, s: Scenario):
        self.s = s

    def __hash__(self) -> int:
        return id(self.s)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ScenarioKey) and other.s is self.s
