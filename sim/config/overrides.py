"""``--set dotted.path=value`` overrides on a scenario's raw data, before validation.

The value is read as a YAML scalar (or flow list/mapping) by the same safe reader as files — never
evaluated. List items are addressed by index or by their ``id`` (``units.ls-1.strength=1``).
"""

from __future__ import annotations

import copy
from typing import Any

from sim.config.suggest import did_you_mean
from sim.config.yamlsafe import PathKey, read_text
from sim.errors import Problem, ScenarioError


def parse_override(text: str) -> tuple[list[str], Any]:
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key or any(not part for part in key.split(".")):
        raise ScenarioError([_problem(text, "expected --set dotted.path=value")])
    try:
        value = read_text(raw, f"--set {text}").data
    except ScenarioError as e:
        raise ScenarioError([_problem(text, f"value is not a YAML scalar ({e.problems[0].message})")]) from None
    return key.split("."), value


def apply_overrides(data: dict[str, Any], overrides: list[str]) -> tuple[dict[str, Any], dict[PathKey, str]]:
    """A copy of ``data`` with every override applied; also which resolved path each override set."""
    data = copy.deepcopy(data)
    applied: dict[PathKey, str] = {}
    problems = []
    for text in overrides:
        parts, value = parse_override(text)
        try:
            path = _assign(data, parts, value)
        except LookupError as e:
            problems.append(_problem(text, str(e.args[0])))
            continue
        applied[path] = text
    if problems:
        raise ScenarioError(problems)
    return data, applied


def _assign(data: dict[str, Any], parts: list[str], value: Any) -> PathKey:
    node: Any = data
    path: list[str | int] = []
    key: str | int
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, dict):
            if last:
                node[part] = value
                return (*path, part)
            if part not in node or node[part] is None:
                node[part] = {}
            node, key = node[part], part
        elif isinstance(node, list):
            index = _list_index(node, part, path)
            if last:
                node[index] = value
                return (*path, index)
            node, key = node[index], index
        else:
            raise LookupError(f"{'.'.join(map(str, path))} is a value, it has no field {part!r}")
        path.append(key)
    raise AssertionError("unreachable")


def _list_index(items: list[Any], part: str, path: list[str | int]) -> int:
    where = ".".join(map(str, path)) or "the top level"
    if part.isdigit():
        if int(part) >= len(items):
            raise LookupError(f"{where} has {len(items)} items; index {part} is out of range")
        return int(part)
    for i, item in enumerate(items):
        if isinstance(item, dict) and item.get("id") == part:
            return i
    ids = [str(item["id"]) for item in items if isinstance(item, dict) and "id" in item]
    hint = did_you_mean(part, ids)
    known = (f"; {hint}" if hint else "") + (f" (known ids: {', '.join(ids)})" if ids else "")
    raise LookupError(f"no item with id {part!r} in {where}{known}")


def _problem(text: str, message: str) -> Problem:
    return Problem(f"--set {text}", 0, 0, "", message)
