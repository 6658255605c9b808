"""How many replications one point may ask for: light, so that the command line's options can read it."""

from __future__ import annotations

# A million replications of a point give a rate to ± 0.1 percentage point and a mean to ± 0.2 % of its
# standard deviation (95 % intervals), far finer than any planning factor a scenario rests on. Measured
# (island_retake, 104 metrics, the replications themselves stubbed out): the bookkeeping of 1,000,000
# replications peaks at 1.05 GB of memory (its plan takes 47 MB; the summary's columns, 104 x 1,000,000
# values, 830 MB) and writes 1.6 GB of results; the replications take hours (3-17 ms each). Ten million
# would need some 10 GB; 10**11 asked for 24 GB before the first replication ran.
MAX_REPLICATIONS = 1_000_000

# ... and a sweep, all its points together: its plan and progress are made for every replication at once
# (47 MB a million), so ten million (some 470 MB) is as far as one sweep goes.
MAX_TOTAL = 10 * MAX_REPLICATIONS

# --max-events travels to the workers as this override (a run's budget, not a variant of the scenario)
BUDGET = "scenario.max_events"
