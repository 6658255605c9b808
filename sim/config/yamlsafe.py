"""Safe YAML reading with source positions.

The YAML is only *composed* into a node tree by ruamel.yaml; this module turns the nodes into plain
dicts, lists and scalars itself, so no YAML tag can ever construct an object or run code. Every value's
position is kept under its path (a tuple of keys and list indices) for error messages.
"""

from __future__ import annotations

import codecs
import math
import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent
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
    # keys of a flow mapping ({a: x, b}) with no colon after them: most likely the rest of the value before,
    # cut at an unquoted comma ({en: Strike, then land}); by path, the key before it
    split: dict[PathKey, str] = field(default_factory=dict)

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
    """Read a YAML file into a Document; every failure is a ScenarioError naming the file.

    Only a regular file is read, and never more than ``MAX_BYTES`` of it: a FIFO, a device such as
    /dev/zero or a socket is refused before any read that could block or run forever.
    """
    label = label or str(path)
    raw = _read_bounded(path, label)
    return read_text(_decode(raw, label), label)


def _fail_file(label: str, message: str, line: int = 0) -> ScenarioError:
    return ScenarioError([Problem(label, line, 1 if line else 0, "", message)])


_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def _read_bounded(path: Path, label: str) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)  # non-blocking: opening a FIFO with no writer returns at once
    except FileNotFoundError:
        raise _fail_file(label, "file not found") from None
    except IsADirectoryError:
        raise _fail_file(label, "is a folder, not a YAML file") from None
    except PermissionError:
        raise _fail_file(label, "permission denied: this file cannot be read") from None
    except OSError as e:
        raise _fail_file(label, f"cannot read file: {e.strerror or e}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise _fail_file(label, f"is {kind}, not a YAML file")
    with os.fdopen(fd, "rb") as f:
        try:
            raw = f.read(MAX_BYTES + 1)
        except OSError as e:
            raise _fail_file(label, f"cannot read file: {e.strerror or e}") from None
    if len(raw) > MAX_BYTES:
        raise _fail_file(label, f"file is too large (more than {MAX_BYTES:,} bytes; a scenario is a few kB)", 1)
    return raw


_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def _decode(raw: bytes, label: str) -> str:
    """UTF-8 text (a UTF-8 byte-order mark is dropped); UTF-16/32 and binary files are named as such."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            raise _fail_file(label, f"the file is {name} text; save it as UTF-8", 1)
    if b"\x00" in raw:
        head = raw[:4096]
        if len(head) >= 4 and (
            head[1::2].count(0) > 0.9 * len(head[1::2]) or head[::2].count(0) > 0.9 * len(head[::2])
        ):
            raise _fail_file(label, "the file looks like UTF-16 text; save it as UTF-8", 1)
        raise _fail_file(label, "binary file, not YAML text", 1)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise _fail_file(label, "not UTF-8 text", line) from None


def read_text(text: str, label: str = "<string>") -> Document:
    """Compose ``text`` and convert it to plain data with positions."""
    try:  # libyaml (ruamel.yaml.clib): about ten times faster than ruamel's own parser, the same nodes
        return _convert(_compose(YAML(typ="safe"), text, label), label)
    except YAMLError:
        pass  # parsed again below, to say what is wrong in ruamel's words (they name the construct at fault)
    try:
        node = _compose(YAML(typ="safe", pure=True), text, label)
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        msg = " ".join(str(x) for x in (e.context, e.problem) if x) or "invalid YAML"
        raise ScenarioError([Problem(label, line, col, "", f"YAML syntax: {_oneline(msg)}")]) from None
    except YAMLError as e:
        raise ScenarioError([Problem(label, 1, 1, "", f"YAML syntax: {_oneline(str(e))}")]) from None
    return _convert(node, label)


def _compose(yaml: YAML, text: str, label: str) -> Node | None:
    _check_depth(yaml, text, label)  # before composing: the composer recurses once per level
    return yaml.compose(text)


def _convert(node: Node | None, label: str) -> Document:
    doc = Document(data=None, file=label)
    if node is None:
        return doc
    converter = _Converter(doc)
    doc.data = converter.convert(node, (), 0)
    if converter.problems:
        raise ScenarioError(converter.problems)
    return doc


def _check_depth(yaml: YAML, text: str, label: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH from the parser's event stream, which is not recursive."""
    depth = 0
    for event in yaml.parse(text):
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                m = event.start_mark
                raise ScenarioError(
                    [Problem(label, m.line + 1, m.column + 1, "", f"nesting is deeper than {MAX_DEPTH} levels")]
                )
        elif isinstance(event, CollectionEndEvent):
            depth -= 1


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
            raise ScenarioError(
                [Problem(self.doc.file, *_lc(node), dotted(path), f"nesting is deeper than {MAX_DEPTH} levels")]
            )
        self.doc.positions.setdefault(path, self._pos(node))
        tag = node.tag if isinstance(node.tag, str) else str(node.tag)
        if isinstance(node, MappingNode):
            if tag != _TAG + "map":
                return self._bad_tag(node, path, tag)
            out: dict[str, Any] = {}
            before = None
            for knode, vnode in node.value:
                problem = _key_problem(knode)
                if problem:
                    self._fail(knode, path, problem)
                    continue
                key = str(knode.value)
                if before is not None and node.flow_style and _no_colon(knode, vnode):
                    self.doc.split[(*path, key)] = before
                before = key
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
        try:
            return _scalar(kind, node.value)
        except ValueError:  # an integer longer than Python converts
            limit = sys.get_int_max_str_digits()
            self._fail(node, path, f"a number of {len(node.value):,} digits: at most {limit:,} are read")
            return None

    def _bad_tag(self, node: Node, path: PathKey, tag: str) -> None:
        shown = "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag
        self._fail(node, path, f"YAML tag {shown} is not allowed (plain values, lists and mappings only)")
        return None


def _no_colon(knode: Node, vnode: Node) -> bool:
    """A key written without a colon (``b`` in ``{a: x, b}``): its empty value starts where the key ends."""
    return isinstance(vnode, ScalarNode) and vnode.value == "" and vnode.start_mark.index == knode.end_mark.index


def split_hint(doc: Document, path: PathKey) -> str:
    """A hint for a problem at ``path`` when it is a piece of a value cut at an unquoted comma ("" if not)."""
    cut = [p for p in doc.split if p[: len(path)] == path and len(p) == len(path) + 1]  # a key of the value
    cut += [path[:n] for n in range(len(path), 0, -1) if path[:n] in doc.split]  # the value, or within it
    if not cut:
        return ""
    key, before = cut[0][-1], doc.split[cut[0]]
    return (
        f" (is {key!r} the rest of {before}'s value, cut at a comma? In {{...}} a comma ends a value: "
        f'quote it, {before}: "..., ...")'
    )


def _key_problem(knode: Node) -> str | None:
    if not isinstance(knode, ScalarNode):
        return "keys must be plain names, not lists or mappings"
    if knode.tag == _TAG + "merge":
        return "merge keys '<<' are not supported; write the fields out"
    if knode.tag == _TAG + "null":
        return "a key is empty or null; keys must be plain names"
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
