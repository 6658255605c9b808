"""The mutation script's faults still apply to the code (a stale fault would silently test nothing)."""

from __future__ import annotations

from tools.mutation import FAULTS, main


def test_every_fault_applies_and_is_listed(capsys):
    assert main(["--list"]) == 0
    out = capsys.readouterr().out
    assert all(f.name in out for f in FAULTS) and len(FAULTS) >= 11


def test_one_fault_is_killed_and_the_file_restored():
    from tools.mutation import ROOT, run

    fault = next(f for f in FAULTS if f.name == "failed orders not counted")
    before = (ROOT / fault.path).read_text()
    assert run(fault)
    assert (ROOT / fault.path).read_text() == before
