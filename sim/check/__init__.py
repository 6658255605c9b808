"""Scenario checks that need the map or the models: cross-references, lint, fuel and the plan's
references, exercise control's references; and ``load_scenario``, which reads a scenario and runs them.

Above the models and below the experiment: config validates each field by the schema, this package checks
what only the engine's map or the models' metric catalogue can tell.
"""

from sim.check.load import load_scenario

__all__ = ["load_scenario"]
