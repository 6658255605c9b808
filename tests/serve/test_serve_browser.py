"""The classroom in a real browser: headless Chromium (Debian's, never a downloaded one) driven by Playwright
against ``exsim serve`` started as a user starts it. The projector and two phones: both phones vote for the
option the default is not, the facilitator closes the vote, the run goes on with the class's option; units
move on the map; a phone cannot pause or override the run; nothing is fetched from anywhere else."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, REPO, needs_chromium
from tests.live import served

BIRLESTIK = str(REPO / "scenarios" / "birlestik_2024.yaml")

pytestmark = [
    needs_chromium,
    pytest.mark.slow,
]


def test_a_class_votes_in_the_browser_and_the_run_follows_the_majority(tmp_path):
    pytest.importorskip("starlette")
    from playwright.sync_api import expect, sync_playwright

    play = tmp_path / "play"
    shots = Path(os.environ.get("EXSIM_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with served([BIRLESTIK, "--speed", "1800", "--batch", "4", "--out", str(play)], tmp_path) as server:
        origin = re.match(r"http://[^/]+", server.join).group(0)
        requests: list[str] = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            try:
                contexts = [browser.new_context(viewport={"width": 1280, "height": 900})]
                contexts += [browser.new_context(viewport={"width": 400, "height": 800}) for _ in range(2)]
                for c in contexts:
                    c.on("request", lambda r: requests.append(r.url))
                projector = contexts[0].new_page()
                projector.goto(server.projector)  # the printed link, with the token ...
                assert projector.url == origin + "/projector"  # ... traded for a cookie: the projected bar is bare
                expect(projector.locator("#join-code")).to_have_text(server.code)
                token = server.projector.split("token=")[1]
                assert token not in projector.content()  # neither in the language links nor in a script
                tanks = projector.locator('#map g.unit[data-unit="tank-1"]')
                expect(tanks).to_have_count(1)
                start = tanks.get_attribute("transform")

                phones = []
                for c in contexts[1:]:
                    phone = c.new_page()
                    phone.goto(server.join)
                    phone.fill("#code", server.code.lower())  # typed on a phone: lower case is fine
                    phone.click("#join")
                    expect(phone.locator("#waiting")).to_be_visible()
                    phones.append(phone)
                expect(projector.locator("#participants")).to_have_text("2")

                projector.click("#run-toggle")  # start; two injects at H+1, then the decision
                for _ in range(2):
                    expect(projector.locator("#inject-panel")).to_be_visible(timeout=20_000)
                    expect(projector.locator("#run-state")).to_have_text("waiting for the inject")  # not "running"
                    message = projector.inner_text("#inject-message")
                    projector.click("#acknowledge")
                    expect(projector.locator("#inject-message")).not_to_have_text(message)
                expect(projector.locator("#decision-panel")).to_be_visible(timeout=20_000)
                expect(projector.locator("#decision-question")).to_contain_text("Uzbek fighters")
                expect(projector.locator("#run-state")).to_have_text("waiting for a decision")
                projector.click("#open-vote")

                for phone in phones:  # both vote for the ridge; the default is the island
                    ridge = phone.locator('button.option[data-option="ridge"]')
                    expect(ridge).to_be_enabled()
                    ridge.click()
                    expect(ridge).to_have_class(re.compile(r"\bmine\b"))
                count = projector.locator('#vote-table tr[data-option="ridge"] td.count')
                expect(projector.locator("#vote-state")).to_have_text("The vote is open · Votes: 2")
                expect(count).to_have_text("")  # the class sees how many voted, not for what, until asked
                projector.click("#show-count")
                expect(count).to_have_text("2")
                expect(projector.locator('#vote-table tr[data-option="island"] td.count')).to_have_text("0")
                projector.screenshot(path=str(shots / "serve_projector_vote.png"), full_page=True)
                phones[0].screenshot(path=str(shots / "serve_phone_vote.png"), full_page=True)

                # a participant, with their own cookie, cannot steer the run: refused by the server
                attempts = [("pause", {}), ("speed", {"speed": 1}), ("close_vote", {}), ("choose", {"option": "ridge"})]
                for action, body in attempts:
                    status = phones[0].evaluate(
                        """([a, b]) => fetch('/api/control/' + a, {method: 'POST', body: JSON.stringify(b),
                              headers: {'Content-Type': 'application/json', 'X-Exsim-Token': 'guess'}})
                            .then(r => r.status)""",
                        [action, body],
                    )
                    assert status == 403, action
                refused = phones[0].evaluate(
                    """() => new Promise(done => {
                          const ws = new WebSocket('ws://' + location.host + '/ws/projector');
                          ws.onopen = () => done('open'); ws.onclose = () => done('refused'); })"""
                )
                assert refused == "refused"
                snoop = contexts[2].new_page()  # the phone's browser, without the token, on the projector's page
                assert snoop.goto(origin + "/projector").status == 403
                expect(snoop.locator("#forbidden")).to_be_visible()
                contexts[2].add_cookies([{"name": "exsim_facilitator", "value": server.code, "url": origin}])
                assert snoop.goto(origin + "/projector").status == 403  # a made-up cookie: refused as well
                snoop.close()

                projector.fill("#speed", "300")  # slower, so that a move lasts a couple of seconds on screen
                projector.dispatch_event("#speed", "change")
                projector.click("#close-vote")
                expect(projector.locator("#decision-panel")).to_be_hidden()
                story = projector.locator("#story")
                expect(story).to_contain_text("Decision air_support: ridge", timeout=10_000)
                for phone in phones:
                    expect(phone.locator("#waiting")).to_be_visible()
                    expect(phone.locator("#result")).to_have_text("The class voted 2–0: ridge was taken.")

                # the run goes on: the tanks set out for the ridge and move across the map
                expect(story).to_contain_text("(tank-1) sets out from the Oymasha training ground", timeout=20_000)
                moving = projector.locator('#map g.unit.moving[data-unit="tank-1"]')
                expect(moving).to_have_count(1, timeout=10_000)
                first = tanks.get_attribute("transform")
                expect(tanks).not_to_have_attribute("transform", first, timeout=5_000)  # part-way along
                second = tanks.get_attribute("transform")
                assert second not in (start, first), (start, first, second)
                projector.fill("#speed", "3000")
                projector.dispatch_event("#speed", "change")
                # ... and after the next inject (06:00), the fighters strike the ridge, the class's option
                expect(projector.locator("#inject-message")).to_contain_text("patrol boat", timeout=20_000)
                projector.click("#acknowledge")
                expect(story).to_contain_text("(ftr-1) strikes the Oymasha ridge", timeout=20_000)
                projector.click("#run-toggle")  # pause
                expect(projector.locator("#run-state")).to_have_text("paused")
                projector.screenshot(path=str(shots / "serve_projector.png"), full_page=True)

                # to the end, the facilitator taking the defaults: the projector says where the run landed
                projector.fill("#speed", "100000")
                projector.dispatch_event("#speed", "change")
                projector.click("#run-toggle")
                landed = projector.locator("#landed li")
                deadline = time.monotonic() + 120
                while not landed.count() and time.monotonic() < deadline:
                    if projector.locator("#acknowledge").is_visible():
                        projector.click("#acknowledge")
                    elif (
                        projector.locator("#decide button").count()
                        and projector.locator("#decision-panel").is_visible()
                    ):
                        projector.locator("#decide button").first.click()
                    projector.wait_for_timeout(200)
                expect(projector.locator("#landed-panel")).to_be_visible()
                expect(landed.first).to_contain_text("of 4 simulated runs")
                projector.screenshot(path=str(shots / "serve_projector_end.png"), full_page=True)
            finally:
                browser.close()
    assert server.exit_code == 0, server.lines
    assert any(line.startswith("play saved to") for line in server.lines), server.lines

    # the choice and its votes are in the play folder
    saved = json.loads((play / "play.json").read_text(encoding="utf-8"))
    actions = saved["actions"]
    assert saved["placement"]["runs"] == 4 and saved["placement"]["decisions"]["air_support"] == "ridge"
    (choice,) = [a for a in actions if a["action"] == "choose" and a["id"] == "air_support"]
    assert (choice["option"], choice["by"], choice["votes"]) == ("ridge", "vote", {"ridge": 2, "island": 0})
    assert not [a for a in actions if a["action"] == "override"]  # the phones' attempts changed nothing
    manifest = json.loads((play / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["scenario_file"] == BIRLESTIK and manifest["seed"] == 2024
    assert requests and all(u.startswith((origin, "ws://" + origin.split("//")[1])) for u in requests), requests
