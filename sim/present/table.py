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


def _ci(s: Summary) -> str:
    pct = s.kind == "rate"
    if math.isnan(s.mean):
        return "–"
    ci = "" if math.isnan(s.low) else f" [{_fmt(s.low, pct)} – {_fmt(s.high, pct)}]"
    return f"{_fmt(s.mean, pct)}{ci}"


def sweep_table(title: str, rows: list[tuple[str, dict[str, Summary]]], metrics: list[str]) -> Table:
    """One row per design point; per metric its mean or rate with the 95 % interval."""
    table = Table(title=title, caption="95 % intervals: Wilson for rates, t for means")
    table.add_column("point")
    for m in metrics:
        table.add_column(m, justify="right")
    for label, summary in rows:
        table.add_row(label, *(_ci(summary[m]) if m in summary else "–" for m in metrics))
    return table


def comparison_table(diffs: list) -> Table:  # type: ignore[type-arg]
    """Paired differences (point − baseline) with 95 % intervals and a plain verdict."""
    table = Table(title="paired differences (point − baseline), 95 % intervals")
    for col, just in (
        ("metric", "left"),
        ("point", "left"),
        ("baseline", "left"),
        ("n", "right"),
        ("difference", "right"),
        ("95 % CI", "right"),
        ("verdict", "left"),
    ):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for d in diffs:
        ci = "–" if math.isnan(d.low) else f"{d.low:,.3g} – {d.high:,.3g}"
        mean = "–" if math.isnan(d.mean) else f"{d.mean:+,.3g}"
        table.add_row(d.metric, d.point, d.baseline, str(d.n), mean, ci, d.verdict)
    return table
