"""``exsim serve`` as a user starts it: a process on a free port, polled until it answers, then stopped with
Ctrl-C (SIGINT) as a facilitator would. Shared by the README commands and the serve tests."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Served:
    proc: subprocess.Popen[str]
    projector: str
    join: str
    code: str
    answered_s: float  # from the process's start to the first page served
    lines: list[str] = field(default_factory=list)  # what it printed
    exit_code: int | None = None


def local(args: list[str]) -> list[str]:
    """The command on ``127.0.0.1`` and ``--port 0`` (any free port): a test never takes a fixed port, and
    talks to this machine's loopback only (a command shown with ``--host 0.0.0.0`` would print, and the
    test would poll, the machine's network address)."""
    args = list(args)
    for option in ("--port", "--host"):
        while option in args:
            del args[args.index(option) : args.index(option) + 2]
    return [*args, "--host", "127.0.0.1", "--port", "0"]


@contextlib.contextmanager
def served(args: list[str], cwd: Path, timeout_s: float = 60.0) -> Iterator[Served]:
    """Run ``exsim serve ARGS`` until the block ends, then Ctrl-C it and wait for it to save and exit."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONFAULTHANDLER": "1"}  # SIGABRT: every thread's stack
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "serve", *local(args)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    out: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            out.put(line.rstrip("\n"))
        out.put(None)

    threading.Thread(target=pump, daemon=True).start()
    lines: list[str] = []
    try:
        projector = join = code = None
        deadline = time.monotonic() + timeout_s
        while join is None:
            line = out.get(timeout=max(0.1, deadline - time.monotonic()))
            if line is None:
                raise AssertionError(f"exsim serve ended before serving: {lines}")
            lines.append(line)
            if m := re.search(r"projector \(facilitator only\): (\S+)", line):
                projector = m.group(1)
            if m := re.search(r"joins at (\S+) with the code (\w+)", line):
                join, code = m.group(1), m.group(2)
        while True:
            try:
                with urllib.request.urlopen(join, timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        assert projector is not None and code is not None
        running = Served(proc, projector, join, code, time.perf_counter() - t0, lines)
        yield running
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:  # a hang: where each of its threads is, then the server's last words
            proc.send_signal(signal.SIGABRT)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            _drained(out, lines)
            _close(proc)
            tail = "\n".join(lines[-80:])
            raise AssertionError(f"exsim serve did not stop within {timeout_s:.0f} s of Ctrl-C:\n{tail}") from None
        _drained(out, lines)
        _close(proc)
    running.exit_code = proc.returncode


def _drained(out: queue.Queue[str | None], lines: list[str]) -> None:
    """What the server printed to the end (the pump's None), or for 5 s."""
    with contextlib.suppress(queue.Empty):
        while (line := out.get(timeout=5)) is not None:
            lines.append(line)


def _close(proc: subprocess.Popen[str]) -> None:
    """Close the server's output pipe, whatever happened (left open, a later test would see its warning)."""
    if proc.stdout is not None:
        proc.stdout.close()
