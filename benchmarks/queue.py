"""Queue throughput: an M/M/3 surgery stage in exsim, in bare simpy, and in Ciw.

Customers per second of wall time, measured in this process in alternating rounds. Goals: exsim at
least as fast as Ciw, and at least 0.6 of bare simpy. Ciw is a benchmark-only extra:
pip install -e '.[bench]'.

    python benchmarks/queue.py [--customers 20000] [--rounds 3]

exsim runs its whole casualty process (triage draw, time of death, priority teams, statistics) with a
zero hazard; bare simpy runs the same queue as a plain Resource with numpy draws; Ciw its own M/M/3.
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
    t0 = time.perf_counter()
    world.run()
    return len(medical.state(world).casualties), time.perf_counter() - t0


def run_simpy(hours: float) -> tuple[int, float]:
    env = simpy.Environment()
    teams = simpy.Resource(env, TEAMS)
    rng = np.random.default_rng(1)
    waits: list[float] = []

    def patient(env: simpy.Environment):
        arrived = env.now
        with teams.request() as req:
            yield req
            waits.append(env.now - arrived)
            yield env.timeout(rng.exponential(MEAN_MIN))

    def source(env: simpy.Environment):
        while True:
            yield env.timeout(rng.exponential(60.0 / LAM_H))
            env.process(patient(env))

    env.process(source(env))
    t0 = time.perf_counter()
    env.run(until=hours * 60)
    return len(waits), time.perf_counter() - t0


def run_ciw(hours: float) -> tuple[int, float]:
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=LAM_H / 60.0)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / MEAN_MIN)],
        number_of_servers=[TEAMS],
    )
    ciw.seed(1)  # Ciw's own global seed: confined to this benchmark
    q = ciw.Simulation(network)
    t0 = time.perf_counter()
    q.simulate_until_max_time(hours * 60)
    return len(q.get_all_records()), time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    hours = args.customers / LAM_H
    rates: dict[str, list[float]] = {"exsim": [], "simpy": [], "ciw": []}
    for _ in range(args.rounds):
        for name, fn in (("exsim", run_exsim), ("simpy", run_simpy), ("ciw", run_ciw)):
            n, seconds = fn(hours)
            rates[name].append(n / seconds)
    med = {k: statistics.median(v) for k, v in rates.items()}
    print(f"M/M/3, rho 0.8, ~{args.customers:,} customers, median of {args.rounds} rounds")
    for name, r in med.items():
        print(f"  {name:6s}: {r:10,.0f} customers/s")
    print(f"  exsim / ciw  : {med['exsim'] / med['ciw']:.2f}  (goal >= 1.0)")
    print(f"  exsim / simpy: {med['exsim'] / med['simpy']:.2f}  (goal >= 0.6)")


if __name__ == "__main__":
    main()
