"""Scenario configuration: schema, safe YAML loading with positions, overrides and checks."""

from sim.config.load import LoadedScenario, load_scenario, scenario_digest
from sim.config.schema import Scenario, metric_names

__all__ = ["LoadedScenario", "Scenario", "load_scenario", "metric_names", "scenario_digest"]
