"""A run or sweep recorded in a folder of its own: the plan run into a fresh store, the files derived
from the store, and the provenance of every result (what, with which software, on what, when)."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sim.config.load import LoadedScenario, scenario_digest
from sim.config.schema import Scenario
from sim.cores import default_workers
from sim.errors import ExsimError
from sim.experiment import history
from sim.experiment.output import environment, scenario_provenance
from sim.experiment.replay import write_traces
from sim.experiment.stats import Summary
from sim.experiment.store import ResultStore
from sim.experiment.streams import require_alike
from sim.experiment.sweep import Plan, Progress, run_plan, write_files


@dataclass(frozen=True)
class Recorded:
    folder: Path
    manifest: dict[str, Any]
    errors: list[str]  # the error of each replication that raised
    summaries: dict[int, dict[str, Summary]]  # point -> metric -> summary, as in summary.json

    def store(self) -> ResultStore:
        return ResultStore.open(self.folder)


def record(
    plan: Plan,
    out: Path | None = None,
    *,
    root: Path = history.ROOT,
    force: bool = False,
    resume: bool = False,
    executor: str = "process",
    workers: int | None = None,
    scheduler: str | None = None,
    batch: int | None = None,
    progress: Progress | None = None,
    trace: Sequence[int] = (),
    positions: bool = False,
    command: Sequence[str] = (),
    origin: str | None = None,
) -> Recorded:
    """Run ``plan`` into a new folder (``out``, or ``root/<plan name>/<date>``), written whole and renamed
    into place when complete; ``resume`` completes an interrupted sweep instead. ``trace`` lists the
    replications whose event logs are also written (replayed in this process: a replication depends only
    on its seed), as traces/rep-<i>.jsonl (and replication 0's as events.jsonl); ``positions`` adds the
    state every few simulated minutes to them."""
    started = datetime.now().astimezone().isoformat(timespec="milliseconds")
    wall0, cpu0 = time.perf_counter(), time.process_time()
    with history.target(
        out,
        plan.name,
        root=root,
        force=force,
        resume=resume,
        resumable=plan.kind != "run",  # a sweep or a sensitivity study
        fingerprint=plan.fingerprint(),
    ) as tgt:
        store = run_plan(
            plan,
            tgt.work,
            executor=executor,
            workers=workers,
            scheduler=scheduler,
            resume=tgt.resumed,
            batch=batch,
            progress=progress,
            started=started,
        )
        try:
            errors, failed, seconds = [], set(), 0.0
            for _, replication, took, error in store.outcomes():  # one at a time: flat in the replications
                seconds += took or 0.0
                if error is not None:
                    errors.append(error)
                    failed.add(replication)
            manifest = {
                **store.manifest(),
                **(_run_provenance(plan) if plan.kind == "run" else _sweep_provenance(plan)),
                "command": list(command),
                "from": origin,
                "executor": executor,
                "workers": workers or default_workers(),
                **environment(),
                "finished": datetime.now().astimezone().isoformat(timespec="milliseconds"),
                "wall_s": round(time.perf_counter() - wall0, 3),
                "cpu_s": round(time.process_time() - cpu0, 3),  # this process; see replications_s for the work
                "replications_s": round(seconds, 3),
                "resumed": tgt.resumed,
                "errors": len(errors),
            }
            manifest.setdefault("started", started)
            summaries = write_files(store, plan, manifest)
        finally:
            store.close()
        if trace and plan.kind == "run":
            # a replication that raised would raise again when replayed, and take the finished run with it:
            # its error is in the store; trace the others
            traced = [i for i in trace if i not in failed]
            write_traces(tgt.work, plan.scenarios[0].scenario, plan.seed, traced, samples=positions)
    return Recorded(tgt.final, manifest, errors, summaries)


def _run_provenance(plan: Plan) -> dict[str, Any]:
    return {**scenario_provenance(plan.scenarios[0]), "seed": plan.seed, "replications": plan.replications}


def _sweep_provenance(plan: Plan) -> dict[str, Any]:
    base = scenario_provenance(plan.scenarios[0])
    return {
        "scenario": base["scenario"],
        "scenario_file": base["scenario_file"],
        "files_sha256": base["files_sha256"],
        "points": [
            {
                "point": p.index,
                "label": p.label,
                "settings": dict(p.settings),
                "overrides": list(p.overrides),
                "scenario_sha256": s.digest,
                "catalogue_sha256": scenario_provenance(s)["catalogue_sha256"],
            }
            for p, s in zip(plan.points, plan.scenarios, strict=True)
        ],
    }


def rerun(ref: str, root: Path = history.ROOT) -> tuple[Plan, str]:
    """The plan of a stored run, to run it again exactly: the resolved scenario stored beside its results,
    its seed and replications. Returns the plan and the run's id (or folder)."""
    folder = history.resolve(ref, root)
    try:
        manifest = _json(folder / history.MANIFEST)
        scenario = Scenario.model_validate_json((folder / "scenario.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ExsimError(f"--from {ref}: {folder} has no complete run to repeat ({e})") from None
    if manifest.get("kind") != "run":
        raise ExsimError(f"--from {ref}: {folder} holds a {manifest.get('kind', 'older')} result, not a run")
    require_alike(manifest, f"--from {ref}: {folder}", "run the scenario file again instead")
    if scenario_digest(scenario) != manifest.get("scenario_sha256"):
        raise ExsimError(
            f"--from {ref}: this version of exsim reads the stored scenario differently (its SHA-256 changed); "
            "run the scenario file again instead"
        )
    loaded = LoadedScenario(scenario, Path(manifest["scenario_file"]), tuple(manifest.get("overrides", ())))
    plan = Plan.for_run(loaded, int(manifest["seed"]), int(manifest["replications"]), manifest["name"])
    try:
        ident = folder.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        ident = str(folder)
    return plan, ident


def _json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path.name} is not a mapping")
    return data
