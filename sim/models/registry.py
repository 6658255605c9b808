"""The models, in the order they are installed into a World and report their metrics.

Adding a model (CONTRIBUTING.md, "Adding a model"): write its module to the contract in
``sim.models.contract`` and add it here, with the kinds of trace record it writes in ``EVENTS`` and the
families of the metrics it declares in ``METRICS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from sim.models import (
    c2,
    combat,
    decisions,
    decks,
    fires,
    injects,
    logistics,
    medical,
    night,
    objectives,
    orders,
    requests,
    supply_lines,
)
from sim.models.contract import Model

MODELS: tuple[Model, ...] = (  # type: ignore[assignment]
    combat,
    fires,
    logistics,
    supply_lines,
    medical,
    decks,
    c2,
    night,
    injects,
    decisions,
    requests,
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
                "launch",
                "recover",
                "lift_wave",
                "wait_for",
                "route_closed",
                "route_open",
            }
        ),
        combat.NAME: frozenset({"engagement_start", "engagement_join", "engagement_end", "losses"}),
        fires.NAME: frozenset({"strike"}),
        logistics.NAME: frozenset({"stockout", "restocked", "refill"}),
        supply_lines.NAME: frozenset(
            {"load", "deliver", "cargo_lost", "line_stopped", "line_waiting", "line_redirected"}
        ),
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
                "killed_at_scene",
            }
        ),
        decks.NAME: frozenset(),  # launches and recoveries are the engine's (sim.engine.decks)
        c2.NAME: frozenset(),  # a lost order is the engine's order_failed
        night.NAME: frozenset({"wait_daylight"}),
        injects.NAME: frozenset(
            {"inject", "effect", "repaired", "mass_casualty", "reinforce", "reinforce_too_late", "supplies_lost"}
        ),
        decisions.NAME: frozenset({"decision"}),
        requests.NAME: frozenset(
            {"request", "request_arrived", "request_answered", "request_answer_arrived", "request_lost"}
        ),
        orders.NAME: frozenset(),
    }
)

# The families of the metrics each model declares: a metric ``family.rest`` (``killed.blue``) or ``family``.
# Every family has a label that readers see in every language (sim.present.labels.FAMILY), and the
# catalogue refuses a metric of a family not listed here (tests/product/test_contributing.py checks both).
METRICS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        objectives.NAME: frozenset({"mission_success", "end_time_h", "objective"}),
        combat.NAME: frozenset(
            {
                "secured",
                "time_to_secure_h",
                "engagement_h",
                "killed",
                "wounded",
                "survivors",
                "platforms_lost",
                "platforms_left",
            }
        ),
        fires.NAME: frozenset({"sorties"}),
        logistics.NAME: frozenset({"consumed", "stockout_h"}),
        supply_lines.NAME: frozenset(
            {
                "delivered_t",
                "delivered",
                "lost_t",
                "on_time_share",
                "utilisation",
                "berth_wait_h",
                "berth_utilisation",
            }
        ),
        medical.NAME: frozenset(
            {
                "casualties",
                "returned_to_duty",
                "evacuated",
                "died_of_wounds",
                "died_at_scene",
                "in_care",
                "time_in_chain_h",
                "throughput_per_day",
                "triage_time_in_chain_h",
                "triage_wait_h",
                "t1_care_10min_share",
                "t1_resus_1h_share",
                "t1_surgery_1h_share",
                "t1_surgery_2h_share",
                "wait_h",
                "wait_p90_h",
                "queue_avg",
                "team_utilisation",
                "peak_beds",
                "blocked",
                "blocked_share",
                "diverted",
                "diverted_share",
                "turned_away",
                "evac_wait_h",
                "evac_wait_p90_h",
                "medevac_utilisation",
                "medevac_asset_wait_h",
            }
        ),
        decks.NAME: frozenset({"deck_wait_h"}),
        night.NAME: frozenset(),
        c2.NAME: frozenset({"losses", "orders_delayed", "order_delay_h"}),
        injects.NAME: frozenset({"inject_fired"}),
        decisions.NAME: frozenset({"decided"}),
        requests.NAME: frozenset(),
        orders.NAME: frozenset({"failed_orders", "unit_failed_orders", "failed_reason"}),
    }
)
