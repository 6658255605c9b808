"""The options ``exsim play`` and ``exsim serve`` share: the same run, told in a terminal or a browser."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def play_options(
    *, max_speed: float, speed_help: str, lang_help: str, out_help: str, batch_help: str
) -> Callable[[F], F]:
    """--seed, --speed, --lang, --out, --batch (as ``runs``) and --set (as ``overrides``), in that order."""
    options = [
        click.option("--seed", type=click.IntRange(min=0), help="Seed (default: the scenario's)."),
        click.option(
            "--speed",
            type=click.FloatRange(min=0, min_open=True, max=max_speed),
            default=600.0,
            show_default=True,
            help=speed_help,
        ),
        click.option("--lang", metavar="en|ru", help=lang_help),
        click.option("--out", type=click.Path(file_okay=False, path_type=Path), help=out_help),
        click.option(
            "--batch",
            "runs",
            type=click.IntRange(min=0, max=100_000),
            default=200,
            show_default=True,
            help=batch_help,
        ),
        click.option(
            "--set", "overrides", multiple=True, metavar="PATH=VALUE", help="Override a scenario value (repeatable)."
        ),
    ]

    def apply(f: F) -> F:
        for option in reversed(options):  # click applies decorators bottom-up: the first listed comes first
            f = option(f)
        return f

    return apply
