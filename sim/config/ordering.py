"""The order in which a plan's phases come, read from their triggers without running them."""

from __future__ import annotations

from sim.config.schema import Phase


def phases_in_order(phases: list[Phase]) -> list[Phase]:
    """Phases after those they wait for; else those waiting on a condition last, then by start time, file order."""
    done: list[Phase] = []
    left = sorted(phases, key=lambda p: (p.when is not None or p.on_call, p.start or 0.0))
    while left:
        ready = next((p for p in left if all(a in {d.id for d in done} for a in p.after)), left[0])  # a cycle: as is
        done.append(ready)
        left.remove(ready)
    return done
