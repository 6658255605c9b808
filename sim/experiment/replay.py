"""Replay any replication of a stored run or sweep point exactly, traced: its resolved scenario, seed and
index are in the folder, and a replication depends on nothing else.

``samples`` adds the state over time (positions, strengths, stocks, queues) read every few minutes by a
process that only looks: it draws no random number and changes nothing, so the metrics are the same.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.config.load import scenario_digest
from sim.config.schema import Scenario
from sim.errors import ExsimError
from sim.experiment import history
from sim.experiment.output import write_atomic
from sim.experiment.runner import build_world, collect_metrics
from sim.experiment.store import ResultStore
from sim.experiment.streams import require_alike
from sim.models.logistics import LogisticsState
from sim.models.medical import MedicalState

if TYPE_CHECKING:
    from sim.engine.world import Process, World

TRACES = "traces"
PLAY = "play.json"  # a class's play (sim.play): choices, votes, overrides
SAMPLE_EVERY_MIN = 5.0


@dataclass(frozen=True)
class Replayed:
    scenario: Scenario
    seed: int
    replication: int
    point: int
    metrics: dict[str, float]
    events: list[dict[str, Any]]


def stored_scenario(folder: Path, point: int = 0) -> Scenario:
    """The resolved scenario of ``point`` in a results folder (scenario.json of a run, scenarios.json of a sweep),
    refused unless it is the one the results came from (its SHA-256 is the manifest's) and it is consistent
    (an edited file: which file, and what is wrong with it)."""
    try:
        if (folder / "scenario.json").exists():
            if point != 0:
                raise ExsimError(f"{folder} holds a run (one point): --point {point} does not exist")
            name = "scenario.json"
            s = Scenario.model_validate_json((folder / name).read_text(encoding="utf-8"))
            want = _manifest_digest(folder)
        else:
            name = "scenarios.json"
            points = json.loads((folder / name).read_text(encoding="utf-8"))
            p = next((p for p in points if p["point"] == point), None)
            if p is None:
                raise ExsimError(f"{folder} has points 0 to {len(points) - 1}: --point {point} does not exist")
            s, want = Scenario.model_validate(p["scenario"]), p["scenario_sha256"]
    except (OSError, ValueError) as e:
        raise ExsimError(f"{folder}: no stored scenario to replay ({' '.join(str(e).split())[:300]})") from None
    except (KeyError, TypeError) as e:
        raise ExsimError(f"{folder}/scenarios.json: edited or damaged (no {e})") from None
    if want is not None and scenario_digest(s) != want:
        raise ExsimError(
            f"{folder}/{name}: its SHA-256 is not the one the results record (edited, or read differently by this "
            "version of exsim); run the scenario file again"
        )
    from sim.check import crossref  # a stored scenario read back: not on exsim run's path

    if found := crossref.check(s):
        path, message = found[0]
        raise ExsimError(f"{folder}/{name}: edited: {'.'.join(map(str, path))}: {message}")
    return s


def _manifest_digest(folder: Path) -> str | None:
    """The scenario SHA-256 a run's manifest records (None: a folder of an older exsim, without one)."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("scenario_sha256"), str | None):
        raise ExsimError(f"{folder}/manifest.json: edited or damaged (scenario_sha256 is not a text)")
    return manifest.get("scenario_sha256")


def seed_of(folder: Path, point: int | None = None, replication: int | None = None) -> int:
    """The base seed of a results folder (replication i runs with seed (base seed, i)); with ``point`` and
    ``replication``, refused unless the store holds that replication."""
    store = ResultStore.open(folder)
    try:
        rows = store.rows()
        if not rows:
            raise ExsimError(f"{folder} holds no replications")
        if replication is not None:
            have = [r["replication"] for r in rows if r["point"] == (point or 0)]
            if replication not in have:
                raise ExsimError(f"--rep {replication}: {folder} holds replications 0 to {max(have)}")
        manifest = store.manifest()
        require_alike(manifest, str(folder), "run the scenario again to see its replications")
        seed = manifest.get("seed")
        return int(rows[0]["seed"] if seed is None else seed)
    finally:
        store.close()


def replay(ref: str | Path, replication: int, point: int = 0, *, samples: bool = False) -> Replayed:
    """Replication ``replication`` of ``point`` in a stored run or sweep (a folder or a run id), traced."""
    folder = history.resolve(ref)
    scenario = stored_scenario(folder, point)
    if (folder / PLAY).exists():
        if replication or point:
            raise ExsimError(f"{folder} holds a class's play: one run, replication 0")
        return played(folder)
    return trace(scenario, seed_of(folder, point, replication), replication, point, samples=samples)


def played(folder: Path) -> Replayed:
    """A play folder's run (``exsim play``): its own event log (the facilitator's overrides are in it, and a
    batch replication could not repeat them; sim.play replays it exactly from play.json) and its metrics."""
    scenario = stored_scenario(folder)
    store = ResultStore.open(folder)
    try:
        row = store.rows(0)[0]
        metrics = {m: row[m] for m in store.metrics}
    finally:
        store.close()
    try:
        events = read_trace(folder / "events.jsonl")
    except (OSError, ValueError) as e:
        raise ExsimError(f"{folder}: the play's events.jsonl cannot be read ({e})") from None
    return Replayed(scenario, int(row["seed"]), 0, 0, metrics, events)


def trace(scenario: Scenario, seed: int, replication: int, point: int = 0, *, samples: bool = False) -> Replayed:
    """Run one replication with its event log on (and, with ``samples``, its state every few minutes)."""
    if replication < 0:
        raise ExsimError(f"--rep {replication}: replications count from 0")
    world = build_world(scenario, seed, replication, trace=True)
    if samples:
        world.env.process(sampler(world))
    world.run()
    return Replayed(scenario, seed, replication, point, collect_metrics(world), world.log.records)


def sampler(world: World, every_min: float = SAMPLE_EVERY_MIN) -> Process:
    """Read the state every ``every_min`` minutes: unit positions and strengths, stocks, queues."""
    logistics = world.services.find(LogisticsState)
    medical = world.services.find(MedicalState)
    while True:
        units = {}
        for u in world.units.values():
            where = u.location if u.location is not None else (world.units[u.aboard].location if u.aboard else None)
            units[u.id] = [where, round(float(u.strength), 3)]
        rec: dict[str, Any] = {"units": units}
        if logistics is not None:
            rec["depots"] = {d.id: {c: round(d.level(c), 3) for c in d.containers} for d in logistics.depots.values()}
        if medical is not None:
            rec["queues"] = {k: st.waiting for k, st in medical.stages.items()}
            rec["beds"] = {k: st.beds_used for k, st in medical.stages.items() if st.beds is not None}
        world.log.emit(world.now, "sample", **rec)
        yield world.env.timeout(every_min)


def compact(events: Sequence[dict[str, Any]]) -> str:
    """events.jsonl, compact: times to 0.01 min, numbers to 6 significant figures, no spaces."""
    return "".join(json.dumps(_round(e), separators=(",", ":"), allow_nan=False) + "\n" for e in events)


def _round(x: Any) -> Any:
    if isinstance(x, float):
        return None if not math.isfinite(x) else float(f"{x:.6g}") if abs(x) < 1e6 else round(x, 2)
    if isinstance(x, dict):
        return {k: round(v, 2) if k == "t" else _round(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_round(v) for v in x]
    return x


def read_trace(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def parse_selection(text: str) -> str | int | tuple[int, ...]:
    """``--trace`` values: ``all``, ``N`` (the first N replications) or ``i,j,k`` (these)."""
    text = text.strip()
    if text == "all":
        return "all"
    try:
        if "," in text:
            picked = tuple(sorted({int(x) for x in text.split(",") if x.strip()}))
            if picked and picked[0] >= 0:
                return picked
        elif int(text) >= 1:
            return int(text)
    except ValueError:
        pass
    raise ExsimError(f"--trace {text}: expected all, N (the first N replications) or a list like 0,3,15")


def selected(selection: str | int | tuple[int, ...], replications: int) -> list[int]:
    """The replications a ``--trace`` value picks out of ``replications``."""
    if isinstance(selection, str):  # "all"
        return list(range(replications))
    if isinstance(selection, int):
        return list(range(min(selection, replications)))
    out = [i for i in selection if i < replications]
    if len(out) != len(selection):
        raise ExsimError(f"--trace: this run has replications 0 to {replications - 1}")
    return out


def write_traces(folder: Path, scenario: Scenario, seed: int, reps: Sequence[int], samples: bool = False) -> None:
    """traces/rep-<i>.jsonl for each replication in ``reps``; replication 0's log is also events.jsonl.
    ``samples`` adds the state every few minutes (``sample`` records: positions, strengths, stocks, queues)."""
    for i in reps:
        text = compact(trace(scenario, seed, i, samples=samples).events)
        write_atomic(folder / TRACES / f"rep-{i}.jsonl", text)
        if i == 0:
            write_atomic(folder / "events.jsonl", text)
