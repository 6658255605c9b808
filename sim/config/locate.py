"""Find shipped resources by name — scenarios, sweeps and unit catalogues — or files by path.

Shipped resources live in the wheel's data (``sim/_data``) or, in a source checkout, beside the package;
shipped scenarios may also be found in ``./scenarios`` of the current folder. A catalogue is named
``exsim:NAME`` in a scenario's ``catalog:``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sim.config.suggest import unknown
from sim.config.text import pick
from sim.config.yamlsafe import read_file
from sim.errors import ExsimError, Problem, ScenarioError

_PACKAGE = Path(__file__).resolve().parent.parent
SCHEME = "exsim:"

Kind = Literal["scenario", "sweep", "catalogue"]
# where each kind lives, below the wheel's data folder or the source checkout
_FOLDERS: dict[Kind, str] = {"scenario": "scenarios", "sweep": "configs/sweeps", "catalogue": "configs"}


def resource_dirs(kind: Kind) -> list[Path]:
    """Folders searched for shipped resources of ``kind``, first match wins."""
    sub = _FOLDERS[kind]
    dirs = [_PACKAGE / "_data" / sub, _PACKAGE.parent / sub]
    if kind == "scenario":
        dirs.insert(0, Path.cwd() / sub)
    seen: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in seen:
            seen.append(d.resolve())
    return seen


def shipped(kind: Kind) -> dict[str, Path]:
    """Name → file of every shipped resource of ``kind`` (first folder wins)."""
    found: dict[str, Path] = {}
    for d in resource_dirs(kind):
        for f in sorted(d.glob("*.yaml")):
            found.setdefault(f.stem, f)
    return found


def _is_path(p: Path) -> bool:
    return p.exists() or p.suffix in (".yaml", ".yml") or len(p.parts) > 1


def locate(name_or_path: str | Path, kind: Kind = "scenario") -> Path:
    """A file given by path, or the file of the shipped resource of that name."""
    p = Path(name_or_path)
    if _is_path(p):
        return p
    found = shipped(kind)
    if str(name_or_path) in found:
        return found[str(name_or_path)]
    message = f"no such file, and {unknown(f'shipped {kind}', str(name_or_path), found, 'shipped')}"
    raise ScenarioError([Problem(str(name_or_path), 0, 0, "", message)])


def catalogue_path(ref: str, base: Path) -> Path:
    """The file a ``catalog:`` entry names: ``exsim:NAME`` (shipped) or a path relative to ``base``.

    Raises LookupError with a user's message when there is no such catalogue.
    """
    if ref.startswith(SCHEME):
        name = ref.removeprefix(SCHEME)
        found = shipped("catalogue")
        if name not in found:
            raise LookupError(unknown("shipped catalogue", name, found, "shipped"))
        return found[name]
    path = base / ref
    if not path.exists():  # a folder or a device is named as such by the reader
        hint = ""
        if Path(ref).stem in shipped("catalogue"):
            hint = f"; did you mean the shipped catalogue {SCHEME}{Path(ref).stem}?"
        raise LookupError(f"catalogue file not found: {path}{hint}")
    return path


@dataclass(frozen=True)
class Resource:
    """A shipped scenario, sweep or catalogue, with the one-line description its file gives."""

    kind: Kind
    name: str
    path: Path
    description: str


def resources() -> list[Resource]:
    """Every shipped resource: scenarios, then sweeps, then catalogues, each by name."""
    found = []
    for kind in _FOLDERS:
        for name, path in shipped(kind).items():
            try:
                text = describe(kind, read_file(path).data)
            except ExsimError as e:
                text = f"(cannot be read: {e.lines()[0]})"
            found.append(Resource(kind, name, path, text))
    return found


def describe(kind: Kind, data: Any) -> str:
    """The one-line description a resource file gives of itself (empty when it gives none)."""
    if not isinstance(data, dict):
        return ""
    section = {"scenario": data.get("scenario"), "sweep": data.get("sweep"), "catalogue": data}[kind]
    text = section.get("description", "") if isinstance(section, dict) else ""
    return " ".join(pick(text if isinstance(text, str | dict) else str(text), "en").split())
