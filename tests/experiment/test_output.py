"""Result files: atomic writes and the CSV format."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from sim.experiment.output import replications_csv, write_atomic


def test_a_crash_mid_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    target = tmp_path / "replications.csv"
    write_atomic(target, "old,complete\n")

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # e.g. Ctrl-C between writing the temporary file and renaming it

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new," + "x" * 100_000)
    assert target.read_text() == "old,complete\n"
    assert [p.name for p in tmp_path.iterdir()] == ["replications.csv"], "temporary file left behind"


def test_write_atomic_creates_folders_and_replaces(tmp_path):
    target = tmp_path / "a" / "b" / "f.json"
    write_atomic(target, "1")
    write_atomic(target, "2")
    assert target.read_text() == "2"


def test_csv_writes_integers_plainly_and_nan_as_empty():
    rows = [
        {"replication": 0, "seed": 7, "secured": 1.0, "t_h": 2.5, "never": math.nan, "extra": 1.0},
        {"replication": 1, "seed": 7, "secured": 0.0, "t_h": 0.1 + 0.2, "never": math.nan, "extra": 2.0},
    ]
    csv = replications_csv(rows, ["secured", "t_h", "never"])
    assert csv == "replication,seed,secured,t_h,never\n0,7,1,2.5,\n1,7,0,0.30000000000000004,\n"


def test_result_files_get_the_usual_permissions(tmp_path):
    """0666 less the umask, as for any file the user writes (mkstemp would give 0600)."""
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "a.csv", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "a.csv").stat().st_mode & 0o777 == 0o640


def test_a_file_that_cannot_be_written_is_named_not_its_temporary():
    """The error names the file asked for ("x.html: ..."), not the hidden temporary one (".x.html.3f2a….tmp")."""
    target = Path("/proc/self/x.html")  # a folder nobody, root included, can create files in
    with pytest.raises(OSError) as caught:
        write_atomic(target, "text")
    assert caught.value.filename == str(target)
