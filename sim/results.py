"""Results as tables: ``sim.results.load(folder)`` returns a pandas DataFrame (pandas: the data extra)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from sim.errors import ExsimError, MissingExtra
from sim.experiment.history import resolve
from sim.experiment.output import cell, write_atomic
from sim.experiment.store import ResultStore


def records(folder: str | Path) -> list[dict[str, Any]]:
    """One dict per replication: point, label, the point's settings, replication, seed, error, metrics.

    ``folder``: a results folder, or a run id under results/ (``latest``, ``island_retake/latest~1``…).
    """
    store = ResultStore.open(resolve(folder))
    points = {p.index: p for p in store.points()}
    out = []
    for r in store.rows():
        p = points[r["point"]]
        out.append(
            {
                "point": p.index,
                "label": p.label,
                **p.settings,
                **{k: v for k, v in r.items() if k not in ("point", "seconds")},
            }
        )
    store.close()
    return out


def load(folder: str | Path) -> Any:
    """A pandas DataFrame of every replication in ``folder`` (one row each, one column per metric).

    ``folder``: a results folder, or a run id (see ``records``)."""
    try:
        import pandas as pd  # the data extra, optional: imported only when a table is asked for
    except ImportError:
        raise MissingExtra("a table of results", "data", ["pandas"]) from None
    return pd.DataFrame.from_records(records(folder))


def export(folder: str | Path, fmt: str, dest: Path | None = None) -> Path:
    """Write the replications table as CSV or Parquet (atomically); returns the file written."""
    folder = resolve(folder)
    dest = dest or folder / f"results.{'parquet' if fmt == 'parquet' else 'csv'}"
    if fmt == "parquet":  # before any work, and before pandas (which, imported with pyarrow, would use it)
        try:
            import pyarrow  # noqa: F401  (the data extra, optional)
        except ImportError:
            raise MissingExtra("Parquet export", "data", ["pyarrow"]) from None
    frame = load(folder)  # names the data extra when pandas is missing
    from pandas.api.types import is_numeric_dtype  # the data extra, optional: load has just imported pandas

    frame.columns = [cell(c) for c in frame.columns]
    for column in frame.columns:  # text cells: never a formula (OWASP's advice on CSV injection)
        if not is_numeric_dtype(frame[column]):
            frame[column] = frame[column].map(cell)
    if fmt == "csv":
        write_atomic(dest, frame.to_csv(index=False))
    elif fmt == "parquet":
        if "seed" in frame and frame["seed"].dtype == object:  # a seed beyond 64 bits: no Parquet integer holds it
            frame["seed"] = frame["seed"].astype(str)
        buf = io.BytesIO()
        frame.to_parquet(buf, index=False)
        write_atomic(dest, buf.getvalue())  # as the CSV: its folder made, the file named in an error
    else:
        raise ExsimError(f"unknown format {fmt!r} (csv, parquet)")
    return dest
