"""A run's output folder: manifest.json, replications.csv, summary.json and events.jsonl, written atomically."""

from __future__ import annotations

import csv
import io
import json
import os
import platform
import tempfile
from pathlib import Path
from typing import Any

from sim._version import __version__
from sim.config.load import LoadedScenario
from sim.engine.eventlog import EventLog
from sim.experiment.runner import RunResult
from sim.experiment.stats import Summary


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the whole new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def replications_csv(results: list[RunResult]) -> str:
    """One row per replication, one column per metric; floats in shortest round-trip form."""
    buf = io.StringIO()
    names = list(results[0].metrics) if results else []
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["replication", "seed", *names])
    for r in results:
        w.writerow([r.replication, r.seed, *(_num(r.metrics[n]) for n in names)])
    return buf.getvalue()


def _num(x: float) -> str:
    if x != x:  # NaN: not applicable in this replication
        return ""
    return repr(int(x)) if float(x).is_integer() else repr(float(x))


def manifest(loaded: LoadedScenario, seed: int, reps: int) -> dict[str, Any]:
    import numpy
    import scipy
    import simpy

    return {
        "scenario": loaded.scenario.scenario.name,
        "scenario_file": str(loaded.path),
        "scenario_sha256": loaded.digest,
        "seed": seed,
        "replications": reps,
        "overrides": list(loaded.overrides),
        "exsim_version": __version__,
        "python": platform.python_version(),
        "versions": {"numpy": numpy.__version__, "scipy": scipy.__version__, "simpy": simpy.__version__},
    }


def write_results(
    out: Path, loaded: LoadedScenario, seed: int, results: list[RunResult], summary: dict[str, Summary]
) -> None:
    """Write the whole folder; every file is replaced atomically."""
    write_atomic(out / "replications.csv", replications_csv(results))
    write_atomic(out / "summary.json", dumps_json({k: v.as_dict() for k, v in summary.items()}))
    events = results[0].events if results else None
    if events is not None:
        write_atomic(out / "events.jsonl", EventLog.to_jsonl(events))
    write_atomic(out / "manifest.json", dumps_json(manifest(loaded, seed, len(results))))


def dumps_json(obj: Any) -> str:
    """Strict JSON: NaN (a metric with no value) is written as null."""
    return json.dumps(_finite(obj), indent=2, allow_nan=False) + "\n"


def _finite(obj: Any) -> Any:
    if isinstance(obj, float) and obj != obj:
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_finite(v) for v in obj]
    return obj
