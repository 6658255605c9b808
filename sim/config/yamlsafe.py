"""Safe YAML reading with source positions.

The YAML is only *composed* into a node tree by ruamel.yaml; this module turns the nodes into plain
dicts, lists and scalars itself, so no YAML tag can ever construct an object or run code. Every value's
position is kept under its path (a tuple of keys and list indices) for error messages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sim.errors import Problem, ScenarioError

MAX_BYTES = 2_000_000  # a scenario is a few kB; refuse anything that is clearly not one
MAX_NODES = 200_000  # after expanding aliases: stops "billion laughs" alias bombs
MAX_DEPTH = 64

_TAG = "tag:yaml.org,2002:"
_ALLOWED_SCALARS = {"str", "int", "float", "bool", "null", "timestamp"}

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Pos:
    file: str
    line: int  # 1-based
    col: int  # 1-based


@dataclass
class Document:
    """Plain data read from one YAML text, with the position of every value by path."""

    data: Any
    positions: dict[PathKey, Pos] = field(default_factory=dict)
    file: str = "<string>"

    def pos(self, path: PathKey) -> Pos:
        """Position of ``path``, or of its nearest ancestor that has one."""
        for n in range(len(path), -1, -1):
            p = self.positions.get(tuple(path[:n]))
            if p is not None:
                return p
        return Pos(self.file, 1, 1)

    def problem(self, path: PathKey, message: str) -> Problem:
        p = self.pos(path)
        return Problem(p.file, p.line, p.col, dotted(path), message)


def dotted(path: PathKey) -> str:
    return ".".join(str(k) for k in path)


def read_file(path: Path, label: str | None = None) -> Document:
    """Read a YAML file into a Document; every failure is a ScenarioError naming the file."""
    label = label or str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ScenarioError([Problem(label, 0, 0, "", "file not found")]) from None
    except OSError as e:
        raise ScenarioError([Problem(label, 0, 0, "", f"cannot read file: {e.strerror}")]) from None
    if path.is_dir():
        raise ScenarioError([Problem(label, 0, 0, "", "is a folder, not a YAML file")])
    if size > MAX_BYTES:
        raise ScenarioError(
            [Problem(label, 1, 1, "", f"file is too large ({size:,} bytes; the limit is {MAX_BYTES:,})")]
        )
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise ScenarioError([Problem(label, 1, 1, "", "binary file, not YAML text")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise ScenarioError([Problem(label, line, 1, "", "not UTF-8 text")]) from None
    return read_text(text, label)


def read_text(text: str, label: str = "<string>") -> Document:
    """Compose ``text`` and convert it to plain data with positions."""
    yaml = YAML(typ="safe", pure=True)
    try:
        node = yaml.compose(text)
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        msg = " ".join(str(x) for x in (e.context, e.problem) if x) or "invalid YAML"
        raise ScenarioError([Problem(label, line, col, "", f"YAML syntax: {_oneline(msg)}")]) from None
    except YAMLError as e:
        raise ScenarioError([Problem(label, 1, 1, "", f"YAML syntax: {_oneline(str(e))}")]) from None
    doc = Document(data=None, file=label)
    if node is None:
        return doc
    converter = _Converter(doc)
    doc.data = converter.convert(node, (), 0)
    if converter.problems:
        raise ScenarioError(converter.problems)
    return doc


def _oneline(s: str) -> str:
    return " ".join(s.split())


class _Converter:
    def __init__(self, doc: Document):
        self.doc = doc
        self.problems: list[Problem] = []
        self.nodes = 0

    def _pos(self, node: Node) -> Pos:
        m = node.start_mark
        return Pos(self.doc.file, m.line + 1, m.column + 1)

    def _fail(self, node: Node, path: PathKey, message: str) -> None:
        p = self._pos(node)
        self.problems.append(Problem(p.file, p.line, p.col, dotted(path), message))

    def convert(self, node: Node, path: PathKey, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ScenarioError(
                [
                    Problem(
                        self.doc.file,
                        1,
                        1,
                        "",
                        f"document expands to more than {MAX_NODES:,} values (alias bomb?); refused",
                    )
                ]
            )
        if depth > MAX_DEPTH:
            raise ScenarioError([Problem(self.doc.file, *_lc(node), dotted(path), "nesting is too deep")])
        self.doc.positions.setdefault(path, self._pos(node))
        tag = node.tag if isinstance(node.tag, str) else str(node.tag)
        if isinstance(node, MappingNode):
            if tag != _TAG + "map":
                return self._bad_tag(node, path, tag)
            out: dict[str, Any] = {}
            for knode, vnode in node.value:
                if not isinstance(knode, ScalarNode) or knode.tag == _TAG + "merge":
                    self._fail(knode, path, "keys must be plain names (merge keys '<<' are not supported)")
                    continue
                key = str(knode.value)
                if key in out:
                    self._fail(knode, (*path, key), "duplicate key")
                    continue
                out[key] = self.convert(vnode, (*path, key), depth + 1)
            return out
        if isinstance(node, SequenceNode):
            if tag != _TAG + "seq":
                return self._bad_tag(node, path, tag)
            return [self.convert(v, (*path, i), depth + 1) for i, v in enumerate(node.value)]
        kind = tag.removeprefix(_TAG) if tag.startswith(_TAG) else None
        if kind not in _ALLOWED_SCALARS:
            return self._bad_tag(node, path, tag)
        return _scalar(kind, node.value)

    def _bad_tag(self, node: Node, path: PathKey, tag: str) -> None:
        shown = "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag
        self._fail(node, path, f"YAML tag {shown} is not allowed (plain values, lists and mappings only)")
        return None


def _lc(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _scalar(kind: str, text: str) -> Any:
    if kind == "null":
        return None
    if kind == "bool":
        return text.lower() in ("true", "yes", "on")
    if kind == "int":
        t = text.replace("_", "").lower()
        sign = -1 if t.startswith("-") else 1
        t = t.lstrip("+-")
        base = 16 if t.startswith("0x") else 8 if t.startswith("0o") else 2 if t.startswith("0b") else 10
        return sign * int(t[2:] if base != 10 else t, base)
    if kind == "float":
        t = text.replace("_", "").lower()
        if t.lstrip("+-") in (".inf", "inf"):
            return -math.inf if t.startswith("-") else math.inf
        if t in (".nan", "nan"):
            return math.nan
        return float(t)
    return text  # str and timestamp (pydantic parses datetimes)
