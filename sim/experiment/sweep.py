"""Run a sweep (or a single scenario) into a result store, and summarise it."""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim._version import __version__
from sim.config.load import LoadedScenario
from sim.config.schema import metric_names
from sim.errors import ExsimError
from sim.experiment.design import Point, Sweep
from sim.experiment.executors import Task, execute
from sim.experiment.output import dumps_json, write_atomic
from sim.experiment.stats import Summary, summarise_metrics
from sim.experiment.store import FILE, PointRow, ResultStore

Progress = Callable[[int, int], None]  # (replications done, total)


@dataclass(frozen=True)
class Plan:
    """What to run: points with their validated scenarios, replications per point, base seed."""

    name: str
    points: list[Point]
    scenarios: list[LoadedScenario]
    replications: int
    seed: int
    spec: dict[str, Any]
    # sequential stopping: keep doubling a point's replications while the metric's 95 % interval is
    # wider than ± half_width, up to max_replications
    precision: tuple[str, float] | None = None
    max_replications: int | None = None

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

    def metrics(self) -> list[str]:
        return list(dict.fromkeys(m for s in self.scenarios for m in metric_names(s.scenario)))

    def fingerprint(self) -> str:
        """Same sweep, same scenarios (after overrides), same seed and replications: same fingerprint."""
        parts = [
            self.spec,
            self.seed,
            self.replications,
            self.precision,
            self.max_replications,
            [(p.label, s.digest) for p, s in zip(self.points, self.scenarios, strict=True)],
        ]
        return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()

    def manifest(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "seed": self.seed,
            "replications": self.replications,
            "precision": self.precision,
            "max_replications": self.max_replications,
            "spec": self.spec,
            "fingerprint": self.fingerprint(),
            "exsim_version": __version__,
            "scenario_files": sorted({str(s.path) for s in self.scenarios}),
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
) -> ResultStore:
    """Run every replication not yet in ``out``'s store; each is committed as it finishes.

    With ``plan.precision``, rounds follow: a point whose interval is still too wide gets twice its
    replications (same seeds, so the result does not depend on how the rounds were cut).
    """
    rows = [
        PointRow(p.index, p.label, dict(p.settings), s.digest) for p, s in zip(plan.points, plan.scenarios, strict=True)
    ]
    if plan.precision and plan.precision[0] not in plan.metrics():
        raise ExsimError(f"--precision: unknown metric {plan.precision[0]!r}")
    store = ResultStore.create(out, plan.manifest(), rows, plan.metrics(), resume)
    targets = {p.index: plan.replications for p in plan.points}
    size = batch or max(1, min(25, math.ceil(plan.replications / 8)))
    while True:
        done = store.done()
        tasks = []
        for p, s in zip(plan.points, plan.scenarios, strict=True):
            todo = [r for r in range(targets[p.index]) if (p.index, r) not in done]
            tasks += [
                Task(p.index, s.scenario, plan.seed, tuple(todo[i : i + size])) for i in range(0, len(todo), size)
            ]
        total = sum(targets.values())
        finished = sum(1 for p, r in done if r < targets.get(p, 0))
        if progress:
            progress(finished, total)
        for outcomes in execute(tasks, executor, workers, scheduler):
            for o in outcomes:
                store.add(o.point, o.replication, o.seed, o.seconds, o.metrics, o.error)
            finished += len(outcomes)
            if progress:
                progress(finished, total)
        grow = _too_wide(store, plan, targets)
        if not grow:
            return store
        targets.update(grow)


def _too_wide(store: ResultStore, plan: Plan, targets: dict[int, int]) -> dict[int, int]:
    """Points whose interval for the precision metric is wider than asked, with their next target."""
    if plan.precision is None:
        return {}
    metric, half_width = plan.precision
    cap = plan.max_replications or 10 * plan.replications
    grow = {}
    for point, n in targets.items():
        if n >= cap:
            continue
        s = summarise_metrics([metric], [r for r in store.rows(point) if r["error"] is None])[metric]
        if math.isnan(s.low) or (s.high - s.low) / 2 > half_width:
            grow[point] = min(cap, 2 * n)
    return grow


def write_sweep_files(store: ResultStore, plan: Plan) -> None:
    """summary.json (every point's summaries) and manifest.json beside the store, atomically."""
    write_atomic(store.folder / "summary.json", dumps_json(summaries(store)))
    write_atomic(store.folder / "manifest.json", dumps_json(plan.manifest()))


def summarise_point(store: ResultStore, point: int) -> dict[str, Summary]:
    return summarise_metrics(store.metrics, [r for r in store.rows(point) if r["error"] is None])


def summaries(store: ResultStore) -> list[dict[str, Any]]:
    result = []
    for p in store.points():
        errors = sum(1 for r in store.rows(p.index) if r["error"] is not None)
        result.append(
            {
                "point": p.index,
                "label": p.label,
                "settings": p.settings,
                "errors": errors,
                "metrics": {k: v.as_dict() for k, v in summarise_point(store, p.index).items()},
            }
        )
    return result


def check_run_folder(out: Path) -> None:
    """A run may replace an earlier run's results in ``out``, never a sweep's."""
    if (out / FILE).exists():
        old = ResultStore.open(out)
        kind = old.manifest().get("name")
        old.close()
        if kind != "run":
            raise ExsimError(f"{out} holds the results of sweep {kind!r}; choose another --out for this run")


def store_results(plan: Plan, results: list[Any], out: Path) -> None:
    """Save in-memory replications (from ``exsim run``) as the folder's store, replacing the old one whole.

    A folder holding a sweep's results is never replaced by a run's.
    """
    check_run_folder(out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out, prefix=".run-"))
    try:
        p, s = plan.points[0], plan.scenarios[0]
        store = ResultStore.create(
            tmp, plan.manifest(), [PointRow(p.index, p.label, dict(p.settings), s.digest)], plan.metrics(), resume=False
        )
        for r in results:
            store.add(p.index, r.replication, r.seed, 0.0, r.metrics, None)
        store.close()
        (tmp / FILE).replace(out / FILE)
        for stale in (out / (FILE + "-wal"), out / (FILE + "-shm")):
            stale.unlink(missing_ok=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
