"""The classroom's pages show an objective ``only_if:`` an option not taken as not applicable (issue 30, scope
4): the state the facilitator's and the projector's pages draw (/api/state) and the one a phone draws, from
the decision on to the end, with the word in the pages' texts in both languages."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

pytest.importorskip("starlette")

from starlette.testclient import TestClient

from sim.check import load_scenario
from sim.serve.app import create_app
from sim.serve.auth import TOKEN_HEADER
from sim.serve.server import open_room
from tests.conftest import CHROMIUM, REPO, needs_chromium
from tests.live import served

DRILL = REPO / "tests" / "play" / "only_if_drill.yaml"
ONLY_IF = ("isle_if_sent", "isle_if_landed")  # only_if the option attack; only_if the phase it starts


def _states(objectives: list[dict]) -> dict[str, str]:
    return {o["id"]: o["state"] for o in objectives if o["id"] in ONLY_IF}


@pytest.mark.parametrize(("option", "ended"), [("hold", "not_applicable"), ("attack", "met")])
def test_the_facilitator_projector_and_phones_show_it_not_applicable(tmp_path, option, ended):
    room = open_room(load_scenario(DRILL).scenario, 3, tmp_path / "play", speed=600.0, lang="en")
    voter = room.keys.admit()
    with TestClient(create_app(room, "en", run=False)) as c:

        def control(action: str, **body):
            r = c.post(f"/api/control/{action}", json=body, headers={TOKEN_HEADER: room.keys.token})
            assert r.status_code == 200, r.text
            return r.json()

        def views() -> tuple[dict[str, str], dict[str, str]]:
            state = c.get("/api/state", headers={TOKEN_HEADER: room.keys.token}).json()
            return _states(state["status"]["objectives"]), _states(room.voter_state(voter)["objectives"])

        while room.pending is None or room.pending.kind != "decision":
            control("acknowledge") if room.pending is not None else control("step", minutes=30)
        before = views()
        control("choose", option=option)
        control("step", minutes=30)
        after = views()
        while not room.finished:
            control("acknowledge") if room.pending is not None else control("step", minutes=120)
        end = views()

    assert before == (dict.fromkeys(ONLY_IF, "open"),) * 2
    if option == "hold":  # the option's objective at once; the phase's is known only at the end
        assert after == ({"isle_if_sent": "not_applicable", "isle_if_landed": "open"},) * 2
    assert end == (dict.fromkeys(ONLY_IF, ended),) * 2


@pytest.mark.parametrize(("lang", "word"), [("en", "not applicable"), ("ru", "не применяется")])
def test_the_pages_name_the_state_in_their_language(tmp_path, lang, word):
    """The pages draw a state by its word in their texts (T[o.state]); without one they showed the raw key."""
    room = open_room(load_scenario(DRILL).scenario, 3, tmp_path / "play", speed=600.0, lang=lang)
    with TestClient(create_app(room, lang, run=False)) as c:
        pages = [c.get(f"/facilitator?token={room.keys.token}"), c.get(f"/projector?token={room.keys.token}")]
        c.get(f"/join?code={room.keys.code}")
        pages.append(c.get("/vote"))
    for page in pages:
        assert page.status_code == 200
        texts = json.loads(re.search(r'<script type="application/json" id="texts">(.*?)</script>', page.text, re.S)[1])
        assert texts["not_applicable"] == word


@needs_chromium
@pytest.mark.slow
def test_in_the_browser_the_pages_grey_it_out_and_a_phone_does_not_count_it(tmp_path):
    """The drill served as a user starts it; the facilitator holds the reserve and runs to the end. The
    facilitator's table and the projector's chips show both objectives not applicable; a phone's line of
    objectives counts the two that applied (both missed), not four missed."""
    from playwright.sync_api import expect, sync_playwright

    shots = Path(os.environ.get("EXSIM_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with (
        served([str(DRILL), "--speed", "1800", "--batch", "0", "--out", str(tmp_path / "play")], tmp_path) as server,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            projector = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
            projector.goto(server.projector)
            facilitator = projector.context.new_page()
            facilitator.goto(re.match(r"http://[^/]+", server.join).group(0) + "/facilitator")
            phone = browser.new_context(viewport={"width": 400, "height": 800}).new_page()
            phone.goto(server.join)
            phone.fill("#code", server.code)
            phone.click("#join")
            expect(phone.locator("#situation-objectives")).to_have_text("Objectives: open 4")
            facilitator.click("#run-toggle")
            expect(facilitator.locator("#inject-panel")).to_be_visible(timeout=20_000)
            facilitator.click("#acknowledge")
            expect(facilitator.locator("#decision-panel")).to_be_visible(timeout=20_000)
            facilitator.click('#decide button[data-choose="hold"]')
            # the option's objective at once, the phase's still open
            expect(phone.locator("#situation-objectives")).to_have_text("Objectives: open 3")
            facilitator.fill("#speed", "100000")
            facilitator.dispatch_event("#speed", "change")
            expect(phone.locator("#end")).to_be_visible(timeout=60_000)
            expect(phone.locator("#outcome")).to_have_text("Objectives: missed 2")
            rows = facilitator.locator("table.objectives tr.state-not_applicable")
            expect(rows).to_have_count(2)
            expect(rows.first).to_contain_text("The isle taken within 6 hours if the reserve is sent")
            expect(rows.first.locator("td").last).to_have_text("not applicable")
            chips = projector.locator(".chip.state-not_applicable")
            expect(chips).to_have_count(2)
            expect(chips.first).to_contain_text("not applicable:")
            assert chips.first.evaluate("e => getComputedStyle(e).borderStyle") == "dashed"
            facilitator.screenshot(path=str(shots / "serve_not_applicable_facilitator.png"), full_page=True)
            projector.screenshot(path=str(shots / "serve_not_applicable_projector.png"))
        finally:
            browser.close()
    assert server.exit_code == 0, server.lines
