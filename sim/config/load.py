"""Load a scenario: YAML with positions → catalogue merged → overrides → schema → cross-checks.

Every problem found on the way is reported together as ``file:line:col: field: message``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from sim.config import crossref, lint
from sim.config.locate import locate
from sim.config.overrides import apply_overrides
from sim.config.schema import Catalog, Scenario
from sim.config.yamlsafe import Document, PathKey, dotted, read_file
from sim.errors import Problem, ScenarioError

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with where it came from; ``digest`` identifies it in every result."""

    scenario: Scenario
    path: Path
    overrides: tuple[str, ...] = ()
    warnings: tuple[Problem, ...] = field(default=())

    @property
    def digest(self) -> str:
        return scenario_digest(self.scenario)


def scenario_digest(s: Scenario) -> str:
    return hashlib.sha256(s.model_dump_json(by_alias=True).encode()).hexdigest()


def load_scenario(source: str | Path, overrides: Sequence[str] = ()) -> LoadedScenario:
    """Read, merge, override, validate and cross-check a scenario file (or shipped name)."""
    path = locate(source)
    doc = read_file(path)
    _require_mapping(doc, "scenario file", "scenario:")
    data: dict[str, Any] = dict(doc.data)
    if isinstance(data.get("catalog"), str):
        cat_doc = _load_catalog(path.parent / data["catalog"], doc)
        inline = data.get("unit_types") if isinstance(data.get("unit_types"), dict) else {}
        data["unit_types"] = {**cat_doc.data["unit_types"], **inline}
        for key, pos in cat_doc.positions.items():
            if key[:1] == ("unit_types",) and len(key) > 1 and key[1] not in inline:
                doc.positions[key] = pos
    data, applied = apply_overrides(data, list(overrides))
    scenario = validate(Scenario, data, doc, applied)
    problems = [_located(doc, p, m, applied) for p, m in crossref.check(scenario)]
    if problems:
        raise ScenarioError(problems)
    warnings = tuple(_located(doc, p, f"warning: {m}", applied) for p, m in lint.lint(scenario))
    return LoadedScenario(scenario, path, tuple(overrides), warnings)


def _require_mapping(doc: Document, what: str, expected: str) -> None:
    if doc.data is None:
        raise ScenarioError([Problem(doc.file, 1, 1, "", f"{what} is empty; expected a mapping with {expected}")])
    if not isinstance(doc.data, dict):
        raise ScenarioError(
            [Problem(doc.file, 1, 1, "", f"{what} must be a mapping with {expected}, not a {type(doc.data).__name__}")]
        )


def _load_catalog(path: Path, scenario_doc: Document) -> Document:
    if not path.is_file():
        raise ScenarioError([scenario_doc.problem(("catalog",), f"catalogue file not found: {path}")])
    doc = read_file(path)
    _require_mapping(doc, "unit catalogue", "unit_types:")
    validate(Catalog, doc.data, doc, {})
    return doc


def validate(model: type[M], data: Any, doc: Document, applied: dict[PathKey, str]) -> M:
    """``model`` validated from ``data``; pydantic's errors become positioned Problems."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise ScenarioError(
            [_located(doc, _data_path(data, err["loc"]), _message(err), applied) for err in e.errors()]
        ) from None


def _located(doc: Document, path: PathKey, message: str, applied: dict[PathKey, str]) -> Problem:
    problem = doc.problem(path, message)
    for set_path, text in applied.items():
        if path[: len(set_path)] == set_path:
            return Problem(problem.file, problem.line, problem.col, problem.field, f"{message} (set by --set {text})")
    return problem


def _data_path(data: Any, loc: tuple[int | str, ...]) -> PathKey:
    """The part of a pydantic ``loc`` that names places in the data (drops union tags)."""
    out: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        if part == "[key]" or (isinstance(part, str) and "[" in part):  # pydantic's key and union-member tags
            continue
        in_dict = isinstance(node, dict) and part in node
        if in_dict or (isinstance(node, list) and isinstance(part, int) and part < len(node)):
            node = node[part]
        elif i < len(loc) - 1:  # a union's tag or a model name: not in the data
            continue
        out.append(part)
    return tuple(out)


def _message(err: Any) -> str:
    kind, msg = err["type"], err["msg"]
    if err["loc"][-1:] == ("[key]",):
        return f"{err['loc'][-2]!r} is not allowed here; expected {msg.removeprefix('Input should be ')}"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required field is missing"
    if kind == "union_tag_invalid":
        ctx = err["ctx"]
        what = {"do": "order", "kind": "objective kind"}.get(ctx["discriminator"].strip("'"), "tag")
        return f"unknown {what} {ctx['tag']!r} (expected one of {ctx['expected_tags']})"
    return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")


__all__ = ["LoadedScenario", "dotted", "load_scenario", "scenario_digest", "validate"]
