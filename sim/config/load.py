"""Read a scenario: YAML with positions → catalogue merged → overrides → schema (sim.check cross-checks it).

Every problem found on the way is reported together as ``file:line:col: field: message``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, TypeAdapter, ValidationError

from sim.config.distributions import DISTRIBUTIONS
from sim.config.durations import format_time, is_planner_time
from sim.config.fields import field_names_at
from sim.config.locate import catalogue_path, locate
from sim.config.overrides import apply_overrides
from sim.config.schema import Catalog, Scenario
from sim.config.suggest import did_you_mean, unknown
from sim.config.yamlsafe import Document, PathKey, dotted, read_file, split_hint
from sim.errors import Problem, ScenarioError, set_by_note

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with where it came from; ``digest`` identifies it in every result."""

    scenario: Scenario
    path: Path
    overrides: tuple[str, ...] = ()
    warnings: tuple[Problem, ...] = field(default=())
    times: tuple[Problem, ...] = field(default=())  # each time written as H+/D+/a date, and what it means

    @functools.cached_property  # a plan asks each point's several times (fingerprint, rows, provenance)
    def digest(self) -> str:
        return scenario_digest(self.scenario)

    # the two below are what a run writes of the scenario; exsim run's cache (sim/check/cache.py) keeps them,
    # so that a scenario read back from it never builds the schema's serializers
    @functools.cached_property
    def resolved_json(self) -> str:
        """The scenario as a run's folder keeps it (scenario.json)."""
        return self.scenario.model_dump_json(by_alias=True, indent=1)

    @functools.cached_property
    def catalogue_digest(self) -> str:
        """SHA-256 of the scenario's unit types (catalogues merged in) as JSON: a run's provenance."""
        types = json.dumps({k: v.model_dump(mode="json", by_alias=True) for k, v in self.scenario.unit_types.items()})
        return hashlib.sha256(types.encode()).hexdigest()


def scenario_digest(s: Scenario) -> str:
    return hashlib.sha256(s.model_dump_json(by_alias=True).encode()).hexdigest()


@dataclass(frozen=True)
class Parsed:
    """A scenario read and validated by the schema, with the document it came from: the checks above the
    models (sim.check) cross-check it and position what they find."""

    scenario: Scenario
    path: Path
    doc: Document
    data: dict[str, Any]
    applied: dict[PathKey, str]

    def located(self, path: PathKey, message: str) -> Problem:
        """``message`` about ``path`` of the scenario, at its line in the file (or the --set that made it)."""
        return _located(self.doc, path, message, self.applied)

    def overridden(self, overrides: Sequence[str]) -> Parsed:
        """This scenario with ``overrides`` applied after its own and validated again, without reading its files
        again: the many design points of one file (a sensitivity study) each cost a validation, not a parse."""
        data, applied = apply_overrides(self.data, list(overrides))
        applied = {**self.applied, **applied}
        scenario = validate(Scenario, data, self.doc, applied, context={"start": _start(data)})
        return Parsed(scenario, self.path, self.doc, data, applied)

    def times(self) -> tuple[Problem, ...]:
        """Each time written relative to H-hour or D-day, or as a date, and what it means."""
        start = self.scenario.scenario.start
        return tuple(
            self.located(p, f"{raw} = {format_time(minutes, start)}")
            for p, raw, minutes in _planner_times(self.data, self.scenario)
        )


def parse_scenario(source: str | Path, overrides: Sequence[str] = ()) -> Parsed:
    """Read, merge catalogues, override and validate a scenario file (or shipped name) by its schema.

    ``sim.check.load_scenario`` adds the cross-checks; this is the part that needs nothing above config.
    """
    path = locate(source)
    doc = read_file(path)
    require_mapping(doc, "scenario file", "scenario:", list(Scenario.model_fields))
    data: dict[str, Any] = dict(doc.data)
    _merge_catalogues(data, doc, path.parent)
    data, applied = apply_overrides(data, list(overrides))
    scenario = validate(Scenario, data, doc, applied, context={"start": _start(data)})
    return Parsed(scenario, path, doc, data, applied)


def _start(data: dict[str, Any]) -> datetime | None:
    """scenario.start, if it is a valid date and time: H+, D+ and dates count from it."""
    meta = data.get("scenario")
    try:
        return _DATETIME.validate_python(meta.get("start")) if isinstance(meta, dict) else None
    except ValidationError:
        return None  # the schema reports it


_DATETIME: TypeAdapter[datetime | None] = TypeAdapter(datetime | None)


def _planner_times(data: Any, scenario: Scenario) -> Iterator[tuple[PathKey, str, float]]:
    """Every time written relative to H-hour or D-day, or as a date, with its minutes after H-hour."""
    stack: list[tuple[PathKey, Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            stack += [((*path, k), v) for k, v in reversed(node.items())]
        elif isinstance(node, list):
            stack += [((*path, i), v) for i, v in reversed(list(enumerate(node)))]
        elif is_planner_time(node) and path != ("scenario", "start"):
            value = _resolve(scenario, path)
            if isinstance(value, float):  # a time field, not a name that happens to read like one
                yield path, node.strip(), value


def _resolve(model: Any, path: PathKey) -> Any:
    node = model
    for key in path:
        if isinstance(node, BaseModel) and isinstance(key, str):
            node = getattr(node, key, None)
        elif isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
        else:
            return None
    return node


_KIND_NAMES = {"str": "text", "int": "a number", "float": "a number", "bool": "true/false", "list": "a list"}


def require_mapping(doc: Document, what: str, expected: str, fields: Sequence[str] = ()) -> None:
    """The document is a mapping; with ``fields``, at least one of its keys is one of them.

    The second check keeps a file that is not ours at all (``catalog: /etc/...``) from being echoed
    back key by key as "unknown field" messages.
    """
    if doc.data is None:
        raise ScenarioError([Problem(doc.file, 1, 1, "", f"{what} is empty; expected a mapping with {expected}")])
    if not isinstance(doc.data, dict):
        kind = type(doc.data).__name__
        raise ScenarioError(
            [
                Problem(
                    doc.file, 1, 1, "", f"{what} must be a mapping with {expected}, not {_KIND_NAMES.get(kind, kind)}"
                )
            ]
        )
    if fields and not set(doc.data) & set(fields):
        raise ScenarioError([Problem(doc.file, 1, 1, "", f"not a {what}: none of its top-level keys is {expected}")])


def _merge_catalogues(data: dict[str, Any], doc: Document, base: Path) -> None:
    """Put the unit types of every catalogue in ``catalog:`` into ``data`` (later ones and inline types win)."""
    refs = data.get("catalog")
    listed = [refs] if isinstance(refs, str) else refs
    if not isinstance(listed, list) or not all(isinstance(r, str) for r in listed):
        return  # not a name or a list of names: the schema reports it
    merged: dict[str, tuple[Any, Document]] = {}
    words: list[dict[str, Any]] = []  # each catalogue's data, for the kinds and classes it declares
    problems = []
    for i, ref in enumerate(listed):
        where = ("catalog",) if isinstance(refs, str) else ("catalog", i)
        try:
            cat_doc = _load_catalog(catalogue_path(ref, base))
        except LookupError as e:
            problems.append(doc.problem(where, str(e.args[0])))
            continue
        except ScenarioError as e:  # a file that cannot be read at all is reported where the scenario names it
            if any(p.line for p in e.problems):
                raise
            problems += [doc.problem(where, f"catalogue {p.file}: {p.message}") for p in e.problems]
            continue
        merged.update((name, (t, cat_doc)) for name, t in cat_doc.data["unit_types"].items())
        words.append(cat_doc.data)
    if problems:
        raise ScenarioError(problems)
    _declared_words(data, words)
    raw = data.get("unit_types")
    inline: dict[str, Any] = raw if isinstance(raw, dict) else {}
    data["unit_types"] = {**{name: t for name, (t, _) in merged.items()}, **inline}
    # errors in a catalogue's types point into the catalogue file: each catalogue's positions read once
    # (per type, they made 30,000 types take minutes)
    docs = {id(cat_doc): cat_doc for _, cat_doc in merged.values()}
    for cat_doc in docs.values():
        doc.positions.update(
            (k, pos)
            for k, pos in cat_doc.positions.items()
            if k[:1] == ("unit_types",)
            and len(k) >= 2
            and k[1] not in inline
            and k[1] in merged
            and merged[k[1]][1] is cat_doc
        )


def _declared_words(data: dict[str, Any], catalogues: list[dict[str, Any]]) -> None:
    """The place kinds and supply classes the catalogues declare, into the scenario's map.kinds and
    logistics.classes (later catalogues win, and the scenario's own declarations over them)."""
    for section, key in (("map", "kinds"), ("logistics", "classes")):
        declared = {k: v for cat in catalogues for k, v in (cat.get(key) or {}).items()}
        if not declared:
            continue
        part = data.setdefault(section, {})
        if isinstance(part, dict):
            own = part.get(key)
            part[key] = {**declared, **own} if isinstance(own, dict) else own if own is not None else declared


def _load_catalog(path: Path) -> Document:
    doc = read_file(path)
    require_mapping(doc, "unit catalogue", "unit_types:", ["unit_types"])
    validate(Catalog, doc.data, doc, {})
    return doc


def validate(
    model: type[M], data: Any, doc: Document, applied: dict[PathKey, str], context: dict[str, Any] | None = None
) -> M:
    """``model`` validated from ``data``; pydantic's errors become positioned Problems."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as e:
        problems = [_located(doc, _data_path(data, err["loc"]), _message(err, model), applied) for err in e.errors()]
        raise ScenarioError(_one_per_cut(problems)) from None


def _one_per_cut(problems: list[Problem]) -> list[Problem]:
    """One problem per field that a value cut at a comma broke (a text's union gives three), the hinted one."""
    out: list[Problem] = []
    cut: list[str] = []
    for p in problems:
        if any(p.field == f or p.field.startswith(f + ".") for f in cut):
            continue
        if "cut at a comma" in p.message:
            cut.append(p.field)
            out = [q for q in out if not (q.field == p.field or q.field.startswith(p.field + "."))]
        out.append(p)
    return out


def _located(doc: Document, path: PathKey, message: str, applied: dict[PathKey, str]) -> Problem:
    message += split_hint(doc, path)
    problem = doc.problem(path, message)
    for set_path, text in applied.items():
        made = bool(path) and set_path[: len(path)] == path and path not in doc.positions  # a key --set added
        if path[: len(set_path)] == set_path or made:
            return replace(problem, message=message + set_by_note(text), set_by=text)
    return problem


# the keys that say which kind of thing a tagged union's member is, and what that kind is called
_TAGS = {"do": "order", "kind": "objective kind", "type": "effect type", "distribution": "distribution"}


def _data_path(data: Any, loc: tuple[int | str, ...]) -> PathKey:
    """The part of a pydantic ``loc`` that names places in the data (drops union tags)."""
    out: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        # pydantic's key and union-member tags; "a number" | "a distribution" (sim.config.distributions): no field
        # name has a space
        if part == "[key]" or (isinstance(part, str) and ("[" in part or " " in part)):
            continue
        if i < len(loc) - 1 and isinstance(node, dict) and any(node.get(tag) == part for tag in _TAGS):
            continue  # a tagged union's tag, also when a field has its name (kind: metric has a field metric:)
        in_dict = isinstance(node, dict) and part in node
        if in_dict or (isinstance(node, list) and isinstance(part, int) and part < len(node)):
            node = node[part]
        elif i < len(loc) - 1 or (isinstance(node, dict) and part in node.values()):
            continue  # a union's tag or a model name (not in the data), or the tag of the object at fault
        out.append(part)
    return tuple(out)


def _message(err: Any, model: type[BaseModel]) -> str:
    kind, msg = err["type"], err["msg"]
    if err["loc"][-1:] == ("[key]",):
        return f"{err['loc'][-2]!r} is not allowed here; expected {msg.removeprefix('Input should be ')}"
    if kind == "extra_forbidden":
        hint = did_you_mean(str(err["loc"][-1]), field_names_at(model, err["loc"]))
        return "unknown field" + (f"; {hint}" if hint else "")
    if kind == "missing":
        return "required field is missing"
    if kind in ("literal_error", "enum") and isinstance(err.get("input"), str):
        hint = did_you_mean(err["input"], re.findall(r"'([^']*)'", err["ctx"]["expected"]))
        return msg + (f"; {hint}" if hint else "")
    if kind == "union_tag_invalid":
        ctx = err["ctx"]
        what = _TAGS.get(ctx["discriminator"].strip("'"), "tag")
        return unknown(what, ctx["tag"], re.findall(r"'([^']*)'", ctx["expected_tags"]), "expected one of")
    if kind == "union_tag_not_found":  # the key that says which kind of thing this is, left out
        tag = err["ctx"]["discriminator"].strip("'")
        kinds = _tagged_kinds(tag)
        return f"{tag}: is missing" + (f" (one of {', '.join(kinds)})" if kinds else "")
    return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def _tagged_kinds(tag: str) -> list[str]:
    """The kinds a tagged section of the schema takes (the distributions' names), for the message that
    says its tag is missing."""
    if tag != "distribution":
        return []
    return [get_args(d.model_fields["distribution"].annotation)[0] for d in DISTRIBUTIONS]


__all__ = ["LoadedScenario", "Parsed", "dotted", "parse_scenario", "scenario_digest", "validate"]
