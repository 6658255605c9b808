"""Static charts (matplotlib, no display needed): distributions across replications, time series of one
replication, a Gantt chart of units and phases, and a metric across a sweep's points with 95 % intervals.

Every function returns a matplotlib Figure; ``svg`` turns one into inline SVG text for the report
(text kept as text, so the browser's fonts render Cyrillic and files stay small), ``save`` writes a file.
"""

from __future__ import annotations

import html
import io
import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.present.numbers import Numbers

PALETTE = ("#1f5fa8", "#c0392b", "#2e8b57", "#d68910", "#7d3c98", "#16a085", "#5d6d7e", "#a04000")
STATE_COLOURS = {"moving": "#5dade2", "aboard": "#aab7b8", "engaged": "#c0392b", "phase": "#1f5fa8"}


def _figure(
    width: float = 7.0, height: float = 3.0, left: float = 0.7, bottom: float = 0.5, top: float = 0.35
) -> Figure:
    """A figure with fixed margins in inches (a layout engine would draw every chart twice: slow)."""
    from matplotlib.figure import Figure  # the object API: no pyplot state, no GUI backend

    fig = Figure(figsize=(width, height), dpi=100)
    fig.subplots_adjust(left=left / width, right=1 - 0.15 / width, bottom=bottom / height, top=1 - top / height)
    return fig


def as_text(fig: Figure) -> Figure:
    """Every text of ``fig`` that exsim or a scenario wrote (titles, labels, legends, notes) drawn as written:
    a ``$`` in a name is a dollar, never TeX (which would show maths, or fail to draw the chart). The tick
    labels, which matplotlib writes itself, keep its own notation."""
    from matplotlib.text import Text  # the report extra, optional: as svg's and save's

    ticks = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            ticks.add(id(axis.offsetText))
            for tick in (*axis.get_major_ticks(), *axis.get_minor_ticks()):
                ticks.update((id(tick.label1), id(tick.label2)))
    for t in fig.findobj(Text):
        if id(t) not in ticks:
            t.set_parse_math(False)
    return fig


def local_ticks(fig: Figure, num: Numbers | None) -> None:
    """Every numeric axis's tick labels in ``num``'s symbols (``2,5`` in Russian): its formatter wrapped."""
    from matplotlib.ticker import Formatter, ScalarFormatter  # the report extra, optional (see svg)

    class Local(Formatter):  # type: ignore[misc]
        def __init__(self, inner: ScalarFormatter, local: Any) -> None:
            self.inner, self.local = inner, local

        def set_axis(self, axis: Any) -> None:
            super().set_axis(axis)
            self.inner.set_axis(axis)

        def set_locs(self, locs: Any) -> None:
            self.inner.set_locs(locs)

        def __call__(self, x: float, pos: int | None = None) -> str:
            return str(self.local(self.inner(x, pos)))

        def get_offset(self) -> str:
            return str(self.local(self.inner.get_offset()))

    if num is None or num.code == "en":
        return
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            inner = axis.get_major_formatter()
            if isinstance(inner, ScalarFormatter):
                axis.set_major_formatter(Local(inner, num.local))


def svg(fig: Figure, num: Numbers | None = None) -> str:
    """The figure as an inline <svg> element (no XML prolog); numbers on its axes in ``num``'s symbols; a
    label shortened by ``short`` carries its full name as a tooltip (an SVG <title>)."""
    import matplotlib  # the report extra, optional: the story and play import this module without it

    local_ticks(fig, num)
    buf = io.StringIO()
    as_text(fig)
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "exsim", "text.usetex": False}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    for gid, full in getattr(fig, "exsim_titles", {}).items():
        text = text.replace(f'<g id="{gid}">', f'<g id="{gid}"><title>{html.escape(full)}</title>', 1)
    return text[text.index("<svg") :]


WRAP = 24  # characters per line of a tick label or legend entry
ID_IN_PARENTHESES = re.compile(r"\([^\s()]+\)")


def short(label: str, width: int = WRAP, lines: int = 2) -> str:
    """A long label wrapped on at most ``lines`` lines of ``width``, the rest cut with an ellipsis. An id in
    parentheses, ``(units.ls-1.strength)``, is typed as written, so it is never split; a long word is."""
    wrapped = []
    for line in textwrap.wrap(label, width, break_on_hyphens=False, break_long_words=False) or [label]:
        kept = len(line) <= width or ID_IN_PARENTHESES.search(line) is not None
        wrapped += [line] if kept else textwrap.wrap(line, width)
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    return "\n".join(wrapped)


def _titled(fig: Figure, texts: Sequence[Any], fulls: Sequence[str]) -> None:
    """Give each text drawn shortened its full name as a tooltip in the SVG (see ``svg``)."""
    titles: dict[str, str] = getattr(fig, "exsim_titles", {})
    for text, full in zip(texts, fulls, strict=False):
        if text.get_text().replace("\n", " ") != full:
            gid = f"exsim-label-{len(titles)}"
            text.set_gid(gid)
            titles[gid] = full
    fig.exsim_titles = titles  # type: ignore[attr-defined]


def _legend_outside(fig: Figure, ax: Any, width: float, **kwargs: Any) -> None:
    """The legend to the right of the plot, never over the lines; long names wrapped, in full on hover."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return
    room = 2.1  # inches kept for the legend
    fig.subplots_adjust(right=1 - room / width)
    legend = ax.legend(
        handles,
        [short(x) for x in labels],
        fontsize=7,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
        borderaxespad=0.0,
        **kwargs,
    )
    _titled(fig, legend.get_texts(), labels)


def save(fig: Figure, path: Path, num: Numbers | None = None) -> None:
    """PNG or SVG, by the file's suffix."""
    import matplotlib  # the report extra, optional: the story and play import this module without it

    as_text(fig)
    local_ticks(fig, num)
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "exsim", "text.usetex": False}):
        fig.savefig(
            path, format=path.suffix.lstrip(".").lower(), metadata={"Date": None} if path.suffix != ".png" else None
        )


def distribution(
    values: Sequence[float],
    label: str,
    unit: str,
    rate: bool = False,
    count: bool = False,
    share: bool = False,
    thresholds: Sequence[tuple[float, str]] = (),
) -> Figure:
    """A histogram of one metric across replications (a rate: the share of 0 and 1; a count: bars on whole
    numbers, never a bin from 2.4 to 2.8 casualties; a share: in per cent, as the tables give it). The
    height of a bar is a number of replications: whole numbers on its axis."""
    # the report extra, optional: the story and play import this module without it
    from matplotlib.ticker import MaxNLocator

    fig = _figure(4.2, 2.8 if thresholds else 2.6, top=0.6 if thresholds else 0.35)
    ax = fig.add_subplot()
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    xs = [100 * v if share else v for v in values if not math.isnan(v)]
    unit = "%" if share else unit
    if rate:
        ones = sum(1 for v in xs if v == 1.0)
        ax.bar(["0", "1"], [len(xs) - ones, ones], color=[PALETTE[1], PALETTE[2]])
    elif xs:
        bins: Any = min(30, max(5, int(math.sqrt(len(xs)))))
        if count:
            lo, hi = math.floor(min(xs)), math.ceil(max(xs))
            width = max(1, math.ceil((hi - lo + 1) / 30))  # whole numbers per bar, at most 30 bars
            bins = [lo - 0.5 + width * i for i in range(math.ceil((hi - lo + 1) / width) + 1)]
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.hist(xs, bins=bins, color=PALETTE[0], edgecolor="white")
        ax.axvline(sum(xs) / len(xs), color="black", linewidth=1, linestyle="--")
        for value, name in thresholds:  # an objective's bound, on the metric's own scale
            ax.axvline(100 * value if share else value, color=PALETTE[3], linewidth=1.6, linestyle=":", label=name)
        if thresholds:
            ax.legend(fontsize=7, loc="lower left", bbox_to_anchor=(0.0, 1.0), frameon=False, borderaxespad=0.2)
    ax.set_title(label, fontsize=9, loc="left", wrap=True, pad=16 if thresholds and not rate else 6)
    ax.set_xlabel(unit, fontsize=8)
    ax.tick_params(labelsize=8)
    return fig


def series(
    lines: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    title: str,
    xlabel: str,
    ylabel: str,
    step: bool = True,
) -> Figure:
    """Lines over time (x in hours), one per label; steps for counts and levels that jump."""
    width = 9.0 if lines else 7.0
    fig = _figure(width, max(3.0, 0.9 + 0.2 * len(lines)))
    ax = fig.add_subplot()
    for i, (label, (x, y)) in enumerate(lines.items()):
        colour = PALETTE[i % len(PALETTE)]
        if step:
            ax.step(x, y, where="post", label=label, color=colour, linewidth=1.4)
        else:
            ax.plot(x, y, label=label, color=colour, linewidth=1.4)
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(labelsize=8)
    _legend_outside(fig, ax, width)
    ax.grid(alpha=0.3)
    return fig


def gantt(
    rows: Sequence[tuple[str, Sequence[tuple[float, float, str]]]], title: str, xlabel: str, legend: Mapping[str, str]
) -> Figure:
    """Bars per row (unit or phase): (start h, end h, state) each, coloured by state; a row with no bar (an
    aircraft that never flew) is left out, and a long name is wrapped (in full on hover)."""
    rows = [(label, bars) for label, bars in rows if bars]
    fig = _figure(7.0, 1.0 + 0.3 * max(1, len(rows)), left=1.8, top=0.55)
    ax = fig.add_subplot()
    for i, (_label, bars) in enumerate(rows):
        for start, end, state in bars:
            ax.barh(i, max(end - start, 0.02), left=start, height=0.6, color=STATE_COLOURS.get(state, "#999999"))
    ax.set_yticks(range(len(rows)), [short(label, 30) for label, _ in rows], fontsize=7)
    _titled(fig, ax.get_yticklabels(), [label for label, _ in rows])
    ax.invert_yaxis()
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_xlabel(xlabel, fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", alpha=0.3)
    from matplotlib.patches import Patch  # the report extra, optional: the story and play import this module without it

    ax.legend(
        handles=[Patch(color=STATE_COLOURS[k], label=v) for k, v in legend.items()],
        fontsize=7,
        loc="lower right",
        bbox_to_anchor=(1.0, 1.0),
        frameon=False,
        ncols=len(legend),
        borderaxespad=0.2,
    )
    return fig


def across_points(
    labels: Sequence[str], means: Sequence[float], lows: Sequence[float], highs: Sequence[float], title: str, unit: str
) -> Figure:
    """A metric's mean at each sweep point with its 95 % interval."""
    fig = _figure(max(4.0, 1.0 + 1.3 * len(labels)), 3.2, bottom=0.9)
    ax = fig.add_subplot()
    xs = list(range(len(labels)))
    # an interval need not be centred on the mean (Wilson, log-scale); none when a point has no value
    below = [
        max(0.0, m - lo) if not math.isnan(lo) and not math.isnan(m) else 0.0 for m, lo in zip(means, lows, strict=True)
    ]
    above = [
        max(0.0, hi - m) if not math.isnan(hi) and not math.isnan(m) else 0.0
        for m, hi in zip(means, highs, strict=True)
    ]
    ax.errorbar(xs, means, yerr=[below, above], fmt="o", color=PALETTE[0], capsize=4, linewidth=1.4)
    ax.set_xticks(xs, [short(x, 18, 3) for x in labels], fontsize=7)
    _titled(fig, ax.get_xticklabels(), [x.replace("\n", " ") for x in labels])
    ax.set_title(title, fontsize=10, loc="left", wrap=True)
    ax.set_ylabel(unit, fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(axis="y", alpha=0.3)
    return fig


def indices(
    factors: Sequence[str], series: Mapping[str, tuple[Sequence[float], Sequence[float], Sequence[float]]], title: str
) -> Figure:
    """A sensitivity study's indices of one metric: a bar per factor and index (``series``: name -> values, lows,
    highs), with its bootstrap interval; factors in rank order, most influential at the top."""
    fig = _figure(7.0, 0.9 + 0.42 * len(factors) * max(1, len(series)) ** 0.5, left=2.2, bottom=0.5)
    ax = fig.add_subplot()
    height = 0.8 / max(1, len(series))
    ys = list(range(len(factors)))[::-1]
    for k, (name, (values, lows, highs)) in enumerate(series.items()):
        at = [y + 0.4 - height * (k + 0.5) for y in ys]
        below = [max(0.0, v - lo) for v, lo in zip(values, lows, strict=True)]
        above = [max(0.0, hi - v) for v, hi in zip(values, highs, strict=True)]
        ax.barh(at, values, height=height * 0.9, color=PALETTE[k % len(PALETTE)], label=name)
        ax.errorbar(values, at, xerr=[below, above], fmt="none", ecolor="#333333", capsize=3, linewidth=1)
    ax.set_yticks(ys, [short(f, 30, 2) for f in factors], fontsize=8)
    ax.axvline(0.0, color="#333333", linewidth=0.8)
    ax.set_title(title, fontsize=10, loc="left", wrap=True)
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", alpha=0.3)
    if len(series) > 1:
        ax.legend(fontsize=8, loc="lower right")
    return fig


def mu_sigma(factors: Sequence[str], mu_star: Sequence[float], sigma: Sequence[float], title: str) -> Figure:
    """Morris's plane: each factor at (μ*, σ). Far right: influential; high: through interactions or non-linearly;
    near the origin: negligible."""
    fig = _figure(7.0, 3.6, left=0.8, bottom=0.6)
    ax = fig.add_subplot()
    ax.scatter(mu_star, sigma, color=PALETTE[0], zorder=3)
    for f, x, y in zip(factors, mu_star, sigma, strict=True):
        ax.annotate(short(f, 24, 1), (x, y), textcoords="offset points", xytext=(5, 4), fontsize=8)
    top = max([*mu_star, *sigma, 1e-12])
    ax.plot([0, top], [0, top], color="#999999", linewidth=0.8, linestyle="--")  # σ = μ*
    ax.set_xlim(0, 1.3 * max([*mu_star, 1e-12]))  # room for the labels right of the points
    ax.set_ylim(0, 1.15 * max([*sigma, 1e-12]))
    ax.set_xlabel("μ*", fontsize=9)
    ax.set_ylabel("σ", fontsize=9)
    ax.set_title(title, fontsize=10, loc="left", wrap=True)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.3)
    return fig
