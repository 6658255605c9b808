"""Player cells in a live session: each cell's picture lags the truth by the reporting delay, requests travel
with the command model's delay for the pair of nations, scripted cells answer by policy, and a play with
requests replays event for event. Delays are computed by hand from tests/play/cells_drill.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.check import load_scenario
from sim.errors import ExsimError
from sim.experiment.replay import trace
from sim.play import PlayScript, PlaySession
from sim.play.session import DecisionPause, InjectPause

DRILL = str(Path(__file__).with_name("cells_drill.yaml"))
SEED = 3

# By hand, from cells_drill.yaml's command section:
#   interoperability to the HQ's nation AAA: BBB 30min x 0.5 (liaison) = 15; CCC 40 (its pair)
#   a message BBB -> CCC is relayed through the combined HQ: 15 + 40 = 55 minutes each way
#   the battery's order comes down its chain (ccc_hq 15) and crosses to CCC (40): 55 minutes
#   the rifles' report climbs their chain (20 + 10 = 30): to cell bbb 30; to the HQ cell (AAA) 30 + 15 = 45
BBB_TO_CCC = 15.0 + 40.0
BATTERY_ORDER = 15.0 + 40.0
RIFLES_TO_BBB = 20.0 + 10.0
RIFLES_TO_HQ = 20.0 + 10.0 + 30.0 * 0.5


@pytest.fixture(scope="module")
def drill():
    return load_scenario(DRILL).scenario


def _events(session: PlaySession, kind: str, **match):
    return [e for e in session.events if e["kind"] == kind and all(e.get(k) == v for k, v in match.items())]


def test_a_request_travels_with_the_interoperability_delay_both_ways_and_a_grant_strikes(drill):
    session = PlaySession(drill, SEED)  # the class plays every cell
    session.advance(30)
    session.request("fires")
    sent = session.now
    session.advance(BBB_TO_CCC - 0.5)
    assert not session.awaiting(), "the request arrived before the interoperability delay"
    session.advance(1.0)
    (waiting,) = session.awaiting("ccc")
    assert waiting.t == pytest.approx(sent + BBB_TO_CCC) and session.now == waiting.t  # advance stopped there
    assert not session.awaiting("bbb")
    session.advance(10)  # the cell takes ten minutes to decide; the run goes on
    session.answer(waiting.n, "grant")
    (answered,) = _events(session, "request_answered", id="fires")
    assert answered["answer"] == "grant" and answered["human_set"]
    assert answered["t"] == pytest.approx(sent + BBB_TO_CCC + 10)
    while not session.finished:
        session.advance(60)
        while session.pending is not None:
            session.acknowledge() if isinstance(session.pending, InjectPause) else session.choose(
                session.pending.default
            )
    (back,) = _events(session, "request_answer_arrived", id="fires")
    assert back["t"] == pytest.approx(answered["t"] + BBB_TO_CCC)
    strikes = _events(session, "strike", unit="battery")
    assert strikes, "the granted fire support never struck"
    (order,) = _events(session, "order", unit="battery")
    assert order["t"] == pytest.approx(answered["t"] + BATTERY_ORDER)
    (record,) = session.requests_sent()
    assert (record.sent, record.arrived, record.answered, record.back) == pytest.approx(
        (sent, sent + BBB_TO_CCC, answered["t"], back["t"])
    )
    assert record.delay_out == record.delay_back == pytest.approx(BBB_TO_CCC)


def test_a_declined_request_orders_nothing(drill):
    session = PlaySession(drill, SEED)
    session.request("fires")
    session.advance(BBB_TO_CCC)
    session.answer(session.awaiting()[0].n, "decline")
    session.advance(600)
    assert not _events(session, "order", unit="battery") and not _events(session, "strike")
    assert _events(session, "request_answer_arrived", answer="decline")


def test_a_scripted_cell_answers_by_its_policy_and_a_scripted_cells_decision_is_taken_at_once(drill):
    session = PlaySession(drill, SEED, cells=frozenset({"bbb"}))  # ccc and aaa are scripted
    session.advance(10)
    session.request("fires")
    seen = []
    while not session.finished:
        session.advance(60)
        while session.pending is not None:
            seen.append(session.pending)
            session.acknowledge()
    assert not any(isinstance(p, DecisionPause) for p in seen) and not session.awaiting()
    (answered,) = _events(session, "request_answered")
    assert answered["by"] == "script" and not answered["human_set"]
    assert answered["t"] == pytest.approx(10 + BBB_TO_CCC + 5.0)  # answer_after: 5min
    (decision,) = _events(session, "decision", id="go")
    assert decision["option"] == "wait" and "human_set" not in decision
    with pytest.raises(ExsimError, match="scripted"):
        PlaySession(drill, SEED, cells=frozenset({"aaa"})).request("fires")


def test_a_cells_picture_lags_the_truth_by_the_reporting_delay(drill):
    session = PlaySession(drill, SEED, cells=frozenset({"bbb", "hq"}))  # aaa's decision at 2h does not wait
    truth = trace(drill, SEED, 0).events  # when the rifles really set off (their order came down the chain)
    (depart,) = [e for e in truth if e["kind"] == "depart" and e["unit"] == "rifles"]
    t0 = depart["t"]
    assert [r.unit for r in session.picture("bbb")] == ["rifles"]  # a cell sees only its own units
    assert {r.unit for r in session.picture("hq")} == {"scouts", "rifles", "battery"}

    def rifles(cell: str):
        return next(r for r in session.picture(cell) if r.unit == "rifles")

    session.advance(t0 + RIFLES_TO_BBB - 0.5)
    assert not rifles("bbb").moving
    session.advance(0.5)
    assert session.pending is None and session.now == pytest.approx(t0 + RIFLES_TO_BBB)
    assert rifles("bbb").moving and rifles("bbb").as_of == pytest.approx(t0)
    assert not rifles("hq").moving  # the HQ's report crosses from BBB to AAA as well
    session.advance(RIFLES_TO_HQ - RIFLES_TO_BBB)
    assert rifles("hq").moving


def test_a_play_with_requests_and_answers_replays_event_for_event(drill, tmp_path):
    session = PlaySession(drill, SEED)
    session.advance(20)
    session.request("fires")
    session.advance(BBB_TO_CCC)
    session.advance(3)
    session.answer(1, "grant")
    session.advance(90)
    session.choose("attack")
    session.run_to_end()
    session.save(tmp_path / "play")
    again = PlaySession(drill, SEED, script=PlayScript.load(tmp_path / "play"))
    again.run_to_end()
    assert again.events == session.events
    assert [a["action"] for a in again.actions] == ["request", "answer", "choose"]


def test_with_every_cell_scripted_and_no_request_the_run_is_the_run_without_cells():
    """The flagship's cells and requests (none scripted to be made) change nothing in a batch run, nor in a
    play where every cell is scripted and nobody asks."""
    flagship = load_scenario("birlestik_2024").scenario
    assert flagship.cells and flagship.requests
    bare = flagship.model_copy(
        update={
            "cells": [],
            "requests": [],
            "decision_points": [p.model_copy(update={"cell": None}) for p in flagship.decision_points],
        }
    )
    with_cells, without = trace(flagship, 2024, 0), trace(bare, 2024, 0)
    assert with_cells.events == without.events and with_cells.metrics == without.metrics
    session = PlaySession(flagship, 2024, cells=frozenset())
    while not session.finished:
        session.advance(600)
        while session.pending is not None:
            assert isinstance(session.pending, InjectPause), "a scripted cell's decision waited for players"
            session.acknowledge()
    played = [e for e in session.events if e["kind"] != "sample"]
    assert played == without.events
    assert session.metrics == without.metrics


def test_exsim_play_plays_one_cell_against_scripted_others(tmp_path):
    """--cell ccc: the request a scripted bbb makes (at H+1, set here) waits for the class's answer; aaa's
    decision is taken by its script; play.json records the cell, and a replay of it is the same run."""
    from click.testing import CliRunner

    from sim.cli import main

    out = tmp_path / "play"
    args = ["play", DRILL, "--cell", "ccc", "--batch", "0", "--out", str(out), "--set", "requests.0.at=H+1"]
    result = CliRunner().invoke(main, args, input="d\n")
    assert result.exit_code == 0, result.output
    assert "Declined" in result.output
    script = PlayScript.load(out)
    assert script.extra["cells"] == ["ccc"]
    assert [(a["action"], a["answer"], a["t"]) for a in script.actions] == [("answer", "decline", 60 + BBB_TO_CCC)]
    scenario = load_scenario(DRILL, ("requests.0.at=H+1",)).scenario
    again = PlaySession(scenario, SEED, script=script)
    again.run_to_end()
    assert again.finished and next(e for e in again.events if e["kind"] == "decision")["option"] == "wait"
    assert _events(again, "request_answered")[0]["answer"] == "decline"


EXCON_DRILL = Path(DRILL).read_text(encoding="utf-8") + (
    "injects:\n  - {id: news, at: 3h, message: The foe digs in.}\n  - {id: rain, at: 4h, message: Rain.}\n"
)


@pytest.fixture
def excon(tmp_path):
    path = tmp_path / "excon.yaml"
    path.write_text(EXCON_DRILL, encoding="utf-8")
    return load_scenario(str(path)).scenario


def _finish(session: PlaySession) -> None:
    while not session.finished:
        session.advance(60)
        while session.pending is not None:
            p = session.pending
            session.acknowledge() if isinstance(p, InjectPause) else session.choose(p.default)


def test_excon_fires_an_inject_now_later_or_never_and_a_replay_repeats_it(excon, tmp_path):
    session = PlaySession(excon, SEED)
    session.advance(30)
    session.fire_inject("news", "now")
    session.fire_inject("rain", "later", 60)
    assert session.pending is not None and session.pending.id == "news"
    _finish(session)
    fired = {e["id"]: (e["t"], e.get("human_set")) for e in _events(session, "inject")}
    assert fired == {"news": (30.0, True), "rain": (90.0, True)}  # not again at 3h and 4h
    session.save(tmp_path / "play")
    again = PlaySession(excon, SEED, script=PlayScript.load(tmp_path / "play"))
    again.run_to_end()
    assert again.events == session.events

    never = PlaySession(excon, SEED, cells=frozenset({"bbb"}))  # aaa decides by script: no pause at 2h
    never.fire_inject("news", "never")
    never.advance(250)
    with pytest.raises(ExsimError, match="fired already"):
        never.fire_inject("rain", "now")
    _finish(never)
    assert [e["id"] for e in _events(never, "inject")] == ["rain"]


def test_an_excon_message_reaches_one_cell_only_or_every_cell(excon):
    session = PlaySession(excon, SEED)
    session.message("Bridge at camp is down.", to="bbb")
    session.message("ENDEX at H+12.")
    assert [m["text"] for m in session.messages("bbb")] == ["Bridge at camp is down.", "ENDEX at H+12."]
    assert [m["text"] for m in session.messages("ccc")] == ["ENDEX at H+12."]
    assert all(m["human_set"] for m in session.messages("bbb"))


def test_excon_holds_a_cells_clock_driven_decision_until_it_lets_go(excon, tmp_path):
    session = PlaySession(excon, SEED)
    session.hold_cell("aaa", True)
    session.advance(150)  # the decision at 2h is held: the run goes on
    assert session.pending is None and session.now == 150
    assert not _events(session, "decision")
    session.hold_cell("aaa", False)
    assert session.pending is not None and session.pending.id == "go"
    session.choose("attack")
    (decision,) = _events(session, "decision")
    assert decision["t"] == 150 and decision["option"] == "attack"
    _finish(session)
    session.save(tmp_path / "play")
    again = PlaySession(excon, SEED, script=PlayScript.load(tmp_path / "play"))
    again.run_to_end()
    assert again.events == session.events


def test_the_exercise_page_s_cell_command_runs(tmp_path, monkeypatch):
    """docs/exercise.md's `exsim play ... --cell` runs as shown (no terminal: scripted cells decide and answer)."""
    import re
    import shlex

    from click.testing import CliRunner

    from sim.cli import main
    from tests.conftest import REPO

    page = (REPO / "docs" / "exercise.md").read_text(encoding="utf-8")
    (line,) = [x for b in re.findall(r"```sh\n(.*?)```", page, re.S) for x in b.splitlines() if "--cell" in x]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").symlink_to(REPO / "scenarios")
    result = CliRunner().invoke(main, [*shlex.split(line)[1:], "--out", str(tmp_path / "play")], input="")
    assert result.exit_code == 0, result.output
    assert PlayScript.load(tmp_path / "play").extra["cells"] == ["aze"]


@pytest.mark.parametrize("block", [False, True])
def test_an_outage_holds_a_request_until_it_ends_or_loses_it(tmp_path, block):
    text = Path(DRILL).read_text(encoding="utf-8") + (
        "injects:\n  - {id: radios, at: 10min, effects: "
        f"[{{type: comms_outage, nations: [CCC], for: 2h, block: {str(block).lower()}}}]}}\n"
    )
    path = tmp_path / "outage.yaml"
    path.write_text(text, encoding="utf-8")
    session = PlaySession(load_scenario(str(path)).scenario, SEED, cells=frozenset({"bbb"}))
    session.advance(30)
    session.request("fires")
    _finish(session)
    if block:
        assert _events(session, "request_lost") and not _events(session, "request_arrived")
    else:  # held until the outage ends at 10 + 120 minutes, then the usual 55 minutes
        (arrived,) = _events(session, "request_arrived")
        assert arrived["t"] == pytest.approx(10 + 120 + BBB_TO_CCC)


def test_the_placement_batch_repeats_the_class_s_requests_and_answers(drill):
    from sim.play.folder import with_choices

    actions = [
        {"action": "request", "id": "fires", "t": 30.0},
        {"action": "answer", "id": "fires", "n": 1, "answer": "decline", "t": 95.0},
    ]
    batch = with_choices(drill, actions)
    (r,) = batch.requests
    assert (r.at, r.answer) == (30.0, "decline") and drill.requests[0].at is None
    run = trace(batch, SEED, 0).events
    assert [e["t"] for e in run if e["kind"] == "request"] == [30.0]
    assert [e["answer"] for e in run if e["kind"] == "request_answered"] == ["decline"]


def test_a_scripted_request_on_a_trigger_is_made_when_it_holds(drill):
    """No MSEL in the drill: the trigger still has what it waits on."""
    from sim.config.exercise import Trigger

    r = drill.requests[0].model_copy(update={"when": Trigger(phase_done="advance")})
    run = trace(drill.model_copy(update={"requests": [r]}), SEED, 0).events
    done = next(e["t"] for e in run if e["kind"] == "signal" and e["name"] == "phase:advance")
    assert [e["t"] for e in run if e["kind"] == "request"] == [done]


def test_looking_at_a_cells_picture_draws_nothing_from_the_run(tmp_path):
    """With the interoperability delay a distribution, the cells' pictures (kept up at every step of a play)
    reckon it by its mean: the play is the batch's run of the same scenario, whose request draws that delay."""
    text = Path(DRILL).read_text(encoding="utf-8")
    spread = text.replace("    delay: 30min\n", "    delay: {distribution: exponential, mean: 30min}\n", 1)
    assert spread != text
    (tmp_path / "spread.yaml").write_text(spread, encoding="utf-8")
    loaded = load_scenario(str(tmp_path / "spread.yaml")).scenario
    scenario = loaded.model_copy(update={"requests": [loaded.requests[0].model_copy(update={"at": 30.0})]})
    session = PlaySession(scenario, SEED, cells=frozenset())  # every cell scripted: nothing waits for the class
    session.run_to_end()
    assert session.finished and any(e["kind"] == "request_arrived" for e in session.events)
    assert [e for e in session.events if e["kind"] != "sample"] == trace(scenario, SEED, 0).events


def test_the_batch_answers_a_request_that_reached_the_class_as_the_class_did(drill):
    """A scripted cell's request reaches the cell the class plays; the class declines it half an hour after
    it arrived. The placement batch's run declines it too, as long after its arrival (not by the policy)."""
    from sim.play.folder import with_choices

    s = drill.model_copy(update={"requests": [drill.requests[0].model_copy(update={"at": 60.0})]})
    assert s.requests[0].answer == "grant"  # the policy the class's answer must override
    session = PlaySession(s, SEED, cells=frozenset({"ccc"}))
    while not session.awaiting("ccc"):
        session.advance(5)
        assert not session.finished
    (waiting,) = session.awaiting("ccc")
    session.advance(30)
    session.answer(waiting.n, "decline")
    (live,) = _events(session, "request_answered", id="fires")
    assert live["answer"] == "decline" and live["t"] == pytest.approx(waiting.t + 30)
    (batch,) = [e for e in trace(with_choices(s, session.actions), SEED, 0).events if e["kind"] == "request_answered"]
    assert batch["answer"] == "decline" and batch["t"] == pytest.approx(live["t"])


def test_each_request_draws_its_delays_from_its_own_stream(tmp_path):
    """With the interoperability delay a distribution, a second request's messages take the same time
    whether or not the first was made: each request has its own stream (interoperability:request:<id>)."""
    text = Path(DRILL).read_text(encoding="utf-8")
    spread = text.replace("    delay: 30min\n", "    delay: {distribution: exponential, mean: 30min}\n", 1)
    (tmp_path / "spread.yaml").write_text(spread, encoding="utf-8")
    loaded = load_scenario(str(tmp_path / "spread.yaml")).scenario
    first = loaded.requests[0].model_copy(update={"at": 30.0})
    second = first.model_copy(update={"id": "fires_again", "at": 240.0})

    def second_arrives(requests_made):
        run = trace(loaded.model_copy(update={"requests": requests_made}), SEED, 0).events
        return [e["t"] for e in run if e["kind"] == "request_arrived" and e["id"] == "fires_again"]

    alone, after_another = second_arrives([second]), second_arrives([first, second])
    assert len(alone) == 1 and alone[0] > 240.0
    assert after_another == alone


@pytest.mark.parametrize("cell", ["red", "zzz"])
def test_exsim_play_refuses_a_cell_the_players_cannot_play(tmp_path, cell):
    """red is control's cell (the opposing force), zzz none at all: one line naming the players' cells."""
    from click.testing import CliRunner

    from sim.cli import main

    result = CliRunner().invoke(main, ["play", DRILL, "--cell", cell, "--batch", "0", "--out", str(tmp_path / "p")])
    assert result.exit_code == 2, result.output
    lines = [x for x in result.output.splitlines() if "warning:" not in x and x.strip()]
    assert lines == [f"no players' cell {cell} in this scenario (cells: aaa, bbb, ccc, hq)"]  # control's red not listed


def test_a_mistyped_answer_in_plain_mode_is_asked_again_not_the_end_of_the_play(tmp_path):
    from click.testing import CliRunner

    from sim.cli import main

    out = tmp_path / "play"
    args = ["play", DRILL, "--cell", "ccc", "--batch", "0", "--out", str(out), "--set", "requests.0.at=H+1"]
    result = CliRunner().invoke(main, args, input="x\nd\n")
    assert result.exit_code == 0, result.output
    assert "'x' is not g (grant) or d (decline): again" in result.output
    answers = [(a["action"], a["answer"]) for a in PlayScript.load(out).actions]
    assert answers == [("answer", "decline")]


def test_in_plain_mode_a_cell_makes_its_requests_at_a_stop_and_not_twice_at_once(tmp_path, monkeypatch):
    """The docs' `exsim play birlestik_2024 --cell aze` without a terminal: at the first inject, `r` lists the
    Azerbaijani cell's requests, `r 1` makes the first; a second `r 1` while it is on its way is refused."""
    from click.testing import CliRunner

    from sim.cli import main

    out = tmp_path / "play"
    args = ["play", "birlestik_2024", "--cell", "aze", "--batch", "0", "--out", str(out)]
    result = CliRunner().invoke(main, args, input="r\nr 1\nr 1\n")
    assert result.exit_code == 0, result.output
    assert "  1) Uzbek air strike on the island → Uzbek cell" in result.output
    assert "request uzb_fire_support is already on its way: wait for its answer" in result.output
    made = [(a["id"], a["by"]) for a in PlayScript.load(out).actions if a["action"] == "request"]
    assert made == [("uzb_fire_support", "aze")]


def test_the_status_panel_of_a_play_in_cells_is_the_cell_s_picture_not_the_truth():
    """A unit of the played cell that has set out shows where its last report put it (with the report's time),
    as the cell's page does; the truth's forces table is not there."""
    from sim.play.view import screen
    from sim.present import i18n
    from sim.present.console import Console

    s = load_scenario("birlestik_2024").scenario
    session = PlaySession(s, 2024, cells=frozenset({"kaz"}))
    for _ in range(200):  # five minutes at a time until the truth has tank-1 on the road
        if session.pending is not None:
            session.acknowledge() if session.pending.kind == "inject" else session.choose(session.pending.default)
            continue
        session.advance(5)
        if next(p for p in session.positions() if p.id == "tank-1").moving:
            break
    (moving,) = [p for p in session.positions() if p.id == "tank-1"]
    names = session.names
    (tank,) = [r for r in session.picture("kaz") if r.unit == "tank-1"]
    assert not tank.moving and tank.as_of < session.now  # the cell still has it where it was
    console = Console(width=240, record=True)
    console.print(screen(session, [], 60.0, False, i18n.language("en"), None, 60, 240))
    shown = console.export_text()
    row = next(line for line in shown.splitlines() if names.unit("tank-1") in line)
    assert names.place(tank.place) in row and names.clock(tank.as_of) in row, row
    assert "Kazakh cell: as reported" in shown and "Forces" not in shown
    assert moving.moving  # the truth has it on the road (its report reaches the Kazakh cell 25 min later)
