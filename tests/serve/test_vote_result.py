"""The result of the class's vote where it is shown (the projector's story, the phones): a tie the plan's
default or the option listed first decided, or a vote with no ballots, says so."""

from __future__ import annotations

import pytest

pytest.importorskip("starlette")

from sim.serve.vote import Vote

# the fixtures of test_serve (re-exported names are what pytest finds; room and client: tests/serve/conftest.py)
from tests.serve.test_serve import control, until_decision
from tests.serve.test_serve import participants as participants


def _close(client, room, participants, ballots):
    phones = [participants() for _ in ballots]
    until_decision(client, room, "air_support")
    assert control(client, room, "open_vote").status_code == 200
    for phone, option in zip(phones, ballots, strict=True):
        assert phone.post("/api/vote", json={"option": option}).status_code == 200
    r = control(client, room, "close_vote")
    assert r.status_code == 200, r.text
    return phones, r.json()


def test_a_tie_taken_by_the_default_is_told_on_the_projector_and_the_phones(client, room, participants):
    phones, state = _close(client, room, participants, ["ridge", "island", "ridge", "island"])
    (choice,) = [a for a in room.session.actions if a["action"] == "choose"]
    assert choice["option"] == "island" and choice["votes"] == {"ridge": 2, "island": 2}  # the default, island
    said = "Tied 2–2: the plan's default, island first, was taken."
    assert said in [line["text"] for line in room.story], room.story[-3:]
    assert state["result"] == said
    assert phones[0].get("/api/state").json()["result"] == said  # the phone's waiting page says it too


def test_no_ballots_at_all_is_told_too(client, room, participants):
    _, state = _close(client, room, participants, [])
    assert state["result"] == "No votes were cast: the plan's default, island first, was taken."
    assert state["result"] in [line["text"] for line in room.story]


def test_a_clear_majority_is_told_on_the_phones_and_adds_nothing_to_the_story(client, room, participants):
    phones, state = _close(client, room, participants, ["ridge", "island", "ridge"])
    assert state["result"] == "The class voted 2–1: ridge first was taken."
    assert phones[1].get("/api/state").json()["result"] == state["result"]
    assert not [line for line in room.story if line["text"] == state["result"]]  # the decision's line has the count


@pytest.mark.parametrize(
    ("ballots", "default", "winner", "words"),
    [
        ({"x": "a", "y": "b"}, "b", "b", "Tied 1–1: the plan's default, b, was taken."),
        ({"x": "a", "y": "b", "z": "c"}, "c", "c", "Tied 1–1–1: the plan's default, c, was taken."),
        ({"x": "b", "y": "c"}, "a", "b", "Tied 1–1: the option listed first in the plan, b, was taken."),
        ({}, "c", "c", "No votes were cast: the plan's default, c, was taken."),
        ({"x": "b", "y": "b", "z": "a"}, "a", "b", "The class voted 2–1–0: b was taken."),
    ],
)
def test_the_result_in_words_follows_the_tie_rule(ballots, default, winner, words):
    from sim.present.i18n import language

    v = Vote("p", ("a", "b", "c"), default, dict(ballots))
    assert v.close() == winner
    assert v.result(language("en")) == (words, not words.startswith("The class voted"))


def test_the_result_in_russian():
    from sim.present.i18n import language

    v = Vote("p", ("hold", "commit"), "hold", {"x": "hold", "y": "commit"})
    v.close()
    assert v.result(language("ru"))[0] == "Равенство голосов (1–1); принят вариант по умолчанию: hold."
