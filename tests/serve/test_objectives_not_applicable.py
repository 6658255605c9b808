"""The classroom's pages show an objective ``only_if:`` an option not taken as not applicable (issue 30, scope
4): the state the facilitator's and the projector's pages draw (/api/state) and the one a phone draws, from
the decision on to the end, with the word in the pages' texts in both languages."""

from __future__ import annotations

import json
import re

import pytest

pytest.importorskip("starlette")

from starlette.testclient import TestClient

from sim.check import load_scenario
from sim.serve.app import create_app
from sim.serve.auth import TOKEN_HEADER
from sim.serve.server import open_room
from tests.conftest import REPO

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
