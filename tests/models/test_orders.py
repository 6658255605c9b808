"""Failed orders are counted by unit and by kind of reason, and the terminal summary lists the top reasons."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sim.check import load_scenario
from sim.cli import main
from sim.experiment import run_replication
from sim.models import orders


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        ("not enough fuel to go 46 km (needs 140 L, has 20 L)", "fuel"),
        ("not enough ammunition for a sortie", "supplies"),
        ("no route from port to isle", "route"),
        ("isle is out of range (31.2 km)", "range"),
        ("ls-1 has room for 0 deck slots only; tk-2 needs 3 deck slots", "room"),
        ("what is left does not fit", "room"),
        ("not at port for the lift by ls-1", "place"),
        ("not aboard a transport", "place"),
        ("ls-1 is under way", "place"),
        ("isle is under attack by another side", "contested"),
        ("the dog ate the orders", "other"),
    ],
)
def test_reasons_sort_into_kinds(reason, kind):
    assert orders.kind_of(reason) == kind


def test_a_medevac_out_of_fuel_shows_in_the_metrics():
    """No fuel at the helicopters' base: after their first flights they cannot fly again.

    Whether a replication has enough casualties to drain the tanks is chance (about one in four does not):
    ten replications, of which some must show it, and every one must add up.
    """
    s = load_scenario("medical_chain", ["depots.0.stocks.fuel.initial=0"]).scenario
    medevacs = [f"unit_failed_orders.{a}" for e in s.medical.evacuation for a in e.assets]
    short = 0.0
    for i in range(10):
        m = run_replication(s, 2024, i).metrics
        assert m["failed_orders"] == sum(m[f"failed_reason.{k}"] for k, _, _ in orders.REASONS)
        assert sum(m[n] for n in medevacs) == m["failed_reason.fuel"]
        short += m["failed_reason.fuel"]
    assert short > 0
    full = run_replication(load_scenario("medical_chain").scenario, 2024).metrics
    assert full["failed_orders"] == 0


def test_a_medevac_out_of_fuel_shows_in_the_terminal_summary(tmp_path):
    r = CliRunner().invoke(
        main,
        ["run", "medical_chain", "--reps", "3", "--set", "depots.0.stocks.fuel.initial=0", "--out", str(tmp_path)],
        terminal_width=120,
    )
    assert r.exit_code == 0, r.output
    table = r.output.split("Failed orders, by reason", 1)[1]
    assert "Failed orders: not enough fuel to move" in table and "failed_reason.fuel" in table
    quiet = CliRunner().invoke(main, ["run", "medical_chain", "--reps", "3", "--out", str(tmp_path / "b")])
    assert quiet.exit_code == 0 and "Failed orders, by reason" not in quiet.output
