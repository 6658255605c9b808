"""Translations: the language of a command (``--lang``, else ``EXSIM_LANG``, else the locale) and the
message catalogues in ``sim/locale/<lang>/LC_MESSAGES/exsim.mo`` (English is the source language).

Messages are whole sentences with named placeholders (``_("{unit} arrives at {place}").format(...)``),
never pieces glued together, so a translation can put the words in its own order.
"""

from __future__ import annotations

import gettext
import locale as _locale
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sim.errors import ExsimError

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


@dataclass(frozen=True)
class Language:
    """One language's messages: ``_`` for a sentence, ``n_`` for one with a count, ``code`` for names."""

    code: str
    catalogue: gettext.NullTranslations

    def _(self, message: str) -> str:
        return self.catalogue.gettext(message)

    def n_(self, singular: str, plural: str, n: int) -> str:
        return self.catalogue.ngettext(singular, plural, n)


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
