"""The flagship's casualty and sustainment figures beside their sourced reference ranges.

    python tools/plausibility.py [SCENARIO] [--reps N]

Each figure is the mean over N replications (the scenario's seed) of a ratio computed from one run; the
ranges and their sources are in docs/planning_factors.md ("Reference ranges"), and
tests/models/test_plausibility.py asserts the flagship inside each of them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.check import load_scenario  # noqa: E402
from sim.experiment import build_world  # noqa: E402
from sim.experiment.runner import collect_metrics  # noqa: E402
from sim.models import medical  # noqa: E402
from sim.models.combat import crew  # noqa: E402


@dataclass(frozen=True)
class Range:
    name: str
    low: float
    high: float
    source: str


# The reference ranges (docs/planning_factors.md, "Reference ranges"): keep the two in step.
RANGES = (
    Range("dow_share", 0.01, 0.08, "Holcomb et al. 2006 (WWII 3.5 %, Vietnam 3.2 %, OIF/OEF 4.8 %); Patel et al. 2012"),
    Range("case_fatality_rate", 0.09, 0.20, "Holcomb et al. 2006 (WWII 19.1 %, Vietnam 15.8 %, OIF/OEF 9.4 %)"),
    Range("wounded_per_killed", 3.0, 11.0, "killed : wounded about 1 : 3 before 2001, 1 : 9 to 1 : 11 since"),
    Range(
        "dnbi_per_1000_day", 0.1, 7.0, "ATP 4-90: peacetime 0.1-0.4; heat casualties ~7 per 1,000 a day, hot climate"
    ),
    Range("water_l_per_person_day", 22.0, 33.7, "ATP 4-90 appendix C, arid: minimum 22.0, sustaining 33.7 L"),
    Range("rations_kg_per_person_day", 1.7, 4.3, "ATP 4-90: 3 MREs 2.5 kg; UGR/MRE 3.4-4.3 kg; 2 MREs 1.7 kg"),
    Range(
        "attacker_casualties_pct_day", 1.0, 12.0, "CDB90, 20th-century battles: tools/history.py (IQR, all postures)"
    ),
    Range(
        "defender_casualties_pct_day", 2.0, 30.0, "CDB90, 20th-century battles: tools/history.py (IQR, all postures)"
    ),
)


def figures(scenario_name: str = "birlestik_2024", reps: int = 10, side: str = "coalition") -> dict[str, float]:
    """The mean of each figure over ``reps`` replications."""
    s = load_scenario(scenario_name).scenario
    days = s.scenario.duration / (24 * 60)
    sums: dict[str, float] = {}
    for i in range(reps):
        world = build_world(s, s.scenario.seed, i)
        world.run()
        m = collect_metrics(world)
        ms = medical.state(world)
        mine = [u for u in world.units.values() if u.side == side]
        people = sum(u.initial * crew(u.type) for u in mine)
        combat = [c for c in ms.casualties if c.cause == "combat"]
        dnbi = [c for c in ms.casualties if c.cause != "combat"]
        dow = sum(1 for c in combat if c.outcome == "died_of_wounds")
        killed, wounded = m[f"killed.{side}"], m[f"wounded.{side}"]
        enemy = [u for u in world.units.values() if u.side != side and u.side in s.sides]
        enemy_people = sum(u.initial * crew(u.type) for u in enemy)
        enemy_lost = sum((u.killed + u.wounded) * crew(u.type) for u in enemy)
        row = {
            "dow_share": dow / len(combat) if combat else 0.0,
            "case_fatality_rate": (killed + dow) / (killed + wounded) if killed + wounded else 0.0,
            "wounded_per_killed": (wounded - dow) / (killed + dow) if killed + dow else float("inf"),
            "dnbi_per_1000_day": len(dnbi) / people * 1000 / days,
            "water_l_per_person_day": m["consumed.water"] / people / days,
            "rations_kg_per_person_day": m["consumed.rations"] * 1000 / people / days,
            "attacker_casualties_pct_day": 100 * (killed + wounded) / people / days,
            "defender_casualties_pct_day": 100 * enemy_lost / enemy_people / days,
        }
        for k, v in row.items():
            sums[k] = sums.get(k, 0.0) + v
    return {k: v / reps for k, v in sums.items()}


def main(argv: list[str]) -> int:
    name = argv[0] if argv and not argv[0].startswith("--") else "birlestik_2024"
    reps = int(argv[argv.index("--reps") + 1]) if "--reps" in argv else 10
    got = figures(name, reps)
    bad = 0
    for r in RANGES:
        ok = r.low <= got[r.name] <= r.high
        bad += not ok
        print(f"{r.name:30s} {got[r.name]:9.3f}  [{r.low:g}, {r.high:g}]  {'ok' if ok else 'OUTSIDE'}  {r.source}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
