"""exsim — a discrete-event simulator for tabletop military exercise scenarios.

>>> from sim import load_scenario, replicate, summarise
>>> loaded = load_scenario("island_retake")
>>> results = replicate(loaded.scenario, seed=7, reps=3)
>>> round(summarise(loaded.scenario, results)["secured.island"].mean, 2)
1.0
"""

from typing import TYPE_CHECKING

from sim._lazy import package_getattr
from sim._version import __version__
from sim.errors import ExsimError, Problem, ScenarioError

if TYPE_CHECKING:
    from sim.check import load_scenario
    from sim.config import LoadedScenario, Scenario
    from sim.experiment import RunResult, build_world, replicate, run_replication, summarise

# imported when first used: `import sim` (and so every `exsim` command) must not load pydantic or the models
__getattr__ = package_getattr(
    __name__,
    {
        "LoadedScenario": "sim.config",
        "Scenario": "sim.config",
        "load_scenario": "sim.check",
        "RunResult": "sim.experiment",
        "build_world": "sim.experiment",
        "replicate": "sim.experiment",
        "run_replication": "sim.experiment",
        "summarise": "sim.experiment",
    },
)

__all__ = [
    "ExsimError",
    "LoadedScenario",
    "Problem",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "__version__",
    "build_world",
    "load_scenario",
    "replicate",
    "run_replication",
    "summarise",
]
