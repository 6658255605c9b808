"""What exsim does as the program that owns its process (sim/_process.py): BLAS threads, the collector."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from sim import _process
from sim.cli import main
from tests.conftest import REPO


@pytest.fixture
def clean_collector():
    """The test process's collector running with nothing frozen, before the test and after it."""
    gc.unfreeze()  # harmless: what anything froze earlier goes back to the oldest generation
    assert gc.isenabled()
    yield
    gc.unfreeze()
    gc.enable()


@pytest.fixture
def blas_environment():
    """The BLAS thread variables as they were (owned() sets them for the rest of the process)."""
    saved = {name: os.environ.pop(name, None) for name in _process.BLAS_THREADS}
    yield
    for name, value in saved.items():
        os.environ.pop(name, None)
        if value is not None:
            os.environ[name] = value


def test_owned_asks_blas_for_one_thread_unless_the_user_chose(blas_environment, clean_collector):
    os.environ["MKL_NUM_THREADS"] = "4"
    with _process.owned():
        assert os.environ["OPENBLAS_NUM_THREADS"] == "1" and os.environ["OMP_NUM_THREADS"] == "1"
        assert os.environ["MKL_NUM_THREADS"] == "4"


def test_starting_does_nothing_outside_exsims_own_process(clean_collector):
    with _process.starting():
        assert gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_starting_pauses_the_collector_then_freezes_what_was_built(clean_collector):
    with _process.owned():
        with _process.starting():
            assert not gc.isenabled()
            built = [[i] for i in range(5000)]  # 5,001 objects the collector tracks
        assert gc.isenabled()
        frozen = gc.get_freeze_count()
        assert frozen >= len(built)
        assert not any(o is built for o in gc.get_objects())  # frozen: no generation holds it any more
        work = [[i] for i in range(100)]
        assert any(o is work for o in gc.get_objects())  # the work's objects are collected as usual
    assert not any(o is work for o in gc.get_objects())  # until owned() freezes the heap on the way out
    with _process.starting():  # the process is no longer exsim's
        assert gc.isenabled()


def test_starting_leaves_a_collector_someone_else_stopped_alone(clean_collector):
    gc.disable()
    with _process.owned(), _process.starting():
        pass
    assert not gc.isenabled()


def test_starting_resumes_collecting_when_start_up_fails(clean_collector):
    with _process.owned(), pytest.raises(ValueError), _process.starting():
        raise ValueError("a bad scenario")
    assert gc.isenabled()


def test_an_embedded_run_leaves_the_callers_process_untouched(tmp_path, blas_environment, clean_collector):
    r = CliRunner().invoke(main, ["run", "island_retake", "--reps", "1", "-q", "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert not any(name in os.environ for name in _process.BLAS_THREADS)


def test_exsim_run_starts_no_blas_threads_collects_nothing_while_starting_then_collects_as_usual(tmp_path):
    # a real process, as the console script runs it: entry() (main() with no args, reading sys.argv)
    script = textwrap.dedent(
        """
        import atexit, gc, json, os, sys
        import sim.cli
        from sim.cli.boundary import ExsimGroup

        seen = {}
        def collections():
            return sum(g["collections"] for g in gc.get_stats())

        load = ExsimGroup._lazy_load
        def lazy_load(self, name):  # `run` is imported here, after entry() has taken the process
            seen["at start"] = collections()
            command = load(self, name)
            module = sys.modules[command.callback.__module__]
            record = module.record
            def recorded(*args, **kwargs):
                seen.update(at_record=collections(), enabled=gc.isenabled(), frozen=gc.get_freeze_count())
                seen["threads"] = len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else None
                return record(*args, **kwargs)
            module.record = recorded
            return command
        ExsimGroup._lazy_load = lazy_load

        atexit.register(lambda: print(json.dumps({**seen, "frozen at exit": gc.get_freeze_count()})))
        sys.argv = ["exsim", "run", "island_retake", "--reps", "1", "-q", "--out", sys.argv[1]]
        sim.cli.entry()
        """
    )
    env = {k: v for k, v in os.environ.items() if k not in _process.BLAS_THREADS}
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "o")],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.splitlines()[-1])
    assert seen["at_record"] == seen["at start"]  # numpy, pydantic, the schema, the models, the scenario: no collection
    assert seen["enabled"]
    assert seen["frozen"] > 20_000  # start-up's objects: no collection walks them again
    assert seen["frozen at exit"] >= seen["frozen"]
    if seen["threads"] is not None:  # Linux: no thread but the main one (OpenBLAS starts one per extra core)
        assert seen["threads"] == 1


def test_main_called_from_python_without_arguments_leaves_the_process_alone(
    blas_environment, clean_collector, monkeypatch
):
    """A notebook or a wrapper script calling main() (it reads sys.argv) is not exsim's own program."""
    monkeypatch.setattr(sys, "argv", ["exsim", "list"])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == 0
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert not any(name in os.environ for name in _process.BLAS_THREADS)
