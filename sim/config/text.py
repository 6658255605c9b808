"""Texts a reader sees, in one language or in several: ``Kuryk port`` or ``{en: Kuryk port, ru: порт Курык}``.

Every human-facing text of a scenario (names, the title, inject messages, decision questions, notes) is a
``Text`` (``sim.config.frozen``); :func:`pick` chooses the one to show, the same way for every output.
This module imports nothing heavy: ``exsim list`` reads descriptions with it.
"""

from __future__ import annotations

NAME_DOC = "display name in stories and reports (default: the id); one name, or one per language code"
FALLBACK = "en"  # the language a text falls back to where it has none in the reader's


def pick(text: str | dict[str, str] | None, lang: str) -> str:
    """The text in ``lang``, else in English, else in the first language it has; ``""`` for none."""
    if text is None or isinstance(text, str):
        return text or ""
    return text.get(lang) or text.get(FALLBACK) or next(iter(text.values()), "")


def lacks(text: str | dict[str, str] | None, lang: str) -> bool:
    """Whether a text that is there has nothing written in ``lang`` (a plain string counts as English)."""
    if not text:
        return False
    if isinstance(text, str):
        return lang != FALLBACK
    return not text.get(lang)
