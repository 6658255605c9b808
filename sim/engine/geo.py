"""The map: named places, routes by mode, and shortest travel times for a unit's speeds."""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.config.schema import MapSpec


@dataclass(frozen=True)
class Path:
    places: tuple[str, ...]
    distance_km: float
    minutes: float
    legs: tuple[tuple[int, float], ...] = ()  # (route index, cost) of each step, in order

    def routes_ahead(self, elapsed: float) -> tuple[int, ...]:
        """Routes of the legs not yet finished ``elapsed`` minutes after setting off."""
        done = 0.0
        for i, (_, cost) in enumerate(self.legs):
            done += cost
            if done > elapsed:
                return tuple(r for r, _ in self.legs[i:])
        return ()


class Speeds(dict[str, float]):
    """A unit's speeds by mode (km/h), with the key ``Map.path`` caches paths under, made once: read-only."""

    __slots__ = ("key",)

    def __init__(self, speeds: Mapping[Any, float]):  # Any: a catalogue's modes are a Literal
        super().__init__(speeds)
        self.key = tuple(sorted(self.items()))

    def _read_only(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("a unit's speeds are read-only: paths are cached under them")

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = __ior__ = _read_only  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type[Speeds], tuple[dict[str, float]]]:  # pickle and copy build it anew
        return Speeds, (dict(self),)


class Map:
    def __init__(self, spec: MapSpec):
        self.places = dict(spec.places)
        # adjacency: place -> [(next place, mode, km, route index)]
        self._adj: dict[str, list[tuple[str, str, float, int]]] = {p: [] for p in spec.places}
        for i, r in enumerate(spec.routes):
            self._adj[r.from_].append((r.to, r.mode, r.distance_km, i))
            if not r.oneway:
                self._adj[r.to].append((r.from_, r.mode, r.distance_km, i))
        self.route_index = {r.id: i for i, r in enumerate(spec.routes) if r.id is not None}
        self._cache: dict[tuple[str, str, tuple[tuple[str, float], ...], frozenset[int]], Path | None] = {}

    def path(
        self, src: str, dst: str, speed_kmh: dict[str, float], closed: frozenset[int] = frozenset()
    ) -> Path | None:
        """Fastest path from src to dst on open routes whose mode has a speed; None when there is none."""
        speeds = speed_kmh.key if type(speed_kmh) is Speeds else tuple(sorted(speed_kmh.items()))
        key = (src, dst, speeds, closed)
        try:
            return self._cache[key]
        except KeyError:
            found = self._cache[key] = self._dijkstra(
                src, dst, lambda mode, km: km / speed_kmh[mode] * 60.0 if mode in speed_kmh else None, closed
            )
            return found

    def distance_km(self, src: str, dst: str) -> float | None:
        """Shortest map distance over routes of any mode."""
        p = self._dijkstra(src, dst, lambda mode, km: km, frozenset())
        return None if p is None else p.distance_km

    def _dijkstra(self, src: str, dst: str, cost, closed: frozenset[int]) -> Path | None:  # type: ignore[no-untyped-def]
        # (cost, distance, place, path, legs); ties broken by place name, so results never depend on dict order
        heap: list[tuple[float, float, str, tuple[str, ...], tuple[tuple[int, float], ...]]] = [
            (0.0, 0.0, src, (src,), ())
        ]
        done: set[str] = set()
        while heap:
            c, d, here, trail, legs = heapq.heappop(heap)
            if here == dst:
                return Path(trail, d, c, legs)
            if here in done:
                continue
            done.add(here)
            for nxt, mode, km, route in self._adj[here]:
                step = None if route in closed else cost(mode, km)
                if step is not None and nxt not in done:
                    heapq.heappush(heap, (c + step, d + km, nxt, (*trail, nxt), (*legs, (route, step))))
        return None
