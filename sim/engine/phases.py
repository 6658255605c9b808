"""Phases and order execution: a phase issues its orders once all of its triggers hold."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import simpy

from sim.config.schema import Phase
from sim.engine.bus import OrderIssued
from sim.engine.signals import Broken, Condition, PhaseDone, Secured
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
    if phase.when is not None:
        conds.append(Secured(phase.when.secured) if phase.when.secured else Broken(phase.when.broken))  # type: ignore[arg-type]
    needs = [world.signal(c) for c in conds]
    if needs:
        yield env.all_of(needs)
    world.emit("phase_start", phase=phase.id)
    dones = []
    for order in phase.orders:
        done = env.event()
        env.process(_execute(world, order, done))
        dones.append(done)
    if dones:
        yield env.all_of(dones)
    world.fire(PhaseDone(phase.id))


def _execute(world: World, order: Any, done: simpy.Event) -> Process:
    unit = world.units[order.unit]
    with unit.busy.request(priority=ORDER_PRIORITY) as turn:
        yield turn
        if order.delay:
            yield world.env.timeout(order.delay)
        if unit.strength <= 0 or unit.state.out_of_action:
            world.emit("order_skipped", unit=unit.id, do=order.do, reason=str(unit.state))
        else:
            world.emit("order", unit=unit.id, do=order.do)
            world.bus.publish(OrderIssued(unit, order))
            yield from world.handlers[order.do](world, unit, order, done)
    if not done.triggered:
        done.succeed()


def _wait(world: World, unit: Any, order: Any, done: simpy.Event) -> Process:
    yield world.env.timeout(order.duration)


def _defend(world: World, unit: Any, order: Any, done: simpy.Event) -> Process:
    world.set_state(unit, UnitState.DEFENDING)  # a posture, not a task: the order is done at once
    world.emit("defend", unit=unit.id, at=unit.location)
    yield from ()
