"""Texts a reader sees, in one language or in several: ``Kuryk port`` or ``{en: Kuryk port, ru: порт Курык}``.

Every human-facing text of a scenario (names, the title, inject messages, decision questions, notes) is a
``Text`` (``sim.config.frozen``); :func:`pick` chooses the one to show, the same way for every output.
This module imports nothing heavy: ``exsim list`` reads descriptions with it.
"""

from __future__ import annotations

import re

NAME_DOC = "display name in stories and reports (default: the id); one name, or one per language code"
FALLBACK = "en"  # the language a text falls back to where it has none in the reader's


def pick(text: str | dict[str, str] | None, lang: str) -> str:
    """The text in ``lang``, else in English, else in the first language it has; ``""`` for none; always
    :func:`plain`, so that a scenario's text is only ever text, wherever it is shown."""
    if text is None or isinstance(text, str):
        return plain(text or "")
    return plain(text.get(lang) or text.get(FALLBACK) or next(iter(text.values()), ""))


# C0 controls but tab and newline, DEL, C1 controls, and the bidi embeddings, overrides and isolates
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_OPEN_ISOLATE = {"\u202a": "\u2066", "\u202d": "\u2066", "\u202b": "\u2067", "\u202e": "\u2067"}
_OPEN_ISOLATE |= {c: c for c in "\u2066\u2067\u2068"}
_CLOSE = ("\u202c", "\u2069")


def plain(text: str) -> str:
    """``text`` made safe to show on a terminal, a web page or a chart: only ever text, never a command.

    A control character (C0 but tab and newline, DEL, C1) is shown as its symbol (ESC as ``␛``, a C1 as
    ``�``), so no escape sequence reaches a terminal (no window title, cleared screen or hidden link). A
    bidi embedding or override becomes the matching isolate, every isolate is closed within the text, and
    an unmatched close is dropped, so a right-to-left name cannot reorder the words around it."""
    if not _UNSAFE.search(text):
        return text
    out, depth = [], 0
    for ch in text:
        if ch in _OPEN_ISOLATE:
            out.append(_OPEN_ISOLATE[ch])
            depth += 1
        elif ch in _CLOSE:
            if depth:
                out.append("\u2069")
                depth -= 1
        elif _UNSAFE.match(ch):
            code = ord(ch)
            out.append(chr(0x2400 + code) if code < 0x20 else "\u2421" if code == 0x7F else "\ufffd")
        else:
            out.append(ch)
    return "".join(out) + "\u2069" * depth


def lacks(text: str | dict[str, str] | None, lang: str) -> bool:
    """Whether a text that is there has nothing written in ``lang`` (a plain string counts as English)."""
    if not text:
        return False
    if isinstance(text, str):
        return lang != FALLBACK
    return not text.get(lang)
