"""``exsim new``: a commented scenario skeleton (or a copy of a shipped scenario) to start from."""

from __future__ import annotations

import json
from pathlib import Path

import click

from sim.check import load_scenario
from sim.config.json_schema import scenario_schema
from sim.config.template import SCHEMA_FILE, new_scenario
from sim.errors import ExsimError
from sim.experiment.output import write_atomic


@click.command()
@click.argument("name")
@click.option("--from", "source", metavar="SCENARIO", help="Copy a shipped scenario (or a file), not the skeleton.")
@click.option("--force", is_flag=True, help="Replace NAME.yaml if it exists.")
def new(name: str, source: str | None, force: bool) -> None:
    """Write NAME.yaml in this folder: a commented scenario skeleton that passes check (and its JSON Schema)."""
    if source is not None:
        load_scenario(source)  # a source that is not a scenario is refused before anything is written
    try:
        text = new_scenario(name, source)
    except ValueError as e:
        raise ExsimError(str(e)) from None
    path = Path(f"{name}.yaml")
    if path.exists() and not force:
        raise ExsimError(f"{path} exists: choose another name, or --force to replace it")
    fresh = [p for p in (path, Path(SCHEMA_FILE)) if not p.exists()]
    write_atomic(path, text)
    write_atomic(Path(SCHEMA_FILE), json.dumps(scenario_schema(), indent=2) + "\n")
    try:
        load_scenario(path)  # a starting point must pass check
    except BaseException:
        for p in fresh:  # nothing is left behind by a refused copy
            p.unlink(missing_ok=True)
        raise
    click.echo(f"wrote {path} (and {SCHEMA_FILE}, for editors); next: exsim check --plan {path}")
