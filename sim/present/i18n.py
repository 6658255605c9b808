"""Translations: the language of a command (``--lang``, else ``EXSIM_LANG``, else the locale) and the
message catalogues in ``sim/locale/<lang>/LC_MESSAGES/exsim.mo`` (English is the source language).

Messages are whole sentences with named placeholders (``_("{unit} arrives at {place}").format(...)``),
never pieces glued together, so a translation can put the words in its own order.
"""

from __future__ import annotations

import gettext
import locale as _locale
import os
import string
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sim.errors import ExsimError
from sim.present.numbers import Numbers, numbers

DOMAIN = "exsim"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("en", "ru")


def choose(lang: str | None = None) -> str:
    """The language to speak: ``lang`` if given, else ``EXSIM_LANG``, else the user's locale, else English."""
    if lang:
        return _known(lang, f"--lang {lang}")
    env = os.environ.get("EXSIM_LANG")
    if env:
        return _known(env, f"EXSIM_LANG={env}")
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return _code(value) if _code(value) in LANGUAGES else "en"
    found = _locale.getlocale(_locale.LC_MESSAGES)[0] if hasattr(_locale, "LC_MESSAGES") else None
    return _code(found) if found and _code(found) in LANGUAGES else "en"


def _code(value: str) -> str:
    """``ru_RU.UTF-8``, ``ru-RU``, ``RU`` -> ``ru``."""
    return value.strip().split(".")[0].replace("-", "_").split("_")[0].lower()


def _known(value: str, where: str) -> str:
    code = _code(value)
    if code not in LANGUAGES:
        raise ExsimError(f"{where}: exsim speaks {' and '.join(LANGUAGES)}")
    return code


class _Formatter(string.Formatter):
    """``str.format`` that writes numeric fields in a language's symbols (``{hours:g}`` -> ``3,5``)."""

    def __init__(self, num: Numbers) -> None:
        self.num = num

    def format_field(self, value: Any, format_spec: str) -> Any:
        text = format(value, format_spec)
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        return self.num.local(text) if is_number else text


class Message(str):
    """A translated message: its ``format`` writes numbers as its language does (``sim.present.numbers``)."""

    num: Numbers

    def __new__(cls, text: str, num: Numbers) -> Message:
        message = super().__new__(cls, text)
        message.num = num
        return message

    def format(self, *args: Any, **kwargs: Any) -> str:
        return self._formatter().vformat(self, args, kwargs)

    def format_map(self, mapping: Mapping[str, Any]) -> str:  # type: ignore[override]
        return self._formatter().vformat(self, (), mapping)

    def _formatter(self) -> _Formatter:
        return _formatter(self.num.code)


@lru_cache(maxsize=8)
def _formatter(code: str) -> _Formatter:
    return _Formatter(numbers(code))


@dataclass(frozen=True)
class Language:
    """One language's messages: ``_`` for a sentence, ``n_`` for one with a count, ``code`` for names,
    ``num`` for numbers."""

    code: str
    catalogue: gettext.NullTranslations
    # the exercise's own words for some messages (sim.present.words: a relief exercise's patients, not
    # casualties); each replacement is a message of the catalogue too
    words: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def _(self, message: str) -> str:
        return Message(self.catalogue.gettext(self.words.get(message, message)), self.num)

    def n_(self, singular: str, plural: str, n: int) -> str:
        w = self.words
        return Message(self.catalogue.ngettext(w.get(singular, singular), w.get(plural, plural), n), self.num)

    def speaking(self, words: Mapping[str, str]) -> Language:
        """This language with ``words`` in place of the messages they replace."""
        return self if words == self.words else replace(self, words=words)

    @property
    def num(self) -> Numbers:
        return numbers(self.code)


def language(lang: str | None = None) -> Language:
    """The catalogue of ``choose(lang)``; English needs none (the messages are written in it)."""
    return _load(choose(lang))


@lru_cache(maxsize=8)
def _load(code: str) -> Language:
    if code == "en":
        return Language("en", gettext.NullTranslations())
    return Language(code, gettext.translation(DOMAIN, LOCALE_DIR, languages=[code]))


def N_(message: str) -> str:
    """Mark a message for the catalogue where it is defined; it is translated where it is shown."""
    return message


def sentence(text: str) -> str:
    """``text`` with a capital first letter, unless it starts with an id (oymasha_ridge, mar-1), kept as written."""
    first = text.split(" ", 1)[0].rstrip(".,:;!?")
    return text[:1].upper() + text[1:] if first.isalpha() and first.islower() else text
