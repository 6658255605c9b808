"""Starting points for a planner's own scenario: a commented skeleton, or a copy of a shipped scenario."""

from __future__ import annotations

import re
from pathlib import Path

from sim.config.locate import locate

SKELETON = Path(__file__).resolve().parent.parent / "templates" / "scenario.yaml"
SCHEMA_FILE = "scenario.schema.json"  # what the skeleton's yaml-language-server header names
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
# the name: line of the scenario: block (block style, as in every shipped scenario)
_SCENARIO_NAME = re.compile(
    r"^(scenario:[ \t]*(?:#.*)?\n(?:[ \t]*(?:#.*)?\n|[ \t]+\S.*\n)*?[ \t]+name:[ \t]*)(.*)$", re.M
)


def check_name(name: str) -> None:
    if not _NAME.match(name):
        raise ValueError(f"{name!r}: a scenario name starts with a letter and holds letters, digits, _ and -")


def new_scenario(name: str, source: str | None = None) -> str:
    """The text of ``NAME.yaml``: the skeleton, or a copy of ``source`` (a shipped scenario or a file) renamed."""
    check_name(name)
    if source is None:
        return SKELETON.read_text(encoding="utf-8").format(title=name, file=f"{name}.yaml")
    path = locate(source)
    text = path.read_text(encoding="utf-8")
    text = _SCENARIO_NAME.sub(lambda m: m.group(1) + name, text, count=1)
    return f"# yaml-language-server: $schema={SCHEMA_FILE}\n# Made by `exsim new {name} --from {source}`.\n#\n" + text
