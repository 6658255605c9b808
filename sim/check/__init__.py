"""Scenario checks that need the map or the models: cross-references, lint, fuel and the plan's
references, exercise control's references; and ``load_scenario``, which reads a scenario and runs them.

Above the models and below the experiment: config validates each field by the schema, this package checks
what only the engine's map or the models' metric catalogue can tell.
"""

from typing import TYPE_CHECKING

from sim._lazy import package_getattr

if TYPE_CHECKING:
    from sim.check.load import load_scenario

# imported when first asked for: exsim run of a scenario it keeps validated (sim.check.cache) needs no check
__getattr__ = package_getattr(__name__, {"load_scenario": "sim.check.load"})

__all__ = ["load_scenario"]
