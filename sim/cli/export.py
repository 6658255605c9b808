"""``exsim export``: every replication of a results folder as one table (CSV or Parquet)."""

from __future__ import annotations

from pathlib import Path

import click

from sim import results
from sim.experiment import history


@click.command(name="export")
@click.argument("folder", metavar="FOLDER")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True)
@click.option("--out", "dest", type=click.Path(dir_okay=False, path_type=Path), help="File to write.")
def export_cmd(folder: str, fmt: str, dest: Path | None) -> None:
    """Export every replication of FOLDER (a results folder or a run id) as one table (CSV or Parquet)."""
    click.echo(f"wrote {results.export(history.resolve(folder), fmt, dest)}")
