"""``exsim check``: validate and lint scenario files without running them."""

from __future__ import annotations

import sys

import click

from sim.check import load_scenario
from sim.cli.options import SET_HELP
from sim.config.text import plain
from sim.errors import ExsimError, capped
from sim.present.i18n import LANGUAGES
from sim.present.msel import msel_lines
from sim.present.plan import plan_lines


@click.command()
@click.argument("scenarios", nargs=-1, required=True)
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=SET_HELP)
@click.option("--strict", is_flag=True, help="Exit 1 when there are warnings.")
@click.option("--plan", "show_plan", is_flag=True, help="Also print the plan: phases, routes, trips, supplies.")
@click.option("--msel", "show_msel", is_flag=True, help="Also print the MSEL: injects and decisions in time order.")
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    help="Also warn of each text readers see (names, messages, questions) with nothing written in this language.",
)
def check(
    scenarios: tuple[str, ...],
    overrides: tuple[str, ...],
    strict: bool,
    show_plan: bool,
    show_msel: bool,
    lang: str | None,
) -> None:
    """Validate and lint scenario files without running them (--plan: what they would do; --msel: their MSEL)."""
    problems: list[str] = []
    warned = False
    for name in scenarios:
        try:
            loaded = load_scenario(name, overrides, lang=lang)
        except ExsimError as e:
            problems += e.lines()
            continue
        for line in capped(loaded.warnings, "warnings"):
            click.echo(plain(line), err=True)
        warned = warned or bool(loaded.warnings)
        s = loaded.scenario
        click.echo(
            f"ok: {plain(str(loaded.path))} — {len(s.units)} units, {len(s.map.places)} places, "
            f"{len(s.phases)} phases, {len(s.objectives)} objectives"
        )
        for t in loaded.times:
            click.echo(plain(f"  time {t.field} (line {t.line}): {t.message}"))
        if show_plan:
            click.echo(plain("\n".join(["", *plan_lines(s), ""])))
        if show_msel:
            click.echo(plain("\n".join(["", *msel_lines(s), ""])))
    for line in problems:
        click.echo(plain(line), err=True)
    if problems:
        sys.exit(2)
    if strict and warned:
        sys.exit(1)
