"""Numbers as a language writes them: its decimal sign, digit grouping and minus sign from Babel's CLDR locale
data (``15,000.5`` in English, ``15 000,5`` in Russian), and the few rules of how exsim rounds what it shows.

Python formats a number (so rounding is Python's, the same in every language); ``Numbers.local`` then puts the
language's symbols in place of Python's ``,``, ``.`` and ``-``. A translated message (``sim.present.i18n``)
formats its numeric fields through ``local``, so ``_("{hours:g} h").format(hours=3.5)`` is ``3,5 ч``.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol


class Numbers:
    """One language's way of writing numbers (``numbers("ru")``)."""

    def __init__(self, code: str) -> None:
        self.code = code
        locale = Locale.parse(code)
        self._table = str.maketrans(
            {",": get_group_symbol(locale), ".": get_decimal_symbol(locale), "-": get_minus_sign_symbol(locale)}
        )
        pattern = locale.percent_formats[None].pattern  # "#,##0 %" in Russian (a no-break space), "#,##0%"
        self.space = "\N{NO-BREAK SPACE}" if "\N{NO-BREAK SPACE}" in pattern else " "  # before % and units

    def local(self, text: str) -> str:
        """A number Python wrote (``-1,234.5``) in this language's symbols (``-1 234,5``)."""
        return text.translate(self._table)

    def fixed(self, x: float, places: int = 0) -> str:
        """``x`` to ``places`` decimals, grouped in thousands: ``15,000``, ``3.99``."""
        return self.local(f"{x:,.{places}f}")

    def general(self, x: float) -> str:
        """As ``{:g}`` writes it (``3.5``, ``12``), but whole thousands grouped and never in exponent form."""
        return self.fixed(x) if abs(x) >= 1000 and float(x).is_integer() else self.local(f"{x:,.6g}")

    def number(self, x: float) -> str:
        """About three significant figures, grouped: ``15,000``, ``12.3``, ``3.99``; a whole number bare."""
        if math.isnan(x):
            return "–"
        a = abs(x)
        if a >= 100 or (x == int(x) and a >= 1):  # a whole number (one run's count) without decimals
            return self.fixed(x)
        if a >= 10:
            return self.fixed(x, 1)
        return self.fixed(x, 2) if x else "0"

    def count(self, x: float) -> str:
        """A count of people or elements as told: whole numbers bare, else one decimal."""
        return self.general(x) if float(x).is_integer() else self.fixed(x, 1)

    def per_cent(self, x: float, places: int = 1) -> str:
        """A share (0.5) in per cent: ``50.0 %``."""
        return f"{self.fixed(100 * x, places)}{self.space}%"

    def share(self, x: float) -> str:
        """A share or rate in per cent, rounded as its 95 % interval is (one decimal), so that it never leaves
        the interval printed beside it: 199 of 200 is 99.5 % beside 97.2 – 99.9 %, not 100 %. A share that is
        neither none nor all never reads as either: "> 99.9 %", "< 0.1 %"."""
        if math.isnan(x):
            return "–"
        text = f"{100 * x:.1f}"
        if text == "100.0" and x < 1:
            return f">{self.space}{self.per_cent(0.999)}"
        if text == "0.0" and x > 0:
            return f"<{self.space}{self.per_cent(0.001)}"
        return self.per_cent(x)

    def share_interval(self, low: float, high: float) -> str:
        """``97.2 – 99.9 %``: a share's interval, per cent written once."""
        return f"{self.fixed(100 * low, 1)} – {self.per_cent(high)}"

    def interval(self, low: float, high: float) -> str:
        return f"{self.number(low)} – {self.number(high)}"

    def with_unit(self, text: str, unit: str) -> str:
        """A number and its unit's word: ``15 000 л``."""
        return f"{text}{self.space}{unit}" if unit else text

    def calendar_date(self, when: date) -> str:
        """A calendar date: ISO in English (``2024-07-13``), else the language's own (``13.07.2024``)."""
        return when.isoformat() if self.code == "en" else format_date(when, "short", locale=self.code)

    def date_time(self, when: datetime) -> str:
        """A date and time of day: ISO in English (``2024-07-13 06:00``, as planners write it), else the
        language's own short form (``13.07.2024, 06:00``)."""
        if self.code == "en":
            return when.isoformat(sep=" ", timespec="minutes")
        return format_datetime(when, "short", locale=self.code)


@lru_cache(maxsize=8)
def numbers(code: str) -> Numbers:
    return Numbers(code)
