"""Combat against theory: the Lanchester closed forms and the exact Markov chain (Brown 1963).

Every expected value is computed here from the theory; tolerances are 1e-6 relative for the
deterministic model and 4 standard errors (from the exact distribution) for the stochastic one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

from sim.check import load_scenario
from sim.engine.rng import Stream
from sim.experiment import build_world, run_replication
from sim.models import lanchester
from tests.conftest import duel_yaml


def side(n: float, k: float, break_fraction: float = 0.0) -> lanchester.Side:
    return lanchester.Side(np.array([float(n)]), np.array([k]), np.array([1.0]), 1.0, float(n), break_fraction)


# --- deterministic ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("a0", "b0", "a", "b"), [(100, 80, 0.02, 0.01), (50, 45, 0.3, 0.2), (1000, 300, 1e-3, 5e-3)])
def test_square_law_matches_closed_form(a0, b0, a, b):
    assert a * a0**2 > b * b0**2, "A must win for the closed form used here"
    sol = lanchester.integrate("square", side(a0, a), side(b0, b))
    survivors = math.sqrt(a0**2 - (b / a) * b0**2)
    t_star = math.atanh(math.sqrt(b / a) * b0 / a0) / math.sqrt(a * b)
    assert len(sol.t_events[1]) == 1 and len(sol.t_events[0]) == 0  # B is annihilated, A is not
    assert sol.t[-1] == pytest.approx(t_star, rel=1e-6)
    assert sol.y[0, -1] == pytest.approx(survivors, rel=1e-6)
    # the square-law invariant a(A0² − A²) = b(B0² − B²) holds along the whole trajectory
    for t in np.linspace(0, t_star, 25):
        A, B = sol.sol(t)
        assert a * (a0**2 - A**2) == pytest.approx(b * (b0**2 - B**2), rel=1e-6, abs=1e-6 * a * a0**2)


@pytest.mark.parametrize(("a0", "b0", "ka", "kb", "fb"), [(100, 80, 0.02, 0.01, 0.3), (40, 60, 0.05, 0.02, 0.5)])
def test_linear_law_keeps_its_invariant_and_stops_at_the_breakpoint(a0, b0, ka, kb, fb):
    sol = lanchester.integrate("linear", side(a0, ka), side(b0, kb, fb))
    # dA/dt = −b'AB, dB/dt = −a'AB with the coefficients normalised by the opposing reference strength
    a_lin, b_lin = ka / b0, kb / a0
    for t in np.linspace(0, sol.t[-1], 25):
        A, B = sol.sol(t)
        assert a_lin * (a0 - A) == pytest.approx(b_lin * (b0 - B), rel=1e-6, abs=1e-9)
    assert len(sol.t_events[1]) == 1
    assert sol.y[1, -1] == pytest.approx(fb * b0, rel=1e-6)
    # B(t) under the linear law solves dB/dt = −a'B(A0 − (b'/a')(B0 − B)): check the end time by quadrature
    c = a0 - b_lin / a_lin * b0
    k = b_lin / a_lin

    # ∫ dB / (a' B (c + k B)) from B_end to B0 = t_end  (partial fractions)
    def prim(B):
        return math.log(B / (c + k * B)) / (a_lin * c)

    assert sol.t[-1] == pytest.approx(prim(b0) - prim(fb * b0), rel=1e-6)


def test_deterministic_engine_engagement_matches_closed_form(write):
    a0, b0, ka_h, kb_h = 100, 80, 1.2, 0.6
    loaded = load_scenario(write(duel_yaml(a0, b0, ka_h, kb_h, mode="deterministic")))
    m = run_replication(loaded.scenario, seed=1).metrics
    a, b = ka_h / 60, kb_h / 60
    t_star = math.atanh(math.sqrt(b / a) * b0 / a0) / math.sqrt(a * b)
    walk = 3 / 6 * 60  # 3 km at 6 km/h before the engagement starts
    assert m["time_to_secure_h.hill"] * 60 == pytest.approx(walk + t_star, rel=1e-6)
    assert m["survivors.blue"] == pytest.approx(math.sqrt(a0**2 - (b / a) * b0**2), rel=1e-6)
    assert m["killed.red"] + m["wounded.red"] == pytest.approx(b0, rel=1e-6)


# --- stochastic: the embedded jump chain ------------------------------------------------------------


@dataclass
class Exact:
    p_a_wins: float
    mean_a: float
    var_a: float
    mean_t: float
    var_t: float


def brown(a0: int, b0: int, ka: float, kb: float, law: str = "square", fa: float = 0.0, fb: float = 0.0) -> Exact:
    """Exact outcome distribution by recursion over states (i, j): Brown (1963)."""

    def out(x: int, x0: int, f: float) -> bool:  # written here, not lanchester.broken: the reference is independent
        return x <= 0 or x < f * x0

    def done(i: int, j: int) -> bool:
        return out(i, a0, fa) or out(j, b0, fb)

    def rates(i: int, j: int) -> tuple[float, float]:  # (loss rate of A, loss rate of B)
        if law == "square":
            return kb * j, ka * i
        return kb * j * i / a0, ka * i * j / b0

    # forward: probability of reaching each state; absorbing states collect the outcome distribution
    reach = {(a0, b0): 1.0}
    mean_t = 0.0
    for total in range(a0 + b0, -1, -1):
        for i in range(min(a0, total), -1, -1):
            j = total - i
            p = reach.get((i, j), 0.0)
            if p == 0.0 or j > b0 or done(i, j):
                continue
            ra, rb = rates(i, j)
            mean_t += p / (ra + rb)
            reach[(i, j - 1)] = reach.get((i, j - 1), 0.0) + p * rb / (ra + rb)
            reach[(i - 1, j)] = reach.get((i - 1, j), 0.0) + p * ra / (ra + rb)
    ends = {s: p for s, p in reach.items() if done(*s)}
    p_win = sum(p for (i, j), p in ends.items() if out(j, b0, fb) and not out(i, a0, fa))
    mean_a = sum(p * i for (i, _), p in ends.items())
    var_a = sum(p * i * i for (i, _), p in ends.items()) - mean_a**2
    # backward: first two moments of the remaining time R(s) = Exp(r) + R(next)
    m1: dict[tuple[int, int], float] = {}
    m2: dict[tuple[int, int], float] = {}
    for total in range(0, a0 + b0 + 1):
        for i in range(0, min(a0, total) + 1):
            j = total - i
            if j > b0:
                continue
            if done(i, j):
                m1[(i, j)] = m2[(i, j)] = 0.0
                continue
            ra, rb = rates(i, j)
            r = ra + rb
            nxt = [((i, j - 1), rb / r), ((i - 1, j), ra / r)]
            e1 = sum(q * m1[s] for s, q in nxt)
            e2 = sum(q * m2[s] for s, q in nxt)
            m1[(i, j)] = 1 / r + e1
            m2[(i, j)] = 2 / r**2 + 2 / r * e1 + e2
    assert m1[(a0, b0)] == pytest.approx(mean_t, rel=1e-12)  # two derivations agree
    return Exact(p_win, mean_a, var_a, mean_t, m2[(a0, b0)] - mean_t**2)


def within(sample: float, exact: float, sd: float, n: int, k: float = 4.0) -> bool:
    return abs(sample - exact) <= k * sd / math.sqrt(n)


CASES = [
    dict(a0=6, b0=5, ka=1.0, kb=1.2),
    dict(a0=8, b0=8, ka=0.5, kb=0.4, fa=0.5, fb=0.4),
    dict(a0=5, b0=7, ka=3.0, kb=1.0, law="linear"),
]


# The engine's step rule applied to two homogeneous sides, written out here to check it against the exact chain
@dataclass(frozen=True)
class DuelResult:
    a: float
    b: float
    minutes: float


def duel(
    a0: int,
    b0: int,
    ka: float,
    kb: float,
    *,
    law: lanchester.Law = "square",
    break_a: float = 0.0,
    break_b: float = 0.0,
    stream: Stream,
) -> DuelResult:
    """Two homogeneous unprotected sides fighting out one stochastic engagement (the engine's step rule)."""
    a, b, t = a0, b0, 0.0
    while not (lanchester.broken(a, a0, break_a) or lanchester.broken(b, b0, break_b)):
        dt, hits_b = lanchester.next_loss(
            lanchester.loss_rate(law, kb * b, a, a, a0), lanchester.loss_rate(law, ka * a, b, b, b0), stream
        )
        t += dt
        if hits_b:
            b -= 1
        else:
            a -= 1
    return DuelResult(a, b, t)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(f"{k}{v}" for k, v in c.items()))
def test_stochastic_duel_matches_exact_chain(case):
    n = 20_000
    exact = brown(**case)
    stream = Stream(np.random.default_rng(12345))
    law = case.get("law", "square")
    runs = [
        duel(
            case["a0"],
            case["b0"],
            case["ka"],
            case["kb"],
            law=law,
            break_a=case.get("fa", 0.0),
            break_b=case.get("fb", 0.0),
            stream=stream,
        )
        for _ in range(n)
    ]
    wins = np.array([r.b < case["b0"] * case.get("fb", 0.0) or r.b == 0 for r in runs], float)
    a_left = np.array([r.a for r in runs], float)
    times = np.array([r.minutes for r in runs])
    p = exact.p_a_wins
    assert 0.05 < p < 0.95, "pick cases where the win probability is informative"
    assert within(wins.mean(), p, math.sqrt(p * (1 - p)), n)
    assert within(a_left.mean(), exact.mean_a, math.sqrt(exact.var_a), n)
    assert within(times.mean(), exact.mean_t, math.sqrt(exact.var_t), n)


@pytest.mark.slow
def test_engine_engagement_matches_exact_chain(write):
    """The same check through the whole engine: scenario → World → engagement process → metrics."""
    a0, b0, ka_h, kb_h = 7, 6, 60.0, 60.0  # per hour: one loss per element-minute
    exact = brown(a0, b0, ka_h / 60, kb_h / 60, fa=0.3, fb=0.3)
    scenario = load_scenario(write(duel_yaml(a0, b0, ka_h, kb_h, fa=0.3, fb=0.3))).scenario
    n = 4000
    metrics = [run_replication(scenario, seed=99, replication=i).metrics for i in range(n)]
    secured = np.array([m["secured.hill"] for m in metrics])
    blue = np.array([m["survivors.blue"] for m in metrics])
    fight = np.array([m["engagement_h.hill"] * 60 for m in metrics])
    p = exact.p_a_wins
    assert within(secured.mean(), p, math.sqrt(p * (1 - p)), n)
    assert within(blue.mean(), exact.mean_a, math.sqrt(exact.var_a), n)
    assert within(fight.mean(), exact.mean_t, math.sqrt(exact.var_t), n)


ENGINE_CASES = [
    # fortified defender (attackers' kill rate × 0.5) under suppression (defenders' × 0.3), integral breakpoints
    dict(a0=6, b0=5, ka_h=90.0, kb_h=150.0, fa=0.5, fb=0.4, law="square", defence="fortified", suppressed=True),
    # area fire: loss rates normalised by the opposing side's reference strength (a0 ≠ b0), prepared position
    dict(a0=5, b0=8, ka_h=120.0, kb_h=45.0, fa=0.0, fb=0.25, law="linear", defence="prepared", suppressed=False),
]


@pytest.mark.slow
@pytest.mark.parametrize("case", ENGINE_CASES, ids=["square-fortified-suppressed", "linear-prepared"])
def test_engine_matches_the_exact_chain_with_asymmetric_rates_and_modifiers(case, write):
    """Whole engine against Brown's recursion with the modifiers applied in the reference by hand."""
    from sim.experiment.runner import collect_metrics
    from sim.models import combat

    defence = {"open": 1.0, "prepared": 0.7, "fortified": 0.5}[case["defence"]]
    suppression = 0.3 if case["suppressed"] else 1.0
    exact = brown(
        case["a0"],
        case["b0"],
        case["ka_h"] / 60 * defence,
        case["kb_h"] / 60 * suppression,
        case["law"],
        case["fa"],
        case["fb"],
    )
    text = duel_yaml(case["a0"], case["b0"], case["ka_h"], case["kb_h"], fa=case["fa"], fb=case["fb"], law=case["law"])
    s = load_scenario(
        write(text), [f"map.places.hill.defence={case['defence']}", "combat.suppression_factor=0.3"]
    ).scenario
    n = 2000
    secured, blue, fight, killed, lost = [], [], [], 0.0, 0.0
    for i in range(n):
        world = build_world(s, 7, i)
        if case["suppressed"]:
            combat.state(world).suppressed["hill"] = 1  # as while fire support goes on
        world.run()
        m = collect_metrics(world)
        secured.append(m["secured.hill"])
        blue.append(m["survivors.blue"])
        fight.append(m["engagement_h.hill"] * 60)
        killed += m["killed.blue"] + m["killed.red"]
        lost += m["killed.blue"] + m["killed.red"] + m["wounded.blue"] + m["wounded.red"]
    p = exact.p_a_wins
    assert 0.05 < p < 0.95
    assert within(np.mean(secured), p, math.sqrt(p * (1 - p)), n)
    assert within(np.mean(blue), exact.mean_a, math.sqrt(exact.var_a), n)
    assert within(np.mean(fight), exact.mean_t, math.sqrt(exact.var_t), n)
    # each loss is killed with probability killed_fraction (0.25), independently
    assert abs(killed / lost - 0.25) <= 4 * math.sqrt(0.25 * 0.75 / lost)


def test_both_laws_give_the_stated_kill_rate_at_the_first_instant():
    """kill_rate_per_h's convention: at the start (B = B0) the linear law's a/B0 * A * B is the square law's a * A."""
    from sim.config.schema import UnitType

    power, vulnerable, b0 = 3.0, 40.0, 40.0
    assert lanchester.loss_rate("square", power, vulnerable, b0, b0) == lanchester.loss_rate(
        "linear", power, vulnerable, b0, b0
    )
    # half-way down, the linear law's rate has halved and the square law's has not
    assert lanchester.loss_rate("linear", power, vulnerable / 2, b0 / 2, b0) == pytest.approx(power / 2)
    assert lanchester.loss_rate("square", power, vulnerable / 2, b0 / 2, b0) == pytest.approx(power)
    text = UnitType.model_fields["kill_rate_per_h"].description
    assert "linear law" in text and "B0" in text
