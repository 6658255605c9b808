"""The models, in the order they are installed into a World and report their metrics.

Adding a model: write its module to the contract in ``sim.models.contract`` and add it here.
"""

from __future__ import annotations

from sim.models import c2, combat, decisions, fires, injects, logistics, medical, orders, supply_lines
from sim.models.contract import Model

MODELS: tuple[Model, ...] = (  # type: ignore[assignment]
    combat,
    fires,
    logistics,
    supply_lines,
    medical,
    c2,
    injects,
    decisions,
    orders,
)
