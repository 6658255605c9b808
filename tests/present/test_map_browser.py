"""The flagship's map in a real browser (headless Debian Chromium): at the island and at Oymasha, where a
dozen places and units crowd into a few kilometres, no two labels on screen overprint, in English and in
Russian; the view opens on the action with Alat in the locator, and the map zooms."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from tests.conftest import CHROMIUM, REPO, needs_chromium

BIRLESTIK = str(REPO / "scenarios" / "birlestik_2024.yaml")

pytestmark = [needs_chromium, pytest.mark.slow]

# every text drawn on the map and visible, with its box on the screen
VISIBLE_LABELS = """() => Array.from(document.querySelectorAll('#map text')).filter(t =>
    t.textContent.trim() && !t.closest('[visibility=hidden]') && t.getAttribute('visibility') !== 'hidden'
  ).map(t => { const r = t.getBoundingClientRect();
               return [t.textContent, r.left, r.top, r.right, r.bottom]; })"""


def overprinted(labels: list[list]) -> list[tuple[str, str]]:
    """The pairs of labels whose boxes intersect (a hair's breadth of touching allowed)."""
    out = []
    for i, (a, l1, t1, r1, b1) in enumerate(labels):
        for b, l2, t2, r2, b2 in labels[i + 1 :]:
            if l1 < r2 - 0.5 and l2 < r1 - 0.5 and t1 < b2 - 0.5 and t2 < b1 - 0.5:
                out.append((a, b))
    return out


def crowded_views(page, place: str) -> list[list]:
    """Zoom in step by step on ``place`` (the whole area, the view that fits the action, closer and closer):
    the labels visible at each step."""
    x, y = (
        float(v)
        for v in page.eval_on_selector(f'#map g.place[data-place="{place}"]', "g => [g.dataset.x, g.dataset.y]")
    )
    seen = []
    for width in (None, 400.0, 120.0, 40.0, 12.0, 4.0):
        if width is None:
            page.eval_on_selector("#map", "svg => svg.mapView.home()")
        else:
            page.eval_on_selector("#map", "(svg, a) => svg.mapView.centre(a[0], a[1], a[2])", [x, y, width])
        labels = page.evaluate(VISIBLE_LABELS)
        assert not overprinted(labels), (place, width, overprinted(labels))
        seen.append(labels)
    return seen


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("flagship")
    out = {lang: work / f"aar_{lang}.html" for lang in ("en", "ru")}
    r = CliRunner().invoke(main, ["run", BIRLESTIK, "--seed", "3", "--reps", "2", "--out", str(work / "run"), "-q"])
    assert r.exit_code == 0, r.output
    for lang, path in out.items():
        r = CliRunner().invoke(main, ["report", str(work / "run"), "-o", str(path), "--lang", lang])
        assert r.exit_code == 0, r.output
    return out


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_labels_never_overprint_at_the_island_and_at_oymasha(reports, lang, tmp_path):
    from playwright.sync_api import sync_playwright

    shots = Path(os.environ.get("EXSIM_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(reports[lang].as_uri())
            page.wait_for_load_state("load")
            # the first view: the action, Alat outside it (in the locator), a coastline, a scale bar
            assert page.locator("#map path.landmass").count() == 1
            assert page.locator("svg.locator").count() == 1
            assert ("км" if lang == "ru" else "km") in page.text_content("#scale-bar")
            alat = page.locator('#map g.place[data-place="alat_port"] circle').bounding_box()
            frame = page.locator("#map").bounding_box()
            assert alat is None or not (
                frame["x"] <= alat["x"] <= frame["x"] + frame["width"]
                and frame["y"] <= alat["y"] <= frame["y"] + frame["height"]
            )
            page.eval_on_selector("#map", "svg => svg.mapView.whole()")  # ... unless asked
            alat = page.locator('#map g.place[data-place="alat_port"] circle').bounding_box()
            assert alat is not None and frame["y"] <= alat["y"] <= frame["y"] + frame["height"]

            # the seven units at Oymasha at the start: one marker with their count, their names in its tooltip
            page.eval_on_selector("#map", "svg => svg.mapView.home()")
            counts = page.eval_on_selector_all(
                "#map g.unit.cluster[visibility=visible] text.count", "ts => ts.map(t => t.textContent)"
            )
            assert "7" in counts, counts
            tank = "Kazakh 1st Tank Platoon (tank-1)" if lang == "en" else "1-й казахстанский танковый взвод (tank-1)"
            titles = page.eval_on_selector_all(
                "#map g.unit.cluster[visibility=visible] > title", "ts => ts.map(t => t.textContent)"
            )
            assert any(tank in t for t in titles), titles
            island = crowded_views(page, "island")
            named = {label[0] for labels in island for label in labels}
            island_name = "the island strongpoint" if lang == "en" else "опорный пункт на острове"
            beach = "the island beach" if lang == "en" else "участок высадки на острове"
            assert {island_name, beach} <= named  # zoomed in, each crowded place has its name
            page.eval_on_selector(
                "#map",
                "(svg, a) => svg.mapView.centre(a[0], a[1], a[2])",
                [
                    float(page.get_attribute('#map g.place[data-place="island"]', "data-x")),
                    float(page.get_attribute('#map g.place[data-place="island"]', "data-y")),
                    120.0,
                ],
            )
            page.locator(".map-box").screenshot(path=str(shots / f"report_map_island_{lang}.png"))
            crowded_views(page, "oymasha")
        finally:
            browser.close()


def test_the_replay_moves_a_unit_along_its_routes_waypoints(tmp_path):
    """In the report's replay (mapview.js), a ship sailing round a U of waypoints is drawn on the route's drawn
    path at every moment of its passage, and half-way in time at the middle of the U's top, by symmetry."""
    from playwright.sync_api import sync_playwright

    from tests.present.test_map import U_TURN

    source = tmp_path / "u.yaml"  # a third place, at the U's top, so that the picture holds the whole U
    source.write_text(U_TURN.replace("  routes:\n", "    cape: {kind: beach, lat: 43.1, lon: 51.1}\n  routes:\n"))
    for args in (
        ["run", str(source), "--reps", "1", "--out", str(tmp_path / "run"), "-q"],
        ["report", str(tmp_path / "run"), "-o", str(tmp_path / "aar.html")],
    ):
        r = CliRunner().invoke(main, args, catch_exceptions=False)
        assert r.exit_code == 0, r.output
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto((tmp_path / "aar.html").as_uri())
            page.wait_for_load_state("load")
            d = page.get_attribute("#map path.route", "d")
            u = [tuple(map(float, xy.split(","))) for xy in d.replace("M", " ").replace("L", " ").split()]
            assert len(u) == 4, d  # the two places and the two waypoints

            def ship_at(t: float) -> tuple[float, float]:
                page.eval_on_selector(
                    "#replay-time", "(s, t) => { s.value = String(t); s.dispatchEvent(new Event('input')); }", t
                )
                move = page.get_attribute('#map g.unit[data-unit="ship"]', "transform")
                x, y = move.split("translate(")[1].split(")")[0].split(",")
                return float(x), float(y)

            def off_the_route(x: float, y: float) -> float:  # distance to the nearest side of the drawn U
                out = []
                for (x1, y1), (x2, y2) in itertools.pairwise(u):
                    k = max(
                        0.0, min(1.0, ((x - x1) * (x2 - x1) + (y - y1) * (y2 - y1)) / ((x2 - x1) ** 2 + (y2 - y1) ** 2))
                    )
                    out.append(((x - x1 - k * (x2 - x1)) ** 2 + (y - y1 - k * (y2 - y1)) ** 2) ** 0.5)
                return min(out)

            for i in range(1, 20):
                assert off_the_route(*ship_at(60 + 80 * i / 20)) < 0.2
            x, y = ship_at(60 + 40)
            assert (x, y) == pytest.approx(((u[1][0] + u[2][0]) / 2, (u[1][1] + u[2][1]) / 2), abs=0.2)
            assert abs(y - u[0][1]) > 50  # far from the straight line between the places
        finally:
            browser.close()
