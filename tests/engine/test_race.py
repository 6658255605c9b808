"""sim.engine.race.First behaves as simpy's ``a | b``: the same winners, values and failures, at the same place among
the events of each instant."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import simpy

from sim.engine.race import First

Race = Callable[[simpy.Event, simpy.Event], simpy.Event]


def script(race: Race, seed: int) -> list[tuple]:
    """Random racers: timeouts, events triggered by others (some failing), events already processed, ties in time.

    Returns the log of which events each race saw processed, and when, with markers written by bystander
    timeouts due at the same instants (they show where each race falls among the other events of that instant).
    """
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    log: list[tuple] = []
    plain: list[simpy.Event] = []

    def one(k: int) -> simpy.Event:
        how = rng.choice(["timeout", "plain", "processed"])
        if how == "timeout":
            return env.timeout(float(rng.choice([0.0, 1.0, 2.0, 5.0])), value=k)
        ev = env.event()
        if how == "processed":
            ev.succeed(k)
            env.step()  # (nothing else is due before it: the racers have not started)
        else:
            plain.append(ev)
        return ev

    def racer(k: int, a: simpy.Event, b: simpy.Event):
        yield env.timeout(float(rng.choice([0.0, 1.0])))
        try:
            got = yield race(a, b)
            log.append((env.now, k, a in got, b in got, [ev.value for ev in (a, b) if ev in got]))
        except ValueError as failed:
            log.append((env.now, k, "failed", str(failed)))

    def trigger():
        for i, ev in enumerate(plain):
            yield env.timeout(float(rng.choice([0.0, 1.0, 3.0])))
            if rng.random() < 0.2:
                ev.fail(ValueError(f"failure {i}"))
                ev.defused = True  # (a failure no race is left to see would crash the run, with either race)
            else:
                ev.succeed(i)

    def bystander():
        for t in range(10):
            yield env.timeout(1.0 if t else 0.0)
            log.append((env.now, "bystander", t))

    pairs = [(one(k), one(k)) for k in range(10)]
    for k, (a, b) in enumerate(pairs):
        env.process(racer(k, a, b))
    env.process(trigger())
    env.process(bystander())
    env.run()
    return log


def simpy_or(a: simpy.Event, b: simpy.Event) -> simpy.Event:
    return a | b


@pytest.mark.parametrize("seed", range(60))
def test_the_same_winners_at_the_same_place_as_simpys_or(seed):
    theirs = script(simpy_or, seed)
    ours = script(First, seed)
    assert any(entry[1] != "bystander" for entry in theirs)
    assert ours == theirs


def test_the_loser_no_longer_calls_back_and_the_value_names_the_winners():
    env = simpy.Environment()
    a, b = env.timeout(1.0), env.timeout(5.0)
    race = First(a, b)
    env.run(until=2.0)
    assert race.processed and race.value == (a,)
    assert race._check not in b.callbacks
    both = First(a, env.timeout(0.0))  # one processed already: decided at once, the other processed by then too
    env.run(until=3.0)
    assert both.value == both._events
