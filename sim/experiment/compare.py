"""Comparisons between design points, or between two results folders.

Replication i of every point (and of two folders run with the same seed) used the same random
numbers, so differences are taken replication by replication (paired). Streams are keyed by entity
(``combat:<place>``, ``fires:<unit>``), so two variants of a scenario — another file made with ``exsim new
--from`` and edited, or the same file with overrides — share them wherever they share a unit or place.
Folders are compared unpaired (Welch) only for a true reason: their seeds differ, their numbers were
drawn by different stream schemes, or their scenarios share no unit or place (so no stream). Verdicts
read the metric catalogue: whose metric it is and which direction is better for that side, seen from
the analysis perspective.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sim.config.yamlsafe import read_text
from sim.errors import ExsimError
from sim.experiment.meaning import Meaning
from sim.experiment.stats import mean_ci, t_quantile, wilson
from sim.experiment.store import PointRow, ResultStore
from sim.experiment.streams import scheme_of
from sim.models.contract import Better, Kind, MetricSpec


@dataclass(frozen=True)
class Unpaired:
    """Why two folders' replications are not paired: ``reason`` (``seeds``, ``streams`` or ``nothing shared``)
    and what each side has (its seed, its stream scheme; empty for ``nothing shared``)."""

    reason: str
    base: str = ""
    other: str = ""


@dataclass(frozen=True)
class Difference:
    metric: str
    point: str
    baseline: str
    n: int
    mean: float  # point minus baseline
    low: float
    high: float
    spec: MetricSpec | None = None
    perspective: str | None = None
    paired: bool = True
    unpaired_because: Unpaired | None = None  # why not paired (None when paired)

    @property
    def better(self) -> Better:
        return self.spec.better_for(self.perspective) if self.spec is not None else Better.NEITHER

    @property
    def verdict(self) -> str:
        if self.n < 2 or math.isnan(self.low):
            return "too few replications"
        if self.low <= 0 <= self.high:
            return "no detectable difference"
        up = self.low > 0
        if self.better is Better.NEITHER:
            return "higher" if up else "lower"
        return "better" if up == (self.better is Better.HIGHER) else "worse"

    @property
    def strength(self) -> float:
        """How many half-widths of its interval the difference lies from zero (for ordering)."""
        half = (self.high - self.low) / 2
        if math.isnan(half) or math.isnan(self.mean):
            return -1.0
        return abs(self.mean) / half if half > 0 else (math.inf if self.mean else 0.0)

    @property
    def in_points(self) -> bool:
        """Rates and shares differ in percentage points."""
        return self.spec is not None and self.spec.kind.bounded


def paired(metric: str, base: dict[int, float], other: dict[int, float], labels: tuple[str, str]) -> Difference:
    diffs = [
        other[r] - base[r]
        for r in sorted(base.keys() & other.keys())
        if not (math.isnan(base[r]) or math.isnan(other[r]))
    ]
    s = mean_ci(diffs)
    return Difference(metric, labels[1], labels[0], s.n, s.mean, s.low, s.high)


def unpaired(metric: str, base: dict[int, float], other: dict[int, float], labels: tuple[str, str]) -> Difference:
    """Welch's difference of means, for replications that did not share their random numbers."""
    a = mean_ci(list(base.values()))
    b = mean_ci(list(other.values()))
    n = min(a.n, b.n)
    if n < 2:
        return Difference(metric, labels[1], labels[0], n, b.mean - a.mean, math.nan, math.nan, paired=False)
    va, vb = a.sd**2 / a.n, b.sd**2 / b.n
    se = math.sqrt(va + vb)
    # Welch–Satterthwaite degrees of freedom (fractional); n_a + n_b - 2 when neither varies
    df = (va + vb) ** 2 / (va**2 / (a.n - 1) + vb**2 / (b.n - 1)) if se > 0 else a.n + b.n - 2
    half = t_quantile(df, 0.975) * se
    d = b.mean - a.mean
    return Difference(metric, labels[1], labels[0], n, d, d - half, d + half, paired=False)


# --- which point is the baseline ----------------------------------------------------------------------------


def parse_baseline(spec: str) -> list[tuple[str, Any]]:
    """``name=value`` pairs, separated by commas or spaces outside brackets; values read as YAML."""
    pairs, depth, start = [], 0, 0
    parts = []
    for i, ch in enumerate(spec):
        depth += ch in "[{"
        depth -= ch in "]}"
        if depth == 0 and ch in ", " and _starts_pair(spec[i + 1 :]):
            parts.append(spec[start:i])
            start = i + 1
    parts.append(spec[start:])
    for part in (p.strip() for p in parts):
        if not part:
            continue
        name, sep, value = part.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ExsimError(f"--baseline {spec!r}: expected name=value (e.g. landing_ships=2)")
        pairs.append((name.strip(), read_text(value.strip(), f"--baseline {spec}").data))
    if not pairs:
        raise ExsimError(f"--baseline {spec!r}: expected name=value (e.g. landing_ships=2)")
    return pairs


def _starts_pair(rest: str) -> bool:
    """After a separator: does a new ``name=`` follow (rather than more of a value such as ``a, b``)?"""
    head = rest.lstrip(", ")
    name, sep, _ = head.partition("=")
    return bool(sep) and bool(name) and all(c.isalnum() or c in "_.-" for c in name)


def baselines(points: list[PointRow], spec: str | None) -> dict[int, PointRow]:
    """For each point, the point to compare it with.

    ``spec`` names a point by some or all of its factors. Factors it leaves out are held equal: with
    ``landing_ships=2`` in a ships × sorties grid, every point is compared with the two-ship point
    at the same number of sorties. Without ``spec`` the first point is the baseline.
    """
    if spec is None:
        return {p.index: points[0] for p in points[1:]}
    wanted = parse_baseline(spec)
    names = [_factor(points, k, spec) for k, _ in wanted]
    chosen = [p for p in points if all(_equal(p.settings[n], v) for n, (_, v) in zip(names, wanted, strict=True))]
    if not chosen:
        raise ExsimError(f"--baseline {spec!r} matches no point (points: {'; '.join(p.label for p in points)})")
    out = {}
    for p in points:
        rest = {k: v for k, v in p.settings.items() if k not in names}
        for b in chosen:
            if b.index != p.index and all(_equal(b.settings.get(k), v) for k, v in rest.items()):
                out[p.index] = b
    return out


def _factor(points: list[PointRow], key: str, spec: str) -> str:
    """The factor ``key`` names: its name, or the end of its path."""
    names = list(points[0].settings) if points else []
    for name in names:
        if name == key or name.endswith("." + key):
            return name
    raise ExsimError(f"--baseline {spec!r}: no factor {key!r} (factors: {', '.join(names)})")


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return float(a) == float(b)
    if isinstance(a, str) and not isinstance(b, str):
        try:
            return _equal(read_text(a, "").data, b)
        except ExsimError:
            return False
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return a == b or str(a).lower() == str(b).lower()


# --- the comparisons ----------------------------------------------------------------------------------------


def _by_metric(store: ResultStore, point: int, metrics: list[str]) -> dict[str, dict[int, float]]:
    """metric -> replication -> value, for the replications of ``point`` that ran without error (one read)."""
    rows = [r for r in store.rows(point) if r["error"] is None]
    return {m: {r["replication"]: r[m] for r in rows} for m in metrics}


def difference(
    metric: str,
    base: dict[int, float],
    other: dict[int, float],
    labels: tuple[str, str],
    meaning: Meaning,
    paired_: bool = True,
) -> Difference:
    """``other`` minus ``base`` for one metric: paired by replication, or Welch; Newcombe for rates."""
    spec = meaning.specs.get(metric)
    if spec is not None and spec.kind is Kind.RATE:
        d = rate_difference(metric, base, other, labels, paired_)
    else:
        d = (paired if paired_ else unpaired)(metric, base, other, labels)
        if spec is not None and spec.kind is Kind.SHARE:  # a difference of shares lies within ±100 pp
            d = Difference(metric, d.point, d.baseline, d.n, d.mean, max(d.low, -1.0), min(d.high, 1.0))
    return Difference(metric, d.point, d.baseline, d.n, d.mean, d.low, d.high, spec, meaning.perspective, paired_)


def rate_difference(
    metric: str, base: dict[int, float], other: dict[int, float], labels: tuple[str, str], paired_: bool
) -> Difference:
    """Difference of two proportions with Newcombe's hybrid score interval (from the two Wilson intervals).

    Paired replications use the same replications on both sides; the interval ignores their positive
    correlation (common random numbers), so it is conservative there — never the zero-width interval a
    t interval on 0/1 differences gives when every pair differs alike.
    """
    if paired_:
        reps = [r for r in sorted(base.keys() & other.keys()) if not (math.isnan(base[r]) or math.isnan(other[r]))]
        xs, ys = [base[r] for r in reps], [other[r] for r in reps]
    else:
        xs = [v for v in base.values() if not math.isnan(v)]
        ys = [v for v in other.values() if not math.isnan(v)]
    if not xs or not ys:
        return Difference(metric, labels[1], labels[0], 0, math.nan, math.nan, math.nan)
    k1, n1, k2, n2 = sum(y >= 0.5 for y in ys), len(ys), sum(x >= 0.5 for x in xs), len(xs)
    p1, p2 = k1 / n1, k2 / n2
    (l1, u1), (l2, u2) = wilson(k1, n1), wilson(k2, n2)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return Difference(metric, labels[1], labels[0], min(n1, n2), d, low, high)


def compare_points(
    store: ResultStore, meaning: Meaning, metrics: list[str], baseline: str | None = None
) -> list[Difference]:
    """Paired differences of every point against its baseline point, strongest first within each pair."""
    points = store.points()
    pairs = baselines(points, baseline)
    values = {p.index: _by_metric(store, p.index, metrics) for p in points}
    out: list[Difference] = []
    for p in points:
        b = pairs.get(p.index)
        if b is None:
            continue
        labels = (b.label, p.label)
        diffs = [difference(m, values[b.index][m], values[p.index][m], labels, meaning) for m in metrics]
        out += sorted(diffs, key=lambda d: -d.strength)
    return out


def pairing(base: ResultStore, other: ResultStore) -> Unpaired | None:
    """None when replication i of both folders drew the same random numbers wherever their scenarios share an
    entity (same seed, same stream scheme, some unit or place in common); else why not."""
    a, b = base.manifest(), other.manifest()
    if a.get("seed") != b.get("seed"):
        return Unpaired("seeds", str(a.get("seed")), str(b.get("seed")))
    if scheme_of(a) != scheme_of(b):
        return Unpaired("streams", str(scheme_of(a)), str(scheme_of(b)))
    mine, theirs = _entities(base.folder), _entities(other.folder)
    if mine is not None and theirs is not None and not mine & theirs:
        return Unpaired("nothing shared")
    return None


def pairable(base: ResultStore, other: ResultStore) -> bool:
    """Replication i of two folders shared its random numbers (see ``pairing``)."""
    return pairing(base, other) is None


def _entities(folder: Path) -> set[str] | None:
    """The ids of the units and places of a folder's (first) stored scenario: the entities streams are keyed by;
    None when the folder keeps no readable scenario (then pairing rests on the seed and the scheme)."""
    try:
        if (folder / "scenario.json").is_file():
            s = json.loads((folder / "scenario.json").read_text(encoding="utf-8"))
        else:
            s = json.loads((folder / "scenarios.json").read_text(encoding="utf-8"))[0]["scenario"]
        units = {str(u["id"]) for u in s.get("units", [])}
        return units | {str(p) for p in (s.get("map") or {}).get("places", {})}
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None


def side_name(store: ResultStore, point: PointRow) -> str:
    """One side of a comparison of two folders, by its scenario and overrides (a run) or its sweep and point,
    then its folder: ``b (results/b)``, ``island_retake units.ls-1.strength=1 (results/a)``."""
    m = store.manifest()
    if m.get("kind") == "run":
        scenario = Path(str(m.get("scenario_file") or m.get("name") or "?")).stem
        what = scenario if point.label == "baseline" else f"{scenario} {point.label}"
    else:
        what = f"{m.get('name', '?')}: {point.label}"
    return f"{what} ({store.folder})"


def shared_metrics(base: ResultStore, other: ResultStore, metrics: list[str]) -> list[str]:
    return [m for m in metrics if m in base.metrics and m in other.metrics]


def compare_stores(base: ResultStore, other: ResultStore, meaning: Meaning, metrics: list[str]) -> list[Difference]:
    """Each point of ``other`` against the point of ``base`` with the same label (or the only one), on the
    metrics both folders have.

    Paired when their replications shared their random numbers (``pairing``); otherwise unpaired (Welch), with
    the reason.
    """
    why = pairing(base, other)
    metrics = shared_metrics(base, other, metrics)
    base_points = {p.label: p for p in base.points()}
    out: list[Difference] = []
    for p in other.points():
        b = base_points.get(p.label) or (next(iter(base_points.values())) if len(base_points) == 1 else None)
        if b is None:
            continue
        labels = (side_name(base, b), side_name(other, p))
        xs, ys = _by_metric(base, b.index, metrics), _by_metric(other, p.index, metrics)
        diffs = [
            replace(difference(m, xs[m], ys[m], labels, meaning, why is None), unpaired_because=why) for m in metrics
        ]
        out += sorted(diffs, key=lambda d: -d.strength)
    return out


def unit_of(d: Difference) -> str:
    if d.spec is None:
        return ""
    return "pp" if d.spec.kind.bounded else d.spec.unit


__all__ = [
    "Difference",
    "Kind",
    "Unpaired",
    "baselines",
    "compare_points",
    "compare_stores",
    "paired",
    "pairing",
    "parse_baseline",
    "side_name",
]
