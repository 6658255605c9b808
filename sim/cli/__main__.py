"""``python -m sim.cli``: the exsim program, as its console script runs it."""

from sim.cli import entry

entry()
