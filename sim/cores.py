"""How many worker processes: the cores this process may use, and a cap (light: the CLI's options read it)."""

from __future__ import annotations

import os


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


# More processes than this only thrash (each replication is CPU-bound) and can exhaust the machine.
MAX_WORKERS = max(8, 4 * default_workers())
