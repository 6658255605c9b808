"""Invariants over seeds and strengths (hypothesis): conservation of people, no negative strength,
time never runs backwards."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.check import load_scenario
from sim.experiment import run_replication
from tests.conftest import REPO

ISLAND = REPO / "scenarios" / "island_retake.yaml"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    ag=st.integers(1, 400),
    marines=st.integers(1, 180),
    ships=st.integers(1, 3),
    law=st.sampled_from(["square", "linear"]),
    mode=st.sampled_from(["stochastic", "deterministic"]),
)
def test_conservation_and_order_of_events(seed, ag, marines, ships, law, mode):
    loaded = load_scenario(
        ISLAND,
        [
            f"units.ag.strength={ag}",
            f"units.mar-1.strength={marines}",
            f"units.ls-1.strength={ships}",
            f"combat.law={law}",
            f"combat.mode={mode}",
        ],
    )
    s = loaded.scenario
    result = run_replication(s, seed, trace=True)
    m = result.metrics
    for side in s.sides:
        # people (soldiers, and the crews of ships, aircraft and vehicles) are counted in killed, wounded and
        # survivors; ships, aircraft and vehicles as platforms too
        units = [(u.strength or s.unit_types[u.type].strength, s.unit_types[u.type]) for u in s.units if u.side == side]
        is_person = [(t.element or ("person" if t.personnel_per_element == 1 else "")) == "person" for _, t in units]
        people = sum(n if p else n * t.personnel_per_element for (n, t), p in zip(units, is_person, strict=True))
        platforms = sum(n for (n, _), p in zip(units, is_person, strict=True) if not p)
        total = m[f"killed.{side}"] + m[f"wounded.{side}"] + m[f"survivors.{side}"]
        assert abs(total - people) <= 1e-9 * people
        assert min(m[f"killed.{side}"], m[f"wounded.{side}"], m[f"survivors.{side}"]) >= 0
        if platforms:
            lost, left = m[f"platforms_lost.{side}"], m[f"platforms_left.{side}"]
            assert abs(lost + left - platforms) <= 1e-9 * platforms and min(lost, left) >= 0
    times = [e["t"] for e in result.events]
    assert times == sorted(times)
    assert all(e["left"] >= 0 and e["n"] > 0 for e in result.events if e["kind"] == "losses")
    if mode == "stochastic":
        assert all(float(e["n"]).is_integer() for e in result.events if e["kind"] == "losses")
    secured = m["secured.island"] == 1
    assert secured == any(e["kind"] == "signal" and e["name"] == "secured:island" for e in result.events)
