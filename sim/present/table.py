"""Terminal views of results: the short summary of a run, a sweep's points, and comparisons.

Every piece of user text (scenario, unit and place names, labels, values) goes into rich as ``Text``,
never as markup, so ``[/bold]`` in a name prints as written.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from sim.experiment.compare import Difference, unit_of
from sim.experiment.meaning import Meaning
from sim.experiment.stats import Summary
from sim.models.contract import MetricSpec
from sim.present.i18n import Language, language
from sim.present.measures import counted
from sim.present.numbers import Numbers, numbers


def value(x: float, spec: MetricSpec | None, lang: Language | None = None) -> str:
    """``x`` with its unit, in ``lang`` (English): shares and rates in per cent (``Numbers.share``)."""
    num = (lang or language("en")).num
    if math.isnan(x):
        return "–"
    if spec is not None and spec.kind.bounded:
        return num.share(x)
    unit = counted(lang or language("en"), spec.unit, x) if spec is not None else ""
    return num.with_unit(num.number(x), unit)


def interval(s: Summary, spec: MetricSpec | None, num: Numbers | None = None) -> str:
    """The 95 % interval; the unit is with the mean beside it, per cent written once (a share's ends to one
    decimal, as ``Numbers.share`` rounds the share itself)."""
    num = num or numbers("en")
    if math.isnan(s.low):
        return "–"
    if spec is not None and spec.kind.bounded:
        return num.share_interval(s.low, s.high)
    return num.interval(s.low, s.high)


def _name(spec: MetricSpec | None, name: str, label: Callable[[str], str] | None = None) -> Text:
    """The metric's description (or ``label``'s words for it), and its column name (what --metric and
    compare take) in dim."""
    words = label(name) if label is not None else spec.description if spec and spec.description else ""
    text = Text(words[:1].upper() + words[1:] if words else name)
    if words:
        text.append(f"\n({name})", style="dim")
    return text


def summary_view(
    title: str,
    summary: Mapping[str, Summary],
    meaning: Meaning,
    reps: int,
    *,
    show_all: bool = False,
    metrics: Sequence[str] = (),
    lang: Language | None = None,
    label: Callable[[str], str] | None = None,
    fmt: Callable[[float, MetricSpec | None], str] = value,
) -> RenderableType:
    """Objectives first (met in x % of runs), then the headline metrics with units; ``show_all`` or
    ``metrics`` for more. Metrics that were 0 in every replication are left out of the full table.
    ``lang`` translates the headings, ``label`` and ``fmt`` give a metric's words and value with unit (a
    share's value is always ``share``'s, rounded as the interval beside it)."""
    from sim.models.objectives import is_objective  # here: the comparison tables load no model

    lang = lang or language("en")
    _, num = lang._, lang.num
    objectives = [n for n in summary if is_objective(n)]
    parts: list[RenderableType] = [Text(title, style="bold")]
    if objectives:
        parts.append(_objectives_table(summary, objectives, meaning.specs, lang, label))
    shown, caption = _shown(summary, meaning, objectives, show_all, metrics, _)
    if shown:
        t = Table(title=_("Outcomes") if not show_all else _("All metrics"), title_justify="left", caption=caption)
        t.add_column(_("metric"), overflow="fold")
        t.add_column(_("mean"), justify="right")
        t.add_column(_("95 % CI"), justify="right")
        for n in shown:
            s, spec = summary[n], meaning.specs.get(n)
            mean = num.share(s.mean) if spec is not None and spec.kind.bounded else fmt(s.mean, spec)  # beside its CI
            t.add_row(_name(spec, n, label), mean + _of_fewer(s, reps), interval(s, spec, num))
        parts.append(t)
    failed = _failures(summary, meaning.specs, lang, label)
    if failed is not None:
        parts.append(failed)
    parts.append(
        Text(
            _(
                "{n} replications · 95 % intervals: Wilson for rates and shares, log-scale for non-negative means"
            ).format(n=reps),
            style="dim",
        )
    )
    return Group(*parts)


def _objectives_table(
    summary: Mapping[str, Summary],
    objectives: Sequence[str],
    specs: Mapping[str, MetricSpec],
    lang: Language,
    label: Callable[[str], str] | None,
) -> Table:
    """Each objective: in how many runs it was met, with the interval of that share."""
    _ = lang._
    t = Table(title=_("Objectives"), title_justify="left", expand=False)
    t.add_column(_("objective"), overflow="fold")
    t.add_column(_("met in"), justify="right", no_wrap=True)
    t.add_column(_("95 % CI"), justify="right")
    for n in objectives:
        s = summary[n]
        met = "–" if s.n == 0 else _("{k} of {n}").format(k=round(s.mean * s.n), n=s.n)
        t.add_row(_name(specs.get(n), n, label), met, interval(s, specs.get(n), lang.num))
    return t


def _shown(
    summary: Mapping[str, Summary],
    meaning: Meaning,
    objectives: Sequence[str],
    show_all: bool,
    metrics: Sequence[str],
    _: Callable[[str], str],
) -> tuple[list[str], str]:
    """The metrics the outcomes table shows, and its caption on those it leaves out: the ones asked for; or
    every one but those 0 in every run; or the headline ones."""
    if metrics:
        return list(metrics), ""
    if show_all:
        quiet = [n for n, s in summary.items() if s.mean == 0 and s.sd == 0 and n not in objectives]
        shown = [n for n in summary if n not in objectives and n not in quiet]
        return shown, _("{n} metrics that were 0 in every replication not shown").format(n=len(quiet)) if quiet else ""
    shown = [n for n in meaning.headline() if n in summary and n not in objectives]
    rest = len(summary) - len(shown) - len(objectives)
    return shown, _("{n} more metrics: add --all, or --metric NAME").format(n=rest) if rest > 0 else ""


def _of_fewer(s: Summary, reps: int) -> str:
    """ " (n=6)" beside a mean of fewer runs than ran (a metric with no value in some), else nothing."""
    return f" (n={s.n})" if 0 < s.n < reps else ""


def _failures(
    summary: Mapping[str, Summary],
    specs: Mapping[str, MetricSpec],
    lang: Language,
    label: Callable[[str], str] | None,
    top: int = 5,
) -> Table | None:
    """The most common reasons orders failed (the orders model's ``failed_reason.*``), when any did."""
    _ = lang._
    reasons = sorted(
        ((n, s) for n, s in summary.items() if n.startswith("failed_reason.") and s.mean > 0),
        key=lambda ns: -ns[1].mean,
    )
    if not reasons:
        return None
    t = Table(title=_("Failed orders, by reason"), title_justify="left", expand=False)
    t.add_column(_("reason"), overflow="fold")
    t.add_column(_("per run"), justify="right")
    t.add_column(_("95 % CI"), justify="right")
    for n, s in reasons[:top]:
        t.add_row(_name(specs.get(n), n, label), lang.num.number(s.mean), interval(s, specs.get(n), lang.num))
    return t


def point_label(settings: Mapping[str, Any], label: str = "", sep: str = "\n") -> Text:
    """A design point's settings, one factor per line: long factor paths shortened, values in full."""
    if not settings:
        return Text(label or "baseline")
    return Text(sep.join(f"{_short(k)}={_show(v)}" for k, v in settings.items()))


def _short(name: str) -> str:
    parts = name.split(".")
    return name if len(parts) <= 2 else "…" + ".".join(parts[-2:])


def _show(v: Any) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(_show(x) for x in v) + "]"
    return str(v)


def sweep_view(
    title: str,
    rows: Sequence[tuple[Mapping[str, Any], str, Mapping[str, Summary], int]],
    metrics: Sequence[str],
    meaning: Meaning,
) -> RenderableType:
    """Per design point (its settings in full, as the table's title): each metric's mean and interval.
    A row is (settings, label, summary, replications that ran without error); a mean of fewer runs than
    that says of how many, as a run's table does."""
    parts: list[RenderableType] = [Text(title, style="bold")]
    for settings, label, summary, reps in rows:
        t = Table(title=point_label(settings, label, sep=", "), title_justify="left")
        t.add_column("metric", overflow="fold")
        t.add_column("value", justify="right")
        t.add_column("95 % CI", justify="right")
        for m in metrics:
            s, spec = summary.get(m), meaning.specs.get(m)
            if s is None:
                continue
            if spec is not None and spec.kind == "rate":
                cell = f"{round(s.mean * s.n)} of {s.n}"
            else:
                cell = value(s.mean, spec) + _of_fewer(s, reps)
            t.add_row(Text(m), cell, interval(s, spec))
        parts.append(t)
    parts.append(Text("95 % intervals: Wilson for rates and shares, log-scale for non-negative means", style="dim"))
    return Group(*parts)


def _signed(d: Difference, x: float, unit: bool = True) -> str:
    if math.isnan(x):
        return "–"
    if d.in_points:
        return f"{100 * x:+.1f}" + (" pp" if unit else "")
    word = counted(language("en"), unit_of(d), abs(x)) if unit else ""  # "+1 platform", "-2 platforms"
    return f"{'+' if x > 0 else ''}{numbers('en').number(x)} {word}".rstrip()


def comparison_view(diffs: Sequence[Difference], labels: Mapping[str, Text] | None = None) -> RenderableType:
    """One table per compared pair (point vs its baseline); rows ordered by how clear the difference is."""
    groups: dict[tuple[str, str], list[Difference]] = {}
    for d in diffs:
        groups.setdefault((d.point, d.baseline), []).append(d)
    parts: list[RenderableType] = []
    for (point, base), ds in groups.items():
        paired = all(d.paired for d in ds)
        title = Text()
        title.append_text((labels or {}).get(point, Text(point)))
        title.append("\n  vs  ", style="dim")
        title.append_text((labels or {}).get(base, Text(base)))
        side = ds[0].perspective
        caption = (
            "paired by replication (common random numbers)" if paired else "UNPAIRED: the seeds differ (Welch)"
        ) + (f" · better/worse for {side}" if side else "")
        t = Table(title=title, caption=Text(caption), title_justify="left")
        t.add_column("metric", overflow="fold")
        t.add_column("difference", justify="right")
        t.add_column("95 % CI", justify="right")
        t.add_column("verdict")
        for d in ds:
            ci = "–" if math.isnan(d.low) else f"{_signed(d, d.low, False)} – {_signed(d, d.high, False)}"
            t.add_row(Text(d.metric), _signed(d, d.mean), ci, d.verdict)
        parts.append(t)
    return Group(*parts)
