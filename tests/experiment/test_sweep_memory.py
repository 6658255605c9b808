"""Planning a sweep is streamed: a design's points are made as they are read, and beyond CHECK_EVERY points
each point's scenario is loaded when it runs, so the memory planning takes does not grow with the number of
points (measured with tracemalloc, not time). A million-point grid took 1.4 GB before its first replication."""

from __future__ import annotations

import tracemalloc

import pytest

from sim.experiment.design import CHECK_EVERY, PointScenarios
from sim.experiment.request import sweep_plan
from tests.cli.test_hostile import time_limit

MILLION = [  # ten values each: six factors make a million points, 60 values to validate
    ("units.ag.strength", range(40, 50)),
    ("units.mar-1.strength", range(80, 90)),
    ("units.mar-2.strength", range(80, 90)),
    ("units.sf-1.strength", range(10, 20)),
    ("units.ls-1.strength", range(1, 11)),
    ("units.pb-1.strength", range(1, 11)),
]
# 1,250 points (a streamed design too: more than CHECK_EVERY), and the same 60 values to validate (each
# validation leaves some kilobytes in the loader's caches: the designs differ only in their points)
SMALL = [
    ("units.ag.strength", range(40, 90)),
    ("units.mar-1.strength", range(80, 85)),
    ("units.sf-1.strength", range(10, 15)),
]


def planned(tmp_path, factors: list[tuple[str, range]]) -> tuple[int, int]:
    """(peak bytes, points) of planning a grid of ``factors`` and reading points across it (every 97th:
    reading all million under tracemalloc takes minutes; each is let go as the next is made)."""
    lines = ["sweep:", "  name: grid", "  scenario: island_retake", "  replications: 1", "  factors:"]
    lines += [f"    {path}: {list(values)}" for path, values in factors]
    path = tmp_path / f"grid{len(factors)}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tracemalloc.start()
    try:
        _, plan = sweep_plan(str(path))
        n = len(plan.points)
        assert all(plan.points[i].index == i for i in range(0, n, 97))
        assert isinstance(plan.scenarios, PointScenarios) and len(plan.scenarios) == n
        return tracemalloc.get_traced_memory()[1], n
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_a_million_point_sweep_plans_in_the_memory_of_a_thousand(tmp_path):
    with time_limit(300):  # the old planner validated and held a million scenarios: hours, and gigabytes
        planned(tmp_path, SMALL)  # the loader's caches filled once, before either is measured
        small, n_small = planned(tmp_path, SMALL)
        big, n_big = planned(tmp_path, MILLION)
    assert (n_small, n_big) == (1_250, 1_000_000) and n_small > CHECK_EVERY
    # 800 times the points, and not half a megabyte more (a list of a million Points alone is ~250 MB)
    assert big < small + 500_000, (small, big)


def test_a_streamed_point_is_the_point_an_eager_plan_makes(tmp_path):
    """The same point by index, streamed or not: settings, overrides and the scenario they make."""
    from sim.check import load_scenario

    lines = ["sweep:", "  name: g", "  scenario: island_retake", "  replications: 1", "  factors:"]
    lines += [f"    {path}: {list(values)}" for path, values in MILLION[:4]]
    path = tmp_path / "g.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, plan = sweep_plan(str(path))
    p = plan.points[1234]  # last factor fastest: 1234 = 1·1000 + 2·100 + 3·10 + 4
    assert p.settings == (
        ("units.ag.strength", 41),
        ("units.mar-1.strength", 82),
        ("units.mar-2.strength", 83),
        ("units.sf-1.strength", 14),
    )
    want = load_scenario("island_retake", list(p.overrides)).digest
    assert plan.scenarios[1234].digest == want and plan.points[-1].index == 9_999


def test_the_fingerprint_fed_point_by_point_is_the_one_of_the_whole_list(tmp_path):
    """Streamed, the fingerprint is unchanged: folders written before resume as they did."""
    import hashlib
    import json

    from sim.experiment import streams

    lines = ["sweep:", "  name: g", "  scenario: island_retake", "  replications: 2", "  factors:"]
    lines += [f"    {path}: {list(values)[:3]}" for path, values in MILLION[:2]]
    path = tmp_path / "g.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, plan = sweep_plan(str(path))
    parts = [
        plan.kind,
        plan.spec,
        plan.seed,
        plan.replications,
        plan.precision,
        plan.max_replications,
        [(p.label, s.digest) for p, s in zip(plan.points, plan.scenarios, strict=True)],
        streams.SCHEME,
    ]
    assert plan.fingerprint() == hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
