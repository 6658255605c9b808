"""Exercise control: command delays from issue, each inject effect type, triggers and decision points.

Every expected time is worked out by hand from the scenario's figures (distances over speeds, the
echelons' delays, the windows) — never by calling the code under test.
"""

from __future__ import annotations

import pytest

from sim.experiment.runner import build_world, run_replication
from sim.models.logistics import LogisticsState

# ship: 100 km at 50 km/h = 120 min; jet fires from range every 30 min (no transit, hits nothing)
BASE = """\
scenario: {name: ex, duration: 2d, seed: 1}
unit_types:
  ship: {strength: 1, personnel_per_element: 20, speed_kmh: {sea: 50}, cargo_t: 100, load_min: 30, unload_min: 20}
  inf:  {strength: 10, speed_kmh: {land: 5}, kill_rate_per_h: 1.0}
  jet:  {strength: 1, element: platform, speed_kmh: {air: 600},
         fire_support: {cycle_min: 30, kill_prob: 0.0, range_km: 500}}
  foe:  {strength: 10, kill_rate_per_h: 0.5}
map:
  places:
    a:    {kind: port, lat: 43.0, lon: 51.0}
    b:    {kind: port, lat: 43.5, lon: 51.0}
    isle: {kind: objective, lat: 43.52, lon: 51.0}
  routes:
    - {id: lane, from: a, to: b, mode: sea, distance_km: 100}
    - {id: road, from: b, to: isle, mode: land, distance_km: 5}
sides:
  blue: {nations: [KAZ, TJK], break_fraction: 0.0}
  red: {break_fraction: 0.0}
units:
  - {id: ship, type: ship, side: blue, nation: TJK, at: a}
  - {id: jet,  type: jet,  side: blue, nation: KAZ, at: b}
  - {id: inf,  type: inf,  side: blue, nation: KAZ, at: b}
  - {id: foe,  type: foe,  side: red, at: isle}
combat: {mode: deterministic}
"""


def run(load, text: str, *overrides: str):
    s = load(BASE + text, *overrides)
    world = build_world(s, 1, trace=True)
    world.run()
    return world


def times(world, kind: str, **match) -> list[float]:
    return [e["t"] for e in world.log.records if e["kind"] == kind and all(e.get(k) == v for k, v in match.items())]


# --- command and control ------------------------------------------------------------------------------

COMMAND = """\
command:
  hq_nation: KAZ
  chains:
    - {id: kaz, nation: KAZ, echelons: [{name: kaz_hq, delay: 10min}]}
    - {id: tjk, nation: TJK, echelons: [{name: tjk_hq, delay: 20min}, {name: flotilla, delay: 10min}]}
  interoperability: {delay: 15min, pairs: [{nation: TJK, delay: 45min}]}
phases:
  - id: go
    orders:
      - {unit: ship, do: wait, duration: 60min}
      - {unit: ship, do: move, to: b}
"""


def test_an_order_takes_effect_after_chain_plus_interoperability_counted_from_issue(load):
    # both orders are issued at 0 and reach the ship at 20 + 10 + 45 = 75 min; the move waits for the
    # wait order (75 + 60) but not again for its own delay (that was the old 75 + 60 + 75)
    w = run(load, COMMAND)
    assert times(w, "depart", unit="ship") == [pytest.approx(135.0)]
    m = run_replication(w.scenario, 1).metrics
    assert m["order_delay_h.TJK"] == pytest.approx(75 / 60) and m["orders_delayed.TJK"] == 2


@pytest.mark.parametrize(
    ("option", "delay"),
    [
        ("command.interoperability.liaison=[TJK]", 30 + 45 * 0.5),
        ("command.interoperability.common_procedure=true", 30 + 45 * 0.5),
        ("command.hq_nation=TJK", 30),  # the ship's own nation leads: no interoperability delay
    ],
)
def test_liaison_officers_and_a_common_procedure_cut_the_interoperability_delay(load, option, delay):
    w = run(load, COMMAND, option)
    assert times(w, "depart", unit="ship") == [pytest.approx(delay + 60)]


@pytest.mark.parametrize(
    ("options", "delay"),
    [
        # liaison_factor and common_procedure_factor share the default 0.5: different values tell them apart
        (("command.interoperability.liaison=[TJK]", "command.interoperability.liaison_factor=0.2"), 30 + 45 * 0.2),
        (
            ("command.interoperability.common_procedure=true", "command.interoperability.common_procedure_factor=0.8"),
            30 + 45 * 0.8,
        ),
        (
            (
                "command.interoperability.liaison=[TJK]",
                "command.interoperability.liaison_factor=0.2",
                "command.interoperability.common_procedure=true",
                "command.interoperability.common_procedure_factor=0.8",
            ),
            30 + 45 * 0.2 * 0.8,
        ),
    ],
)
def test_the_liaison_and_common_procedure_factors_are_told_apart(load, options, delay):
    w = run(load, COMMAND, *options)
    assert times(w, "depart", unit="ship") == [pytest.approx(delay + 60)]


def test_an_order_delay_of_its_own_also_counts_from_issue(load):
    text = "phases:\n  - id: go\n    orders:\n      - {unit: ship, do: wait, duration: 60min}\n"
    text += "      - {unit: ship, do: move, to: b, delay: 40min}\n"
    assert times(run(load, text), "depart", unit="ship") == [pytest.approx(60.0)]  # not 60 + 40


OUTAGE = """\
injects:
  - {{id: blackout, at: 0, effects: [{{type: comms_outage, nations: [TJK], for: 2h, block: {block}}}]}}
"""


def test_a_communications_outage_holds_orders_until_it_ends(load):
    text = COMMAND.replace("    orders:", "    start: 1h\n    orders:") + OUTAGE.format(block="false")
    w = run(load, text)
    # issued at 60, sent when the outage ends at 120, there at 120 + 75, then the 60-min wait
    assert times(w, "depart", unit="ship") == [pytest.approx(120 + 75 + 60)]


def test_a_blocking_outage_loses_the_orders(load):
    text = COMMAND.replace("    orders:", "    start: 1h\n    orders:") + OUTAGE.format(block="true")
    w = run(load, text)
    assert times(w, "depart", unit="ship") == [] and len(times(w, "order_failed", unit="ship")) == 2
    assert run_replication(w.scenario, 1).metrics["orders_delayed.TJK"] == 2


# --- injects: each effect type ---------------------------------------------------------------------


MOVE = "phases:\n  - id: go\n    orders: [{unit: ship, do: move, to: b}]\n"


@pytest.mark.parametrize(
    ("rule", "arrive"),
    [
        ("go_on", 120.0),  # under way when the lane closes: carries on
        ("turn_back", 60 + 180 + 120.0),  # turns at 60, home at 120, lane open at 240, there at 360
    ],
)
def test_a_ship_at_sea_follows_the_closure_rule(load, rule, arrive):
    text = MOVE + (
        f"injects:\n  - {{id: storm, at: 1h, effects: [{{type: close_routes, mode: sea, for: 3h, at_sea: {rule}}}]}}\n"
    )
    w = run(load, text)
    assert times(w, "arrive", unit="ship", at="b") == [pytest.approx(arrive)]
    if rule == "turn_back":
        assert times(w, "arrive", unit="ship", at="a") == [pytest.approx(120.0)]


def test_a_closure_that_comes_after_arrival_changes_nothing(load):
    text = (
        MOVE + "injects:\n  - {id: storm, at: 3h, effects: [{type: close_routes, routes: [lane], at_sea: turn_back}]}\n"
    )
    assert times(run(load, text), "arrive", unit="ship", at="b") == [pytest.approx(120.0)]


def test_closures_stack_the_route_reopens_when_the_last_one_ends(load):
    """A route closed from H+1 to H+10 stays closed through a one-hour inject closure inside that window:
    the ship leaving at H+2 waits for H+10, not for the inject's end at H+4 (a plain set reopened it then)."""
    text = (
        "closures:\n  - {route: lane, start: 1h, end: 10h}\n"
        "phases:\n  - id: go\n    start: 2h\n    orders: [{unit: ship, do: move, to: b}]\n"
        "injects:\n  - {id: squall, at: 3h, effects: [{type: close_routes, routes: [lane], for: 1h}]}\n"
    )
    w = run(load, text)
    assert times(w, "route_open") == [pytest.approx(600.0)]
    assert times(w, "arrive", unit="ship", at="b") == [pytest.approx(600.0 + 120.0)]


def test_a_closure_ending_first_leaves_the_route_closed_until_the_later_one_ends(load):
    """The other order: the inject closes at H+1 for 9 h, the scheduled window is H+2 to H+3."""
    text = (
        "closures:\n  - {route: lane, start: 2h, end: 3h}\n"
        "injects:\n  - {id: gale, at: 1h, effects: [{type: close_routes, routes: [lane], for: 9h}]}\n"
    )
    w = run(load, text)
    assert times(w, "route_closed") == [pytest.approx(60.0)]
    assert times(w, "route_open") == [pytest.approx(600.0)]


def test_a_reopen_effect_ends_every_closure_at_once(load):
    text = (
        "closures:\n  - {route: lane, start: 1h, end: 10h}\n"
        "injects:\n  - {id: clear, at: 5h, effects: [{type: reopen_routes, routes: [lane]}]}\n"
    )
    assert times(run(load, text), "route_open") == [pytest.approx(300.0)]


LINE = """\
depots:
  - {id: da, at: a, stocks: {water: {initial: 10000, capacity: 10000}}}
  - {id: db, at: b, stocks: {water: {initial: 0, capacity: 10000}}}
supply_lines:
  - {id: line, transports: [ship], from: da, to: db, cargo: {water: 1000}, dispatch: schedule, every: 2d}
"""


@pytest.mark.parametrize("hours", [0, 5, 7.5])
def test_a_sea_route_closed_for_w_hours_delays_a_delivery_by_the_computed_amount(load, hours):
    text = LINE
    if hours:
        text += f"injects:\n  - {{id: storm, at: 0, effects: [{{type: close_routes, places: [b], for: {hours}h}}]}}\n"
    (deliver,) = times(run(load, text), "deliver", line="line")
    # load 30 min, sail when the lane is open (at max(30, w)), 120 min at sea, 20 min unloading
    assert deliver == pytest.approx(max(30.0, hours * 60) + 120 + 20)


def test_reopen_routes_ends_a_closure_early(load):
    text = MOVE + (
        "injects:\n  - {id: storm, at: 0, effects: [{type: close_routes, mode: sea}]}\n"
        "  - {id: calm, at: 50min, effects: [{type: reopen_routes, routes: [lane]}]}\n"
    )
    assert times(run(load, text), "arrive", unit="ship", at="b") == [pytest.approx(50 + 120.0)]


STRIKES = "phases:\n  - id: fire\n    orders: [{unit: jet, do: fire_support, target: isle, sorties: 5}]\n"


def test_grounded_aircraft_fly_their_sorties_after_the_weather(load):
    text = STRIKES + "injects:\n  - {id: fog, at: 0, effects: [{type: ground_aircraft, for: 3h}]}\n"
    assert times(run(load, text), "strike", unit="jet") == pytest.approx([180, 210, 240, 270, 300])


def test_limited_sorties_are_spaced_while_the_limit_lasts(load):
    text = STRIKES + (
        "injects:\n  - {id: wind, at: 0, effects: [{type: limit_sorties, units: [jet], for: 3h, min_interval: 1h}]}\n"
    )
    # one sortie an hour until 180, then the 30-min cycle again
    assert times(run(load, text), "strike", unit="jet") == pytest.approx([0, 60, 120, 180, 210])


def test_a_broken_down_ship_sails_after_its_repair(load):
    text = MOVE + "injects:\n  - {id: engine, at: 0, effects: [{type: breakdown, unit: ship, for: 3h}]}\n"
    assert times(run(load, text), "depart", unit="ship") == [pytest.approx(180.0)]


def test_a_breakdown_under_way_holds_the_next_leg(load):
    # the ship is at b at 120 and would sail back at once; the breakdown at 1h holds it until 5h
    text = MOVE.replace(
        "orders: [{unit: ship, do: move, to: b}]",
        "orders: [{unit: ship, do: move, to: b}, {unit: ship, do: move, to: a}]",
    )
    text += "injects:\n  - {id: engine, at: 1h, effects: [{type: breakdown, unit: ship, for: 4h}]}\n"
    assert times(run(load, text), "depart", unit="ship") == pytest.approx([0.0, 300.0])


MEDICAL = """\
medical:
  dnbi_per_1000_per_day: 0
  facilities:
    - {id: r1, role: 1, at: b, teams: 1, treatment: 15min}
"""


def test_a_mass_casualty_inject_puts_its_casualties_into_the_chain(load):
    text = MEDICAL + "injects:\n  - {id: blast, at: 2h, effects: [{type: mass_casualty, place: b, count: 7}]}\n"
    w = run(load, text)
    assert run_replication(w.scenario, 3).metrics["casualties"] == 7
    assert times(w, "mass_casualty") == [pytest.approx(120.0)]


def test_reinforcements_join_the_unit_and_people_are_still_counted(load):
    text = "injects:\n  - {id: boats, at: 1h, effects: [{type: reinforce, unit: foe, count: 6}]}\n"
    m = run_replication(load(BASE + text), 1).metrics
    assert m["survivors.red"] == 16 and m["killed.red"] + m["wounded.red"] == 0


def test_spoiled_supplies_leave_the_depot_and_enter_the_ledger_as_lost(load):
    text = LINE.replace("every: 2d}", "every: 2d, start: 3d}")  # the line never sails within the run
    text += "injects:\n  - {id: spoil, at: 1h, effects: [{type: supply_loss, depot: da, class: water, share: 0.25}]}\n"
    text += "  - {id: theft, at: 2h, effects: [{type: supply_loss, depot: da, class: water, amount: 500}]}\n"
    world = build_world(load(BASE + text), 1)
    world.run()
    ls = world.services.get(LogisticsState)
    assert ls.depots["da"].level("water") == pytest.approx(10000 * 0.75 - 500)
    assert ls.ledger["water"].lost == pytest.approx(3000)
    before, after = ls.balance("water")
    assert before == pytest.approx(after)


DUEL = """\
phases:
  - id: attack
    orders: [{{unit: inf, do: assault, target: isle}}]
objectives:
  - {{id: take, kind: secure, place: isle}}
{extra}"""


def _duel(load, extra: str = "", **types: str):
    text = BASE
    for name, repl in types.items():
        text = text.replace(f"kill_rate_per_h: {name}", f"kill_rate_per_h: {repl}")
    return run_replication(load(text + DUEL.format(extra=extra)), 1).metrics


@pytest.mark.parametrize(
    ("effect", "same_as"),
    [
        ("{type: kill_rate, sides: [blue], factor: 0.8}", {"1.0": "0.8"}),  # blue fires at 80 %
        ("{type: kill_rate, units: [foe], factor: 1.5}", {"0.5": "0.75"}),
        ("{type: protection, side: blue, factor: 2}", {"0.5": "0.25"}),  # red's fire on blue halved
    ],
)
def test_a_kill_rate_or_protection_change_equals_the_same_change_in_the_catalogue(load, effect, same_as):
    with_inject = _duel(load, f"injects:\n  - {{id: night, at: 0, effects: [{effect}]}}\n")
    reference = _duel(load, **{k: v for k, v in same_as.items()})
    plain = _duel(load)
    for name in ("time_to_secure_h.isle", "killed.blue", "killed.red"):
        assert with_inject[name] == pytest.approx(reference[name], rel=1e-9)
    assert with_inject["time_to_secure_h.isle"] != pytest.approx(plain["time_to_secure_h.isle"])


def test_a_night_window_ends_and_the_fight_goes_on_at_full_rate(load):
    # the effect lasts 10 minutes only: the fight starts at 60 (5 km at 5 km/h) after the window
    late = _duel(
        load, "injects:\n  - {id: night, at: 0, effects: [{type: kill_rate, sides: [blue], factor: 0.5, for: 10min}]}\n"
    )
    plain = _duel(load)
    assert late["time_to_secure_h.isle"] == pytest.approx(plain["time_to_secure_h.isle"], rel=1e-9)


# --- triggers ---------------------------------------------------------------------------------------


def test_injects_fire_on_their_triggers_in_order(load):
    text = DUEL.format(
        extra="""\
injects:
  - {id: taken, when: {secured: isle}, message: the isle is ours}
  - {id: next, when: {fired: taken}, effects: [{type: close_routes, routes: [lane]}]}
  - {id: both, when: {all: [{phase_done: attack}, {fired: next}]}}
  - {id: either, at: 30min, when: {any: [{broken: red}, {fired: never}]}}
  - {id: never, when: {broken: blue}}
"""
    )
    w = run(load, text)
    (secured,) = [e["t"] for e in w.log.records if e["kind"] == "signal" and e["name"] == "secured:isle"]
    fired = {e["id"]: e["t"] for e in w.log.records if e["kind"] == "inject"}
    assert fired == {"taken": secured, "next": secured, "both": secured, "either": secured}
    assert w.closed == frozenset({0})  # the lane (route 0) is closed for good


def test_a_stock_trigger_fires_when_the_stock_falls_below_the_level(load):
    # 10,000 of water at da; the ship loads 1,000 at 1d only: the supply loss at 100 min halves it to 5,000
    text = LINE.replace("every: 2d}", "every: 2d, start: 1d}") + (
        "injects:\n"
        "  - {id: spoil, at: 100min, effects: [{type: supply_loss, depot: da, class: water, share: 0.5}]}\n"
        "  - {id: short, when: {stock: {depot: da, class: water, below: 6000}}}\n"
        "  - {id: shorter, when: {stock: {depot: da, class: water, below: 4500}}}\n"
    )
    w = run(load, text)
    assert times(w, "inject", id="short") == [100.0]  # at the loss itself, not at a later check
    # 5,000 - 1,000 loaded at 1d (4,000): below 4,500 as the ship loads, at 1 day
    assert times(w, "inject", id="shorter") == [24 * 60.0]


def _losses(world, side: str) -> list[tuple[float, float]]:
    """(time, people killed of ``side`` so far) after each loss, from the event log."""
    mine = {u.id for u in world.units.values() if u.side == side}
    out, killed = [], 0.0
    for e in world.log.records:
        if e["kind"] == "losses" and e["unit"] in mine:
            killed += e["killed"]
            out.append((e["t"], killed))
    return out


def run_stochastic(load, text: str):
    """``run`` with combat as a Markov chain: strengths change at each loss, which combat announces."""
    world = build_world(load(BASE.replace("{mode: deterministic}", "{mode: stochastic}") + text), 1, trace=True)
    world.run()
    return world


@pytest.mark.parametrize("level", [0, 1])
def test_a_metric_trigger_fires_at_the_loss_that_crosses_its_level(load, level):
    text = DUEL.format(extra=f"injects:\n  - {{id: bloody, when: {{metric: killed.red, above: {level}}}}}\n")
    w = run_stochastic(load, text)
    (t,) = times(w, "inject", id="bloody")
    first = next(when for when, killed in _losses(w, "red") if killed > level)  # the log, not the trigger
    assert t == first  # exact: not on a 15-minute grid
    assert any(killed > level + 1 for _, killed in _losses(w, "red"))  # losses went on after it fired, once


def test_a_strength_trigger_fires_at_the_reinforcement_that_crosses_it(load):
    from sim.models import combat

    plain = build_world(load(BASE.replace("{mode: deterministic}", "{mode: stochastic}")), 1)
    before = combat.metrics(plain)["survivors.blue"]  # at minute 0, before anything happened
    text = (
        "injects:\n"
        "  - {id: more, at: 37min, effects: [{type: reinforce, unit: inf, count: 5}]}\n"
        f"  - {{id: stronger, when: {{metric: survivors.blue, above: {before + 2}}}}}\n"
    )
    w = run_stochastic(load, text)
    assert times(w, "inject", id="stronger") == [37.0]  # the reinforcement itself, off the 15-minute grid


def test_a_metric_no_model_announces_is_looked_at_every_15_minutes(load):
    # time spent fighting grows with the clock: no event says when it crosses, so it is looked at every 15 min
    text = DUEL.format(extra="injects:\n  - {id: long, when: {metric: engagement_h.isle, above: 0.3}}\n")
    w = run_stochastic(load, text)
    (t,) = times(w, "inject", id="long")
    (start,) = times(w, "engagement_start")
    assert t % 15 == pytest.approx(0) and start + 18 <= t < start + 18 + 15


def test_a_metric_trigger_in_deterministic_combat_is_looked_at_every_15_minutes(load):
    # strengths change continuously along the integration: the losses are looked at on the clock
    text = DUEL.format(extra="injects:\n  - {id: bloody, when: {metric: killed.red, above: 1}}\n")
    w = run(load, text)
    (t,) = times(w, "inject", id="bloody")
    assert t % 15 == pytest.approx(0) and t > 60  # the fight starts at 60; a check comes every 15 min
    assert run_replication(w.scenario, 1).metrics["inject_fired.bloody"] == 1


# --- decisions ---------------------------------------------------------------------------------------

DECISION = """\
phases:
  - id: reserve
    on_call: true
    orders: [{unit: inf, do: assault, target: isle}]
objectives:
  - {id: take, kind: secure, place: isle}
decision_points:
  - id: commit
    at: 2h
    question: Commit the reserve to the isle?
    default: hold
    options:
      hold: {description: keep the reserve}
      attack: {description: take the isle, start_phase: reserve}
      move: {description: send the ship, orders: [{unit: ship, do: move, to: b}]}
"""


@pytest.mark.parametrize(("option", "success"), [("hold", 0.0), ("attack", 1.0)])
def test_a_decision_set_by_override_changes_the_outcome_as_predicted(load, option, success):
    m = run_replication(load(BASE + DECISION, f"decisions.commit={option}"), 1).metrics
    assert m["mission_success"] == success and m["decided.commit"] == 1


def test_a_decision_option_issues_its_orders_when_taken(load):
    w = run(load, DECISION, "decisions.commit=move")
    assert times(w, "depart", unit="ship") == [pytest.approx(120.0)]
    assert times(w, "decision", id="commit", option="move") == [pytest.approx(120.0)]


def test_a_trigger_on_an_unknown_phase_is_reported_with_its_line():
    from click.testing import CliRunner

    from sim.cli import main
    from tests.conftest import REPO

    r = CliRunner().invoke(main, ["check", str(REPO / "tests" / "bad_scenarios" / "trigger_unknown_place.yaml")])
    assert r.exit_code == 2
    assert "trigger_unknown_place.yaml:29:24: injects.1.when.phase_done: unknown phase 'landing'" in r.stderr


@pytest.mark.parametrize(
    ("override", "words"),
    [
        ("decisions.commit=charge", "decisions.commit: unknown option of commit 'charge'"),
        ("decisions.retreat=hold", "decisions.retreat: unknown decision point 'retreat'"),
    ],
)
def test_a_decision_taken_must_name_a_point_and_one_of_its_options(load, override, words):
    from sim.errors import ScenarioError

    with pytest.raises(ScenarioError) as e:
        load(BASE + DECISION, override)
    assert words in str(e.value)


def test_a_decision_set_on_the_command_line_and_swept_gives_the_predicted_difference(write, tmp_path):
    import json

    from click.testing import CliRunner

    import sim.results
    from sim.cli import main

    path = write(BASE + DECISION)
    runs = {}
    for option in ("hold", "attack"):
        out = tmp_path / option
        r = CliRunner().invoke(
            main, ["run", str(path), "--set", f"decisions.commit={option}", "--reps", "3", "--out", str(out), "-q"]
        )
        assert r.exit_code == 0, r.output + r.stderr
        runs[option] = json.loads((out / "summary.json").read_text())["mission_success"]["mean"]
    assert runs == {"hold": 0.0, "attack": 1.0}  # the reserve takes the isle; held, nobody attacks it
    out = tmp_path / "sweep"
    args = ["sweep", str(path), "--vary", "decisions.commit=hold,attack", "--reps", "3", "--out", str(out)]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output + r.stderr
    df = sim.results.load(out)
    means = df.groupby("decisions.commit")["mission_success"].mean().to_dict()
    assert means == {"hold": 0.0, "attack": 1.0}


@pytest.mark.parametrize(
    ("effect", "words"),
    [
        ("{type: ground_aircraft, for: 0}", "'for' must be longer than zero"),
        ("{type: close_routes, for: 2h}", "select routes by routes:, mode: or places:"),
        ("{type: supply_loss, depot: da, class: water}", "give exactly one of share or amount"),
        ("{type: limit_sorties, for: 2h, min_interval: 0}", "min_interval must be longer than zero"),
        ("{type: reinforce, unit: nobody, count: 3}", "unknown unit 'nobody'"),
        ("{type: close_routes, routes: [lanes]}", "unknown route id 'lanes'"),
    ],
)
def test_a_bad_effect_is_refused_with_its_field(load, effect, words):
    from sim.errors import ScenarioError

    with pytest.raises(ScenarioError) as e:
        load(BASE + LINE + f"injects:\n  - {{id: x, at: 1h, effects: [{effect}]}}\n")
    assert "injects.0.effects.0" in str(e.value) and words in str(e.value)


def test_a_run_shortened_before_an_inject_loads_and_the_inject_does_not_fire(load):
    text = MOVE + "injects:\n  - {id: late, at: 3h, effects: [{type: close_routes, mode: sea}]}\n"
    m = run_replication(load(BASE + text, "scenario.duration=2h"), 1).metrics
    assert m["inject_fired.late"] == 0 and m["end_time_h"] == 2


def test_check_notes_overlapping_closures_of_one_route(load):
    from sim.check.lint import lint

    text = "closures:\n  - {route: lane, start: 1h, end: 10h}\n  - {route: lane, start: 9h, end: 12h}\n"
    notes = [(p, m) for p, m in lint(load(BASE + text)) if "overlap" in m]
    assert notes == [
        (("closures", 1), "closures 0 and 1 of route lane overlap: it stays closed until 12h, when the later one ends")
    ]
    # windows that only touch (one ends at the instant the next begins) do not overlap
    touching = "closures:\n  - {route: lane, start: 1h, end: 10h}\n  - {route: lane, start: 10h, end: 12h}\n"
    assert [m for _, m in lint(load(BASE + touching)) if "overlap" in m] == []


WALK = """\
scenario: {{name: walk, duration: 1h}}
unit_types:
  inf: {{strength: 10, speed_kmh: {{land: 6}}, kill_rate_per_h: 1.0}}
map:
  places:
    start: {{kind: training_area, lat: 43.5, lon: 51.3}}
    hill: {{kind: objective, lat: 43.51, lon: 51.3}}
  routes:
    - {{from: start, to: hill, mode: land, distance_km: 1}}
sides:
  blue: {{}}
units:
  - {{id: b1, type: inf, side: blue, at: start}}
phases:
  - id: go
    orders: [{{unit: b1, do: assault, target: hill}}]
objectives:
  - {{id: take, kind: secure, place: hill, within: {within}}}
  - {{id: few, kind: metric, metric: survivors.blue, at_most: {at_most}}}
"""


@pytest.mark.parametrize(
    ("within", "at_most", "met"),
    [
        ("10min", 10, (1.0, 1.0)),  # secured at exactly 10 min (1 km at 6 km/h): in time; 10 survivors: at most 10
        ("9.999", 9.999, (0.0, 0.0)),  # a hair before either boundary: missed
    ],
)
def test_a_deadline_and_a_bound_are_met_at_their_exact_value(load, within, at_most, met):
    m = run_replication(load(WALK.format(within=within, at_most=at_most)), 1).metrics
    assert m["time_to_secure_h.hill"] == pytest.approx(10 / 60, abs=0)
    assert (m["objective.take"], m["objective.few"]) == met


@pytest.mark.parametrize(
    ("storm_min", "on_time"),
    [
        (90, True),  # arrives 60 min after its plan: exactly the tolerance, on time
        (90.001, False),  # a hair later: late
    ],
)
def test_a_delivery_exactly_at_the_tolerance_is_on_time(load, storm_min, on_time):
    """Planned: load 30 + 120 at sea + unload 20 = 170 min. The lane is closed until the storm ends, so the
    ship sails at max(30, w) and unloads at w + 140: with w = 90 that is 230 = 170 + the 60-min tolerance."""
    text = LINE + "logistics: {on_time_tolerance: 1h}\n"
    text += f"injects:\n  - {{id: storm, at: 0, effects: [{{type: close_routes, routes: [lane], for: {storm_min}}}]}}\n"
    w = run(load, text)
    (deliver,) = [e for e in w.log.records if e["kind"] == "deliver"]
    assert deliver["t"] == pytest.approx(storm_min + 140, abs=0)
    assert deliver["on_time"] is on_time
    assert run_replication(w.scenario, 1).metrics["on_time_share"] == float(on_time)


# a third port 50 km beyond b: a -> b -> c is lane (120 min) then lane2 (60 min)
FERRY = BASE.replace("    isle:", "    c:    {kind: port, lat: 44.0, lon: 51.0}\n    isle:").replace(
    "  routes:\n", "  routes:\n    - {id: lane2, from: b, to: c, mode: sea, distance_km: 50}\n"
)


@pytest.mark.parametrize(
    ("closes_at", "arrive_c"),
    [
        (120, [180.0]),  # the first leg ends at the instant lane closes: it is behind the ship, which goes on
        (119.999, []),  # a hair before: lane is still ahead, the ship turns back (and lane stays closed)
    ],
)
def test_a_leg_ending_at_the_instant_of_its_closure_is_not_turned_back(load, closes_at, arrive_c):
    text = FERRY + "phases:\n  - id: go\n    orders: [{unit: ship, do: move, to: c}]\n"
    storm = "[{type: close_routes, routes: [lane], at_sea: turn_back}]"
    text += f"injects:\n  - {{id: storm, at: {closes_at}, effects: {storm}}}\n"
    world = build_world(load(text), 1, trace=True)
    world.run()
    assert times(world, "arrive", unit="ship", at="c") == [pytest.approx(t, abs=0) for t in arrive_c]
    assert len(times(world, "turn_back", unit="ship")) == (0 if arrive_c else 1)
