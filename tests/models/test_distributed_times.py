"""Every draw site takes a distribution: a deterministic distribution of the same value gives the shipped
scenario's results exactly (the value reaches the same timer), and a spread one changes them (it is drawn)."""

from __future__ import annotations

import pytest

from sim.check import load_scenario
from sim.experiment import run_replication
from tests.conftest import REPO

BIRLESTIK = REPO / "scenarios" / "birlestik_2024.yaml"


def fixed(value: str) -> str:
    return f"{{distribution: deterministic, value: {value}}}"


# (field, its value in birlestik_2024 and the catalogue): the fixed-time draw sites of the models
FIXED_SITES = [
    ("command.chains.0.echelons.0.delay", "15min"),  # c2: a national chain's echelon
    ("command.interoperability.delay", "30min"),  # c2: cross-nation orders
    ("command.interoperability.pairs.0.delay", "45min"),
    ("medical.facilities.0.carry", "20min"),  # medical: point of injury to Role 1
    ("unit_types.landing_ship.load_min", "40min"),  # lift (engine), supply lines
    ("unit_types.landing_ship.unload_min", "20min"),
    ("unit_types.medevac_helicopter.load_min", "8min"),  # MEDEVAC
]
EXPONENTIAL_SITES = [("medical.facilities.2.treatment", "75min"), ("traffic.0.berth_time", "12h")]
NEW_SITES = [("phases.0.orders.1.delay", "0"), ("phases.3.orders.0.contact", "0")]  # an order's delay, first contact


def metrics(*overrides: str) -> dict[str, float]:
    s = load_scenario(BIRLESTIK, overrides).scenario
    return run_replication(s, 2024, 0).metrics


@pytest.fixture(scope="module")
def baseline() -> dict[str, float]:
    return metrics()


@pytest.mark.slow
def test_deterministic_distributions_give_the_numbers_results(baseline):
    got = metrics(*(f"{path}={fixed(value)}" for path, value in FIXED_SITES))
    assert got == pytest.approx(baseline, nan_ok=True, rel=0, abs=0)


@pytest.mark.slow
@pytest.mark.parametrize(("path", "value"), FIXED_SITES + EXPONENTIAL_SITES + NEW_SITES)
def test_a_spread_distribution_is_drawn(baseline, path, value):
    spread = "{distribution: uniform, min: 0, max: 6h}"
    assert metrics(f"{path}={spread}") != baseline, path


@pytest.mark.slow
def test_first_contact_delays_the_engagement():
    """Every unit assaulting the island searches for 3 h after it lands before the first contact: the fight opens
    3 h later than without the contact time."""
    starts = []
    for over in ((), tuple(f"phases.3.orders.{i}.contact=3h" for i in range(3))):
        s = load_scenario(BIRLESTIK, over).scenario
        events = run_replication(s, 2024, 0, trace=True).events
        starts.append(next(e["t"] for e in events if e["kind"] == "engagement_start" and e["place"] == "island"))
    assert starts[1] - starts[0] == pytest.approx(180.0)
