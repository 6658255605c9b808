"""The garbage collector around a command (sim/_collector.py): paused during start-up, off its heap after."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from sim import _collector as collector
from sim.cli import main
from tests.conftest import REPO


@pytest.fixture
def clean_collector():
    """The test process's collector as it was: running, nothing frozen."""
    assert gc.isenabled() and gc.get_freeze_count() == 0
    yield
    gc.unfreeze()
    gc.enable()


def test_starting_does_nothing_outside_exsims_own_process(clean_collector):
    with collector.starting():
        assert gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_starting_pauses_the_collector_then_freezes_what_was_built(clean_collector):
    with collector.owned():
        with collector.starting():
            assert not gc.isenabled()
            built = [[i] for i in range(5000)]  # 5,001 objects the collector tracks
        assert gc.isenabled()
        frozen = gc.get_freeze_count()
        assert frozen >= len(built)
        assert not any(o is built for o in gc.get_objects())  # frozen: no generation holds it any more
        work = [[i] for i in range(100)]
        assert any(o is work for o in gc.get_objects())  # the work's objects are collected as usual
    assert not any(o is work for o in gc.get_objects())  # until owned() freezes the heap on the way out
    with collector.starting():  # the process is no longer exsim's
        assert gc.isenabled()


def test_starting_leaves_a_collector_someone_else_stopped_alone(clean_collector):
    gc.disable()
    with collector.owned(), collector.starting():
        pass
    assert not gc.isenabled()


def test_starting_resumes_collecting_when_start_up_fails(clean_collector):
    with collector.owned(), pytest.raises(ValueError), collector.starting():
        raise ValueError("a bad scenario")
    assert gc.isenabled()


def test_an_embedded_run_leaves_the_callers_collector_untouched(tmp_path, clean_collector):
    r = CliRunner().invoke(main, ["run", "island_retake", "--reps", "1", "-q", "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_exsim_run_collects_nothing_while_starting_and_runs_the_replications_with_the_collector_on(tmp_path):
    # a real process, as the console script runs it: main() with no args reads sys.argv
    script = textwrap.dedent(
        """
        import atexit, gc, json, sys
        import sim.cli

        seen = {}
        def collections():
            return sum(g["collections"] for g in gc.get_stats())

        start = sim.cli.run.callback
        def run(*args, **kwargs):
            seen["at start"] = collections()
            return start(*args, **kwargs)
        sim.cli.run.callback = run

        record = sim.cli.record
        def recorded(*args, **kwargs):
            seen.update(at_record=collections(), enabled=gc.isenabled(), frozen=gc.get_freeze_count())
            return record(*args, **kwargs)
        sim.cli.record = recorded

        atexit.register(lambda: print(json.dumps({**seen, "frozen at exit": gc.get_freeze_count()})))
        sys.argv = ["exsim", "run", "island_retake", "--reps", "1", "-q", "--out", sys.argv[1]]
        sim.cli.main()
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "o")], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.splitlines()[-1])
    assert seen["at_record"] == seen["at start"]  # numpy, pydantic, the schema, the models, the scenario: no collection
    assert seen["enabled"]
    assert seen["frozen"] > 20_000  # start-up's objects: no collection walks them again
    assert seen["frozen at exit"] >= seen["frozen"]
