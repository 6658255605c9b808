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
from collections.abc import Sequence

import numpy as np
from numpy.random.bit_generator import ISeedSequence
from numpy.typing import DTypeLike, NDArray

# draws in a stream's first block, and at most; a change here changes every replication: when changing how
# streams are seeded or drawn, bump sim.experiment.streams.SCHEME (stored results record it)
_FIRST, _BLOCK = 8, 512


def seed_sequence(seed: int, replication: int, name: str) -> np.random.SeedSequence:
    return np.random.SeedSequence(seed, spawn_key=(replication, stream_key(name)))


# --- seed_sequence's numbers, worked out in Python ---------------------------------------------------------
# numpy's SeedSequence costs about 10 us to make and 6 us to give PCG64 its state: a replication of the flagship
# makes some 26 streams, 5 % of its time. Its algorithm (O'Neill's seed_seq, as numpy has it since 1.19) mixes the
# words of the seed, the replication and the stream's key one after another, so the first two are mixed once per
# replication and only the key per stream. PCG64 takes any ISeedSequence (numpy's interface for that), and gets
# the same state: tests/engine/test_streams.py checks it against the installed numpy's own, so that a numpy that
# changed its SeedSequence would be noticed (exsim's numbers would stay as they are: they are worked out here).
_M32 = 0xFFFFFFFF
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R, _POOL = 0xCA01F9DD, 0x4973F715, 4


def _words(n: int) -> list[int]:
    """``n`` as SeedSequence takes an int: 32-bit words, least significant first, at least one."""
    if n < 0:
        raise ValueError(f"a seed or replication must not be negative: {n}")  # as SeedSequence
    words = [n & _M32]
    while n := n >> 32:
        words.append(n & _M32)
    return words


def _hashmix(value: int, h: int) -> tuple[int, int]:
    """SeedSequence's hashmix of a 32-bit word with the running hash constant ``h``; the hash and the next constant."""
    value ^= h
    h = h * _MULT_A & _M32
    value = value * h & _M32
    return value ^ value >> 16, h


def _mix(pool: Sequence[int], h: int, words: list[int], skip: int = -1) -> tuple[list[int], int]:
    """SeedSequence's mix_entropy past its first words: each word hashed into every word of the pool but ``skip``
    (hashmix, then mix), ``h`` the running hash constant; the new pool and constant."""
    pool = list(pool)
    for word in words:
        for i in range(_POOL):
            if i != skip:
                value, h = _hashmix(word, h)
                mixed = (_MIX_L * pool[i] - _MIX_R * value) & _M32
                pool[i] = mixed ^ mixed >> 16
    return pool, h


@functools.lru_cache(maxsize=16)  # (the same seed in every replication of a run)
def _seed_pool(seed: int) -> tuple[tuple[int, ...], int]:
    """SeedSequence's pool and hash constant after the seed's words (padded with zeros to the pool's four when,
    as here, a spawn key follows)."""
    words = _words(seed)
    words += [0] * (_POOL - len(words))
    pool, h = [], _INIT_A
    for word in words[:_POOL]:  # the first words hashed into the pool
        value, h = _hashmix(word, h)
        pool.append(value)
    for src in range(_POOL):  # every word of the pool into every other
        pool, h = _mix(pool, h, [pool[src]], skip=src)
    pool, h = _mix(pool, h, words[_POOL:])
    return tuple(pool), h  # (kept by the cache: not to be changed)


class _Seeds(ISeedSequence):
    """What a bit generator asks of a SeedSequence (``generate_state``), from a pool worked out above."""

    def __init__(self, pool: list[int]):
        self.pool = pool

    def generate_state(self, n_words: int, dtype: DTypeLike = np.uint32) -> NDArray[np.uint32 | np.uint64]:
        """SeedSequence.generate_state: 32-bit words hashed from the pool in turn; a 64-bit word from two, low first."""
        wide = np.dtype(dtype) == np.uint64
        h, out = _INIT_B, []
        for i in range(2 * n_words if wide else n_words):
            value = self.pool[i % _POOL] ^ h
            h = h * _MULT_B & _M32
            value = value * h & _M32
            out.append(value ^ value >> 16)
        if wide:
            return np.array([lo | hi << 32 for lo, hi in zip(out[::2], out[1::2], strict=True)], dtype=np.uint64)
        return np.array(out, dtype=np.uint32)


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

    __slots__ = ("_pool", "replication", "seed")

    def __init__(self, seed: int, replication: int):
        super().__init__()
        self.seed = seed
        self.replication = replication
        self._pool = _mix(*_seed_pool(seed), _words(replication))  # the seed's and the replication's words mixed

    def __missing__(self, name: str) -> Stream:
        # seed_sequence(seed, replication, name)'s state for PCG64 (see above), in a Generator as default_rng makes it
        pool, _ = _mix(*self._pool, _words(stream_key(name)))
        seeds = _Seeds(pool)  # (numpy's stubs name SeedSequence only; PCG64 takes any ISeedSequence)
        s = self[name] = Stream(np.random.Generator(np.random.PCG64(seeds)))  # type: ignore[arg-type]
        return s
