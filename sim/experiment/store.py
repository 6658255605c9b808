"""The result store: one SQLite file per output folder, each replication committed as soon as it reaches
the main process (a batch's replications, which arrive together, in one transaction).

An interrupted sweep loses nothing, and ``resume`` completes it: a replication is identified by
(point, replication), so none is run twice. A folder made by a different sweep or scenario refuses
to be resumed into.

The layout does not depend on the number of metrics (SQLite allows 2,000 columns; a scenario with
thousands of units reports more metrics than that): the ``metrics`` table numbers the metric names,
and each replication's values are one blob in that order, 8 bytes a value (IEEE 754 doubles,
little-endian; NaN: no value), written and read without parsing text. Seeds are kept as text, so any
seed the simulator accepts can be stored.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sqlite3
import sys
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.errors import ExsimError
from sim.experiment.streams import require_alike

FILE = "results.sqlite"
FORMAT = 3  # PRAGMA user_version of the layout above; 2 kept the values as JSON text, 0 one column a metric
_TABLES = {"manifest", "points", "metrics", "replications"}
_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class PointRow:
    index: int
    label: str
    settings: dict[str, Any]
    scenario_sha256: str


class StoreError(ExsimError):
    """A results folder whose store is missing, empty, damaged or of another layout."""


class ResultStore:
    def __init__(self, folder: Path, con: sqlite3.Connection):
        self.folder = folder
        self.con = con
        self.metrics: list[str] = [r[0] for r in con.execute("SELECT name FROM metrics ORDER BY metric")]

    # --- opening ------------------------------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path) -> ResultStore:
        return open_store(folder)

    @classmethod
    def create(
        cls, folder: Path, manifest: dict[str, Any], points: Sequence[PointRow], metrics: Sequence[str], resume: bool
    ) -> ResultStore:
        """A new store in ``folder``, or (with ``resume``) the one there if it was made by the same plan."""
        path = folder / FILE
        if path.exists():
            if not resume:
                raise ExsimError(
                    f"{folder} already holds results: add --resume to complete them, or choose another --out"
                )
            store = open_store(folder)
            stored = store.manifest()
            if stored.get("fingerprint") != manifest["fingerprint"]:
                store.close()
                require_alike(stored, str(folder), "start it again in another --out")
                raise ExsimError(
                    f"{folder} holds results of a different sweep or scenario; refusing to resume "
                    "into it (choose another --out)"
                )
            return store
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ExsimError(f"cannot create the output folder {folder}: {e.strerror or e}") from None
        _create_file(path, manifest, points, metrics)
        return cls(folder, _connect(path))

    # --- writing ------------------------------------------------------------------------------------

    def add(
        self,
        point: int,
        replication: int,
        seed: int,
        seconds: float,
        metrics: dict[str, float] | None,
        error: str | None,
    ) -> None:
        """Record one replication and commit at once."""
        self.add_many([(point, replication, seed, seconds, metrics, error)])

    def add_many(self, rows: Iterable[tuple[int, int, int, float, dict[str, float] | None, str | None]]) -> None:
        """Record replications that finished together (a batch: (point, replication, seed, seconds, metrics,
        error) each) and commit them at once, in one transaction: all are stored, or none."""
        with _writing(self.folder / FILE), self.con:
            self.con.executemany(
                'INSERT INTO replications (point, replication, seed, seconds, error, "values") '
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (point, replication, str(seed), seconds, error, None if metrics is None else self._values(metrics))
                    for point, replication, seed, seconds, metrics, error in rows
                ],
            )

    def _values(self, metrics: dict[str, float]) -> bytes:
        values = array("d", [metrics.get(m, math.nan) for m in self.metrics])
        if sys.byteorder != "little":
            values.byteswap()
        return values.tobytes()

    def close(self) -> None:
        self.con.close()

    # --- reading ------------------------------------------------------------------------------------

    def manifest(self) -> dict[str, Any]:
        return {k: self._json(v, f"manifest {k!r}") for k, v in self.con.execute("SELECT key, value FROM manifest")}

    def points(self) -> list[PointRow]:
        rows = self.con.execute("SELECT point, label, settings, scenario_sha256 FROM points ORDER BY point")
        out = []
        for i, label, s, sha in rows:
            settings = self._json(s, f"point {i}'s settings")
            if not isinstance(settings, dict) or not isinstance(label, str):
                raise self._edited(f"point {i}'s settings", s)
            out.append(PointRow(i, label, settings, sha))
        return out

    # --- decoding: a store whose values were edited is named, with the value, never a traceback ---------

    def _edited(self, what: str, value: Any) -> StoreError:
        shown = " ".join(str(value).split())
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        return StoreError(f"{self.folder / FILE}: {what}: {shown!r} is not what exsim wrote (edited?); run it again")

    def _json(self, text: Any, what: str) -> Any:
        try:
            return json.loads(text)
        except (TypeError, ValueError):
            raise self._edited(what, text) from None

    def _decoded(self, values: Any, point: int, rep: int) -> array[float]:
        """A replication's metric values, checked: one double per metric (NaN: no value)."""
        if values is None:
            return array("d", [math.nan]) * len(self.metrics)
        if not isinstance(values, bytes):
            raise self._edited(f"point {point} replication {rep}'s values", values)
        if len(values) != 8 * len(self.metrics):
            raise self._edited(f"point {point} replication {rep}'s values ({len(self.metrics)} numbers)", values)
        xs = array("d", values)
        if sys.byteorder != "little":
            xs.byteswap()
        return xs

    def _seed(self, seed: Any, point: int, rep: int) -> int:
        if isinstance(seed, int) and not isinstance(seed, bool):
            return seed
        if isinstance(seed, str) and seed.isdigit():
            return int(seed)
        raise self._edited(f"point {point} replication {rep}'s seed", seed)

    def done(self) -> set[tuple[int, int]]:
        return {(p, r) for p, r in self.con.execute("SELECT point, replication FROM replications")}

    def rows(self, point: int | None = None) -> list[dict[str, Any]]:
        """Replications in (point, replication) order, one key per metric; NaN where a metric has no value."""
        return list(self.iter_rows(point))

    def iter_rows(self, point: int | None = None) -> Iterator[dict[str, Any]]:
        """``rows``, one at a time: memory stays flat in the number of replications."""
        where, args = ("", ()) if point is None else (" WHERE point = ?", (int(point),))
        cur = self.con.execute(
            f'SELECT point, replication, seed, seconds, error, "values" FROM replications{where} '
            "ORDER BY point, replication",
            args,
        )
        for p, rep, seed, seconds, error, values in cur:
            rec: dict[str, Any] = {
                "point": p,
                "replication": rep,
                "seed": self._seed(seed, p, rep),
                "seconds": seconds,
                "error": error,
            }
            xs = self._decoded(values, p, rep)  # NaN as math.nan itself, as before: equal rows compare equal
            rec.update((m, x if x == x else math.nan) for m, x in zip(self.metrics, xs, strict=True))
            yield rec

    def columns(self, point: int) -> dict[str, array[float]]:
        """metric -> its values over the replications that ran without error, in replication order (compact:
        8 bytes a value, read a row at a time)."""
        cols = [array("d") for _ in self.metrics]
        cur = self.con.execute(
            'SELECT replication, "values" FROM replications WHERE point = ? AND error IS NULL ORDER BY replication',
            (int(point),),
        )
        for rep, values in cur:
            for col, x in zip(cols, self._decoded(values, point, rep), strict=True):
                col.append(x)
        return dict(zip(self.metrics, cols, strict=True))

    def outcomes(self) -> Iterator[tuple[int, int, float | None, str | None]]:
        """(point, replication, seconds, error) of every replication, in order, without decoding its metrics."""
        yield from self.con.execute(
            "SELECT point, replication, seconds, error FROM replications ORDER BY point, replication"
        )

    def values(self, point: int, metric: str) -> dict[int, float]:
        """replication -> value, for the replications that ran without error."""
        return {r["replication"]: r[metric] for r in self.rows(point) if r["error"] is None}


def open_store(folder: Path) -> ResultStore:
    """The store of a results folder, checked; a ``StoreError`` names what is wrong with it."""
    path = folder / FILE
    if not folder.exists():
        raise StoreError(f"{folder}: no such results folder")
    if not folder.is_dir():
        raise StoreError(f"{folder}: not a folder")
    if not path.is_file():
        raise StoreError(f"{folder}: no results here (no {FILE})")
    try:
        with path.open("rb") as f:
            head = f.read(len(_HEADER))
    except OSError as e:
        raise StoreError(f"{path}: cannot be read ({e.strerror or e})") from None
    if not head:
        raise StoreError(f"{path} is empty (its run was stopped as it began); run it again")
    if head != _HEADER:
        raise StoreError(f"{path} is not a result store (not an SQLite database)")
    con = None
    try:
        con = _connect(path)
        version = con.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version != FORMAT:
            if not tables:
                raise StoreError(f"{path} is empty (its run was stopped as it began); run it again")
            raise StoreError(
                f"{path} was written by another version of exsim (store format {version}, this one reads "
                f"format {FORMAT}); run it again with this version"
            )
        if missing := _TABLES - tables:
            raise StoreError(f"{path} is incomplete (no {', '.join(sorted(missing))} table); run it again")
        check = con.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise StoreError(f"{path} is damaged ({check}); run it again")
        return ResultStore(folder, con)
    except sqlite3.DatabaseError as e:
        if con is not None:
            con.close()
        if isinstance(e, sqlite3.OperationalError) and ("readonly" in str(e) or "unable to open" in str(e)):
            raise StoreError(f"{path}: cannot be opened ({e}): is its folder read-only?") from None
        raise StoreError(f"{path} is damaged or truncated ({e}); run it again") from None
    except StoreError:
        if con is not None:
            con.close()
        raise


def _create_file(path: Path, manifest: dict[str, Any], points: Sequence[PointRow], metrics: Sequence[str]) -> None:
    """Write the empty store beside ``path`` and rename it into place: a store is whole or absent."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    with _writing(path):
        _fill(tmp, manifest, points, metrics)
    tmp.replace(path)


@contextlib.contextmanager
def _writing(path: Path) -> Iterator[None]:
    """SQLite's errors a user's machine causes (a full disk, a file-size limit, a read-only folder), as one
    line naming the store; any other is a bug and propagates."""
    try:
        yield
    except sqlite3.OperationalError as e:
        text = str(e)
        if "full" in text or "too large" in text or "disk I/O error" in text:
            raise StoreError(
                f"{path}: cannot be written ({text}): the disk is full, a file-size limit is reached, or the disk "
                "failed; free some space and run it again (a sweep: with --resume)"
            ) from None
        if "readonly" in text or "read-only" in text or "unable to open" in text:
            raise StoreError(f"{path}: cannot be written ({text}): the folder is read-only") from None
        raise


def _fill(tmp: Path, manifest: dict[str, Any], points: Sequence[PointRow], metrics: Sequence[str]) -> None:
    con = sqlite3.connect(tmp)
    try:
        with con:
            con.execute("CREATE TABLE manifest (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            con.execute(
                "CREATE TABLE points (point INTEGER PRIMARY KEY, label TEXT NOT NULL, settings TEXT NOT "
                "NULL, scenario_sha256 TEXT NOT NULL)"
            )
            con.execute("CREATE TABLE metrics (metric INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)")
            con.execute(
                "CREATE TABLE replications (point INTEGER NOT NULL, replication INTEGER NOT NULL, seed TEXT NOT "
                'NULL, seconds REAL, error TEXT, "values" BLOB, PRIMARY KEY (point, replication))'
            )
            con.executemany("INSERT INTO manifest VALUES (?, ?)", [(k, json.dumps(v)) for k, v in manifest.items()])
            con.executemany(
                "INSERT INTO points VALUES (?, ?, ?, ?)",
                [(p.index, p.label, json.dumps(p.settings), p.scenario_sha256) for p in points],
            )
            con.executemany("INSERT INTO metrics VALUES (?, ?)", enumerate(metrics))
            con.execute(f"PRAGMA user_version = {FORMAT}")
    finally:
        con.close()


def _connect(path: Path) -> sqlite3.Connection:
    if not os.access(path.parent, os.W_OK) and path.exists():  # a read-only folder (shared, archived): read as is
        return sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
    con = sqlite3.connect(path, timeout=30)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable at each commit against a crash of this process
    return con
