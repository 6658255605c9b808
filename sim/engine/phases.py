"""Phases and order execution: a phase issues its orders once all of its triggers hold.

An order is issued when its phase starts and reaches its unit after its delay (the order's own
``delay`` plus whatever the models add through ``OrderDelay``: command chains, outages), counted from
issue. A unit carries out its orders one after another, so an order that has arrived may still wait
for the unit to finish the one before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import simpy

from sim.config.schema import Phase
from sim.engine import draws, rendezvous
from sim.engine.bus import OrderDelay, OrderIssued
from sim.engine.signals import Broken, Called, Condition, PhaseDone, Secured
from sim.engine.units import ORDER_PRIORITY, UnitState

if TYPE_CHECKING:
    from sim.engine.world import Process, World


def start(world: World) -> None:
    """Start every phase of the scenario, plus the built-in wait and defend orders."""
    world.register("wait", _wait)
    world.register("defend", _defend)
    for phase in world.scenario.phases:
        world.env.process(_run_phase(world, phase))


def _run_phase(world: World, phase: Phase) -> Process:
    env = world.env
    if phase.start:
        yield env.timeout(phase.start)
    conds: list[Condition] = [PhaseDone(p) for p in phase.after]
    if phase.on_call:
        conds.append(Called(phase.id))
    if phase.when is not None:
        conds.append(Secured(phase.when.secured) if phase.when.secured else Broken(phase.when.broken))  # type: ignore[arg-type]
    needs = [world.signal(c) for c in conds]
    if needs:
        yield env.all_of(needs)
    world.phases_started[phase.id] = env.now
    world.emit("phase_start", phase=phase.id)
    dones = [issue(world, order) for order in phase.orders]
    if dones:
        yield env.all_of(dones)
    world.fire(PhaseDone(phase.id))


def issue(world: World, order: Any) -> simpy.Event:
    """Issue ``order`` now; the returned event fires when the order is done (or failed, or lost)."""
    done = world.env.event()
    world.env.process(_execute(world, order, done))
    return done


def _execute(world: World, order: Any, done: simpy.Event) -> Process:
    unit = world.units[order.unit]
    now = world.env.now
    asked = world.bus.publish(OrderDelay(unit, order, now, draws.fixed(world, order.delay, f"delay:{unit.id}")))
    if asked.refusal is not None:
        world.fail(unit, asked.refusal)
        rendezvous.gone(world, unit, order)  # whoever waits for it goes without it
        done.succeed()
        return
    arrives = max(now, asked.not_before) + asked.delay_min
    with unit.busy.request(priority=ORDER_PRIORITY) as turn:  # queue at issue: orders keep their sequence
        yield turn
        if world.env.now < arrives:
            yield world.env.timeout(arrives - world.env.now)
        if unit.strength <= 0 or unit.state.out_of_action:
            world.emit("order_skipped", unit=unit.id, do=order.do, reason=str(unit.state))
            rendezvous.gone(world, unit, order)
        else:
            if world.log.on:
                world.emit("order", unit=unit.id, do=order.do)
            world.bus.publish(OrderIssued(unit, order))
            # (a move or assault with: waits for the others; it stops if it cannot reach its assemble_at:)
            if (yield from rendezvous.ready(world, unit, order)):
                yield from world.handlers[order.do](world, unit, order, done)
    if not done.triggered:
        done.succeed()


def _wait(world: World, unit: Any, order: Any, done: simpy.Event) -> Process:
    yield world.env.timeout(order.duration)


def _defend(world: World, unit: Any, order: Any, done: simpy.Event) -> Process:
    world.set_state(unit, UnitState.DEFENDING)  # a posture, not a task: the order is done at once
    world.emit("defend", unit=unit.id, at=unit.location)
    yield from ()
