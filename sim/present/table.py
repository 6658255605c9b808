"""Rich tables for the terminal."""

from __future__ import annotations

import math

from rich.table import Table

from sim.experiment.stats import Summary


def _fmt(x: float, pct: bool = False) -> str:
    if math.isnan(x):
        return "–"
    return f"{100 * x:.1f} %" if pct else f"{x:,.2f}"


def summary_table(title: str, summary: dict[str, Summary], reps: int) -> Table:
    """Objectives and outcomes first (as rates), then every other metric with its 95 % interval."""
    quiet = [n for n, s in summary.items() if s.kind == "mean" and s.mean == 0 and s.sd == 0]
    caption = f"{reps} replications · 95 % intervals (Wilson for rates, t for means)"
    if quiet:
        caption += f" · {len(quiet)} metrics that were 0 in every replication not shown"
    table = Table(title=title, caption=caption)
    table.add_column("metric")
    table.add_column("n", justify="right")
    table.add_column("mean / rate", justify="right")
    table.add_column("95 % CI", justify="right")
    rows = sorted(((n, s) for n, s in summary.items() if n not in quiet), key=lambda kv: kv[1].kind != "rate")
    for name, s in rows:
        pct = s.kind == "rate"
        ci = "–" if math.isnan(s.low) else f"{_fmt(s.low, pct)} – {_fmt(s.high, pct)}"
        table.add_row(name, str(s.n), _fmt(s.mean, pct), ci)
    return table
