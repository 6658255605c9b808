"""Load a scenario: read and validated by its schema (sim.config.load), then cross-checked and linted.

Every problem found on the way is reported together as ``file:line:col: field: message``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from sim.check import cost, crossref, language, lint
from sim.config.load import LoadedScenario, Parsed, parse_scenario
from sim.config.text import FALLBACK
from sim.errors import ScenarioError


def load_scenario(source: str | Path, overrides: Sequence[str] = (), *, lang: str | None = None) -> LoadedScenario:
    """Read, merge, override, validate and cross-check a scenario file (or shipped name); ``lang``: also warn
    of each text readers see that has nothing written in that language."""
    return checked(parse_scenario(source, overrides), overrides, lang=lang)


def load_variants(
    source: str | Path, overrides: Sequence[str], variants: Iterable[Sequence[str]]
) -> Iterator[LoadedScenario]:
    """The scenario with ``overrides``, then each variant's overrides after them, each loaded as ``load_scenario``
    would load it; the files are read once (a sensitivity study's points)."""
    base = parse_scenario(source, overrides)
    for more in variants:
        yield checked(base.overridden(more), (*overrides, *more), times=False)


def checked(parsed: Parsed, overrides: Sequence[str], *, lang: str | None = None, times: bool = True) -> LoadedScenario:
    """A parsed scenario cross-checked and linted (``load_scenario``'s second half); ``times``: with what each
    planner time means (for ``exsim check``)."""
    found = crossref.check(parsed.scenario, where=lambda p: f"line {parsed.doc.pos(p).line}")
    found = found or list(cost.problems(parsed.scenario))  # what one replication would cost, once it holds
    problems = [parsed.located(p, m) for p, m in found]
    if problems:
        raise ScenarioError(problems)
    found = list(cost.warnings(parsed.scenario)) + lint.lint(parsed.scenario)
    if lang is not None and lang != FALLBACK:
        missing = f"no text in {lang!r}: write it as {{en: ..., {lang}: ...}}"
        found += [(p, missing) for p in language.untranslated(parsed.scenario, lang)]
    warnings = tuple(parsed.located(p, f"warning: {m}") for p, m in found)
    return LoadedScenario(parsed.scenario, parsed.path, tuple(overrides), warnings, parsed.times() if times else ())


__all__ = ["checked", "load_scenario", "load_variants"]
