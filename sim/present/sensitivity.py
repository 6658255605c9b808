"""A sensitivity study shown: a ranked table per metric in the terminal, and its figures for the report (bar chart
of indices with their intervals; Morris's μ*–σ plane), in English and Russian. Reads sensitivity.json's shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from sim.present.i18n import N_, Language

# the indices each method gives, in the order a table shows them
COLUMNS = {"sobol": ("S1", "ST"), "morris": ("mu_star", "mu", "sigma")}
HEADS = {"S1": "S1", "ST": "ST", "mu_star": "μ*", "mu": "μ", "sigma": "σ"}
LEGEND = {
    "sobol": N_("S1: share of the variance a factor causes alone; ST: with its interactions"),
    "morris": N_(
        "μ*: mean |effect| of a factor over its whole range; μ: mean effect (its sign); σ: spread of the effects "
        "(interactions, non-linearity)"
    ),
}
WITH_INTERVAL = {"S1", "ST", "mu_star"}


def study_view(doc: Mapping[str, Any], lang: Language, title: str) -> RenderableType:
    """One table per metric, factors ranked (most influential first), each index with its interval; a factor
    whose main index's interval includes zero is flagged, and the noise guidance follows the table."""
    parts: list[RenderableType] = [Text(title, style="bold")]
    for m in doc["metrics"]:
        parts.append(metric_view(doc, m, lang))
    return Group(*parts)


def metric_view(doc: Mapping[str, Any], m: Mapping[str, Any], lang: Language) -> RenderableType:
    _ = lang._
    num = lang.num
    method = doc["method"]
    if m["status"] != "ok":
        return Text(not_analysed(m, lang), style="dim")
    caption = Text(_(LEGEND[method]) + "\n" + guidance(m, lang))
    t = Table(title=Text(m["metric"], style="bold"), title_justify="left", caption=caption, caption_justify="left")
    t.add_column(_("rank"), justify="right")
    t.add_column(_("factor"), overflow="fold")
    for col in COLUMNS[method]:
        t.add_column(HEADS[col], justify="right")
    t.add_column(_("note"))
    main = "ST" if method == "sobol" else "mu_star"
    for rank, i in enumerate(m["indices"], 1):
        cells = [cell(i, col, lang) for col in COLUMNS[method]]
        flags = [c for c in ("S1", "ST", "mu_star") if c in WITH_INTERVAL and c in i and includes_zero(i, c)]
        note = ""
        if main in flags:
            note = _("interval includes 0")
        elif "S1" in flags:
            note = _("S1 interval includes 0")
        t.add_row(num.fixed(rank), i["factor"], *cells, note, style="dim" if main in flags else None)
    return t


def not_analysed(m: Mapping[str, Any], lang: Language) -> str:
    _ = lang._
    why = _("it does not vary across the design") if m["status"] == "constant" else _("no value at some points")
    return _("{metric}: not analysed, {why}").format(metric=m["metric"], why=why)


def includes_zero(i: Mapping[str, Any], name: str) -> bool:
    low = i.get(f"{name}_low")
    return low is None or not low > 0


def cell(i: Mapping[str, Any], col: str, lang: Language) -> str:
    num = lang.num
    x = i.get(col)
    if x is None:
        return "–"
    if col not in WITH_INTERVAL:
        return num.fixed(x, 3)
    return f"{num.fixed(x, 3)} [{num.fixed(i[col + '_low'], 3)}, {num.fixed(i[col + '_high'], 3)}]"


def guidance(m: Mapping[str, Any], lang: Language) -> str:
    """How much of the metric's spread across points is replication noise, and what would bring it under 5 %."""
    _ = lang._
    num = lang.num
    if m["noise_share"] is None:
        return _("one replication a point: replication noise unknown (give --reps 2 or more)")
    said = _("replication noise: {share} of the spread across points").format(share=num.per_cent(m["noise_share"]))
    if m["noise_share"] >= 1:
        return said + _(": the spread is noise (more replications, or wider factor ranges)")
    if m["suggested_replications"] is None:
        return said + _(" (under 5 %: the indices are more than noise)")
    more = _("; for under 5 %: --reps {reps}").format(
        reps=str(m["suggested_replications"])
    )  # an option's value: plain digits
    if m["suggested_half_width"] is not None:
        more += _(", or --precision {metric}={half}").format(
            metric=m["metric"], half=f"{m['suggested_half_width']:.3g}"
        )
    return said + more
