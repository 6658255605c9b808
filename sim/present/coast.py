"""The basemap under every map (report, projector, phones): Natural Earth's land, shipped in the package
(sim/present/basemap: a coarse world layer and a finer one for the Caspian region; see its LICENSE.md),
clipped to the picture's area and drawn as one SVG path (holes such as the Caspian Sea by even-odd)."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from importlib import resources
from typing import Any

Box = tuple[float, float, float, float]  # lon0, lat0, lon1, lat1
LAYERS = ("caspian", "world")  # the finest first: the first whose box holds the picture's area is drawn
ATTRIBUTION = "Natural Earth"  # public domain (the attribution says so in the reader's language)


@functools.cache
def layer(name: str) -> dict[str, Any]:
    text = (resources.files("sim.present") / "basemap" / f"{name}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def rings(box: Box, core: Box | None = None) -> list[list[tuple[float, float]]]:
    """The land's rings (lon, lat) clipped to ``box``, from the finest layer that covers ``core`` (the
    picture itself; ``box`` adds room to pan, cut to that layer's area)."""
    core = core or box
    for name in LAYERS:
        data = layer(name)
        b0, b1, b2, b3 = data["box"]
        if b0 <= core[0] and b1 <= core[1] and core[2] <= b2 and core[3] <= b3:
            box = (max(box[0], b0), max(box[1], b1), min(box[2], b2), min(box[3], b3))
            break
    out = []
    for ring in data["rings"]:
        lons = [p[0] for p in ring]
        lats = [p[1] for p in ring]
        if max(lons) < box[0] or min(lons) > box[2] or max(lats) < box[1] or min(lats) > box[3]:
            continue
        clipped = clip([(p[0], p[1]) for p in ring], box)
        if len(clipped) >= 3:
            out.append(clipped)
    return out


def clip(ring: list[tuple[float, float]], box: Box) -> list[tuple[float, float]]:
    """Sutherland-Hodgman: the part of a ring inside a lon/lat box (a ring around the box becomes the box)."""
    lon0, lat0, lon1, lat1 = box

    def at_x(p: tuple[float, float], q: tuple[float, float], x: float) -> tuple[float, float]:
        return x, p[1] + (q[1] - p[1]) * (x - p[0]) / (q[0] - p[0])

    def at_y(p: tuple[float, float], q: tuple[float, float], y: float) -> tuple[float, float]:
        return p[0] + (q[0] - p[0]) * (y - p[1]) / (q[1] - p[1]), y

    edges: list[tuple[Callable[[tuple[float, float]], bool], Callable[..., tuple[float, float]]]] = [
        (lambda p: p[0] >= lon0, lambda p, q: at_x(p, q, lon0)),
        (lambda p: p[0] <= lon1, lambda p, q: at_x(p, q, lon1)),
        (lambda p: p[1] >= lat0, lambda p, q: at_y(p, q, lat0)),
        (lambda p: p[1] <= lat1, lambda p, q: at_y(p, q, lat1)),
    ]
    out = ring
    for inside, cut in edges:
        if not out:
            break
        src, out = out, []
        for i, q in enumerate(src):
            p = src[i - 1]
            if inside(q):
                if not inside(p):
                    out.append(cut(p, q))
                out.append(q)
            elif inside(p):
                out.append(cut(p, q))
    return out


def path(box: Box, xy: Callable[[float, float], tuple[float, float]], core: Box | None = None) -> str:
    """The land inside ``box`` as one SVG path's ``d`` on the picture ``xy`` projects to (fill-rule evenodd)."""
    parts = []
    for ring in rings(box, core):
        pts = [xy(lat, lon) for lon, lat in ring]
        parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z")
    return "".join(parts)
