"""Scenario configuration: schema, safe YAML reading with positions, overrides. The bottom layer: it
imports nothing else of sim (but sim.errors); the checks that need the map or the models are sim.check."""

from typing import TYPE_CHECKING

from sim._lazy import package_getattr

if TYPE_CHECKING:
    from sim.config.load import LoadedScenario, scenario_digest
    from sim.config.schema import Scenario

# imported when first used, so that a light submodule (locate, durations) does not load pydantic's schema
__getattr__ = package_getattr(
    __name__,
    {
        "LoadedScenario": "sim.config.load",
        "scenario_digest": "sim.config.load",
        "Scenario": "sim.config.schema",
    },
)

__all__ = ["LoadedScenario", "Scenario", "scenario_digest"]
