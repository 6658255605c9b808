"""The live session controller: pauses, choices, overrides, and exact replay of a saved play."""

from __future__ import annotations

import dataclasses
import json

import pytest

from sim.check import load_scenario
from sim.errors import ExsimError
from sim.experiment.replay import trace
from sim.experiment.runner import run_replication
from sim.play import DecisionPause, InjectPause, PlayScript, PlaySession
from sim.play.folder import with_choices
from tests.conftest import REPO

SEED = 2024


@pytest.fixture(scope="module")
def flagship():
    return load_scenario("birlestik_2024").scenario


def _play(session: PlaySession, choices: dict[str, str], step: float = 45.0, override=None) -> list[object]:
    """Play to the end: acknowledge every inject, take ``choices`` (else the default); ``override(session)``
    is called after each advance until it returns True."""
    seen = []
    while not session.finished:
        session.advance(step)
        if override is not None and override(session):
            override = None
        while session.pending is not None:
            seen.append(session.pending)
            if isinstance(session.pending, InjectPause):
                session.acknowledge()
            else:
                session.choose(choices.get(session.pending.id, session.pending.default))
    return seen


def _batch_view(events):
    """A play's events as a batch trace has them: no state samples, no human-set marks on decisions."""
    out = []
    for e in events:
        if e["kind"] == "sample":
            continue
        if e["kind"] == "decision":
            e = {k: v for k, v in e.items() if k not in ("human_set", "by", "votes")}
        out.append(e)
    return out


def test_a_play_taking_the_defaults_is_the_batch_run_event_for_event(flagship):
    session = PlaySession(flagship, SEED)
    seen = _play(session, {})
    batch = trace(flagship, SEED, 0)
    assert _batch_view(session.events) == batch.events
    assert session.metrics == batch.metrics
    # every inject with a message paused, and each decision, in time order
    injects = [i.id for i in flagship.injects if i.message]
    fired = [e["id"] for e in batch.events if e["kind"] == "inject"]
    assert [p.id for p in seen if isinstance(p, InjectPause)] == [i for i in fired if i in injects]
    assert sorted(p.id for p in seen if isinstance(p, DecisionPause)) == ["air_support", "reserve"]
    assert [p.t for p in seen] == sorted(p.t for p in seen)


def test_a_choice_gives_the_batch_run_with_that_decision(flagship):
    committed = load_scenario("birlestik_2024", ["decisions.reserve=commit"]).scenario
    session = PlaySession(flagship, SEED)
    _play(session, {"reserve": "commit"})
    expected = run_replication(committed, SEED, 0).metrics
    assert session.metrics == expected
    held = run_replication(flagship, SEED, 0).metrics
    assert session.metrics != held  # the reserve landed: the choice changed the run
    decision = next(e for e in session.events if e["kind"] == "decision" and e["id"] == "reserve")
    assert decision["option"] == "commit" and decision["human_set"] is True


def test_pauses_wait_and_refuse_the_wrong_answer(flagship):
    session = PlaySession(flagship, SEED)
    session.advance(24 * 60)
    pause = session.pending
    assert isinstance(pause, InjectPause) and pause.id == "dust_storm" and session.now == 60.0
    steps = session.steps
    assert session.advance(600) == [] and session.steps == steps  # nothing runs while a pause is pending
    with pytest.raises(ExsimError, match="no decision"):
        session.choose("ridge")
    session.acknowledge()
    session.advance(0)  # what else is due at the same time
    assert session.pending.id == "tjk_radio_failure"
    session.acknowledge()
    session.advance(0)
    assert isinstance(session.pending, DecisionPause) and session.pending.id == "air_support"
    with pytest.raises(ExsimError, match="no option 'sea'"):
        session.choose("sea")
    with pytest.raises(ExsimError, match="acknowledged"):
        session.acknowledge()
    with pytest.raises(ExsimError, match="not possible now"):
        session.override("repaired", "pb-1")  # not broken down (yet)


def _first_fight_won(session: PlaySession) -> bool:
    won = [o for o in session.possible_overrides() if o.kind == "engagement_won" and o.params["side"] == "coalition"]
    if not won:
        return False
    session.override(won[0].kind, won[0].target, **won[0].params)
    return True


def test_an_override_is_human_set_and_the_saved_play_replays_exactly(flagship, tmp_path):
    session = PlaySession(flagship, SEED)
    _play(session, {"reserve": "commit", "air_support": "ridge"}, step=30.0, override=_first_fight_won)
    marks = [e for e in session.events if e["kind"] == "override"]
    assert len(marks) == 1 and marks[0]["human_set"] is True and marks[0]["override"] == "engagement_won"
    place = marks[0]["target"]
    end = next(e for e in session.events if e["kind"] == "engagement_end" and e["place"] == place)
    assert end["winner"] == "coalition" and end["t"] == marks[0]["t"]  # decided at once, at the clock's time
    folder = session.save(tmp_path / "class-a")
    play = json.loads((folder / "play.json").read_text())
    overrides = [a for a in play["actions"] if a["action"] == "override"]
    assert overrides[0]["human_set"] is True and overrides[0]["kind"] == "engagement_won"
    assert {a["id"]: a["option"] for a in play["actions"] if a["action"] == "choose"} == {
        "air_support": "ridge",
        "reserve": "commit",
    }
    assert all(a["wall"] and a["step"] >= 0 for a in play["actions"])
    stored = json.loads((folder / "scenario.json").read_text())
    assert stored["decisions"] == {"air_support": "ridge", "reserve": "commit"}

    again = PlaySession(flagship, SEED, script=PlayScript.load(folder))
    again.run_to_end()
    assert again.finished and again.events == session.events and again.metrics == session.metrics


def test_an_unfinished_play_replays_to_where_it_was_saved(flagship, tmp_path):
    session = PlaySession(flagship, SEED)
    session.advance(60)
    session.acknowledge()
    session.advance(30)  # still pending: the radio failure
    folder = session.save(tmp_path / "quit")
    again = PlaySession(flagship, SEED, script=PlayScript.load(folder))
    again.run_to_end()
    assert not again.finished and again.stopped
    assert again.events == session.events and again.pending == session.pending


def _until(session: PlaySession, t: float) -> None:
    """Advance to ``t``, acknowledging injects and taking the defaults on the way."""
    while session.now < t:
        session.advance(t - session.now)
        while session.pending is not None:
            if isinstance(session.pending, InjectPause):
                session.acknowledge()
            else:
                session.choose(session.pending.default)


def test_a_stopped_replay_keeps_the_clock_it_was_saved_at(flagship, tmp_path):
    session = PlaySession(flagship, SEED)
    _until(session, 10 * 60 + 7)
    folder = session.save(tmp_path / "stopped")
    again = PlaySession(flagship, SEED, script=PlayScript.load(folder))
    again.run_to_end()
    assert again.stopped and again.now == session.now == 607 > again.world.now  # the last event came earlier
    play = json.loads((folder / "play.json").read_text())
    del play["now"]  # a play saved before the clock was recorded: where its last event was
    (folder / "play.json").write_text(json.dumps(play))
    older = PlaySession(flagship, SEED, script=PlayScript.load(folder))
    older.run_to_end()
    assert older.stopped and older.now == older.world.now == again.world.now


def test_repaired_ends_a_breakdown_early(flagship):
    session = PlaySession(flagship, SEED)
    _until(session, 150)
    assert [o.target for o in session.possible_overrides() if o.kind == "repaired"] == ["pb-1"]
    session.override("repaired", "pb-1")
    _play(session, {})
    repaired = [e for e in session.events if e.get("unit") == "pb-1" and e["kind"] == "repaired"]
    assert repaired == []  # the breakdown's own end (H+5) is not told: it was over at 150 min
    strikes = [e["t"] for e in session.events if e["kind"] == "strike" and e["unit"] == "pb-1"]
    batch = [e["t"] for e in trace(flagship, SEED, 0).events if e["kind"] == "strike" and e["unit"] == "pb-1"]
    assert min(t for t in strikes if t > 120) < min(t for t in batch if t > 120)  # back in action sooner


def test_status_and_positions_are_plain_data(flagship):
    session = PlaySession(flagship, SEED)
    _until(session, 90)
    json.dumps(dataclasses.asdict(session.status()))
    moving = [p for p in session.positions() if p.moving]
    assert moving, "some unit is under way an hour in"
    places = flagship.map.places
    for p in moving:
        a, b = places[p.place], places[p.to]
        assert min(a.lat, b.lat) - 1 <= p.lat <= max(a.lat, b.lat) + 1
    forces = session.status().forces
    assert {f.side for f in forces} == set(flagship.sides)
    types = flagship.unit_types
    assert sum(f.initial for f in forces) == sum(u.strength or types[u.type].strength for u in flagship.units)


def test_with_choices_sets_the_decisions(flagship):
    s = with_choices(flagship, [{"action": "choose", "id": "reserve", "option": "commit"}])
    assert s.decisions == {"reserve": "commit"} and flagship.decisions == {}


def test_saving_midway_does_not_change_the_rest_of_the_play(tmp_path):
    """Deterministic fights bring losses up to the time metrics are read: a save reads them from a replay."""
    s = load_scenario("island_retake", ["combat.mode=deterministic"]).scenario
    quiet, saved = PlaySession(s, SEED), PlaySession(s, SEED)
    for i, t in enumerate(range(60, 24 * 60, 60)):
        _until(quiet, t)
        _until(saved, t)
        saved.save(tmp_path / f"save-{i}")
    _play(quiet, {})
    _play(saved, {})
    assert any(e["kind"] == "engagement_start" for e in saved.events)  # there was a fight to disturb
    assert saved.events == quiet.events and saved.metrics == quiet.metrics


def test_a_closed_route_declared_open_opens_at_the_clock_time(flagship):
    session = PlaySession(flagship, SEED)
    _until(session, 26 * 60)  # the Caspian storm closed alat_kuryk at D+1 04:00 (H+24) for a day
    assert [o.target for o in session.possible_overrides() if o.kind == "route_open"] == ["alat_kuryk"]
    session.override("route_open", "alat_kuryk")
    opened = [e for e in session.events if e["kind"] == "route_open"]
    assert [(e["t"], e["route"]) for e in opened] == [(26 * 60, "alat_kuryk")]
    _play(session, {})
    assert [e["t"] for e in session.events if e["kind"] == "route_open"] == [26 * 60]  # not again at H+48


def test_the_defenders_may_be_declared_the_winners():
    scenario = load_scenario(REPO / "tests" / "play" / "drill.yaml").scenario
    session = PlaySession(scenario, 3)
    _until(session, 30)
    session.override("engagement_won", "hill", side="red")
    _play(session, {"commit": "hold"})
    end = next(e for e in session.events if e["kind"] == "engagement_end")
    assert (end["place"], end["winner"], end["t"]) == ("hill", "red", 30)
    assert session.metrics["objective.take_hill"] == 0.0
    assert session.world.units["scouts"].state == "repulsed"


def test_the_russian_status_panel_names_the_roles_of_care_as_the_story_does():
    from rich.console import Console

    from sim.play.view import status_panel

    session = PlaySession(load_scenario(REPO / "scenarios" / "island_retake.yaml").scenario, 3, lang="ru")
    session.advance(60)
    console = Console(width=200, record=True)
    console.print(status_panel(session.status(), session.names, session.language))
    shown = console.export_text()
    assert "медицинский пункт на участке высадки (уровень 1)" in shown and "Role" not in shown
    assert "полевой госпиталь в Курыке (уровень 2)" in shown and "role1_beach" not in shown
