"""What one traced replication did over time, derived from its trace: where each unit was (for the map
replay), what it was doing (for the Gantt chart), casualty flow, and the sampled stocks and queues."""

from __future__ import annotations

import itertools
import math
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sim.config import waypoints
from sim.config.schema import Scenario
from sim.engine.geo import Map, Speeds
from sim.present import coast, symbols
from sim.present.i18n import N_
from sim.present.labels import Labels

MODE = {"land": N_("land"), "sea": N_("sea"), "air": N_("air")}  # a route's mode, in a map's tooltip
# a keyframe: (t, place left or at, place bound for, the route taken: an index into map.routes, or None when
# at rest or when the way is not known, drawn straight)
Frame = tuple[float, str, str, int | None]


def positions(scenario: Scenario, events: Sequence[Mapping[str, Any]]) -> dict[str, list[Frame]]:
    """Per unit, keyframes (t, place left or at, place bound for, route): at rest both are the same place.

    A unit aboard a transport moves with it: its keyframes are the transport's while aboard.
    """
    own: dict[str, list[Frame]] = {u.id: [(0.0, u.at, u.at, None)] for u in scenario.units}
    legs = _Legs(scenario)
    aboard: dict[str, list[tuple[float, float, str]]] = {}  # unit -> (embarked, disembarked, transport)
    boarded: dict[str, tuple[float, str]] = {}
    for e in events:
        kind = e["kind"]
        if kind == "depart":
            own[e["unit"]].extend(legs.frames(e))
        elif kind == "arrive":
            own[e["unit"]].append((e["t"], e["at"], e["at"], None))
        elif kind == "embark":
            boarded[e["unit"]] = (e["t"], e["on"])
        elif kind == "disembark":
            start, on = boarded.pop(e["unit"], (e["t"], e["transport"]))
            aboard.setdefault(e["unit"], []).append((start, e["t"], on))
            own[e["unit"]].append((e["t"], e["at"], e["at"], None))
    end = scenario.scenario.duration
    for uid, (start, on) in boarded.items():  # still aboard at the end
        aboard.setdefault(uid, []).append((start, end, on))
    out = {}
    for uid, frames in own.items():
        merged = list(frames)
        for start, stop, on in aboard.get(uid, []):
            inside = [f for f in own.get(on, []) if start <= f[0] < stop]
            before = [f for f in own.get(on, []) if f[0] <= start]
            first = (start, *before[-1][1:]) if before else None
            merged = [f for f in merged if not start < f[0] < stop] + ([first] if first else []) + inside
        merged.sort(key=lambda f: f[0])
        out[uid] = merged
    return out


class _Legs:
    """A journey's keyframes stop by stop: the places its fastest path passes through (the engine's own path
    for the unit's speeds), each reached at its share of the time, along its route; a journey whose time is not
    that path's (a closure made it go round) is drawn straight."""

    def __init__(self, scenario: Scenario):
        self.map = Map(scenario.map)
        self.speeds = {u.id: Speeds(scenario.unit_types[u.type].speed_kmh) for u in scenario.units}

    def frames(self, e: Mapping[str, Any]) -> list[Frame]:
        t, origin, to = e["t"], e["origin"], e["to"]
        path = self.map.path(origin, to, self.speeds[e["unit"]]) if e["unit"] in self.speeds else None
        eta = e.get("eta_min")
        if path is None or eta is None or not math.isclose(path.minutes, eta, rel_tol=1e-9):
            return [(t, origin, to, None)]
        out: list[Frame] = []
        done = 0.0
        for (a, b), (route, cost) in zip(itertools.pairwise(path.places), path.legs, strict=True):
            out.append((t + done, a, b, route))
            done += cost
        return out


def activity(scenario: Scenario, events: Sequence[Mapping[str, Any]]) -> dict[str, list[tuple[float, float, str]]]:
    """Per unit, intervals (start, end, state) of moving, aboard and engaged (minutes)."""
    end = scenario.scenario.duration
    bars: dict[str, list[tuple[float, float, str]]] = {u.id: [] for u in scenario.units}
    open_: dict[tuple[str, str], float] = {}
    fighting: dict[str, set[str]] = {}
    for e in events:
        kind, t = e["kind"], e["t"]
        if kind == "depart":
            open_[(e["unit"], "moving")] = t
        elif kind == "arrive" and (e["unit"], "moving") in open_:
            bars[e["unit"]].append((open_.pop((e["unit"], "moving")), t, "moving"))
        elif kind == "embark":
            open_[(e["unit"], "aboard")] = t
        elif kind == "disembark" and (e["unit"], "aboard") in open_:
            bars[e["unit"]].append((open_.pop((e["unit"], "aboard")), t, "aboard"))
        elif kind == "engagement_start":
            fighting[e["place"]] = {*e["attackers"], *e["defenders"]}
            for u in fighting[e["place"]]:
                open_[(u, "engaged")] = t
        elif kind == "engagement_join":
            fighting.setdefault(e["place"], set()).add(e["unit"])
            open_[(e["unit"], "engaged")] = t
        elif kind == "engagement_end":
            for u in sorted(fighting.pop(e["place"], set())):
                if (u, "engaged") in open_:
                    bars[u].append((open_.pop((u, "engaged")), t, "engaged"))
    for (u, state), start in sorted(open_.items()):
        bars[u].append((start, end, state))
    return bars


def phases(scenario: Scenario, events: Sequence[Mapping[str, Any]]) -> list[tuple[str, float, float]]:
    """(phase, start, end) in minutes; a phase still running at the end ends with the run."""
    start = {e["phase"]: e["t"] for e in events if e["kind"] == "phase_start"}
    done = {
        e["name"].split(":", 1)[1]: e["t"] for e in events if e["kind"] == "signal" and e["name"].startswith("phase:")
    }
    end = scenario.scenario.duration
    return [(p.id, start[p.id], done.get(p.id, end)) for p in scenario.phases if p.id in start]


def casualty_flow(scenario: Scenario, events: Sequence[Mapping[str, Any]]) -> dict[str, tuple[list[float], list[int]]]:
    """Cumulative counts over time (minutes): casualties entering the chain, reaching Role 2 and Role 3,
    returned to duty, died of wounds."""
    roles = {f.id: f.role for f in scenario.medical.facilities} if scenario.medical else {}
    counters: dict[str, list[float]] = {
        k: [] for k in ("casualty", "role2", "role3", "returned_to_duty", "died_of_wounds")
    }
    for e in events:
        kind = e["kind"]
        if kind in ("casualty", "returned_to_duty", "died_of_wounds"):
            counters[kind].append(e["t"])
        elif kind == "medevac":
            role = roles.get(e["to"])
            if role in (2, 3):
                counters[f"role{role}"].extend([e["t"]] * len(e["casualties"]))
    end = scenario.scenario.duration
    out = {}
    for k, times in counters.items():
        xs, ys = [0.0], [0]
        for i, t in enumerate(sorted(times), 1):
            xs.append(t)
            ys.append(i)
        xs.append(end)
        ys.append(ys[-1])
        out[k] = (xs, ys)
    return out


def sampled(events: Sequence[Mapping[str, Any]], field: str) -> dict[str, tuple[list[float], list[float]]]:
    """A sampled quantity over time: ``field`` is depots (one line per depot and class), queues or strength."""
    out: dict[str, tuple[list[float], list[float]]] = {}
    for e in events:
        if e["kind"] != "sample":
            continue
        if field == "strength":
            items = {u: v[1] for u, v in e["units"].items()}
        elif field == "depots":
            items = {f"{d}|{c}": v for d, levels in e.get("depots", {}).items() for c, v in levels.items()}
        else:
            items = dict(e.get(field, {}))
        for k, v in items.items():
            xs, ys = out.setdefault(k, ([], []))
            xs.append(e["t"])
            ys.append(float(v))
    return out


def at(frames: Sequence[Frame], t: float) -> tuple[str, str, float]:
    """Where a unit is at ``t``: (from, to, fraction of the way), for tests and static maps."""
    times = [f[0] for f in frames]
    i = bisect_right(times, t) - 1
    t0, a, b, _ = frames[max(i, 0)]
    if a == b or i + 1 >= len(frames):
        return a, b, 0.0 if a == b else 1.0
    t1 = frames[i + 1][0]
    return a, b, 0.0 if t1 <= t0 else min(1.0, (t - t0) / (t1 - t0))


def where(scenario: Scenario, frames: Sequence[Frame], t: float) -> waypoints.Point:
    """Where a unit is drawn at ``t``, (lat, lon): along its route's waypoints by distance (the map replay's
    replay.js does the same on the picture), straight between the places when the route is not known."""
    a, b, share = at(frames, t)
    places = scenario.map.places
    route = frames[max(bisect_right([f[0] for f in frames], t) - 1, 0)][3]
    if route is None:
        points = [(places[a].lat, places[a].lon), (places[b].lat, places[b].lon)]
    else:
        points = waypoints.shape(scenario.map, route, a)
    return waypoints.point_along(points, share)


def projection(scenario: Scenario, width: float, height: float, margin: float = 40.0) -> dict[str, tuple[float, float]]:
    """Place -> (x, y) on a width × height picture: equirectangular, x scaled by cos(mean latitude)."""
    xy = projector(scenario, width, height, margin)
    return {pid: xy(p.lat, p.lon) for pid, p in scenario.map.places.items()}


def _frame(
    scenario: Scenario, width: float, height: float, margin: float
) -> tuple[float, float, float, float, float, float]:
    """(k, scale, x0, y0, lat0, lon0) of the picture: lon scaled by k = cos(mean latitude), pixels per degree."""
    places = scenario.map.places
    lats = [p.lat for p in places.values()]
    lons = [p.lon for p in places.values()]
    k = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * k, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    return k, scale, (width - span_x * scale) / 2, (height - span_y * scale) / 2, min(lats), min(lons)


def projector(
    scenario: Scenario, width: float, height: float, margin: float = 40.0
) -> Callable[[float, float], tuple[float, float]]:
    """(lat, lon) -> (x, y) on the picture ``projection`` draws the places on (for a unit part-way along)."""
    k, scale, x0, y0, lat0, lon0 = _frame(scenario, width, height, margin)

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return round(x0 + (lon - lon0) * k * scale, 1), round(height - y0 - (lat - lat0) * scale, 1)

    return xy


KM_PER_DEGREE = 111.32  # along a meridian
RANK = {"objective": 0, "port": 1, "airfield": 1, "hospital": 2, "training_area": 2}  # whose label wins a clash


def main_view(points: Sequence[tuple[float, float]], width: float, height: float) -> list[float] | None:
    """The part of the picture where the action is: the points within three times the median distance of
    the median point (a far-off home port would shrink everything else to a corner), padded, in the
    picture's proportions; None when that is most of the picture anyway."""
    if len(points) < 3:
        return None

    def mid(a: Sequence[float]) -> float:
        return sorted(a)[len(a) // 2]

    cx, cy = mid([p[0] for p in points]), mid([p[1] for p in points])
    d = [math.hypot(x - cx, y - cy) for x, y in points]
    near = [p for p, di in zip(points, d, strict=True) if di <= 3 * max(mid(d), 1.0)]
    xs, ys = [p[0] for p in near], [p[1] for p in near]
    w = max((max(xs) - min(xs)) * 1.4, (max(ys) - min(ys)) * 1.4 * width / height, width / 40)
    if w >= 0.8 * width:
        return None
    h = w * height / width
    x, y = (min(xs) + max(xs)) / 2 - w / 2, (min(ys) + max(ys)) / 2 - h / 2
    return [round(x, 1), round(y, 1), round(w, 1), round(h, 1)]


def layout(scenario: Scenario, names: Labels, width: float, height: float) -> dict[str, Any]:
    """The static map: land and sea (Natural Earth), routes as lines and places as labelled points on a
    width × height picture, the view that fits the action (``view``: x, y, w, h; None: the whole picture),
    and the kilometres per picture unit for the scale bar (the report's map and the classroom's screens
    draw the same one)."""
    place_name = names.place
    xy = projection(scenario, width, height)
    k, scale, x0, y0, lat0, lon0 = _frame(scenario, width, height, 40.0)
    west, east = lon0 - x0 / (k * scale), lon0 + (width - x0) / (k * scale)
    south, north = lat0 - y0 / scale, lat0 + (height - y0) / scale
    pad_x, pad_y = east - west, north - south  # room to pan
    box = (west - pad_x, max(-90.0, south - pad_y), east + pad_x, min(90.0, north + pad_y))
    land = coast.path(box, projector(scenario, width, height), core=(west, south, east, north))
    routes = []
    to_xy = projector(scenario, width, height)
    for r in scenario.map.routes:
        (x1, y1), (x2, y2) = xy[r.from_], xy[r.to]
        between = "".join("L{},{}".format(*to_xy(lat, lon)) for lat, lon in r.via)
        km, mode = names.lang.num.general(r.distance_km), names._(MODE[r.mode])
        title = names._("{origin} – {to}: {km} km ({mode})").format(
            origin=place_name(r.from_), to=place_name(r.to), km=km, mode=mode
        )
        routes.append({"mode": r.mode, "d": f"M{x1},{y1}{between}L{x2},{y2}", "title": title})
    places = [
        {
            "id": pid,
            "x": x,
            "y": y,
            "dx": 7,
            "dy": 4,
            "anchor": "start",
            "rank": RANK.get(scenario.map.places[pid].kind, 3),
            "name": place_name(pid),
        }
        for pid, (x, y) in xy.items()
    ]
    places.sort(key=lambda p: (p["rank"], p["id"]))  # the first drawn wins a clash of labels
    view = main_view(list(xy.values()), width, height)
    return {
        "width": width,
        "height": height,
        "land": [land] if land else [],
        "routes": routes,
        "places": places,
        "view": view,
        "km": round(KM_PER_DEGREE / scale, 5),
        "km_word": names.measure("km"),
        "attribution": names._("Coastline: {source} (public domain)").format(source=coast.ATTRIBUTION),
    }


def shapes(scenario: Scenario, width: float, height: float) -> dict[str, dict[str, Any]]:
    """The routes with waypoints on the picture, by route index: the place they start from and their points
    (ends included), for the replay to move units along them (a route without waypoints is straight)."""
    xy = projector(scenario, width, height)
    return {
        str(i): {"from": r.from_, "points": [list(xy(*p)) for p in waypoints.shape(scenario.map, i, r.from_)]}
        for i, r in enumerate(scenario.map.routes)
        if r.via
    }


def unit_marks(scenario: Scenario, names: Labels) -> list[dict[str, Any]]:
    """The units' markers on a map: side (for the colour), military symbol (sim.present.symbols), display name,
    and name with id for the tooltip."""
    sides = list(scenario.sides)
    out = []
    for u in scenario.units:
        side = sides.index(u.side) % 3 if u.side in sides else 0
        drawn = symbols.symbol(u.type, scenario.unit_types[u.type].speed_kmh, side)
        out.append(
            {"id": u.id, "side_index": side, "name": names.text(u.name) or u.id, "label": names.unit(u.id), **drawn}
        )
    return out
