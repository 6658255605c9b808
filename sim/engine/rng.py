"""Named random streams derived from one replication's seed.

Stream ``name`` of replication ``i`` under base seed ``s`` is ``SeedSequence(s, spawn_key=(i, h(name)))``
with ``h`` a 64-bit BLAKE2b hash of the name: adding a stream (say, helicopters) never shifts the
numbers of another (combat), and replication i draws the same numbers at every design point (common
random numbers). Models key their streams by entity (``combat:<place>``, ``fires:<unit>``,
``casualty:<place>:<cause>``), so a change to one engagement leaves every other one's numbers alone.
"""

from __future__ import annotations

import functools
import hashlib

import numpy as np

# draws in a stream's first block, and at most; a change here changes every replication: when changing how
# streams are seeded or drawn, bump sim.experiment.streams.SCHEME (stored results record it)
_FIRST, _BLOCK = 8, 512


def seed_sequence(seed: int, replication: int, name: str) -> np.random.SeedSequence:
    return np.random.SeedSequence(seed, spawn_key=(replication, stream_key(name)))


@functools.lru_cache(maxsize=4096)  # the same names in every replication
def stream_key(name: str) -> int:
    """A 64-bit key for a stream name (CRC-32 collides once in ~77,000 pairs of names; this does not)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big")


class Stream:
    """A numpy Generator with block-buffered scalar draws (scalar numpy calls are slow in a loop).

    Blocks grow from ``_FIRST`` draws by a factor of 8 up to ``_BLOCK``: most of a replication's streams
    draw a handful of numbers (one casualty's triage, one unit's losses), and drawing 512 for them was
    a tenth of a replication's time. Each block is used from its end.
    """

    __slots__ = ("_e", "_e_next", "_u", "_u_next", "gen")

    def __init__(self, gen: np.random.Generator):
        self.gen = gen
        self._u: list[float] = []
        self._e: list[float] = []
        self._u_next = self._e_next = _FIRST

    def uniform(self) -> float:
        """One U[0, 1) draw."""
        if not self._u:
            n = self._u_next
            self._u_next = min(8 * n, _BLOCK)
            self._u = self.gen.random(n).tolist()
        return self._u.pop()

    def exponential(self, rate: float) -> float:
        """One Exp(rate) draw (mean 1/rate)."""
        if not self._e:
            n = self._e_next
            self._e_next = min(8 * n, _BLOCK)
            self._e = self.gen.standard_exponential(n).tolist()
        return self._e.pop() / rate

    def binomial(self, n: int, p: float) -> int:
        return int(self.gen.binomial(n, p)) if n > 0 and p > 0 else 0

    def pick(self, weights: list[float], total: float) -> int:
        """Index i with probability weights[i] / total."""
        x = self.uniform() * total
        for i, w in enumerate(weights):
            x -= w
            if x < 0:
                return i
        return max(i for i, w in enumerate(weights) if w > 0)  # rounding at the top end


class Streams(dict[str, Stream]):
    """The replication's streams by name, created on first use.

    A dict whose missing names make their stream: a stream is looked up at every draw of some models (a unit's
    losses, a casualty's triage), and a dict's own lookup is done in C, without a Python call.
    """

    __slots__ = ("replication", "seed")

    def __init__(self, seed: int, replication: int):
        super().__init__()
        self.seed = seed
        self.replication = replication

    def __missing__(self, name: str) -> Stream:
        seeds = seed_sequence(self.seed, self.replication, name)
        # what default_rng makes of a SeedSequence, without its checks of what it was given
        s = self[name] = Stream(np.random.Generator(np.random.PCG64(seeds)))
        return s
