"""Logistics against arithmetic and theory: conservation, throughput, closures, Erlang C, shortages."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.check import load_scenario
from sim.config.supply import SUPPLY_CLASSES
from sim.engine.bus import OrderFailed
from sim.engine.signals import Secured
from sim.experiment import build_world, run_replication
from sim.models import logistics
from sim.models.events import KillFactor
from tests.conftest import REPO

# Two depots joined by sea; transports of a 100 t ferry type; no berth limits unless a test adds them.
SEA = """\
scenario: {{name: sea, duration: {duration}}}
unit_types:
  ferry: {{strength: 1, speed_kmh: {{sea: 20}}, cargo_t: 100, load_min: 2h, unload_min: 1h}}
map:
  places:
    a: {{kind: port, lat: 40, lon: 50}}
    b: {{kind: port, lat: 43, lon: 51}}
  routes:
    - {{id: lane, from: a, to: b, mode: sea, distance_km: 400}}
sides:
  blue: {{}}
units:
{units}
depots:
  - {{id: src, at: a, stocks: {{ammunition: {{initial: 100000, capacity: 100000}}}}}}
  - {{id: dst, at: b, stocks: {{ammunition: {{initial: 0, capacity: 100000}}}}}}
supply_lines:
  - {{id: line, transports: [{transports}], from: src, to: dst, cargo: {{ammunition: 100}}}}
"""


def sea(k: int = 1, duration: str = "10d") -> str:
    ids = [f"f{i}" for i in range(k)]
    units = "\n".join(f"  - {{id: {i}, type: ferry, side: blue, at: a}}" for i in ids)
    return SEA.format(duration=duration, units=units, transports=", ".join(ids))


@pytest.mark.parametrize(("k", "hours"), [(1, 60), (2, 60), (3, 200), (2, 20.9), (1, 21)])
def test_throughput_matches_arithmetic(load, k, hours):
    """k ships, round trip T, capacity C: each has delivered C per completed trip by time t."""
    s = load(sea(k))
    load_min, unload_min, transit = 120, 60, 400 / 20 * 60
    first = load_min + transit + unload_min  # first delivery
    round_trip = first + transit  # then every round trip (back empty, load, out, unload)
    t = hours * 60
    trips = 0 if t < first else math.floor((t - first) / round_trip) + 1
    world = build_world(s, 1)
    world.run(until=t)
    got = logistics.state(world).depots["dst"].level("ammunition")
    assert got == pytest.approx(k * 100 * trips)


def test_closed_route_delays_delivery_by_the_window(load):
    base = load(sea(1))
    closed = load(sea(1) + "closures:\n  - {route: lane, start: 1h, end: 31h}\n")

    def first_delivery(s):
        evs = run_replication(s, 1, trace=True).events
        return next(e["t"] for e in evs if e["kind"] == "deliver")

    # loading ends at 2 h, when the lane has been shut since 1 h; it reopens at 31 h
    assert first_delivery(closed) - first_delivery(base) == pytest.approx(31 * 60 - 2 * 60)


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue of M/M/c (Erlang C)."""
    a = lam / mu
    rho = a / c
    tail = a**c / math.factorial(c) / (1 - rho)
    p_wait = tail / (sum(a**n / math.factorial(n) for n in range(c)) + tail)
    return p_wait / (c * mu - lam)


@pytest.mark.slow
def test_port_queue_matches_erlang_c(load):
    c, per_day, berth_h = 2, 1.2, 24.0
    text = (
        sea(1, duration="2000d").replace(
            "    b: {kind: port, lat: 43, lon: 51}", f"    b: {{kind: port, lat: 43, lon: 51, berths: {c}}}"
        )
        + f"traffic:\n  - {{port: b, arrivals_per_day: {per_day}, berth_time: {berth_h}h}}\n"
    )
    text = text.replace(
        "supply_lines:\n  - {id: line, transports: [f0], from: src, to: dst, cargo: {ammunition: 100}}\n", ""
    )
    s = load(text)
    reps = 12
    waits = [run_replication(s, 7, i).metrics["berth_wait_h.b"] for i in range(reps)]
    utils = [run_replication(s, 7, i).metrics["berth_utilisation.b"] for i in range(reps)]
    lam, mu = per_day / 24, 1 / berth_h  # per hour
    expected = erlang_c_wait(lam, mu, c)
    mean = sum(waits) / reps
    se = math.sqrt(sum((w - mean) ** 2 for w in waits) / (reps - 1) / reps)
    assert abs(mean - expected) < 4 * se, (mean, expected, se)
    rho = lam / (c * mu)
    u_mean = sum(utils) / reps
    u_se = math.sqrt(sum((u - u_mean) ** 2 for u in utils) / (reps - 1) / reps)
    assert abs(u_mean - rho) < 4 * u_se, (u_mean, rho, u_se)


# --- conservation ----------------------------------------------------------------------------------------

TC = REPO / "scenarios" / "trans_caspian_logistics.yaml"
ISLAND = REPO / "scenarios" / "island_retake.yaml"


def check_balance_and_bounds(world) -> None:
    ls = logistics.state(world)
    for cls in SUPPLY_CLASSES:
        before, after = ls.balance(cls)
        assert after == pytest.approx(before, rel=1e-9, abs=1e-6), cls
        assert ls.in_transit[cls] >= -1e-6
    for depot in ls.depots.values():
        for cls, c in depot.containers.items():
            assert -1e-9 <= c.level <= c.capacity + 1e-9, (depot.id, cls)
    for tanks in ls.tanks.values():
        for tank in tanks.values():
            tank.settle()
            assert -1e-9 <= tank.level <= tank.capacity * (1 + 1e-12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31),
    stop_h=st.floats(1, 720),
    loss=st.sampled_from([0.0, 0.2, 0.6]),
    every=st.sampled_from(["1d", "3d", "6d"]),
    storm=st.floats(0, 25),
    refill=st.sampled_from([0.2, 0.5, 0.9]),
    road=st.sampled_from(["reorder", "continuous"]),
)
def test_supplies_are_conserved_in_the_trans_caspian_scenario(seed, stop_h, loss, every, storm, refill, road):
    loaded = load_scenario(
        TC,
        [
            f"supply_lines.sea_line.loss_prob={loss}",
            f"supply_lines.sea_line.every={every}",
            f"closures.0.end={10.01 + storm:.3f}d",
            f"logistics.refill_below={refill}",
            f"supply_lines.road_line.dispatch={road}",
        ],
    )
    world = build_world(loaded.scenario, seed)
    world.run(until=stop_h * 60)
    check_balance_and_bounds(world)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), ammo=st.floats(0.5, 20), stop_h=st.floats(0.5, 24))
def test_supplies_are_conserved_in_the_island_retake(seed, ammo, stop_h):
    loaded = load_scenario(ISLAND, [f"depots.0.stocks.ammunition.initial={ammo}"])
    world = build_world(loaded.scenario, seed)
    world.run(until=stop_h * 60)
    check_balance_and_bounds(world)


def test_lost_cargo_is_counted(load):
    s = load(sea(1).replace("cargo: {ammunition: 100}}", "cargo: {ammunition: 100}, loss_prob: 0.5}"))
    world = build_world(s, 3)
    world.run()
    ls = logistics.state(world)
    assert ls.ledger["ammunition"].lost > 0
    assert ls.ledger["ammunition"].lost % 100 == pytest.approx(0)
    check_balance_and_bounds(world)


# --- shortage effects -------------------------------------------------------------------------------------

DUEL_SUPPLY = """\
scenario: {{name: supply duel, duration: 48h}}
unit_types:
  blue_inf: {{strength: 100, kill_rate_per_h: 1.2, speed_kmh: {{land: 6}},
             carries: {{fuel: {fuel}, ammunition: {ammo}}},
             consumption: {{moving: {{fuel: 1}}, combat: {{ammunition: 0.01}}}}}}
  red_inf:  {{strength: 50, kill_rate_per_h: 0.6}}
map:
  places:
    start: {{kind: training_area, lat: 43.5, lon: 51.3}}
    hill:  {{kind: objective, lat: 43.51, lon: 51.3}}
  routes:
    - {{from: start, to: hill, mode: land, distance_km: 3}}
sides:
  blue: {{break_fraction: 0}}
  red: {{break_fraction: 0}}
units:
  - {{id: b1, type: blue_inf, side: blue, at: start}}
  - {{id: r1, type: red_inf, side: red, at: hill}}
phases:
  - id: attack
    orders: [{{unit: b1, do: assault, target: hill}}]
combat: {{mode: deterministic, suppression_factor: 1.0}}
logistics: {{per_person_day: {{}}, no_ammunition_kill_factor: 0.25}}
"""


def test_a_unit_without_fuel_does_not_move(load):
    s = load(DUEL_SUPPLY.format(fuel=0.1, ammo=100))  # 10 L; the 30-minute march needs 100 x 1 x 0.5 = 50 L
    world = build_world(s, 1, trace=True)
    failed: list[OrderFailed] = []
    world.bus.subscribe(OrderFailed, failed.append)
    world.run()
    assert world.units["b1"].location == "start"
    assert [(f.unit.id, f.reason.startswith("not enough fuel")) for f in failed] == [("b1", True)]
    assert any(e["kind"] == "order_failed" and "not enough fuel" in e["reason"] for e in world.log.records)
    ok = build_world(load(DUEL_SUPPLY.format(fuel=0.5, ammo=100)), 1)
    ok.run()
    assert ok.holds(Secured("hill"))


def test_without_ammunition_the_kill_rate_falls_to_the_configured_fraction(load):
    """Ammunition runs dry at the first instant of combat: the whole fight is at a quarter of the rate."""
    a0, b0, ka, kb = 100, 50, 1.2 / 60, 0.6 / 60

    def secure_minutes(ka_eff: float) -> float:
        return 30 + math.atanh(math.sqrt(kb / ka_eff) * b0 / a0) / math.sqrt(ka_eff * kb)

    full = run_replication(load(DUEL_SUPPLY.format(fuel=1000, ammo=1000)), 1).metrics
    assert full["time_to_secure_h.hill"] * 60 == pytest.approx(secure_minutes(ka), rel=1e-6)
    # 1e-9 t of ammunition is gone almost at once; then A fights at 0.25 a (and 0.25 a A0² > b B0²: A still wins)
    assert 0.25 * ka * a0**2 > kb * b0**2
    dry = run_replication(load(DUEL_SUPPLY.format(fuel=1000, ammo=1e-9)), 1).metrics
    assert dry["time_to_secure_h.hill"] * 60 == pytest.approx(secure_minutes(0.25 * ka), rel=1e-4)


def test_without_water_a_unit_degrades_after_the_grace_period(load):
    text = (
        DUEL_SUPPLY.format(fuel=1000, ammo=100)
        .replace("carries: {fuel: 1000, ammunition: 100}", "carries: {fuel: 1000, ammunition: 100, water: 1}")
        .replace("logistics: {per_person_day: {}", "logistics: {per_person_day: {water: 24}, water_grace: 6h")
    )
    world = build_world(load(text), 1)
    unit = world.units["b1"]
    world.run(until=59)  # 1 L each at 24 L a day: dry after one hour
    assert world.bus.publish(KillFactor(unit)).factor == 1.0
    world.run(until=61 + 6 * 60)
    assert world.bus.publish(KillFactor(unit)).factor == 0.5  # the default no_water_factor


def test_a_stockout_is_recorded_even_when_the_rate_changes_at_that_instant(load):
    """A change of rate at the very instant a tank runs dry, before its own alarm, must not hide the stock-out."""
    text = (
        DUEL_SUPPLY.format(fuel=1000, ammo=100)
        .replace("carries: {fuel: 1000, ammunition: 100}", "carries: {fuel: 1000, ammunition: 100, water: 1}")
        .replace("logistics: {per_person_day: {}", "logistics: {per_person_day: {water: 24}")
    )
    text = text.replace("phases:\n  - id: attack\n    orders: [{unit: b1, do: assault, target: hill}]\n", "")
    world = build_world(load(text), 1, trace=True)  # 1 L each at 24 L a day, idle: dry at 60 min
    tank = logistics.state(world).tanks["b1"]["water"]
    env = world.env

    def script():
        at_dry = env.timeout(60)  # scheduled now: before any alarm the tank arms later for the same instant
        yield env.timeout(45)
        tank.set_rate(tank.rate)  # re-arms the tank's alarm for 60 min
        yield at_dry
        tank.set_rate(2 * tank.rate)

    env.process(script())
    world.run(until=120)
    assert tank.out_since == pytest.approx(60.0)
    assert [e["t"] for e in world.log.records if e["kind"] == "stockout"] == [pytest.approx(60.0)]


def test_the_shared_rate_table_stays_bounded_when_strengths_never_repeat(load, monkeypatch):
    """Deterministic combat leaves fractional strengths that differ in every replication: the table is capped."""
    monkeypatch.setattr(logistics, "RATE_TABLE_MAX", 5)
    s = load_scenario(ISLAND, ["combat.mode=deterministic"]).scenario
    sizes = []
    for i in range(3):
        world = build_world(s, 1, i)
        world.run()
        sizes.append(len(logistics.state(world)._rates))
        check_balance_and_bounds(world)
    assert max(sizes) <= 5
    assert logistics.state(world)._rates is logistics.state(build_world(s, 1, 9))._rates  # shared by replications


SERVED = """\
scenario: {{name: served, duration: 2d}}
unit_types:
  coy: {{strength: 100, carries: {{water: 10}}}}
map:
  places:
    rear: {{kind: training_area, lat: 43.5, lon: 51.3}}
    ridge: {{kind: objective, lat: 43.51, lon: 51.3}}
  routes:
    - {{from: rear, to: ridge, mode: land, distance_km: 1}}
sides:
  blue: {{}}
  red: {{}}
units:
  - {{id: b, type: coy, side: blue, at: ridge}}
  - {{id: r, type: coy, side: red, at: ridge}}
depots:
  - {{id: dump, at: rear, {serves}side: blue, stocks: {{water: {{initial: 100000, capacity: 100000}}}}}}
"""


def test_a_depot_supplies_its_sides_units_at_the_places_it_serves(load):
    """100 people use 33.7 L a day each and carry 10 L: without distribution forward they run dry in about 7 h;
    a depot serving the ridge keeps blue supplied, never red (a depot serves its own side)."""
    served = run_replication(load(SERVED.format(serves="serves: [ridge], ")), 1).metrics
    alone = run_replication(load(SERVED.format(serves="")), 1).metrics
    dry_after_h = 10 / 33.7 * 24
    assert alone["stockout_h.b.water"] == pytest.approx(48 - dry_after_h)
    assert served["stockout_h.b.water"] == 0
    assert served["stockout_h.r.water"] == pytest.approx(48 - dry_after_h)
    assert served["consumed.water"] == pytest.approx(100 * 33.7 * 2 + 100 * 10, rel=1e-6)


def test_an_alarm_that_refills_its_tank_arms_one_alarm_only(load, monkeypatch):
    """Its refill would arm the next alarm, and the alarm's end arm it again: one alarm is put in the queue, the
    one the alarm's end sets (put in and taken out, the other would change nothing but the work)."""
    world = build_world(load(SERVED.format(serves="serves: [ridge], ")), 1)
    tank = logistics.state(world).tanks["b"]["water"]
    armed: list[float] = []
    real = logistics.alarm

    def counting(env, delay, callback):  # type: ignore[no-untyped-def]
        if callback == tank._alarm:
            armed.append(env.now)
        return real(env, delay, callback)

    monkeypatch.setattr(logistics, "alarm", counting)
    world.run(until=24 * 60)  # refilled every 3.6 h
    assert len(armed) > 5 and len(armed) == len(set(armed))  # refilled again and again, one alarm each time
    queued = [entry for entry in world.env._queue if entry[3].callbacks == [tank._alarm]]
    assert queued == [tank.alarm]
