"""Messages for names that are not known: list the known ones, and say "did you mean" for close matches."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``"did you mean 'x'?"`` (or ``'x' or 'y'``) for names close to ``name``; empty when none is."""
    close = difflib.get_close_matches(name, [str(k) for k in known], n=3, cutoff=0.6)
    if not close:
        return ""
    return "did you mean " + " or ".join(repr(c) for c in close) + "?"


def unknown(kind: str, name: str, known: Iterable[str], listed: str = "known") -> str:
    """``unknown place 'atlantsi'; did you mean 'atlantis'? (known: atlantis, camp)``."""
    names = sorted(str(k) for k in known)
    hint = did_you_mean(name, names)
    return f"unknown {kind} {name!r}" + (f"; {hint}" if hint else "") + f" ({listed}: {', '.join(names) or 'none'})"
