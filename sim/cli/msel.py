"""``exsim msel``: the MSEL of a scenario for the control binder, as a printable HTML page or CSV."""

from __future__ import annotations

from pathlib import Path

import click

from sim.check import load_scenario
from sim.cli.options import LANG_OPTION, SET_HELP
from sim.errors import ExsimError
from sim.present import i18n
from sim.present.labels import Labels


@click.command()
@click.argument("scenario")
@click.option(
    "-o",
    "--out",
    "dest",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("msel.html"),
    show_default=True,
    help="The file to write: .html (printable, A4, a page a day) or .csv.",
)
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=SET_HELP)
@LANG_OPTION
def msel(scenario: str, dest: Path, overrides: tuple[str, ...], lang: str | None) -> None:
    """Write the MSEL of SCENARIO for the control binder: injects and decisions in clock order, as HTML or CSV.

    Each row: the time or trigger, the inject or decision with its message to the players, who receives it,
    the controller's note, the player action expected and the objectives it tests.
    """
    from sim.experiment.output import write_atomic  # here: `exsim msel --help` loads none of the library
    from sim.present.msel import rows, to_csv, to_html  # here: likewise

    language = i18n.language(lang)
    kind = dest.suffix.lower()
    if kind not in (".html", ".htm", ".csv"):
        raise ExsimError(f"--out {dest}: write .html or .csv")
    if kind != ".csv":
        from sim.cli.report import needs_report_extra  # Jinja2, the report extra

        needs_report_extra()
    s = load_scenario(scenario, overrides).scenario
    names = Labels(s, language)
    write_atomic(dest, to_csv(rows(s, names), names) if kind == ".csv" else to_html(s, names))
    click.echo(f"wrote {dest}")
