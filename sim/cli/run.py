"""``exsim run``: run a scenario's replications and summarise its outcomes."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click
from rich.text import Text

from sim import _process
from sim.check.cache import load_cached
from sim.cli.options import MAX_EVENTS_OPTION, REPLICATIONS, SET_HELP, executor_options, known_metrics, with_budget
from sim.config.text import pick
from sim.errors import ExsimError, capped
from sim.experiment import replay
from sim.experiment.executors import check_scheduler
from sim.experiment.history import slug
from sim.experiment.meaning import Meaning
from sim.experiment.record import Recorded, record, rerun
from sim.experiment.sweep import Plan
from sim.present import i18n
from sim.present.console import Console
from sim.present.labels import Labels
from sim.present.table import summary_view


@click.command()
@click.argument("scenario", required=False)
@click.option("--seed", type=click.IntRange(min=0), help="Base seed (default: the scenario's).")
@click.option("--reps", type=REPLICATIONS, help="Replications.  [default: 20]")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: a new results/<scenario>/<date> folder).",
)
@click.option("--force", is_flag=True, help="Replace the results already in --out (every file in it is removed).")
@click.option("--from", "origin", metavar="RUN_ID", help="Run a stored run again, exactly (see exsim runs).")
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=SET_HELP)
@click.option(
    "--trace",
    is_flag=False,
    flag_value="1",
    default=None,
    metavar="[all|N|I,J,...]",
    help="Also write event logs (traces/rep-<i>.jsonl): all replications, the first N, or a list; "
    "--trace alone: replication 0 (also as events.jsonl).",
)
@click.option(
    "--positions",
    is_flag=True,
    help="With --trace: also the state every 5 simulated minutes (positions, strengths, stocks, queues).",
)
@executor_options
@click.option("--all", "show_all", is_flag=True, help="Show every metric, not only the objectives and headline.")
@click.option("--metric", "metrics", multiple=True, help="Show these metrics (repeatable).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--lang", metavar="en|ru", help="Language of the summary (default: EXSIM_LANG, else the locale).")
@MAX_EVENTS_OPTION
def run(
    scenario: str | None,
    seed: int | None,
    reps: int | None,
    out: Path | None,
    force: bool,
    origin: str | None,
    overrides: tuple[str, ...],
    trace: str | None,
    positions: bool,
    executor: str,
    workers: int | None,
    scheduler: str | None,
    show_all: bool,
    metrics: tuple[str, ...],
    quiet: bool,
    lang: str | None,
    max_events: int | None,
) -> None:
    """Run SCENARIO (a file, or the name of a shipped scenario) and summarise its outcomes."""
    if executor == "dask" and scheduler:
        check_scheduler(scheduler)
    with _process.starting():  # loading the scenario: long-lived objects, no garbage to collect
        language = i18n.language(lang)
        if origin is not None:
            if scenario or overrides or seed is not None or reps is not None or max_events is not None:
                raise ExsimError(
                    "--from repeats a stored run exactly: "
                    "give no SCENARIO, --set, --seed, --reps or --max-events with it"
                )
            plan, origin = rerun(origin)
        elif scenario is None:
            raise ExsimError("give a SCENARIO (a file, or a shipped scenario's name), or --from RUN_ID")
        else:
            plan = _plan(scenario, with_budget(overrides, max_events), seed, reps)
        traced = replay.selected(replay.parse_selection(trace), plan.replications) if trace is not None else []
        if positions and not traced:
            raise ExsimError("--positions goes with --trace (it adds the state over time to the event logs)")
        console = Console(stderr=False, quiet=quiet)
        means = plan.meaning()
        known_metrics(metrics, list(means.specs), pick(plan.scenarios[0].scenario.scenario.name, "en"))
    with (
        console.status(f"running {plan.replications} replications…", spinner="dots")
        if console.is_terminal
        else contextlib.nullcontext()
    ):
        done = record(
            plan,
            out,
            force=force,
            executor=executor,
            workers=workers,  # None: a pool only when the replications' time outweighs its start-up
            scheduler=scheduler,
            trace=traced,
            positions=positions,
            command=sys.argv,
            origin=origin,
        )
    _summarise(console, plan, means, done, language, show_all=show_all, metrics=metrics)
    if not quiet:
        console.print(Text(language._("results written to {folder}/").format(folder=done.folder)))
    if done.errors:
        first = done.errors[0].splitlines()[0]
        click.echo(
            f"{len(done.errors)} of {plan.replications} replications raised an error; the first: {first}", err=True
        )
        sys.exit(1)


def _plan(scenario: str, overrides: tuple[str, ...], seed: int | None, reps: int | None) -> Plan:
    """The plan of a run of SCENARIO with its overrides; its warnings are printed."""
    loaded = load_cached(scenario, overrides)  # a file run before, unchanged: read back validated
    for line in capped(loaded.warnings, "warnings"):
        click.echo(line, err=True)
    seed = loaded.scenario.scenario.seed if seed is None else seed
    return Plan.for_run(loaded, seed, reps or 20, slug(loaded.path.stem))


def _summarise(
    console: Console,
    plan: Plan,
    means: Meaning,
    done: Recorded,
    language: i18n.Language,
    *,
    show_all: bool,
    metrics: tuple[str, ...],
) -> None:
    """The run's table: its objectives and headline metrics (or those asked for), in the chosen language."""
    n = plan.replications - len(done.errors)
    names = Labels(plan.scenarios[0].scenario, language)
    title = language._("{scenario} (seed {seed})").format(
        scenario=pick(plan.scenarios[0].scenario.scenario.name, language.code), seed=plan.seed
    )
    console.print(
        summary_view(
            title,
            done.summaries[0],
            means,
            n,
            show_all=show_all,
            metrics=metrics,
            lang=language,
            label=None
            if language.code == "en" and not names.lang.words
            else lambda m: names.metric(m, means.specs.get(m)),
            fmt=names.value,
        )
    )
