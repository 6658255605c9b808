"""Run history: every run and sweep gets a folder of its own, written whole, never overwritten.

    results/<group>/<yyyy-mm-dd_hhmmss>[-<n>]   a finished run or sweep (group: scenario file or sweep name)
    results/<group>/latest                     the group's newest finished folder (a relative symlink)
    results/<group>/.<stamp>.partial           the folder while it is being written; renamed when whole

A folder is locked while it is written (``lock.py``), so two exsim processes never write one at once.
A run id is a folder's path relative to ``results/`` (``island_retake/2026-11-26_101500``); ``latest``
and ``latest~N`` name the newest runs of all groups, ``<group>/latest~N`` those of one group.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sim.errors import ExsimError
from sim.experiment.lock import FolderLock, is_locked, refuse_link
from sim.experiment.output import write_atomic
from sim.experiment.store import FILE, open_store

ROOT = Path("results")
MANIFEST = "manifest.json"
LATEST = "latest"
PARTIAL = ".partial"
STAMP = "%Y-%m-%d_%H%M%S"
_LATEST_REF = re.compile(r"^(?:(?P<group>.+)/)?latest(?:~(?P<back>\d+))?$")


def slug(name: str) -> str:
    """A safe folder name: letters, digits, ``_.-``; never hidden, never ``.`` or ``..``."""
    s = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_.")
    return s or "run"


def confined(root: Path, *parts: str) -> Path:
    """``root/parts``, refused unless it stays inside ``root`` (no ``..``, no absolute part, no symlink out)."""
    path = root.joinpath(*parts)
    base = root.resolve()
    if path.resolve() != base and not path.resolve().is_relative_to(base):
        raise ExsimError(f"{'/'.join(parts)}: an output folder must stay inside {root}/")
    return path


# --- a folder being written ---------------------------------------------------------------------------


@dataclass
class Target:
    """Where a run or sweep is written: ``work`` while running, renamed to ``final`` when complete."""

    final: Path
    work: Path
    resumed: bool = False
    group: Path | None = None  # the group folder whose ``latest`` pointer follows this run

    def commit(self) -> None:
        """Make the folder visible, whole: one rename (and with --force, the old folder removed after it).

        A replacement takes two renames; a journal beside the folder (``.NAME.swap``), written first,
        names the old folder, so that ``recover`` finishes a replacement a kill interrupted."""
        if self.work != self.final:
            if os.path.lexists(self.final):
                old = self.final.with_name(f".{self.final.name}.old-{os.getpid()}")
                refuse_link(old)
                journal = _journal(self.final)
                refuse_link(journal)
                write_atomic(journal, json.dumps({"old": old.name, "work": self.work.name}) + "\n")
                self.final.rename(old)
                self.work.rename(self.final)
                _discard(old)
                journal.unlink()
            else:
                self.work.rename(self.final)
            self.work = self.final
        if self.group is not None:
            point_latest(self.group, self.final.name)


def _journal(final: Path) -> Path:
    return final.with_name(f".{final.name}.swap")


def _discard(path: Path) -> None:
    """Remove a folder exsim set aside (a link is removed, never followed)."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def recover(final: Path) -> str | None:
    """Finish or undo a replacement (``--force``) or removal (``runs --prune``) of ``final`` that a kill
    interrupted, under the folder's lock; returns the one line that says what was done (None: nothing was
    interrupted). A finished result is never deleted: the new one when it was whole, else the old one
    restored."""
    said = None
    journal = _journal(final)
    if journal.is_file() and not journal.is_symlink():
        try:
            entry = json.loads(journal.read_text(encoding="utf-8"))
            old, work = final.with_name(entry["old"]), final.with_name(entry["work"])
        except (OSError, ValueError, KeyError, TypeError):
            raise ExsimError(f"{journal}: an interrupted --force left this note damaged; remove it by hand") from None
        for p in (old, work):
            refuse_link(p)
        if work.is_dir():  # the new folder was whole when the swap began: finish it
            if os.path.lexists(final) and not os.path.lexists(old):
                final.rename(old)
            work.rename(final)
        if os.path.lexists(final):
            if os.path.lexists(old):
                _discard(old)
            said = f"{final}: finished the replacement (--force) that was interrupted"
        elif old.is_dir():
            old.rename(final)
            said = f"{final}: restored the earlier results; the interrupted replacement (--force) was undone"
        journal.unlink()
    for trash in sorted(final.parent.glob(f".{glob_escape(final.name)}.removed-*")):
        if not trash.is_symlink():
            _discard(trash)
            said = said or f"{final}: finished removing it (an earlier exsim runs --prune was interrupted)"
    return said


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def partial(final: Path) -> Path:
    return final.with_name(f".{final.name}{PARTIAL}")


@contextlib.contextmanager
def target(
    out: Path | None,
    group: str,
    *,
    root: Path = ROOT,
    force: bool = False,
    resume: bool = False,
    resumable: bool = False,
    fingerprint: str | None = None,
) -> Iterator[Target]:
    """The folder to write, locked; committed (renamed into place) when the block ends without error.

    ``out`` given: that folder (it may exist only with ``force``, or with ``resume`` for a sweep).
    Otherwise a new ``<root>/<group>/<stamp>``, or with ``resume`` the newest interrupted folder of
    the group whose plan has ``fingerprint``. On an error the work folder is kept only when it holds
    replications a resume can use.
    """
    if force and resume:
        raise ExsimError("--force starts again and --resume continues: give one of them")
    if out is None:
        group_dir = confined(root, slug(group))
        found = _interrupted(group_dir, fingerprint) if resume else None
        lock, tgt = found if found else _new_stamp(group_dir)
    else:
        lock = FolderLock(out).acquire()
        try:
            if said := recover(out):
                print(f"exsim: {said}", file=sys.stderr)
            tgt = _explicit(out, force, resume, resumable)
        except BaseException:
            lock.release()
            raise
    try:
        yield tgt
        tgt.commit()
    except BaseException:
        if (
            tgt.work != tgt.final
            and tgt.work.exists()
            and not tgt.work.is_symlink()
            and not (resumable and _has_replications(tgt.work))
        ):
            shutil.rmtree(tgt.work, ignore_errors=True)
        raise
    finally:
        lock.release()


def _new_stamp(group_dir: Path) -> tuple[FolderLock, Target]:
    stamp = datetime.now().strftime(STAMP)
    for n in range(1, 10_000):
        final = group_dir / (stamp if n == 1 else f"{stamp}-{n}")
        if os.path.lexists(final) or os.path.lexists(partial(final)):
            continue
        lock = FolderLock(final).acquire()
        try:
            partial(final).mkdir()
        except FileExistsError:
            lock.release()
            continue
        except OSError as e:
            lock.release()
            raise ExsimError(f"cannot create the output folder {final}: {e.strerror or e}") from None
        return lock, Target(final, partial(final), group=group_dir)
    raise ExsimError(f"{group_dir}: too many runs in one second")


def _interrupted(group_dir: Path, fingerprint: str | None) -> tuple[FolderLock, Target] | None:
    """The newest interrupted folder of the group made by the same plan, locked."""

    if not group_dir.is_dir():
        return None
    for work in sorted(group_dir.glob(f".*{PARTIAL}"), reverse=True):
        if work.is_symlink():
            continue  # never written through: planted, not left by exsim
        final = _final_of(work)
        try:
            lock = FolderLock(final).acquire()
        except ExsimError:
            continue  # being written by another process
        try:
            store = open_store(work)
            same = store.manifest().get("fingerprint") == fingerprint
            store.close()
        except ExsimError:
            same = False
        if same and not final.exists():
            return lock, Target(final, work, resumed=True, group=group_dir)
        lock.release()
    return None


def _explicit(out: Path, force: bool, resume: bool, resumable: bool) -> Target:
    work = partial(out)
    refuse_link(work, "the work folder")
    if out.exists() and not out.is_dir():
        raise ExsimError(f"--out {out}: not a folder")
    filled = out.is_dir() and any(out.iterdir())
    if filled and not (out / MANIFEST).exists() and not (out / FILE).exists():
        raise ExsimError(f"--out {out} holds files that are not exsim results; choose another folder")
    if resume and resumable and (out / FILE).exists():
        return Target(out, out, resumed=True)  # a finished (or old-style) folder: completed in place
    if work.exists():
        if resume and resumable:
            return Target(out, work, resumed=True)
        _clear_partial(out, work, force, resumable)
    if filled and not force:
        hint = "--resume to complete it, " if resumable else ""
        raise ExsimError(
            f"{out} already holds results; add {hint}--force to replace them (every file in it is removed), "
            "or choose another --out"
        )
    try:
        work.mkdir()
    except OSError as e:
        raise ExsimError(f"cannot create the output folder {out}: {e.strerror or e}") from None
    return Target(out, work)  # an existing ``out`` (--force, or empty) is swapped out at the commit


def _clear_partial(out: Path, work: Path, force: bool, resumable: bool) -> None:
    """Remove an interrupted write's folder beside ``out``, unless it holds a sweep's replications to resume."""
    if resumable and not force and _has_replications(work):
        raise ExsimError(f"{out}: an interrupted sweep was left here; add --resume to complete it, or --force")
    shutil.rmtree(work)


def _has_replications(folder: Path) -> bool:

    path = folder / FILE
    if not path.is_file():
        return False
    try:
        con = sqlite3.connect(path, timeout=5)
        try:
            return con.execute("SELECT 1 FROM replications LIMIT 1").fetchone() is not None
        finally:
            con.close()
    except sqlite3.Error:
        return False


def point_latest(group_dir: Path, name: str | None) -> None:
    """Point ``group/latest`` at ``name`` (None: remove it), atomically.

    A relative symlink, so ``results/<group>/latest/replications.csv`` is a path every tool can open
    and the pointer survives moving ``results/``; where symlinks cannot be made (Windows without the
    privilege), a one-line text file with the folder's name, which ``resolve`` reads the same way.
    """
    link = group_dir / LATEST
    if name is None:
        if link.is_symlink() or link.is_file():
            link.unlink()
        return
    tmp = group_dir / f".{LATEST}.{os.getpid()}"
    tmp.unlink(missing_ok=True)
    try:
        tmp.symlink_to(name, target_is_directory=True)
    except OSError:
        write_atomic(tmp, name + "\n")
    os.replace(tmp, link)


# --- the history: listing, resolving, pruning ---------------------------------------------------------


@dataclass(frozen=True)
class RunInfo:
    id: str
    path: Path
    manifest: dict[str, Any]

    @property
    def started(self) -> str:
        return str(self.manifest.get("started") or "")

    @property
    def time(self) -> float:
        """When it started (a folder of an older exsim: when its manifest was written), for ordering."""
        try:
            return datetime.fromisoformat(self.started).timestamp()
        except ValueError:
            return (self.path / MANIFEST).stat().st_mtime

    @property
    def group(self) -> str:
        return self.id.split("/", 1)[0]

    def lines(self, width: int = 100) -> list[str]:
        """What ``exsim runs`` prints: id and date; scenario and hash; overrides or factors; replications
        and seed; the headline metrics (objectives met, from summary.json), wrapped to ``width`` columns."""
        m = self.manifest
        kind = m.get("kind") or ("run" if m.get("name") == "run" else "sweep")
        sha = str(m.get("scenario_sha256") or "")[:12]
        head = f"{self.id}  {kind}  {self.started.replace('T', ' ')[:19]}"
        points = m.get("points") or []
        what = [
            f"{m.get('scenario', '?')}" + (f" (sha256 {sha}…)" if sha else ""),
            f"seed {m.get('seed')}",
            (f"{len(points)} points × " if kind == "sweep" else "") + f"{m.get('replications')} replications",
        ]
        out = [head, *_wrap(what, width, "  ", sep="  ")]
        if kind == "run":
            out += _wrap(["overrides:", *(m.get("overrides") or ["none"])], width, "  ", sep=" ")
            out += _wrap(_headline(self.path, m, None), width, "  ")
        else:
            for point in points:
                out.append(f"  point {point.get('label')}:")
                out += _wrap(_headline(self.path, m, point.get("point")), width, "    ")
        return out


def _wrap(items: list[str], width: int, indent: str, sep: str = " · ") -> list[str]:
    """``items`` joined by ``sep`` into lines of at most ``width`` columns (an item longer than a line
    stands alone on its line), each line after ``indent``."""
    lines: list[str] = []
    line = ""
    for item in items:
        if line and len(indent) + len(line) + len(sep) + len(item) > width:
            lines.append(indent + line)
            line = item
        else:
            line = f"{line}{sep}{item}" if line else item
    if line:
        lines.append(indent + line)
    return lines


def runs(root: Path = ROOT, group: str | None = None) -> list[RunInfo]:
    """Finished runs and sweeps under ``root``, newest first (a folder with a manifest.json is one)."""
    found = []
    for path in _folders(root, depth=3):
        try:
            manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(manifest, dict):
            continue
        found.append(RunInfo(path.relative_to(root).as_posix(), path, manifest))
    if group is not None:
        found = [r for r in found if r.group == group]
    found.sort(key=lambda r: (r.time, r.id), reverse=True)
    return found


def _headline(folder: Path, manifest: dict[str, Any], point: int | None) -> list[str]:
    """The headline metrics of a run (``point`` None) or of one point of a sweep, from summary.json:
    those the metric catalogue saved in the manifest marks as headline (before it was saved: the
    objectives)."""
    from sim.experiment.meaning import of_manifest  # start-up: `exsim runs` loads neither pydantic nor the models

    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        if point is not None:
            summary = next(p["metrics"] for p in summary if p.get("point") == point)
        specs = of_manifest(manifest).specs
    except (OSError, ValueError, StopIteration, TypeError, KeyError):
        return []
    names = [n for n, m in specs.items() if m.headline]
    if not names:  # a folder written before the catalogue was saved: its objectives (this loads the models)
        from sim.models.objectives import is_objective  # start-up: as above

        names = [n for n in summary if is_objective(n)]
    shown = []
    for name in names:
        s = summary.get(name)
        if not isinstance(s, dict) or not isinstance(s.get("mean"), int | float):
            continue
        spec = specs.get(name)
        if s.get("kind") in ("rate", "share"):
            shown.append(f"{name} {100 * s['mean']:.0f} %")
        else:
            shown.append(f"{name} {s['mean']:.3g}" + (f" {spec.unit}" if spec and spec.unit else ""))
    return shown


def _folders(root: Path, depth: int) -> Iterator[Path]:
    if depth == 0 or not root.is_dir():
        return
    for p in sorted(root.iterdir()):
        if p.name.startswith(".") or p.is_symlink() or not p.is_dir():
            continue
        if (p / MANIFEST).is_file():
            yield p
        yield from _folders(p, depth - 1)  # also below: results/<name>/ of an older exsim held a run itself


def interrupted(root: Path = ROOT, group: str | None = None) -> list[tuple[Path, bool]]:
    """Folders left by a run or sweep that did not finish, with whether one is still being written."""
    if not root.is_dir():
        return []
    found = sorted([*root.glob(f".*{PARTIAL}"), *root.glob(f"*/.*{PARTIAL}")])
    if group is not None:
        found = [p for p in found if p.parent.name == group]
    return [(p, is_locked(_final_of(p))) for p in found if p.is_dir() and not p.is_symlink()]


def _final_of(path: Path) -> Path:
    """The folder a partial folder becomes (the name its lock is taken on)."""
    if path.name.startswith(".") and path.name.endswith(PARTIAL):
        return path.with_name(path.name[1 : -len(PARTIAL)])
    return path


def resolve(ref: str | Path, root: Path = ROOT) -> Path:
    """A results folder from a path or a run id (``latest``, ``latest~1``, ``<group>/latest``, ``<id>``)."""
    text = str(ref)
    path = Path(text)
    if _journal(path).is_file():  # a --force a kill interrupted: finish it first
        with contextlib.suppress(ExsimError), FolderLock(path):  # (being finished by its own process: left to it)
            if said := recover(path):
                print(f"exsim: {said}", file=sys.stderr)
    if path.name == LATEST and path.is_file() and not path.is_symlink():  # the pointer where links cannot be made
        path = _pointee(path)
    if path.is_dir():
        if (path / MANIFEST).exists() or (path / FILE).exists():
            return path
        inside = runs(path)  # a group folder: its newest run
        if inside:
            return inside[0].path
        return path  # the store's own check names what is missing
    if m := _LATEST_REF.match(text):
        history = runs(root, m["group"])
        back = int(m["back"] or 0)
        if back >= len(history):
            where = f"{root}/{m['group']}" if m["group"] else f"{root}/"
            raise ExsimError(f"{text}: {where} holds {len(history)} finished runs (see exsim runs)")
        return history[back].path
    history = runs(root)
    exact = [r for r in history if r.id == text.strip("/")]
    matches = exact or [r for r in history if r.id.endswith("/" + text)]
    if len(matches) == 1:
        return matches[0].path
    if len(matches) > 1:
        raise ExsimError(f"{text}: matches {len(matches)} runs ({', '.join(r.id for r in matches)})")
    raise ExsimError(f"{text}: no such results folder or run id (see exsim runs)")


def remove(path: Path) -> None:
    """Remove a results folder: ``latest`` pointed away from it first, then the folder renamed out of sight,
    so that no reader sees half of it and no kill leaves ``latest`` pointing at nothing (a kill that leaves
    the renamed folder is finished by the next ``recover``)."""
    group = path.parent
    link = group / LATEST
    with FolderLock(_final_of(path)):
        refuse_link(path)
        if (link.is_symlink() or link.is_file()) and _pointee(link).resolve() == path.resolve():
            left = [r for r in runs(group.parent, group.name) if r.path.parent == group and r.path != path]
            point_latest(group, left[0].path.name if left else None)
        trash = path.with_name(f".{path.name}.removed-{os.getpid()}")
        path.rename(trash)
        shutil.rmtree(trash)


def finish_removals(root: Path = ROOT) -> list[str]:
    """Finish the removals (``runs --prune``) a kill interrupted: the folders they had renamed out of sight;
    one line for each, saying so."""
    if not root.is_dir():
        return []
    said = []
    for trash in sorted([*root.glob(".*.removed-*"), *root.glob("*/.*.removed-*")]):
        if trash.is_dir() and not trash.is_symlink():
            shutil.rmtree(trash)
            said.append(f"{trash.parent}: finished removing a folder an interrupted exsim runs --prune left")
    return said


def _pointee(link: Path) -> Path:
    if link.is_symlink():
        return link.parent / os.readlink(link)
    return link.parent / link.read_text(encoding="utf-8").strip()


def to_prune(root: Path, keep: int, group: str | None = None) -> list[RunInfo]:
    """The runs ``--prune KEEP`` removes: all but the newest ``keep`` (of ``group``, if given)."""
    return runs(root, group)[keep:]
