"""Schema of exercise control: command chains, the MSEL (injects) and decision points.

An inject or a decision point happens at a time (``at: H+6``), on a trigger (``when:``), or on a
trigger not before a time (both). Its effects come from one closed set (``Effect``), applied by one
mechanism at run time (``sim.models.injects``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema, model_validator

from sim.config.distributions import Span, Uniform, mean_of
from sim.config.durations import Duration, Time, parse_range
from sim.config.frozen import Count, Fraction, Frozen, Id, PositiveFloat, Quantity, Text, default_of
from sim.config.orders import Order
from sim.config.supply import Destination, SupplyClass
from sim.config.text import NAME_DOC

# --- command and control ------------------------------------------------------------------------------


class Echelon(Frozen):
    """One headquarters an order passes through, and the time it takes there."""

    name: Id = Field(description="the headquarters", examples=["kaz_naval_hq"])
    title: Text | None = Field(
        None, description=NAME_DOC, examples=[{"en": "KAZ Naval HQ", "ru": "штаб ВМС Казахстана"}]
    )
    delay: Span = Field(
        description="time to pass the order on (minutes, or 20min, 1h; the same every time); or a distribution object",
        examples=["20min"],
    )


class Chain(Frozen):
    """A nation's command chain below the combined headquarters."""

    id: Id = Field(description="the chain's name", examples=["kaz_marines"])
    nation: str = Field(description="the nation whose units it commands", examples=["KAZ"])
    echelons: list[Echelon] = Field(
        [],
        description="headquarters from the combined HQ down to the unit, each with its delay",
        examples=[[{"name": "kaz_naval_hq", "delay": "20min"}, {"name": "marine_bn", "delay": "10min"}]],
    )
    units: list[Id] = Field(
        [],
        description="units on this chain; empty: every unit of the nation not listed in another chain",
        examples=[["mar-1", "mar-2"]],
    )

    @property
    def delay_min(self) -> float:
        """The mean delay down the chain (each echelon's number, or its distribution's mean)."""
        return sum(mean_of(e.delay) for e in self.echelons)


class NationPair(Frozen):
    """The interoperability delay for orders from the combined HQ's nation to another nation."""

    nation: str = Field(description="the receiving nation", examples=["TJK"])
    delay: Span = Field(
        description="extra delay per order (minutes, or 45min; the same every time); or a distribution object",
        examples=["45min"],
    )


class Interoperability(Frozen):
    """The extra delay when an order crosses from the combined HQ's nation to another nation."""

    delay: Span = Field(
        0.0,
        description="extra delay per cross-nation order (the same every time); or a distribution object",
        examples=["30min"],
    )
    pairs: list[NationPair] = Field(
        [],
        description="a delay for one receiving nation instead of delay",
        examples=[[{"nation": "TJK", "delay": "45min"}]],
    )
    liaison: list[str] = Field(
        [],
        description="nations with liaison officers at the combined HQ: their delay is multiplied by liaison_factor",
        examples=[["TJK", "KGZ"]],
    )
    # Assumption: liaison officers or a common procedure halve the friction of a cross-nation order.
    liaison_factor: Fraction = Field(
        0.5, description="multiplier on the delay with liaison officers (assumption)", examples=[0.5]
    )
    common_procedure: bool = Field(
        False,
        description="every nation works to one procedure: every delay is multiplied by common_procedure_factor",
        examples=[True],
    )
    common_procedure_factor: Fraction = Field(
        0.5, description="multiplier on the delay under a common procedure (assumption)", examples=[0.5]
    )


class Command(Frozen):
    """The combined headquarters, the national command chains under it and the friction between nations."""

    hq_nation: str | None = Field(
        None,
        description="the nation leading the combined HQ; orders to units of other nations cross nations",
        examples=["KAZ"],
    )
    chains: list[Chain] = Field([], description="national command chains", examples=[[{"id": "kaz", "nation": "KAZ"}]])
    interoperability: Interoperability = Field(
        default_of(Interoperability), description="extra delay for cross-nation orders", examples=[{"delay": "30min"}]
    )


# --- effects: the closed set an inject or a decision option may cause -----------------------------------


def _range(value: object) -> object:
    """``'4h..8h'``: a time drawn uniformly between the two (a distribution object otherwise as written)."""
    if isinstance(value, str) and ".." in value:
        low, high = parse_range(value)
        return Uniform(distribution="uniform", min=low, max=high)
    return value


Lasting = Annotated[
    Span,
    BeforeValidator(_range),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "description": "minutes"},
                {"type": "string", "description": "a duration (6h), or a range drawn uniformly: 4h..8h"},
                {"type": "object", "description": "a distribution object: {distribution: uniform, min: 4h, max: 8h}"},
            ]
        }
    ),
]
"""How long an effect lasts: a duration, a range ``4h..8h`` (uniform), or a distribution object; drawn
each time the effect happens from its own stream (``sim.models.injects.apply``)."""

_FOR_DOC = (
    "how long it lasts (minutes, or 6h, 1d); or a range drawn uniformly (4h..8h); or a distribution object, "
    "e.g. {distribution: triangular, min: 4h, mode: 6h, max: 12h}"
)
_FOR = Field(description=_FOR_DOC, examples=["6h", "4h..8h"], alias="for")
_FOR_OPTIONAL = Field(
    None, description=f"{_FOR_DOC}; none: for the rest of the run", examples=["6h", "4h..8h"], alias="for"
)


class _Lasting(Frozen):
    """An effect with a ``for:`` (its subclasses declare ``for_``), which must be longer than zero."""

    @model_validator(mode="after")
    def _positive_for(self) -> _Lasting:
        minutes = getattr(self, "for_", None)
        if isinstance(minutes, float | int) and minutes <= 0:
            raise ValueError("'for' must be longer than zero")
        return self


class _Routes(Frozen):
    routes: list[Id] = Field([], description="route ids (map.routes)", examples=[["alat_kuryk"]])
    mode: Literal["land", "sea", "air"] | None = Field(None, description="every route of this mode", examples=["sea"])
    places: list[Id] = Field(
        [], description="an area: every route with an end at one of these places", examples=[["kuryk_port"]]
    )

    @model_validator(mode="after")
    def _selects(self) -> _Routes:
        if not self.routes and self.mode is None and not self.places:
            raise ValueError("select routes by routes:, mode: or places: (an area)")
        return self


class CloseRoutes(_Routes, _Lasting):
    """Close routes (sea state, a closed road). Travellers already under way follow ``at_sea``."""

    type: Literal["close_routes"] = Field(description="the effect", examples=["close_routes"])
    for_: Lasting | None = _FOR_OPTIONAL
    at_sea: Literal["go_on", "turn_back"] = Field(
        "go_on",
        description="go_on: travellers already under way carry on; turn_back: those whose way still ahead uses "
        "a closed route turn round and come back to where they set out, taking as long as they had been out",
        examples=["turn_back"],
    )
    under_way: Literal["go_on", "turn_back"] | None = Field(
        None,
        description="the same as at_sea:, for travellers under way by any mode (a road closure takes this one)",
        examples=["turn_back"],
    )

    @model_validator(mode="before")
    @classmethod
    def _under_way(cls, data: object) -> object:
        if not isinstance(data, dict):
            return data
        under_way, at_sea = data.get("under_way"), data.get("at_sea")
        if under_way is not None:
            if at_sea is not None and at_sea != under_way:
                raise ValueError("give under_way: or at_sea:, not both (they say the same)")
            return {**data, "at_sea": under_way}
        if data.get("mode") in ("land", "air") and at_sea == "turn_back":
            raise ValueError(
                f"at_sea: is for ships at sea; a closure of {data['mode']} routes takes under_way: (go_on or turn_back)"
            )
        return data


class ReopenRoutes(_Routes):
    """Open routes again."""

    type: Literal["reopen_routes"] = Field(description="the effect", examples=["reopen_routes"])


class _Aircraft(Frozen):
    units: list[Id] = Field([], description="these units (default: every unit with an air speed)", examples=[["air-1"]])
    sides: list[Id] = Field([], description="only units of these sides", examples=[["coalition"]])


class GroundAircraft(_Aircraft, _Lasting):
    """Weather grounds aircraft: no sortie and no flight starts while it lasts (those airborne finish)."""

    type: Literal["ground_aircraft"] = Field(description="the effect", examples=["ground_aircraft"])
    for_: Lasting = _FOR


class LimitSorties(_Aircraft, _Lasting):
    """Marginal weather: each unit starts at most one sortie per ``min_interval`` while it lasts."""

    type: Literal["limit_sorties"] = Field(description="the effect", examples=["limit_sorties"])
    for_: Lasting = _FOR
    min_interval: Duration = Field(description="least time between two sorties of one unit", examples=["2h"])

    @model_validator(mode="after")
    def _check(self) -> LimitSorties:
        if self.min_interval <= 0:
            raise ValueError("min_interval must be longer than zero")
        return self


class Breakdown(_Lasting):
    """A unit breaks down (a ship under repair): it starts no order, move or sortie while it lasts."""

    type: Literal["breakdown"] = Field(description="the effect", examples=["breakdown"])
    unit: Id = Field(description="the unit", examples=["ls-1"])
    for_: Lasting = _FOR


class CommsOutage(_Lasting):
    """Communications fail: orders to the nations' units wait for them to come back, or are lost."""

    type: Literal["comms_outage"] = Field(description="the effect", examples=["comms_outage"])
    nations: list[str] = Field([], description="the nations cut off (default: all)", examples=[["TJK"]])
    for_: Lasting = _FOR
    block: bool = Field(
        False, description="orders issued during the outage are lost (default: they go once it ends)", examples=[True]
    )


class MassCasualtyEffect(Frozen):
    """Casualties all at once at a place (they enter the chain of care)."""

    type: Literal["mass_casualty"] = Field(description="the effect", examples=["mass_casualty"])
    place: Id = Field(description="where", examples=["island_beach"])
    count: Count = Field(description="casualties", examples=[12])
    cause: str = Field("combat", description="cause, naming a medical.triage_mix", examples=["combat"])
    killed_at_scene: Fraction = Field(
        0.0,
        description="share of the casualties killed at the scene: they never enter the chain of care",
        examples=[0.1],
    )


class Reinforce(Frozen):
    """Reinforcements join a unit (an armed group brings fighters over)."""

    type: Literal["reinforce"] = Field(description="the effect", examples=["reinforce"])
    unit: Id = Field(description="the unit reinforced", examples=["ag"])
    count: Count = Field(description="elements added", examples=[20])


class SupplyLoss(Frozen):
    """Supplies lost or spoiled at a depot: a share of the stock, or an amount."""

    type: Literal["supply_loss"] = Field(description="the effect", examples=["supply_loss"])
    depot: Id = Field(description="the depot", examples=["kuryk_depot"])
    class_: SupplyClass = Field(alias="class", description="the supply class", examples=["water"])
    share: Fraction | None = Field(None, description="share of the stock lost (0 to 1)", examples=[0.5])
    amount: Quantity | None = Field(None, description="amount lost (L or t; at most what is there)", examples=[2000])

    @model_validator(mode="after")
    def _one(self) -> SupplyLoss:
        if (self.share is None) == (self.amount is None):
            raise ValueError("give exactly one of share or amount")
        return self


class KillRate(_Lasting):
    """A change of kill rate (night, smoke, fatigue): multiplies the kill rate of the units named."""

    type: Literal["kill_rate"] = Field(description="the effect", examples=["kill_rate"])
    sides: list[Id] = Field([], description="units of these sides (default: every side)", examples=[["armed_group"]])
    units: list[Id] = Field([], description="only these units", examples=[["ag"]])
    factor: PositiveFloat = Field(description="multiplier on their kill rate", examples=[0.5])
    for_: Lasting | None = _FOR_OPTIONAL


class Protection(_Lasting):
    """A change of protection of a side (night, cover): the fire of everyone hostile to it is divided by factor."""

    type: Literal["protection"] = Field(description="the effect", examples=["protection"])
    side: Id = Field(description="the side protected", examples=["coalition"])
    factor: PositiveFloat = Field(description="divides hostile kill rates against this side", examples=[1.5])
    for_: Lasting | None = _FOR_OPTIONAL


class RedirectSupply(Destination):
    """A supply line delivers elsewhere from its next trip on (a trip under way finishes as planned)."""

    type: Literal["redirect_supply"] = Field(description="the effect", examples=["redirect_supply"])
    line: Id = Field(description="the supply line (supply_lines)", examples=["beach_line"])


Effect = Annotated[
    CloseRoutes
    | ReopenRoutes
    | GroundAircraft
    | LimitSorties
    | Breakdown
    | CommsOutage
    | MassCasualtyEffect
    | Reinforce
    | SupplyLoss
    | KillRate
    | Protection
    | RedirectSupply,
    Field(discriminator="type"),
]


# --- triggers ---------------------------------------------------------------------------------------


class StockBelow(Frozen):
    """A depot's stock of one class below a level."""

    depot: Id = Field(description="the depot", examples=["beach_dump"])
    class_: SupplyClass = Field(alias="class", description="the supply class", examples=["water"])
    below: Quantity = Field(description="the level (L or t)", examples=[5000])


class Trigger(Frozen):
    """One condition, or a combination: exactly one of its fields."""

    secured: Id | None = Field(None, description="once this place is secured", examples=["island"])
    broken: Id | None = Field(None, description="once this side has broken", examples=["armed_group"])
    phase_done: Id | None = Field(None, description="once this phase is done", examples=["landing"])
    fired: Id | None = Field(
        None, description="once this inject has fired (or this decision was taken)", examples=["storm"]
    )
    metric: str | None = Field(
        None,
        description="a metric crossing above: or below: (losses at once; others every 15 min)",
        examples=["killed.coalition"],
    )
    above: float | None = Field(None, description="with metric: once it is above this", examples=[5])
    below: float | None = Field(None, description="with metric: once it is below this", examples=[0.5])
    stock: StockBelow | None = Field(
        None,
        description="once a depot's stock is below a level (at the take that crosses it)",
        examples=[{"depot": "beach_dump", "class": "water", "below": 5000}],
    )
    any_: list[Trigger] | None = Field(
        None,
        alias="any",
        description="once any of these holds",
        min_length=1,
        examples=[[{"secured": "island"}, {"fired": "storm"}]],
    )
    all_: list[Trigger] | None = Field(
        None,
        alias="all",
        description="once all of these hold",
        min_length=1,
        examples=[[{"phase_done": "landing"}, {"fired": "storm"}]],
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Trigger:
        kinds = [self.secured, self.broken, self.phase_done, self.fired, self.metric, self.stock, self.any_, self.all_]
        if sum(k is not None for k in kinds) != 1:
            raise ValueError("give exactly one of secured, broken, phase_done, fired, metric, stock, any, all")
        if (self.metric is None) != (self.above is None and self.below is None) or (
            self.above is not None and self.below is not None
        ):
            raise ValueError("a metric trigger takes exactly one of above: or below: (and only it does)")
        return self

    def leaves(self) -> list[Trigger]:
        """The simple conditions inside, in file order."""
        subs = self.any_ or self.all_
        return [leaf for t in subs for leaf in t.leaves()] if subs else [self]


class _Timed(Frozen):
    id: Id = Field(description="its name", examples=["storm"])
    at: Time | None = Field(None, description="when (H+6, D+1 06:00, 90min); with when: not before", examples=["H+6"])
    when: Trigger | None = Field(None, description="a trigger", examples=[{"secured": "island"}])
    tests: list[Id] = Field(
        [], description="objectives it tests (kept for the after-action report)", examples=[["secure_island"]]
    )
    note: Text = Field(
        "", description="the controller's note (not shown to the players)", examples=["watch the ferry's master"]
    )
    to: list[Id] = Field(
        [],
        description="who receives it: headquarters (command.chains' echelon names, or a chain's id for its top "
        "headquarters); none: every player",
        examples=[["tjk_contingent_hq"]],
    )
    expected: Text = Field(
        "",
        description="the player action it expects (for the controllers and evaluators; not shown to the players)",
        examples=["the combined HQ re-tasks the Tajik company by another means"],
    )

    @model_validator(mode="after")
    def _a_time(self) -> _Timed:
        if self.at is None and self.when is None:
            raise ValueError("give at: (a time), when: (a trigger) or both")
        return self


class Inject(_Timed):
    """One MSEL entry: a message to the players and the effects that come with it."""

    message: Text = Field("", description="what the players are told", examples=["A storm closes the sea lane."])
    effects: list[Effect] = Field(
        [],
        description="what happens (a closed set of effect types)",
        examples=[[{"type": "close_routes", "mode": "sea", "for": "12h", "at_sea": "turn_back"}]],
    )


class Option(Frozen):
    """One way to decide: effects, orders and/or a phase to start."""

    name: Text | None = Field(
        None, description="the option's label (default: its id)", examples=[{"en": "Hold", "ru": "Удерживать"}]
    )
    description: Text = Field(
        "", description="the option, with its cost and its benefit", examples=["wait for the storm: slower, safer"]
    )
    effects: list[Effect] = Field(
        [], description="what happens when it is taken", examples=[[{"type": "reinforce", "unit": "ag", "count": 10}]]
    )
    orders: list[Order] = Field(
        [],
        description="orders issued when it is taken (as in phases)",
        examples=[[{"unit": "mar-2", "do": "assault", "target": "island"}]],
    )
    start_phase: Id | None = Field(None, description="a phase (on_call: true) it starts", examples=["reserve_landing"])


class DecisionPoint(_Timed):
    """A decision the players must take; a batch run takes ``decisions.<id>`` or the default."""

    question: Text = Field("", description="what the players must decide", examples=["Commit the reserve now?"])
    options: dict[Id, Option] = Field(
        min_length=1,
        description="the options by name",
        examples=[{"hold": {"description": "keep the reserve"}, "commit": {"start_phase": "reserve_landing"}}],
    )
    default: Id = Field(description="the option taken unless decisions.<id> says otherwise", examples=["hold"])
    cell: Id | None = Field(
        None, description="the player cell that takes it (cells:); none: the whole class", examples=["aze"]
    )

    @model_validator(mode="after")
    def _default_is_an_option(self) -> DecisionPoint:
        if self.default not in self.options:
            raise ValueError(f"default {self.default!r} is not one of the options ({', '.join(self.options)})")
        return self


def tested_by(injects: list[Inject], decision_points: list[DecisionPoint]) -> dict[str, list[str]]:
    """Objective id -> the injects and decision points that test it, in file order."""
    out: dict[str, list[str]] = {}
    for item in [*injects, *decision_points]:
        for objective in item.tests:
            out.setdefault(objective, []).append(item.id)
    return out
