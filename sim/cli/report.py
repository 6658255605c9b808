"""``exsim report`` and ``exsim plot``: the after-action report as one HTML file, and one metric's chart."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click

from sim.cli.options import LANG_OPTION
from sim.errors import MissingExtra
from sim.experiment import history
from sim.present import i18n
from sim.present.report import plot as draw
from sim.present.report import write


@click.command()
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
    language = i18n.language(lang)
    needs_report_extra()
    click.echo(f"wrote {write(history.resolve(folder), dest, language, rep, point)}")


@click.command()
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
    language = i18n.language(lang)
    needs_report_extra()
    click.echo(f"wrote {draw(history.resolve(folder), metric, dest, language)}")


def needs_report_extra() -> None:
    """matplotlib and Jinja2 (the report extra) are imported by the report as it draws: checked first."""
    missing = [m for m in ("matplotlib", "jinja2") if importlib.util.find_spec(m) is None]
    if missing:
        raise MissingExtra(f"exsim {click.get_current_context().info_name}", "report", missing)
