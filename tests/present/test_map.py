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
