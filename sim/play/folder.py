"""The play folder: a results folder of one replication (manifest, scenario, store, replications.csv,
summary, events) plus play.json, everything needed to replay the play exactly.

scenario.json holds the scenario with the class's choices as ``decisions.<id>``, so ``exsim run --from``
and a Monte Carlo batch of it repeat the class's choices (not the facilitator's overrides, which have no
place in a batch run).
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.config.load import LoadedScenario
from sim.config.schema import Scenario
from sim.config.text import pick
from sim.errors import ExsimError
from sim.experiment import history
from sim.experiment.lock import FolderLock
from sim.experiment.output import dumps_json, environment, scenario_provenance, write_atomic
from sim.experiment.replay import TRACES, compact
from sim.experiment.store import PointRow, ResultStore
from sim.experiment.sweep import Plan, write_files

ROOT = Path("plays")


def with_choices(s: Scenario, actions: list[dict[str, Any]]) -> Scenario:
    """``s`` with the decisions the class took set as ``decisions.<id>``; each request the players made (the
    first time) made by a script at the same time; and each request the players answered (the first time,
    whoever made it) answered as they answered it, as long after its arrival (validated again)."""
    chosen = {a["id"]: a["option"] for a in actions if a["action"] == "choose"}
    asked: dict[str, float] = {}
    answered: dict[str, dict[str, Any]] = {}
    for a in actions:
        if a["action"] == "request":
            asked.setdefault(a["id"], float(a["t"]))
        elif a["action"] == "answer":
            answered.setdefault(a["id"], a)
    if not chosen and not asked and not answered:
        return s
    data = s.model_dump(mode="json", by_alias=True)
    data["decisions"] = {**data.get("decisions", {}), **chosen}
    for r in data.get("requests", []):
        if r["id"] in asked:
            r["at"], r["when"] = asked[r["id"]], None
        if (given := answered.get(r["id"])) is not None:
            r["answer"] = given["answer"]
            if "after" in given:  # (a play saved before the time was recorded: the policy's delay)
                r["answer_after"] = float(given["after"])
    return Scenario.model_validate(data)


def default_folder(scenario_name: str, root: Path = ROOT) -> Path:
    """``plays/<yyyy-mm-dd_hhmmss>-<scenario>``."""
    return root / f"{time.strftime(history.STAMP)}-{history.slug(scenario_name)}"


def claim(folder: Path) -> Path:
    """``folder``, refused before the class plays if the play could not be saved in it at the end: a folder
    that already holds files, or one whose parent cannot be written (tried as every results folder is before
    its run: by taking its lock, which creates the parent and a file in it). Folders made for the trial are
    removed again: a play that is never saved (a server never started) leaves nothing behind."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ExsimError(f"--out {folder} already holds files: the play needs a new or empty folder")
    made = [p for p in folder.parents if not p.exists()]  # the deepest first
    FolderLock(folder).acquire().release()
    for p in made:
        with contextlib.suppress(OSError):  # no longer empty: someone else's now
            p.rmdir()
    return folder


@dataclass(frozen=True)
class Played:
    """What a play folder keeps of a live session (sim.play.session builds it when it saves itself)."""

    scenario: Scenario  # as the class started it; ``write`` sets the class's choices as decisions
    seed: int
    actions: list[dict[str, Any]]
    events: list[dict[str, Any]]
    play: dict[str, Any]  # play.json: the script, and where an unfinished play stopped ("stopped")
    metrics: dict[str, float]  # at the end, or (unfinished) from a replay up to where it stopped
    started: str
    saved: str | None
    finished: bool
    steps: int


def write(played: Played, folder: Path, *, source: Path | None = None, replace: bool = False) -> Path:
    """Write ``played`` (finished or not) to ``folder``, whole or not at all (``replace``: over an earlier
    save of the same play, swapped in whole)."""
    scenario = with_choices(played.scenario, played.actions)
    loaded = LoadedScenario(scenario, source or Path(f"{history.slug(pick(scenario.scenario.name, 'en'))}.yaml"))
    plan = Plan.for_run(loaded, played.seed, 1, history.slug(folder.name))
    with history.target(folder, plan.name, force=replace) as tgt:
        point = PointRow(0, "", {}, loaded.digest)
        store = ResultStore.create(tgt.work, plan.manifest(), [point], plan.metrics(), resume=False)
        try:
            store.add(0, 0, played.seed, 0.0, played.metrics, None)
            manifest = {
                **store.manifest(),
                **scenario_provenance(loaded),
                "seed": played.seed,
                "replications": 1,
                "command": [],
                "from": None,
                "executor": "play",
                "workers": 1,
                **environment(),
                "started": played.started,
                "finished": played.saved,
                "play": {"finished": played.finished, "steps": played.steps, "actions": len(played.actions)},
                "errors": 0,
            }
            write_files(store, plan, manifest)
        finally:
            store.close()
        text = compact(played.events)
        write_atomic(tgt.work / "events.jsonl", text)
        write_atomic(tgt.work / TRACES / "rep-0.jsonl", text)
        write_atomic(tgt.work / "play.json", dumps_json(played.play))
    return folder
