"""The mutation script's faults still apply to the code (a stale fault would silently test nothing)."""

from __future__ import annotations

import os
import subprocess

import pytest

from tools.mutation import FAULTS, main

# running mutants (minutes) is not part of the default suite: EXSIM_MUTATION=1 pytest tests/product/test_mutation.py
mutants = pytest.mark.skipif(not os.environ.get("EXSIM_MUTATION"), reason="set EXSIM_MUTATION=1 to run mutants")


def test_every_fault_applies_and_is_listed(capsys):
    assert main(["--list"]) == 0
    out = capsys.readouterr().out
    assert all(f.name in out for f in FAULTS) and len(FAULTS) >= 11


@mutants
def test_one_fault_is_killed_in_a_copy_and_the_checkout_never_changes(monkeypatch):
    from tools import mutation

    fault = next(f for f in FAULTS if f.name == "failed orders not counted")
    before = (mutation.ROOT / fault.path).read_text()
    seen = []
    real = subprocess.run

    def spy(cmd, **kw):  # while the mutant's tests run, the checkout's file is untouched
        seen.append((kw["cwd"], (mutation.ROOT / fault.path).read_text() == before))
        return real(cmd, **kw)

    monkeypatch.setattr(mutation.subprocess, "run", spy)
    assert mutation.run(fault)
    assert seen and all(cwd != mutation.ROOT and untouched for cwd, untouched in seen)
    assert (mutation.ROOT / fault.path).read_text() == before


@mutants
def test_a_harmless_change_survives_so_a_kill_means_the_fault():
    """The control: the same tests pass in the copy when the 'fault' changes nothing (the copy itself works)."""
    from dataclasses import replace

    from tools.mutation import run

    fault = next(f for f in FAULTS if f.name == "failed orders not counted")
    assert not run(replace(fault, new=fault.old))


@pytest.mark.parametrize(
    ("status", "outcome"), [(0, "survived"), (1, "killed"), (2, "error"), (4, "error"), (5, "error")]
)
def test_only_failing_tests_count_as_a_kill(monkeypatch, status, outcome):
    """pytest's exit 1 (tests failed) is a kill; 2 (interrupted), 4 (a wrong path), 5 (no tests) are errors."""
    from tools import mutation

    def skeleton(src, dst, **kw):  # no real copy needed, pytest being faked: the mutated file's folder only
        (dst / FAULTS[0].path).parent.mkdir(parents=True)

    monkeypatch.setattr(mutation.shutil, "copytree", skeleton)
    monkeypatch.setattr(mutation.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, status))
    assert mutation.outcome(FAULTS[0]) == outcome
    if outcome == "error":
        with pytest.raises(RuntimeError, match="did not run"):
            mutation.run(FAULTS[0])


def test_a_failing_baseline_judges_no_fault(monkeypatch, capsys):
    from tools import mutation

    calls = []
    monkeypatch.setattr(mutation, "_pytest_in_copy", lambda tests, changes: calls.append(changes) or "killed")
    assert mutation.main(["-k", FAULTS[0].name]) == 2
    assert calls == [{}]  # the unmutated copy only: no fault was run
    assert "no fault can be judged" in capsys.readouterr().out
