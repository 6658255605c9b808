"""Messages for names that are not known: list the known ones, and say "did you mean" for close matches."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# difflib's ratio: 2 * matching characters / both lengths. At 0.75 one slip in four characters still gets a
# suggestion (mvoe -> move, sied -> side); 0.6, difflib's default, offered closures for colour.
CUTOFF = 0.75


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``"did you mean 'x'?"`` (or ``'x' or 'y'``) for names close to ``name``; empty when none is."""
    close = difflib.get_close_matches(name, [str(k) for k in known], n=3, cutoff=CUTOFF)
    if not close:
        return ""
    return "did you mean " + " or ".join(repr(c) for c in close) + "?"


def unknown(kind: str, name: str, known: Iterable[str], listed: str = "known") -> str:
    """``unknown place 'atlantsi'; did you mean 'atlantis'? (known: atlantis, camp)``."""
    names = sorted(str(k) for k in known)
    hint = did_you_mean(name, names)
    return f"unknown {kind} {name!r}" + (f"; {hint}" if hint else "") + f" ({listed}: {', '.join(names) or 'none'})"
