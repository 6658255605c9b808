"""The classroom in a real browser: headless Chromium (Debian's, never a downloaded one) driven by Playwright
against ``exsim serve`` started as a user starts it. The facilitator's view drives the run; the projector
shows it on one screen without scrolling (at 1366×768 and 1920×1080, in English and Russian); five phones
vote for the option the default is not, see the result and their own choice, and at the end the run's
outcome and where it landed; units move on the map; a phone cannot pause or override the run; nothing is
fetched from anywhere else."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, REPO, needs_chromium
from tests.live import served
from tests.present.test_map_browser import crowded_views

BIRLESTIK = str(REPO / "scenarios" / "birlestik_2024.yaml")

pytestmark = [
    needs_chromium,
    pytest.mark.slow,
]


SIZES = [(1366, 768), (1920, 1080)]


def inside(page, selector: str) -> None:
    """The element is drawn, and wholly inside the page's viewport (nothing to scroll to)."""
    box = page.locator(selector).bounding_box()
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    assert box is not None and box["width"] > 0 and box["height"] > 0, selector
    assert box["x"] >= 0 and box["y"] >= 0, (selector, box)
    assert box["x"] + box["width"] <= width + 0.5 and box["y"] + box["height"] <= height + 0.5, (selector, box)


def fits(page) -> None:
    """The projector shows everything at once: the page does not scroll."""
    scroll, view = page.evaluate("() => [document.documentElement.scrollHeight, innerHeight]")
    assert scroll <= view, (scroll, view)


def to_the_decision(facilitator, expect) -> None:
    """Start the run and acknowledge the two injects at H+1; the decision on the fighters follows."""
    facilitator.click("#run-toggle")
    for _ in range(2):
        expect(facilitator.locator("#inject-panel")).to_be_visible(timeout=20_000)
        message = facilitator.inner_text("#inject-message")
        facilitator.click("#acknowledge")
        expect(facilitator.locator("#inject-message")).not_to_have_text(message)
    try:
        expect(facilitator.locator("#decision-panel")).to_be_visible(timeout=60_000)
    except AssertionError:  # what the server says, first and short (the locator's page snapshot is long)
        state = facilitator.evaluate("() => fetch('/api/state').then(r => r.text())")
        raise AssertionError(f"no decision panel; the server's state: {state[:1500]}") from None


def test_the_projector_fits_one_screen_at_both_sizes_in_both_languages(tmp_path):
    pytest.importorskip("starlette")
    from playwright.sync_api import expect, sync_playwright

    shots = Path(os.environ.get("EXSIM_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with (
        served([BIRLESTIK, "--speed", "1800", "--out", str(tmp_path / "play")], tmp_path) as server,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            facilitator = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            facilitator.goto(server.projector.replace("/projector?", "/facilitator?"))
            screens = {}
            for width, height in SIZES:
                for lang in ("en", "ru"):
                    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
                    page.goto(server.projector + f"&lang={lang}")
                    expect(page.locator("#join-code")).to_have_text(server.code)
                    assert page.locator("#run-toggle").count() == 0  # no control on the projected screen
                    assert page.locator("#msel").count() == 0  # nor the controller's notes
                    screens[(width, height, lang)] = page
            to_the_decision(facilitator, expect)
            facilitator.click("#open-vote")
            facilitator.click("#show-count")  # the count on the projector too
            for (width, height, lang), page in screens.items():
                expect(page.locator("#decision-panel")).to_be_visible()
                expect(page.locator('#vote-table tr[data-option="ridge"] td.count')).to_have_text("0")
                fits(page)
                for selector in ("#clock", "#decision-panel", "#map", "#story", "#status"):
                    inside(page, selector)
                for i in range(page.locator("#story li").count()):
                    inside(page, f"#story li >> nth={i}")
                page.screenshot(path=str(shots / f"projector_{width}x{height}_{lang}_decision.png"))
                for place in ("island", "oymasha"):  # the map's labels never overprint, however close
                    crowded_views(page, place)
                page.eval_on_selector("#map", "svg => svg.mapView.home()")
            facilitator.click("#close-vote")
            for (_, _, lang), page in screens.items():
                result = page.locator("#result-panel")
                expect(result).to_be_visible()
                expect(page.locator("#result-table tr.winner")).to_have_attribute("data-option", "island")
                said = "No votes were cast" if lang == "en" else "Голосов не подано"
                expect(page.locator("#vote-result")).to_contain_text(said)
                inside(page, "#result-panel")
            facilitator.wait_for_timeout(1500)  # the run is held while the result is on screen
            for page in screens.values():
                expect(page.locator("#result-panel")).to_be_visible()
            facilitator.click("#continue")
            # the run goes on to the next inject (06:00): by then the story has more than five lines
            expect(facilitator.locator("#inject-message")).to_contain_text("patrol boat", timeout=30_000)
            for (width, height, lang), page in screens.items():
                expect(page.locator("#result-panel")).to_be_hidden()
                expect(page.locator("#inject-panel")).to_be_visible()
                expect(page.locator("#story li")).to_have_count(5)
                fits(page)
                for selector in ("#clock", "#inject-panel", "#map", "#status"):
                    inside(page, selector)
                for i in range(5):
                    inside(page, f"#story li >> nth={i}")
                page.screenshot(path=str(shots / f"projector_{width}x{height}_{lang}.png"))
        finally:
            browser.close()
    assert server.exit_code == 0, server.lines


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
                contexts = [browser.new_context(viewport={"width": 1366, "height": 768})]
                contexts += [browser.new_context(viewport={"width": 400, "height": 800}) for _ in range(5)]
                for c in contexts:
                    c.on("request", lambda r: requests.append(r.url))
                projector = contexts[0].new_page()
                projector.goto(server.projector)  # the printed link, with the token ...
                assert projector.url == origin + "/projector"  # ... traded for a cookie: the projected bar is bare
                expect(projector.locator("#join-code")).to_have_text(server.code)
                token = server.projector.split("token=")[1]
                assert token not in projector.content()  # neither in the language links nor in a script
                facilitator = contexts[0].new_page()  # the facilitator's laptop: the same cookie, another view
                facilitator.goto(origin + "/facilitator")
                expect(facilitator.locator("#msel tr")).to_have_count(14)  # the header and the 13 items
                expect(facilitator.locator('#msel tr[data-item="air_support"] .note')).to_contain_text("fighters")
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
                    expect(phone.locator("#situation-objectives")).to_contain_text("open 5")
                    phones.append(phone)
                expect(projector.locator("#participants")).to_have_text("5")

                facilitator.click("#run-toggle")  # start; two injects at H+1, then the decision
                for _ in range(2):
                    expect(facilitator.locator("#inject-panel")).to_be_visible(timeout=20_000)
                    expect(projector.locator("#run-state")).to_have_text("waiting for the inject")  # not "running"
                    expect(projector.locator("#inject-panel")).to_be_visible()
                    message = facilitator.inner_text("#inject-message")
                    expect(projector.locator("#inject-message")).to_have_text(message)
                    facilitator.click("#acknowledge")
                    expect(facilitator.locator("#inject-message")).not_to_have_text(message)
                for phone in phones:  # the latest inject, on every phone
                    expect(phone.locator("#inject-text")).to_contain_text("radios are down")
                expect(facilitator.locator("#decision-panel")).to_be_visible(timeout=20_000)
                expect(projector.locator("#decision-question")).to_contain_text("Uzbek fighters")
                expect(projector.locator("#run-state")).to_have_text("waiting for a decision")
                facilitator.click("#open-vote")

                ballots = ["ridge", "ridge", "ridge", "island", None]  # the default is the island; one abstains
                for phone, option in zip(phones, ballots, strict=True):
                    if option is None:
                        continue
                    button = phone.locator(f'button.option[data-option="{option}"]')
                    expect(button).to_be_enabled()
                    button.click()
                    expect(button).to_have_class(re.compile(r"\bmine\b"))
                count = projector.locator('#vote-table tr[data-option="ridge"] td.count')
                expect(projector.locator("#vote-state")).to_have_text("The vote is open · Votes: 4")
                expect(count).to_have_text("")  # the class sees how many voted, not for what, until asked
                facilitator.click("#show-count")
                expect(count).to_have_text("3")
                expect(projector.locator('#vote-table tr[data-option="island"] td.count')).to_have_text("1")
                projector.screenshot(path=str(shots / "serve_projector_vote.png"))
                phones[0].screenshot(path=str(shots / "serve_phone_vote.png"), full_page=True)

                # a participant, with their own cookie, cannot steer the run: refused by the server
                attempts = [("pause", {}), ("speed", {"speed": 1}), ("close_vote", {}), ("choose", {"option": "ridge"})]
                attempts += [("continue", {}), ("reveal", {"show": True})]
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
                snoop = contexts[2].new_page()  # the phone's browser, without the token, on the facilitator's pages
                for page in ("/projector", "/facilitator"):
                    assert snoop.goto(origin + page).status == 403
                    expect(snoop.locator("#forbidden")).to_be_visible()
                contexts[2].add_cookies([{"name": "exsim_facilitator", "value": server.code, "url": origin}])
                assert snoop.goto(origin + "/projector").status == 403  # a made-up cookie: refused as well
                snoop.close()

                facilitator.fill("#speed", "300")
                facilitator.dispatch_event("#speed", "change")
                facilitator.click("#close-vote")
                expect(projector.locator("#decision-panel")).to_be_hidden()
                # the result stays on the projector and the phones until the facilitator continues
                expect(projector.locator("#result-panel")).to_be_visible()
                expect(projector.locator("#vote-result")).to_have_text("The class voted 3–1: ridge first was taken.")
                expect(projector.locator("#result-table tr.winner")).to_have_attribute("data-option", "ridge")
                expect(projector.locator('#result-table tr[data-option="ridge"] td.count')).to_have_text("3")
                expect(projector.locator("#run-state")).to_have_text("the vote's result is on screen")
                for phone, option in zip(phones, ballots, strict=True):
                    expect(phone.locator("#result")).to_have_text("The class voted 3–1: ridge first was taken.")
                    mine = f"You voted for {option} first." if option else "You did not vote."
                    expect(phone.locator("#mine")).to_have_text(mine)
                    expect(phone.locator("#waiting")).to_be_hidden()
                phones[0].screenshot(path=str(shots / "serve_phone_result.png"), full_page=True)
                story = facilitator.locator("#story")  # the whole story (the projector shows the last five)
                expect(story).to_contain_text("Decision air_support: ridge", timeout=10_000)
                clock = projector.inner_text("#clock")
                projector.wait_for_timeout(1000)
                assert projector.inner_text("#clock") == clock  # held while the result is on screen
                facilitator.click("#continue")
                expect(projector.locator("#result-panel")).to_be_hidden()

                # the run goes on: the tanks set out for the ridge and move across the map
                expect(story).to_contain_text("(tank-1) sets out from the Oymasha training ground", timeout=20_000)
                facilitator.fill("#speed", "60")  # slower: the move lasts several seconds on screen, even under load
                facilitator.dispatch_event("#speed", "change")
                moving = projector.locator('#map g.unit.moving[data-unit="tank-1"]')
                expect(moving).to_have_count(1, timeout=10_000)
                first = tanks.get_attribute("transform")
                expect(tanks).not_to_have_attribute("transform", first, timeout=5_000)  # part-way along
                second = tanks.get_attribute("transform")
                assert second not in (start, first), (start, first, second)
                facilitator.fill("#speed", "3000")
                facilitator.dispatch_event("#speed", "change")
                # ... and after the next inject (06:00), the fighters strike the ridge, the class's option
                expect(facilitator.locator("#inject-message")).to_contain_text("patrol boat", timeout=20_000)
                facilitator.click("#acknowledge")
                strikes = "(ftr-1) strikes the Oymasha ridge"
                expect(facilitator.locator("#story")).to_contain_text(strikes, timeout=20_000)
                facilitator.click("#run-toggle")  # pause
                # at this speed the next inject may fire before the pause lands: it holds the run first
                expect(projector.locator("#run-state")).to_have_text(re.compile("^(paused|waiting for the inject)$"))
                if projector.inner_text("#run-state") != "paused":
                    facilitator.click("#acknowledge")  # waits until the facilitator's page shows it
                expect(projector.locator("#run-state")).to_have_text("paused")
                expect(facilitator.locator("#run-toggle")).to_have_text("Resume")
                projector.screenshot(path=str(shots / "serve_projector.png"))

                # to the end, the facilitator taking the defaults: the projector says where the run landed
                facilitator.fill("#speed", "100000")
                facilitator.dispatch_event("#speed", "change")
                facilitator.click("#run-toggle")
                landed = projector.locator("#landed li")
                deadline = time.monotonic() + 300  # generous: the whole suite shares the machine
                while not landed.count() and time.monotonic() < deadline:
                    if facilitator.locator("#acknowledge").is_visible():
                        facilitator.click("#acknowledge")
                    elif facilitator.locator("#continue").is_visible():
                        facilitator.click("#continue")
                    elif (
                        facilitator.locator("#decide button").count()
                        and facilitator.locator("#decision-panel").is_visible()
                    ):
                        facilitator.locator("#decide button").first.click()
                    facilitator.wait_for_timeout(200)
                expect(projector.locator("#landed-panel")).to_be_visible()
                expect(landed.first).to_contain_text("of 4 simulated runs")
                projector.screenshot(path=str(shots / "serve_projector_end.png"))
                for phone in phones:  # every phone: the end, the class's outcome and where the run landed
                    expect(phone.locator("#end")).to_be_visible()
                    expect(phone.locator("#end h2")).to_have_text("The run has ended.")
                    expect(phone.locator("#outcome")).to_have_text(re.compile(r"^Objectives: (met|missed) \d"))
                    expect(phone.locator("#result-panel")).to_be_hidden()  # the end, not the last vote, is news
                    expect(phone.locator("#end-landed li").first).to_contain_text("of 4 simulated runs")
                    expect(phone.locator("#waiting")).to_be_hidden()
                phones[0].screenshot(path=str(shots / "serve_phone_end.png"), full_page=True)
            finally:
                browser.close()
    assert server.exit_code == 0, server.lines
    assert any(line.startswith("play saved to") for line in server.lines), server.lines

    # the choice and its votes are in the play folder
    saved = json.loads((play / "play.json").read_text(encoding="utf-8"))
    actions = saved["actions"]
    assert saved["placement"]["runs"] == 4 and saved["placement"]["decisions"]["air_support"] == "ridge"
    (choice,) = [a for a in actions if a["action"] == "choose" and a["id"] == "air_support"]
    assert (choice["option"], choice["by"], choice["votes"]) == ("ridge", "vote", {"ridge": 3, "island": 1})
    assert not [a for a in actions if a["action"] == "override"]  # the phones' attempts changed nothing
    manifest = json.loads((play / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["scenario_file"] == BIRLESTIK and manifest["seed"] == 2024
    assert requests and all(u.startswith((origin, "ws://" + origin.split("//")[1])) for u in requests), requests


def test_an_answer_that_arrives_after_a_newer_state_does_not_hide_the_pause(tmp_path):
    """The facilitator's action and the socket both bring states. The answer to the second acknowledgement is
    held back here until the socket has shown the decision, then delivered with an older state (the first
    acknowledgement's, before the run reached the decision): the page keeps the decision. Drawn blindly, the
    late answer hid the decision for good, since the held run pushes nothing new (seen twice in CI: a page
    stuck at D+0 05:00, "running"). The same for a phone's vote answered after the vote closed."""
    pytest.importorskip("starlette")
    from playwright.sync_api import expect, sync_playwright

    with (
        served([BIRLESTIK, "--speed", "1800", "--batch", "0", "--out", str(tmp_path / "play")], tmp_path) as server,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            facilitator = browser.new_context().new_page()
            answers: list[str] = []
            held = []

            def acknowledged(route) -> None:
                response = route.fetch()
                if not answers:
                    answers.append(response.text())
                    route.fulfill(response=response)
                else:
                    held.append(route)  # answered below, once a newer state has been drawn

            facilitator.route("**/api/control/acknowledge", acknowledged)
            facilitator.goto(server.projector.replace("/projector?", "/facilitator?"))
            facilitator.click("#run-toggle")
            expect(facilitator.locator("#inject-panel")).to_be_visible(timeout=20_000)
            first = facilitator.inner_text("#inject-message")
            facilitator.click("#acknowledge")
            expect(facilitator.locator("#inject-message")).not_to_have_text(first)
            facilitator.click("#acknowledge")  # its answer is held
            expect(facilitator.locator("#decision-panel")).to_be_visible(timeout=60_000)  # from the socket
            older = json.loads(answers[0])
            assert older["pending"] is None or older["pending"]["kind"] == "inject"  # what the late answer brings
            assert len(held) == 1
            held[0].fulfill(status=200, content_type="application/json", body=answers[0])
            facilitator.wait_for_timeout(1000)
            expect(facilitator.locator("#decision-panel")).to_be_visible()
            expect(facilitator.locator("#inject-panel")).to_be_hidden()
            expect(facilitator.locator("#run-state")).to_have_text("waiting for a decision")

            # a phone's vote: its answer (the vote still open) is held until the vote has closed
            phone = browser.new_context().new_page()
            votes = []
            phone.route("**/api/vote", lambda route: votes.append((route, route.fetch())))
            phone.goto(server.join)
            phone.fill("#code", server.code)
            phone.click("#join")
            facilitator.click("#open-vote")
            ridge = phone.locator('button.option[data-option="ridge"]')
            expect(ridge).to_be_enabled()
            ridge.click()
            facilitator.click("#close-vote")
            expect(phone.locator("#result")).to_contain_text("ridge first was taken")  # from the socket
            ((route, response),) = votes
            assert json.loads(response.text())["vote"]["open"]  # what the late answer brings: the vote open
            # a newer state pushed after the late answer would redraw the page: the ballot must never show again
            phone.evaluate(
                """() => { const b = document.getElementById('ballot'); window.ballotShown = false;
                     new MutationObserver(() => { if (!b.hidden) window.ballotShown = true; })
                       .observe(b, {attributes: true}); }"""
            )
            route.fulfill(response=response)
            phone.wait_for_timeout(1000)
            assert phone.evaluate("() => window.ballotShown") is False
            expect(phone.locator("#result")).to_contain_text("ridge first was taken")
            expect(phone.locator("#ballot")).to_be_hidden()
        finally:
            browser.close()
