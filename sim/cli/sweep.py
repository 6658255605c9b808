"""``exsim sweep``: run a sweep file, or a scenario with --vary, over design points × replications."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TimeRemainingColumn

from sim.cli.boundary import RESUME_HINT
from sim.cli.options import MAX_EVENTS_OPTION, REPLICATIONS, SET_HELP, executor_options, known_metrics, with_budget
from sim.cores import default_workers
from sim.experiment.design import Sweep
from sim.experiment.executors import check_scheduler
from sim.experiment.limits import MAX_REPLICATIONS
from sim.experiment.record import Recorded, record
from sim.experiment.request import sweep_plan
from sim.experiment.sweep import Plan
from sim.models.objectives import is_objective
from sim.present import i18n
from sim.present.console import Console
from sim.present.labels import Labels
from sim.present.table import sweep_view


@click.command()
@click.argument("source")
@click.option("--vary", multiple=True, metavar="PATH=V1,V2,...", help="A factor and its values (repeatable).")
@click.option(
    "--design",
    type=click.Choice(["grid", "list"]),
    default="grid",
    show_default=True,
    help="With --vary: every combination, or the i-th values together.",
)
@click.option("--reps", type=REPLICATIONS, help="Replications per point (default: the sweep file's, or 20).")
@click.option("--seed", type=click.IntRange(min=0), help="Base seed (default: the sweep file's or the scenario's).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: a new results/<sweep name>/<date> folder).",
)
@click.option("--force", is_flag=True, help="Replace the results already in --out (every file in it is removed).")
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=SET_HELP)
@executor_options
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    help="Replications per task (default: shrinking tasks, each a share of what is left, at most 200).",
)
@click.option(
    "--resume", is_flag=True, help="Complete an interrupted sweep (the newest of this sweep, or the one in --out)."
)
@click.option(
    "--precision",
    metavar="METRIC=HALF_WIDTH",
    help="Sequential stopping: double a point's replications until METRIC's 95 % CI is ± HALF_WIDTH.",
)
@click.option(
    "--max-reps", type=REPLICATIONS, help=f"Cap for --precision (default: 10 x --reps, at most {MAX_REPLICATIONS:,})."
)
@click.option("--metric", "metrics", multiple=True, help="Metrics to show in the table (repeatable).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--lang", metavar="en|ru", help="Language of the table (default: EXSIM_LANG, else the locale).")
@MAX_EVENTS_OPTION
def sweep(
    source: str,
    vary: tuple[str, ...],
    design: str,
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
    """Run SOURCE (a sweep file, or a scenario with --vary) over design points × replications."""
    speak = i18n.language(lang)
    overrides = with_budget(overrides, max_events)
    if executor == "dask" and scheduler:
        check_scheduler(scheduler)
    sw, plan = sweep_plan(
        source,
        vary,
        design=design,
        replications=reps,
        seed=seed,
        overrides=overrides,
        precision=precision,
        max_replications=max_reps,
    )
    known = plan.metrics()  # checked before anything runs
    known_metrics([*metrics, *([plan.precision[0]] if plan.precision else [])], known, sw.spec.name)
    click.get_current_context().meta[RESUME_HINT] = (
        "every finished replication is kept; run the same command with --resume to complete it"
    )
    with _progress(quiet, speak) as tick:
        done = record(
            plan,
            out or sw.out,
            force=force,
            resume=resume,
            executor=executor,
            workers=workers or default_workers(),
            scheduler=scheduler,
            batch=batch,
            progress=tick,
            command=sys.argv,
        )
    _show(sw, plan, done, metrics, quiet, speak)
    if done.errors:  # each error is kept in the store; the sweep itself finished
        first = done.errors[0].splitlines()[0]
        text = speak._("{n} replications raised an error; the first: {error}")
        click.echo(text.format(n=len(done.errors), error=first), err=True)
        sys.exit(1)


def _show(sw: Sweep, plan: Plan, done: Recorded, metrics: tuple[str, ...], quiet: bool, speak: i18n.Language) -> None:
    """The sweep's table: each point's objectives and headline metrics (or those asked for), in ``speak``."""
    store = done.store()
    if not quiet:
        _ = speak._
        means = plan.meaning()
        shown = list(metrics) or [m for m in means.headline() if m in store.metrics and not is_objective(m)]
        ran = Counter(point for point, _p, _r, error in store.outcomes() if error is None)
        rows = [(p.settings, p.label, done.summaries[p.index], ran[p.index]) for p in store.points()]
        spoken = Labels(plan.scenarios[0].scenario, speak)  # English in the catalogue's words, unless a relief's
        names = None if speak.code == "en" and not spoken.lang.words else spoken
        title = _("{sweep}: {points} × {replications}").format(
            sweep=sw.spec.name if names is None else f"{names.title()} ({sw.spec.name})",
            points=speak.n_("{n} point", "{n} points", len(plan.points)).format(n=len(plan.points)),
            replications=speak.n_("{n} replication", "{n} replications", plan.replications).format(n=plan.replications),
        )
        objectives = [m for m in store.metrics if is_objective(m)]
        Console().print(sweep_view(title, rows, objectives + shown, means, names))
        click.echo(_("results written to {folder}/").format(folder=done.folder))
    store.close()


class _progress:
    """A rich progress bar on a terminal; plain lines every 10 % otherwise; nothing with --quiet.

    The total can grow: each round of sequential stopping (--precision) plans more replications, and the
    plain lines start again from the new total's share done (a line at once, then every 10 %).
    """

    def __init__(self, quiet: bool, speak: i18n.Language | None = None):
        self.quiet, self._ = quiet, (speak or i18n.language("en"))._
        self.console = Console(stderr=True)
        self.bar: Progress | None = None
        self.task: TaskID | None = None
        self.next_pct = 0
        self.total = 0

    def __enter__(self) -> Callable[[int, int], None]:
        if not self.quiet and self.console.is_terminal:
            self.bar = Progress(
                self._("replications"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=self.console
            )
            self.bar.start()
            self.task = self.bar.add_task("run", total=None)
        return self.tick

    def tick(self, done: int, total: int) -> None:
        if self.quiet:
            return
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, completed=done, total=total)
            return
        if total != self.total:
            self.total, self.next_pct = total, 0
        if total and self.next_pct <= 100 and done * 100 >= self.next_pct * total:
            line = self._("{done}/{total} replications ({share} %)")
            click.echo(line.format(done=done, total=total, share=100 * done // total), err=True)
            self.next_pct = min(100, 100 * done // total + 10) if done < total else 101  # 100 % once, however reached

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self.bar is not None:
            self.bar.stop()
