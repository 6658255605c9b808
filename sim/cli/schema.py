"""``exsim schema``: the JSON Schema of scenario files (or sweep files), for editors."""

from __future__ import annotations

import json

import click

from sim.config.json_schema import json_schema, scenario_schema
from sim.experiment.design import SweepSpec


@click.command()
@click.option("--sweep", "of_sweep", is_flag=True, help="The schema of sweep files instead of scenario files.")
def schema(of_sweep: bool) -> None:
    """Print the JSON Schema of scenario files (or sweep files), for editors."""
    doc = json_schema(SweepSpec, "exsim sweep", under="sweep") if of_sweep else scenario_schema()
    click.echo(json.dumps(doc, indent=2))
