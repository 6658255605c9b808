"""The result store: one SQLite file per output folder, each replication committed as it finishes.

An interrupted sweep loses nothing, and ``resume`` completes it: a replication is identified by
(point, replication), so none is run twice. A folder made by a different sweep or scenario refuses
to be resumed into.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.errors import ExsimError

FILE = "results.sqlite"


@dataclass(frozen=True)
class PointRow:
    index: int
    label: str
    settings: dict[str, Any]
    scenario_sha256: str


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class ResultStore:
    def __init__(self, folder: Path, con: sqlite3.Connection):
        self.folder = folder
        self.con = con
        self.metrics = [r[1] for r in con.execute("PRAGMA table_info(replications)")][5:]

    # --- opening ------------------------------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path) -> ResultStore:
        path = folder / FILE
        if not path.is_file():
            raise ExsimError(f"{folder}: no results here (no {FILE})")
        return cls(folder, _connect(path))

    @classmethod
    def create(
        cls, folder: Path, manifest: dict[str, Any], points: Sequence[PointRow], metrics: Sequence[str], resume: bool
    ) -> ResultStore:
        path = folder / FILE
        if path.exists():
            if not resume:
                raise ExsimError(
                    f"{folder} already holds results: add --resume to complete them, or choose another --out"
                )
            store = cls(folder, _connect(path))
            old = store.manifest()
            if old.get("fingerprint") != manifest["fingerprint"]:
                raise ExsimError(
                    f"{folder} holds results of a different sweep or scenario; refusing to resume "
                    "into it (choose another --out)"
                )
            return store
        folder.mkdir(parents=True, exist_ok=True)
        con = _connect(path)
        cols = ", ".join(f"{_q(m)} REAL" for m in metrics)
        with con:
            con.execute("CREATE TABLE manifest (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            con.execute(
                "CREATE TABLE points (point INTEGER PRIMARY KEY, label TEXT NOT NULL, settings TEXT NOT "
                "NULL, scenario_sha256 TEXT NOT NULL)"
            )
            con.execute(
                "CREATE TABLE replications (point INTEGER NOT NULL, replication INTEGER NOT NULL, seed "
                f"INTEGER NOT NULL, seconds REAL, error TEXT{', ' + cols if cols else ''}, "
                "PRIMARY KEY (point, replication))"
            )
            con.executemany("INSERT INTO manifest VALUES (?, ?)", [(k, json.dumps(v)) for k, v in manifest.items()])
            con.executemany(
                "INSERT INTO points VALUES (?, ?, ?, ?)",
                [(p.index, p.label, json.dumps(p.settings), p.scenario_sha256) for p in points],
            )
        return cls(folder, con)

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
        names = [m for m in self.metrics if metrics and m in metrics]
        cols = ", ".join(["point", "replication", "seed", "seconds", "error", *map(_q, names)])
        values = [point, replication, seed, seconds, error, *(_sql(metrics[m]) for m in names)]  # type: ignore[index]
        with self.con:
            self.con.execute(f"INSERT INTO replications ({cols}) VALUES ({', '.join('?' * len(values))})", values)

    def close(self) -> None:
        self.con.close()

    # --- reading ------------------------------------------------------------------------------------

    def manifest(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self.con.execute("SELECT key, value FROM manifest")}

    def points(self) -> list[PointRow]:
        rows = self.con.execute("SELECT point, label, settings, scenario_sha256 FROM points ORDER BY point")
        return [PointRow(i, label, json.loads(s), sha) for i, label, s, sha in rows]

    def done(self) -> set[tuple[int, int]]:
        return {(p, r) for p, r in self.con.execute("SELECT point, replication FROM replications")}

    def rows(self, point: int | None = None) -> list[dict[str, Any]]:
        """Replications in (point, replication) order; NaN where a metric has no value."""
        where = "" if point is None else f" WHERE point = {int(point)}"
        cur = self.con.execute(f"SELECT * FROM replications{where} ORDER BY point, replication")
        names = [d[0] for d in cur.description]
        out = []
        for row in cur:
            rec = dict(zip(names, row, strict=True))
            for m in self.metrics:
                if rec[m] is None:
                    rec[m] = math.nan
            out.append(rec)
        return out

    def values(self, point: int, metric: str) -> dict[int, float]:
        """replication -> value, for the replications that ran without error."""
        return {r["replication"]: r[metric] for r in self.rows(point) if r["error"] is None}


def _connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, timeout=30)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable at each commit against a crash of this process
    return con


def _sql(x: float) -> float | None:
    return None if x != x else x


def table(rows: Iterable[dict[str, Any]], metrics: Sequence[str]) -> list[tuple[Any, ...]]:
    """Rows as comparable tuples (timings left out): for checking that two runs agree."""
    return [(r["point"], r["replication"], r["seed"], r["error"], *(r[m] for m in metrics)) for r in rows]
