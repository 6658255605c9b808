"""What a live session shows besides the story: forces, stocks, the chain of care, objectives, unit positions.

Read from the World's state without changing it (no model's ``metrics`` is called mid-run: some bring
their state up to now, which would make the trace depend on when the screen was refreshed). Plain
dataclasses, JSON-serialisable with ``dataclasses.asdict``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.config.schema import MetricObjective
from sim.config.supply import measure_of
from sim.config.waypoints import point_along, shape
from sim.engine.signals import Secured
from sim.models.logistics import LogisticsState
from sim.models.medical import MedicalState
from sim.models.objectives import Held, applies, final_state
from sim.present.labels import Labels

if TYPE_CHECKING:
    from sim.engine.world import World


@dataclass(frozen=True)
class Force:
    side: str
    nation: str | None  # None: the side's units without a nation
    label: str
    strength: float  # elements left
    initial: float  # elements at the start (with reinforcements)
    killed: float
    wounded: float


@dataclass(frozen=True)
class Stock:
    depot: str
    supply: str  # class: fuel, ammunition, water, rations, medical
    level: float  # L or t
    unit: str


@dataclass(frozen=True)
class CareStage:
    facility: str
    role: int
    waiting: int  # casualties waiting for a team
    beds_used: int


@dataclass(frozen=True)
class Casualties:
    total: int
    in_care: int
    returned_to_duty: int
    evacuated: int
    died_of_wounds: int
    stages: list[CareStage]


@dataclass(frozen=True)
class ObjectiveState:
    id: str
    label: str
    # met, missed, at_risk (its time is running out, or its bound is crossed), open, not_applicable (only_if:
    # its decision took another option, or the run ended without its option or phase): neither met nor missed
    state: str
    value: float | None  # the metric's value now, for the metric objectives this can compute


@dataclass(frozen=True)
class Status:
    t: float
    clock: str
    finished: bool
    forces: list[Force]
    stocks: list[Stock]
    casualties: Casualties | None
    objectives: list[ObjectiveState]


@dataclass(frozen=True)
class UnitPosition:
    id: str
    label: str
    side: str
    nation: str | None
    type: str  # the unit type's name
    mode: str  # air, sea or land: how it mainly moves
    place: str | None  # where it is; while moving, the place it left
    to: str | None  # while moving, where it is bound
    lat: float
    lon: float
    moving: bool
    aboard: str | None  # the transport carrying it
    strength: float


AT_RISK_SHARE = 0.75  # a secure objective is at risk once this share of its time limit has passed


def status(world: World, names: Labels, now: float, finished: bool, final: dict[str, float] | None) -> Status:
    """The state of the run at ``now`` (``final``: the metrics, once the run is over)."""
    forces: dict[tuple[str, str | None], list[float]] = {}
    for u in world.units.values():
        acc = forces.setdefault((u.side, u.nation), [0.0, 0.0, 0.0, 0.0])
        acc[0] += u.strength
        acc[1] += u.initial
        acc[2] += u.killed
        acc[3] += u.wounded
    order = list(world.scenario.sides)
    rows = [
        Force(side, nation, f"{names.side(side)} ({nation})" if nation else names.side(side), *values)
        for (side, nation), values in sorted(forces.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1] or ""))
    ]
    stocks = []
    logistics = world.services.find(LogisticsState)
    if logistics is not None:
        for d in logistics.depots.values():
            for cls in d.containers:
                stocks.append(
                    Stock(
                        names.depot(d.id),
                        cls,
                        round(d.level(cls), 3),
                        measure_of(cls, world.scenario.logistics.classes),
                    )
                )
    objectives = _objectives(world, names, now, final)
    return Status(now, names.clock(now), finished, rows, stocks, _casualties(world, names), objectives)


def _casualties(world: World, names: Labels) -> Casualties | None:
    ms = world.services.find(MedicalState)
    if ms is None:
        return None
    cs = ms.casualties
    stages = [CareStage(names.facility(fid), st.spec.role, st.waiting, st.beds_used) for fid, st in ms.stages.items()]
    return Casualties(
        len(cs),
        sum(1 for c in cs if c.outcome is None),
        sum(1 for c in cs if c.outcome == "returned_to_duty"),
        sum(1 for c in cs if c.outcome == "evacuated"),
        sum(1 for c in cs if c.outcome == "died_of_wounds"),
        stages,
    )


def _live_metric(world: World, name: str) -> float | None:
    """The few metrics an objective may name that the state gives directly (losses, deaths), else None."""
    family, _, rest = name.partition(".")
    if family in ("killed", "wounded") and rest in world.scenario.sides:
        return float(sum(getattr(u, family) for u in world.units.values() if u.side == rest))
    ms = world.services.find(MedicalState)
    if ms is not None and name in ("died_of_wounds", "returned_to_duty", "evacuated"):
        return float(sum(1 for c in ms.casualties if c.outcome == name))
    if ms is not None and name == "casualties":
        return float(len(ms.casualties))
    return None


def _objectives(world: World, names: Labels, now: float, final: dict[str, float] | None) -> list[ObjectiveState]:
    out = []
    for o in world.scenario.objectives:
        label = names.objective(o.id)
        if final is not None:
            value = final.get(o.metric) if isinstance(o, MetricObjective) else None
            out.append(ObjectiveState(o.id, label, final_state(final.get(f"objective.{o.id}")), value))
            continue
        if applies(o, world) is False:  # its decision took another option: it will not count, whatever happens
            out.append(ObjectiveState(o.id, label, "not_applicable", None))
            continue
        if isinstance(o, MetricObjective):
            value = _live_metric(world, o.metric)
            held = world.services.find(Held)
            if o.within is not None and held is not None and (o.id in held.first or now > o.within):
                state = "met" if o.id in held.first else "missed"  # a bound by a time: decided once it held, or late
            elif value is None:
                state = "open"
            elif o.at_most is not None and value > o.at_most:
                state = "missed" if _only_grows(o.metric) else "at_risk"
            elif o.at_most is not None and value > AT_RISK_SHARE * o.at_most:
                state = "at_risk"
            else:
                state = "open"
            out.append(ObjectiveState(o.id, label, state, value))
            continue
        t = world.signal_times.get(Secured(o.place))
        if t is not None:
            state = "met" if o.within is None or t <= o.within else "missed"
        elif o.within is not None and now > o.within:
            state = "missed"
        elif o.within is not None and now > AT_RISK_SHARE * o.within:
            state = "at_risk"
        else:
            state = "open"
        out.append(ObjectiveState(o.id, label, state, None))
    return out


def _only_grows(metric: str) -> bool:
    """Counts that never fall during a run: once past an upper bound, the objective is lost."""
    return metric.split(".")[0] in ("killed", "wounded", "died_of_wounds", "casualties")


def positions(world: World, names: Labels) -> list[UnitPosition]:
    """Every unit's whereabouts now: at a place, aboard a transport, or part-way along its path."""
    places = world.scenario.map.places
    out = []
    for u in world.units.values():
        carrier = world.units[u.aboard] if u.aboard else u
        moving = carrier in world.underway
        place: str | None
        to: str | None
        if moving:
            _, path, departed = world.underway[carrier]
            a, frac, route = _along(path.places, path.legs, world.now - departed)
            end = places[a]  # past the last leg: there
            lat, lon = (end.lat, end.lon) if route is None else point_along(shape(world.scenario.map, route, a), frac)
            place, to = path.places[0], path.places[-1]
        else:
            place, to = carrier.location, None
            spec = places.get(place) if place is not None else None
            lat, lon = (spec.lat, spec.lon) if spec is not None else (float("nan"), float("nan"))
        speeds = u.type.speed_kmh
        mode = "air" if "air" in speeds else "sea" if "sea" in speeds and "land" not in speeds else "land"
        out.append(
            UnitPosition(
                u.id,
                names.unit(u.id),
                u.side,
                u.nation,
                u.type_name,
                mode,
                place,
                to,
                round(lat, 6),
                round(lon, 6),
                moving,
                u.aboard,
                u.strength,
            )
        )
    return out


def _along(
    stops: tuple[str, ...], legs: tuple[tuple[int, float], ...], elapsed: float
) -> tuple[str, float, int | None]:
    """The stop a traveller last passed ``elapsed`` minutes after setting off, the share of the next leg done,
    and that leg's route (None: past the last stop)."""
    done = 0.0
    for i, (route, cost) in enumerate(legs):
        if elapsed < done + cost:
            return stops[i], (elapsed - done) / cost if cost > 0 else 1.0, route
        done += cost
    return stops[-1], 0.0, None
