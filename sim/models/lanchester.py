"""Lanchester attrition, stochastic and deterministic, for groups of units on two sides.

Side X's elements x_j each kill at rate k_j (per minute, against an unprotected target in the open);
the side's fire power is P_X = m_X · Σ k_j x_j, with m_X the modifiers (defence, suppression).
Losses to the other side, Y, come at

    square law (aimed fire):  r_Y = P_X · V_Y / Y           with V_Y = Σ y_i / p_i
    linear law (area fire):   r_Y = P_X · V_Y / Y_ref

(Y = Σ y_i; p_i protection; Y_ref the reference strength: what the engaged units had at the start
of the run, the same reference as the breakpoint's) and fall on unit i with
probability (y_i / p_i) / V_Y. With one unprotected unit a side this is the textbook pair
dA/dt = −bB, dB/dt = −aA (square) and dA/dt = −b'AB, dB/dt = −a'AB (linear, a' = a/B_ref).

The stochastic model is the continuous-time Markov chain with these rates (Brown 1963): the next loss
comes after Exp(r_A + r_B) and falls on B with probability r_B / (r_A + r_B). The deterministic model
integrates the per-unit equations dy_i/dt = −r_Y (y_i/p_i) / V_Y.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.engine.rng import Stream

Law = Literal["square", "linear"]


def broken(strength: float, reference: float, break_fraction: float) -> bool:
    """A side is out of the fight when annihilated or below ``break_fraction`` of its reference strength."""
    return strength <= 1e-9 or strength < break_fraction * reference


def loss_rate(law: Law, fire_power: float, vulnerable: float, strength: float, reference: float) -> float:
    """Rate at which the target side loses elements (see module docstring)."""
    if strength <= 0:
        return 0.0
    return fire_power * vulnerable / (strength if law == "square" else reference)


def next_loss(rate_a: float, rate_b: float, stream: Stream) -> tuple[float, bool]:
    """One step of the Markov chain: (time to the next loss, True if it falls on side B)."""
    total = rate_a + rate_b
    return stream.exponential(total), stream.uniform() * total < rate_b


@dataclass(frozen=True)
class Side:
    """One side of a deterministic integration: unit strengths, kill rates, protections, modifiers."""

    strengths: np.ndarray
    kill_rates: np.ndarray  # per element per minute
    protection: np.ndarray
    modifier: float
    reference: float
    break_fraction: float


def integrate(law: Law, a: Side, b: Side, t_max: float | None = None):  # type: ignore[no-untyped-def]
    """Integrate the Lanchester equations from the sides' strengths until one side breaks (or ``t_max``).

    Returns scipy's solution; ``sol.t[-1]`` is the end time and ``sol.sol(t)`` the unit strengths
    (side a first) at any earlier time.
    """
    from scipy.integrate import solve_ivp  # here: only the deterministic mode needs scipy (half a second to import)

    n = len(a.strengths)

    def losses(x: np.ndarray, side: Side, enemy_power: float) -> np.ndarray:
        # dy_i/dt = -P_X (y_i/p_i) / Y (square) or / Y_ref (linear); no clipping at zero, so that the
        # strength crosses zero and the annihilation event is seen
        denom = x.sum() if law == "square" else side.reference
        if denom == 0:
            return np.zeros_like(x)
        return -enemy_power * (x / side.protection) / denom

    def rhs(_t: float, x: np.ndarray) -> np.ndarray:
        xa, xb = x[:n], x[n:]
        pa = a.modifier * float(a.kill_rates @ xa)
        pb = b.modifier * float(b.kill_rates @ xb)
        return np.concatenate([losses(xa, a, pb), losses(xb, b, pa)])

    def a_breaks(_t: float, x: np.ndarray) -> float:
        return float(x[:n].sum() - max(a.break_fraction * a.reference, 0.0))

    def b_breaks(_t: float, x: np.ndarray) -> float:
        return float(x[n:].sum() - max(b.break_fraction * b.reference, 0.0))

    for ev in (a_breaks, b_breaks):
        ev.terminal, ev.direction = True, -1  # type: ignore[attr-defined]
    x0 = np.concatenate([a.strengths, b.strengths]).astype(float)
    horizon = t_max if t_max is not None else _horizon(law, a, b)
    sol = solve_ivp(
        rhs, (0.0, horizon), x0, method="DOP853", rtol=1e-11, atol=1e-12, events=[a_breaks, b_breaks], dense_output=True
    )
    return sol


def _horizon(law: Law, a: Side, b: Side) -> float:
    """A time by which any engagement that can end has ended: many multiples of its time scale."""
    pa = a.modifier * float(a.kill_rates @ a.strengths) / max(a.strengths.sum(), 1e-12)
    pb = b.modifier * float(b.kill_rates @ b.strengths) / max(b.strengths.sum(), 1e-12)
    scale = 1.0 / max(np.sqrt(pa * pb), pa, pb, 1e-12)
    return 1e3 * scale
