"""Run a plan — a sweep, or a single scenario as a one-point plan — into a result store, and summarise it."""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim._version import __version__
from sim.config.load import LoadedScenario
from sim.cores import default_workers
from sim.errors import ExsimError
from sim.experiment import meaning, streams
from sim.experiment.design import Point, PointScenarios, Sweep
from sim.experiment.executors import Task, batches, execute
from sim.experiment.limits import MAX_REPLICATIONS, MAX_TOTAL
from sim.experiment.output import dumps_json, replications_csv_lines, write_atomic
from sim.experiment.stats import Summary, summarise_columns
from sim.experiment.store import PointRow, ResultStore

Progress = Callable[[int, int], None]  # (replications done, total)


@dataclass(frozen=True)
class Plan:
    """What to run: points with their validated scenarios, replications per point, base seed."""

    name: str
    points: Sequence[Point]
    scenarios: Sequence[LoadedScenario]  # a design too big to hold them all loads each when asked (PointScenarios)
    replications: int
    seed: int
    spec: dict[str, Any]
    # sequential stopping: keep doubling a point's replications while the metric's 95 % interval is
    # wider than ± half_width, up to max_replications
    precision: tuple[str, float] | None = None
    max_replications: int | None = None
    kind: str = "sweep"  # or "run": one point, its files are a run's (replications.csv, summary per metric)

    @classmethod
    def from_sweep(cls, sweep: Sweep) -> Plan:
        return cls(
            sweep.spec.name,
            sweep.points,
            sweep.scenarios,
            sweep.spec.replications,
            sweep.seed,
            sweep.spec.model_dump(mode="json", by_alias=True),
            (sweep.spec.precision.metric, sweep.spec.precision.half_width) if sweep.spec.precision else None,
            sweep.spec.max_replications,
        )

    @classmethod
    def for_run(cls, loaded: LoadedScenario, seed: int, replications: int, name: str) -> Plan:
        """``exsim run``: one point, the scenario with its overrides."""
        spec = {"scenario": str(loaded.path), "overrides": list(loaded.overrides)}
        return cls(name, [Point(0, (), loaded.overrides)], [loaded], replications, seed, spec, kind="run")

    def meaning(self) -> meaning.Meaning:
        """The metrics' catalogue over every point's scenario (a streamed design's: its first point's)."""
        if isinstance(self.scenarios, PointScenarios):
            return meaning.of_scenarios([self.scenarios.first])
        return meaning.of_scenarios(self.scenarios)

    def metrics(self) -> list[str]:
        return list(self.meaning().specs)

    def fingerprint(self) -> str:
        """Same sweep, same scenarios (after overrides), same seed and replications: same fingerprint.

        The hash of ``json.dumps([kind, spec, seed, replications, precision, max_replications, [[label,
        digest] per point], streams.SCHEME], sort_keys=True)``, fed point by point: a streamed design's
        points are never all held at once."""

        def text(x: Any) -> str:
            return json.dumps(x, sort_keys=True, default=str)

        head = [self.kind, self.spec, self.seed, self.replications, self.precision, self.max_replications]
        h = hashlib.sha256(("[" + ", ".join(map(text, head)) + ", [").encode())
        for i, (p, s) in enumerate(zip(self.points, self.scenarios, strict=True)):
            h.update(((", " if i else "") + text([p.label, s.digest])).encode())
        # drawn otherwise, the same plan gives other replications
        h.update(("], " + text(streams.SCHEME) + "]").encode())
        return h.hexdigest()

    def manifest(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "seed": self.seed,
            "replications": self.replications,
            "precision": self.precision,
            "max_replications": self.max_replications,
            "spec": self.spec,
            "fingerprint": self.fingerprint(),
            "exsim_version": __version__,
            streams.KEY: streams.SCHEME,
            "scenario_files": sorted({str(s.path) for s in self.scenarios}),
            **self.meaning().as_manifest(),
        }


def run_plan(
    plan: Plan,
    out: Path,
    *,
    executor: str = "process",
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    batch: int | None = None,
    progress: Progress | None = None,
    started: str | None = None,
) -> ResultStore:
    """Run every replication not yet in ``out``'s store; each is committed as it finishes.

    ``out`` is written in place: a results folder of the history is made by ``record.record``, which
    locks it and calls this. ``started`` (a new store only) is kept in the store's manifest.

    With ``plan.precision``, rounds follow: a point whose interval is still too wide gets twice its
    replications (same seeds, so the result does not depend on how the rounds were cut).
    """
    _refuse_too_big(plan)
    rows = [
        PointRow(p.index, p.label, dict(p.settings), s.digest) for p, s in zip(plan.points, plan.scenarios, strict=True)
    ]
    manifest = {**plan.manifest(), **({"started": started} if started else {})}
    store = ResultStore.create(out, manifest, rows, plan.metrics(), resume)
    targets = {p.index: plan.replications for p in plan.points}
    scenarios = _by_point(plan)
    while True:
        done = store.done()
        todo = [(p, [r for r in range(n) if (p, r) not in done]) for p, n in targets.items()]
        cut = batches(todo, workers or default_workers(), batch)
        tasks = [Task(p, scenarios(p), plan.seed, reps) for p, reps in cut]
        total = sum(targets.values())
        finished = sum(1 for p, r in done if r < targets.get(p, 0))
        _run_round(store, tasks, (finished, total), progress, executor, workers, scheduler)
        grow = _too_wide(store, plan, targets)
        if not grow:
            return store
        targets.update(grow)


def _by_point(plan: Plan) -> Callable[[int], Any]:
    """A point's scenario by its index: every one at once, or (a streamed design) each loaded when asked."""
    if isinstance(plan.scenarios, PointScenarios):
        streamed = plan.scenarios
        return lambda i: streamed[i].scenario
    held = {p.index: s.scenario for p, s in zip(plan.points, plan.scenarios, strict=True)}
    return held.__getitem__


def _refuse_too_big(plan: Plan) -> None:
    """Refuse, before anything is written, a plan over the replication ceiling or watching an unknown metric."""
    most = len(plan.points) * max(plan.replications, _cap(plan) if plan.precision else 0)
    if most > MAX_TOTAL:
        raise ExsimError(
            f"{len(plan.points):,} points x {most // len(plan.points):,} replications is {most:,} replications: "
            f"at most {MAX_TOTAL:,} in one sweep (fewer points, or fewer replications a point)"
        )
    if plan.precision and plan.precision[0] not in plan.metrics():
        raise ExsimError(f"--precision: unknown metric {plan.precision[0]!r}")


def _run_round(
    store: ResultStore,
    tasks: list[Task],
    count: tuple[int, int],
    progress: Progress | None,
    executor: str,
    workers: int | None,
    scheduler: str | None,
) -> None:
    """Compute one round's tasks into the store, telling ``progress`` (done, total) as they arrive."""
    finished, total = count
    if progress:
        progress(finished, total)
    for outcomes in execute(tasks, executor, workers, scheduler):
        # a batch's replications arrive together: committed together, in one transaction
        store.add_many((o.point, o.replication, o.seed, o.seconds, o.metrics, o.error) for o in outcomes)
        finished += len(outcomes)
        if progress:
            progress(finished, total)


def _cap(plan: Plan) -> int:
    """The most replications sequential stopping gives a point."""
    return plan.max_replications or min(10 * plan.replications, MAX_REPLICATIONS)


def _too_wide(store: ResultStore, plan: Plan, targets: dict[int, int]) -> dict[int, int]:
    """Points whose interval for the precision metric is wider than asked, with their next target."""
    if plan.precision is None:
        return {}
    metric, half_width = plan.precision
    cap = _cap(plan)
    grow = {}
    for point, n in targets.items():
        if n >= cap:
            continue
        column = store.columns(point)[metric]  # compact, not a dict per replication
        s = summarise_columns({metric: column}, plan.meaning().specs)[metric]
        if math.isnan(s.low) or (s.high - s.low) / 2 > half_width:
            grow[point] = min(cap, 2 * n)
    return grow


def write_files(store: ResultStore, plan: Plan, manifest: dict[str, Any]) -> dict[int, dict[str, Summary]]:
    """The files derived from the store, beside it: a run's replications.csv and summary per metric,
    or a sweep's summary per point; the resolved scenario(s) and the manifest last, each atomically.
    Returns each point's summary, as written (for the caller to show without reading the store again)."""
    folder = store.folder
    specs = meaning.of_manifest(store.manifest()).specs  # read once, not once a point (a study has hundreds)
    per_point = {p.index: summarise_columns(store.columns(p.index), specs) for p in store.points()}
    if plan.kind == "run":
        ok = (r for r in store.iter_rows(0) if r["error"] is None)  # one at a time: flat in the replications
        write_atomic(folder / "replications.csv", replications_csv_lines(ok, store.metrics))
        write_atomic(folder / "summary.json", dumps_json({k: v.as_dict() for k, v in per_point[0].items()}))
        write_atomic(folder / "scenario.json", plan.scenarios[0].resolved_json)
    else:
        # a sensitivity study's hundreds of points: compact (json's C encoder; indenting is its slow Python one)
        compact = plan.kind == "sensitivity"
        summary = summaries(store, per_point)
        write_atomic(folder / "summary.json", dumps_json(summary, compact))
        resolved = [
            {
                "point": p.index,
                "label": p.label,
                "scenario_sha256": s.digest,
                "scenario": s.scenario.model_dump(mode="json", by_alias=True),
            }
            for p, s in zip(plan.points, plan.scenarios, strict=True)
        ]
        write_atomic(folder / "scenarios.json", dumps_json(resolved, compact))
    write_atomic(folder / "manifest.json", dumps_json(manifest))
    return per_point


def summarise_point(store: ResultStore, point: int) -> dict[str, Summary]:
    specs = meaning.of_manifest(store.manifest()).specs
    return summarise_columns(store.columns(point), specs)


def summaries(store: ResultStore, per_point: dict[int, dict[str, Summary]]) -> list[dict[str, Any]]:
    """summary.json of a sweep: each point with its settings, errors and summaries."""
    errors = Counter(point for point, _, _, error in store.outcomes() if error is not None)
    return [
        {
            "point": p.index,
            "label": p.label,
            "settings": p.settings,
            "errors": errors[p.index],
            "metrics": {k: v.as_dict() for k, v in per_point[p.index].items()},
        }
        for p in store.points()
    ]
