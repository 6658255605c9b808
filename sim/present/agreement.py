"""Subjects and verbs agree: a story's sentence whose subject is a unit named in the plural ("Water trucks",
"Автоцистерны") takes the plural verb ("Water trucks arrive", not "Water trucks arrives").

The number is read from the name as the reader sees it: in English the head noun (the last word, or the last
before "of") ends in -s (but not -ss, -us, -is) or is a plural without one ("people"); in Russian the first
word ends in -ы, -и or -ые. A name the rule misreads keeps the singular, as before.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from sim.present.i18n import N_

# a sentence with a unit as its subject -> the same with a plural subject (each a message of the catalogue)
PLURAL: Mapping[str, str] = MappingProxyType(
    {
        "{transport} delivers {cargo} to {place} (supply line {line}).": N_(
            "{transport} bring {cargo} to {place} (supply line {line})."
        ),
        "{transport} delivers {cargo} to {place} late (supply line {line}).": N_(
            "{transport} bring {cargo} to {place} late (supply line {line})."
        ),
        "{transport} is lost with its cargo: {cargo} (supply line {line}).": N_(
            "{transport} are lost with their cargo: {cargo} (supply line {line})."
        ),
        "{unit} arrives at {place}.": N_("{unit} arrive at {place}."),
        "{unit} runs out of {cls}.": N_("{unit} run out of {cls}."),
        "{unit} runs out of {cls}: {reason}.": N_("{unit} run out of {cls}: {reason}."),
        "{unit} cannot carry out its order: {reason}.": N_("{unit} cannot carry out their order: {reason}."),
        "{unit} is held at {place}.": N_("{unit} are held at {place}."),
        "{unit} is reinforced by {n}.": N_("{unit} are reinforced by {n}."),
        "{unit} joins the fight at {place}.": N_("{unit} join the fight at {place}."),
        "{unit} lands at {place} from {transport}.": N_("{unit} land at {place} from {transport}."),
        "{unit} sets out from {origin} for {to} (due {eta}).": N_("{unit} set out from {origin} for {to} (due {eta})."),
        "{unit} sets out from {origin} for {to} with {units} (due {eta}).": N_(
            "{unit} set out from {origin} for {to} with {units} (due {eta})."
        ),
        "{unit} strikes {target}, with no losses to the enemy.": N_(
            "{unit} strike {target}, with no losses to the enemy."
        ),
        "{unit} strikes {target}: {losses}.": N_("{unit} strike {target}: {losses}."),
        "{unit} takes up the defence of {place}.": N_("{unit} take up the defence of {place}."),
        "{unit} turns back to {place}.": N_("{unit} turn back to {place}."),
        "{unit} waits at {place}: every route to {to} is closed.": N_(
            "{unit} wait at {place}: every route to {to} is closed."
        ),
    }
)
SUBJECTS = ("unit", "transport")  # the field a sentence of PLURAL opens with


def plural_name(name: str, code: str) -> bool:
    """Whether ``name`` (as shown, an id in parentheses after it or not) names its thing in the plural."""
    text = re.sub(r"\([^)]*\)", " ", name)
    if code == "ru":
        first = re.findall(r"[А-Яа-яЁё]+", text)
        return bool(first) and first[0].lower().endswith(("ы", "и", "ые"))
    head = re.findall(r"[A-Za-z]+", text.split(" of ")[0])
    if not head:
        return False
    word = head[-1]
    if word.lower() in ("people", "children", "men", "women"):
        return True
    return len(word) > 2 and word.endswith("s") and not word.lower().endswith(("ss", "us", "is"))


def agreeing(message: str, fields: Mapping[str, object], code: str) -> str:
    """``message``, or its plural-subject form when the unit it opens with is named in the plural."""
    plural = PLURAL.get(message)
    if plural is None:
        return message
    subject = next((f for f in SUBJECTS if message.startswith("{" + f + "}")), None)
    name = fields.get(subject) if subject else None
    return plural if isinstance(name, str) and plural_name(name, code) else message
