"""Errors a user can cause: each carries where (file, line, column, field) and a plain message."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a user's input, printed as ``file:line:col: field: message``."""

    file: str
    line: int  # 1-based; 0 when the problem has no line (e.g. a command-line option)
    col: int  # 1-based
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


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
        """One line per problem, at most MAX_SHOWN of them (a file that is not a scenario at all could
        otherwise be echoed back key by key)."""
        shown = [str(p) for p in self.problems[:MAX_SHOWN]]
        if len(self.problems) > MAX_SHOWN:
            rest = len(self.problems) - MAX_SHOWN
            shown.append(f"{self.problems[MAX_SHOWN].file}: {rest} more problems not shown; fix these first")
        return shown


MAX_SHOWN = 50


class RunBudgetExceeded(ExsimError):
    """A replication needed more simulated events than its run budget allows."""
