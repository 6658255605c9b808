"""The map under the report and the classroom: Natural Earth's land shipped in the package (a coastline with
land and sea), the view that fits the action (a far-off home port left to the locator), and the kilometres
per picture unit the scale bar is drawn from."""

from __future__ import annotations

import math
import re

import pytest

from sim.check import load_scenario
from sim.present import coast, i18n, tracks
from sim.present.labels import Labels
from tests.conftest import REPO

W, H = 900, 600


def _layout(name: str, lang: str = "en") -> tuple[object, dict]:
    scenario = load_scenario(REPO / "scenarios" / f"{name}.yaml").scenario
    return scenario, tracks.layout(scenario, Labels(scenario, i18n.language(lang)), W, H)


def _rings(d: str) -> list[list[tuple[float, float]]]:
    """An SVG path's rings (M ... L ... Z), read back from the text the page is given."""
    out = []
    for part in d.split("Z"):
        pts = [tuple(map(float, xy.split(","))) for xy in re.findall(r"-?[\d.]+,-?[\d.]+", part)]
        if pts:
            out.append(pts)
    return out


def _on_land(rings: list[list[tuple[float, float]]], x: float, y: float) -> bool:
    """Even-odd, as the page fills the path: inside an odd number of rings (matplotlib's test, not ours)."""
    from matplotlib.path import Path

    return sum(Path(r).contains_point((x, y)) for r in rings) % 2 == 1


def test_the_flagship_map_has_a_coastline_with_land_and_sea():
    scenario, layout = _layout("birlestik_2024")
    (land,) = layout["land"]
    rings = _rings(land)
    assert sum(len(r) for r in rings) > 200  # a coastline, not a box
    xy = tracks.projector(scenario, W, H)
    aktau = scenario.map.places["aktau_airfield"]
    assert _on_land(rings, *xy(aktau.lat, aktau.lon))  # the airfield is ashore
    assert not _on_land(rings, *xy(42.0, 50.5))  # the middle of the Caspian is sea
    assert not _on_land(rings, *xy(43.3, 50.0))  # and so is the sea west of the coast


def test_a_scenario_elsewhere_still_gets_its_coastline_from_the_world_layer():
    xy = lambda lat, lon: (lon, -lat)  # noqa: E731 - degrees as picture units
    channel = coast.path((-6.0, 49.0, 3.0, 53.0), xy)  # the English Channel, outside the Caspian layer
    rings = _rings(channel)
    assert rings and _on_land(rings, -1.5, -52.0)  # England
    assert not _on_land(rings, -3.0, -50.0)  # the Channel


def test_the_view_fits_the_action_and_leaves_alat_to_the_locator():
    _, layout = _layout("birlestik_2024")
    x, y, w, h = layout["view"]
    assert math.isclose(w / h, W / H, rel_tol=1e-3)
    spots = {p["id"]: (p["x"], p["y"]) for p in layout["places"]}
    seen = {pid for pid, (px, py) in spots.items() if x <= px <= x + w and y <= py <= y + h}
    assert "alat_port" not in seen
    assert seen == set(spots) - {"alat_port"}, set(spots) - seen


def test_a_compact_scenario_is_shown_whole():
    _, layout = _layout("island_retake")
    assert layout["view"] is None


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_scale_is_true_to_the_coordinates(lang):
    scenario, layout = _layout("birlestik_2024", lang)
    spots = {p["id"]: (p["x"], p["y"]) for p in layout["places"]}
    a, b = scenario.map.places["aktau_airfield"], scenario.map.places["kuryk_port"]
    (x1, y1), (x2, y2) = spots["aktau_airfield"], spots["kuryk_port"]
    # the reference: haversine on a sphere of 6371 km (the map is equirectangular: within a couple of per cent)
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    km = 2 * 6371 * math.asin(math.sqrt(math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2))
    assert math.hypot(x2 - x1, y2 - y1) * layout["km"] == pytest.approx(km, rel=0.02)
    names = {p["id"]: p["name"] for p in layout["places"]}
    assert names["kuryk_port"] == ("Kuryk port" if lang == "en" else "порт Курык")  # display names


def test_the_shipped_basemap_is_small():
    from importlib import resources

    folder = resources.files("sim.present") / "basemap"
    size = sum(f.stat().st_size for f in folder.iterdir() if f.name.endswith(".json"))  # type: ignore[attr-defined]
    assert size <= 2_000_000
    assert "Natural Earth" in (folder / "LICENSE.md").read_text(encoding="utf-8")


def test_a_unit_is_drawn_along_the_places_its_route_passes_through():
    """The landing ship sails Kuryk port -> Tokmak roads -> the island beach: half-way through the first leg
    it is between the port and the roads, and at the leg's end it is at the roads (not on a straight line
    from the port to the beach)."""
    from sim.experiment.replay import trace

    scenario = load_scenario(REPO / "scenarios" / "island_retake.yaml").scenario
    events = trace(scenario, 1, 1).events
    (depart,) = [e for e in events if e["kind"] == "depart" and e["unit"] == "ls-1" and e["to"] == "island_beach"][:1]
    speed = scenario.unit_types[next(u.type for u in scenario.units if u.id == "ls-1")].speed_kmh["sea"]
    km = {
        frozenset((r.from_, r.to)): r.distance_km for r in scenario.map.routes if r.mode == "sea"
    }  # the reference: the scenario's own distances over the ship's speed
    first = km[frozenset(("kuryk_port", "tokmak_roads"))] / speed * 60
    second = km[frozenset(("tokmak_roads", "island_beach"))] / speed * 60
    assert depart["eta_min"] == pytest.approx(first + second)
    frames = tracks.positions(scenario, events)["ls-1"]
    t0 = depart["t"]
    assert tracks.at(frames, t0 + first / 2) == ("kuryk_port", "tokmak_roads", pytest.approx(0.5))
    assert tracks.at(frames, t0 + first) == ("tokmak_roads", "island_beach", pytest.approx(0.0))
    assert tracks.at(frames, t0 + first + second / 2) == ("tokmak_roads", "island_beach", pytest.approx(0.5))


# a ship sails from a to b (0.2° of longitude apart) round a U of waypoints 0.1° to the north: the straight
# line and the route part company everywhere but at the ends
U_TURN = """\
scenario: {name: round the cape, duration: 6h, seed: 1}
unit_types:
  ship: {strength: 1, element: platform, speed_kmh: {sea: 30}}
map:
  places:
    a: {kind: port, lat: 43.0, lon: 51.0}
    b: {kind: port, lat: 43.0, lon: 51.2}
  routes:
    - {from: a, to: b, mode: sea, distance_km: 40, via: [[43.1, 51.0], [43.1, 51.2]]}
sides:
  blue: {}
units:
  - {id: ship, type: ship, side: blue, at: a}
phases:
  - {id: go, start: 1h, orders: [{unit: ship, do: move, to: b}]}
"""
SAIL_MIN = 40 / 30 * 60  # the route's distance over the ship's speed: 80 min, whatever the waypoints


def _on_the_u(lat: float, lon: float) -> bool:
    up = math.isclose(lon, 51.0, abs_tol=1e-9) or math.isclose(lon, 51.2, abs_tol=1e-9)
    across = math.isclose(lat, 43.1, abs_tol=1e-9)
    return (up and 43.0 - 1e-9 <= lat <= 43.1 + 1e-9) or (across and 51.0 - 1e-9 <= lon <= 51.2 + 1e-9)


@pytest.mark.parametrize("via", [True, False])
def test_a_unit_between_two_places_follows_its_routes_waypoints(load, via):
    """Between the two places the ship is drawn on the U, never on the straight line; half-way in time it is
    at the middle of the U by symmetry (43.1, 51.1), and it reaches the first corner when it has sailed the
    first side's share of the U (distances on the sphere, worked out here by hand). Without waypoints:
    straight, half-way at (43.0, 51.1)."""
    from sim.experiment.replay import trace

    scenario = load(U_TURN if via else U_TURN.replace(", via: [[43.1, 51.0], [43.1, 51.2]]", ""))
    frames = tracks.positions(scenario, trace(scenario, 1, 0).events)["ship"]
    start = 60.0
    assert tracks.where(scenario, frames, start) == pytest.approx((43.0, 51.0))
    assert tracks.where(scenario, frames, start + SAIL_MIN) == pytest.approx((43.0, 51.2))
    middle = tracks.where(scenario, frames, start + SAIL_MIN / 2)
    assert middle == pytest.approx((43.1, 51.1) if via else (43.0, 51.1), abs=1e-9)
    if not via:
        return
    for i in range(1, 40):
        assert _on_the_u(*tracks.where(scenario, frames, start + SAIL_MIN * i / 40))
    side = math.radians(0.1)  # a meridian's arc, radians
    top = 2 * math.asin(math.cos(math.radians(43.1)) * math.sin(math.radians(0.2) / 2))  # along the top
    corner = side / (2 * side + top)
    lat, lon = tracks.where(scenario, frames, start + SAIL_MIN * corner)
    assert (lat, lon) == pytest.approx((43.1, 51.0), abs=1e-9)


def test_a_route_with_waypoints_is_drawn_through_them():
    scenario, layout = _layout("birlestik_2024")
    xy = tracks.projector(scenario, W, H)
    (lane,) = [r for r in scenario.map.routes if r.id == "kuryk_roads"]
    (drawn,) = [d["d"] for d in layout["routes"] if "Tokmak" in d["title"] and "Kuryk" in d["title"]]
    points = [tuple(map(float, p.split(","))) for p in re.findall(r"-?[\d.]+,-?[\d.]+", drawn)]
    assert points[1:-1] == [xy(lat, lon) for lat, lon in lane.via]


def test_the_classroom_draws_a_unit_under_way_along_its_routes_waypoints(load):
    """The projector's and phones' markers (sim.play.status.positions, live): half-way through the passage the
    ship is at the middle of the U's top, as in the report's replay."""
    from sim.experiment.runner import build_world
    from sim.play.status import positions

    scenario = load(U_TURN)
    world = build_world(scenario, 1, 0)
    world.run(until=60 + SAIL_MIN / 2)
    (ship,) = [p for p in positions(world, Labels(scenario, i18n.language("en"))) if p.id == "ship"]
    assert ship.moving and (ship.lat, ship.lon) == pytest.approx((43.1, 51.1), abs=1e-6)


@pytest.mark.parametrize(
    ("via", "error"),
    [
        ("[[43.1, 51.0], [45.0, 51.2]]", r"map.routes.0.via.1: waypoint \[45, 51.2\] is 2\d\d km from an end"),
        ("[[43.1, 181]]", "map.routes.0.via.0.1: Input should be less than or equal to 180"),
        ("[]", None),  # none: a straight route
    ],
)
def test_a_waypoint_must_lie_on_the_way_between_its_ends(write, via, error):
    from sim.errors import ScenarioError

    path = write(U_TURN.replace("[[43.1, 51.0], [43.1, 51.2]]", via))
    if error is None:
        assert load_scenario(path).scenario.map.routes[0].via == []
        return
    with pytest.raises(ScenarioError, match=rf":9:\d+: {error}"):
        load_scenario(path)
