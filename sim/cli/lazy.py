"""Click's lazy group ("Lazily Loading Subcommands" in click's documentation): a command's module is
imported when that command is run or asked for its help, never to list the commands.

Listing them (``exsim --help``) would import every command module and, through them, the library, so
the group lists each lazy command by a summary given beside its import path, as click's documentation
suggests for deferring further ("a static string" for the short help); tests/cli/test_package.py checks
that each summary gives the same line as the command's own help.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from gettext import gettext
from typing import Any

import click


class LazyGroup(click.Group):
    """A group whose commands are named ``{name: "module.attribute"}`` and imported on first use."""

    def __init__(
        self,
        *args: Any,
        lazy_subcommands: Mapping[str, str] | None = None,
        summaries: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_subcommands = dict(lazy_subcommands or {})  # command name -> "module.attribute"
        self.summaries = dict(summaries or {})  # command name -> the first paragraph of its help

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy_subcommands])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_subcommands:
            return self._lazy_load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def _lazy_load(self, cmd_name: str) -> click.Command:
        module, name = self.lazy_subcommands[cmd_name].rsplit(".", 1)
        command = getattr(importlib.import_module(module), name)
        if not isinstance(command, click.Command):
            raise ValueError(f"lazy loading of {self.lazy_subcommands[cmd_name]} returned {command!r}, not a command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Click's own listing, with a summarised lazy command stood in for by its summary, unimported."""
        listed = [(name, self._listed(ctx, name)) for name in self.list_commands(ctx)]
        shown = [(name, command) for name, command in listed if command is not None and not command.hidden]
        if not shown:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in shown)  # click's: 3 times the default spacing
        with formatter.section(gettext("Commands")):
            formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in shown])

    def _listed(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command as its group's help lists it: a stand-in holding its summary, if it has one."""
        if cmd_name in self.summaries:
            return click.Command(cmd_name, help=self.summaries[cmd_name])
        return self.get_command(ctx, cmd_name)
