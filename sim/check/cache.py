"""Validated scenarios kept between runs: ``exsim run`` of a file it has loaded before skips reading,
validating and cross-checking it, and, since the schema's models build their validators only when
first used (``defer_build`` on ``sim.config.frozen.Frozen``), building most of the schema too.

An entry is found by a key over everything the result depends on: exsim's code (the size and time of
every module of the package, so that an edited checkout never reads an entry of its former self),
Python's and pydantic's versions, the scenario file's path as given and resolved, its bytes, the
overrides and ``EXSIM_MAX_REPLICATION`` (the cost check's limit). It holds the loaded scenario (its
warnings, digest and JSON included) and the SHA-256 of every file it was read from: the scenario and
each catalogue it names. An entry whose files no longer have
those bytes is not used. Anything wrong with an entry (unreadable, truncated, from another layout) is
a miss: the scenario is loaded as without a cache, and the entry written again.

Where: ``EXSIM_CACHE_DIR`` if set (empty, ``0`` or ``off``: no cache), else ``$XDG_CACHE_HOME/exsim``,
else ``~/.cache/exsim``; the newest ``KEEP`` entries are kept. Entries are pickles, and reading a pickle
can run code: an entry is read only if the user owns it and nobody else may write it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import pydantic

from sim._version import __version__
from sim.check.cost import LIMIT_VAR
from sim.config.load import LoadedScenario
from sim.config.locate import catalogue_path, locate
from sim.config.yamlsafe import MAX_BYTES

CACHE_VAR = "EXSIM_CACHE_DIR"
OFF = ("", "0", "off")
KEEP = 64  # entries: a class's scenarios and their variants, a few hundred kB each
FORMAT = 1  # the layout of an entry: (FORMAT, files, loaded)
_SKIP = {"__pycache__", "locale", "static", "templates", "basemap"}  # folders of the package with no modules


def cache_dir() -> Path | None:
    """The folder of the cache, or None when ``EXSIM_CACHE_DIR`` turns it off."""
    own = os.environ.get(CACHE_VAR)
    if own is not None:
        return None if own.strip().lower() in OFF else Path(own)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "exsim"


def load_scenario(source: str | Path, overrides: Sequence[str]) -> LoadedScenario:
    """The checks' loader, ``sim.check.load.load_scenario``."""
    from sim.check.load import load_scenario  # start-up: a scenario read back from the cache needs no check

    return load_scenario(source, overrides)


def load_cached(source: str | Path, overrides: Sequence[str] = (), *, folder: Path | None = None) -> LoadedScenario:
    """``load_scenario(source, overrides)``, from the cache when an entry for exactly these inputs holds.

    ``folder``: the cache's folder (default: ``cache_dir()``). A scenario with problems raises as
    ``load_scenario`` does, every time: only a scenario that loaded is kept.
    """
    folder = folder or cache_dir()
    path = locate(source)
    raw = _regular_bytes(path)
    if folder is None or raw is None:  # no cache, or not a plain file: the loader says what is wrong
        return load_scenario(source, overrides)
    entry = folder / f"{_key(path, raw, overrides)}.pickle"
    found = _read(entry)
    if found is not None:
        return found
    loaded = load_scenario(source, overrides)
    _ = (loaded.digest, loaded.resolved_json, loaded.catalogue_digest)  # kept with it: each needs the serializers
    _write(entry, loaded, _files(loaded))
    return loaded


def _regular_bytes(path: Path) -> bytes | None:
    """The bytes of ``path`` if it is a regular file within the loader's bound, else None (never blocks)."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None


def _key(path: Path, raw: bytes, overrides: Sequence[str]) -> str:
    h = hashlib.sha256()
    for part in (
        f"{FORMAT}",
        __version__,
        sys.version,
        pydantic.VERSION,
        _code_stamp(),
        str(path),
        str(path.resolve()),
        "\0".join(overrides),
        os.environ.get(LIMIT_VAR, ""),  # the cost check's limit: what it refuses or warns of
    ):
        h.update(part.encode() + b"\0\1")
    h.update(raw)
    return h.hexdigest()


def _code_stamp() -> str:
    """Size and modification time of every module of the package: changes whenever its code does."""
    root = Path(__file__).resolve().parent.parent  # the sim package
    found = []
    for here, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP)
        for name in sorted(files):
            if name.endswith(".py"):
                st = os.stat(os.path.join(here, name))
                found.append(f"{here}/{name}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(found)


def _files(loaded: LoadedScenario) -> tuple[tuple[str, str], ...]:
    """(resolved path, SHA-256) of every file the scenario was read from: itself and its catalogues."""
    refs = loaded.scenario.catalog
    names = [refs] if isinstance(refs, str) else list(refs or ())
    paths = [loaded.path, *(catalogue_path(ref, loaded.path.parent) for ref in names)]
    return tuple((str(p.resolve()), _sha(p)) for p in paths)


def _sha(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""  # never equal to a file's digest: the entry will not be used


def _still(files: Iterable[tuple[str, str]]) -> bool:
    return all(digest and _sha(Path(p)) == digest for p, digest in files)


def _read(entry: Path) -> LoadedScenario | None:
    """The entry's scenario if it can be read and its files still have the bytes it was read from."""
    try:
        with entry.open("rb") as f:
            if not _own(os.fstat(f.fileno())):
                return None
            fmt, files, loaded = pickle.load(f)
    except Exception:  # absent, truncated, corrupt or of another layout: each is a miss
        return None
    if fmt != FORMAT or not isinstance(loaded, LoadedScenario) or not _still(files):
        return None
    with contextlib.suppress(OSError):
        os.utime(entry)  # recently used: kept by the pruning
    return loaded


def _own(st: os.stat_result) -> bool:
    """Whether an entry is the user's own and nobody else may write it: a pickle runs code as it is read, so
    an entry in a shared folder (an EXSIM_CACHE_DIR anyone may write) that another user wrote is never read."""
    uid = getattr(os, "getuid", None)
    return (uid is None or st.st_uid == uid()) and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _write(entry: Path, loaded: LoadedScenario, files: tuple[tuple[str, str], ...]) -> None:
    """Write the entry whole (a temporary file renamed), then keep the newest ``KEEP``; a cache that cannot
    be written is no error (the run goes on without it)."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump((FORMAT, files, loaded), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, entry)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _prune(entry.parent)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in entries[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()


__all__ = ["CACHE_VAR", "cache_dir", "load_cached"]
