"""Queue throughput: an M/M/3 surgery stage in exsim, in bare simpy, and in Ciw.

Customers per second of CPU time (time.process_time: the machine may be shared), measured in this
process in alternating rounds; each ratio is the median over rounds with its spread. Goals: exsim at
least as fast as Ciw, and at least 0.6 of bare simpy. Ciw is a benchmark-only extra:
pip install -e '.[bench]'.

    python benchmarks/queue.py [--customers 20000] [--rounds 3]

exsim runs its whole casualty process (triage draw, time of death, priority teams, statistics) with a
zero hazard; bare simpy runs the same queue as a plain Resource, drawing from exsim's own buffered
``Stream`` (the same random number code on both sides); Ciw its own M/M/3. A customer is counted on
every side alike: one whose service ended within the horizon.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named as the issue asks, which shadows the standard library's `queue` (that networkx,
# under Ciw, imports) when run as a script: take the script's folder off the import path first.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import statistics
import time

import numpy as np
import simpy

from sim.config import Scenario
from sim.engine.rng import Stream
from sim.experiment.runner import build_world
from sim.models import medical

LAM_H, TEAMS, MEAN_MIN = 1.92, 3, 75.0  # rho = 1.92 * 1.25 / 3 = 0.8


def scenario(hours: float) -> Scenario:
    return Scenario.model_validate(
        {
            "scenario": {"name": "M/M/3 surgery", "duration": hours * 60},
            "unit_types": {"inf": {"strength": 100}},
            "map": {"places": {"camp": {"kind": "hospital", "lat": 43.5, "lon": 51.3}}},
            "sides": {"blue": {}},
            "units": [{"id": "coy", "type": "inf", "side": "blue", "at": "camp"}],
            "medical": {
                "dnbi_per_1000_per_day": 0,
                "triage_mix": {"combat": {"T2": 1.0}},
                "hazard": {},
                "arrivals": [{"place": "camp", "per_hour": LAM_H}],
                "facilities": [{"id": "surgery", "role": 2, "at": "camp", "teams": TEAMS, "treatment": MEAN_MIN}],
            },
        }
    )


def run_exsim(hours: float) -> tuple[int, float]:
    world = build_world(scenario(hours), seed=1)
    t0 = time.process_time()
    world.run()
    served = sum(1 for c in medical.state(world).casualties if c.outcome is not None)
    return served, time.process_time() - t0


def run_simpy(hours: float) -> tuple[int, float]:
    env = simpy.Environment()
    teams = simpy.Resource(env, TEAMS)
    arrivals, service = Stream(np.random.default_rng(1)), Stream(np.random.default_rng(2))
    waits: list[float] = []
    served = 0

    def patient(env: simpy.Environment):
        nonlocal served
        arrived = env.now
        with teams.request() as req:
            yield req
            waits.append(env.now - arrived)
            yield env.timeout(service.exponential(1.0 / MEAN_MIN))
        served += 1

    def source(env: simpy.Environment):
        while True:
            yield env.timeout(arrivals.exponential(LAM_H / 60.0))
            env.process(patient(env))

    env.process(source(env))
    t0 = time.process_time()
    env.run(until=hours * 60)
    return served, time.process_time() - t0


def run_ciw(hours: float) -> tuple[int, float]:
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=LAM_H / 60.0)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / MEAN_MIN)],
        number_of_servers=[TEAMS],
    )
    ciw.seed(1)  # Ciw's own global seed: confined to this benchmark
    q = ciw.Simulation(network)
    t0 = time.process_time()
    q.simulate_until_max_time(hours * 60)
    return len(q.get_all_records()), time.process_time() - t0  # a record per service that ended


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    hours = args.customers / LAM_H
    try:
        import ciw  # noqa: F401
    except ImportError:
        print("Ciw is not installed (pip install -e '.[bench]'): exsim against bare simpy only")
        sides = (("exsim", run_exsim), ("simpy", run_simpy))
    else:
        sides = (("exsim", run_exsim), ("simpy", run_simpy), ("ciw", run_ciw))
    rates: dict[str, list[float]] = {name: [] for name, _ in sides}
    for _ in range(args.rounds):
        for name, fn in sides:
            n, seconds = fn(hours)
            rates[name].append(n / seconds)
    print(f"M/M/3, rho 0.8, ~{args.customers:,} customers, {args.rounds} rounds: median (min-max)")
    for name, r in rates.items():
        print(f"  {name:6s}: {statistics.median(r):10,.0f} ({min(r):,.0f}-{max(r):,.0f}) customers per CPU second")
    for other, goal in (("ciw", 1.0), ("simpy", 0.6)):
        if other not in rates:
            continue
        ratios = [e / o for e, o in zip(rates["exsim"], rates[other], strict=True)]
        med, lo, hi = statistics.median(ratios), min(ratios), max(ratios)
        print(f"  exsim / {other:5s}: {med:.2f} ({lo:.2f}-{hi:.2f})  (goal >= {goal})")


if __name__ == "__main__":
    main()
