"""Errors a user can cause: each carries where (file, line, column, field) and a plain message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a user's input, printed as ``file:line:col: field: message``."""

    file: str
    line: int  # 1-based; 0 when the problem has no line (e.g. a command-line option)
    col: int  # 1-based
    field: str
    message: str
    set_by: str = ""  # the --set PATH=VALUE that put the wrong thing there, if one did (told in the message)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


def set_by_note(text: str) -> str:
    """What a problem's message says of the --set that caused it: `` (set by --set PATH=VALUE)``."""
    return f" (set by --set {text})" if text else ""


class ExsimError(Exception):
    """Base of every error the user can cause; the CLI prints it and exits 2."""

    def lines(self) -> list[str]:
        return [str(self)]


class ScenarioError(ExsimError):
    """All problems found in a scenario (or catalogue, or sweep) file, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        return capped(self.problems, "problems")


MAX_SHOWN = 50


def capped(problems: Sequence[Problem], what: str) -> list[str]:
    """One line per problem or warning, at most MAX_SHOWN and then their count: a file that is not a
    scenario at all, or one with thousands of units, is not echoed back line by line."""
    shown = [str(p) for p in problems[:MAX_SHOWN]]
    if len(problems) > MAX_SHOWN:
        rest = len(problems) - MAX_SHOWN
        shown.append(f"{problems[MAX_SHOWN].file}: {rest} more {what} not shown")
    return shown


class MissingExtra(ExsimError):
    """A feature whose optional packages are not installed: which, and how to install them as README.md does
    (the extra, from a copy of the exsim repository; or the packages themselves)."""

    def __init__(self, feature: str, extra: str, packages: Sequence[str]):
        names = " ".join(f"'{p}'" if "[" in p else p for p in packages)
        super().__init__(
            f"{feature} needs {' and '.join(packages)}: pip install '.[{extra}]' from a copy of the exsim "
            f"repository, or pip install {names}"
        )


class RunBudgetExceeded(ExsimError):
    """A replication needed more simulated events than its run budget allows."""
