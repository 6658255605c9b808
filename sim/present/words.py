"""The words of an exercise's kind (scenario.exercise): a relief exercise speaks of patients, discharges and
deaths in care where a combat exercise speaks of casualties, returns to duty and deaths of wounds.

Each entry replaces one message of the catalogue by another, itself a message of the catalogue (so Russian
has both); ``worded`` gives the language that says them. Sentences whose meaning changes, not only their
words (losses, people served), are chosen by the families themselves (``relief``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from sim.config.schema import Scenario
from sim.present.i18n import N_, Language


def n_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with a count for the catalogue (as ``Language.n_`` does where it is shown)."""
    return singular, plural


_RELIEF: Mapping[str, str] = MappingProxyType(
    {
        "A casualty at {place} has no medical facility to go to.": N_(
            "A patient at {place} has no medical facility to go to."
        ),
        "A {triage} casualty dies of wounds.": N_("A {triage} patient dies."),
        "Casualties reaching each role of care: {roles}.": N_("Patients reaching each level of care: {roles}."),
        "Casualty flow (cumulative)": N_("Patient flow (cumulative)"),
        "Mass-casualty incident at {place}: {n} casualties.": N_("Mass-casualty incident at {place}: {n} patients."),
        "On average {n} casualties entered the chain of care and {died} died of wounds.": N_(
            "On average {n} patients came into care and {died} died."
        ),
        "T1 casualties at a Role 2 within 1 hour (10-1-2)": N_("T1 patients at a Role 2 within 1 hour"),
        "T1 casualties given care at the point of injury within 10 minutes (10-1-2)": N_(
            "T1 patients given first aid at the scene within 10 minutes"
        ),
        "T1 casualties in surgery within 1 hour (golden hour)": N_("T1 patients in surgery within 1 hour"),
        "T1 casualties in surgery within 2 hours (10-1-2)": N_("T1 patients in surgery within 2 hours"),
        "casualties entering the chain of care": N_("patients coming into care"),
        "casualties leaving the chain of care per day": N_("patients leaving care per day"),
        "casualties returned to duty": N_("patients discharged"),
        "casualties waiting": N_("patients waiting"),
        "casualties who died of wounds": N_("patients who died"),
        "casualties": N_("patients"),
        "died of wounds": N_("died"),
        "returned to duty": N_("discharged"),
        "in combat": N_("at work"),
        "mean time in the chain of care, from injury to leaving it": N_("mean time in care, from injury to leaving it"),
        "mean time in the chain of care, {x} casualties": N_("mean time in care, {x} patients"),
        "mean wait for a treatment team, {x} casualties": N_("mean wait for a treatment team, {x} patients"),
        "{count} casualties at {place}": N_("{count} patients at {place}"),
        "{n} casualties: {care} in care, {rtd} returned to duty, {died} died of wounds": N_(
            "{n} patients: {care} in care, {rtd} discharged, {died} died"
        ),
    }
)
# messages with a count: (singular, plural) -> their relief pair, marked with n_ for the catalogue
PLURAL: Mapping[tuple[str, str], tuple[str, str]] = MappingProxyType(
    {
        (
            "{n} casualty at {place} ({mix}) goes to {facility} (Role {role}).",
            "{n} casualties at {place} ({mix}) go to {facility} (Role {role}).",
        ): n_(
            "{n} patient at {place} ({mix}) goes to {facility} (Role {role}).",
            "{n} patients at {place} ({mix}) go to {facility} (Role {role}).",
        ),
        ("{n} casualty at {place} ({mix}).", "{n} casualties at {place} ({mix})."): n_(
            "{n} patient at {place} ({mix}).",
            "{n} patients at {place} ({mix}).",
        ),
        (
            "{n} casualty finds every bed at {facility} taken and is diverted to {to}.",
            "{n} casualties find every bed at {facility} taken and are diverted to {to}.",
        ): n_(
            "{n} patient finds every bed at {facility} taken and is diverted to {to}.",
            "{n} patients find every bed at {facility} taken and are diverted to {to}.",
        ),
        (
            "{n} casualty finds every bed at {facility} taken and is turned away untreated.",
            "{n} casualties find every bed at {facility} taken and are turned away untreated.",
        ): n_(
            "{n} patient finds every bed at {facility} taken and is turned away untreated.",
            "{n} patients find every bed at {facility} taken and are turned away untreated.",
        ),
        (
            "{n} casualty finds every bed at {facility} taken and waits where it is.",
            "{n} casualties find every bed at {facility} taken and wait where they are.",
        ): n_(
            "{n} patient finds every bed at {facility} taken and waits where they are.",
            "{n} patients find every bed at {facility} taken and wait where they are.",
        ),
        (
            "{unit} brings {n} casualty to {facility} (Role {role}).",
            "{unit} brings {n} casualties to {facility} (Role {role}).",
        ): n_(
            "{unit} brings {n} patient to {facility} (Role {role}).",
            "{unit} brings {n} patients to {facility} (Role {role}).",
        ),
        ("casualty", "casualties"): n_(
            "patient",
            "patients",
        ),
    }
)
RELIEF: Mapping[str, str] = MappingProxyType(
    {**_RELIEF, **{old: new for olds, news in PLURAL.items() for old, new in zip(olds, news, strict=True)}}
)
_NONE: Mapping[str, str] = MappingProxyType({})


def relief(s: Scenario) -> bool:
    """Whether ``s`` is a relief exercise: its reader meets no word of killing, wounding or combat."""
    return s.scenario.exercise == "relief"


def worded(lang: Language, s: Scenario) -> Language:
    """``lang`` speaking the words of ``s``'s kind of exercise."""
    return lang.speaking(RELIEF if relief(s) else _NONE)
