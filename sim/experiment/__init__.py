"""Replications, summaries and result files."""

from sim.experiment.replicate import replicate, summarise
from sim.experiment.runner import RunResult, build_world, run_replication

__all__ = ["RunResult", "build_world", "replicate", "run_replication", "summarise"]
