"""Where the class's run landed, in words and drawn: each headline metric placed in the Monte Carlo batch
(sim.experiment.placement), for the terminal after a play and for the report of a play folder."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from sim.experiment.placement import Placement
from sim.models.contract import MetricSpec
from sim.models.objectives import is_objective
from sim.present import plots
from sim.present.i18n import Language
from sim.present.labels import Labels

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def placement_lines(
    placed: Sequence[Placement], specs: dict[str, MetricSpec], names: Labels, lang: Language, overridden: bool
) -> list[str]:
    """ "Your time to secure the island was better than 78 % of 200 simulated runs, worse than 22 %", one line
    per metric."""
    _ = lang._
    out = []
    for p in placed:
        spec = specs.get(p.metric)
        label = names.metric(p.metric, spec)
        if p.metric == "mission_success":  # "every objective met: met in your run" says it twice
            met = sum(1 for x in p.sample if x == 1.0)
            out.append(
                (
                    _("Every objective was met in your run, and in {k} of {n} simulated runs.")
                    if p.value == 1.0
                    else _("Not every objective was met in your run; all were met in {k} of {n} simulated runs.")
                ).format(k=met, n=p.n)
            )
            continue
        if is_objective(p.metric) and math.isnan(p.value):  # only_if: its option or phase did not happen
            out.append(
                (
                    _("{objective}: not applicable in your run, nor in any of {runs} simulated runs.")
                    if p.n == 0
                    else _(
                        "{objective}: not applicable in your run; it applied in {n} of {runs} simulated runs and was"
                        " met in {k}."
                    )
                ).format(objective=label, n=p.n, runs=p.runs, k=sum(1 for x in p.sample if x == 1.0))
            )
            continue
        if is_objective(p.metric):
            met = sum(1 for x in p.sample if x == 1.0)
            verdict = _("met") if p.value == 1.0 else _("missed")
            out.append(
                _("{objective}: {verdict} in your run; met in {k} of {n} simulated runs.").format(
                    objective=label, verdict=verdict, k=met, n=p.n
                )
            )
            continue
        value = names.value(p.value, spec)
        if math.isnan(p.percentile):  # nothing to place
            out.append(
                _("{metric}: {value} in your run; {n} of {runs} simulated runs had a value.").format(
                    metric=label, value=value, n=p.n, runs=p.runs
                )
            )
            continue
        among = (
            _("{n} simulated runs").format(n=p.n)
            if p.n == p.runs
            else _("{n} simulated runs where it had a value (of {runs})").format(n=p.n, runs=p.runs)
        )
        out.append(_placed(p, _).format(metric=label, value=value, among=among, **_shares(p)))
    if overridden:
        out.append(_("The facilitator's overrides cannot be repeated in a batch: the simulated runs do without them."))
    return out


def _placed(p: Placement, _: Callable[[str], str]) -> str:
    """The sentence for a run placed among ``p.n`` runs: the shares it is better than, worse than and tied
    with, said apart (a part that is 0 left out), never the mid-rank as a strict win. A poor result (worse
    than at least half the runs) leads with "worse than"; with no better direction, "higher", "lower" and
    "equal" instead, "lower than" first as "worse than" would be."""
    up, tied = p.beaten, p.tied
    down = p.n - up - tied
    neither = p.better == "neither"
    if tied == p.n:
        return (
            _("{metric}: {value} in your run, equal to all {among}.")
            if neither
            else _("{metric}: {value} in your run, as good as all {among}.")
        )
    if up == p.n:
        return (
            _("{metric}: {value} in your run, higher than all {among}.")
            if neither
            else _("{metric}: {value} in your run, better than all {among}.")
        )
    if down == p.n:
        return (
            _("{metric}: {value} in your run, lower than all {among}.")
            if neither
            else _("{metric}: {value} in your run, worse than all {among}.")
        )
    poor = 2 * down >= p.n
    if not tied:  # better and worse
        if poor:
            return (
                _("{metric}: {value} in your run, lower than {worse} % of {among}, higher than {better} %.")
                if neither
                else _("{metric}: {value} in your run, worse than {worse} % of {among}, better than {better} %.")
            )
        return (
            _("{metric}: {value} in your run, higher than {better} % of {among}, lower than {worse} %.")
            if neither
            else _("{metric}: {value} in your run, better than {better} % of {among}, worse than {worse} %.")
        )
    if not down:  # better and tied
        return (
            _("{metric}: {value} in your run, higher than {better} % of {among}, equal to {tied} %.")
            if neither
            else _("{metric}: {value} in your run, better than {better} % of {among}, tied with {tied} %.")
        )
    if not up:  # worse and tied
        return (
            _("{metric}: {value} in your run, lower than {worse} % of {among}, equal to {tied} %.")
            if neither
            else _("{metric}: {value} in your run, worse than {worse} % of {among}, tied with {tied} %.")
        )
    if poor:
        return (
            _(
                "{metric}: {value} in your run, lower than {worse} % of {among}, higher than {better} %, "
                "equal to {tied} %."
            )
            if neither
            else _(
                "{metric}: {value} in your run, worse than {worse} % of {among}, better than {better} %, "
                "tied with {tied} %."
            )
        )
    return (
        _("{metric}: {value} in your run, higher than {better} % of {among}, lower than {worse} %, equal to {tied} %.")
        if neither
        else _(
            "{metric}: {value} in your run, better than {better} % of {among}, worse than {worse} %, "
            "tied with {tied} %."
        )
    )


def _shares(p: Placement) -> dict[str, str]:
    """The shares the run is better than, worse than and tied with, in whole percent; a share that is neither
    none nor all never rounds to 0 or 100."""

    def pct(k: int) -> str:
        return f"{min(max(100 * k / p.n, 1), 99) if 0 < k < p.n else 100 * k / p.n:.0f}"

    return {"better": pct(p.beaten), "worse": pct(p.n - p.beaten - p.tied), "tied": pct(p.tied)}


def chart(p: Placement, label: str, unit: str, count: bool = False) -> Figure:
    """The batch's distribution of one metric with the class's run marked (``count``: whole-number bars)."""

    rate = is_objective(p.metric)
    fig = plots.distribution(p.sample, label, unit, rate=rate, count=count)
    ax = fig.axes[0]
    if not math.isnan(p.value):
        ax.axvline(p.value, color="#c0392b", linewidth=2.5)  # a rate's bars stand at 0 and 1
    return fig
