"""What a unit takes aboard a transport, and the room a transport has: people, deck slots and tonnes.

One rule for the engine's ``lift``/``embark``, the scenario checks and the plan: a transport's room per
element is ``capacity_personnel`` seats, ``deck_slots`` vehicle slots and ``cargo_t`` tonnes. A unit
whose elements take deck slots (vehicles) brings its crews inside its vehicles, so it takes slots and
weight but no seats; any other unit takes a seat per person (and its weight, if its type has one).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sim.config.schema import UnitType

_EPS = 1e-9


@dataclass(frozen=True)
class Load:
    """Seats, deck slots and tonnes: what a unit takes, or what a transport has free."""

    seats: float = 0.0
    slots: float = 0.0
    tonnes: float = 0.0

    def __add__(self, other: Load) -> Load:
        return Load(self.seats + other.seats, self.slots + other.slots, self.tonnes + other.tonnes)

    def __sub__(self, other: Load) -> Load:
        return Load(self.seats - other.seats, self.slots - other.slots, self.tonnes - other.tonnes)

    def fits(self, room: Load) -> bool:
        return self.seats <= room.seats + _EPS and self.slots <= room.slots + _EPS and self.tonnes <= room.tonnes + _EPS

    def __str__(self) -> str:
        parts = [
            f"{self.seats:g} people" if self.seats else "",
            f"{self.slots:g} deck slots" if self.slots else "",
            f"{self.tonnes:g} t" if self.tonnes else "",
        ]
        return ", ".join(p for p in parts if p) or "nothing"


def takes(t: UnitType, strength: float) -> Load:
    """What a unit of type ``t`` with ``strength`` elements takes aboard."""
    seats = 0 if t.slots_per_element > 0 else math.ceil(strength * t.personnel_per_element)
    return Load(seats, strength * t.slots_per_element, strength * t.weight_t)


def room(t: UnitType, strength: float) -> Load:
    """What an empty transport of type ``t`` with ``strength`` elements can take (whole elements only)."""
    n = math.floor(strength)
    return Load(n * t.capacity_personnel, n * t.deck_slots, n * t.cargo_t)


def first_fit(capacity: Load, needs: Sequence[Load]) -> list[list[int]]:
    """Trips as a lift makes them: each takes, in the listed order, every unit that still fits (indices into
    ``needs``); units that fit in no empty trip are left behind."""
    pending, trips = list(range(len(needs))), []
    while pending:
        free, load = capacity, []
        for i in pending:
            if needs[i].fits(free):
                load.append(i)
                free -= needs[i]
        if not load:
            break
        trips.append(load)
        pending = [i for i in pending if i not in load]
    return trips


def is_transport(t: UnitType) -> bool:
    return t.capacity_personnel > 0 or t.deck_slots > 0 or t.cargo_t > 0


def is_platform(t: UnitType) -> bool:
    """Whether one element of the type is a platform (ship, aircraft, vehicle) rather than a person."""
    if t.element is not None:
        return t.element == "platform"
    return t.personnel_per_element != 1


def moves_apart(t: UnitType, strength: float, together: bool) -> bool:
    """Whether a unit's platforms fly or drive as independent assets in transport roles (CASEVAC, lift):
    several platforms, not told ``together: true``."""
    return not together and strength > 1 and is_platform(t)


def split(t: UnitType, strength: float, free: Load) -> float:
    """The most whole elements of a unit of type ``t`` (at most ``strength``) that fit in ``free`` (0: none)."""
    lo, hi = 0, math.floor(strength)
    while lo < hi:  # what an element takes grows with the count: the largest count that fits, by bisection
        mid = (lo + hi + 1) // 2
        if takes(t, mid).fits(free):
            lo = mid
        else:
            hi = mid - 1
    return float(lo)


def trip_room(t: UnitType, strength: float, together: bool) -> Load:
    """The room of one trip: one platform's when the unit's platforms move apart, else the whole unit's."""
    return room(t, 1) if moves_apart(t, strength, together) else room(t, strength)


def shuttles(t: UnitType, strength: float, together: bool) -> int:
    """How many trips a transport unit makes at once: one per platform when they move apart, else one."""
    return math.floor(strength) if moves_apart(t, strength, together) else 1


def one_trip(free: Load, waiting: Sequence[tuple[UnitType, float, bool]]) -> list[tuple[int, float]]:
    """A trip's load, as (index into ``waiting``, elements), in the listed order: each unit that still fits
    whole (first fit); a unit too big for the trip (or already split) goes in pieces, as many whole elements
    as still fit. ``waiting``: (type, elements still to go, already split into pieces) of each unit."""
    empty, load = free, []
    for i, (t, n, was_split) in enumerate(waiting):
        if (need := takes(t, n)).fits(free) and not was_split:
            k = n
        elif was_split or not need.fits(empty):  # too big for one trip: a piece of whole elements
            k = n if need.fits(free) else split(t, n, free)
        else:
            continue  # fits a later trip whole
        if k > 0:
            load.append((i, k))
            free -= takes(t, k)
    return load


def waves(capacity: Load, at_once: int, units: Sequence[tuple[UnitType, float]]) -> list[list[list[tuple[int, float]]]]:
    """The waves of a lift, as the engine flies them when nothing goes wrong: in each wave, up to ``at_once``
    trips of room ``capacity``, each a list of (index into ``units``, elements). Units that fit in no empty
    trip (not even one element) are left out."""
    left = [n for _, n in units]
    was_split: set[int] = set()
    out: list[list[list[tuple[int, float]]]] = []
    while any(n > 0 for n in left):
        wave = []
        for _ in range(at_once):
            idx = [i for i, n in enumerate(left) if n > 0]
            trip = [(idx[j], k) for j, k in one_trip(capacity, [(units[i][0], left[i], i in was_split) for i in idx])]
            if not trip:
                break
            for i, k in trip:
                if k < left[i] or i in was_split:
                    was_split.add(i)
                left[i] -= k
            wave.append(trip)
        if not wave:
            break
        out.append(wave)
    return out
