"""A sensitivity study's indices, from its stored replications: SALib's estimators (Sobol' first-order and
total indices, or Morris's μ*, μ and σ, each with a bootstrap interval), the share of the spread across points
that is replication noise, and the replications that would bring it under 5 %. Written as sensitivity.json."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.experiment.limits import MAX_REPLICATIONS
from sim.experiment.output import dumps_json, write_atomic
from sim.experiment.sensitivity import FILE, NOISE_GOAL, Study, salib
from sim.experiment.store import ResultStore


@dataclass(frozen=True)
class Index:
    """One factor's indices for one metric, with the bounds of their bootstrap intervals."""

    factor: str
    values: dict[str, float]  # sobol: S1, S1_low, S1_high, ST, ST_low, ST_high; morris: mu_star (+ bounds), mu, sigma

    @property
    def main(self) -> str:
        return "ST" if "ST" in self.values else "mu_star"

    def includes_zero(self, name: str) -> bool:
        """The interval of index ``name`` reaches zero: not told apart from no effect."""
        low = self.values.get(f"{name}_low", math.nan)
        return not low > 0


@dataclass(frozen=True)
class MetricResult:
    """A metric's indices, ranked (most influential first), and how much of its spread is replication noise."""

    metric: str
    status: str  # "ok", "constant" (no spread across points), "missing" (no value at some points)
    indices: list[Index]
    noise_share: float  # replication noise of the points' means / their variance across the design (nan: unknown)
    replications: int  # the fewest a point ran
    suggested_replications: int | None  # to bring the noise under NOISE_GOAL (None: it is already)
    suggested_half_width: float | None  # the --precision half-width that does the same

    def as_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "status": self.status,
            "noise_share": _finite(self.noise_share),
            "replications": self.replications,
            "suggested_replications": self.suggested_replications,
            "suggested_half_width": _finite(self.suggested_half_width),
            "indices": [{"factor": i.factor, **{k: _finite(v) for k, v in i.values.items()}} for i in self.indices],
        }


def _finite(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def analyse(study: Study, store: ResultStore, metrics: Sequence[str]) -> list[MetricResult]:
    """Each metric's indices from the stored replications: a point's output is the mean of its replications."""
    analyze_morris, analyze_sobol, _, _ = salib()
    rows = np.asarray(study.rows)
    columns = [store.columns(p.index) for p in study.plan.points]
    out = []
    for metric in metrics:
        per_point = [np.asarray(c.get(metric, []), dtype=float) for c in columns]
        per_point = [x[~np.isnan(x)] for x in per_point]
        n_min = min(len(x) for x in per_point)
        if n_min == 0:
            out.append(MetricResult(metric, "missing", [], math.nan, 0, None, None))
            continue
        means = np.array([x.mean() for x in per_point])
        y = means[rows]
        spread = float(np.var(y, ddof=1))
        if not spread > 0:
            out.append(MetricResult(metric, "constant", [], math.nan, n_min, None, None))
            continue
        noise = _noise(per_point, n_min, rows)
        share = noise / spread
        indices = _indices(study, y, analyze_morris, analyze_sobol)
        reps, half = _guidance(share, noise, spread, n_min)
        out.append(MetricResult(metric, "ok", indices, share, n_min, reps, half))
    return out


def _noise(per_point: list[np.ndarray], n: int, rows: np.ndarray) -> float:
    """The variance the replications' noise adds to the points' means across the design (nan: one replication).

    Replication r draws the same numbers at every point (common random numbers): noise shared by every point
    shifts all the means alike and adds nothing to their spread. What does is the part that differs from point
    to point, the point x replication interaction of a two-way analysis of variance (replications as blocks),
    over the replications every point ran; a point's mean carries it divided by its replications."""
    if n < 2 or len(per_point) < 2:
        return math.nan
    y = np.array([x[:n] for x in per_point])
    resid = y - y.mean(axis=1, keepdims=True) - y.mean(axis=0, keepdims=True) + y.mean()
    interaction = float((resid**2).sum() / ((y.shape[0] - 1) * (n - 1)))
    return interaction * float(np.mean([1 / len(per_point[p]) for p in rows]))


def _indices(study: Study, y: np.ndarray, analyze_morris: Any, analyze_sobol: Any) -> list[Index]:
    spec, problem = study.spec, study.problem()
    seed = study.plan.seed % 2**32
    if spec.method == "sobol":
        r = analyze_sobol.analyze(
            problem, y, calc_second_order=False, num_resamples=spec.resamples, conf_level=spec.confidence, seed=seed
        )
        found = [
            Index(name, {k: v for s in ("S1", "ST") for k, v in _bounds(s, r[s][i], r[f"{s}_conf"][i]).items()})
            for i, name in enumerate(problem["names"])
        ]
        return sorted(found, key=lambda i: (-i.values["ST"], -i.values["S1"]))
    r = analyze_morris.analyze(
        problem,
        study.unit,
        y,
        num_resamples=spec.resamples,
        conf_level=spec.confidence,
        num_levels=spec.levels,
        seed=seed,
    )
    found = [
        Index(
            name,
            {
                **_bounds("mu_star", r["mu_star"][i], r["mu_star_conf"][i]),
                "mu": float(r["mu"][i]),
                "sigma": float(r["sigma"][i]),
            },
        )
        for i, name in enumerate(problem["names"])
    ]
    return sorted(found, key=lambda i: -i.values["mu_star"])


def _bounds(name: str, value: float, half: float) -> dict[str, float]:
    value, half = float(value), float(half)
    return {name: value, f"{name}_low": value - half, f"{name}_high": value + half}


def _guidance(share: float, noise: float, spread: float, reps: int) -> tuple[int | None, float | None]:
    """Replications a point needs for its noise to be at most NOISE_GOAL of the spread across points (the noise of
    a mean falls as 1/n), and the 95 % half-width of a point's mean that means the same (for --precision)."""
    if math.isnan(share) or share <= NOISE_GOAL:
        return None, None
    signal = max(spread - noise, 0.0)
    needed = min(MAX_REPLICATIONS, math.ceil(reps * noise / (NOISE_GOAL * max(signal, 1e-300))))
    half = 1.96 * math.sqrt(NOISE_GOAL * signal) if signal > 0 else None
    return max(needed, reps + 1), half


def default_metrics(study: Study) -> list[str]:
    """The study's metrics, or mission_success and the headline metrics."""
    known = study.plan.metrics()
    if study.spec.metrics:
        return list(study.spec.metrics)
    means = study.plan.meaning()
    return [m for m in dict.fromkeys(["mission_success", *means.headline()]) if m in known]


def write(study: Study, results: list[MetricResult], folder: Path) -> dict[str, Any]:
    """sensitivity.json beside the store: the method, the factors, and each metric's ranked indices."""
    doc = {
        "method": study.spec.method,
        "samples": study.spec.samples,
        "rows": len(study.rows),
        "points": len(study.plan.points),
        "replications": study.plan.replications,
        "confidence": study.spec.confidence,
        "factors": {name: f.model_dump(mode="json", exclude_none=True) for name, f in study.spec.factors.items()},
        "metrics": [r.as_dict() for r in results],
    }
    write_atomic(folder / FILE, dumps_json(doc))
    return doc
