"""``exsim serve``: the vote's rule, who may do what (token, join code, voter cookie), the run driven through
the HTTP API and the sockets, the pages' languages and their offline assets, and the command itself."""

from __future__ import annotations

import json
import re
import shlex
import socket
import time

import pytest

pytest.importorskip("starlette")

from click.testing import CliRunner
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from sim.check import load_scenario
from sim.cli import main
from sim.play.session import PlayScript
from sim.serve import MAX_SPEED
from sim.serve.app import REFUSED, create_app
from sim.serve.auth import CODE_ALPHABET, FACILITATOR_COOKIE, TOKEN_HEADER, VOTER_COOKIE, Keys, normalise
from sim.serve.server import open_room
from sim.serve.vote import Vote, VoteError
from tests.conftest import REPO
from tests.live import served
from tests.serve.conftest import BIRLESTIK

# --- the vote ------------------------------------------------------------------------------------------


def test_the_majority_wins_and_a_voter_counts_once_however_often_they_change():
    v = Vote("air_support", ("ridge", "island"), "island")
    v.cast("a", "island")
    v.cast("a", "ridge")  # changed: one ballot, for the ridge
    v.cast("b", "ridge")
    v.cast("c", "island")
    assert v.counts() == {"ridge": 2, "island": 1}
    assert v.close() == "ridge"


@pytest.mark.parametrize(
    ("ballots", "default", "winner"),
    [
        ({}, "b", "b"),  # nobody voted: the default
        ({"x": "a", "y": "b"}, "b", "b"),  # a tie with the default among the tied: the default
        ({"x": "a", "y": "c"}, "b", "a"),  # a tie without the default: the first listed of the tied
        ({"x": "c", "y": "a"}, "b", "a"),  # ... in the scenario's order, not the order of the ballots
        ({"x": "c", "y": "c", "z": "b"}, "b", "c"),  # a majority beats the default
    ],
)
def test_the_tie_rule(ballots, default, winner):
    v = Vote("p", ("a", "b", "c"), default)
    for voter, option in ballots.items():
        v.cast(voter, option)
    assert v.winner() == winner


def test_a_closed_vote_and_an_unknown_option_refuse_the_ballot():
    v = Vote("p", ("a", "b"), "a")
    with pytest.raises(VoteError, match="not an option"):
        v.cast("x", "c")
    v.close()
    with pytest.raises(VoteError, match="closed"):
        v.cast("x", "a")
    assert v.ballots == {}


# --- the keys ------------------------------------------------------------------------------------------


def test_join_codes_are_short_unambiguous_and_typed_loosely():
    keys = Keys()
    assert 4 <= len(keys.code) <= 6 and set(keys.code) <= set(CODE_ALPHABET)
    assert not set("01OIL") & set(CODE_ALPHABET)
    assert keys.joins(f" {keys.code[:2].lower()}-{keys.code[2:]} ")
    assert not keys.joins(keys.code[::-1] + "X") and not keys.joins(None)
    assert normalise("ab c-d") == "ABCD"
    assert len({Keys().code for _ in range(50)}) > 45  # drawn at random, not a fixed code


def test_the_facilitator_token_and_voter_ids_cannot_be_guessed_or_forged():
    keys = Keys()
    assert keys.facilitator(keys.token) and not keys.facilitator(keys.token[:-1]) and not keys.facilitator(None)
    voter = keys.admit()
    assert keys.voter(voter) == voter and keys.voter("made-up") is None and len(voter) >= 16


# --- the application -----------------------------------------------------------------------------------


def joined(room, client_factory):
    """A fresh participant (own cookies) who joined with the room's code."""
    c = client_factory()
    r = c.get(f"/join?code={room.keys.code}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/vote" and VOTER_COOKIE in r.cookies
    return c


@pytest.fixture
def participants(room, client):
    """make() -> a participant's own client (own cookies) on the facilitator's client's event loop, as in
    the real server: one loop for every page (the room's Condition belongs to one loop)."""
    made = []

    def make():
        c = TestClient(client.app)
        c.portal = client.portal
        made.append(c)
        return joined(room, lambda: c)

    yield make
    for c in made:
        c.portal = None
        c.close()


def control(client, room, action, **body):
    return client.post(f"/api/control/{action}", json=body, headers={TOKEN_HEADER: room.keys.token})


def until_decision(client, room, point):
    """Step the run (acknowledging injects) until decision ``point`` holds it."""
    for _ in range(200):
        pending = room.pending
        if pending is not None and pending.kind == "decision" and pending.id == point:
            return
        r = control(client, room, "acknowledge") if pending is not None else control(client, room, "step", minutes=10)
        assert r.status_code == 200, r.text
    raise AssertionError(f"decision {point} never came")


def test_the_projector_needs_the_token(client, room):
    assert client.get("/projector").status_code == 403
    assert client.get("/projector?token=wrong").status_code == 403
    assert FACILITATOR_COOKIE not in client.cookies  # a wrong token earns no cookie
    r = client.get(f"/projector?token={room.keys.token}")
    assert r.status_code == 200 and room.keys.code in r.text and 'id="map"' in r.text
    # the count after its label, so that no plural has to agree with it ("1 participants", "1 участников")
    assert 'Participants: <span id="participants">' in r.text
    assert 'Участников: <span id="participants">' in client.get("/projector?lang=ru").text


def test_the_projector_link_trades_its_token_for_a_cookie_and_a_bare_address(client, room):
    """The projected address bar, the page and its language links hold no token; the cookie steers the run."""
    r = client.get(f"/projector?token={room.keys.token}&lang=ru", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/projector?lang=ru"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{FACILITATOR_COOKIE}={room.keys.token};"), cookie
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower(), cookie
    page = client.get("/projector")  # the bare address, with the cookie
    assert page.status_code == 200 and 'id="map"' in page.text and room.keys.code in page.text
    assert room.keys.token not in page.text and "token" not in page.text
    assert 'href="?lang=en"' in page.text
    assert client.post("/api/control/resume", json={}).status_code == 200 and room.running  # no header needed
    assert client.get("/api/state").json()["running"] is True
    with client.websocket_connect("/ws/projector") as ws:
        assert ws.receive_json()["state"]["running"] is True
    # ... but not when another site's page opens the socket with the facilitator's browser
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect("/ws/projector", headers={"origin": "http://elsewhere.example"}) as ws,
    ):
        ws.receive_text()
    assert refused.value.code == REFUSED


@pytest.mark.parametrize("cookie", [None, "guess", "K7MPX"])
def test_without_the_facilitators_cookie_the_projector_and_its_controls_are_refused(client, room, cookie):
    if cookie is not None:
        client.cookies.set(FACILITATOR_COOKIE, cookie)
    assert client.get("/projector").status_code == 403
    assert client.post("/api/control/resume", json={}).status_code == 403
    assert client.get("/api/state").status_code == 403
    with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/ws/projector") as ws:
        ws.receive_text()
    assert refused.value.code == REFUSED and not room.running


def test_a_participant_without_the_token_can_neither_steer_nor_override(client, room, participants):
    phone = participants()
    for action, body in [
        ("pause", {}),
        ("resume", {}),
        ("speed", {"speed": 6000}),
        ("step", {"minutes": 60}),
        ("open_vote", {}),
        ("close_vote", {}),
        ("choose", {"option": "ridge"}),
        ("override", {"kind": "repaired", "target": "pb-1", "params": {}}),
    ]:
        for headers in ({}, {TOKEN_HEADER: "guess"}, {TOKEN_HEADER: room.keys.code}):
            r = phone.post(f"/api/control/{action}", json=body, headers=headers)
            assert r.status_code == 403, (action, headers, r.text)
    assert room.session.now == 0 and room.session.actions == [] and room.speed == 600 and not room.running
    assert control(client, room, "resume").status_code == 200 and room.running  # the facilitator can


def test_sockets_refuse_who_has_neither_token_nor_code(client, room, participants):
    for path in ("/ws/projector", "/ws/projector?token=wrong", "/ws/vote"):
        with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect(path) as ws:
            ws.receive_text()
        assert refused.value.code == REFUSED, path
    phone = participants()
    with phone.websocket_connect("/ws/vote") as ws:  # a participant's own socket: the voter's view only
        state = ws.receive_json()["state"]
        # the voter's view: what the class sees on the projector, never the facilitator's material
        assert state["vote"] is None and not {"overrides", "status", "speed", "reveal"} & set(state)
        ws.send_text("pause")  # the socket takes no orders
        assert "refused" in ws.receive_json()
    with pytest.raises(WebSocketDisconnect), phone.websocket_connect("/ws/projector") as ws:
        ws.receive_text()


def test_a_phone_is_sent_a_state_only_when_what_it_shows_changes(client, room, participants):
    phone = participants()
    with phone.websocket_connect("/ws/vote") as ws:
        first = ws.receive_json()["state"]
        control(client, room, "speed", speed=1200)  # the projector's business: nothing new on a phone
        control(client, room, "pause")
        control(client, room, "step", minutes=30)
        second = ws.receive_json()["state"]
        assert (first["clock"], second["clock"]) == ("D+0 04:00", "D+0 04:30")


def test_joining_again_from_the_same_browser_changes_nothing_and_every_new_browser_is_counted(
    client, room, participants
):
    """One ballot per browser, not per person (docs/serve.md): the projector counts joins and ballots, so a
    facilitator sees more than the class when someone joins twice."""
    phone = participants()
    voter = phone.cookies[VOTER_COOKIE]
    fresh = TestClient(client.app)
    fresh.portal = client.portal
    given = fresh.get(f"/join?code={room.keys.code}", follow_redirects=False).headers["set-cookie"]
    assert given.startswith(VOTER_COOKIE + "=") and "HttpOnly" in given
    assert "Max-Age=259200" in given  # it outlives the browser's session: a phone's reopened browser keeps it
    room.keys.voters.discard(fresh.cookies[VOTER_COOKIE])
    fresh.portal = None
    fresh.close()
    again = phone.get(f"/join?code={room.keys.code}", follow_redirects=False)
    assert again.status_code == 303 and VOTER_COOKIE not in again.cookies and phone.cookies[VOTER_COOKIE] == voter
    assert room.keys.voters == {voter}
    until_decision(client, room, "air_support")
    control(client, room, "open_vote")
    phone.post("/api/vote", json={"option": "ridge"})
    phone.post("/api/vote", json={"option": "ridge"})
    assert control(client, room, "pause").json()["vote"]["ballots"] == 1
    second = participants()  # the same person in a private window: admitted, and it shows
    second.post("/api/vote", json={"option": "ridge"})
    state = control(client, room, "pause").json()
    assert (state["participants"], state["vote"]["ballots"]) == (2, 2)


def test_joining_needs_the_code(client, room):
    r = client.get("/join?code=WRONG", follow_redirects=False)
    assert r.status_code == 403 and 'id="join-error"' in r.text and VOTER_COOKIE not in r.cookies
    assert client.get("/vote", follow_redirects=False).headers["location"] == "/join"
    assert client.post("/api/vote", json={"option": "ridge"}).status_code == 403
    assert client.get("/api/state").status_code == 403
    assert client.get("/", follow_redirects=False).headers["location"] == "/join"


def test_the_class_votes_and_the_majority_option_is_taken(client, room, participants, tmp_path):
    phones = [participants() for _ in range(3)]
    assert phones[0].post("/api/vote", json={"option": "ridge"}).status_code == 409  # no vote open yet
    assert control(client, room, "close_vote").status_code == 409
    until_decision(client, room, "air_support")
    assert control(client, room, "open_vote").status_code == 200
    assert control(client, room, "open_vote").status_code == 409  # already open
    assert phones[0].post("/api/vote", json={"option": "nowhere"}).status_code == 400
    for phone, option in zip(phones, ["island", "ridge", "ridge"], strict=True):
        r = phone.post("/api/vote", json={"option": option})
        assert r.status_code == 200 and r.json()["vote"]["mine"] == option
    phones[0].post("/api/vote", json={"option": "ridge"})  # changes their mind: 3 for the ridge now
    phones[2].post("/api/vote", json={"option": "island"})  # ... and another: 2-1
    state = control(client, room, "pause").json()
    assert {o["name"]: o["count"] for o in state["vote"]["options"]} == {"ridge": 2, "island": 1}
    assert state["vote"]["ballots"] == 3

    r = control(client, room, "close_vote")
    assert r.status_code == 200, r.text
    assert room.pending is None or room.pending.id != "air_support"
    (choice,) = [a for a in room.session.actions if a["action"] == "choose"]
    assert (choice["id"], choice["option"], choice["by"]) == ("air_support", "ridge", "vote")
    assert choice["votes"] == {"ridge": 2, "island": 1}
    assert phones[1].post("/api/vote", json={"option": "island"}).status_code == 409  # closed now

    # saved at once, with the ballots; the run goes on with the ridge's orders (the fighters go there)
    script = PlayScript.load(room.folder)
    assert [(a["option"], a["votes"]) for a in script.actions if a["action"] == "choose"] == [
        ("ridge", {"ridge": 2, "island": 1})
    ]
    until_decision(client, room, "reserve")
    told = " ".join(line["text"] for line in room.story)
    assert re.search(r"ftr-1.*the Oymasha ridge|the Oymasha ridge.*ftr-1", told), told[-2000:]


def test_the_report_and_the_story_of_the_play_folder_show_the_class_vote(client, room, participants, tmp_path):
    phones = [participants() for _ in range(3)]
    until_decision(client, room, "air_support")
    control(client, room, "open_vote")
    for phone, option in zip(phones, ["ridge", "island", "ridge"], strict=True):
        phone.post("/api/vote", json={"option": option})
    control(client, room, "close_vote")  # saved at once
    r = CliRunner().invoke(main, ["report", str(room.folder), "-o", str(tmp_path / "aar.html")])
    assert r.exit_code == 0, r.output
    page = (tmp_path / "aar.html").read_text(encoding="utf-8")
    table = page[page.index('id="play-actions"') :]
    row = table[: table.index("</tr>", table.index("air_support"))]
    assert "Decision air_support: ridge first" in row, row  # the option's name, not its id
    assert "chosen by the class&#39;s vote (ridge first 2, island first 1)" in row, row
    told = CliRunner().invoke(main, ["story", str(room.folder)], env={"COLUMNS": "400"})
    assert told.exit_code == 0, told.output
    assert "Decision air_support: ridge first" in told.output and "vote (ridge first 2, island first 1)" in told.output


def test_the_facilitator_may_decide_over_an_open_vote_and_the_ballots_are_kept(client, room, participants):
    phone = participants()
    until_decision(client, room, "air_support")
    control(client, room, "open_vote")
    phone.post("/api/vote", json={"option": "ridge"})
    assert control(client, room, "choose", option="nowhere").status_code == 400
    assert control(client, room, "choose", option="island").status_code == 200
    (choice,) = [a for a in room.session.actions if a["action"] == "choose"]
    assert (choice["option"], choice["by"], choice["votes"]) == ("island", "facilitator", {"ridge": 1, "island": 0})


def test_an_override_is_applied_and_saved_as_the_facilitators(client, room):
    until_decision(client, room, "air_support")
    control(client, room, "choose", option="island")
    for _ in range(100):  # until the patrol boat has broken down (H+2): "repaired" becomes possible
        state = control(client, room, "pause").json()
        if any(o["kind"] == "repaired" for o in state["overrides"]):
            break
        pending = room.pending
        control(client, room, "acknowledge") if pending is not None and pending.kind == "inject" else control(
            client, room, "step", minutes=10
        )
    (repair,) = [o for o in state["overrides"] if o["kind"] == "repaired"]
    bad = control(client, room, "override", kind="repaired", target="no-such-unit", params={})
    assert bad.status_code == 400 and "not possible" in bad.json()["error"]
    r = control(client, room, "override", kind=repair["kind"], target=repair["target"], params=repair["params"])
    assert r.status_code == 200, r.text
    assert not any(o["kind"] == "repaired" for o in r.json()["overrides"])  # done: no longer on offer
    overrides = [a for a in PlayScript.load(room.folder).actions if a["action"] == "override"]
    assert [(a["kind"], a["target"]) for a in overrides] == [("repaired", repair["target"])]


@pytest.mark.parametrize(
    ("action", "body", "status"),
    [
        ("speed", {"speed": 0}, 400),
        ("speed", {"speed": "fast"}, 400),
        ("speed", {"speed": 1e9}, 400),
        ("step", {"minutes": -5}, 400),
        ("launch", {}, 400),
        ("acknowledge", {}, 409),
        ("choose", {"option": "ridge"}, 409),
    ],
)
def test_malformed_or_untimely_actions_are_refused_with_a_reason(client, room, action, body, status):
    r = control(client, room, action, **body)
    assert r.status_code == status and r.json()["error"]
    assert room.speed == 600 and room.session.now == 0


def test_the_speed_sets_how_far_a_tick_advances(client, room):
    import asyncio

    control(client, room, "speed", speed=3000)
    room.running = True
    start = room.session.now
    asyncio.run(room._advance(room.speed * 2.0 / 60))  # two real seconds at 3000 simulated seconds per second
    assert room.session.now == pytest.approx(start + 100) or room.pending is not None


def test_the_projector_socket_pushes_changes_and_the_story(client, room):
    with client.websocket_connect("/ws/projector", headers={TOKEN_HEADER: room.keys.token}) as ws:
        first = ws.receive_json()
        assert first["state"]["clock"] == "D+0 04:00" and first["story"] == []
        until_decision(client, room, "air_support")
        decision = ws.receive_json()
        while decision["state"]["version"] < room.version:
            decision = ws.receive_json()
        assert decision["state"]["clock"] == "D+0 05:00" and decision["state"]["pending"]["id"] == "air_support"
        control(client, room, "choose", option="island")
        control(client, room, "step", minutes=30)  # the tanks and IFVs set out for the ridge at 05:25
        later = ws.receive_json()
        while later["state"]["version"] < room.version:
            later = ws.receive_json()
        told = [line["text"] for line in decision["story"] + later["story"]]
        assert any("(tank-1) sets out from the Oymasha training ground" in t for t in told), told
        assert {"tank-1", "ifv-1"} <= {u["id"] for u in later["state"]["units"] if u["moving"]}
        moved = {u["id"]: (u["x"], u["y"]) for u in later["state"]["units"]}
        assert moved != {u["id"]: (u["x"], u["y"]) for u in first["state"]["units"]}


def test_the_run_loop_plays_to_the_end_at_the_set_speed_and_saves(tmp_path):
    loaded = load_scenario(REPO / "scenarios" / "island_retake.yaml")  # no pauses: it runs through
    room = open_room(loaded.scenario, 7, tmp_path / "play", speed=MAX_SPEED, lang="en")
    with TestClient(create_app(room, "en")) as c:  # the lifespan runs the loop
        time.sleep(0.5)
        assert room.session.now == 0  # paused until the facilitator starts it
        control(c, room, "resume")
        deadline = time.monotonic() + 60
        while not room.finished and time.monotonic() < deadline:
            time.sleep(0.1)
        state = c.get("/api/state", headers={TOKEN_HEADER: room.keys.token}).json()
        while state["saved"] is None and time.monotonic() < deadline:
            time.sleep(0.1)
            state = c.get("/api/state", headers={TOKEN_HEADER: room.keys.token}).json()
    assert state["finished"] and state["clock"] == room.names.clock(loaded.scenario.scenario.duration)
    assert {o["state"] for o in state["status"]["objectives"]} <= {"met", "missed"}
    assert state["saved"] == str(tmp_path / "play")
    assert PlayScript.load(tmp_path / "play").finished
    assert control(c, room, "resume").status_code == 409  # over


def test_the_served_run_lands_in_a_batch_that_follows_the_class_and_the_report_shows_where(tmp_path):
    """Issue 13 scope 2 in the classroom: the batch restarts on the class's choice, the finished run is placed
    in it, the projector says where it landed, play.json keeps it and the report of the folder shows it."""
    from html import escape

    room = open_room(load_scenario(BIRLESTIK).scenario, 2024, tmp_path / "play", speed=600.0, lang="en", runs=3)
    with TestClient(create_app(room, "en")) as c:  # the lifespan runs the loop (and the batch); the test steps
        deadline = time.monotonic() + 120
        while not room.finished and time.monotonic() < deadline:
            pending = room.pending
            if pending is None:
                r = control(c, room, "step", minutes=120)
            elif pending.kind == "inject":
                r = control(c, room, "acknowledge")
            else:  # the class takes the ridge, which is not the default; the other decisions their defaults
                r = control(c, room, "choose", option="ridge" if pending.id == "air_support" else pending.default)
            assert r.status_code == 200, r.text
        state = c.get("/api/state", headers={TOKEN_HEADER: room.keys.token}).json()
        while not (state["landed"] or state["unplaced"]) and time.monotonic() < deadline:
            time.sleep(0.1)
            state = c.get("/api/state", headers={TOKEN_HEADER: room.keys.token}).json()
        while state["saved"] is None or state["version"] < room.version:  # the save after the placement
            time.sleep(0.1)
            state = c.get("/api/state", headers={TOKEN_HEADER: room.keys.token}).json()
    assert state["finished"] and state["unplaced"] is None and state["placing"] is None
    placement = json.loads((tmp_path / "play" / "play.json").read_text(encoding="utf-8"))["placement"]
    assert placement["runs"] == 3 and placement["replications"] == [1, 3]
    assert placement["decisions"]["air_support"] == "ridge" and placement["restarts"] >= 1
    assert placement["metrics"] and {m["runs"] for m in placement["metrics"]} == {3}
    assert len(state["landed"]) == len(placement["metrics"])
    assert any("of 3 simulated runs" in line for line in state["landed"]), state["landed"]
    r = CliRunner().invoke(main, ["report", str(tmp_path / "play"), "-o", str(tmp_path / "aar.html")])
    assert r.exit_code == 0, r.output
    page = (tmp_path / "aar.html").read_text(encoding="utf-8")
    for line in state["landed"]:  # the same sentences as on the projector
        assert escape(line) in page, line


# --- pages: offline, and in two languages ----------------------------------------------------------------

ASSET = re.compile(r"""(?:src|href|action)\s*=\s*["']([^"']*)["']|url\(\s*["']?([^"')]+)""", re.I)


def test_pages_load_nothing_from_the_internet(client, room, participants):
    phone = participants()
    pages = [
        client.get("/join").text,
        client.get(f"/projector?token={room.keys.token}").text,
        phone.get("/vote").text,
    ]
    styles = [client.get("/static/style.css").text]
    pages.append(client.get("/facilitator").text)
    names = ("live.js", "projector.js", "facilitator.js", "map.js", "vote.js", "cell.js", "evaluate.js", "excon.js")
    scripts = [client.get(f"/static/{name}").text for name in names]
    assert all(scripts)
    refs = [a or b for text in pages + styles for a, b in ASSET.findall(text)]
    assert refs and all(not re.match(r"(?i)([a-z]+:)?//", r) for r in refs), refs
    assert all(r.startswith(("/static/", "?", "/join", "/projector", "/aar?")) for r in refs), refs
    # scripts: the one absolute URL they may hold is the SVG namespace, a name rather than a request
    for text in scripts:
        assert set(re.findall(r"https?://[^\s\"']+", text)) <= {"http://www.w3.org/2000/svg"}
    csp = client.get("/join").headers["content-security-policy"]
    assert "default-src 'self'" in csp and "http" not in csp


def test_pages_speak_russian_when_asked_and_remember_it(client, room):
    r = client.get("/join?lang=ru")
    assert r.status_code == 200 and "Присоединиться" in r.text and '<html lang="ru">' in r.text
    assert "Join the class" not in r.text
    assert "Присоединиться" in client.get("/join").text  # the cookie keeps the choice
    assert "Join the class" in client.get("/join?lang=en").text
    ru = client.get(f"/projector?token={room.keys.token}&lang=ru").text
    assert "Участников" in ru and "Participants" not in ru
    said = json.loads(re.search(r'<script type="application/json" id="texts">(.*?)</script>', ru, re.S).group(1))
    assert (said["held_decision"], said["held_inject"]) == ("ждёт решения", "остановлено на вводной")  # while held
    assert (said["measure"]["L"], said["measure"]["t"]) == ("л", "т")  # stocks as the story writes them
    script = client.get("/static/facilitator.js").text  # the stocks: on the facilitator's view
    assert 'number(s.level) + " " + (T.measure[s.unit] || s.unit)' in script  # the page shows those words


# --- the command -----------------------------------------------------------------------------------------


def test_the_commands_of_the_serve_page_run(tmp_path):
    """docs/serve.md's commands, as a facilitator would type them (on the loopback, on a free port)."""
    page = (REPO / "docs" / "serve.md").read_text(encoding="utf-8")
    commands = [
        shlex.split(line.strip())[1:]
        for block in re.findall(r"```sh\n(.*?)```", page, re.S)
        for line in block.splitlines()
        if line.strip().startswith("exsim serve ")
    ]
    assert len(commands) == 2
    for args in commands:
        with served(args[1:], tmp_path) as server:
            assert server.answered_s < 60
        assert server.exit_code == 0, server.lines
        assert "the run had not started: no play folder written" in server.lines
    assert not (tmp_path / "plays").exists()


def test_a_play_folder_that_holds_files_is_refused_before_the_class_starts(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "notes.txt").write_text("keep me")
    r = CliRunner().invoke(main, ["serve", str(BIRLESTIK), "--out", str(tmp_path / "old"), "--port", "0"])
    assert r.exit_code == 2 and "already holds files" in r.output
    assert (tmp_path / "old" / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize("out", ["/proc/exsim-test/play", "/proc/self/exsim-play"])
def test_a_play_folder_that_cannot_be_written_is_refused_before_the_class_starts(out, monkeypatch):
    """Not after the class has played up to its first choice, when the first save would fail."""
    from sim.serve import server

    def never(*args, **kwargs):
        raise AssertionError("the server started")

    monkeypatch.setattr(server, "bind", never)
    r = CliRunner().invoke(main, ["serve", str(BIRLESTIK), "--out", out, "--port", "0", "--batch", "0"])
    assert r.exit_code == 2, r.output
    assert r.stdout == "" and len(r.stderr.splitlines()) == 1 and r.stderr.startswith("cannot "), r.stderr


def test_it_listens_on_this_computer_only_unless_told_otherwise(monkeypatch, tmp_path):
    from sim.serve import server

    bound = []

    def instead_of_serving(room, sock, lang):
        bound.append(sock.getsockname()[0])
        batches.append(room.batch.runs if room.batch else 0)
        sock.close()

    batches = []
    monkeypatch.setattr(server, "serve", instead_of_serving)
    r = CliRunner().invoke(main, ["serve", str(BIRLESTIK), "--port", "0", "--out", str(tmp_path / "p")])
    assert r.exit_code == 0, r.output
    assert bound == ["127.0.0.1"] and "this computer only" in r.output
    assert re.search(r"projector \(facilitator only\): http://127\.0\.0\.1:\d+/projector\?token=\S{20,}", r.output)
    assert "no play folder written" in r.output
    for runs in ("7", "0"):
        r = CliRunner().invoke(main, ["serve", str(BIRLESTIK), "--port", "0", "--batch", runs])
        assert r.exit_code == 0, r.output
    assert batches == [200, 7, 0]  # as exsim play's default; 0: no placement


def test_a_taken_port_is_a_one_line_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        r = CliRunner().invoke(main, ["serve", str(BIRLESTIK), "--port", str(port)])
    assert r.exit_code == 2 and f"--port {port}: the port is in use" in r.output
    assert "Traceback" not in r.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere.yaml"], "nowhere.yaml"),
        ([str(BIRLESTIK), "--speed", "0"], "--speed"),
        ([str(BIRLESTIK), "--port", "70000"], "--port"),
        ([str(BIRLESTIK), "--lang", "fr"], "--lang fr"),
        ([str(BIRLESTIK), "--batch", "-1"], "--batch"),
    ],
)
def test_bad_input_is_a_one_line_error(args, message):
    r = CliRunner().invoke(main, ["serve", *args])
    assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output
