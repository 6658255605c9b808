"""``exsim schema``: the JSON Schema of scenario files (or sweep or sensitivity files), for editors."""

from __future__ import annotations

import json

import click

from sim.config.json_schema import json_schema, scenario_schema
from sim.experiment.design import SweepSpec
from sim.experiment.sensitivity import StudySpec


@click.command()
@click.option("--sweep", "of_sweep", is_flag=True, help="The schema of sweep files instead of scenario files.")
@click.option("--sensitivity", "of_study", is_flag=True, help="The schema of sensitivity study files.")
def schema(of_sweep: bool, of_study: bool) -> None:
    """Print the JSON Schema of scenario files (or sweep files), for editors."""
    if of_sweep and of_study:
        raise click.UsageError("--sweep or --sensitivity, not both")
    if of_study:
        doc = json_schema(StudySpec, "exsim sensitivity", under="sensitivity")
    else:
        doc = json_schema(SweepSpec, "exsim sweep", under="sweep") if of_sweep else scenario_schema()
    click.echo(json.dumps(doc, indent=2))
