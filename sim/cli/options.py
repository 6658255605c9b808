"""Options and checks that several commands share (light: ``exsim --help`` imports none of this)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import click

from sim.config.suggest import did_you_mean
from sim.cores import MAX_WORKERS
from sim.errors import ExsimError
from sim.experiment.limits import BUDGET, MAX_REPLICATIONS

F = TypeVar("F", bound=Callable[..., None])

REPLICATIONS = click.IntRange(1, MAX_REPLICATIONS)  # per point; see sim/experiment/limits.py
SET_HELP = "Override a scenario value: dotted.path=value (YAML scalar), e.g. units.ls-1.strength=1. Repeatable."
MAX_EVENTS_OPTION = click.option(
    "--max-events",
    type=click.IntRange(1, 1_000_000_000),
    help="Run budget: stop a replication with an error after this many simulated events "
    "(default: the scenario's max_events, 10,000,000).",
)
LANG_OPTION = click.option(
    "--lang", metavar="en|ru", help="Language of the text (default: EXSIM_LANG, else the locale, else English)."
)


def with_budget(overrides: tuple[str, ...], max_events: int | None) -> tuple[str, ...]:
    """--max-events is the override scenario.max_events=N, so it travels with the scenario to every worker."""
    return overrides if max_events is None else (*overrides, f"{BUDGET}={max_events}")


def executor_options(command: F) -> F:
    """--executor, --workers and --scheduler: where the replications of a run or a sweep are computed."""
    for option in reversed(
        [
            click.option(
                "--executor", type=click.Choice(["serial", "process", "dask"]), default="process", show_default=True
            ),
            click.option(
                "--workers",
                type=click.IntRange(1, MAX_WORKERS),
                help=f"Processes (default: all cores; at most {MAX_WORKERS}, four per core).",
            ),
            click.option(
                "--scheduler",
                metavar="ADDRESS",
                help="Dask scheduler, e.g. tcp://HOST:8786 (default: a local cluster).",
            ),
        ]
    ):
        command = option(command)
    return command


def known_metrics(asked: Sequence[str], known: Sequence[str], where: str) -> None:
    """Refuse a metric name that is not there, with close matches rather than every name."""
    for m in asked:
        if m not in known:
            hint = did_you_mean(m, known) or "run with --all to see them all"
            raise ExsimError(f"{where}: unknown metric {m!r} ({len(known)} metrics); {hint}")
