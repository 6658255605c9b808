"""The ``exsim`` command line: thin — parse, call the library, print."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import os
import shutil
import signal
import sys
import threading
import traceback
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sim import _process
from sim._lazy import Later
from sim._version import __version__
from sim.cores import MAX_WORKERS, default_workers
from sim.errors import ExsimError, MissingExtra, ScenarioError, capped
from sim.experiment.limits import BUDGET, MAX_REPLICATIONS
from sim.play.cli import play
from sim.serve.cli import serve

# Everything else is imported when a command first uses it (sim._lazy): `exsim --help`, `exsim list` and
# `exsim runs` load neither pydantic nor numpy nor the models nor rich; `compare` and `export` load neither
# pydantic nor the models; no command but the deterministic mode and the statistics loads scipy
# (tests/product/test_performance_structure.py).
Console = Later("rich.console", "Console")
Text = Later("rich.text", "Text")
load_scenario = Later("sim.check.load", "load_scenario")
json_schema = Later("sim.config.json_schema", "json_schema")
scenario_schema = Later("sim.config.json_schema", "scenario_schema")
locate = Later("sim.config.locate", "locate")
resources = Later("sim.config.locate", "resources")
shipped = Later("sim.config.locate", "shipped")
did_you_mean = Later("sim.config.suggest", "did_you_mean")
new_scenario = Later("sim.config.template", "new_scenario")
history = Later("sim.experiment.history")
meaning = Later("sim.experiment.meaning")
replay = Later("sim.experiment.replay")
compare_points = Later("sim.experiment.compare", "compare_points")
compare_stores = Later("sim.experiment.compare", "compare_stores")
shared_metrics = Later("sim.experiment.compare", "shared_metrics")
SweepSpec = Later("sim.experiment.design", "SweepSpec")
build_sweep = Later("sim.experiment.design", "build_sweep")
load_sweep = Later("sim.experiment.design", "load_sweep")
check_scheduler = Later("sim.experiment.executors", "check_scheduler")
slug = Later("sim.experiment.history", "slug")
write_atomic = Later("sim.experiment.output", "write_atomic")
record = Later("sim.experiment.record", "record")
rerun = Later("sim.experiment.record", "rerun")
ResultStore = Later("sim.experiment.store", "ResultStore")
Plan = Later("sim.experiment.sweep", "Plan")
comparison_view = Later("sim.present.table", "comparison_view")
summary_view = Later("sim.present.table", "summary_view")
sweep_view = Later("sim.present.table", "sweep_view")
msel_lines = Later("sim.present.msel", "msel_lines")
plan_lines = Later("sim.present.plan", "plan_lines")
point_label = Later("sim.present.table", "point_label")
is_objective = Later("sim.models.objectives", "is_objective")

if TYPE_CHECKING:
    from rich.progress import Progress


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so that it unwinds exactly like Ctrl-C."""


# sysexits.h EX_SOFTWARE: an internal error (a bug in exsim), told apart from 2, a problem with the input
EXIT_BUG = 70


class ExsimGroup(click.Group):
    """The one boundary between exsim and its user.

    Every problem the user can cause — an ExsimError (bad scenario, sweep or option), a usage error
    from click, an OSError on a file or folder they named — is printed as one line per problem on
    stderr with exit code 2. Ctrl-C and SIGTERM stop the run with a line saying what was kept (exit
    130 or 143). Anything else is a bug in exsim: it ends with exit 70 and a short report naming the
    exception and where it was raised, not a traceback aimed at the wrong person; EXSIM_DEBUG=1 lets
    it propagate with its traceback (the test suite sets it, so a bug fails its test loudly).
    """

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # type: ignore[no-untyped-def]
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        with _sigterm_as_interrupt():
            try:
                rv = super().main(args, prog_name, complete_var, False, **extra)
            except click.ClickException as e:  # an unknown option, a bad value, a missing argument
                click.echo(_usage_line(e), err=True)
                sys.exit(e.exit_code)
            except click.Abort:  # click's own interrupt (outside a command)
                click.echo("exsim: interrupted", err=True)
                sys.exit(130)
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except ExsimError as e:
            for line in e.lines():
                click.echo(line, err=True)
            ctx.exit(2)
        except BrokenPipeError:  # `exsim schema | head`: the reader left; nothing to say to anyone
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (interpreter shutdown flushes stdout)
            ctx.exit(2)
        except OSError as e:  # a file or folder the user named: unreadable, missing, a full disk
            click.echo(_os_line(e), err=True)
            ctx.exit(2)
        except KeyboardInterrupt as e:
            terminated = isinstance(e, Terminated)
            hint = ctx.meta.get(RESUME_HINT)
            click.echo(
                f"exsim: {'terminated (SIGTERM)' if terminated else 'interrupted'}{'; ' + hint if hint else ''}",
                err=True,
            )
            ctx.exit(143 if terminated else 130)
        except Exception as e:
            if os.environ.get("EXSIM_DEBUG"):
                raise
            click.echo(_bug_line(e), err=True)
            ctx.exit(EXIT_BUG)


RESUME_HINT = "exsim.resume_hint"  # ctx.meta key: what an interrupted command kept, and how to go on


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """While a command runs, SIGTERM raises Terminated in the main thread (once; a second one kills)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        raise Terminated

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _usage_line(e: click.ClickException) -> str:
    ctx = getattr(e, "ctx", None)
    where = ctx.command_path if ctx is not None else "exsim"
    message = " ".join(e.format_message().split())
    return f"{where}: {message} (see {where} --help)" if isinstance(e, click.UsageError) else f"{where}: {message}"


def _os_line(e: OSError) -> str:
    name = e.filename if e.filename is not None else ""
    reason = e.strerror or type(e).__name__
    return f"{name}: {reason.lower()}" if name else f"exsim: {reason.lower()}"


def _bug_line(e: BaseException) -> str:
    frames = traceback.extract_tb(e.__traceback__)
    at = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno} in {frames[-1].name}" if frames else ""
    what = " ".join(f"{type(e).__name__}: {e}".split())[:300]
    return f"exsim: internal error (a bug in exsim, not in your input): {what}{at}; EXSIM_DEBUG=1 shows the traceback"


REPLICATIONS = click.IntRange(1, MAX_REPLICATIONS)  # per point; see sim/experiment/limits.py
SET_HELP = "Override a scenario value: dotted.path=value (YAML scalar), e.g. units.ls-1.strength=1. Repeatable."
MAX_EVENTS_OPTION = click.option(
    "--max-events",
    type=click.IntRange(1, 1_000_000_000),
    help="Run budget: stop a replication with an error after this many simulated events "
    "(default: the scenario's max_events, 10,000,000).",
)


def _with_budget(overrides: tuple[str, ...], max_events: int | None) -> tuple[str, ...]:
    """--max-events is the override scenario.max_events=N, so it travels with the scenario to every worker."""
    return overrides if max_events is None else (*overrides, f"{BUDGET}={max_events}")


def _executor_options(command: Callable[..., None]) -> Callable[..., None]:
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


@click.group(name="exsim", cls=ExsimGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="exsim")
def main() -> None:
    """exsim — discrete-event simulator for tabletop exercise scenarios."""


@main.command()
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
@_executor_options
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
    with _process.starting():  # the imports and the scenario: long-lived objects, no garbage to collect
        from sim.present import i18n
        from sim.present.labels import Labels

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
            loaded = load_scenario(scenario, _with_budget(overrides, max_events))
            for line in capped(loaded.warnings, "warnings"):
                click.echo(line, err=True)
            seed = loaded.scenario.scenario.seed if seed is None else seed
            plan = Plan.for_run(loaded, seed, reps or 20, slug(loaded.path.stem))
        traced = replay.selected(replay.parse_selection(trace), plan.replications) if trace is not None else []
        if positions and not traced:
            raise ExsimError("--positions goes with --trace (it adds the state over time to the event logs)")
        console = Console(stderr=False, quiet=quiet)
        means = plan.meaning()
        _known_metrics(metrics, list(means.specs), plan.scenarios[0].scenario.scenario.name)
    with (
        console.status(f"running {plan.replications} replications…", spinner="dots") if console.is_terminal else _null()
    ):
        done = record(
            plan,
            out,
            force=force,
            executor=executor,
            workers=workers or default_workers(),
            scheduler=scheduler,
            trace=traced,
            positions=positions,
            command=sys.argv,
            origin=origin,
        )
    summary = done.summaries[0]
    name = plan.scenarios[0].scenario.scenario.name
    n = plan.replications - len(done.errors)
    names = Labels(plan.scenarios[0].scenario, language)
    console.print(
        summary_view(
            language._("{scenario} (seed {seed})").format(scenario=name, seed=plan.seed),
            summary,
            means,
            n,
            show_all=show_all,
            metrics=metrics,
            lang=language,
            label=None if language.code == "en" else lambda m: names.metric(m, means.specs.get(m)),
            fmt=names.value,
        )
    )
    if not quiet:
        console.print(Text(language._("results written to {folder}/").format(folder=done.folder)))
    if done.errors:
        first = done.errors[0].splitlines()[0]
        click.echo(
            f"{len(done.errors)} of {plan.replications} replications raised an error; the first: {first}", err=True
        )
        sys.exit(1)


@main.command()
@click.argument("scenarios", nargs=-1, required=True)
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=SET_HELP)
@click.option("--strict", is_flag=True, help="Exit 1 when there are warnings.")
@click.option("--plan", "show_plan", is_flag=True, help="Also print the plan: phases, routes, trips, supplies.")
@click.option("--msel", "show_msel", is_flag=True, help="Also print the MSEL: injects and decisions in time order.")
def check(
    scenarios: tuple[str, ...], overrides: tuple[str, ...], strict: bool, show_plan: bool, show_msel: bool
) -> None:
    """Validate and lint scenario files without running them (--plan: what they would do; --msel: their MSEL)."""
    problems: list[str] = []
    warned = False
    for name in scenarios:
        try:
            loaded = load_scenario(name, overrides)
        except ExsimError as e:
            problems += e.lines()
            continue
        for line in capped(loaded.warnings, "warnings"):
            click.echo(line, err=True)
        warned = warned or bool(loaded.warnings)
        s = loaded.scenario
        click.echo(
            f"ok: {loaded.path} — {len(s.units)} units, {len(s.map.places)} places, "
            f"{len(s.phases)} phases, {len(s.objectives)} objectives"
        )
        for t in loaded.times:
            click.echo(f"  time {t.field} (line {t.line}): {t.message}")
        if show_plan:
            click.echo("\n".join(["", *plan_lines(s), ""]))
        if show_msel:
            click.echo("\n".join(["", *msel_lines(s), ""]))
    for line in problems:
        click.echo(line, err=True)
    if problems:
        sys.exit(2)
    if strict and warned:
        sys.exit(1)


@main.command()
@click.option("--sweep", "of_sweep", is_flag=True, help="The schema of sweep files instead of scenario files.")
def schema(of_sweep: bool) -> None:
    """Print the JSON Schema of scenario files (or sweep files), for editors."""
    from sim.experiment.design import SweepSpec  # the class itself, not the lazy name

    doc = json_schema(SweepSpec, "exsim sweep", under="sweep") if of_sweep else scenario_schema()
    click.echo(json.dumps(doc, indent=2))


@main.command()
@click.argument("name")
@click.option("--from", "source", metavar="SCENARIO", help="Copy a shipped scenario (or a file), not the skeleton.")
@click.option("--force", is_flag=True, help="Replace NAME.yaml if it exists.")
def new(name: str, source: str | None, force: bool) -> None:
    """Write NAME.yaml in this folder: a commented scenario skeleton that passes check (and its JSON Schema)."""
    from sim.config.template import SCHEMA_FILE

    try:
        text = new_scenario(name, source)
    except ValueError as e:
        raise ExsimError(str(e)) from None
    path = Path(f"{name}.yaml")
    if path.exists() and not force:
        raise ExsimError(f"{path} exists: choose another name, or --force to replace it")
    write_atomic(path, text)
    write_atomic(Path(SCHEMA_FILE), json.dumps(scenario_schema(), indent=2) + "\n")
    load_scenario(path)  # a starting point must pass check
    click.echo(f"wrote {path} (and {SCHEMA_FILE}, for editors); next: exsim check --plan {path}")


@main.command(name="list")
@click.option("--paths", is_flag=True, help="Also show where each file is.")
def list_resources(paths: bool) -> None:
    """List the shipped scenarios, sweeps and unit catalogues, each with its description."""
    heading = {"scenario": "Scenarios", "sweep": "Sweeps", "catalogue": "Unit catalogues (catalog: exsim:NAME)"}
    shown = None
    for r in resources():
        if r.kind != shown:
            click.echo(("\n" if shown else "") + heading[r.kind])
            shown = r.kind
        click.echo(f"  {r.name:26s} {r.description}" + (f"  [{r.path}]" if paths else ""))


@main.command()
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
@_executor_options
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
    max_events: int | None,
) -> None:
    """Run SOURCE (a sweep file, or a scenario with --vary) over design points × replications."""
    overrides = _with_budget(overrides, max_events)
    if executor == "dask" and scheduler:
        check_scheduler(scheduler)
    sweep_file = _sweep_file(source)
    if sweep_file is not None:
        if vary:
            raise ExsimError("--vary goes with a scenario; a sweep file lists its own factors")
        sw = load_sweep(sweep_file, reps, seed, overrides)
    else:
        if not vary:
            if source not in shipped("scenario") and not Path(source).is_file():
                locate(source, "sweep")  # says which sweeps are shipped, and "did you mean"
            raise ExsimError("give --vary PATH=V1,V2,... (or a sweep file, or the name of a shipped sweep)")
        factors = dict(_parse_vary(v) for v in vary)
        name = slug(Path(source).stem) + "_sweep"
        from pydantic import ValidationError  # here: pydantic is loaded by now, not for --help

        try:
            spec = SweepSpec.model_validate(
                {
                    "name": name,
                    "scenario": source,
                    "replications": reps or 20,
                    "seed": seed,
                    "design": design,
                    "factors": factors,
                    "set": list(overrides),
                }
            )
        except ValidationError as e:  # _parse_vary lets only plain, finite values through: this is a backstop
            raise ExsimError(f"--vary: {e.errors()[0]['msg'].removeprefix('Value error, ')}") from None
        sw = build_sweep(spec, source, "--vary", _cli_anchor)
    plan = Plan.from_sweep(sw)
    if precision or max_reps:
        plan = dataclasses.replace(
            plan,
            precision=_parse_precision(precision) if precision else plan.precision,
            max_replications=max_reps or plan.max_replications,
        )
    if max_reps and plan.precision is None:
        raise ExsimError("--max-reps caps --precision: give --precision METRIC=HALF_WIDTH too (or neither)")
    known = plan.metrics()  # checked before anything runs
    _known_metrics([*metrics, *([plan.precision[0]] if plan.precision else [])], known, sw.spec.name)
    click.get_current_context().meta[RESUME_HINT] = (
        "every finished replication is kept; run the same command with --resume to complete it"
    )
    progress = _progress(quiet)
    with progress as tick:
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
    store = done.store()
    if not quiet:
        means = plan.meaning()
        shown = list(metrics) or [m for m in means.headline() if m in store.metrics and not is_objective(m)]
        ran = Counter(point for point, _, _, error in store.outcomes() if error is None)
        rows = [(p.settings, p.label, done.summaries[p.index], ran[p.index]) for p in store.points()]
        title = f"{sw.spec.name}: {len(plan.points)} points × {plan.replications} replications"
        Console().print(sweep_view(title, rows, [m for m in store.metrics if is_objective(m)] + shown, means))
        click.echo(f"results written to {done.folder}/")
    store.close()
    if done.errors:  # each error is kept in the store; the sweep itself finished
        first = done.errors[0].splitlines()[0]
        click.echo(f"{len(done.errors)} replications raised an error; the first: {first}", err=True)
        sys.exit(1)


@main.command()
@click.argument("folder_ref", metavar="FOLDER")
@click.argument("other_ref", metavar="[OTHER]", required=False)
@click.option("--metric", "metrics", multiple=True, help="Metrics to compare (repeatable; default: all).")
@click.option(
    "--baseline",
    help="The reference point, by some or all of its factors: name=value[,name=value] (e.g. landing_ships=2, "
    "'helicopters=[medevac-1]'); factors left out are held equal.",
)
def compare(folder_ref: str, other_ref: str | None, metrics: tuple[str, ...], baseline: str | None) -> None:
    """Differences between the points of FOLDER (each against its --baseline), or between FOLDER and OTHER.

    FOLDER and OTHER are results folders or run ids: latest, latest~1, <scenario>/latest, an id from exsim runs.
    """
    folder = history.resolve(folder_ref)
    other = history.resolve(other_ref) if other_ref is not None else None
    store = ResultStore.open(folder)
    means = meaning.of_manifest(store.manifest())
    labels = {p.label: point_label(p.settings, p.label) for p in store.points()}
    console = Console()
    if other is not None:
        if baseline:
            raise ExsimError("--baseline picks a point within one folder; give FOLDER alone, or two folders")
        second = ResultStore.open(other)
        shared = shared_metrics(store, second, store.metrics)
        _known_metrics(metrics, shared, f"both {folder} and {other}")
        diffs = compare_stores(store, second, means, list(metrics) or shared)
        one_side = len(set(store.metrics) ^ set(second.metrics))
        if one_side and not metrics:
            console.print(Text(f"{one_side} metrics are in one folder only and are not compared", style="dim"))
    else:
        if len(store.points()) < 2:
            raise ExsimError(f"{folder} holds one point: give a second folder to compare with")
        _known_metrics(metrics, store.metrics, str(folder))
        diffs = compare_points(store, means, list(metrics) or store.metrics, baseline)
    console.print(comparison_view(diffs, labels))


LANG_OPTION = click.option(
    "--lang", metavar="en|ru", help="Language of the text (default: EXSIM_LANG, else the locale, else English)."
)


@main.command()
@click.argument("source", metavar="SCENARIO_OR_RUN")
@click.option("--rep", type=click.IntRange(min=0), default=0, show_default=True, help="The replication to tell.")
@click.option("--point", type=click.IntRange(min=0), default=0, show_default=True, help="The point of a sweep.")
@click.option("--seed", type=click.IntRange(min=0), help="Base seed of a scenario (default: its own).")
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=SET_HELP)
@LANG_OPTION
def story(source: str, rep: int, point: int, seed: int | None, overrides: tuple[str, ...], lang: str | None) -> None:
    """Tell replication --rep of SCENARIO_OR_RUN in plain words, in scenario clock time.

    SCENARIO_OR_RUN is a scenario (file or shipped name) or a stored run or sweep (a folder or a run id:
    latest, island_retake/latest~1); a stored one is replayed exactly from its seed and resolved scenario.
    """
    from sim.present import i18n
    from sim.present.labels import Labels
    from sim.present.story import tell, view

    language = i18n.language(lang)
    ended = True  # False: a class's play stopped before its end (no verdicts on objectives still open)
    if _is_scenario(source):
        if point:
            raise ExsimError("--point picks a point of a stored sweep; a scenario has one")
        loaded = load_scenario(source, overrides)
        scenario = loaded.scenario
        done = replay.trace(scenario, scenario.scenario.seed if seed is None else seed, rep)
        specs = meaning.of_scenarios([loaded]).specs
    else:
        if overrides or seed is not None:
            raise ExsimError("a stored run is replayed exactly: give no --set or --seed with it")
        folder = history.resolve(source)
        done = replay.replay(folder, rep, point)
        specs = meaning.of_manifest(ResultStore.open(folder).manifest()).specs
        if (folder / replay.PLAY).exists():
            from sim.play.session import PlayScript

            ended = PlayScript.load(folder).finished
    told = tell(done.scenario, done.events, done.metrics, specs, language, rep, done.seed, ended=ended)
    Console(highlight=False).print(view(told, Labels(done.scenario, language), language))


@main.command()
@click.argument("folder", metavar="FOLDER")
@click.option(
    "-o",
    "--out",
    "dest",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("aar.html"),
    show_default=True,
    help="The HTML file to write.",
)
@click.option("--rep", type=click.IntRange(min=0), help="The replication shown in detail (default: the median one).")
@click.option(
    "--point", type=click.IntRange(min=0), default=0, show_default=True, help="The sweep point shown in detail."
)
@LANG_OPTION
def report(folder: str, dest: Path, rep: int | None, point: int, lang: str | None) -> None:
    """Write the after-action report of FOLDER (a run or a sweep; a folder or a run id) as one HTML file.

    The file is self-contained: it opens offline in any browser (no network, no CDN).
    """
    from sim.present import i18n
    from sim.present.report import write

    language = i18n.language(lang)
    _needs_report_extra()
    click.echo(f"wrote {write(history.resolve(folder), dest, language, rep, point)}")


@main.command()
@click.argument("folder", metavar="FOLDER")
@click.option("--metric", required=True, help="The metric to chart (exsim run --all lists them).")
@click.option(
    "-o",
    "--out",
    "dest",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The file to write: .png, .svg or .html.",
)
@LANG_OPTION
def plot(folder: str, metric: str, dest: Path, lang: str | None) -> None:
    """Chart METRIC of FOLDER: across a sweep's points with 95 % intervals, or a run's distribution."""
    from sim.present import i18n
    from sim.present.report import plot as draw

    language = i18n.language(lang)
    _needs_report_extra()
    click.echo(f"wrote {draw(history.resolve(folder), metric, dest, language)}")


def _needs_report_extra() -> None:
    import importlib.util

    missing = [m for m in ("matplotlib", "jinja2") if importlib.util.find_spec(m) is None]
    if missing:
        raise MissingExtra(f"exsim {click.get_current_context().info_name}", "report", missing)


def _is_scenario(source: str) -> bool:
    """SOURCE names a scenario (a YAML file or a shipped name) rather than a stored run."""
    path = Path(source)
    if path.is_dir():
        return False
    return path.is_file() or source in shipped("scenario") or source.endswith((".yaml", ".yml"))


def _known_metrics(asked: Sequence[str], known: Sequence[str], where: str) -> None:
    """Refuse a metric name that is not there, with close matches rather than every name."""
    for m in asked:
        if m not in known:
            hint = did_you_mean(m, known) or "run with --all to see them all"
            raise ExsimError(f"{where}: unknown metric {m!r} ({len(known)} metrics); {hint}")


@main.command(name="export")
@click.argument("folder", metavar="FOLDER")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True)
@click.option("--out", "dest", type=click.Path(dir_okay=False, path_type=Path), help="File to write.")
def export_cmd(folder: str, fmt: str, dest: Path | None) -> None:
    """Export every replication of FOLDER (a results folder or a run id) as one table (CSV or Parquet)."""
    from sim import results

    click.echo(f"wrote {results.export(history.resolve(folder), fmt, dest)}")


@main.command(name="runs")
@click.argument("group", metavar="[SCENARIO]", required=False)
@click.option("--prune", type=click.IntRange(min=0), metavar="KEEP", help="Remove all but the newest KEEP runs.")
@click.option("--yes", "-y", is_flag=True, help="With --prune: do not ask for confirmation.")
def runs_cmd(group: str | None, prune: int | None, yes: bool) -> None:
    """List the stored runs and sweeps under results/ (of SCENARIO or sweep name, if given): the interrupted
    first, then the finished, newest first."""
    if prune is not None:
        doomed = history.to_prune(history.ROOT, prune, group)
        stale = [p for p, busy in history.interrupted(history.ROOT, group) if not busy]
        if not doomed and not stale:
            click.echo("nothing to remove")
            return
        for r in doomed:
            click.echo(f"remove {r.id}")
        for p in stale:
            click.echo(f"remove {p} (interrupted)")
        count = f"{len(doomed) + len(stale)} folder{'s' if len(doomed) + len(stale) > 1 else ''}"
        try:
            sure = yes or click.confirm(f"Remove {count}?", default=False)
        except click.Abort:  # no answer (no terminal, end of input)
            sure = False
        if not sure:
            click.echo("nothing removed (--yes removes without asking)")
            sys.exit(1)
        for r in doomed:
            history.remove(r.path)
        for p in stale:
            history.remove(p)
        click.echo(f"removed {count}")
        return
    unfinished = history.interrupted(history.ROOT, group)
    for p, busy in unfinished:  # first: the ones that may want --resume, usually the newest
        state = "being written now" if busy else "interrupted: a sweep completes with --resume"
        click.echo(f"{p}  ({state})")
    listed = history.runs(history.ROOT, group)
    for r in listed:
        click.echo("\n".join(r.lines(shutil.get_terminal_size().columns)))
    if not listed and not unfinished:
        click.echo(f"no runs in {history.ROOT}/" + (f"{group}/" if group else ""))


def _sweep_file(source: str) -> Path | None:
    """SOURCE as a sweep file: a file that starts with ``sweep:``, or the name of a shipped sweep."""
    p = Path(source)
    if not p.is_file():
        return shipped("sweep").get(source)
    try:
        with p.open("rb") as f:
            head = f.read(4000).decode("utf-8", errors="replace")
    except OSError:
        return None
    return p if any(line.startswith("sweep:") for line in head.splitlines()) else None


def _parse_precision(text: str) -> tuple[str, float]:
    metric, sep, value = text.partition("=")
    try:
        half_width = float(value)
    except ValueError:
        half_width = -1.0
    if not sep or not metric or not 0 < half_width < math.inf:
        raise ExsimError(f"--precision {text}: expected METRIC=HALF_WIDTH, e.g. time_to_secure_h.island=0.1")
    return metric, half_width


def _parse_vary(text: str) -> tuple[str, list[object]]:
    from sim.config.yamlsafe import read_text

    path, sep, values = text.partition("=")
    if not sep or not path.strip() or not values.strip():
        raise ExsimError(f"--vary {text}: expected PATH=V1,V2,...")
    parsed = []
    for i, v in enumerate(values.split(","), 1):
        try:
            value = read_text(v.strip(), f"--vary {text}").data
        except ScenarioError:
            value = None  # YAML that is not a plain value, e.g. half a list
        if isinstance(value, float) and not math.isfinite(value):
            raise ExsimError(f"--vary {text}: value {i} ({v.strip()!r}) is not a finite number")
        if isinstance(value, dict | list) or value is None or v.strip() == "":
            raise ExsimError(
                f"--vary {text}: value {i} ({v.strip()!r}) is not a plain number, word or true/false; "
                "expected PATH=V1,V2,... (a sweep file can give lists)"
            )
        parsed.append(value)
    return path.strip(), parsed


def _cli_anchor(key: tuple[object, ...]) -> object:
    """Where a problem with a factor given on the command line is reported."""
    from sim.errors import Problem

    return Problem("command line", 0, 0, "", "")


class _progress:
    """A rich progress bar on a terminal; plain lines every 10 % otherwise; nothing with --quiet.

    The total can grow: each round of sequential stopping (--precision) plans more replications, and the
    plain lines start again from the new total's share done (a line at once, then every 10 %).
    """

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.console = Console(stderr=True)
        self.bar: Progress | None = None
        self.next_pct = 0
        self.total = 0

    def __enter__(self):  # type: ignore[no-untyped-def]
        if not self.quiet and self.console.is_terminal:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            self.bar = Progress(
                "replications", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=self.console
            )
            self.bar.start()
            self.task = self.bar.add_task("run", total=None)
        return self.tick

    def tick(self, done: int, total: int) -> None:
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=total)
            return
        if total != self.total:
            self.total, self.next_pct = total, 0
        if total and self.next_pct <= 100 and done * 100 >= self.next_pct * total:
            click.echo(f"{done}/{total} replications ({100 * done // total} %)", err=True)
            self.next_pct = min(100, 100 * done // total + 10) if done < total else 101  # 100 % once, however reached

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


main.add_command(serve)
main.add_command(play)


def entry() -> None:
    """The exsim program (the console script, ``python -m sim.cli``): exsim owns its process (sim/_process.py).

    Calling ``main()`` from Python, with arguments or without, leaves the caller's process as it was.
    """
    with _process.owned():
        main(prog_name="exsim")


if __name__ == "__main__":
    entry()
