"""sim/cli as a package of small commands: each loaded lazily, listed without loading, typed calls only."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import click
import pytest

from sim.cli import COMMANDS, SUMMARIES, main
from sim.cli.lazy import LazyGroup
from tests.conftest import REPO

CLI_FILES = [*sorted((REPO / "sim" / "cli").glob("*.py")), REPO / "sim/play/cli.py", REPO / "sim/serve/cli.py"]


def loaded(name: str) -> click.Command:
    module, attr = COMMANDS[name].rsplit(".", 1)
    return getattr(importlib.import_module(module), attr)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_loads_under_its_name_and_is_listed_by_its_own_first_paragraph(name):
    command = main.get_command(click.Context(main), name)
    assert command is loaded(name) and command.name == name
    assert not command.hidden and not command.deprecated and command.short_help is None
    for limit in (20, 45, 60, 74, 100, 200):  # the summary stands in for the command at every terminal width
        assert click.Command(name, help=SUMMARIES[name]).get_short_help_str(limit) == command.get_short_help_str(limit)


def test_every_command_has_a_summary_and_nothing_else_does():
    assert sorted(SUMMARIES) == sorted(COMMANDS) == main.list_commands(click.Context(main))


@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_groups_help_is_clicks_own_listing_of_the_loaded_commands(width):
    eager = click.Group("exsim", commands={name: loaded(name) for name in COMMANDS}, help=main.help)
    eager.params = main.params

    def text(group: click.Group) -> str:
        settings = {"terminal_width": width, "max_content_width": width, "help_option_names": ["-h", "--help"]}
        return group.get_help(click.Context(group, info_name="exsim", **settings))

    assert text(main) == text(eager)
    assert "Commands:\n  check " in text(main)


def test_a_lazy_group_refuses_a_name_that_is_not_a_command():
    group = LazyGroup(lazy_subcommands={"odd": "sim.cli.options.with_budget"})
    with pytest.raises(ValueError, match=r"sim\.cli\.options\.with_budget returned"):
        group.get_command(click.Context(group), "odd")
    assert group.get_command(click.Context(group), "nothing") is None


def _imports(path: Path) -> set[str]:
    """The modules ``path`` imports, and the ``module.name`` of each name it imports from one."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


@pytest.mark.parametrize("path", CLI_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_no_command_module_reaches_the_library_through_a_lazy_proxy(path):
    imports = _imports(path)
    assert not {"sim._lazy", "sim._lazy.Later"} & imports, f"{path} imports sim._lazy"
    assert "Later(" not in path.read_text(encoding="utf-8")


def test_the_check_sees_a_proxy(tmp_path):
    proxy = tmp_path / "proxy.py"
    proxy.write_text("from sim._lazy import package_getattr\n")
    assert "sim._lazy" in _imports(proxy)
