"""The play's background batch: a new choice restarts it without waiting for the old one."""

from __future__ import annotations

import threading
import time

import pytest

from sim.check import load_scenario
from sim.play.batch import Batch
from sim.play.folder import with_choices
from tests.conftest import REPO
from tests.play.test_play_cli import DRILL


class Held(Batch):
    """A batch whose computation holds until released (a slow pool still on its first replications)."""

    def __init__(self, release: threading.Event):
        super().__init__(1, 4, executor="serial")
        self.release = release
        self.threads: list[threading.Thread] = []

    def _work(self, scenario, cancel, out) -> None:
        self.threads.append(threading.current_thread())
        self.release.wait(30)


def test_a_new_choice_restarts_the_batch_without_waiting_and_stop_waits_for_all():
    drill = load_scenario(DRILL).scenario
    release = threading.Event()
    batch = Held(release)
    batch.start(drill)
    batch.start(with_choices(drill, [{"action": "choose", "id": "commit", "option": "attack"}]))
    for _ in range(500):  # both threads under way
        if len(batch.threads) == 2:
            break
        time.sleep(0.01)
    assert batch.restarts == 1 and len(batch.threads) == 2  # started again at once: the old one still held
    old, new = batch.threads
    assert old.is_alive() and new.is_alive()
    release.set()
    batch.stop()
    assert not old.is_alive() and not new.is_alive()  # stop waits for the cancelled one too


def test_the_batch_of_the_class_choices_runs_to_the_end():
    drill = load_scenario(DRILL).scenario
    batch = Batch(3, 4, executor="serial")
    batch.start(drill)
    batch.start(with_choices(drill, [{"action": "choose", "id": "commit", "option": "attack"}]))
    sample = batch.wait()
    batch.stop()
    assert len(sample) == 4 and all(m["objective.take_isle"] == 1.0 for m in sample)  # attack: the isle taken


@pytest.mark.slow
def test_stopping_a_batch_in_worker_processes_drops_its_running_replications():
    """Ctrl-C on a served class: the placement batch's pool is terminated, not waited for (it used to run
    to the end of the tasks in hand, a minute under load with the flagship's default 200 runs)."""
    flagship = load_scenario(REPO / "scenarios" / "birlestik_2024.yaml").scenario
    batch = Batch(2024, 200, executor="process", workers=2)
    batch.start(flagship)
    thread = batch._thread
    assert thread is not None
    batch.stop()
    assert not thread.is_alive()
    assert batch.done == 0  # no task of 10 flagship replications had finished: they were dropped, not awaited
