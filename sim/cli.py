"""The ``exsim`` command line: thin — parse, call the library, print."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click
from rich.console import Console

from sim._version import __version__
from sim.config import Scenario, load_scenario
from sim.config.locate import shipped_scenarios
from sim.errors import ExsimError
from sim.experiment import replicate, summarise
from sim.experiment.output import write_results
from sim.present import summary_table


class ExsimGroup(click.Group):
    """Turns every user error into one line per problem on stderr and exit code 2 — no tracebacks."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except ExsimError as e:
            for line in e.lines():
                click.echo(line, err=True)
            ctx.exit(2)


SET_HELP = "Override a scenario value: dotted.path=value (YAML scalar), e.g. units.ls-1.strength=1. Repeatable."


@click.group(cls=ExsimGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="exsim")
def main() -> None:
    """exsim — discrete-event simulator for tabletop exercise scenarios."""


@main.command()
@click.argument("scenario")
@click.option("--seed", type=click.IntRange(min=0), help="Base seed (default: the scenario's).")
@click.option("--reps", type=click.IntRange(min=1), default=20, show_default=True, help="Replications.")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: results/<scenario name>)."
)
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=SET_HELP)
@click.option("--trace", is_flag=True, help="Also write events.jsonl, the event log of replication 0.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def run(
    scenario: str, seed: int | None, reps: int, out: Path | None, overrides: tuple[str, ...], trace: bool, quiet: bool
) -> None:
    """Run SCENARIO (a file, or the name of a shipped scenario) and summarise its outcomes."""
    loaded = load_scenario(scenario, overrides)
    console = Console(stderr=False, quiet=quiet)
    for w in loaded.warnings:
        click.echo(str(w), err=True)
    seed = loaded.scenario.scenario.seed if seed is None else seed
    out = out or Path("results") / _slug(loaded.path.stem)
    with console.status(f"running {reps} replications…", spinner="dots") if console.is_terminal else _null():
        results = replicate(loaded.scenario, seed, reps, trace_first=trace)
    summary = summarise(loaded.scenario, results)
    write_results(out, loaded, seed, results, summary)
    console.print(summary_table(f"{loaded.scenario.scenario.name} (seed {seed})", summary, reps))
    console.print(f"results written to {out}/")


@main.command()
@click.argument("scenarios", nargs=-1, required=True)
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=SET_HELP)
@click.option("--strict", is_flag=True, help="Exit 1 when there are warnings.")
def check(scenarios: tuple[str, ...], overrides: tuple[str, ...], strict: bool) -> None:
    """Validate and lint scenario files without running them."""
    problems: list[str] = []
    warned = False
    for name in scenarios:
        try:
            loaded = load_scenario(name, overrides)
        except ExsimError as e:
            problems += e.lines()
            continue
        for w in loaded.warnings:
            click.echo(str(w), err=True)
            warned = True
        s = loaded.scenario
        click.echo(
            f"ok: {loaded.path} — {len(s.units)} units, {len(s.map.places)} places, "
            f"{len(s.phases)} phases, {len(s.objectives)} objectives"
        )
    for line in problems:
        click.echo(line, err=True)
    if problems:
        sys.exit(2)
    if strict and warned:
        sys.exit(1)


@main.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editors)."""
    doc = Scenario.model_json_schema(by_alias=True)
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = "exsim scenario"
    click.echo(json.dumps(doc, indent=2))


@main.command(name="list")
def list_scenarios() -> None:
    """List the shipped scenarios."""
    for name, path in shipped_scenarios().items():
        click.echo(f"{name:28s} {path}")


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "run"


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
