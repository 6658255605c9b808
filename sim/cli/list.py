"""``exsim list``: the shipped scenarios, sweeps and unit catalogues (loads nothing heavy)."""

from __future__ import annotations

import click

from sim.config.locate import resources


@click.command(name="list")
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
