"""The mutation script's faults still apply to the code (a stale fault would silently test nothing)."""

from __future__ import annotations

import subprocess

import pytest

from tools.mutation import FAULTS, main


def test_every_fault_applies_and_is_listed(capsys):
    assert main(["--list"]) == 0
    out = capsys.readouterr().out
    assert all(f.name in out for f in FAULTS) and len(FAULTS) >= 11


@pytest.mark.slow
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


@pytest.mark.slow
def test_a_harmless_change_survives_so_a_kill_means_the_fault():
    """The control: the same tests pass in the copy when the 'fault' changes nothing (the copy itself works)."""
    from dataclasses import replace

    from tools.mutation import run

    fault = next(f for f in FAULTS if f.name == "failed orders not counted")
    assert not run(replace(fault, new=fault.old))
