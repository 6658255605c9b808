"""The scenario schema: what a scenario YAML may say, with defaults and units of measure.

Every model is frozen and forbids unknown fields. Times are float minutes (see ``durations``);
rates are per hour in the file, as planners quote them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from sim.config.durations import Duration, Time
from sim.config.frozen import MAX_COUNT, MAX_QUANTITY, Count, Fraction, Frozen, Id, PositiveFloat
from sim.config.medical import TRIAGE, Medical
from sim.config.supply import (
    SUPPLY_CLASSES,
    Amount,
    Closure,
    Consumption,
    Depot,
    Logistics,
    SupplyClass,
    SupplyLine,
    Traffic,
)

Mode = Literal["land", "sea", "air"]
PlaceKind = Literal["port", "airfield", "beach", "objective", "depot", "hospital", "training_area", "anchorage"]
Defence = Literal["open", "prepared", "fortified"]
MAX_EVENTS = 10_000_000  # default run budget: about a minute of computing per replication
MAX_DURATION_MIN = 3650 * 1440.0  # the run budget in simulated time: ten years (steady-state studies run long)


def _as_list(v: object) -> object:
    return [v] if isinstance(v, str) else v


# --- metadata and map -------------------------------------------------------------------------------


class Meta(Frozen):
    name: str = Field(min_length=1)
    description: str = ""
    start: datetime | None = Field(None, description="wall-clock time of simulated minute 0 (narration only)")
    duration: Time = Field(description="the run stops at this simulated time")
    seed: int = Field(0, ge=0, description="base seed; replication i derives its streams from (seed, i)")
    max_events: int = Field(
        MAX_EVENTS,
        gt=0,
        le=1_000_000_000,
        description="run budget: a replication that needs more simulated events than this stops with an error",
    )

    @model_validator(mode="after")
    def _positive_duration(self) -> Meta:
        if self.duration <= 0:
            raise ValueError("duration must be longer than zero")
        if self.duration > MAX_DURATION_MIN:
            raise ValueError(f"duration may be at most {MAX_DURATION_MIN // 1440:g} days (the run budget)")
        return self


class Place(Frozen):
    kind: PlaceKind
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    defence: Defence = "open"
    berths: int | None = Field(None, gt=0, le=MAX_COUNT, description="ships alongside at once (ports); none = no limit")
    description: str = ""


class Route(Frozen):
    id: Id | None = Field(None, description="needed only to close the route (closures:)")
    from_: Id = Field(alias="from")
    to: Id
    mode: Mode
    distance_km: PositiveFloat
    oneway: bool = False


class MapSpec(Frozen):
    places: dict[Id, Place] = Field(min_length=1)
    routes: list[Route] = []


class Side(Frozen):
    nations: list[str] = []
    break_fraction: float = Field(
        0.5,
        ge=0.0,
        lt=1.0,
        description="an engaged side breaks when its strength falls below this share of its strength "
        "at the start of the engagement",
    )
    description: str = ""


# --- unit catalogue ----------------------------------------------------------------------------------


class FireSupport(Frozen):
    """Aircraft sorties or naval fire missions against a place (area fire on its defenders)."""

    cycle_min: Duration = Field(description="turnaround between sorties / fire missions of one platform")
    kill_prob: Fraction = Field(
        description="probability that one exposed defending element is hit by one sortie (open terrain)"
    )
    range_km: PositiveFloat | None = Field(
        None,
        description="fires from where it is when the target is within this map distance; "
        "when absent the platform flies to the target and back on every sortie",
    )
    per_sortie: dict[SupplyClass, Amount] = Field(
        {}, description="drawn from the platform's own stocks for each sortie; none left, no sortie"
    )


class UnitType(Frozen):
    description: str = ""
    strength: int = Field(gt=0, le=MAX_COUNT, description="default number of elements: people, or platforms/vehicles")
    personnel_per_element: int = Field(1, ge=0, le=MAX_COUNT)
    speed_kmh: dict[Mode, PositiveFloat] = {}
    kill_rate_per_h: float = Field(
        0.0,
        ge=0,
        le=MAX_QUANTITY,
        description="aimed-fire kills per element per hour against an unprotected target in the open",
    )
    protection: PositiveFloat = Field(1.0, description="divides the enemy's kill rate against this type")
    capacity_personnel: int = Field(0, ge=0, le=MAX_COUNT, description="passengers per element (transports)")
    litters: int = Field(0, ge=0, le=MAX_COUNT, description="stretcher casualties per element (MEDEVAC assets)")
    load_min: Duration = 30.0
    unload_min: Duration = 20.0
    fire_support: FireSupport | None = None
    carries: dict[SupplyClass, PositiveFloat] = Field(
        {}, description="stock each element carries, by class (L or t); units start full"
    )
    consumption: Consumption = Field(
        {}, description="per element per hour, by activity (idle, moving, combat), besides per_person_day"
    )
    cargo_t: float = Field(0.0, ge=0, le=MAX_QUANTITY, description="cargo per element, tonnes (transports)")


class Catalog(Frozen):
    """A unit catalogue file: ``unit_types:`` and nothing else."""

    description: str = ""
    unit_types: dict[Id, UnitType]


# --- forces, orders, phases -------------------------------------------------------------------------


class UnitSpec(Frozen):
    id: Id
    type: Id
    side: Id
    nation: str | None = None
    at: Id
    strength: int | None = Field(None, gt=0, le=MAX_COUNT, description="elements; defaults to the type's strength")


class _Order(Frozen):
    unit: Id
    delay: Duration = Field(0.0, description="command delay before the order takes effect")


class MoveOrder(_Order):
    do: Literal["move"]
    to: Id


class EmbarkOrder(_Order):
    do: Literal["embark"]
    on: Id


class DisembarkOrder(_Order):
    do: Literal["disembark"]


class LiftOrder(_Order):
    """A transport shuttles units from where it is to ``to``, in as many trips as its capacity needs."""

    do: Literal["lift"]
    units: list[Id] = Field(min_length=1)
    to: Id
    return_: bool = Field(True, alias="return", description="sail/fly back after the last trip")


class AssaultOrder(_Order):
    do: Literal["assault"]
    target: Id


class DefendOrder(_Order):
    do: Literal["defend"]


class FireSupportOrder(_Order):
    do: Literal["fire_support"]
    target: Id
    sorties: Count


class WaitOrder(_Order):
    do: Literal["wait"]
    duration: Duration


Order = Annotated[
    MoveOrder | EmbarkOrder | DisembarkOrder | LiftOrder | AssaultOrder | DefendOrder | FireSupportOrder | WaitOrder,
    Field(discriminator="do"),
]


class When(Frozen):
    """A named condition: a place secured, or a side broken."""

    secured: Id | None = None
    broken: Id | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> When:
        if (self.secured is None) == (self.broken is None):
            raise ValueError("give exactly one condition: secured: PLACE or broken: SIDE")
        return self


class Phase(Frozen):
    """Orders issued together once every trigger holds (a time, other phases done, a condition)."""

    id: Id
    description: str = ""
    start: Time | None = Field(None, description="not before this time")
    after: Annotated[list[Id], BeforeValidator(_as_list)] = Field([], description="phases that must end first")
    when: When | None = None
    orders: list[Order] = []


# --- objectives and models --------------------------------------------------------------------------


class SecureObjective(Frozen):
    id: Id
    kind: Literal["secure"]
    place: Id
    within: Time | None = Field(None, description="time limit from the start of the run")


class MetricObjective(Frozen):
    id: Id
    kind: Literal["metric"]
    metric: str
    at_most: float | None = None
    at_least: float | None = None

    @model_validator(mode="after")
    def _a_bound(self) -> MetricObjective:
        if self.at_most is None and self.at_least is None:
            raise ValueError("give at_most, at_least or both")
        return self


Objective = Annotated[SecureObjective | MetricObjective, Field(discriminator="kind")]


class Combat(Frozen):
    law: Literal["square", "linear"] = Field(
        "square", description="square: aimed fire; linear: area fire (kill rate scales with target density)"
    )
    mode: Literal["stochastic", "deterministic"] = Field(
        "stochastic", description="stochastic: exact Markov-chain Lanchester; deterministic: the ODE"
    )
    # Killed share of battle casualties: about 1:3 killed:wounded in wars before 2001 and 1:9 to 1:11 in
    # Iraq/Afghanistan (PLANNING_FACTORS.md, Medical). 0.25 is the older ratio: no golden-hour care assumed.
    killed_fraction: Fraction = 0.25
    # Assumption: multipliers on an attacker's kill rate by the defender's position.
    defence_factor: dict[Defence, PositiveFloat] = {"open": 1.0, "prepared": 0.7, "fortified": 0.5}
    # Assumption: defender's kill rate while fire support on its place still has sorties to fly.
    suppression_factor: Annotated[float, Field(gt=0.0, le=1.0)] = 0.7


class Scenario(Frozen):
    """A whole scenario after loading: catalogue types merged in, overrides applied, references checked."""

    scenario: Meta
    catalog: str | list[str] | None = Field(None, description="unit catalogue file, relative to this file")
    unit_types: dict[Id, UnitType] = {}
    map: MapSpec
    sides: dict[Id, Side] = Field(min_length=1)
    units: list[UnitSpec] = Field(min_length=1)
    phases: list[Phase] = []
    objectives: list[Objective] = []
    combat: Combat = Combat()
    depots: list[Depot] = []
    supply_lines: list[SupplyLine] = []
    closures: list[Closure] = []
    traffic: list[Traffic] = []
    logistics: Logistics = Logistics()
    medical: Medical = Medical()


def metric_names(s: Scenario) -> list[str]:
    """Names of the metrics every replication of ``s`` reports, in column order."""
    objective_places = [p for p, place in s.map.places.items() if place.kind == "objective"]
    names = ["mission_success", "end_time_h"]
    names += [f"objective.{o.id}" for o in s.objectives]
    for p in objective_places:
        names += [f"secured.{p}", f"time_to_secure_h.{p}", f"engagement_h.{p}"]
    for side in s.sides:
        names += [f"killed.{side}", f"wounded.{side}", f"survivors.{side}"]
    names.append("sorties")
    names += [f"sorties.{u.id}" for u in s.units if s.unit_types.get(u.type, _NO_FS).fire_support]
    return names + _logistics_metric_names(s) + _medical_metric_names(s)


def _logistics_metric_names(s: Scenario) -> list[str]:
    carried = {cls for u in s.units for cls in s.unit_types.get(u.type, _NO_FS).carries}
    moved = {cls for line in s.supply_lines for cls in line.cargo}
    names = [f"delivered_t.{line.id}.{cls}" for line in s.supply_lines for cls in SUPPLY_CLASSES if cls in line.cargo]
    names += [f"lost_t.{cls}" for cls in SUPPLY_CLASSES if cls in moved]
    names += ["on_time_share"] if s.supply_lines else []
    names += [f"consumed.{cls}" for cls in SUPPLY_CLASSES if cls in carried]
    names += [f"stockout_h.{u.id}.{cls}" for u in s.units for cls in s.unit_types.get(u.type, _NO_FS).carries]
    names += [f"utilisation.{t}" for line in s.supply_lines for t in line.transports]
    for p, place in s.map.places.items():
        if place.berths:
            names += [f"berth_wait_h.{p}", f"berth_utilisation.{p}"]
    return names


_NO_FS = UnitType(strength=1)


def _medical_metric_names(s: Scenario) -> list[str]:
    med = s.medical
    if not med.facilities:
        return []
    names = ["casualties", *(f"casualties.{t}" for t in TRIAGE)]
    names += ["returned_to_duty", "evacuated", "died_of_wounds", "in_care"]
    names += ["t1_care_10min_share", "t1_resus_1h_share", "t1_surgery_1h_share", "t1_surgery_2h_share"]
    for f in med.facilities:
        names += [f"wait_h.{f.id}", f"wait_p90_h.{f.id}", f"queue_avg.{f.id}", f"team_utilisation.{f.id}"]
        if f.beds:
            names.append(f"peak_beds.{f.id}")
    for e in med.evacuation:
        names += [f"evac_wait_h.{e.to}", f"evac_wait_p90_h.{e.to}"]
    assets = dict.fromkeys(a for e in med.evacuation for a in e.assets)  # one asset may serve several legs
    names += [f"{kind}.{a}" for a in assets for kind in ("medevac_utilisation", "medevac_asset_wait_h")]
    return names


def is_indicator(metric: str) -> bool:
    """Metrics that are 0/1 outcomes, summarised as rates with Wilson intervals."""
    return metric == "mission_success" or metric.startswith(("secured.", "objective."))
