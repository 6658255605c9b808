"""Command and control: the time an order takes to reach its unit, and losses counted by nation.

An order leaves the combined HQ when its phase starts. It passes down the unit's national chain
(the sum of its echelons' delays) and, when the unit's nation is not the HQ's, takes the
interoperability delay too (per receiving nation, reduced by liaison officers or a common procedure).
A communications outage holds orders to its nations until it ends, or loses them (``block``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.config.distributions import mean_of
from sim.config.exercise import Chain, Command
from sim.config.schema import Scenario
from sim.engine import draws
from sim.engine.bus import OrderDelay
from sim.models.combat import is_platform
from sim.models.contract import Better, Kind, MetricSpec

if TYPE_CHECKING:
    from sim.engine.units import Unit
    from sim.engine.world import World

NAME = "c2"
SECTIONS = ("command",)


@dataclass
class Outage:
    nations: frozenset[str]  # empty: every nation
    start: float
    end: float
    block: bool

    def cuts(self, nation: str | None, now: float) -> bool:
        return self.start <= now < self.end and (not self.nations or nation in self.nations)


@dataclass
class C2State:
    """Per-nation order delays, and the outages in force (injects add them)."""

    command: Command
    chain_of: dict[str, Chain]
    world: World  # draws the delays given as distributions
    outages: list[Outage] = field(default_factory=list)
    delays: dict[str, list[float]] = field(default_factory=dict)  # nation -> minutes from issue to arrival
    delayed: dict[str, int] = field(default_factory=dict)  # nation -> orders delayed beyond their own chain
    lost: dict[str, int] = field(default_factory=dict)

    def outage(self, nations: list[str], start: float, minutes: float, block: bool) -> None:
        self.outages.append(Outage(frozenset(nations), start, start + minutes, block))

    def chain_min(self, unit: str) -> float:
        """The delay down ``unit``'s national chain: the sum of its echelons' delays, each drawn for the order."""
        chain = self.chain_of.get(unit)
        if chain is None:
            return 0.0
        return sum(draws.fixed(self.world, e.delay, f"command:{unit}:{e.name}") for e in chain.echelons)

    def interop_min(self, nation: str | None, unit: str = "", *, nominal: bool = False) -> float:
        """The interoperability delay of an order from the combined HQ to a unit of ``nation``; ``nominal``:
        a distribution's mean, drawing nothing (for what is reckoned outside the run, as a cell's picture)."""
        hq, io = self.command.hq_nation, self.command.interoperability
        if hq is None or nation is None or nation == hq:
            return 0.0
        given = next((p.delay for p in io.pairs if p.nation == nation), io.delay)
        delay = mean_of(given) if nominal else draws.fixed(self.world, given, f"interoperability:{unit}")
        if nation in io.liaison:
            delay *= io.liaison_factor
        if io.common_procedure:
            delay *= io.common_procedure_factor
        return delay

    def on_order(self, ev: OrderDelay) -> None:
        unit = ev.unit
        nation = unit.nation
        chain, extra = self.chain_min(unit.id), self.interop_min(nation, unit.id)
        start = ev.issued
        for o in self.outages:
            if o.cuts(nation, ev.issued):
                if o.block:
                    ev.refusal = f"order lost: communications with {nation or 'the unit'} are down"
                    if nation is not None:
                        self.lost[nation] = self.lost.get(nation, 0) + 1
                    return
                start = max(start, o.end)
        ev.delay_min += chain + extra
        ev.not_before = max(ev.not_before, start)
        if nation is not None:
            self.delays.setdefault(nation, []).append(ev.not_before - ev.issued + ev.delay_min)
            if extra > 0 or start > ev.issued:
                self.delayed[nation] = self.delayed.get(nation, 0) + 1


def chains_by_unit(s: Scenario) -> dict[str, Chain]:
    """Each unit's chain: the chain listing it, else its nation's chain that lists no units."""
    out: dict[str, Chain] = {}
    listed = {name: c for c in s.command.chains for name in c.units}
    default = {c.nation: c for c in s.command.chains if not c.units}
    for u in s.units:
        chain = listed.get(u.id) or (default.get(u.nation) if u.nation else None)
        if chain is not None:
            out[u.id] = chain
    return out


def _active(s: Scenario) -> bool:
    c = s.command
    return bool(c.chains) or c.hq_nation is not None or bool(_outage_effects(s))


def _outage_effects(s: Scenario) -> list[object]:
    items = [e for i in s.injects for e in i.effects]
    items += [e for d in s.decision_points for o in d.options.values() for e in o.effects]
    return [e for e in items if getattr(e, "type", None) == "comms_outage"]


def nations(s: Scenario) -> list[str]:
    return list(dict.fromkeys(u.nation for u in s.units if u.nation))


def install(world: World) -> None:
    s = world.scenario
    if not _active(s):
        return
    cs = C2State(s.command, chains_by_unit(s), world)
    world.services.provide(cs)
    world.bus.subscribe(OrderDelay, cs.on_order)


def declare(s: Scenario) -> list[MetricSpec]:
    if not _active(s):
        return []
    out = []
    for n in nations(s):
        side = next(u.side for u in s.units if u.nation == n)
        out += [
            MetricSpec(f"losses.{n}", Kind.COUNT, "people", Better.LOWER, f"people killed or wounded ({n})", side),
            MetricSpec(
                f"orders_delayed.{n}",
                Kind.COUNT,
                "orders",
                Better.LOWER,
                f"orders to {n} delayed by interoperability or an outage, or lost",
                side,
            ),
            MetricSpec(
                f"order_delay_h.{n}", Kind.DURATION, "h", Better.LOWER, f"mean time for an order to reach {n}", side
            ),
        ]
    return out


def _people_lost(u: Unit) -> float:
    lost = u.killed + u.wounded
    return lost * u.type.personnel_per_element if is_platform(u.type) else lost


def metrics(world: World) -> dict[str, float]:
    cs = world.services.find(C2State)
    if cs is None:
        return {}
    m: dict[str, float] = {}
    for n in nations(world.scenario):
        m[f"losses.{n}"] = float(sum(_people_lost(u) for u in world.units.values() if u.nation == n))
        m[f"orders_delayed.{n}"] = float(cs.delayed.get(n, 0) + cs.lost.get(n, 0))
        d = cs.delays.get(n, [])
        m[f"order_delay_h.{n}"] = sum(d) / len(d) / 60.0 if d else math.nan
    return m
