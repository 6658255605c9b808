"""The ``exsim`` command line: thin — parse, call the library, print.

One small module per command (or per pair of close ones), each imported only when its command runs or
is asked for its help (click's lazy group, sim/cli/lazy.py), so that ``exsim --help`` loads none of the
library; sim/cli/boundary.py is where every error becomes a line and an exit code.
"""

from __future__ import annotations

import click

from sim import _process
from sim._version import __version__
from sim.cli.boundary import EXIT_BUG, RESUME_HINT, ExsimGroup, Terminated

# command -> where it is defined; each is imported when it is run or asked for its help
COMMANDS = {
    "check": "sim.cli.check.check",
    "compare": "sim.cli.compare.compare",
    "export": "sim.cli.export.export_cmd",
    "list": "sim.cli.list.list_resources",
    "msel": "sim.cli.msel.msel",
    "new": "sim.cli.new.new",
    "play": "sim.play.cli.play",
    "plot": "sim.cli.report.plot",
    "report": "sim.cli.report.report",
    "run": "sim.cli.run.run",
    "runs": "sim.cli.runs.runs_cmd",
    "schema": "sim.cli.schema.schema",
    "sensitivity": "sim.cli.sensitivity.sensitivity",
    "serve": "sim.serve.cli.serve",
    "story": "sim.cli.story.story",
    "sweep": "sim.cli.sweep.sweep",
}

# the first paragraph of each command's help, for `exsim --help` to list it without importing it
# (tests/cli/test_package.py checks each against the command's own)
SUMMARIES = {
    "check": "Validate and lint scenario files without running them (--plan: what they would do; --msel: their MSEL).",
    "compare": "Differences between the points of FOLDER (each against its --baseline), or between FOLDER and OTHER.",
    "export": "Export every replication of FOLDER (a results folder or a run id) as one table (CSV or Parquet).",
    "list": "List the shipped scenarios, sweeps and unit catalogues, each with its description.",
    "msel": "Write the MSEL of SCENARIO for the control binder: injects and decisions in clock order, as HTML or CSV.",
    "new": "Write NAME.yaml in this folder: a commented scenario skeleton that passes check (and its JSON Schema).",
    "play": "Play SCENARIO live with the class: a narrated run that stops at every inject and decision.",
    "plot": "Chart METRIC of FOLDER: across a sweep's points with 95 % intervals, or a run's distribution.",
    "report": "Write the after-action report of FOLDER (a run or a sweep; a folder or a run id) as one HTML file.",
    "run": "Run SCENARIO (a file, or the name of a shipped scenario) and summarise its outcomes.",
    "runs": "List the stored runs and sweeps under results/ (of SCENARIO or sweep name, if given): the "
    "interrupted first, then the finished, newest first.",
    "schema": "Print the JSON Schema of scenario files (or sweep files), for editors.",
    "sensitivity": "Rank which factors of SCENARIO_OR_FILE drive its metrics: Morris screening or Sobol indices "
    "with intervals.",
    "serve": "Play SCENARIO with a class in the browser: a projector view for the facilitator, a vote page for phones.",
    "story": "Tell replication --rep of SCENARIO_OR_RUN in plain words, in scenario clock time.",
    "sweep": "Run SOURCE (a sweep file, or a scenario with --vary) over design points × replications.",
}


@click.group(
    name="exsim",
    cls=ExsimGroup,
    lazy_subcommands=COMMANDS,
    summaries=SUMMARIES,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "--version", prog_name="exsim")
def main() -> None:
    """exsim — discrete-event simulator for tabletop exercise scenarios."""


def entry() -> None:
    """The exsim program (the console script, ``python -m sim.cli``): exsim owns its process (sim/_process.py).

    Calling ``main()`` from Python, with arguments or without, leaves the caller's process as it was.
    """
    with _process.owned():
        main(prog_name="exsim")


__all__ = ["EXIT_BUG", "RESUME_HINT", "ExsimGroup", "Terminated", "entry", "main"]
