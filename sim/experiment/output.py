"""Result files: atomic writes, the replications table as CSV, strict JSON, and provenance."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import platform
import secrets
from collections.abc import Iterable, Iterator, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim._version import __version__
from sim.config.locate import catalogue_path
from sim.config.text import pick

if TYPE_CHECKING:
    from sim.config.load import LoadedScenario


def write_atomic(path: Path, text: str | bytes | Iterable[str]) -> None:
    """Write ``text`` (a string, bytes, or pieces of a string written as they come) to ``path`` so that
    readers see the old file or the whole new one, never a part.

    The file gets the usual permissions (0666 less the umask), like any file the user writes.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as e:  # name the file the user asked for, not the hidden temporary one
        raise type(e)(e.errno, e.strerror, str(path)) from None
    pieces = [text] if isinstance(text, str | bytes) else text  # a large table is never held whole in memory
    try:
        with os.fdopen(fd, "wb") as f:
            for piece in pieces:
                f.write(piece if isinstance(piece, bytes) else piece.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """A table cell a spreadsheet shows as written: a text beginning with ``= + - @``, tab or carriage
    return is prefixed with ``'`` (OWASP's advice on CSV injection), so it is never evaluated as a
    formula; numbers and other texts are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def replications_csv(rows: Iterable[dict[str, Any]], metrics: Sequence[str]) -> str:
    """One row per replication, one column per metric; floats in shortest round-trip form."""
    return "".join(replications_csv_lines(rows, metrics))


def replications_csv_lines(rows: Iterable[dict[str, Any]], metrics: Sequence[str]) -> Iterator[str]:
    """``replications_csv`` a line at a time (for ``write_atomic``: flat in the number of rows)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["replication", "seed", *(cell(m) for m in metrics)])
    for r in rows:
        w.writerow([r["replication"], r["seed"], *(_num(r[m]) for m in metrics)])
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
    yield buf.getvalue()


def _num(x: float) -> str:
    if x != x:  # NaN: not applicable in this replication
        return ""
    return repr(int(x)) if float(x).is_integer() else repr(float(x))


def dumps_json(obj: Any, compact: bool = False) -> str:
    """Strict JSON: NaN (a metric with no value) is written as null. ``compact``: not indented, which lets json
    use its C encoder (ten times faster: for the large files of a study with hundreds of points)."""
    return json.dumps(_finite(obj), indent=None if compact else 2, allow_nan=False) + "\n"


def _finite(obj: Any) -> Any:
    if isinstance(obj, float) and obj != obj:
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def scenario_provenance(loaded: LoadedScenario) -> dict[str, Any]:
    """What identifies a scenario after overrides: its digest and its catalogue's, and the source files."""
    s = loaded.scenario
    files = {str(loaded.path): _file_sha256(loaded.path)}
    for ref in [s.catalog] if isinstance(s.catalog, str) else s.catalog or []:
        try:
            catalogue = catalogue_path(ref, loaded.path.parent)
        except LookupError:  # gone since the scenario was loaded (a re-run from the stored scenario)
            continue
        files[str(catalogue)] = _file_sha256(catalogue)
    return {
        "scenario": pick(s.scenario.name, "en"),
        "scenario_file": str(loaded.path),
        "scenario_sha256": loaded.digest,
        "catalogue_sha256": loaded.catalogue_digest,
        "overrides": list(loaded.overrides),
        "files_sha256": files,
    }


def _file_sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def environment() -> dict[str, Any]:
    """The software and machine a result came from."""
    versions: dict[str, str | None] = {}
    for name in ("numpy", "scipy", "simpy", "pydantic", "ruamel.yaml", "click", "rich"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return {
        "exsim_version": __version__,
        "python": platform.python_version(),
        "versions": versions,
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
    }
