"""The one boundary between exsim and its user: what a problem prints, and the exit codes.

0 done; 1 finished with errors in some replications (or warnings with --strict); 2 a problem with the
input; 70 (sysexits.h EX_SOFTWARE) a bug in exsim; 130 Ctrl-C; 143 SIGTERM.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from sim import _process
from sim.cli.lazy import LazyGroup
from sim.config.text import plain
from sim.errors import ExsimError


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so that it unwinds exactly like Ctrl-C."""


# sysexits.h EX_SOFTWARE: an internal error (a bug in exsim), told apart from 2, a problem with the input
EXIT_BUG = 70

RESUME_HINT = "exsim.resume_hint"  # ctx.meta key: what an interrupted command kept, and how to go on


class ExsimGroup(LazyGroup):
    """The one boundary between exsim and its user.

    Every problem the user can cause — an ExsimError (bad scenario, sweep or option), a usage error
    from click, an OSError on a file or folder they named — is printed as one line per problem on
    stderr with exit code 2. Ctrl-C and SIGTERM stop the run with a line saying what was kept (exit
    130 or 143). Anything else is a bug in exsim: it ends with exit 70 and a short report naming the
    exception and where it was raised, not a traceback aimed at the wrong person; EXSIM_DEBUG=1 lets
    it propagate with its traceback (the test suite sets it, so a bug fails its test loudly).
    """

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # type: ignore[no-untyped-def]
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        with _sigterm_as_interrupt():
            try:
                rv = super().main(args, prog_name, complete_var, False, **extra)
            except click.ClickException as e:  # an unknown option, a bad value, a missing argument
                click.echo(plain(_usage_line(e)), err=True)
                sys.exit(e.exit_code)
            except click.Abort:  # click's own interrupt (outside a command)
                click.echo("exsim: interrupted", err=True)
                sys.exit(130)
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except ExsimError as e:
            for line in e.lines():
                click.echo(plain(line), err=True)
            ctx.exit(2)
        except BrokenPipeError:  # `exsim schema | head`: the reader left; nothing to say to anyone
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (interpreter shutdown flushes stdout)
            ctx.exit(2)
        except OSError as e:  # a file or folder the user named: unreadable, missing, a full disk
            click.echo(plain(_os_line(e)), err=True)
            ctx.exit(2)
        except KeyboardInterrupt as e:
            terminated = isinstance(e, Terminated)
            hint = ctx.meta.get(RESUME_HINT)
            click.echo(
                f"exsim: {'terminated (SIGTERM)' if terminated else 'interrupted'}{'; ' + hint if hint else ''}",
                err=True,
            )
            ctx.exit(143 if terminated else 130)
        except Exception as e:
            if os.environ.get("EXSIM_DEBUG"):
                raise
            click.echo(plain(_bug_line(e)), err=True)
            ctx.exit(EXIT_BUG)

    def _lazy_load(self, cmd_name: str) -> click.Command:
        with _process.starting():  # a command's imports are start-up: long-lived objects, no garbage to collect
            return super()._lazy_load(cmd_name)


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """While a command runs, SIGTERM raises Terminated in the main thread (once; a second one kills)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        raise Terminated

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _usage_line(e: click.ClickException) -> str:
    ctx = getattr(e, "ctx", None)
    where = ctx.command_path if ctx is not None else "exsim"
    message = " ".join(e.format_message().split())
    return f"{where}: {message} (see {where} --help)" if isinstance(e, click.UsageError) else f"{where}: {message}"


# what an OSError without words of its own means (never a bare class name)
_OS_WORDS = {
    TimeoutError: "timed out (a remote machine or file did not answer in time)",
    ConnectionRefusedError: "connection refused",
    ConnectionResetError: "the connection was closed by the other side",
    ConnectionError: "the connection failed",
    FileNotFoundError: "no such file or folder",
    PermissionError: "permission denied",
}


def _os_line(e: OSError) -> str:
    name = e.filename if e.filename is not None else ""
    reason = (
        e.strerror
        or " ".join(str(e).split())
        or next(
            (words for kind, words in _OS_WORDS.items() if isinstance(e, kind)),
            f"the operating system refused ({type(e).__name__}, errno {e.errno})",
        )
    )
    reason = reason[:1].lower() + reason[1:]
    return f"{name}: {reason}" if name else f"exsim: {reason}"


def _bug_line(e: BaseException) -> str:
    frames = traceback.extract_tb(e.__traceback__)
    at = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno} in {frames[-1].name}" if frames else ""
    what = " ".join(f"{type(e).__name__}: {e}".split())[:300]
    return f"exsim: internal error (a bug in exsim, not in your input): {what}{at}; EXSIM_DEBUG=1 shows the traceback"
