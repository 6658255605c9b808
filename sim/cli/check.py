"""``exsim check``: validate and lint scenario files without running them."""

from __future__ import annotations

import sys
from typing import Any

import click
from pydantic import BaseModel

from sim.check import load_scenario
from sim.check.distributions import distributions
from sim.cli.options import SET_HELP
from sim.config.schema import Scenario
from sim.config.text import plain
from sim.errors import ExsimError, Problem, capped
from sim.present import i18n
from sim.present.i18n import LANGUAGES, N_
from sim.present.labels import Labels
from sim.present.msel import text as msel_text
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
    help="Also warn of each text readers see (names, messages, questions) with nothing written in this language; "
    "the language of the plan (default: EXSIM_LANG, else the locale).",
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
    speak = i18n.language(lang)
    _ = speak._
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
        counts = [
            speak.n_("{n} unit", "{n} units", len(s.units)).format(n=len(s.units)),
            speak.n_("{n} place", "{n} places", len(s.map.places)).format(n=len(s.map.places)),
            speak.n_("{n} phase", "{n} phases", len(s.phases)).format(n=len(s.phases)),
            speak.n_("{n} objective", "{n} objectives", len(s.objectives)).format(n=len(s.objectives)),
        ]
        click.echo(_("ok: {path} — {counts}").format(path=plain(str(loaded.path)), counts=", ".join(counts)))
        names = Labels(s, speak)
        for t in loaded.times:
            click.echo(plain("  " + _time_note(t, names)))
        for field, dist in distributions(s):
            click.echo(plain("  " + _distribution_note(field, dist, names)))
        if show_plan:
            click.echo(plain("\n".join(["", *plan_lines(s, speak), ""])))
        if show_msel:
            click.echo(plain("\n".join(["", *msel_text(s, names), ""])))
    for line in problems:
        click.echo(plain(line), err=True)
    if problems:
        sys.exit(2)
    if strict and warned:
        sys.exit(1)


def _time_note(t: Problem, names: Labels) -> str:
    """What a time written relative to H-hour or D-day means: in English as the file writes it and its reading
    (``H+1 = H+1h (2024-07-12 05:00)``), in another language by the scenario clock (``Д+0 05:00``)."""
    minutes = _value(names.s, t.field) if names.lang.code != "en" else None
    meaning = names.clock(minutes) if isinstance(minutes, float) else t.message
    return names._("time {field} (line {line}): {meaning}").format(field=t.field, line=t.line, meaning=meaning)


# a distribution's kind in words (the scenario writes the English word)
KINDS = {
    "exponential": N_("exponential"),
    "lognormal": N_("lognormal"),
    "gamma": N_("gamma"),
    "triangular": N_("triangular"),
    "uniform": N_("uniform"),
    "deterministic": N_("deterministic"),
    "empirical": N_("empirical"),
}


def _distribution_note(field: str, dist: Any, names: Labels) -> str:
    """A time given as a distribution: its kind, mean and coefficient of variation (by formula)."""
    kind = names._(KINDS[dist.distribution])
    return names._("distribution {field}: {kind}, mean {mean}, cv {cv}").format(
        field=field, kind=kind, mean=names.duration(dist.mean), cv=names.lang.num.fixed(dist.cv, 2)
    )


def _value(s: Scenario, field: str) -> Any:
    """The value at a dotted field path of the scenario (``phases.0.start``), or None."""
    node: Any = s
    for key in field.split("."):
        if isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        elif isinstance(node, BaseModel):
            node = getattr(node, key, getattr(node, key + "_", None))
        elif isinstance(node, dict):
            node = node.get(key)
        else:
            return None
    return node
