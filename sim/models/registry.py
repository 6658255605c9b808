"""The models, in the order they are installed into a World and report their metrics.

Adding a model: write its module to the contract in ``sim.models.contract`` and add it here, with the
kinds of trace record it writes in ``EVENTS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

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

# The kinds of record each model writes to the event log (``world.emit``), and the engine's own (its moves,
# phases, orders and conditions, which the models' orders set off). The story tells every kind or says why
# not (sim.present.families; tests/present/test_told.py checks both this list and what runs write).
EVENTS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "engine": frozenset(
            {
                "phase_start",
                "order",
                "order_failed",
                "order_skipped",
                "defend",
                "signal",
                "embark",
                "disembark",
                "depart",
                "arrive",
                "held",
                "turn_back",
                "wait_route",
                "lift_done",
                "route_closed",
                "route_open",
            }
        ),
        combat.NAME: frozenset({"engagement_start", "engagement_join", "engagement_end", "losses"}),
        fires.NAME: frozenset({"strike"}),
        logistics.NAME: frozenset({"stockout", "restocked", "refill"}),
        supply_lines.NAME: frozenset({"load", "deliver", "cargo_lost", "line_stopped"}),
        medical.NAME: frozenset(
            {
                "casualty",
                "casualty_unserved",
                "medevac",
                "diverted",
                "blocked",
                "turned_away",
                "died_of_wounds",
                "returned_to_duty",
                "evacuated",
                "mass_casualty",
            }
        ),
        c2.NAME: frozenset(),  # a lost order is the engine's order_failed
        injects.NAME: frozenset(
            {"inject", "effect", "repaired", "mass_casualty", "reinforce", "reinforce_too_late", "supplies_lost"}
        ),
        decisions.NAME: frozenset({"decision"}),
        orders.NAME: frozenset(),
    }
)
