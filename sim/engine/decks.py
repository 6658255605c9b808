"""Flight decks and well decks: aircraft and landing craft embarked on a ship launch and are recovered through
them, one deck cycle each, queueing for the ship's spots (a simpy Resource per deck). The launch and the
recovery themselves are in ``sim.engine.movement``."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import simpy

from sim.config.schema import Scenario, UnitType
from sim.engine.units import Unit, UnitState

DeckKind = Literal["flight", "well"]


@dataclass(eq=False)
class Deck:
    """One ship's flight deck or well deck: its spots, its cycle and the waits for a spot."""

    ship: Unit
    kind: DeckKind
    spots: simpy.Resource
    cycle_min: float
    waits: list[float] = field(default_factory=list)  # minutes from asking for a spot to getting it


def deck_for(ship: UnitType, unit: UnitType) -> DeckKind | None:
    """The deck of a ship that a unit embarked on it operates from: aircraft from a flight deck, craft (by sea
    only) from a well deck; None: it is carried as cargo or passengers."""
    if ship.flight_deck is not None and "air" in unit.speed_kmh:
        return "flight"
    if ship.well_deck is not None and "sea" in unit.speed_kmh and "air" not in unit.speed_kmh:
        return "well"
    return None


def deck_spec(ship: UnitType, unit: UnitType) -> tuple[DeckKind, int, float] | None:
    """The deck of ``ship`` that ``unit`` operates from, as (kind, spots or craft at once, cycle in minutes)."""
    kind = deck_for(ship, unit)
    if kind == "flight" and ship.flight_deck is not None:
        return kind, ship.flight_deck.spots, float(ship.flight_deck.cycle)
    if kind == "well" and ship.well_deck is not None:
        return kind, ship.well_deck.craft, float(ship.well_deck.cycle)
    return None


def deck_minutes(aircraft: int, spots: int, cycle: float) -> float:
    """Nominal minutes to put ``aircraft`` aircraft or craft through a deck, asking at once: ``spots`` at a time,
    one cycle each, so the last is through after ceil(aircraft / spots) cycles (0 for none)."""
    return math.ceil(aircraft / spots) * cycle if aircraft > 0 else 0.0


def deck_kind(ship: Unit, unit: Unit) -> DeckKind | None:
    return deck_for(ship.type, unit.type)


def based(s: Scenario) -> dict[str, list[str]]:
    """Ships with a deck that units of the scenario operate from, each with those units (in file order)."""
    specs = {u.id: u for u in s.units}
    out: dict[str, list[str]] = {}
    for u in s.units:
        ship = specs.get(u.aboard) if u.aboard is not None else None
        if ship is not None and deck_for(s.unit_types[ship.type], s.unit_types[u.type]) is not None:
            out.setdefault(ship.id, []).append(u.id)
    return out


class Platforms:
    """Units embarked at the start, the decks they use, and events that fire when a ship reaches a place."""

    def __init__(self, env: simpy.Environment, scenario: Scenario, units: dict[str, Unit]):
        self.env, self.units = env, units
        self.decks: dict[tuple[str, DeckKind], Deck] = {}
        self._arrival: dict[str, simpy.Event] = {}
        for spec in scenario.units:
            if spec.aboard is None:
                continue
            unit, ship = units[spec.id], units[spec.aboard]
            ship.carrying.append(unit)
            unit.aboard, unit.location, unit.state = ship.id, None, UnitState.ABOARD
            kind = deck_kind(ship, unit)
            if kind is None:
                continue
            unit.base = ship.id
            if (ship.id, kind) not in self.decks:
                spec_deck = ship.type.flight_deck if kind == "flight" else ship.type.well_deck
                spots = spec_deck.spots if kind == "flight" else spec_deck.craft  # type: ignore[union-attr]
                res = simpy.Resource(env, spots)
                self.decks[ship.id, kind] = Deck(ship, kind, res, spec_deck.cycle)  # type: ignore[union-attr]

    def deck(self, unit: Unit) -> Deck:
        ship = self.units[unit.base]  # type: ignore[index]
        return self.decks[ship.id, deck_kind(ship, unit)]  # type: ignore[index]

    def arrival(self, ship: Unit) -> simpy.Event:
        """Fires when ``ship`` next reaches a place."""
        ev = self._arrival.get(ship.id)
        if ev is None:
            ev = self._arrival[ship.id] = self.env.event()
        return ev

    def arrived(self, unit: Unit) -> None:
        """``unit`` has reached a place: whoever waits for it to be somewhere looks again."""
        ev = self._arrival.pop(unit.id, None)
        if ev is not None:
            ev.succeed()
