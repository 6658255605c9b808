"""Results survive planted links and kills: no file outside the chosen folder is written through a link,
and every multi-step operation (``--force``'s swap, ``runs --prune``) is finished or undone by the next
command, which says so in one line; no finished result is deleted silently.

A kill is real: the command runs in a forked child whose n-th call of the step under test ends the process
on the spot (``os._exit``, as SIGKILL would: no cleanup, no ``finally``)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.experiment import history
from tests.cli.test_hostile import time_limit
from tests.conftest import REPO

ISLAND = str(REPO / "scenarios" / "island_retake.yaml")
SWEEP = ["sweep", ISLAND, "--vary", "units.ls-1.strength=1,2", "--reps", "2", "--executor", "serial", "-q"]


def cli(*args: str, cwd: Path | None = None):
    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        with time_limit(60):
            return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(old)


def digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "results.sqlite-shm"
    }


def killed_at(args: list[str], cwd: Path, owner: object, name: str, at: int) -> int:
    """Run ``exsim ARGS`` in a forked child that dies (exit 137, no cleanup) at the ``at``-th call of
    ``owner.name``; returns how many calls it made (``at`` when it died there)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(r)
        try:
            os.chdir(cwd)
            real: Callable[..., object] = getattr(owner, name)
            calls = 0

            def dying(*a: object, **k: object) -> object:
                nonlocal calls
                calls += 1
                if calls == at:
                    os.write(w, str(calls).encode())
                    os._exit(137)
                return real(*a, **k)

            setattr(owner, name, dying)
            CliRunner().invoke(main, args)
            os.write(w, str(calls).encode())
        finally:
            os._exit(0)
    os.close(w)
    os.waitpid(pid, 0)
    with os.fdopen(r) as f:
        made = int(f.read() or 0)
    return made


# --- links ---------------------------------------------------------------------------------------------


def test_a_link_planted_at_the_lock_file_is_refused_and_its_target_untouched(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (tmp_path / ".out.lock").symlink_to(victim)
    r = cli("run", ISLAND, "--reps", "1", "--out", "out", "-q", cwd=tmp_path)
    assert r.exit_code == 2 and "the lock file is a symbolic link" in r.stderr, r.output
    assert victim.read_text() == "precious\n"
    assert not (tmp_path / "out").exists()


def test_a_link_planted_at_the_work_folder_is_never_written_through(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / ".out.partial").symlink_to(elsewhere, target_is_directory=True)
    for extra in ([], ["--resume"], ["--force"]):
        r = cli(*SWEEP, "--out", "out", *extra, cwd=tmp_path)
        assert r.exit_code == 2 and "the work folder is a symbolic link" in r.stderr, r.output
        assert list(elsewhere.iterdir()) == []
        assert not (tmp_path / "out").exists()


def test_a_linked_work_folder_in_the_history_is_not_resumed_into(tmp_path):
    group = tmp_path / "results" / "island_retake_sweep"
    group.mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (group / ".2020-01-01_000000.partial").symlink_to(elsewhere, target_is_directory=True)
    r = cli(*SWEEP, "--resume", cwd=tmp_path)
    assert r.exit_code == 0, r.output
    assert list(elsewhere.iterdir()) == []
    assert not (group / "2020-01-01_000000").exists()
    assert history.interrupted(tmp_path / "results") == []


def test_new_from_a_system_file_writes_nothing(tmp_path):
    r = cli("new", "x", "--from", "/etc/passwd", cwd=tmp_path)
    assert r.exit_code == 2 and "scenario" in r.stderr
    assert list(tmp_path.iterdir()) == []


# --- kills ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("owner", "name"), [(Path, "rename"), (shutil, "rmtree"), (Path, "unlink")])
def test_a_force_killed_at_any_step_is_finished_or_undone_by_the_next_command(tmp_path, owner, name):
    """Old results (2 replications) replaced by new ones (3): after a kill at each step, the next command
    finds either the old folder whole or the new one whole, never none, and says which."""
    steps = 4
    for at in range(1, steps + 1):
        case = tmp_path / f"{name}-{at}"
        case.mkdir()
        out = case / "out"
        assert cli("run", ISLAND, "--reps", "2", "--out", str(out), "-q").exit_code == 0
        old = digest(out)
        new = case / "new"
        assert cli("run", ISLAND, "--reps", "3", "--out", str(new), "-q").exit_code == 0
        made = killed_at(
            ["run", ISLAND, "--reps", "3", "--out", str(out), "--force", "-q", "--executor", "serial"],
            case,
            owner,
            name,
            at,
        )
        if made < at:
            break  # the command finished before this step: nothing was interrupted
        # the next command that names the folder finds the state and repairs it
        r = cli("export", str(out), cwd=case)
        assert r.exit_code == 0, (name, at, r.output)
        reps = json.loads((out / "manifest.json").read_text())["replications"]
        assert reps in (2, 3)
        if reps == 2:
            assert {k: v for k, v in digest(out).items() if not k.startswith("results.")} == {
                k: v for k, v in old.items() if not k.startswith("results.")
            }
        set_aside = sorted(p.name for p in case.iterdir() if ".old-" in p.name or p.name.endswith(".swap"))
        assert set_aside == [], (name, at, set_aside)


def test_a_kill_between_the_two_renames_of_force_keeps_the_new_results_and_says_so(tmp_path):
    out = tmp_path / "out"
    assert cli("run", ISLAND, "--reps", "2", "--out", str(out), "-q").exit_code == 0
    made = killed_at(
        ["run", ISLAND, "--reps", "3", "--out", str(out), "--force", "-q", "--executor", "serial"],
        tmp_path,
        Path,
        "rename",
        2,
    )
    assert made == 2 and not out.exists()  # the state the kill left: the old folder set aside, the new not in place
    r = cli("export", str(out), cwd=tmp_path)
    assert r.exit_code == 0 and "finished the replacement (--force) that was interrupted" in r.stderr
    assert json.loads((out / "manifest.json").read_text())["replications"] == 3
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".out.lock") == ["out"]


def test_a_prune_killed_while_removing_leaves_latest_on_a_whole_folder_and_runs_finishes_it(tmp_path):
    for ships in ("1", "2"):
        assert cli("run", "island_retake", "--reps", "1", "--set", f"units.ls-1.strength={ships}", "-q", cwd=tmp_path)
    results = tmp_path / "results"
    assert len(history.runs(results)) == 2
    made = killed_at(["runs", "--prune", "0", "--yes"], tmp_path, shutil, "rmtree", 1)
    assert made == 1
    group = results / "island_retake"
    link = group / "latest"
    assert not link.is_symlink() or (group / os.readlink(link)).is_dir(), "latest points at a removed folder"
    r = cli("runs", cwd=tmp_path)
    assert r.exit_code == 0 and "finished removing a folder" in r.stderr
    assert not [p for p in group.iterdir() if ".removed-" in p.name]
