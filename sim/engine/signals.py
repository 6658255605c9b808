"""Conditions that phases and orders wait for, as typed keys (a misspelt one is an error, not a silent wait)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PhaseDone:
    phase: str

    def __str__(self) -> str:
        return f"phase:{self.phase}"


@dataclass(frozen=True, slots=True)
class Secured:
    place: str

    def __str__(self) -> str:
        return f"secured:{self.place}"


@dataclass(frozen=True, slots=True)
class Broken:
    """A side broken at one place (``place`` given: it lost the engagement there), or as a whole (``place``
    None: every part of it that could fight has broken)."""

    side: str
    place: str | None = None

    def __str__(self) -> str:
        return f"broken:{self.side}" if self.place is None else f"broken:{self.side}@{self.place}"


@dataclass(frozen=True, slots=True)
class Called:
    """An on-call phase was called (by a decision)."""

    phase: str

    def __str__(self) -> str:
        return f"called:{self.phase}"


Condition = PhaseDone | Secured | Broken | Called
