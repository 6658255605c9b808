"""Measurement units in words, in the number a language counts them with ("1 casualty", "2 койки")."""

from __future__ import annotations

import math

from sim.present.i18n import N_, Language

MEASURE = {
    "h": N_("h"),
    "min": N_("min"),
    "L": N_("L"),
    "t": N_("t"),
    "km": N_("km"),
    "casualties/day": N_("casualties/day"),
}  # and the counted ones, below


def counted(lang: Language, unit: str, x: float = math.nan) -> str:
    """``unit``'s word for ``x`` of it: "1 casualty", "2 casualties" ("1 койка", "2 койки", "5 коек"); a
    fraction (a mean) takes the plural."""
    n = int(x) if abs(x) < 1e9 and x == int(x) else 5  # 5: the plural in both languages
    if unit == "people":
        return lang.n_("person", "people", n)
    if unit == "platforms":
        return lang.n_("platform", "platforms", n)
    if unit == "sorties":
        return lang.n_("sortie", "sorties", n)
    if unit == "casualties":
        return lang.n_("casualty", "casualties", n)
    if unit == "items":  # a supply class counted in pieces (tents, kits: logistics.classes)
        return lang.n_("item", "items", n)
    if unit == "beds":
        return lang.n_("bed", "beds", n)
    if unit == "orders":
        return lang.n_("order", "orders", n)
    return lang._(MEASURE[unit]) if unit in MEASURE else unit
