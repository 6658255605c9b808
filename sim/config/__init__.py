"""Scenario configuration: schema, safe YAML loading with positions, overrides and checks."""

from typing import TYPE_CHECKING

from sim._lazy import package_getattr

if TYPE_CHECKING:
    from sim.config.load import LoadedScenario, load_scenario, scenario_digest
    from sim.config.schema import Scenario, metric_names

# imported when first used, so that a light submodule (locate, durations) does not load pydantic's schema
__getattr__ = package_getattr(
    __name__,
    {
        "LoadedScenario": "sim.config.load",
        "load_scenario": "sim.config.load",
        "scenario_digest": "sim.config.load",
        "Scenario": "sim.config.schema",
        "metric_names": "sim.config.schema",
    },
)

__all__ = ["LoadedScenario", "Scenario", "load_scenario", "metric_names", "scenario_digest"]
