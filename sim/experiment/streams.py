"""Whether a stored result was drawn as this exsim draws: only then can its replications be repeated exactly.

``SCHEME`` names how the random streams (sim.engine.rng) are seeded and drawn. Stored results record it
("streams" in their manifest; none means 1), and exsim refuses to resume, repeat (``--from``) or replay a
result drawn otherwise, rather than give other numbers under the same name. No numpy here: commands that only
read results check it without loading it.

1. blocks of 512 numbers from a stream's first draw;
2. blocks of 8, then 64, then 512 (2026-11).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.errors import ExsimError

SCHEME = 2
KEY = "streams"


def scheme_of(manifest: Mapping[str, Any]) -> int:
    """The stream scheme a result was made with (results from before it was recorded: 1)."""
    return int(manifest.get(KEY, 1))


def require_alike(manifest: Mapping[str, Any], what: str, instead: str) -> None:
    """Refuse (one line: ``what``, why, and ``instead``) a result whose random numbers this exsim draws otherwise."""
    then = scheme_of(manifest)
    if then != SCHEME:
        raise ExsimError(
            f"{what} was made by an exsim that draws its random numbers differently (streams {then}; this one "
            f"draws {SCHEME}), so its replications cannot be repeated exactly: {instead}"
        )
