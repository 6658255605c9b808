"""Replications, summaries and result files."""

from typing import TYPE_CHECKING

from sim._lazy import package_getattr

if TYPE_CHECKING:
    from sim.experiment.replications import replicate, summarise
    from sim.experiment.runner import RunResult, build_world, run_replication

# imported when first used, so that a light submodule (history, store, lock) does not load the models
__getattr__ = package_getattr(
    __name__,
    {
        "replicate": "sim.experiment.replications",
        "summarise": "sim.experiment.replications",
        "RunResult": "sim.experiment.runner",
        "build_world": "sim.experiment.runner",
        "run_replication": "sim.experiment.runner",
    },
)

__all__ = ["RunResult", "build_world", "replicate", "run_replication", "summarise"]
