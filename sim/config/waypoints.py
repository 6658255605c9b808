"""A route's shape on the map: its two ends and the waypoints between (``via:``), distances along it, and the
point a given share of the way along. Maps draw routes and the units on them with it; travel times stay the
route's ``distance_km`` over the unit's speed (the shape is where, not how long)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from sim.config.schema import MapSpec

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)
Point = tuple[float, float]  # (lat, lon), degrees


def great_circle_km(a: Point, b: Point) -> float:
    """The haversine distance between two (lat, lon) points, km."""
    (la1, lo1), (la2, lo2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def shape(spec: MapSpec, route: int, origin: str) -> list[Point]:
    """The points of route ``route`` from ``origin`` (either of its ends) to the other end, waypoints between."""
    r = spec.routes[route]
    a, b = spec.places[r.from_], spec.places[r.to]
    points = [(a.lat, a.lon), *r.via, (b.lat, b.lon)]
    return points if origin == r.from_ else points[::-1]


def point_along(points: Sequence[Point], share: float) -> Point:
    """The point ``share`` (0 to 1) of the way along the polyline ``points``, by great-circle distance."""
    pairs = list(itertools.pairwise(points))
    legs = [great_circle_km(p, q) for p, q in pairs]
    left = max(0.0, min(1.0, share)) * sum(legs)
    for (p, q), km in zip(pairs, legs, strict=True):
        if left <= km and km > 0:
            k = left / km
            return p[0] + (q[0] - p[0]) * k, p[1] + (q[1] - p[1]) * k
        left -= km
    return points[-1]
