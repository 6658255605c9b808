"""``exsim sensitivity``: which factors drive a metric — Morris screening or Sobol indices over a scenario's factors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from sim.cli.boundary import RESUME_HINT
from sim.cli.options import MAX_EVENTS_OPTION, REPLICATIONS, SET_HELP, executor_options, known_metrics, with_budget
from sim.cli.sweep import _progress
from sim.cores import default_workers
from sim.experiment.executors import check_scheduler
from sim.experiment.indices import analyse, default_metrics, write
from sim.experiment.limits import MAX_REPLICATIONS
from sim.experiment.record import record
from sim.experiment.request import parse_precision
from sim.experiment.sensitivity import asked_study
from sim.present import i18n
from sim.present.console import Console
from sim.present.sensitivity import study_view


@click.command()
@click.argument("source", metavar="SCENARIO_OR_FILE")
@click.option(
    "--factor",
    "factors",
    multiple=True,
    metavar="PATH=LOW:HIGH|PATH=A,B,...",
    help="A factor: a range (whole numbers when both ends are) or levels, each equally likely (repeatable).",
)
@click.option(
    "--method",
    type=click.Choice(["morris", "sobol"]),
    help="morris: elementary effects, for screening; sobol: first-order and total indices (default: the file's, or "
    "sobol).",
)
@click.option(
    "--samples",
    type=click.IntRange(1, 65_536),
    help="sobol: base samples N, a power of 2 (N x (factors + 2) rows); morris: trajectories (default 32).",
)
@click.option("--reps", type=REPLICATIONS, help="Replications per design point (default: the file's, or 10).")
@click.option("--seed", type=click.IntRange(min=0), help="Base seed (default: the file's or the scenario's).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: a new results/<study name>/<date> folder).",
)
@click.option("--force", is_flag=True, help="Replace the results already in --out (every file in it is removed).")
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=SET_HELP)
@executor_options
@click.option("--batch", type=click.IntRange(min=1), help="Replications per task (default: shrinking tasks).")
@click.option("--resume", is_flag=True, help="Complete an interrupted study (the newest of this study, or --out).")
@click.option(
    "--precision",
    metavar="METRIC=HALF_WIDTH",
    help="Sequential stopping: double a point's replications until METRIC's 95 % CI is ± HALF_WIDTH.",
)
@click.option(
    "--max-reps", type=REPLICATIONS, help=f"Cap for --precision (default: 10 x --reps, at most {MAX_REPLICATIONS:,})."
)
@click.option("--metric", "metrics", multiple=True, help="Metrics analysed (default: success and the headline ones).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--lang", metavar="en|ru", help="Language of the tables (default: EXSIM_LANG, else the locale).")
@MAX_EVENTS_OPTION
def sensitivity(
    source: str,
    factors: tuple[str, ...],
    method: str | None,
    samples: int | None,
    reps: int | None,
    seed: int | None,
    out: Path | None,
    force: bool,
    overrides: tuple[str, ...],
    executor: str,
    workers: int | None,
    scheduler: str | None,
    batch: int | None,
    resume: bool,
    precision: str | None,
    max_reps: int | None,
    metrics: tuple[str, ...],
    quiet: bool,
    lang: str | None,
    max_events: int | None,
) -> None:
    """Rank which factors of SCENARIO_OR_FILE drive its metrics: Morris screening or Sobol indices with intervals."""
    speak = i18n.language(lang)
    if executor == "dask" and scheduler:
        check_scheduler(scheduler)
    study = asked_study(
        source,
        factors,
        method=method,
        samples=samples,
        replications=reps,
        seed=seed,
        overrides=with_budget(overrides, max_events),
        metrics=metrics,
        precision=parse_precision(precision) if precision else None,
        max_replications=max_reps,
    )
    plan = study.plan
    chosen = default_metrics(study)
    known_metrics([*chosen, *([plan.precision[0]] if plan.precision else [])], plan.metrics(), study.spec.name)
    click.get_current_context().meta[RESUME_HINT] = (
        "every finished replication is kept; run the same command with --resume to complete it"
    )
    with _progress(quiet, speak) as tick:
        done = record(
            plan,
            out or study.out,
            force=force,
            resume=resume,
            executor=executor,
            workers=workers or default_workers(),
            scheduler=scheduler,
            batch=batch,
            progress=tick,
            command=sys.argv,
        )
    store = done.store()
    try:
        doc = write(study, analyse(study, store, chosen), done.folder)
    finally:
        store.close()
    if not quiet:
        _ = speak._
        method = _("Morris elementary effects") if study.spec.method == "morris" else _("Sobol indices")
        title = _("{study}: {method}, {rows} design rows ({points} points) × {reps} replications").format(
            study=study.spec.name,
            method=method,
            rows=len(study.rows),
            points=len(plan.points),
            reps=plan.replications,
        )
        Console().print(study_view(json.loads(json.dumps(doc)), speak, title))
        click.echo(_("results written to {folder}/").format(folder=done.folder))
    if done.errors:
        first = done.errors[0].splitlines()[0]
        text = speak._("{n} replications raised an error; the first: {error}")
        click.echo(text.format(n=len(done.errors), error=first), err=True)
        sys.exit(1)
