"""Engine throughput: simulated events per second of the island retake against a bare simpy loop.

Both are measured in this process, in alternating rounds, so machine noise hits both alike; the result
is the ratio of the two rates (goal: exsim ≥ 0.7 of the bare loop's rate).

    python benchmarks/engine.py [--reps 400] [--rounds 5]

An "event" is one event scheduled on the simpy Environment (timeouts, process starts and ends,
conditions, signals), counted with simpy's own event-id counter, so both sides count alike.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import simpy

from sim.config import load_scenario
from sim.engine.geo import Map
from sim.experiment.runner import build_world, collect_metrics

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "island_retake.yaml"


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
    args = ap.parse_args()
    scenario = load_scenario(SCENARIO).scenario
    ours, bare = [], []
    for _ in range(args.rounds):
        rate, events = exsim_rate(scenario, args.reps)
        ours.append(rate)
        bare.append(bare_rate(events))
    o, b = statistics.median(ours), statistics.median(bare)
    print(f"island retake: {events / args.reps:.0f} events per replication")
    print(f"exsim     : {o:12,.0f} events/s (median of {args.rounds} rounds of {args.reps} replications)")
    print(f"bare simpy: {b:12,.0f} events/s (timeouts only, same event count)")
    print(f"ratio     : {o / b:.2f}  (goal >= 0.70)")


if __name__ == "__main__":
    main()
