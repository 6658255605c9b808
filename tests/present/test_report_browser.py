"""The report in a real browser: headless Chromium (the Debian package, never a downloaded one) driven by
Playwright. The objectives table and the charts are drawn, the map replay moves the units, and the page
asks the network for nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from tests.conftest import CHROMIUM, REPO, needs_chromium

ISLAND = str(REPO / "scenarios" / "island_retake.yaml")

pytestmark = [needs_chromium, pytest.mark.slow]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("browser")
    for args in (
        ["run", ISLAND, "--seed", "4", "--reps", "6", "--out", str(work / "run"), "-q"],
        ["report", str(work / "run"), "-o", str(work / "aar.html")],
    ):
        r = CliRunner().invoke(main, args, catch_exceptions=False)
        assert r.exit_code == 0, r.output
    return work / "aar.html"


def test_report_in_headless_chromium(report, tmp_path):
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})

            def watch(route):  # every request the page makes: only the report file itself may load
                requests.append(route.request.url)
                if route.request.url == report.as_uri():
                    route.continue_()
                else:
                    route.abort()

            page.route("**/*", watch)
            page.goto(report.as_uri())
            page.wait_for_load_state("load")

            rows = page.locator("#objectives-table tbody tr")
            assert rows.count() == 3  # mission_success and the two objectives
            box = page.locator("#objectives-table").bounding_box()
            assert box is not None and box["width"] > 100 and box["height"] > 50

            charts = page.locator("figure.chart svg")
            assert charts.count() >= 3
            for i in range(charts.count()):
                b = charts.nth(i).bounding_box()
                assert b is not None and b["width"] > 50 and b["height"] > 50, f"chart {i} has no size"

            def positions() -> dict[str, str]:
                return page.eval_on_selector_all(
                    "#map g.unit",
                    "gs => Object.fromEntries(gs.map(g => [g.dataset.unit, g.getAttribute('transform')]))",
                )

            start = positions()
            assert len(start) == 9 and all(v.startswith("translate(") for v in start.values())
            clock0 = page.inner_text("#replay-clock")
            page.click("#replay-play")
            page.wait_for_timeout(1500)
            middle = positions()
            page.wait_for_timeout(1500)
            later = positions()
            assert middle != start and later != middle, "the replay moves units over time"
            assert page.inner_text("#replay-clock") != clock0
            assert float(page.input_value("#replay-time")) > 0
            page.click("#replay-play")  # pause: nothing moves any more
            paused = positions()
            page.wait_for_timeout(400)
            assert positions() == paused

            shots = Path(os.environ.get("EXSIM_SCREENSHOTS", tmp_path))
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / "report.png"), full_page=True)
            assert (shots / "report.png").stat().st_size > 10_000

            page.set_viewport_size({"width": 390, "height": 844})  # a phone: the page does not scroll sideways
            page.wait_for_timeout(200)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.screenshot(path=str(shots / "report-phone.png"), full_page=True)
        finally:
            browser.close()
    assert requests == [report.as_uri()], f"the page asked for {requests}"
