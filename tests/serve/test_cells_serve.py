"""Cells in the classroom, through the HTTP API: a code per cell and for the evaluators, a cell sees its own
units and requests only, EXCON's actions are recorded as human-set, and the AAR/IP exports."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("starlette")
from starlette.testclient import TestClient

from sim.check import load_scenario
from sim.play import PlayScript
from sim.serve.app import create_app
from sim.serve.auth import SEAT_COOKIE, TOKEN_HEADER
from sim.serve.server import open_room
from tests.serve.conftest import BIRLESTIK


def seat(client, code):
    c = TestClient(client.app)
    c.portal = client.portal
    r = c.get(f"/join?code={code}", follow_redirects=False)
    assert r.status_code == 303 and SEAT_COOKIE in r.cookies, r.text
    return c, r.headers["location"]


def control(client, room, action, **body):
    return client.post(f"/api/control/{action}", json=body, headers={TOKEN_HEADER: room.keys.token})


def test_each_cell_has_its_own_code_and_sees_only_its_own_units(client, room):
    codes = room.keys.cell_codes
    assert set(codes) == {"hq", "kaz", "aze", "kgz", "tjk", "uzb"}  # not the armed group's: control plays it
    assert len({*codes.values(), room.keys.code, room.keys.evaluator_code}) == len(codes) + 2
    aze, where = seat(client, codes["aze"])
    assert where == "/cell"
    state = aze.get("/api/cell/state").json()
    assert {u["id"] for u in state["units"]} == {"sf-1", "mar-3", "ls-1", "ferry-1"}
    assert {r["id"] for r in state["may_ask"]} == {"uzb_fire_support", "kaz_medevac"}
    hq, _ = seat(client, codes["hq"])
    assert len(hq.get("/api/cell/state").json()["units"]) == 18  # every players' cell's units
    evaluator, where = seat(client, room.keys.evaluator_code)
    assert where == "/evaluate"
    assert evaluator.get("/api/cell/state").status_code == 403
    assert client.get("/api/cell/state").status_code == 403  # no seat
    assert "secure_island" in evaluator.get("/evaluate").text
    for text in (aze.get("/cell").text, evaluator.get("/evaluate").text):  # nothing from elsewhere
        refs = re.findall(r'(?:src|href)="([^"]*)"', text)
        assert refs and all(r.startswith(("/static/", "?")) for r in refs), refs


def test_a_request_goes_from_one_cell_to_another_and_excon_reaches_one_cell(client, room, tmp_path):
    codes = room.keys.cell_codes
    aze, _ = seat(client, codes["aze"])
    uzb, _ = seat(client, codes["uzb"])
    kaz, _ = seat(client, codes["kaz"])
    assert aze.post("/api/cell/request", json={"id": "kaz_medevac"}).status_code == 200
    assert kaz.post("/api/cell/request", json={"id": "uzb_fire_support"}).status_code == 400  # not kaz's to make
    r = aze.post("/api/cell/request", json={"id": "uzb_fire_support"})
    assert r.status_code == 200, r.text
    assert control(client, room, "message", text="Ferry delayed", to="aze").status_code == 200
    assert "Ferry delayed" in [m["text"] for m in aze.get("/api/cell/state").json()["messages"]]
    assert uzb.get("/api/cell/state").json()["messages"] == []

    def drive(done) -> None:
        for _ in range(60):
            if done():
                return
            step()
        raise AssertionError("the run never got there")

    def step() -> None:
        pending = room.pending
        control(client, room, "acknowledge") if pending is not None and pending.kind == "inject" else control(
            client, room, "step", minutes=10
        )
        if room.pending is not None and room.pending.kind == "decision":
            if room.pending.id == "air_support":  # the Uzbek cell's own decision: its page takes it
                assert uzb.get("/api/cell/state").json()["decision"]["id"] == "air_support"
                assert kaz.get("/api/cell/state").json()["decision"] is None
                assert kaz.post("/api/cell/choose", json={"option": "ridge"}).status_code == 409
                assert uzb.post("/api/cell/choose", json={"option": "ridge"}).status_code == 200
            else:
                control(client, room, "choose", option=room.pending.default)

    drive(lambda: uzb.get("/api/cell/state").json()["awaiting"])
    (waiting,) = uzb.get("/api/cell/state").json()["awaiting"]
    assert aze.post("/api/cell/answer", json={"n": waiting["n"], "answer": "grant"}).status_code == 409
    assert uzb.post("/api/cell/answer", json={"n": waiting["n"], "answer": "grant"}).status_code == 200
    drive(lambda: any(a["action"] == "choose" for a in room.session.actions))
    evaluator, _ = seat(client, room.keys.evaluator_code)
    obs = {"cell": "aze", "objective": "secure_island", "rating": "some_challenges", "note": "late request"}
    assert evaluator.post("/api/observe", json=obs).status_code == 200
    assert control(client, room, "hold_cell", cell="kaz", held=True).status_code == 200
    for minutes in ("1e400", "NaN", "-5", "0"):  # (1e400 reads as infinity): refused, and nothing recorded
        body = '{"id": "caspian_storm", "when": "later", "minutes": ' + minutes + "}"
        later = client.post("/api/control/fire_inject", content=body, headers={TOKEN_HEADER: room.keys.token})
        assert later.status_code == 400, minutes
    assert control(client, room, "fire_inject", id="caspian_storm", when="never").status_code == 200
    truth = client.get("/api/state", headers={TOKEN_HEADER: room.keys.token}).json()["units"]
    assert control(client, room, "projector_view", view="hq").status_code == 200
    shown = client.get("/api/state", headers={TOKEN_HEADER: room.keys.token}).json()["units"]
    assert len(truth) == 20 and {u["id"] for u in shown} == {u["id"] for u in truth} - {"ag", "ag-land"}
    places = room.scenario.map.places

    def lagging() -> list[str]:
        """The units the HQ view shows elsewhere than the truth, each checked to be where its last report to
        the HQ cell put it."""
        truth = {
            u["id"]: (u["x"], u["y"]) for u in control(client, room, "projector_view", view="truth").json()["units"]
        }
        hq = {u["id"]: (u["x"], u["y"]) for u in control(client, room, "projector_view", view="hq").json()["units"]}
        reported = {r.unit: r for r in room.session.picture("hq")}
        assert hq == {
            uid: room.xy(places[r.place].lat, places[r.place].lon) if r.place else (None, None)
            for uid, r in reported.items()
        }
        return [uid for uid, at in hq.items() if at != truth[uid]]

    for _ in range(40):  # until a unit on the move has not yet reported so to the HQ cell
        if lagging():
            break
        step()
    assert lagging(), "no unit lags: the HQ view would pass if it showed the truth"
    assert control(client, room, "projector_view", view="enemy").status_code == 400
    plan = [{"issue": "late request", "action": "drill", "cell": "aze", "date": "2025-01-10"}]
    assert control(client, room, "plan", rows=plan).status_code == 200
    md = client.get("/aar?format=md", headers={TOKEN_HEADER: room.keys.token})
    assert md.status_code == 200 and "late request" in md.text and "| late request | drill |" in md.text
    assert client.get("/aar?format=csv").status_code == 403
    script = PlayScript.load(room.saved)
    (chosen,) = [a for a in script.actions if a["action"] == "choose" and a["id"] == "air_support"]
    assert chosen["option"] == "ridge"
    human = [a for a in script.actions if a["action"] in ("message", "hold_cell", "fire_inject")]
    assert len(human) == 3 and all(a["human_set"] for a in human)
    assert script.extra["improvement_plan"] == plan


def test_the_cell_and_evaluator_pages_read_in_russian(tmp_path):
    """The pages' own words and the scenario's texts on them (the guide's objectives, injects, expected actions)
    pass the "no English" scan of a Russian class; ids stand in parentheses."""
    from tests.present.test_aar import text_of
    from tests.product.test_russian_outputs import english

    loaded = load_scenario(BIRLESTIK)
    room = open_room(loaded.scenario, 2024, tmp_path / "play", speed=600.0, lang="ru")
    with TestClient(create_app(room, "ru", run=False)) as client:
        cell, _ = seat(client, room.keys.cell_codes["aze"])
        evaluator, _ = seat(client, room.keys.evaluator_code)
        for page in (cell.get("/cell?lang=ru").text, evaluator.get("/evaluate?lang=ru").text):
            body = re.sub(r'<script type="application/json".*?</script>', "", page, flags=re.S)
            words = [w for w in english(text_of(body)) if w not in ("EN", "RU")]  # the language switch
            assert words == [], words
        state = cell.get("/api/cell/state").json()
        assert english(" ".join(u["label"] + " " + u["where"] for u in state["units"])) == []


def _drive(client, room, done) -> None:
    """Step the run ten minutes at a time, taking every pause's default, until ``done()``."""
    for _ in range(80):
        if done():
            return
        pending = room.pending
        if pending is not None and pending.kind == "inject":
            control(client, room, "acknowledge")
        elif pending is not None and pending.kind == "decision":
            control(client, room, "choose", option=pending.default)
        else:
            control(client, room, "step", minutes=10)
    raise AssertionError("the run never got there")


def test_a_request_on_its_way_cannot_be_sent_again_and_the_granting_cell_sees_its_answer_going_back(client, room):
    codes = room.keys.cell_codes
    aze, _ = seat(client, codes["aze"])
    uzb, _ = seat(client, codes["uzb"])
    assert aze.post("/api/cell/request", json={"id": "uzb_fire_support"}).status_code == 200
    again = aze.post("/api/cell/request", json={"id": "uzb_fire_support"})
    assert again.status_code == 409 and "already on its way" in again.json()["error"], again.text
    asked = {r["id"]: r["in_flight"] for r in aze.get("/api/cell/state").json()["may_ask"]}
    assert asked == {"uzb_fire_support": True, "kaz_medevac": False}  # the page's button is off while it is
    assert len(room.session.requests_sent()) == 1  # one strike, not two
    _drive(client, room, lambda: uzb.get("/api/cell/state").json()["awaiting"])
    (waiting,) = uzb.get("/api/cell/state").json()["awaiting"]
    assert uzb.post("/api/cell/answer", json={"n": waiting["n"], "answer": "grant"}).status_code == 200
    (sent,) = room.session.requests_sent()
    assert sent.answered is not None and sent.back is None  # the answer crosses back through the HQ
    assert [r["state"] for r in uzb.get("/api/cell/state").json()["requests"]] == ["answered_back"]
    assert [r["state"] for r in aze.get("/api/cell/state").json()["requests"]] == ["on_its_way"]
    _drive(client, room, lambda: sent.back is not None)
    assert [r["state"] for r in aze.get("/api/cell/state").json()["requests"]] == ["granted"]
    assert aze.post("/api/cell/request", json={"id": "uzb_fire_support"}).status_code == 200  # back: may ask again


@pytest.mark.parametrize(
    "lang, words",
    [
        ("en", ("no cell 'nowhere'", "request #7 does not await cell uzb's answer", "unknown or malformed action")),
        ("ru", ("ячейки 'nowhere' нет", "заявка № 7 не ожидает ответа ячейки uzb", "неизвестное или искажённое")),
    ],
)
def test_what_a_cell_page_and_control_are_refused_reads_in_the_room_s_language(tmp_path, lang, words):
    from sim.errors import ExsimError
    from sim.play import PlaySession

    loaded = load_scenario(BIRLESTIK)
    session = PlaySession(loaded.scenario, 2024, lang=lang, cells=frozenset({"aze", "uzb"}))
    with pytest.raises(ExsimError) as refused:
        session.message("Ferry delayed", to="nowhere")
    assert str(refused.value) == words[0]
    room = open_room(loaded.scenario, 2024, tmp_path / "play", speed=600.0, lang=lang)
    with TestClient(create_app(room, lang, run=False)) as client:
        uzb, _ = seat(client, room.keys.cell_codes["uzb"])
        answer = uzb.post("/api/cell/answer", json={"n": 7, "answer": "grant"})
        assert (answer.status_code, answer.json()["error"]) == (409, words[1])
        assert words[2] in uzb.post("/api/cell/fly", json={}).json()["error"]
        evaluator, _ = seat(client, room.keys.evaluator_code)
        obs = {"cell": "aze", "objective": "secure_island", "rating": "performed", "note": ""}
        assert evaluator.post("/api/observe", json=obs).status_code == 200
        (seen,) = evaluator.get("/api/evaluator/state").json()["observations"]
        assert (
            seen["label"]
            == f"{room.names.objective('secure_island')} (secure_island)"
            != "secure_island (secure_island)"
        )


def test_exsim_serve_tells_the_cells_and_evaluators_codes_in_russian_and_its_help_names_their_pages(
    tmp_path, monkeypatch
):
    from click.testing import CliRunner

    from sim.cli import main
    from sim.serve import server

    monkeypatch.setattr(server, "serve", lambda room, sock, code: sock.close())  # print the codes, serve nothing
    args = ["serve", "birlestik_2024", "--lang", "ru", "--port", "0", "--batch", "0", "--out", str(tmp_path / "p")]
    out = CliRunner().invoke(main, args).output
    assert re.search(r"ячейка aze: код \w+", out) and re.search(r"посредники-оценщики: код \w+", out), out
    assert "cell aze: code" not in out and "evaluators: code" not in out
    help_text = " ".join(CliRunner().invoke(main, ["serve", "--help"]).output.split())
    assert "that cell's page" in help_text and "evaluators' page" in help_text


def test_the_evaluators_rating_list_is_the_one_scale_the_session_and_the_aar_use(client, room, monkeypatch):
    from sim.play import session
    from sim.present import aar
    from sim.serve import app

    assert tuple(aar.RATING) == session.RATINGS
    evaluator, _ = seat(client, room.keys.evaluator_code)
    shown = re.findall(r'<option value="(\w+)">', evaluator.get("/evaluate").text)
    assert [r for r in shown if r in aar.RATING] == list(aar.RATING) * len(room.scenario.objectives)
    monkeypatch.setattr(app, "RATINGS", ("performed", "not_performed"))  # the page lists what the scale holds
    shown = re.findall(r'<option value="(\w+)">', evaluator.get("/evaluate").text)
    assert [r for r in shown if r in aar.RATING] == ["performed", "not_performed"] * len(room.scenario.objectives)
