"""Medical care: casualties from point of injury through Role 1, evacuation, Role 2 surgery, to Role 3.

Each casualty is a simpy process. Treatment teams are priority resources ordered by triage (T1 first);
evacuation assets pick up the most urgent casualties waiting at a facility and fly or sail them to the
next one. Until surgery (treatment at a Role 2 or 3) a casualty may die of wounds: the hazard grows
with time since injury, h(t) = base + slope·t, so every minute of delay costs lives. Each casualty ends
in exactly one outcome — returned to duty, evacuated (out of the end of the chain), died of wounds,
turned away (a full facility with ``when_full: turn_away``) — or is still in care when the run ends.

A facility with beds holds one for each casualty from admission until the casualty leaves. When every
bed is taken, the facility's ``when_full`` rule decides: queue (wait there for a bed), divert (on to
``divert_to``), block (wait for the bed where the casualty is, keeping the bed it holds there) or turn
away. An arrival that finds every bed taken under the last three rules is counted as blocked (or
diverted) at that facility.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import simpy

from sim.config.lift import is_platform
from sim.config.medical import TRIAGE, Arrivals, Facility, MassCasualty, Medical
from sim.config.schema import Scenario
from sim.engine import draws
from sim.engine.assets import alive, assets
from sim.engine.lock import Lock, LockRequest
from sim.engine.monitor import Monitor
from sim.engine.movement import follow, recover, travel
from sim.engine.race import First
from sim.engine.rng import Stream
from sim.engine.timers import cancel
from sim.engine.units import ORDER_PRIORITY, Unit
from sim.models.contract import Better, Kind, MetricSpec
from sim.models.events import Thirsty, Wounded

if TYPE_CHECKING:
    from sim.engine.world import Process, World

NAME = "medical"
SECTIONS = ("medical",)

MEDEVAC_FIRST = ORDER_PRIORITY - 1
RETRY_GROUNDED_MIN = 30.0  # a MEDEVAC asset that cannot fly (no fuel, no route) tries again after this


@dataclass(eq=False)
class Casualty:
    id: int
    cause: str
    triage: str
    place: str
    injured: float
    dies_at: float  # when the wounds kill, if surgery has not begun by then (inf: never)
    first_aid: float | None = None  # care at the point of injury began (self-aid, buddy aid, the medic)
    care: float | None = None  # first treatment began (Role 1)
    role2: float | None = None  # arrived at Role 2 (advanced resuscitation)
    surgery: float | None = None  # treatment began at Role 2 or 3: the hazard stops
    outcome: str | None = None  # returned_to_duty, evacuated, died_of_wounds, turned_away (None: in care)
    left: float | None = None  # when it left the chain (its outcome)
    death: simpy.Event | None = None  # fires when the wounds kill; None once they cannot (or never could)

    @property
    def priority(self) -> int:
        return TRIAGE.index(self.triage)


@dataclass
class Stage:
    """A facility's state: teams, beds, and the statistics of its queue (kept from ``since``, the warm-up)."""

    spec: Facility
    stream_name: str  # of treatment times: treatment:<facility>
    teams: Lock
    beds: Lock | None
    waits: list[float] = field(default_factory=list)
    arrivals: int = 0
    offered: int = 0  # casualties who asked this facility for a bed
    blocked: int = 0  # ... and found every bed taken (then diverted, held or turned away by its when_full rule)
    since: float = 0.0  # the warm-up: statistics before it are left out
    queue: Monitor = field(init=False)  # casualties waiting for a team
    busy: Monitor = field(init=False)  # teams treating
    occupancy: Monitor = field(init=False)  # beds in use

    def __post_init__(self) -> None:
        self.queue, self.busy, self.occupancy = (Monitor(self.since) for _ in range(3))

    @property
    def waiting(self) -> int:
        return int(self.queue.level)

    @property
    def beds_used(self) -> int:
        return int(self.occupancy.level)

    @property
    def peak_beds(self) -> float:
        """Most beds in use at once from the warm-up to the last change (NaN before the warm-up)."""
        return self.occupancy.maximum(self.occupancy.last)

    @property
    def full(self) -> bool:
        return self.beds is not None and self.beds.count >= self.beds.capacity

    def count(self, now: float, waiting: int = 0, busy: int = 0) -> None:
        """Move the queue and the teams busy at ``now``. Both monitors are settled at every move of either, as
        one clock kept them before: the same terms, summed in the same order, give the same digits."""
        self.queue.change(now, waiting)
        self.busy.change(now, busy)

    def ask_bed(self, now: float) -> None:
        """A casualty asks for a bed: an arrival and, when every bed is taken, a blocked one (from the warm-up on)."""
        if now >= self.since:
            self.offered += 1
            self.blocked += self.full


_urgency = operator.itemgetter(0, 1)  # of a queue entry (priority, id, ...): the most urgent, then the first hurt


@dataclass
class Leg:
    """Evacuation into one facility: its assets and the casualties waiting for them, by priority."""

    to: str
    assets: list[Unit]
    queue: list[tuple[int, int, Casualty, str, simpy.Event]] = field(default_factory=list)
    idle: list[simpy.Event] = field(default_factory=list)  # assets waiting for casualties
    waits: list[float] = field(default_factory=list)
    claimed: set[int] = field(default_factory=set)  # casualties an asset is on its way to fetch

    def unclaimed(self) -> list[tuple[int, int, Casualty, str, simpy.Event]]:
        """The waiting casualties no asset is on its way to fetch yet."""
        return [q for q in self.queue if q[1] not in self.claimed] if self.claimed else self.queue


class MedicalState:
    def __init__(self, world: World):
        self.world, self.env = world, world.env
        med = world.scenario.medical
        self.med = med
        self.since = world.scenario.scenario.warmup  # statistics count from here on
        self.sides = set(med.sides) or set(world.scenario.sides)
        self.stages: dict[str, Stage] = {
            f.id: Stage(
                f,
                f"treatment:{f.id}",
                Lock(self.env, f.teams),
                Lock(self.env, f.beds) if f.beds else None,
                since=self.since,
            )
            for f in med.facilities
        }
        self.entry: dict[str, str] = {}
        for f in med.facilities:
            for place in [*([f.at] if f.at is not None else []), *f.serves]:
                if f.role == 1 or place not in self.entry:
                    self.entry.setdefault(place, f.id)
        self.legs = {e.to: Leg(e.to, [world.units[a] for a in e.assets]) for e in med.evacuation}
        self.casualties: list[Casualty] = []
        self.pending: dict[str, float] = {}  # fractional wounded per unit (deterministic combat)
        self.busy_min: dict[str, float] = {}
        self.lock_wait_min: dict[str, float] = {}
        self.unserved = 0  # casualties where no facility serves the place
        self.died_at_scene = 0  # killed at the scene (from the warm-up on): they never enter the chain
        self.triage_waits: dict[str, list[float]] = {t: [] for t in TRIAGE}  # waits for a team, by category

    # --- casualties in ------------------------------------------------------------------------------

    def injure(self, place: str, cause: str, killed_at_scene: float = 0.0) -> None:
        if killed_at_scene > 0 and self.world.streams[f"at_scene:{place}:{cause}"].uniform() < killed_at_scene:
            if self.env.now >= self.since:  # its own stream: the draws of those who live stay as they were
                self.died_at_scene += 1
            self.world.emit("killed_at_scene", place=place, cause=cause)
            return
        if place not in self.entry:
            self.unserved += 1
            self.world.emit("casualty_unserved", place=place)
            return
        # one stream per source of casualties: more wounded at one place shifts no other place's draws
        stream = self.world.streams[f"casualty:{place}:{cause}"]
        mix = self.med.triage_mix[cause]
        u, acc, triage = stream.uniform(), 0.0, TRIAGE[-1]
        for t in TRIAGE:
            acc += mix.get(t, 0.0)  # type: ignore[call-overload]
            if u < acc:
                triage = t
                break
        e = stream.exponential(1.0)  # the casualty's share of the cumulative hazard it can bear
        dies_in = self._hazard_time(triage, e)
        fa = self.med.first_aid  # its own stream: the other draws stay as they were
        aid_in = draws.exponential(self.world, fa, f"first_aid:{place}") if fa != 0.0 else 0.0
        c = Casualty(len(self.casualties), cause, triage, place, self.env.now, self.env.now + dies_in)
        if aid_in < dies_in:  # care at the point of injury, unless the wounds kill first
            c.first_aid = c.injured + aid_in
            k = self.med.first_aid_hazard_factor
            if k != 1.0 and math.isfinite(dies_in):  # from then on the hazard is k times as high
                h_aid = self._hazard(triage, aid_in)
                c.dies_at = c.injured + (self._hazard_time(triage, h_aid + (e - h_aid) / k) if k > 0 else math.inf)
        self.casualties.append(c)
        if self.world.log.on:
            self.world.emit("casualty", id=c.id, triage=triage, place=place, cause=cause)
        self.env.process(self._care(c))

    def _time_to_death(self, triage: str, stream: Stream) -> float:
        """Minutes until the cumulative hazard H(t) = b·t + s·t²/2 (per minute, t in minutes) reaches an Exp(1) draw."""
        return self._hazard_time(triage, stream.exponential(1.0))

    def _hazard_time(self, triage: str, e: float) -> float:
        """Minutes after injury when the cumulative hazard H(t) = b·t + s·t²/2 reaches ``e`` (inf: never)."""
        h = self.med.hazard.get(triage)  # type: ignore[call-overload]
        if h is None or (h.base_per_h == 0 and h.slope_per_h2 == 0):
            return math.inf
        b, s = h.base_per_min, h.slope_per_min2
        return e / b if s == 0 else (-b + math.sqrt(b * b + 2 * s * e)) / s

    def _hazard(self, triage: str, t: float) -> float:
        """The cumulative hazard H(t) at ``t`` minutes after injury."""
        h = self.med.hazard.get(triage)  # type: ignore[call-overload]
        return 0.0 if h is None else h.base_per_min * t + h.slope_per_min2 * t * t / 2

    def wounded(self, ev: Wounded) -> None:
        unit, n = ev.unit, ev.n
        if unit.side not in self.sides or unit.location is None:
            return
        self.pending[unit.id] = self.pending.get(unit.id, 0.0) + n
        while self.pending[unit.id] >= 1 - 1e-9:
            self.pending[unit.id] -= 1
            self.injure(unit.location, "combat")

    # --- the chain ----------------------------------------------------------------------------------

    def _care(self, c: Casualty) -> Process:
        env = self.env
        c.death = env.timeout(c.dies_at - env.now) if math.isfinite(c.dies_at) else None
        entered = yield from self._enter(c)
        if entered is None:
            return
        stage, bed = entered
        while True:
            if bed is None:
                admitted = yield from self._admit(c, stage)
                if admitted is None:
                    return
                stage, bed = admitted
            elif stage.spec.role >= 2 and c.role2 is None:
                c.role2 = env.now
            ok = yield from self._treat(c, stage)
            if not ok:
                self._leave_bed(stage, bed)
                return
            onward = yield from self._onward(c, stage, bed)
            if onward is None:
                return
            stage, bed = onward

    def _enter(self, c: Casualty) -> Process:
        """The facility serving the point of injury, reached after the carry, with the bed held there while
        the casualty waits at the point of injury (when_full: block); None if it dies on the way."""
        stage = self.stages[self.entry[c.place]]
        bed = None
        if stage.spec.when_full == "block" and stage.beds is not None:  # held at the point of injury meanwhile
            bed = yield from self._reserve(c, stage)
            if bed is None:
                return None
        carry = draws.fixed(self.world, stage.spec.carry, f"carry:{stage.spec.id}")
        if carry and not (yield from self._wait(c, self.env.timeout(carry))):
            self._leave_bed(stage, bed)
            return None
        return stage, bed

    def _onward(self, c: Casualty, stage: Stage, bed: simpy.Event | None) -> Process:
        """After treatment at ``stage``: None when the casualty leaves the chain (an outcome, or death on the
        way), else the next facility, reached, and the bed held there for it (when_full: block)."""
        spec = stage.spec
        if spec.role == 1 and c.triage == "T3":
            self._end(c, "returned_to_duty")
        elif spec.next is None:
            self._end(c, "evacuated")
        if c.outcome is not None:
            self._leave_bed(stage, bed)
            return None
        nxt = self.stages[spec.next]  # type: ignore[index]
        reserved = None
        if nxt.spec.when_full == "block" and nxt.beds is not None:  # keep this bed until one is free there
            reserved = yield from self._reserve(c, nxt)
            if reserved is None:
                self._leave_bed(stage, bed)
                return None
        leg = self.legs.get(nxt.spec.id)
        if leg is not None and not (yield from self._evacuate(c, leg, spec.id)):
            self._leave_bed(stage, bed)
            self._leave_bed(nxt, reserved)
            return None
        self._leave_bed(stage, bed)
        return nxt, reserved

    def _admit(self, c: Casualty, stage: Stage) -> Process:
        """Arrival at ``stage``: a bed (waiting for it if need be), or its when_full rule; None when the casualty
        leaves the chain (dead, turned away), else the facility that took it in (after diversions) and its bed."""
        env = self.env
        while True:
            spec = stage.spec
            if stage.beds is not None:
                stage.ask_bed(env.now)
                if stage.full and spec.when_full != "queue":
                    if spec.when_full == "turn_away":
                        self._end(c, "turned_away", facility=spec.id)
                        return None
                    if spec.when_full == "divert":
                        stage = yield from self._divert(c, stage)
                        if stage is None:
                            return None
                        continue
                    self.world.emit("blocked", id=c.id, triage=c.triage, facility=spec.id)
            if spec.role >= 2 and c.role2 is None:
                c.role2 = env.now
            if stage.beds is None:
                return stage, None
            bed = stage.beds.request(priority=c.priority)
            if not (yield from self._wait(c, bed)):
                return None
            self._took_bed(stage)
            return stage, bed

    def _divert(self, c: Casualty, full: Stage) -> Process:
        """On from the full facility to its ``divert_to``, by the evacuation leg into it when it is elsewhere."""
        alt = self.stages[full.spec.divert_to]  # type: ignore[index]
        self.world.emit("diverted", id=c.id, triage=c.triage, facility=full.spec.id, to=alt.spec.id)
        leg = self.legs.get(alt.spec.id) if alt.spec.site != full.spec.site else None
        if leg is not None and not (yield from self._evacuate(c, leg, full.spec.id)):
            return None
        return alt

    def _reserve(self, c: Casualty, stage: Stage) -> Process:
        """A bed at ``stage`` held for ``c`` before it moves there (when_full: block); None if it dies waiting."""
        stage.ask_bed(self.env.now)
        if stage.full:
            self.world.emit("blocked", id=c.id, triage=c.triage, facility=stage.spec.id)
        bed = stage.beds.request(priority=c.priority)  # type: ignore[union-attr]
        if not (yield from self._wait(c, bed)):
            return None
        self._took_bed(stage)
        return bed

    def _took_bed(self, stage: Stage) -> None:
        stage.occupancy.change(self.env.now, +1)

    def _evacuate(self, c: Casualty, leg: Leg, source: str) -> Process:
        """Wait at facility ``source`` until an asset of ``leg`` has carried ``c`` to ``leg.to``; False if it died."""
        env = self.env
        arrived = env.event()
        ready = env.now
        leg.queue.append((c.priority, c.id, c, source, arrived))
        self._kick(leg)
        if not (yield from self._wait(c, arrived)):
            leg.queue[:] = [q for q in leg.queue if q[2] is not c]
            return False
        if ready >= self.since:
            leg.waits.append(arrived.value - ready)  # type: ignore[operator]
        return True

    def _treat(self, c: Casualty, stage: Stage) -> Process:
        env = self.env
        arrived = env.now
        counted = arrived >= self.since  # arrivals before the warm-up are left out of the statistics
        stage.arrivals += counted
        stage.count(arrived, waiting=+1)
        with stage.teams.request(priority=c.priority) as team:
            # the race with death is written out here rather than through _wait: the context manager already
            # gives up the team, and this is the chain's hot path (a race event only while death can come)
            got = (yield First(team, c.death)) if c.death is not None else (yield team) or (team,)
            stage.count(env.now, waiting=-1)
            if team not in got:
                self._end(c, "died_of_wounds")
                return False
            if counted:
                stage.waits.append(env.now - arrived)
                self.triage_waits[c.triage].append(env.now - arrived)
            stage.count(env.now, busy=+1)
            if c.care is None:
                c.care = env.now
            if stage.spec.role >= 2 and c.surgery is None:
                c.surgery = env.now  # surgery has begun: the wounds no longer kill in this model
                if c.death is not None:  # nobody waits on it now: out of the queue rather than fired for nothing
                    cancel(env, c.death)
                    c.death = None
            timer = env.timeout(draws.exponential(self.world, stage.spec.treatment, stage.stream_name))
            done = (yield First(timer, c.death)) if c.death is not None else (yield timer) or (timer,)
            stage.count(env.now, busy=-1)
            if timer not in done:
                self._end(c, "died_of_wounds")
                return False
        return True

    def _wait(self, c: Casualty, ev: simpy.Event) -> Process:
        if c.death is None:
            yield ev
            return True
        got = yield First(ev, c.death)
        if ev in got:
            return True
        if isinstance(ev, LockRequest):  # give up the place in the queue, or the bed
            if ev.triggered:
                ev.resource.release(ev)
            else:
                ev.cancel()
        self._end(c, "died_of_wounds")
        return False

    def _leave_bed(self, stage: Stage, bed: simpy.Event | None) -> None:
        if bed is not None and stage.beds is not None:
            stage.beds.release(bed)  # type: ignore[arg-type]
            stage.occupancy.change(self.env.now, -1)

    def _end(self, c: Casualty, outcome: str, **where: str) -> None:
        c.outcome, c.left = outcome, self.env.now
        if c.death is not None and not c.death.processed:  # out of care before surgery, alive: no death to come
            cancel(self.env, c.death)
            c.death = None
        if self.world.log.on:
            self.world.emit(outcome, id=c.id, triage=c.triage, **where)

    # --- evacuation ---------------------------------------------------------------------------------

    def _kick(self, leg: Leg) -> None:
        waiting, leg.idle = leg.idle, []
        for ev in waiting:
            ev.succeed()

    def run_asset(self, leg: Leg, asset: Unit) -> Process:
        env, world = self.env, self.world
        home = asset.location
        prio = MEDEVAC_FIRST if self.med.lift_priority == "medevac_first" else ORDER_PRIORITY
        while alive(world, asset):  # (one aircraft of a unit whose aircraft fly apart: while the unit has it)
            if not leg.unclaimed():  # (casualties another asset is on its way to fetch are not this one's)
                leg.idle.append(env.event())
                yield leg.idle[-1]
                continue
            asked = env.now
            with asset.busy.request(priority=prio) as turn:
                yield turn
                # time casualties waited for an asset busy with other tasks (lift, supply): the contention
                self._add_since(self.lock_wait_min, asset.id, asked)
                if not leg.unclaimed():  # another asset took them, or is fetching them, while this one waited
                    continue
                start = env.now
                ok = yield from self._mission(leg, asset)
                if asset.base is not None and not leg.unclaimed():  # back aboard its ship, wherever it is now
                    yield from recover(world, asset)
                elif home is not None and not leg.unclaimed() and asset.location != home:
                    yield from travel(world, asset, home)
                self._add_since(self.busy_min, asset.id, start)
            if not ok:
                yield env.timeout(RETRY_GROUNDED_MIN)

    def _add_since(self, minutes: dict[str, float], key: str, start: float) -> None:
        """Add to ``minutes[key]`` the time from ``start`` to now that falls after the warm-up."""
        now = self.env.now
        if now > self.since:
            minutes[key] = minutes.get(key, 0.0) + now - max(start, self.since)

    def _mission(self, leg: Leg, asset: Unit) -> Process:
        """Fly to the most urgent unclaimed casualty's facility, load the most urgent there, carry them to
        ``leg.to``; the casualties there it has room for are claimed while it flies, so that another asset of the
        leg flies only for casualties nobody is fetching (not every idle aircraft for one casualty)."""
        env, world = self.env, self.world
        leg.queue.sort(key=_urgency)
        waiting = leg.unclaimed()
        first = self.stages[waiting[0][3]].spec
        room = math.floor(asset.strength) * asset.type.litters
        claim = {q[1] for q in [q for q in waiting if self.stages[q[3]].spec.site == first.site][:room]}  # most urgent
        leg.claimed |= claim
        try:
            arrived = yield from self._go_to(asset, first)
        finally:
            leg.claimed -= claim
        if not arrived:
            return False
        load = [
            q
            for q in sorted(leg.queue, key=_urgency)
            if self.stages[q[3]].spec.site == first.site and q[2].outcome is None
        ][:room]
        if not load:
            return True
        for q in load:
            leg.queue.remove(q)
        yield env.timeout(draws.fixed(world, asset.type.load_min, f"load:{asset.id}"))
        if not (yield from self._go_to(asset, self.stages[leg.to].spec)):
            leg.queue.extend(q for q in load if q[2].outcome is None)  # back in the queue, still at the facility
            return False
        yield env.timeout(draws.fixed(world, asset.type.unload_min, f"unload:{asset.id}"))
        for _, _, _, _, arrived in load:
            if not arrived.triggered:
                arrived.succeed(env.now)
        if world.log.on:
            world.emit("medevac", unit=asset.id, to=leg.to, casualties=[q[2].id for q in load])
        return True

    def _go_to(self, asset: Unit, f: Facility) -> Process:
        """Take ``asset`` to facility ``f``: to its place, or to wherever the unit it is aboard is now."""
        if f.aboard is not None:
            return (yield from follow(self.world, asset, self.world.units[f.aboard]))
        return (yield from travel(self.world, asset, f.at))  # type: ignore[arg-type]

    # --- other sources --------------------------------------------------------------------------------

    def run_dnbi(self) -> Process:
        """Disease and non-battle injury: Poisson in the personnel of the medical sides at a place, at their
        group's rate (crews, troops, civilians), and for people out of water (logistics' Thirsty) the heat rate on
        top. The changing rate is drawn by thinning (Lewis and Shedler): candidates at the highest rate of every
        living person of those sides, aboard a ship or on the move too, each kept with the share the unit's rate
        is of it now, and dropped while the unit is at no place. So people who land later fall ill from when they
        land (before, a rate counted only over the people ashore at one moment held for a whole gap, and ended
        for good when nobody was ashore); while everyone is at a place, the draws are the same as before."""
        env = self.env
        stream = self.world.streams["dnbi"]
        per_min, heat = self.med.dnbi_per_person_per_min, self.med.heat_per_person_per_min
        groups = self.med.dnbi_groups
        # one rate for everyone: candidates picked by personnel alone, as before there were groups
        same = groups.crews == groups.troops == groups.civilians
        while True:
            units = [u for u in self.world.units.values() if u.side in self.sides and u.strength > 0]
            rates = [per_min if same else groups.per_person_per_min(self._group(u)) for u in units]
            weights = [float(u.personnel) * (1.0 if same else r + heat) for u, r in zip(units, rates, strict=True)]
            total = sum(weights)
            if total <= 0 or per_min + heat <= 0:
                return
            yield env.timeout(stream.exponential((per_min + heat) * total if same else total))
            i = stream.pick(weights, total)
            unit, base = units[i], rates[i]
            if heat > 0:  # a candidate: kept at the unit's rate now (no extra draw when there is no heat rate)
                rate = base + (heat if self.world.bus.publish(Thirsty(unit)).thirsty else 0.0)
                if stream.uniform() * (base + heat) >= rate:
                    continue
            if unit.location is not None:  # aboard or on the move: a rejected candidate
                self.injure(unit.location, "dnbi")

    def _group(self, unit: Unit) -> Literal["crews", "troops", "civilians"]:
        """The unit's DNBI group: civilians (a civilian side), crews (of platforms) or troops."""
        if unit.side in self.med.dnbi_groups.civilian_sides:
            return "civilians"
        return "crews" if is_platform(unit.type) else "troops"

    def run_mass(self, m: MassCasualty) -> Process:
        yield self.env.timeout(m.at)
        self.world.emit("mass_casualty", place=m.place, count=m.count)
        for _ in range(m.count):
            self.injure(m.place, m.cause, m.killed_at_scene)

    def run_arrivals(self, a: Arrivals) -> Process:
        """A Poisson stream at ``a``'s rate: steady, or changing (steps, decay) by thinning — candidates at the
        peak rate, each kept with the share the rate is of it then (no extra draw while the rate is the peak)."""
        env = self.env
        stream = self.world.streams[f"arrivals:{a.place}"]
        peak = a.peak_per_min
        if a.from_ > 0:
            yield env.timeout(a.from_)
        while True:
            yield env.timeout(stream.exponential(peak))
            if a.until is not None and env.now >= a.until:
                return
            if not a.steady:
                rate = a.rate_per_min(env.now)
                if rate < peak and stream.uniform() * peak >= rate:
                    continue
            self.injure(a.place, a.cause, a.killed_at_scene)


def state(world: World) -> MedicalState:
    return world.services.get(MedicalState)


def install(world: World) -> None:
    med = world.scenario.medical
    if not med.facilities:
        return
    ms = MedicalState(world)
    world.services.provide(ms)
    world.bus.subscribe(Wounded, ms.wounded)
    for leg in ms.legs.values():
        for unit in leg.assets:
            for asset in assets(world, unit):  # each aircraft of the unit, unless it flies together
                world.env.process(ms.run_asset(leg, asset))
    if med.dnbi_per_person_per_min + med.heat_per_person_per_min > 0:
        world.env.process(ms.run_dnbi())
    for m in med.mass_casualties:
        world.env.process(ms.run_mass(m))
    for a in med.arrivals:
        world.env.process(ms.run_arrivals(a))


def _share(cs: list[Casualty], attr: str, within: float, now: float) -> float:
    """Share of T1 casualties whose milestone came within ``within`` minutes (censored ones left out)."""
    hits = total = 0
    for c in cs:
        t = getattr(c, attr)
        if t is not None and t > now:  # a milestone still to come (care at the point of injury is drawn ahead)
            t = None
        if t is not None and t - c.injured <= within:
            hits += 1
            total += 1
        elif c.outcome is not None or now - c.injured >= within:
            total += 1  # too late, or dead: a miss; a casualty still inside the window is not counted
    return hits / total if total else math.nan


MILESTONE = {"first_aid": "first_aid", "role1": "care", "role2": "role2", "surgery": "surgery"}  # (care_within)


def care_within_share(world: World, care: str, within_min: float, triage: str = "T1") -> float:
    """Share of ``triage`` casualties (from the warm-up on) that reached the care milestone ``care`` within
    ``within_min`` of injury: the fixed 10-1-2 shares, for any milestone and window (an objective's care_within)."""
    ms = world.services.find(MedicalState)
    if ms is None:
        return math.nan
    cs = [c for c in ms.casualties if c.injured >= ms.since and c.triage == triage]
    return _share(cs, MILESTONE[care], within_min, world.now)


def _p90(xs: list[float]) -> float:
    """90th percentile in hours (linear interpolation between order statistics, as numpy's default)."""
    if not xs:
        return math.nan
    s = sorted(xs)
    pos = 0.9 * (len(s) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(s) - 1)
    return (s[lo] + (s[hi] - s[lo]) * (pos - lo)) / 60.0


# when_full rule -> (metric name, what happened to a casualty who found every bed taken)
_FULL = {
    "divert": ("diverted", "diverted to another facility"),
    "block": ("blocked", "held where they were until a bed was free"),
    "turn_away": ("blocked", "turned away"),
}
OUTCOMES = ("returned_to_duty", "evacuated", "died_of_wounds", "turned_away")


def _turns_away(med: Medical) -> bool:
    """Can a casualty be turned away (so that turned_away is an outcome of this chain)?"""
    return any(f.beds and f.when_full == "turn_away" for f in med.facilities)


def _kills_at_scene(s: Scenario) -> bool:
    """Can someone be killed at the scene (so that died_at_scene is a measure of this scenario)?"""
    med = s.medical
    effects = [e for i in s.injects for e in i.effects] + [
        e for d in s.decision_points for o in d.options.values() for e in o.effects
    ]
    sources: list[MassCasualty | Arrivals] = [*med.mass_casualties, *med.arrivals]
    return any(x.killed_at_scene > 0 for x in sources) or any(getattr(e, "killed_at_scene", 0.0) > 0 for e in effects)


def _side(s: Scenario) -> str | None:
    """Whose casualties the chain treats, when that is one side."""
    sides = list(s.medical.sides) or list(s.sides)
    return sides[0] if len(sides) == 1 else None


def declare(s: Scenario) -> list[MetricSpec]:
    med = s.medical
    if not med.facilities:
        return []
    side = _side(s)

    def spec(name: str, kind: Kind, unit: str, better: Better, what: str, headline: bool = False) -> MetricSpec:
        return MetricSpec(name, kind, unit, better, what, side, headline)

    c, d, sh, L, H, N = Kind.COUNT, Kind.DURATION, Kind.SHARE, Better.LOWER, Better.HIGHER, Better.NEITHER
    out = [spec("casualties", c, "casualties", L, "casualties entering the chain of care")]
    out += [spec(f"casualties.{t}", c, "casualties", L, f"casualties triaged {t}") for t in TRIAGE]
    out += [
        spec("returned_to_duty", c, "casualties", H, "casualties returned to duty"),
        spec("evacuated", c, "casualties", N, "casualties evacuated out of the end of the chain"),
        spec("died_of_wounds", c, "casualties", L, "casualties who died of wounds", True),
        spec("in_care", c, "casualties", N, "casualties still in the chain at the end of the run"),
    ]
    if _kills_at_scene(s):
        out.append(spec("died_at_scene", c, "people", L, "people killed at the scene (they never entered the chain)"))
    if _turns_away(med):
        out.append(spec("turned_away", c, "casualties", L, "casualties turned away untreated by a full facility"))
    out += [
        spec("time_in_chain_h", d, "h", L, "mean time in the chain of care, from injury to leaving it"),
        spec("throughput_per_day", c, "casualties/day", N, "casualties leaving the chain of care per day"),
    ]
    for t in TRIAGE[:3]:  # the expectant (T4) are not queued for treatment
        out += [
            spec(f"triage_time_in_chain_h.{t}", d, "h", L, f"mean time in the chain of care, {t} casualties"),
            spec(f"triage_wait_h.{t}", d, "h", L, f"mean wait for a treatment team, {t} casualties"),
        ]
    out += [
        spec(
            "t1_care_10min_share",
            sh,
            "",
            H,
            "T1 casualties given care at the point of injury within 10 minutes (10-1-2)",
        ),
        spec("t1_resus_1h_share", sh, "", H, "T1 casualties at a Role 2 within 1 hour (10-1-2)"),
        spec("t1_surgery_1h_share", sh, "", H, "T1 casualties in surgery within 1 hour (golden hour)", True),
        spec("t1_surgery_2h_share", sh, "", H, "T1 casualties in surgery within 2 hours (10-1-2)"),
    ]
    for f in med.facilities:
        out += [
            spec(f"wait_h.{f.id}", d, "h", L, f"mean wait for a team at {f.id}"),
            spec(f"wait_p90_h.{f.id}", d, "h", L, f"90th percentile of the wait for a team at {f.id}"),
            spec(f"queue_avg.{f.id}", c, "casualties", L, f"mean number waiting for a team at {f.id}"),
            spec(f"team_utilisation.{f.id}", sh, "", N, f"share of {f.id}'s teams' time spent treating"),
        ]
        if f.beds:
            out.append(spec(f"peak_beds.{f.id}", c, "beds", N, f"most beds in use at once at {f.id}"))
        if f.beds and f.when_full != "queue":
            name, what = _FULL[f.when_full]
            out += [
                spec(f"{name}.{f.id}", c, "casualties", L, f"arrivals at {f.id} who found every bed taken ({what})"),
                spec(f"{name}_share.{f.id}", sh, "", L, f"share of arrivals at {f.id} who found every bed taken"),
            ]
    for e in med.evacuation:
        out += [
            spec(f"evac_wait_h.{e.to}", d, "h", L, f"mean wait for evacuation to {e.to}"),
            spec(f"evac_wait_p90_h.{e.to}", d, "h", L, f"90th percentile of the wait for evacuation to {e.to}"),
        ]
    for a in dict.fromkeys(a for e in med.evacuation for a in e.assets):  # one asset may serve several legs
        out += [
            spec(f"medevac_utilisation.{a}", sh, "", N, f"share of the run {a} spent on MEDEVAC missions"),
            spec(
                f"medevac_asset_wait_h.{a}",
                d,
                "h",
                L,
                f"time casualties waited for {a} while an order of its own held it (0 for one kept for MEDEVAC alone)",
            ),
        ]
    return out


def _mean_h(xs: list[float]) -> float:
    """Mean in hours of minutes ``xs`` (NaN when there are none)."""
    return sum(xs) / len(xs) / 60.0 if xs else math.nan


def _casualty_metrics(ms: MedicalState, now: float) -> dict[str, float]:
    """Counts by triage and outcome, and the T1 shares, of the casualties injured from the warm-up on."""
    cs = [c for c in ms.casualties if c.injured >= ms.since] if ms.since else ms.casualties
    m: dict[str, float] = {"casualties": float(len(cs))}
    for t in TRIAGE:
        m[f"casualties.{t}"] = float(sum(1 for c in cs if c.triage == t))
    for outcome in OUTCOMES:
        if outcome != "turned_away" or _turns_away(ms.med):
            m[outcome] = float(sum(1 for c in cs if c.outcome == outcome))
    m["in_care"] = float(sum(1 for c in cs if c.outcome is None))
    if _kills_at_scene(ms.world.scenario):
        m["died_at_scene"] = float(ms.died_at_scene)
    m |= _flow_metrics(ms, cs, now)
    return m | _t1_shares(ms, [c for c in cs if c.triage == "T1"], now)


def _flow_metrics(ms: MedicalState, cs: list[Casualty], now: float) -> dict[str, float]:
    """The queueing outputs: time in the chain (injury to outcome, for those who left it), throughput (outcomes
    per day from the warm-up on), and by triage category the time in the chain and the wait for a team."""
    done = [c for c in cs if c.left is not None]
    span_days = (now - ms.since) / (24 * 60)
    m = {
        "time_in_chain_h": _mean_h([c.left - c.injured for c in done]),  # type: ignore[operator]
        "throughput_per_day": len(done) / span_days if span_days > 0 else math.nan,
    }
    for t in TRIAGE[:3]:
        m[f"triage_time_in_chain_h.{t}"] = _mean_h([c.left - c.injured for c in done if c.triage == t])  # type: ignore[operator]
        m[f"triage_wait_h.{t}"] = _mean_h(ms.triage_waits[t])
    return m


def _t1_shares(ms: MedicalState, t1: list[Casualty], now: float) -> dict[str, float]:
    """The 10-1-2 timeline and the golden hour: shares of T1 casualties at each milestone in time."""
    has_role2 = any(f.role >= 2 for f in ms.med.facilities)
    return {
        "t1_care_10min_share": _share(t1, "first_aid", 10, now),
        "t1_resus_1h_share": _share(t1, "role2", 60, now) if has_role2 else math.nan,
        "t1_surgery_1h_share": _share(t1, "surgery", 60, now) if has_role2 else math.nan,
        "t1_surgery_2h_share": _share(t1, "surgery", 120, now) if has_role2 else math.nan,
    }


def _stage_metrics(fid: str, st: Stage, now: float, span: float) -> dict[str, float]:
    """One facility's waits, queue, teams' utilisation, beds and blocking, from the warm-up on."""
    m = {
        f"wait_h.{fid}": _mean_h(st.waits),
        f"wait_p90_h.{fid}": _p90(st.waits),
        f"queue_avg.{fid}": st.queue.mean(now),
        f"team_utilisation.{fid}": st.busy.integral(now) / (st.spec.teams * span) if span > 0 else math.nan,
    }
    if st.spec.beds:
        m[f"peak_beds.{fid}"] = float(st.occupancy.maximum(now))
    if st.spec.beds and st.spec.when_full != "queue":
        name = _FULL[st.spec.when_full][0]
        m[f"{name}.{fid}"] = float(st.blocked)
        m[f"{name}_share.{fid}"] = st.blocked / st.offered if st.offered else math.nan
    return m


def _leg_metrics(ms: MedicalState, leg: Leg, span: float) -> dict[str, float]:
    """One evacuation leg's waits, and its assets' MEDEVAC time and time waited for them, from the warm-up on."""
    m = {f"evac_wait_h.{leg.to}": _mean_h(leg.waits), f"evac_wait_p90_h.{leg.to}": _p90(leg.waits)}
    for a in leg.assets:
        n = len(assets(ms.world, a))  # the unit's aircraft-time: a share per aircraft when they fly apart
        m[f"medevac_utilisation.{a.id}"] = ms.busy_min.get(a.id, 0.0) / (span * n) if span > 0 else math.nan
        m[f"medevac_asset_wait_h.{a.id}"] = ms.lock_wait_min.get(a.id, 0.0) / 60.0
    return m


def metrics(world: World) -> dict[str, float]:
    if world.services.find(MedicalState) is None:
        return {}
    ms, now = state(world), world.now
    span = now - ms.since  # the time statistics cover: from the warm-up to now
    m = _casualty_metrics(ms, now)
    for fid, st in ms.stages.items():
        m.update(_stage_metrics(fid, st, now, span))
    for leg in ms.legs.values():
        m.update(_leg_metrics(ms, leg, span))
    return m
