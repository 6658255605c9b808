"""An M/G/1 surgery stage with lognormal treatment times against Pollaczek–Khinchine, through the product's own
medical chain (one facility, one team, a Poisson stream of casualties): the queue machinery with a distribution
as the service time."""

from __future__ import annotations

import pytest

from sim.experiment import run_replication
from tests.models.test_medical import CHAIN, within

LAM_H, MEAN_MIN = 1.0, 42.0  # rho = 0.7


def pk_wait_h(lam_h: float, mean_h: float, cv: float) -> float:
    """Pollaczek–Khinchine mean wait in queue of M/G/1: lambda E[S^2] / (2 (1 - rho)), E[S^2] = m^2 (1 + cv^2)."""
    rho = lam_h * mean_h
    return lam_h * mean_h**2 * (1 + cv**2) / (2 * (1 - rho))


def one_stage(treatment: str, days: int = 60, warmup: str = "2d") -> str:
    text = CHAIN.format(
        days=days, lam=LAM_H, facilities=f"    - {{id: s0, role: 1, at: camp, teams: 1, treatment: {treatment}}}"
    )
    return text.replace("scenario: {name: chain,", f"scenario: {{name: chain, warmup: {warmup},")


@pytest.mark.slow
@pytest.mark.parametrize("cv", [0.5, 1.5])
def test_lognormal_service_matches_pollaczek_khinchine(load, cv):
    s = load(one_stage(f"{{distribution: lognormal, mean: {MEAN_MIN}min, cv: {cv}}}"))
    runs = [run_replication(s, 7, i).metrics["wait_h.s0"] for i in range(24)]
    expected = pk_wait_h(LAM_H, MEAN_MIN / 60, cv)
    ok, mean, se = within(runs, expected)
    assert ok, (mean, expected, se)
    # power: had the draw ignored the cv (an exponential time of the same mean), its P-K wait lies more than
    # 6 SE away, so the 4 SE check above would fail (by 2 SE or more) rather than pass by luck
    assert abs(pk_wait_h(LAM_H, MEAN_MIN / 60, 1.0) - expected) > 6 * se


def test_a_number_is_still_an_exponential_mean(load):
    """The same stage with the number 42min and with {distribution: exponential, mean: 42min}: both M/M/1, and
    the number draws exactly what it drew before distributions (the golden files hold that); here both agree
    with P-K at cv 1."""
    for treatment in (f"{MEAN_MIN}min", f"{{distribution: exponential, mean: {MEAN_MIN}min}}"):
        s = load(one_stage(treatment, days=40))
        runs = [run_replication(s, 3, i).metrics["wait_h.s0"] for i in range(16)]
        ok, mean, se = within(runs, pk_wait_h(LAM_H, MEAN_MIN / 60, 1.0))
        assert ok, (treatment, mean, se)
