"""``exsim runs``: the stored runs and sweeps under results/, and pruning them (loads nothing heavy)."""

from __future__ import annotations

import shutil
import sys

import click

from sim.config.text import plain
from sim.experiment import history


@click.command(name="runs")
@click.argument("group", metavar="[SCENARIO]", required=False)
@click.option("--prune", type=click.IntRange(min=0), metavar="KEEP", help="Remove all but the newest KEEP runs.")
@click.option("--yes", "-y", is_flag=True, help="With --prune: do not ask for confirmation.")
def runs_cmd(group: str | None, prune: int | None, yes: bool) -> None:
    """List the stored runs and sweeps under results/ (of SCENARIO or sweep name, if given): the interrupted
    first, then the finished, newest first."""
    for line in history.finish_removals(history.ROOT):
        click.echo(f"exsim: {line}", err=True)
    if prune is not None:
        _prune(group, prune, yes)
        return
    unfinished = history.interrupted(history.ROOT, group)
    for p, busy in unfinished:  # first: the ones that may want --resume, usually the newest
        state = "being written now" if busy else "interrupted: a sweep completes with --resume"
        click.echo(f"{p}  ({state})")
    listed = history.runs(history.ROOT, group)
    for r in listed:
        click.echo(plain("\n".join(r.lines(shutil.get_terminal_size().columns))))
    if not listed and not unfinished:
        click.echo(f"no runs in {history.ROOT}/" + (f"{group}/" if group else ""))


def _prune(group: str | None, keep: int, yes: bool) -> None:
    """Remove all but the newest KEEP runs, and the interrupted folders no one is writing, once confirmed."""
    doomed = history.to_prune(history.ROOT, keep, group)
    stale = [p for p, busy in history.interrupted(history.ROOT, group) if not busy]
    if not doomed and not stale:
        click.echo("nothing to remove")
        return
    for r in doomed:
        click.echo(plain(f"remove {r.id}"))
    for p in stale:
        click.echo(f"remove {p} (interrupted)")
    count = f"{len(doomed) + len(stale)} folder{'s' if len(doomed) + len(stale) > 1 else ''}"
    try:
        sure = yes or click.confirm(f"Remove {count}?", default=False)
    except click.Abort:  # no answer (no terminal, end of input)
        sure = False
    if not sure:
        click.echo("nothing removed (--yes removes without asking)")
        sys.exit(1)
    for r in doomed:
        history.remove(r.path)
    for p in stale:
        history.remove(p)
    click.echo(f"removed {count}")
