"""Combat: engagements at a place between assaulting units and the hostile units holding it.

The attrition itself is in ``lanchester``; this module turns units into sides (kill rates, protection,
modifiers for the defender's position and for fire support) and runs an engagement as a simpy process
that reacts when units join or fire support strikes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.config.lift import is_platform
from sim.config.orders import AssaultOrder
from sim.config.schema import Scenario, UnitType
from sim.engine import draws
from sim.engine.bus import Losses, PowerChanged, Watch
from sim.engine.movement import travel
from sim.engine.signals import Broken, Secured
from sim.engine.units import Unit, UnitState
from sim.models import lanchester
from sim.models.contract import Better, Kind, MetricSpec
from sim.models.events import KillFactor, Wounded

if TYPE_CHECKING:
    from sim.engine.world import Process, World

NAME = "combat"
SECTIONS = ("combat",)


class CombatState:
    """Combat's share of the World: engagements by place, suppressive fire, outcomes."""

    def __init__(self) -> None:
        self.engagements: dict[str, Engagement] = {}
        self.suppressed: dict[str, int] = {}  # place -> fire support orders still active on it
        self.engaged_minutes: dict[str, float] = {}
        self.engagement_count: dict[str, int] = {}


def state(world: World) -> CombatState:
    return world.services.get(CombatState)


def take_losses(world: World, unit: Unit, n: float) -> None:
    """Apply ``n`` losses to ``unit``, split into killed and wounded.

    For a unit of platforms a loss is a platform destroyed (``killed``) or damaged (``wounded``), and its
    crew are people: the crew of a destroyed platform are killed with it, the crew of a damaged one are
    wounded and enter the chain of care, ``crew(unit)`` people a platform."""
    combat = world.scenario.combat
    if combat.mode == "deterministic":
        killed = n * combat.killed_fraction
    else:
        stream = world.streams[f"casualties:{unit.id}"]
        p = combat.killed_fraction
        uniform = stream.uniform
        killed = 0
        for _ in range(int(n)):
            if uniform() < p:
                killed += 1
    if unit.lose(n, killed):
        world.set_state(unit, UnitState.DESTROYED)
    if n > killed:
        world.bus.publish(Wounded(unit, (n - killed) * crew(unit.type)))
    world.bus.publish(Losses(unit))  # for triggers on losses (``watch``)
    if world.log.on:
        world.emit("losses", unit=unit.id, n=n, killed=killed, left=unit.strength)


class Engagement:
    """One fight at ``place``: attackers of one side against everyone hostile holding it."""

    def __init__(self, world: World, place: str, attackers: list[Unit], defenders: list[Unit]):
        self.world, self.place = world, place
        self.attackers, self.defenders = list(attackers), list(defenders)
        self.side_a, self.side_b = attackers[0].side, defenders[0].side
        # a side breaks relative to what its units started the run with, so losses to preparatory
        # fires count towards the defender's breakpoint
        self.ref_a = sum(u.initial for u in attackers)
        self.ref_b = sum(u.initial for u in defenders)
        self.start = world.now
        self.done = world.env.event()
        self.waiting = False
        self.decreed: str | None = None  # an outcome declared by a facilitator (a live session's override)
        self._factors: dict[str, float] = {}  # kill factors (supply state), refreshed when perturbed
        # deterministic mode: the integration under way (solution, its start time, its units) and the time
        # the units' strengths were last brought up to along it
        self._ode: tuple[object, float, list[Unit]] | None = None
        self._synced = -math.inf
        self._stale = True  # something outside the fight changed: both sides' sums and the modifiers are redone
        for u in self.attackers + self.defenders:
            world.set_state(u, UnitState.ENGAGED)
        world.emit(
            "engagement_start",
            place=place,
            attackers=[u.id for u in attackers],
            defenders=[u.id for u in defenders],
            a=self.ref_a,
            b=self.ref_b,
        )
        self.process = world.env.process(self._run())

    def join(self, unit: Unit) -> None:
        self.sync()
        self.attackers.append(unit)
        self.ref_a += unit.initial
        self.world.set_state(unit, UnitState.ENGAGED)
        self.world.emit("engagement_join", place=self.place, unit=unit.id)
        self.perturb()

    def decree(self, attackers_won: bool) -> None:
        """End the fight as a facilitator declares it (human-set): the chain ends at its next event."""
        self.decreed = "b_broken" if attackers_won else "a_broken"
        self.perturb()

    def perturb(self) -> None:
        """Strengths or modifiers changed from outside: draw the next event again (memoryless)."""
        self.sync()  # the integration under way held until now; what follows starts from here
        self._factors.clear()  # a unit's supply state may have changed its kill factor
        self._stale = True
        if self.waiting and self.process.is_alive:
            self.process.interrupt()

    # --- the sides' coefficients ------------------------------------------------------------------------

    def _modifiers(self) -> tuple[float, float]:
        c = self.world.scenario.combat
        defence = self.world.map.places[self.place].defence
        suppressed = state(self.world).suppressed.get(self.place, 0) > 0
        return c.defence_factor.get(defence, 1.0), c.suppression_factor if suppressed else 1.0

    def _factor(self, unit: Unit) -> float:
        f = self._factors.get(unit.id)
        if f is None:
            f = self._factors[unit.id] = self.world.bus.publish(KillFactor(unit)).factor
        return f

    def _sums(self, world: World, units: list[Unit]) -> tuple[list[Unit], float, float, list[float], float]:
        """Live units, their strength, fire power per minute, vulnerabilities (strength/protection) and sum."""
        live = [u for u in units if u.strength > 0]
        vuln = [u.strength / u.type.protection for u in live]
        power = sum(u.type.kill_rate_per_min * u.strength * self._factor(u) for u in live)
        return live, sum(u.strength for u in live), power, vuln, sum(vuln)

    # --- the fight ------------------------------------------------------------------------------------

    def _run(self) -> Process:
        if self.world.scenario.combat.mode == "deterministic":
            outcome = self._outcome()
            while outcome is None:
                outcome = (yield from self._step_ode()) or self._outcome()
        else:
            outcome = yield from self._fight_ctmc()
        self._finish(attackers_won=outcome == "b_broken")

    def _outcome(self) -> str | None:
        """ "a_broken", "b_broken" or None while both sides still fight."""
        if self.decreed is not None:
            return self.decreed
        return self._verdict(sum(u.strength for u in self.attackers), sum(u.strength for u in self.defenders))

    def _verdict(self, a: float, b: float) -> str | None:
        """``_outcome`` for the sides' strengths ``a`` and ``b``."""
        sides = self.world.scenario.sides
        if lanchester.broken(b, self.ref_b, sides[self.side_b].break_fraction):
            return "b_broken"
        if lanchester.broken(a, self.ref_a, sides[self.side_a].break_fraction):
            return "a_broken"
        return None

    def _wait(self, minutes: float) -> Process:
        """Wait ``minutes``; returns the time waited when perturbed sooner, else None."""
        t0 = self.world.now
        self.waiting = True
        try:
            yield self.world.env.timeout(minutes)
        except simpy.Interrupt:
            return self.world.now - t0
        finally:
            self.waiting = False
        return None

    def _fight_ctmc(self) -> Process:
        """The Markov chain: one simpy timeout per loss; a perturbation redraws from the new state.

        This is the engine's hot loop, so it is written flat (see ``lanchester`` for the model). A loss
        changes one side only: the other side's sums are kept (the same numbers, not recomputed), unless
        ``perturb`` said that something outside the fight changed.
        """
        world, env = self.world, self.world.env
        law = world.scenario.combat.law
        stream = world.streams[f"combat:{self.place}"]
        outcome = self._outcome()
        side_a = side_b = None
        while outcome is None:
            if self._stale:
                self._stale = False
                mod_a, mod_b = self._modifiers()
                side_a = side_b = None
            if side_a is None:
                side_a = self._sums(world, self.attackers)
            if side_b is None:
                side_b = self._sums(world, self.defenders)
            att, a, power_a, va, sva = side_a
            dfd, b, power_b, vb, svb = side_b
            rate_a = lanchester.loss_rate(law, mod_b * power_b, sva, a, self.ref_a)
            rate_b = lanchester.loss_rate(law, mod_a * power_a, svb, b, self.ref_b)
            self.waiting = True
            try:
                if rate_a + rate_b <= 0:  # nobody can hurt anybody: hold until something changes
                    yield env.timeout(math.inf)
                dt, hits_b = lanchester.next_loss(rate_a, rate_b, stream)
                yield env.timeout(dt)
            except simpy.Interrupt:
                outcome = self._outcome()
                continue  # perturbed from outside: the chain is memoryless, draw again from the new state
            finally:
                self.waiting = False
            units, weights, total = (dfd, vb, svb) if hits_b else (att, va, sva)
            victim = units[0] if len(units) == 1 else units[stream.pick(weights, total)]
            take_losses(world, victim, 1)
            # the side hit is summed again here (its sums serve the next step too); the other side's sums stand
            if hits_b:
                side_b = self._sums(world, self.defenders)
            else:
                side_a = self._sums(world, self.attackers)
            if self._stale or self.decreed is not None:  # changed from outside meanwhile: look at everything
                outcome = self._outcome()
            else:
                outcome = self._verdict(side_a[1], side_b[1])
        return outcome

    def sync(self) -> None:
        """Deterministic mode: bring the units' strengths up to now along the integration under way.

        Everything that reads or changes strengths mid-fight (metrics, strikes, joins, the end of the
        run) calls this first; the losses it applies flow on to the medical chain as they happen.
        """
        if self._ode is None:
            return
        sol, t0, units = self._ode
        t = min(self.world.now - t0, sol.t[-1])  # type: ignore[attr-defined]
        if t <= self._synced:
            return
        self._synced = t
        for u, new in zip(units, sol.sol(t), strict=True):  # type: ignore[attr-defined]
            loss = u.strength - max(float(new), 0.0)
            if loss > 0:
                take_losses(self.world, u, loss)

    def _step_ode(self) -> Process:
        """Integrate from the current strengths, stepping the units along with the integrator.

        Returns the outcome when a side broke, None when perturbed from outside (integrate again).
        """
        world = self.world
        law = world.scenario.combat.law
        sides = world.scenario.sides
        mod_a, mod_b = self._modifiers()
        att = [u for u in self.attackers if u.strength > 0]
        dfd = [u for u in self.defenders if u.strength > 0]

        def side(units: list[Unit], mod: float, ref: float, name: str) -> lanchester.Side:
            return lanchester.Side(
                strengths=np.array([u.strength for u in units], float),
                kill_rates=np.array([u.type.kill_rate_per_min * self._factor(u) for u in units]),
                protection=np.array([u.type.protection for u in units]),
                modifier=mod,
                reference=ref,
                break_fraction=sides[name].break_fraction,
            )

        sol = lanchester.integrate(
            law, side(att, mod_a, self.ref_a, self.side_a), side(dfd, mod_b, self.ref_b, self.side_b)
        )
        t0 = world.now
        self._ode, self._synced = (sol, t0, att + dfd), 0.0
        try:
            # wake at every step of the integrator, so that losses (and the wounded) flow as the fight goes
            for t in sol.t[1:]:
                waited = yield from self._wait(max(t0 + float(t) - world.now, 0.0))
                self.sync()
                if waited is not None:
                    return None
            if not any(len(te) for te in sol.t_events):  # nobody can break: hold until something changes
                yield from self._wait(math.inf)
                self.sync()
                return None
        finally:
            self._ode = None
        # the integrator located the breakpoint; trust its event rather than re-testing rounded sums
        return "a_broken" if len(sol.t_events[0]) else "b_broken"

    def _finish(self, attackers_won: bool) -> None:
        world, cs = self.world, state(self.world)
        a = sum(u.strength for u in self.attackers)
        b = sum(u.strength for u in self.defenders)
        minutes = world.now - self.start
        cs.engaged_minutes[self.place] = cs.engaged_minutes.get(self.place, 0.0) + minutes
        cs.engagement_count[self.place] = cs.engagement_count.get(self.place, 0) + 1
        del cs.engagements[self.place]
        losers, winners = (self.defenders, self.attackers) if attackers_won else (self.attackers, self.defenders)
        for u in losers:
            if u.strength > 0:
                world.set_state(u, UnitState.BROKEN if attackers_won else UnitState.REPULSED)
        for u in winners:
            if u.strength > 0:
                world.set_state(u, UnitState.READY)
        world.emit(
            "engagement_end",
            place=self.place,
            winner=self.side_a if attackers_won else self.side_b,
            minutes=minutes,
            a=a,
            b=b,
        )
        loser = self.side_b if attackers_won else self.side_a
        world.fire(Broken(loser, self.place))
        if side_broken(world, loser):  # its last part still able to fight broke here
            world.fire(Broken(loser), place=self.place)
        if attackers_won:
            world.fire(Secured(self.place), side=self.side_a)
        self.done.succeed(attackers_won)


def side_broken(world: World, side: str) -> bool:
    """Whether every unit of ``side`` able to fight (a kill rate, someone left) is out of action: a side that
    lost at one place while other parts of it fight on elsewhere is broken there, not as a whole."""
    return all(
        u.state.out_of_action or u.strength <= 0
        for u in world.units.values()
        if u.side == side and u.type.kill_rate_per_min > 0
    )


def hostile_at(world: World, place: str, side: str) -> list[Unit]:
    """Units at ``place`` that still fight against ``side``: none when ``side`` is neutral or civilian, and never
    a neutral or civilian side's units (sides: posture)."""
    sides = world.scenario.sides
    if side in sides and not sides[side].fights:
        return []
    return [
        u
        for u in world.units_at(place)
        if u.side != side and not u.state.out_of_action and (u.side not in sides or sides[u.side].fights)
    ]


def assault(world: World, unit: Unit, order: AssaultOrder, done: simpy.Event) -> Process:
    """Move to the target, then join (or open) the engagement there; ends when the engagement does."""
    if not (yield from travel(world, unit, order.target)):
        return
    if order.contact:  # search and approach: the engagement opens at the first contact
        yield world.env.timeout(draws.fixed(world, order.contact, f"contact:{unit.id}"))
    cs = state(world)
    eng = cs.engagements.get(order.target)
    if eng is not None and eng.side_a == unit.side:
        eng.join(unit)
    elif eng is None:
        defenders = hostile_at(world, order.target, unit.side)
        if not defenders:
            world.fire(Secured(order.target), side=unit.side)
            return
        eng = cs.engagements[order.target] = Engagement(world, order.target, [unit], defenders)
    else:
        world.fail(unit, f"{order.target} is under attack by another side")
        return
    yield eng.done


def _power_changed(world: World, ev: PowerChanged) -> None:
    unit = ev.unit
    eng = state(world).engagements.get(unit.location) if unit.location else None
    if eng is not None and (unit in eng.attackers or unit in eng.defenders):
        eng.perturb()


def install(world: World) -> None:
    world.services.provide(CombatState())
    world.bus.subscribe(PowerChanged, lambda ev: _power_changed(world, ev))
    world.register("assault", assault)


# --- metrics ----------------------------------------------------------------------------------------------


def crew(utype: UnitType) -> int:
    """People who become casualties when one element is lost: 1 for a person, the crew for a platform."""
    return utype.personnel_per_element if is_platform(utype) else 1


def objective_places(s: Scenario) -> list[str]:
    return [p for p, place in s.map.places.items() if place.kind == "objective"]


def attacker_of(s: Scenario, place: str) -> str | None:
    """The side ordered to assault ``place`` (None when no side, or several, are)."""
    sides = {
        u.side
        for ph in s.phases
        for o in ph.orders
        if getattr(o, "do", None) == "assault" and o.target == place  # type: ignore[union-attr]
        for u in s.units
        if u.id == o.unit
    }
    return sides.pop() if len(sides) == 1 else None


def english_name(s: Scenario, place: str) -> str:
    """The place's name for a metric's description (English, the catalogue's language): its id if it has none."""
    spec = s.map.places.get(place)
    name = spec.name if spec is not None else None
    if isinstance(name, dict):
        name = name.get("en") or next(iter(name.values()), None)
    return name or place


def declare(s: Scenario) -> list[MetricSpec]:
    out = []
    for p in objective_places(s):
        side, x = attacker_of(s, p), english_name(s, p)
        out += [
            MetricSpec(f"secured.{p}", Kind.RATE, "", Better.HIGHER, f"{x} secured before the end of the run", side),
            MetricSpec(
                f"time_to_secure_h.{p}", Kind.DURATION, "h", Better.LOWER, f"time until {x} was secured", side, True
            ),
            MetricSpec(f"engagement_h.{p}", Kind.DURATION, "h", Better.NEITHER, f"time spent fighting at {x}", side),
        ]
    for side in s.sides:
        types = [s.unit_types[u.type] for u in s.units if u.side == side and u.type in s.unit_types]
        if any(crew(t) > 0 for t in types):  # people, or platforms with crews
            out += [
                MetricSpec(f"killed.{side}", Kind.COUNT, "people", Better.LOWER, f"killed ({side})", side, True),
                MetricSpec(f"wounded.{side}", Kind.COUNT, "people", Better.LOWER, f"wounded ({side})", side),
                MetricSpec(
                    f"survivors.{side}", Kind.COUNT, "people", Better.HIGHER, f"still fit to fight ({side})", side
                ),
            ]
        if any(is_platform(t) for t in types):
            out += [
                MetricSpec(
                    f"platforms_lost.{side}",
                    Kind.COUNT,
                    "platforms",
                    Better.LOWER,
                    f"ships, aircraft and vehicles destroyed or damaged ({side})",
                    side,
                ),
                MetricSpec(
                    f"platforms_left.{side}",
                    Kind.COUNT,
                    "platforms",
                    Better.HIGHER,
                    f"ships, aircraft and vehicles still in action ({side})",
                    side,
                ),
            ]
    return out


def sync(world: World) -> None:
    """Bring every deterministic engagement's strengths up to now (before reading them mid-fight)."""
    for eng in list(state(world).engagements.values()):
        eng.sync()


def metrics(world: World) -> dict[str, float]:
    s, cs = world.scenario, state(world)
    sync(world)
    m: dict[str, float] = {}
    for p in objective_places(s):
        t = world.signal_times.get(Secured(p))
        m[f"secured.{p}"] = float(t is not None)
        m[f"time_to_secure_h.{p}"] = t / 60.0 if t is not None else math.nan
        eng = cs.engagements.get(p)
        ongoing = world.now - eng.start if eng is not None else 0.0
        m[f"engagement_h.{p}"] = (cs.engaged_minutes.get(p, 0.0) + ongoing) / 60.0
    for side in s.sides:
        units = [u for u in world.units.values() if u.side == side]
        platforms = [u for u in units if is_platform(u.type)]
        if any(crew(u.type) > 0 for u in units):  # platforms' crews count in people killed and wounded
            m[f"killed.{side}"] = float(sum(u.killed * crew(u.type) for u in units))
            m[f"wounded.{side}"] = float(sum(u.wounded * crew(u.type) for u in units))
            m[f"survivors.{side}"] = float(sum(u.strength * crew(u.type) for u in units))
        if platforms:
            m[f"platforms_lost.{side}"] = float(sum(u.killed + u.wounded for u in platforms))
            m[f"platforms_left.{side}"] = float(sum(u.strength for u in platforms))
    return m


_SIDE_SUMS = {  # metric family -> (the side's sum over (unit, crew) pairs, platforms only)
    # (each sum is one comprehension rather than a function per unit: it is redone at every loss of the side
    # while a trigger watches it; the same terms are added in the same order)
    "killed": (lambda units: sum([u.killed * c for u, c in units]), False),
    "wounded": (lambda units: sum([u.wounded * c for u, c in units]), False),
    "survivors": (lambda units: sum([u.strength * c for u, c in units]), False),
    "platforms_lost": (lambda units: sum([u.killed + u.wounded for u, _ in units]), True),
    "platforms_left": (lambda units: sum([u.strength for u, _ in units]), True),
}


def watch(world: World, name: str) -> Watch | None:
    """A trigger's view of one side's losses or strength (``killed.SIDE``...), computed alone and looked at
    when a unit takes losses or is reinforced. None for the other metrics, and in deterministic mode, where
    strengths change continuously along the integration: those are looked at on a clock."""
    family, _, side = name.partition(".")
    if family not in _SIDE_SUMS or world.scenario.combat.mode == "deterministic":
        return None
    total, platforms_only = _SIDE_SUMS[family]
    mine = [u for u in world.units.values() if u.side == side]
    units = [(u, crew(u.type)) for u in mine if is_platform(u.type) or not platforms_only]
    return Watch((Losses, PowerChanged), lambda: float(total(units)), lambda ev: ev.unit.side == side)
