"""Build the shipped basemap (sim/present/basemap/*.json) from Natural Earth's land polygons as the npm
package world-atlas 2.0.2 redistributes them (TopoJSON; Natural Earth is public domain, world-atlas is ISC).

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python tools/basemap.py package/

Two layers: the whole world at 1:110m (a scenario anywhere still gets its coastline) and the Caspian region
at 1:10m (the shipped scenarios), each ring simplified (Douglas-Peucker) and rounded to 0.001 degree.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sim.present.coast import clip

OUT = Path(__file__).resolve().parent.parent / "sim" / "present" / "basemap"
CASPIAN = (44.0, 36.0, 56.0, 48.0)  # lon0, lat0, lon1, lat1: the shipped scenarios' region


def rings(path: Path) -> list[list[tuple[float, float]]]:
    """The land polygons' rings (lon, lat) of a world-atlas TopoJSON file."""
    topo = json.loads(path.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring(ids: list[int]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for i in ids:
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(pts if not out else pts[1:])
        return out

    found = []
    for geom in topo["objects"]["land"]["geometries"]:
        polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        for poly in polys:
            found.extend(ring(r) for r in poly)
    return found


def simplify(pts: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, iterative."""
    if len(pts) < 4:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = pts[a], pts[b]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5 or 1e-12
        far, at = -1.0, -1
        for i in range(a + 1, b):
            x, y = pts[i]
            d = abs(dy * (x - x1) - dx * (y - y1)) / norm if (dx or dy) else ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
            if d > far:
                far, at = d, i
        if far > tol and at > 0:
            keep[at] = True
            stack += [(a, at), (at, b)]
    return [p for p, k in zip(pts, keep, strict=True) if k]


def layer(found: list[list[tuple[float, float]]], tol: float, box: tuple[float, float, float, float] | None) -> list:
    out = []
    for r in found:
        if box is not None:
            r = clip(r, box)
        r = simplify(r, tol)
        if len(r) >= 4:
            out.append([[round(x, 3), round(y, 3)] for x, y in r])
    return out


def main(package: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    world = layer(rings(package / "land-110m.json"), 0.05, None)
    region = layer(rings(package / "land-10m.json"), 0.002, CASPIAN)
    for name, rs, note in (
        ("world", world, "Natural Earth 1:110m land, simplified"),
        ("caspian", region, f"Natural Earth 1:10m land, clipped to lon/lat {CASPIAN}, simplified"),
    ):
        box = CASPIAN if name == "caspian" else (-180.0, -90.0, 180.0, 90.0)
        doc = {"source": note, "box": box, "rings": rs}
        (OUT / f"{name}.json").write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
        print(name, len(rs), "rings", (OUT / f"{name}.json").stat().st_size, "bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
