"""An exclusive lock on a results folder, so that two exsim processes never write one folder at once."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sim.errors import ExsimError

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def refuse_link(path: Path, what: str = "") -> None:
    """Refuse ``path`` if it is a symbolic link: exsim never writes, renames into or removes through a
    link it did not make (one planted at a lock or work folder would send the write elsewhere)."""
    if path.is_symlink():
        raise ExsimError(
            f"{path}: {what + ' ' if what else ''}is a symbolic link; exsim does not write through links "
            "(remove it, or choose another --out)"
        )


class FolderLock:
    """An exclusive lock on a results folder, held while it is written; refused at once when held.

    The lock file sits beside the folder (``.<name>.lock``) and is removed on release; a holder
    checks after locking that the file it locked is still the one on disk.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder.parent / f".{folder.name}.lock"
        self.fd: int | None = None

    def acquire(self) -> FolderLock:
        import fcntl  # POSIX only: imported where the lock is taken, so that importing exsim works anywhere

        try:
            self.folder.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ExsimError(f"cannot create the output folder {self.folder}: {e.strerror or e}") from None
        while True:
            refuse_link(self.path, "the lock file")
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o666)
            except OSError as e:
                refuse_link(self.path, "the lock file")  # planted between the check and the open
                raise ExsimError(f"cannot write to {self.folder.parent}: {e.strerror or e}") from None
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                os.close(fd)
                raise ExsimError(f"{self.path}: the lock file is not a plain file; remove it")
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 64).decode(errors="replace").strip()
                os.close(fd)
                raise ExsimError(
                    f"{self.folder} is being written by another exsim (pid {holder or '?'}); "
                    "wait for it to finish, or choose another --out"
                ) from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                os.ftruncate(fd, 0)
                os.write(fd, str(os.getpid()).encode())
                self.fd = fd
                return self
            os.close(fd)  # the holder removed the file as we opened it: lock the new one

    def release(self) -> None:
        if self.fd is not None:
            self.path.unlink(missing_ok=True)
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def is_locked(folder: Path) -> bool:
    """Whether a live process is writing ``folder`` now (read from its lock file, without taking it)."""
    path = folder.parent / f".{folder.name}.lock"
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        text = os.read(fd, 64).decode(errors="replace").strip()
    except OSError:
        return False
    finally:
        os.close(fd)
    if not text.isdigit():
        return True  # being created this instant
    try:
        os.kill(int(text), 0)
    except ProcessLookupError:
        return False  # left by a process that was killed
    except PermissionError:
        return True
    return True
