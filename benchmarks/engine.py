"""Engine throughput: simulated events per second of shipped scenarios against a bare simpy loop.

Both are measured in this process, in alternating rounds, so machine noise hits both alike; the result
is the ratio of the two rates (goal for the island retake: exsim ≥ 0.7 of the bare loop's rate).

    python benchmarks/engine.py [--reps 400] [--rounds 5] [--scenario NAME ...]

The default scenarios: island_retake (400 replications a round) and trans_caspian_logistics (30
simulated days; a tenth of the replications).

An "event" is one event scheduled on the simpy Environment (timeouts, process starts and ends,
conditions, signals), counted with simpy's own event-id counter, so both sides count alike.
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/queue.py (named by its issue) would shadow the standard library's `queue` for any script
# run from this folder: take the script's folder off the import path before anything imports `queue`.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import statistics
import time

import simpy

from sim.config import load_scenario
from sim.engine.geo import Map
from sim.experiment.runner import build_world, collect_metrics

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
DEFAULT = {"island_retake": 1.0, "trans_caspian_logistics": 0.1}  # share of --reps each runs


def events_scheduled(env: simpy.Environment) -> int:
    return next(env._eid)  # simpy numbers every scheduled event; the next id is the count so far


def exsim_rate(scenario, reps: int, seed: int = 1) -> tuple[float, int]:
    """Events per second over ``reps`` whole replications (build, run, collect metrics)."""
    events = 0
    shared_map = Map(scenario.map)  # as replicate() does
    t0 = time.perf_counter()
    for i in range(reps):
        world = build_world(scenario, seed, i, map_=shared_map)
        world.run()
        collect_metrics(world)
        events += events_scheduled(world.env)
    return events / (time.perf_counter() - t0), events


def bare_rate(n_events: int, processes: int = 10) -> float:
    """Events per second of plain simpy processes that only wait on timeouts."""
    env = simpy.Environment()
    per = n_events // processes

    def proc(env: simpy.Environment):
        for _ in range(per):
            yield env.timeout(1.0)

    for _ in range(processes):
        env.process(proc(env))
    t0 = time.perf_counter()
    env.run()
    elapsed = time.perf_counter() - t0
    return events_scheduled(env) / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=400)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--scenario", action="append", help="shipped scenario name (repeatable)")
    args = ap.parse_args()
    for name in args.scenario or list(DEFAULT):
        reps = max(1, round(args.reps * DEFAULT.get(name, 1.0)))
        scenario = load_scenario(SCENARIOS / f"{name}.yaml").scenario
        ours, bare = [], []
        for _ in range(args.rounds):
            rate, events = exsim_rate(scenario, reps)
            ours.append(rate)
            bare.append(bare_rate(events))
        o, b = statistics.median(ours), statistics.median(bare)
        print(f"{name}: {events / reps:,.0f} events per replication, {args.rounds} rounds of {reps} replications")
        print(f"  exsim     : {o:12,.0f} events/s (median)")
        print(f"  bare simpy: {b:12,.0f} events/s (timeouts only, same event count)")
        print(f"  ratio     : {o / b:.2f}  (goal >= 0.70)")


if __name__ == "__main__":
    main()
