"""The model families' presentations, in the order the report shows their charts and sentences.

Adding a family: write ``sim/present/families/<name>.py`` to ``sim.present.family`` (a Teller whose
``@tells`` methods tell its models' event kinds, the kinds it leaves silent and why, its report sections
as a ``FAMILY``) and add it here. Every event kind the models declare (``sim.models.registry.EVENTS``)
must be told by one family or declared silent by one (tests/present/test_told.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from sim.present.families import combat, exercise, logistics, medical, movement, orders
from sim.present.family import Family

FAMILIES: tuple[Family, ...] = (
    orders.FAMILY,
    combat.FAMILY,
    medical.FAMILY,
    logistics.FAMILY,
    movement.FAMILY,
    exercise.FAMILY,
)

# Records the story meets that no model writes: kind -> who writes it.
ELSEWHERE: Mapping[str, str] = MappingProxyType(
    {
        "override": "the facilitator in a live play (sim.play), told by the exercise family",
        "sample": "the replay's state samples for the report's charts (sim.experiment.replay); not an event, skipped",
    }
)
SKIPPED = frozenset({"sample"})  # neither told nor seen by the tellers (a held-back line stays held)


def _told(families: tuple[Family, ...]) -> tuple[Mapping[str, Family], Mapping[str, Family]]:
    """Event kind -> the family that tells it, and kind -> the family that declares it silent; each kind once."""
    told: dict[str, Family] = {}
    silent: dict[str, Family] = {}
    for f in families:
        claims = [(kind, told) for kind in f.teller.TELLS] + [(kind, silent) for kind in f.silent]
        for kind, where in claims:
            other = told.get(kind) or silent.get(kind)
            if other is not None:
                raise TypeError(f"event kind {kind!r} is claimed twice: by {other.name} and by {f.name}")
            where[kind] = f
    return MappingProxyType(told), MappingProxyType(silent)


TOLD, SILENT = _told(FAMILIES)
