"""exsim — a discrete-event simulator for tabletop military exercise scenarios.

>>> from sim import load_scenario, replicate, summarise
>>> loaded = load_scenario("island_retake")
>>> results = replicate(loaded.scenario, seed=7, reps=3)
>>> round(summarise(loaded.scenario, results)["secured.island"].mean, 2)
1.0
"""

from sim._version import __version__
from sim.config import LoadedScenario, Scenario, load_scenario
from sim.errors import ExsimError, Problem, ScenarioError
from sim.experiment import RunResult, build_world, replicate, run_replication, summarise

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
