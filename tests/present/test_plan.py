"""`exsim check --plan`: the plan read without running, with trip times computed here from distance and speed."""

from __future__ import annotations

import heapq
import math
import re

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.config.yamlsafe import read_file
from tests.conftest import REPO

SCENARIO = read_file(REPO / "scenarios" / "island_retake.yaml").data
TYPES = read_file(REPO / "configs" / "units.yaml").data["unit_types"]


def minutes(text: object) -> float:
    """Minutes from the catalogue's spellings (40min, 2h or a number), read here without exsim."""
    m = re.fullmatch(r"([0-9.]+)(min|h)?", str(text))
    assert m, text
    return float(m[1]) * (60 if m[2] == "h" else 1)


def fastest(src: str, dst: str, speeds: dict[str, float]) -> tuple[float, float]:
    """(km, minutes) of the fastest path on the scenario's routes, by a Dijkstra of our own."""
    heap, done = [(0.0, 0.0, src)], set()
    while heap:
        t, km, here = heapq.heappop(heap)
        if here == dst:
            return km, t
        if here in done:
            continue
        done.add(here)
        for r in SCENARIO["map"]["routes"]:
            for a, b in ((r["from"], r["to"]), (r["to"], r["from"])):
                if a == here and r["mode"] in speeds and b not in done:
                    heapq.heappush(heap, (t + r["distance_km"] / speeds[r["mode"]] * 60, km + r["distance_km"], b))
    raise AssertionError(f"no path {src} -> {dst}")


def hm(mins: float) -> str:
    h, m = divmod(round(mins), 60)
    return (f"{h}h" if h else "") + (f"{m}min" if m or not h else "")


def lifts() -> list[tuple[dict, dict, str]]:
    """(order, transport unit, where the transport is then) for every lift, following earlier moves."""
    at = {u["id"]: u["at"] for u in SCENARIO["units"]}
    found = []
    for phase in SCENARIO["phases"]:
        for o in phase["orders"]:
            if o["do"] == "move":
                at[o["unit"]] = o["to"]
            if o["do"] == "lift":
                found.append((o, next(u for u in SCENARIO["units"] if u["id"] == o["unit"]), at[o["unit"]]))
    return found


@pytest.mark.parametrize("ships", [2, 1])
def test_check_plan_lists_each_transports_trips_with_durations_from_distance_and_speed(ships):
    r = CliRunner().invoke(main, ["check", "--plan", "island_retake", "--set", f"units.ls-1.strength={ships}"])
    assert r.exit_code == 0, r.output + r.stderr
    section = r.output.split("Transports and their trips", 1)[1].split("\n\n", 1)[0]
    assert lifts(), "the island retake has lift orders"
    for order, unit, origin in lifts():
        t = TYPES[unit["type"]]
        strength = ships if unit["id"] == "ls-1" else unit.get("strength", t["strength"])
        km, travel = fastest(origin, order["to"], t["speed_kmh"])
        capacity = strength * t["capacity_personnel"]
        assert f"  {unit['id']} ({unit['type']}, room for {capacity} people" in section
        assert f"{km:g} km, {hm(travel)} each way" in section
        people = [
            TYPES[u["type"]]["strength"] * TYPES[u["type"]].get("personnel_per_element", 1)
            for u in SCENARIO["units"]
            if u["id"] in order["units"]
        ]
        n_trips = math.ceil(sum(people) / capacity)  # equal companies: first fit packs as many as fit
        lines = re.findall(rf"trip \d of {n_trips}: .*", section.split(f"  {unit['id']} (", 1)[1])[:n_trips]
        assert len(lines) == n_trips
        load, unload = minutes(t["load_min"]), minutes(t["unload_min"])
        for line in lines:
            assert f"load {hm(load)}, travel {hm(travel)}, unload {hm(unload)}, back {hm(travel)}" in line
    assert ("trip 2 of 2: mar-2 (120 people)" in section) == (ships == 1)


def test_plan_orders_phases_by_their_triggers_and_shows_routes():
    out = CliRunner().invoke(main, ["check", "--plan", "island_retake"]).output
    phases = re.findall(r"^  \d\. (\w+): (.*)$", out, re.M)
    assert [p for p, _ in phases] == ["landing", "shaping", "assault", "consolidate"]
    assert dict(phases)["assault"] == "after landing, shaping"
    assert dict(phases)["shaping"] == "start H+30min (2024-07-12 04:30)"
    km, mins = fastest("aktau_airfield", "kuryk_port", TYPES["transport_helicopter"]["speed_kmh"])
    assert f"hel-1 move: aktau_airfield → kuryk_port, {km:g} km, {hm(mins)}" in out
    # after the assault the marines are on the island, so consolidating is a move back to the beach
    assert "mar-1 move: island → island_beach, 1 km, 15min" in out


def test_plan_weighs_supplies_at_the_start_against_their_use():
    out = CliRunner().invoke(main, ["check", "--plan", "island_retake"]).output
    t = TYPES["marine_infantry_company"]
    stock = t["carries"]["water"] * t["strength"]
    per_h = 33.7 * t["strength"] * t.get("personnel_per_element", 1) / 24  # ATP 4-90 water per person per day
    assert f"mar-1 water: {stock:,.0f} L at the start; idle {per_h:.3g}/h, lasts {hm(stock / per_h * 60)}" in out


@pytest.mark.parametrize("name", ["medical_chain", "trans_caspian_logistics", "birlestik_2024"])
def test_every_shipped_scenario_has_a_plan_naming_each_phase_and_supply_line(name):
    from sim.check import load_scenario

    s = load_scenario(name).scenario
    r = CliRunner().invoke(main, ["check", "--plan", name])
    assert r.exit_code == 0, r.output + r.stderr
    assert [p for p in s.phases if f". {p.id}: " not in r.output] == []
    assert [x.id for x in s.supply_lines if f"supply line {x.id}: " not in r.output] == []


def test_embark_move_disembark_follow_the_transport(write):
    path = write(
        """\
        scenario: {name: e, duration: 12h}
        catalog: exsim:units
        map:
          places:
            port:  {kind: port, lat: 43.1, lon: 51.6}
            beach: {kind: beach, lat: 43.3, lon: 51.2}
          routes: [{from: port, to: beach, mode: sea, distance_km: 33.3}]
        sides: {blue: {}}
        units:
          - {id: ship, type: landing_ship, side: blue, at: port}
          - {id: coy, type: marine_infantry_company, side: blue, at: port}
        phases:
          - id: go
            orders:
              - {unit: coy, do: embark, on: ship}
              - {unit: ship, do: move, to: beach}
              - {unit: coy, do: disembark}
        """
    )
    out = CliRunner().invoke(main, ["check", "--plan", str(path)]).output
    t = TYPES["landing_ship"]
    assert f"coy embark: aboard ship at port, loading {hm(minutes(t['load_min']))}" in out
    assert f"ship move: port → beach, 33.3 km, {hm(33.3 / t['speed_kmh']['sea'] * 60)}" in out
    assert f"coy disembark: from ship at beach, unloading {hm(minutes(t['unload_min']))}" in out
