"""The scenario schema: what a scenario YAML may say, with defaults and units of measure.

Every model is frozen and forbids unknown fields. Times are float minutes (see ``durations``);
rates are per hour in the file, as planners quote them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema, field_validator, model_validator

from sim.config.cells import Cell, Request
from sim.config.daylight import Daylight
from sim.config.distributions import Span
from sim.config.durations import DATE_TIME_PATTERN as _DATE_TIME
from sim.config.durations import MIN_PER_H, Duration, Time
from sim.config.exercise import Command, DecisionPoint, Inject
from sim.config.fields import error_at
from sim.config.frozen import MAX_COUNT, MAX_QUANTITY, Fraction, Frozen, Id, PositiveFloat, Text, default_of
from sim.config.lines import SupplyLine
from sim.config.medical import Medical
from sim.config.orders import Order
from sim.config.suggest import did_you_mean
from sim.config.supply import (
    Amount,
    ClassSpec,
    Closure,
    Consumption,
    Depot,
    Logistics,
    SupplyClass,
    Traffic,
    unknown_class,
)
from sim.config.text import NAME_DOC

Mode = Literal["land", "sea", "air"]
PLACE_KINDS: tuple[str, ...] = (
    "port", "airfield", "beach", "objective", "depot", "hospital", "training_area", "anchorage"
)  # fmt: skip
PlaceKind = Id  # one of PLACE_KINDS, or a kind the scenario declares under map.kinds (checked by MapSpec)
Posture = Literal["hostile", "neutral", "civilian"]
ExerciseKind = Literal["combat", "relief", "mixed"]
Defence = Literal["open", "prepared", "fortified"]
MAX_EVENTS = 10_000_000  # default run budget: about a minute of computing per replication
MAX_DURATION_MIN = 3650 * 1440.0  # the run budget in simulated time: ten years (steady-state studies run long)


def _as_list(v: object) -> object:
    return [v] if isinstance(v, str) else v


# --- metadata and map -------------------------------------------------------------------------------

# a waypoint: [latitude, longitude], degrees (WGS 84)
LatLon = tuple[Annotated[float, Field(ge=-90, le=90)], Annotated[float, Field(ge=-180, le=180)]]
MAX_WAYPOINTS = 1000  # per route: a coastline followed closely, far below what slows a map


class Meta(Frozen):
    """The scenario's name, its H-hour and how long a run lasts."""

    name: Text = Field(
        description="title shown in tables and reports; one, or one per language code",
        examples=["Island retake", {"en": "Island retake", "ru": "Возвращение острова"}],
    )
    description: Text = Field(
        "",
        description="one line on what the scenario asks (exsim list shows it)",
        examples=["Marines retake an island held by an armed group."],
    )
    start: Annotated[datetime | None, WithJsonSchema({"type": ["string", "null"], "pattern": _DATE_TIME})] = Field(
        None,
        description="H-hour: the date and time of simulated minute 0; D+1 06:00 and dates count from it",
        examples=["2024-07-12T04:00"],
    )
    duration: Time = Field(description="the run stops at this time after H-hour", examples=["24h", "D+2 06:00"])
    daylight: Daylight | None = Field(
        None,
        description="day and night: sunrise and sunset computed for the map's centre (or lat, lon) on each date, "
        "or written as clock times; none: every hour is daylight",
        examples=[{}, {"sunrise": "06:10", "sunset": "18:40"}, {"lat": 43.65, "lon": 51.17, "utc_offset_h": 5}],
    )
    warmup: Time = Field(
        0.0,
        description="statistics of queues start at this time (steady-state studies): waits, queue lengths, "
        "utilisation and blocking at medical facilities, evacuation legs and port berths, and the medical "
        "chain's casualty counts and shares (casualties injured from then on); combat, supplies and "
        "objectives count the whole run",
        examples=["2d", "H+12"],
    )
    seed: int = Field(
        0, ge=0, description="base seed; replication i derives its random streams from (seed, i)", examples=[2024]
    )
    exercise: ExerciseKind = Field(
        "combat",
        description="what the exercise is about, so that reports speak its language: combat (killed, wounded, "
        "ground secured), relief (patients treated, supplies delivered, people served; never killed or "
        "wounded) or mixed (both)",
        examples=["relief"],
    )
    max_events: int = Field(
        MAX_EVENTS,
        gt=0,
        le=1_000_000_000,
        description="run budget: a replication that needs more simulated events than this stops with an error",
        examples=[50_000_000],
    )

    @field_validator("duration")
    @classmethod
    def _positive_duration(cls, duration: float) -> float:
        if duration <= 0:
            raise ValueError("duration must be longer than zero")
        if duration > MAX_DURATION_MIN:
            raise ValueError(f"duration may be at most {MAX_DURATION_MIN // 1440:g} days (the run budget)")
        return duration

    @field_validator("start")
    @classmethod
    def _dated(cls, start: datetime | None) -> datetime | None:
        """Every time of a scenario is within 100 years of H-hour, and each must be a date a calendar has."""
        if start is not None and not FIRST_YEAR <= start.year <= LAST_YEAR:
            raise ValueError(
                f"H-hour must be in the years {FIRST_YEAR} to {LAST_YEAR}, so that every time within 100 years "
                "of it is a date"
            )
        return start


FIRST_YEAR, LAST_YEAR = 1 + 101, 9999 - 101  # H-hour's years: every time within 100 years of it is a date


class Place(Frozen):
    """A named place on the map."""

    kind: PlaceKind = Field(
        description="what the place is: " + ", ".join(PLACE_KINDS) + ", or a kind declared under map.kinds "
        "(only an objective can be assaulted and secured)",
        examples=["port", "camp"],
    )
    lat: float = Field(ge=-90, le=90, description="latitude, degrees north (WGS 84)", examples=[43.175])
    lon: float = Field(ge=-180, le=180, description="longitude, degrees east (WGS 84)", examples=[51.66])
    defence: Defence = Field(
        "open", description="the defender's position there; divides the attacker's kill rate", examples=["fortified"]
    )
    berths: int | None = Field(
        None, gt=0, le=MAX_COUNT, description="ships alongside at once (ports); none = no limit", examples=[2]
    )
    description: Text = Field("", description="free text for the narration", examples=["landing beach"])
    name: Text | None = Field(None, description=NAME_DOC, examples=[{"en": "Kuryk port", "ru": "порт Курык"}])


class Route(Frozen):
    """A way between two places by one mode; travel time is its distance over the unit's speed for that mode."""

    id: Id | None = Field(None, description="needed only to close the route (closures:)", examples=["sea_lane"])
    from_: Id = Field(alias="from", description="place at one end", examples=["kuryk_port"])
    to: Id = Field(description="place at the other end", examples=["island_beach"])
    mode: Mode = Field(description="who can use it: units with a speed for this mode", examples=["sea"])
    distance_km: PositiveFloat = Field(description="length along the route, km", examples=[49.5])
    oneway: bool = Field(False, description="only from -> to (default: both ways)", examples=[True])
    name: Text | None = Field(None, description=NAME_DOC, examples=[{"en": "sea lane", "ru": "морской путь"}])
    via: list[LatLon] = Field(
        [],
        max_length=MAX_WAYPOINTS,
        description="waypoints [lat, lon] the route passes, in order from `from`; maps draw the route and the "
        "units on it through them (default: a straight line); each within distance_km of both ends",
        examples=[[[43.3, 51.5], [43.35, 51.3]]],
    )


class MapSpec(Frozen):
    """Places and the routes between them."""

    places: dict[Id, Place] = Field(
        min_length=1,
        description="places by name",
        examples=[{"kuryk_port": {"kind": "port", "lat": 43.175, "lon": 51.66}}],
    )
    routes: list[Route] = Field(
        [],
        description="routes between places",
        examples=[[{"from": "kuryk_port", "to": "island_beach", "mode": "sea", "distance_km": 49.5}]],
    )
    kinds: dict[Id, Text] = Field(
        {},
        description="place kinds of this scenario beyond the built-in ones (" + ", ".join(PLACE_KINDS) + "), "
        "each with its name as the reports say it; the model treats them as plain places",
        examples=[{"camp": {"en": "camp", "ru": "лагерь"}, "landing_zone": {"en": "landing zone", "ru": "площадка"}}],
    )

    @model_validator(mode="after")
    def _known_kinds(self) -> MapSpec:
        for kind in self.kinds:
            if kind in PLACE_KINDS:
                raise error_at("MapSpec", ("kinds", kind), f"{kind!r} is a built-in place kind already", kind)
        for name, place in self.places.items():
            if place.kind not in PLACE_KINDS and place.kind not in self.kinds:
                hint = did_you_mean(place.kind, [*PLACE_KINDS, *self.kinds])
                raise error_at(
                    "MapSpec",
                    ("places", name, "kind"),
                    f"{place.kind!r} is not a place kind" + (f"; {hint}" if hint else "") + f" (built in: "
                    f"{', '.join(PLACE_KINDS)}; declare others under map.kinds, "
                    f"e.g. {place.kind}: {{en: ..., ru: ...}})",
                    place.kind,
                )
        return self


class Side(Frozen):
    """A side (coalition, armed group): who fights whom."""

    nations: list[str] = Field([], description="nations a unit of this side may name", examples=[["AZE", "KAZ"]])
    name: Text | None = Field(None, description=NAME_DOC, examples=[{"en": "Coalition", "ru": "коалиция"}])
    break_fraction: float = Field(
        0.5,
        ge=0.0,
        lt=1.0,
        description="an engaged side breaks when its strength falls below this share of what its engaged "
        "units had at the start of the run, so earlier losses (preparatory fires) count (0 to 1)",
        examples=[0.4],
    )
    description: Text = Field("", description="free text", examples=["the coalition's forces"])
    posture: Posture = Field(
        "hostile",
        description="hostile: fights every other hostile side; neutral or civilian: fights no one and no one "
        "fights it (a party to the exercise, a population), though its people may become casualties and be "
        "served by the medical chain (medical.sides)",
        examples=["civilian"],
    )

    @property
    def fights(self) -> bool:
        return self.posture == "hostile"


# --- unit catalogue ----------------------------------------------------------------------------------


class FireSupport(Frozen):
    """Aircraft sorties or naval fire missions against a place (area fire on its defenders)."""

    cycle_min: Duration = Field(
        description="turnaround between sorties / fire missions of one platform (minutes, or 90min, 2h)",
        examples=["90min"],
    )
    kill_prob: Fraction = Field(
        description="probability that one exposed defending element is hit by one sortie (open terrain; 0 to 1)",
        examples=[0.02],
    )
    range_km: PositiveFloat | None = Field(
        None,
        description="fires from where it is when the target is within this map distance, km; "
        "when absent the platform flies to the target and back on every sortie",
        examples=[20],
    )
    per_sortie: dict[SupplyClass, Amount] = Field(
        {},
        description="drawn from the platform's own stocks for each sortie (fuel in L, others in t); "
        "none left, no sortie",
        examples=[{"fuel": 1800, "ammunition": 0.5}],
    )


class FlightDeck(Frozen):
    """Helicopter spots on a ship: each launch and each recovery holds one spot for ``cycle``."""

    spots: int = Field(gt=0, le=MAX_COUNT, description="aircraft launched or recovered at once", examples=[4])
    cycle: Duration = Field(
        description="time one launch or one recovery holds a spot (minutes, or 15min, 1h)", examples=["15min"]
    )


class WellDeck(Frozen):
    """A floodable dock on a ship: landing craft launched and recovered through it, ``craft`` at a time."""

    craft: int = Field(gt=0, le=MAX_COUNT, description="landing craft launched or recovered at once", examples=[2])
    cycle: Duration = Field(
        description="time one launch or one recovery holds the dock (minutes, or 30min, 1h)", examples=["30min"]
    )


class UnitType(Frozen):
    """A kind of unit in the catalogue: its strength, speeds, fire and what it carries."""

    description: Text = Field("", description="what the type is", examples=["Medium landing ship (Polnocny class)"])
    strength: int = Field(
        gt=0, le=MAX_COUNT, description="default number of elements: people, or platforms/vehicles", examples=[120]
    )
    personnel_per_element: int = Field(
        1, ge=0, le=MAX_COUNT, description="people in one element (crew of a ship or vehicle)", examples=[40]
    )
    element: Literal["person", "platform"] | None = Field(
        None,
        description="what one element is, for counting losses in people or in platforms; "
        "default: a person when personnel_per_element is 1, else a platform (ship, aircraft, vehicle)",
        examples=["platform"],
    )
    speed_kmh: dict[Mode, PositiveFloat] = Field(
        {}, description="speed by mode, km/h; a unit uses only routes of these modes", examples=[{"sea": 33.3}]
    )
    night: bool = Field(
        True,
        description="works at night; false: sets off and flies sorties only in daylight (scenario.daylight), "
        "waiting for it at night",
        examples=[False],
    )
    kill_rate_per_h: float = Field(
        0.0,
        ge=0,
        le=MAX_QUANTITY,
        description="aimed-fire kills per element per hour against an unprotected target in the open; under the "
        "square law dB/dt = -a·A, under the linear law dB/dt = -(a/B0)·A·B, B0 being the target side's engaged "
        "strength at the start of the run (so both laws give a·A kills an hour at the first instant)",
        examples=[0.12],
    )
    protection: PositiveFloat = Field(
        1.0, description="divides the enemy's kill rate against this type (1 = none)", examples=[2.0]
    )
    capacity_personnel: int = Field(
        0, ge=0, le=MAX_COUNT, description="passengers per element (transports)", examples=[180]
    )
    deck_slots: int = Field(
        0,
        ge=0,
        le=MAX_COUNT,
        description="vehicle deck slots per element (transports); one slot holds one main battle tank",
        examples=[6],
    )
    slots_per_element: float = Field(
        0.0,
        ge=0,
        le=MAX_QUANTITY,
        description="deck slots one element takes aboard a transport (vehicles; their crews ride inside); "
        "0: its people take passenger seats",
        examples=[1.0],
    )
    weight_t: float = Field(
        0.0,
        ge=0,
        le=MAX_QUANTITY,
        description="tonnes one element weighs aboard a transport, counted against its cargo_t",
        examples=[44.5],
    )
    litters: int = Field(
        0, ge=0, le=MAX_COUNT, description="stretcher casualties per element (MEDEVAC assets)", examples=[6]
    )
    load_min: Span = Field(
        30.0,
        description="time to load passengers or cargo (minutes, or 40min, 1h; the same every time); or a "
        "distribution object",
        examples=["40min"],
    )
    unload_min: Span = Field(
        20.0,
        description="time to unload passengers or cargo (minutes, or 20min, 1h; the same every time); or a "
        "distribution object",
        examples=["20min"],
    )
    fire_support: FireSupport | None = Field(
        None,
        description="sorties or fire missions this type can fly or fire (fire_support orders)",
        examples=[{"cycle_min": "90min", "kill_prob": 0.02}],
    )
    carries: dict[SupplyClass, PositiveFloat] = Field(
        {},
        description="stock each element carries, by class (fuel and water in L, others in t); units start full",
        examples=[{"water": 10, "ammunition": 0.012}],
    )
    consumption: Consumption = Field(
        {},
        description="use per element per hour, by activity (idle, moving, combat) and class (L or t), "
        "besides logistics.per_person_day",
        examples=[{"combat": {"ammunition": 0.004}}],
    )
    cargo_t: float = Field(
        0.0,
        ge=0,
        le=MAX_QUANTITY,
        description="cargo per element, tonnes (transports): supplies, and the weight of units lifted",
        examples=[180],
    )
    flight_deck: FlightDeck | None = Field(
        None,
        description="a flight deck (ships): aircraft embarked on a unit of this type (units: aboard:) launch "
        "from it and are recovered to it wherever the ship is, queueing for its spots",
        examples=[{"spots": 4, "cycle": "15min"}],
    )
    well_deck: WellDeck | None = Field(
        None,
        description="a well deck (ships): landing craft embarked on a unit of this type (units: aboard:) "
        "launch through it and are recovered through it wherever the ship is, queueing for the dock",
        examples=[{"craft": 2, "cycle": "30min"}],
    )

    @cached_property
    def kill_rate_per_min(self) -> float:
        return self.kill_rate_per_h / MIN_PER_H

    @cached_property
    def consumption_per_min(self) -> dict[str, dict[str, float]]:
        """Per element per minute, by activity and class."""
        return {act: {cls: a / MIN_PER_H for cls, a in by.items()} for act, by in self.consumption.items()}


class Catalog(Frozen):
    """A unit catalogue file: ``unit_types:`` and an optional description."""

    description: Text = Field("", description="one line on the catalogue (exsim list shows it)")
    unit_types: dict[Id, UnitType] = Field(
        description="unit types by name", examples=[{"patrol_boat": {"strength": 1, "speed_kmh": {"sea": 40}}}]
    )
    kinds: dict[Id, Text] = Field(
        {},
        description="place kinds for the scenarios that use this catalogue (as map.kinds; a scenario's own win)",
        examples=[{"camp": {"en": "camp", "ru": "лагерь"}}],
    )
    classes: dict[Id, ClassSpec] = Field(
        {},
        description="supply classes for the scenarios that use this catalogue (as logistics.classes; a "
        "scenario's own win)",
        examples=[{"shelter": {"measure": "t"}}],
    )


# --- forces, orders, phases -------------------------------------------------------------------------


class UnitSpec(Frozen):
    """A unit of the scenario: an instance of a catalogue type on a side, at a place or aboard another unit."""

    id: Id = Field(description="the unit's name, used by orders", examples=["mar-1"])
    type: Id = Field(description="its unit type (catalogue or unit_types:)", examples=["marine_infantry_company"])
    side: Id = Field(description="its side (sides:)", examples=["coalition"])
    nation: str | None = Field(None, description="its nation; listed under its side's nations", examples=["KAZ"])
    # left out only with aboard: (then Scenario._carriers gives it the carrier's place before validation)
    at: Id = Field(
        None,  # type: ignore[assignment]
        description="the place where it starts; with aboard: it may be left out (it is where the carrier is)",
        examples=["kuryk_port"],
    )
    name: Text | None = Field(
        None, description=NAME_DOC, examples=[{"en": "1st Marine Company", "ru": "1-я рота морской пехоты"}]
    )
    strength: int | None = Field(
        None, gt=0, le=MAX_COUNT, description="elements; defaults to the type's strength", examples=[2]
    )
    together: bool = Field(
        False,
        description="a unit of several platforms (aircraft, vehicles) in transport roles (CASEVAC, lift) moves "
        "as one; by default each platform flies or drives on its own",
        examples=[True],
    )
    aboard: Id | None = Field(
        None,
        description="a transport unit it starts embarked on, taking room as a lift does; it moves with it, "
        "and aircraft and landing craft aboard a ship with a flight or well deck operate from that deck",
        examples=["lhd-1"],
    )

    @model_validator(mode="before")
    @classmethod
    def _placed(cls, data: object) -> object:
        """A unit starts at a place; one aboard a carrier is given the carrier's (by ``Scenario._carriers``)."""
        if isinstance(data, dict) and data.get("at") is None and data.get("aboard") is None:
            raise ValueError("give at: (the place where it starts) or aboard: (the unit it starts on)")
        if isinstance(data, dict) and data.get("at") is None and data.get("aboard") is not None:
            if data["aboard"] == data.get("id"):
                raise ValueError("a unit cannot be aboard itself")
            raise ValueError(
                f"aboard: {data['aboard']} is no unit of this scenario that starts at a place (at:); check the "
                "name, and that no units are aboard one another in a cycle"
            )
        return data


class When(Frozen):
    """A named condition: a place secured, or a side broken."""

    secured: Id | None = Field(None, description="true once this place is secured", examples=["island"])
    broken: Id | None = Field(None, description="true once this side has broken", examples=["armed_group"])

    @model_validator(mode="after")
    def _exactly_one(self) -> When:
        if (self.secured is None) == (self.broken is None):
            raise ValueError("give exactly one condition: secured: PLACE or broken: SIDE")
        return self


_ID_SCHEMA = {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9_-]*$"}
_ONE_OR_MORE_IDS = {"anyOf": [_ID_SCHEMA, {"type": "array", "items": _ID_SCHEMA}]}


class Phase(Frozen):
    """Orders issued together once every trigger holds (a time, other phases done, a condition)."""

    id: Id = Field(description="the phase's name", examples=["assault"])
    description: Text = Field("", description="free text for the narration", examples=["the main assault"])
    name: Text | None = Field(None, description=NAME_DOC, examples=[{"en": "assault", "ru": "штурм"}])
    start: Time | None = Field(None, description="not before this time", examples=["H+6", "D+1 06:00"])
    after: Annotated[list[Id], BeforeValidator(_as_list), WithJsonSchema(_ONE_OR_MORE_IDS)] = Field(
        [], description="phases that must end first (a name or a list)", examples=[["landing", "shaping"]]
    )
    when: When | None = Field(None, description="a condition that must hold", examples=[{"secured": "island"}])
    on_call: bool = Field(
        False, description="starts only when a decision point's option starts it (start_phase:)", examples=[True]
    )
    orders: list[Order] = Field(
        [],
        description="orders issued when the phase starts; a unit runs its orders one after another",
        examples=[[{"unit": "mar-1", "do": "assault", "target": "island"}]],
    )


# --- objectives and models --------------------------------------------------------------------------


class OnlyIf(Frozen):
    """The condition under which an objective counts: an option taken, or a phase started."""

    option: str | None = Field(
        None,
        description="a decision point's option, as POINT.OPTION: counts only if it was taken",
        examples=["beach.b"],
    )
    phase: Id | None = Field(None, description="counts only if this phase started", examples=["landing_b"])

    @model_validator(mode="after")
    def _exactly_one(self) -> OnlyIf:
        if (self.option is None) == (self.phase is None):
            raise ValueError("give exactly one of option: POINT.OPTION or phase: PHASE")
        if self.option is not None and self.option.count(".") != 1:
            raise ValueError(f"option: {self.option!r} is not POINT.OPTION (e.g. beach.b)")
        return self


_ONLY_IF = Field(
    None,
    description="counted only if this option was taken or this phase started; otherwise not applicable "
    "(neither met nor failed; mission_success leaves it out)",
    examples=[{"option": "beach.b"}, {"phase": "landing_b"}],
)


class SecureObjective(Frozen):
    """A place to secure, optionally by a time."""

    name: Text | None = Field(
        None,
        description="what it asks, in words (default: worded from its definition); one, or one per language code",
        examples=[{"en": "Retake the island within 8 hours", "ru": "Вернуть остров в течение 8 ч"}],
    )

    id: Id = Field(description="the objective's name (metric objective.<id>)", examples=["secure_island"])
    kind: Literal["secure"] = Field(description="secure a place", examples=["secure"])
    place: Id = Field(description="the place (of kind objective)", examples=["island"])
    within: Time | None = Field(None, description="time limit after H-hour", examples=["8h", "H+12"])
    only_if: OnlyIf | None = _ONLY_IF


CARE_MILESTONES = ("first_aid", "role1", "role2", "surgery")
CARE_WITHIN = "care_within"  # the metric objective that names a care milestone and a window


class MetricObjective(Frozen):
    """A bound on a metric of the run, at its end or (within:) at some time by a limit."""

    name: Text | None = Field(
        None,
        description="what it asks, in words (default: worded from its definition); one, or one per language code",
        examples=[{"en": "Retake the island within 8 hours", "ru": "Вернуть остров в течение 8 ч"}],
    )

    id: Id = Field(description="the objective's name (metric objective.<id>)", examples=["limit_losses"])
    kind: Literal["metric"] = Field(description="bound a metric", examples=["metric"])
    metric: str = Field(
        description="a metric's name (exsim run lists them), or care_within (with care: and within_h:)",
        examples=["killed.coalition", "care_within"],
    )
    at_most: float | None = Field(None, description="met when the metric is at most this", examples=[10])
    at_least: float | None = Field(None, description="met when the metric is at least this", examples=[0.9])
    within: Time | None = Field(
        None,
        description="judged by this time after H-hour (default: at the end of the run): a lower bound on a total "
        "is met when it first holds; an upper bound or a bound on a share is read at this time",
        examples=["24h", "D+1 06:00"],
    )
    care: Literal["first_aid", "role1", "role2", "surgery"] | None = Field(
        None,
        description="with metric: care_within: the milestone (first_aid at the point of injury, role1, role2 "
        "reached, surgery begun)",
        examples=["surgery"],
    )
    within_h: PositiveFloat | None = Field(
        None,
        description="with metric: care_within: the window from injury, hours; the metric is the share of the "
        "triage category's casualties that reached the milestone within it",
        examples=[6],
    )
    triage: Literal["T1", "T2", "T3"] = Field(
        "T1", description="with metric: care_within: the triage category counted", examples=["T2"]
    )
    only_if: OnlyIf | None = _ONLY_IF

    @model_validator(mode="after")
    def _a_bound(self) -> MetricObjective:
        if self.at_most is None and self.at_least is None:
            raise ValueError("give at_most, at_least or both")
        if self.metric == CARE_WITHIN:
            if self.care is None or self.within_h is None:
                raise ValueError("metric: care_within needs care: (first_aid, role1, role2 or surgery) and within_h:")
            if self.within is not None:
                raise ValueError("metric: care_within is read at the end of the run: it takes no within:")
        elif self.care is not None or self.within_h is not None:
            raise ValueError("care: and within_h: go with metric: care_within")
        return self


Objective = Annotated[SecureObjective | MetricObjective, Field(discriminator="kind")]

# the exercise schema's decision options carry orders, defined above


class Combat(Frozen):
    """How engagements are fought."""

    law: Literal["square", "linear"] = Field(
        "square",
        description="square: aimed fire; linear: area fire (kill rate scales with target density)",
        examples=["linear"],
    )
    mode: Literal["stochastic", "deterministic"] = Field(
        "stochastic",
        description="stochastic: exact Markov-chain Lanchester; deterministic: the ODE",
        examples=["deterministic"],
    )
    # Killed share of battle casualties: about 1:3 killed:wounded in wars before 2001 and 1:9 to 1:11 in
    # Iraq/Afghanistan (docs/planning_factors.md, Medical). 0.25 is the older ratio: no golden-hour care assumed.
    killed_fraction: Fraction = Field(
        0.25, description="share of battle casualties killed; the rest are wounded (0 to 1)", examples=[0.1]
    )
    # Assumption: multipliers on an attacker's kill rate by the defender's position.
    defence_factor: dict[Defence, PositiveFloat] = Field(
        {"open": 1.0, "prepared": 0.7, "fortified": 0.5},
        description="multiplier on an attacker's kill rate, by the defender's position (assumption)",
        examples=[{"fortified": 0.4}],
    )
    # Assumption: defender's kill rate while fire support on its place still has sorties to fly.
    suppression_factor: Annotated[float, Field(gt=0.0, le=1.0)] = Field(
        0.7,
        description="multiplier on a defender's kill rate while fire support on its place goes on (assumption)",
        examples=[0.5],
    )


class Analysis(Frozen):
    """How results are read: whose side the verdicts take, and which metrics the short summary shows."""

    side: Id | None = Field(
        None,
        description="the side whose point of view compare takes (an opponent's gain is our loss); "
        "default: the side that has the objectives",
        examples=["coalition"],
    )
    headline: list[str] = Field(
        [],
        description="metrics shown in the short summary, e.g. [time_to_secure_h.island, killed.coalition]; "
        "default: the ones the models mark as headline",
        examples=[["time_to_secure_h.island", "killed.coalition"]],
    )


def _starting_place(specs: dict[object, Any], thing: dict[str, object]) -> object:
    """Where a unit (a mapping, before validation) starts: its at:, else its carrier's, up the chain of aboard:
    (None: an unknown carrier or a cycle, which UnitSpec and the checks report)."""
    seen = {thing.get("id")}
    while thing.get("at") is None and thing.get("aboard") is not None:
        carrier = specs.get(thing["aboard"])
        if not isinstance(carrier, dict) or thing["aboard"] in seen:
            return None
        seen.add(thing["aboard"])
        thing = carrier
    return thing.get("at")


class Scenario(Frozen):
    """A whole scenario after loading: catalogue types merged in, overrides applied, references checked."""

    scenario: Meta = Field(
        description="name, H-hour, duration and seed",
        examples=[{"name": "Island retake", "start": "2024-07-12T04:00", "duration": "24h", "seed": 2024}],
    )
    catalog: str | list[str] | None = Field(
        None,
        description="unit catalogues: exsim:NAME for a shipped one (exsim list), or files relative to this one; "
        "later ones replace earlier types of the same name",
        examples=["exsim:units", ["exsim:units", "my_units.yaml"]],
    )
    unit_types: dict[Id, UnitType] = Field(
        {},
        description="unit types of this scenario; they replace catalogue types of the same name",
        examples=[{"barge": {"strength": 1, "speed_kmh": {"sea": 8}, "capacity_personnel": 60}}],
    )
    map: MapSpec = Field(
        description="places and routes",
        examples=[{"places": {"port": {"kind": "port", "lat": 43.1, "lon": 51.6}}, "routes": []}],
    )
    sides: dict[Id, Side] = Field(
        min_length=1, description="the sides, by name", examples=[{"coalition": {}, "armed_group": {}}]
    )
    units: list[UnitSpec] = Field(
        min_length=1,
        description="the units",
        examples=[[{"id": "mar-1", "type": "marine_infantry_company", "side": "coalition", "at": "kuryk_port"}]],
    )
    phases: list[Phase] = Field(
        [], description="phases of the plan", examples=[[{"id": "landing", "start": "H+1", "orders": []}]]
    )
    objectives: list[Objective] = Field(
        [],
        description="what success means; mission_success is all of them met",
        examples=[[{"id": "secure_island", "kind": "secure", "place": "island", "within": "8h"}]],
    )
    combat: Combat = Field(default_of(Combat), description="how engagements are fought", examples=[{"law": "linear"}])
    depots: list[Depot] = Field(
        [],
        description="supply depots",
        examples=[[{"id": "kuryk_depot", "at": "kuryk_port", "stocks": {"fuel": {"initial": 1e5, "capacity": 6e5}}}]],
    )
    supply_lines: list[SupplyLine] = Field(
        [],
        description="transports carrying supplies between depots, trip after trip",
        examples=[[{"id": "sea", "transports": ["ferry-1"], "from": "a", "to": "b", "cargo": {"fuel": 2e5}}]],
    )
    closures: list[Closure] = Field(
        [], description="routes closed for a while", examples=[[{"route": "sea_lane", "start": "10d", "end": "12d"}]]
    )
    traffic: list[Traffic] = Field(
        [],
        description="other ships competing for berths",
        examples=[[{"port": "kuryk_port", "arrivals_per_day": 0.8, "berth_time": "12h"}]],
    )
    logistics: Logistics = Field(
        default_of(Logistics), description="planning factors of supply", examples=[{"refill_below": 0.5}]
    )
    medical: Medical = Field(default_of(Medical), description="the chain of care", examples=[{"sides": ["coalition"]}])
    command: Command = Field(
        default_of(Command),
        description="the combined HQ, national command chains and the delays of orders",
        examples=[{"hq_nation": "KAZ", "interoperability": {"delay": "30min"}}],
    )
    injects: list[Inject] = Field(
        [],
        description="the MSEL: timed or triggered injects and their effects",
        examples=[[{"id": "storm", "at": "D+1 06:00", "effects": [{"type": "close_routes", "mode": "sea"}]}]],
    )
    decision_points: list[DecisionPoint] = Field(
        [],
        description="decisions the players take: options, each with effects, orders or a phase to start",
        examples=[[{"id": "reserve", "at": "H+4", "options": {"hold": {}, "commit": {}}, "default": "hold"}]],
    )
    decisions: dict[Id, Id] = Field(
        {},
        description="the option taken at each decision point (default: the point's default)",
        examples=[{"reserve": "commit"}],
    )
    analysis: Analysis = Field(
        default_of(Analysis),
        description="how results are read",
        examples=[{"side": "coalition", "headline": ["killed.coalition"]}],
    )
    cells: list[Cell] = Field(
        [],
        description="player cells: a nation's staff or a headquarters, each with the units it commands",
        examples=[[{"id": "aze", "nation": "AZE", "units": ["sf-1", "ls-1"]}]],
    )
    requests: list[Request] = Field(
        [],
        description="what one cell may ask of another, and what a grant does",
        examples=[[{"id": "strike", "from": "aze", "to": "uzb", "grant": {"start_phase": "strike"}}]],
    )

    @model_validator(mode="before")
    @classmethod
    def _carriers(cls, data: object) -> object:
        """A unit embarked on another (``aboard:``) without ``at:`` starts where its carrier does; the input
        is copied, not changed. Unknown carriers and cycles are left for UnitSpec and the checks to report."""
        if not isinstance(data, dict):
            return data
        units = data.get("units")
        if not isinstance(units, list) or not any(isinstance(u, dict) and u.get("aboard") for u in units):
            return data
        specs = {u.get("id"): u for u in units if isinstance(u, dict)}
        filled = []
        for u in units:
            at = _starting_place(specs, u) if isinstance(u, dict) and u.get("aboard") is not None else None
            filled.append({**u, "at": at} if at is not None and u.get("at") is None else u)
        return {**data, "units": filled}

    @model_validator(mode="before")
    @classmethod
    def _depots_aboard(cls, data: object) -> object:
        """A depot ``aboard:`` a unit is given the unit's starting place as at: (where it is at the start, for the
        checks and the plan); an at: given must be that place (as a stored scenario gives it back), as a unit's
        aboard another must. The input is copied, not changed."""
        if not isinstance(data, dict) or not isinstance(depots := data.get("depots"), list):
            return data
        if not any(isinstance(d, dict) and d.get("aboard") is not None for d in depots):
            return data
        units = data.get("units")
        specs = {u.get("id"): u for u in units if isinstance(u, dict)} if isinstance(units, list) else {}
        filled = []
        for i, d in enumerate(depots):
            if isinstance(d, dict) and d.get("aboard") is not None:
                carrier = specs.get(d["aboard"])
                at = _starting_place(specs, carrier) if isinstance(carrier, dict) else None
                if d.get("at") is not None and at is not None and d["at"] != at:
                    msg = f"{d.get('id')} is aboard {d['aboard']}, which starts at {at} (leave at: out)"
                    raise error_at("Scenario", ("depots", i, "at"), msg, d["at"])
                d = {**d, "at": at} if at is not None else d
            filled.append(d)
        return {**data, "depots": filled}

    @model_validator(mode="before")
    @classmethod
    def _civilians(cls, data: object) -> object:
        """DNBI by group without civilian_sides: the sides with posture: civilian (the input is copied, not
        changed)."""
        if not isinstance(data, dict) or not isinstance(med := data.get("medical"), dict):
            return data
        dnbi, sides = med.get("dnbi_per_1000_per_day"), data.get("sides")
        if not isinstance(dnbi, dict) or "civilian_sides" in dnbi or not isinstance(sides, dict):
            return data
        civil = [n for n, side in sides.items() if isinstance(side, dict) and side.get("posture") == "civilian"]
        return {**data, "medical": {**med, "dnbi_per_1000_per_day": {**dnbi, "civilian_sides": civil}}}

    @model_validator(mode="after")
    def _supply_classes(self) -> Scenario:
        """Every supply class named is built in or declared under logistics.classes (first one found)."""
        known = self.logistics.class_names
        for loc, cls in _classes_named(self):
            if cls not in known:
                raise error_at("Scenario", loc, unknown_class(cls, known), cls)
        return self


def _classes_named(s: Scenario) -> Iterator[tuple[tuple[int | str, ...], str]]:
    """Where the scenario names a supply class: (the field's place, the class)."""
    for i, d in enumerate(s.depots):
        yield from ((("depots", i, "stocks", c), c) for c in d.stocks)
    for i, line in enumerate(s.supply_lines):
        yield from ((("supply_lines", i, "cargo", c), c) for c in line.cargo)
    for name, t in s.unit_types.items():
        yield from ((("unit_types", name, "carries", c), c) for c in t.carries)
        for act, by in t.consumption.items():
            yield from ((("unit_types", name, "consumption", act, c), c) for c in by)
        if t.fire_support is not None:
            yield from ((("unit_types", name, "fire_support", "per_sortie", c), c) for c in t.fire_support.per_sortie)
    for section in ("injects", "decision_points", "phases"):
        yield from _class_fields(getattr(s, section), (section,))


def _class_fields(node: object, loc: tuple[int | str, ...]) -> Iterator[tuple[tuple[int | str, ...], str]]:
    """The ``class:`` fields (stock triggers, supply losses) anywhere below ``node``."""
    if isinstance(node, Frozen):
        for name in type(node).model_fields:
            value = getattr(node, name)
            if name == "class_" and isinstance(value, str):
                yield (*loc, "class"), value
            elif value is not None and not isinstance(value, str | int | float):
                yield from _class_fields(value, (*loc, type(node).model_fields[name].alias or name))
    elif isinstance(node, list | tuple):
        for i, item in enumerate(node):
            yield from _class_fields(item, (*loc, i))
    elif isinstance(node, dict):
        for k, item in node.items():
            yield from _class_fields(item, (*loc, k))
