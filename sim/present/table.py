"""Terminal views of results: the short summary of a run, a sweep's points, and comparisons.

Every piece of user text (scenario, unit and place names, labels, values) goes into rich as ``Text``,
never as markup, so ``[/bold]`` in a name prints as written.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from sim.experiment.compare import Difference, unit_of
from sim.experiment.meaning import Meaning
from sim.experiment.stats import Summary
from sim.models.contract import MetricSpec
from sim.present.i18n import N_, Language, language, sentence
from sim.present.measures import counted
from sim.present.numbers import Numbers, numbers

if TYPE_CHECKING:
    from sim.present.labels import Labels


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
    text = Text(sentence(words) if words else name)  # an id first stays as written (red_exits, not Red_exits)
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
            t.add_row(_name(spec, n, label), mean + _of_fewer(s, reps, lang), interval(s, spec, num))
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


def _of_fewer(s: Summary, reps: int, lang: Language | None = None) -> str:
    """ " (n=6)" beside a mean of fewer runs than ran (a metric with no value in some), else nothing."""
    return " " + (lang or language("en"))._("(n={n})").format(n=s.n) if 0 < s.n < reps else ""


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


def point_label(settings: Mapping[str, Any], label: str = "", sep: str = "\n", names: Labels | None = None) -> Text:
    """A design point's settings, one factor per line: long factor paths shortened, values in full. With
    ``names`` in a language other than English, the factor's whole path in parentheses (an id, as --baseline
    takes it) and its value in words (an option, unit or place by name with its id in parentheses)."""
    if names is not None and names.lang.code != "en":
        if not settings:
            return Text(label or names._("baseline"))
        return Text(sep.join(f"({k}) = {_said(k, v, names)}" for k, v in settings.items()))
    if not settings:
        return Text(label or "baseline")
    return Text(sep.join(f"{_short(k)}={_show(v)}" for k, v in settings.items()))


def _short(name: str) -> str:
    """A long factor path by its last two names, with the list indices among them: ``…orders.3.sorties``, not
    ``…3.sorties`` (an index alone says nothing)."""
    parts = name.split(".")
    kept: list[str] = []
    for part in reversed(parts):
        kept.insert(0, part)
        if sum(not p.isdigit() for p in kept) == 2:
            break
    return name if len(kept) == len(parts) else "…" + ".".join(kept)


def _show(v: Any) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(_show(x) for x in v) + "]"
    return str(v)


def _said(key: str, v: Any, names: Labels) -> str:
    """A factor's value in ``names``' language: numbers in its symbols, ids by name with the id in parentheses."""
    if isinstance(v, list):
        return "[" + ", ".join(_said(key, x, names) for x in v) + "]"
    if isinstance(v, bool):
        return names._("yes") if v else names._("no")
    if isinstance(v, int | float):
        return names.lang.num.general(v)
    text = str(v)
    parts = key.split(".")
    if parts[0] == "decisions" and len(parts) == 2:
        word = names.option(parts[1], text)
    elif text in names.units:
        return names.unit(text)
    elif text in names.s.map.places:
        word = names.place(text)
    else:
        word = ""
    return f"{word} ({text})" if word and word != text else f"({text})"


def _metric(name: str, spec: MetricSpec | None, names: Labels | None) -> Text:
    """A metric's row head: its name in English (what --metric and compare take); in another language its
    label in words, with the name in parentheses below, dim."""
    if names is None or names.lang.code == "en":
        return Text(name)
    return _name(spec, name, lambda m: names.metric(m, spec))


def sweep_view(
    title: str,
    rows: Sequence[tuple[Mapping[str, Any], str, Mapping[str, Summary], int]],
    metrics: Sequence[str],
    meaning: Meaning,
    names: Labels | None = None,
) -> RenderableType:
    """Per design point (its settings in full, as the table's title): each metric's mean and interval.
    A row is (settings, label, summary, replications that ran without error); a mean of fewer runs than
    that says of how many, as a run's table does. ``names`` speaks its language (English without)."""
    lang = names.lang if names is not None else language("en")
    _ = lang._
    parts: list[RenderableType] = [Text(title, style="bold")]
    for settings, label, summary, reps in rows:
        t = Table(title=point_label(settings, label, sep=", ", names=names), title_justify="left")
        t.add_column(_("metric"), overflow="fold")
        t.add_column(_("value"), justify="right")
        t.add_column(_("95 % CI"), justify="right")
        for m in metrics:
            s, spec = summary.get(m), meaning.specs.get(m)
            if s is None:
                continue
            if spec is not None and spec.kind == "rate":
                cell = "–" if s.n == 0 else _("{k} of {n}").format(k=round(s.mean * s.n), n=s.n)
            else:
                cell = value(s.mean, spec, lang) + _of_fewer(s, reps, lang)
            t.add_row(_metric(m, spec, names), cell, interval(s, spec, lang.num))
        parts.append(t)
    parts.append(Text(_("95 % intervals: Wilson for rates and shares, log-scale for non-negative means"), style="dim"))
    return Group(*parts)


VERDICT = {  # sim.experiment.compare.Difference.verdict, in words
    "too few replications": N_("too few replications"),
    "no detectable difference": N_("no detectable difference"),
    "higher": N_("higher"),
    "lower": N_("lower"),
    "better": N_("better"),
    "worse": N_("worse"),
}


def _signed(d: Difference, x: float, unit: bool = True, lang: Language | None = None) -> str:
    lang = lang or language("en")
    num = lang.num
    if math.isnan(x):
        return "–"
    if d.in_points:
        return num.with_unit(num.local(f"{100 * x:+.1f}"), lang._("pp") if unit else "")
    word = counted(lang, unit_of(d), abs(x)) if unit else ""  # "+1 platform", "-2 platforms"
    return num.with_unit(f"{'+' if x > 0 else ''}{num.number(x)}", word)


def comparison_view(
    diffs: Sequence[Difference], labels: Mapping[str, Text] | None = None, names: Labels | None = None
) -> RenderableType:
    """One table per compared pair (point vs its baseline); rows ordered by how clear the difference is.
    ``names`` speaks its language (English without)."""
    lang = names.lang if names is not None else language("en")
    _ = lang._
    groups: dict[tuple[str, str], list[Difference]] = {}
    for d in diffs:
        groups.setdefault((d.point, d.baseline), []).append(d)
    parts: list[RenderableType] = []
    for (point, base), ds in groups.items():
        paired = all(d.paired for d in ds)
        title = Text()
        title.append_text((labels or {}).get(point, Text(point)))
        title.append("\n  " + _("vs") + "  ", style="dim")
        title.append_text((labels or {}).get(base, Text(base)))
        side = ds[0].perspective
        caption = _("paired by replication (common random numbers)") if paired else _unpaired(ds[0], lang)
        if side:
            caption = _("{caption} · better/worse for {side}").format(caption=caption, side=_side(side, names))
        t = Table(title=title, caption=Text(caption), title_justify="left")
        t.add_column(_("metric"), overflow="fold")
        t.add_column(_("difference"), justify="right")
        t.add_column(_("95 % CI"), justify="right")
        t.add_column(_("verdict"))
        for d in ds:
            low, high = _signed(d, d.low, False, lang), _signed(d, d.high, False, lang)
            ci = "–" if math.isnan(d.low) else f"{low} – {high}"
            verdict = _(VERDICT[d.verdict]) if d.verdict in VERDICT else d.verdict
            t.add_row(_metric(d.metric, d.spec, names), _signed(d, d.mean, True, lang), ci, verdict)
        parts.append(t)
    return Group(*parts)


def _unpaired(d: Difference, lang: Language) -> str:
    """Why a comparison is unpaired, in words: the true reason, never a guess."""
    _ = lang._
    why = d.unpaired_because
    if why is None or why.reason == "seeds":
        text = _("UNPAIRED: the seeds differ ({base} and {other}; Welch)")
    elif why.reason == "streams":
        text = _("UNPAIRED: random numbers drawn by different exsim versions (streams {base} and {other}; Welch)")
    else:
        text = _("UNPAIRED: the scenarios share no unit or place, so no random numbers (Welch)")
    return text.format(base=why.base if why else "?", other=why.other if why else "?")


def _side(side: str, names: Labels | None) -> str:
    """The side whose view the verdicts take: its id in English, else its name with the id in parentheses."""
    if names is None or names.lang.code == "en":
        return side
    name = names.side(side)
    return f"{name} ({side})" if name != side else f"({side})"
