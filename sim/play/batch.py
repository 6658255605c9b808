"""The Monte Carlo batch a play is placed in, computed in the background while the class plays.

The batch is the played scenario with the class's choices as ``decisions.<id>`` (a decision not yet
taken: its default), replications 1 to N of the play's seed (replication 0 is the class's own run). It
starts with the session and starts again whenever a choice differs from what the running batch
assumed, so when the class picks the defaults it is ready by the end. The facilitator's overrides
cannot be put into a batch run: the placement says so.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.config.load import LoadedScenario, scenario_digest
from sim.config.schema import Scenario
from sim.experiment import meaning
from sim.experiment.executors import Task, default_workers, execute
from sim.experiment.placement import Placement, place
from sim.models.contract import MetricSpec
from sim.models.objectives import is_objective


class Batch:
    """Replications 1..``runs`` of a scenario, in worker processes, in a background thread."""

    def __init__(self, seed: int, runs: int, *, executor: str = "process", workers: int | None = None):
        self.seed, self.runs = seed, runs
        self.executor, self.workers = executor, workers or default_workers()
        self.scenario: Scenario | None = None
        self._digest: str | None = None
        self._thread: threading.Thread | None = None
        self._retired: list[threading.Thread] = []  # cancelled on a new choice, their workers terminated
        self._cancel = threading.Event()
        self._results: dict[int, dict[str, float] | None] = {}
        self._error: BaseException | None = None
        self.restarts = -1  # how many times a choice made the batch start again

    def start(self, scenario: Scenario) -> None:
        """Compute the batch of ``scenario``, unless the running one is of the same scenario."""
        digest = scenario_digest(scenario)
        if digest == self._digest:
            return
        self._retire()  # not waited for: a choice must not freeze the live screen while a batch finishes
        self.scenario, self._digest, self.restarts = scenario, digest, self.restarts + 1
        self._cancel = threading.Event()
        self._results, self._error = {}, None
        self._thread = threading.Thread(
            target=self._work, args=(scenario, self._cancel, self._results), name="exsim-batch", daemon=True
        )
        self._thread.start()

    def _work(self, scenario: Scenario, cancel: threading.Event, out: dict[int, dict[str, float] | None]) -> None:
        reps = list(range(1, self.runs + 1))
        size = max(1, min(10, math.ceil(self.runs / (4 * self.workers))))
        tasks = [Task(0, scenario, self.seed, tuple(reps[i : i + size])) for i in range(0, len(reps), size)]
        outcomes = execute(tasks, self.executor, self.workers, cancel=cancel)
        try:
            for batch in outcomes:
                for o in batch:
                    out[o.replication] = o.metrics  # None: it raised (left out of the placement)
                if cancel.is_set():
                    break
        except BaseException as e:  # kept for wait() to raise in the main thread
            if not cancel.is_set():
                self._error = e
        finally:
            getattr(outcomes, "close", lambda: None)()  # a generator: closing it stops the workers

    @property
    def done(self) -> int:
        return len(self._results)

    def _retire(self) -> None:
        """Cancel the running computation without waiting: its pool's workers are terminated within
        ``executors.CANCEL_POLL_S``, their unfinished replications dropped."""
        if self._thread is not None:
            self._cancel.set()
            self._retired.append(self._thread)
            self._thread = None
        self._retired = [t for t in self._retired if t.is_alive()]

    def stop(self) -> None:
        """Cancel every computation and wait until none is left (no pool still starting when exsim exits)."""
        self._retire()
        for t in self._retired:
            t.join()
        self._retired = []

    def wait(self, progress: Callable[[int, int], None] | None = None, poll_s: float = 0.2) -> list[dict[str, float]]:
        """Every replication's metrics (those that raised left out), once all have run."""
        while self._thread is not None and self._thread.is_alive():
            if progress is not None:
                progress(self.done, self.runs)
            self._thread.join(poll_s)
        if self._error is not None:
            raise self._error
        if progress is not None:
            progress(self.done, self.runs)
        return [m for _, m in sorted(self._results.items()) if m is not None]


@dataclass(frozen=True)
class Landed:
    """Where the class's run landed: the placements, the metrics' declarations (for their words) and the
    record that play.json keeps under ``placement`` (which ``exsim report`` draws)."""

    placed: list[Placement]
    specs: dict[str, MetricSpec]
    record: dict[str, Any]


def land(
    batch: Batch,
    played: dict[str, float],
    overridden: bool,
    progress: Callable[[int, int], None] | None = None,
) -> Landed:
    """Wait for ``batch`` (``progress(done, runs)`` meanwhile) and place the finished run's ``played`` metrics
    in it; ``overridden``: the facilitator overrode something, which the batch's runs cannot repeat."""
    sample = batch.wait(progress)
    assert batch.scenario is not None, "the batch was never started"
    placed = placements(batch.scenario, played, sample)
    record = {
        "runs": batch.runs,
        "replications": [1, batch.runs],
        "decisions": dict(batch.scenario.decisions),
        "restarts": batch.restarts,
        "overrides_left_out": overridden,
        "metrics": [p.as_dict() for p in placed],
    }
    return Landed(placed, dict(_meaning(batch.scenario).specs), record)


def _meaning(scenario: Scenario) -> meaning.Meaning:
    return meaning.of_scenarios([LoadedScenario(scenario, _nowhere())])


def placements(scenario: Scenario, played: dict[str, float], sample: list[dict[str, float]]) -> list[Placement]:
    """The headline metrics and objectives of the class's run, each placed in the batch."""
    means = _meaning(scenario)
    out = []
    for name in means.headline():
        spec = means.specs[name]
        better = spec.better_for(means.perspective)
        if name not in played:
            continue
        out.append(place(name, played[name], [m.get(name, math.nan) for m in sample], better))
    out.sort(key=lambda p: not is_objective(p.metric))
    return out


def _nowhere() -> Any:
    return Path("<play>")
