"""The play folder: a results folder of one replication (manifest, scenario, store, replications.csv,
summary, events) plus play.json, everything needed to replay the play exactly.

scenario.json holds the scenario with the class's choices as ``decisions.<id>``, so ``exsim run --from``
and a Monte Carlo batch of it repeat the class's choices (not the facilitator's overrides, which have no
place in a batch run).
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.config.load import LoadedScenario
from sim.config.schema import Scenario
from sim.errors import ExsimError
from sim.experiment import history
from sim.experiment.lock import FolderLock
from sim.experiment.output import dumps_json, environment, scenario_provenance, write_atomic
from sim.experiment.replay import TRACES, compact
from sim.experiment.runner import collect_metrics
from sim.experiment.store import PointRow, ResultStore
from sim.experiment.sweep import Plan, write_files

if TYPE_CHECKING:
    from sim.play.session import PlayScript, PlaySession

ROOT = Path("plays")


def with_choices(s: Scenario, actions: list[dict[str, Any]]) -> Scenario:
    """``s`` with the decisions the class took set as ``decisions.<id>`` (validated again)."""
    chosen = {a["id"]: a["option"] for a in actions if a["action"] == "choose"}
    if not chosen:
        return s
    data = s.model_dump(mode="json", by_alias=True)
    data["decisions"] = {**data.get("decisions", {}), **chosen}
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


def so_far(session: PlaySession, script: PlayScript) -> tuple[dict[str, float], dict[str, Any]]:
    """An unfinished play's metrics, and where it stopped: its clock (simulated minutes) and each objective
    judged there by the live rules (sim.play.status: open, at risk, met, missed). Both are read from a replay
    of the play up to now: read from the live run, they could bring a model's state up to now (a
    deterministic fight's losses) and make the rest of the play depend on when it was saved."""
    from sim.play.session import PlaySession  # the session imports this module to save itself

    copy = PlaySession(session.scenario, session.seed, lang=session.language.code, script=script)
    copy.run_to_end()
    stopped = {"at_min": copy.now, "objectives": {o.id: o.state for o in copy.status().objectives}}
    return collect_metrics(copy.world), stopped


def write(
    session: PlaySession,
    folder: Path,
    *,
    source: Path | None = None,
    extra: dict[str, Any] | None = None,
    replace: bool = False,
) -> Path:
    """Write ``session`` (finished or not) to ``folder``, whole or not at all (``replace``: over an earlier
    save of the same play, swapped in whole)."""
    played = with_choices(session.scenario, session.actions)
    loaded = LoadedScenario(played, source or Path(f"{history.slug(played.scenario.name)}.yaml"))
    plan = Plan.for_run(loaded, session.seed, 1, history.slug(folder.name))
    events = list(session.events)
    script = session.as_script()
    play = {**script.as_json(), **(extra or {})}
    if session.metrics is not None:
        metrics = session.metrics
    else:  # the report tells an unfinished play where it stopped from play.json, without replaying it
        metrics, play["stopped"] = so_far(session, script)
    with history.target(folder, plan.name, force=replace) as tgt:
        point = PointRow(0, "", {}, loaded.digest)
        store = ResultStore.create(tgt.work, plan.manifest(), [point], plan.metrics(), resume=False)
        try:
            store.add(0, 0, session.seed, 0.0, metrics, None)
            manifest = {
                **store.manifest(),
                **scenario_provenance(loaded),
                "seed": session.seed,
                "replications": 1,
                "command": [],
                "from": None,
                "executor": "play",
                "workers": 1,
                **environment(),
                "started": session.started,
                "finished": script.saved,
                "play": {"finished": session.finished, "steps": session.steps, "actions": len(session.actions)},
                "errors": 0,
            }
            write_files(store, plan, manifest)
        finally:
            store.close()
        text = compact(events)
        write_atomic(tgt.work / "events.jsonl", text)
        write_atomic(tgt.work / TRACES / "rep-0.jsonl", text)
        write_atomic(tgt.work / "play.json", dumps_json(play))
    return folder
