"""Schema of player cells and the requests between them.

A cell is one table of players: a nation's staff or a headquarters (``hq: true``, the combined HQ).
It commands the units it lists, owns the decision points that name it (``cell:``) and sees what its
units report. A request is what one cell may ask of another (fire support, MEDEVAC, lift, the
reserve, resupply): a grant does what a decision option does, with existing effects, orders and an
on-call phase, and a scripted receiving cell answers ``answer:`` after ``answer_after``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sim.config.durations import Duration, Time
from sim.config.exercise import Effect, Trigger
from sim.config.frozen import Frozen, Id, Text
from sim.config.orders import Order
from sim.config.text import NAME_DOC

Answer = Literal["grant", "decline"]


class Cell(Frozen):
    """One table of players: a nation's staff, or a headquarters over several nations."""

    id: Id = Field(description="the cell's name", examples=["aze"])
    name: Text | None = Field(
        None, description=NAME_DOC, examples=[{"en": "Azerbaijani cell", "ru": "азербайджанская группа"}]
    )
    nation: str | None = Field(
        None,
        description="the nation whose staff it is: reports and requests crossing to another nation take the "
        "interoperability delay (command.interoperability)",
        examples=["AZE"],
    )
    hq: bool = Field(
        False,
        description="the combined headquarters: it sees every cell's units, reported through their chains",
        examples=[True],
    )
    units: list[Id] = Field([], description="the units it commands", examples=[["sf-1", "mar-3", "ls-1"]])
    control: bool = Field(
        False,
        description="played by exercise control (the opposing force): not a players' cell, no join code",
        examples=[True],
    )


class Grant(Frozen):
    """What granting a request does: effects, orders to the receiving cell's units, an on-call phase."""

    effects: list[Effect] = Field(
        [], description="what happens once it is granted", examples=[[{"type": "reinforce", "unit": "ag", "count": 10}]]
    )
    orders: list[Order] = Field(
        [],
        description="orders issued when it is granted (to units of the receiving cell; through their chain)",
        examples=[[{"unit": "air-1", "do": "fire_support", "target": "island", "sorties": 2}]],
    )
    start_phase: Id | None = Field(None, description="a phase (on_call: true) it starts", examples=["reserve_landing"])

    @model_validator(mode="after")
    def _does_something(self) -> Grant:
        if not self.effects and not self.orders and self.start_phase is None:
            raise ValueError("a grant must do something: give effects, orders or start_phase")
        return self


class Request(Frozen):
    """What one cell may ask of another; it travels with the command model's delay for the pair of nations."""

    id: Id = Field(description="its name", examples=["uzb_fire_support"])
    name: Text | None = Field(
        None, description=NAME_DOC, examples=[{"en": "Uzbek air strike", "ru": "удар узбекской авиации"}]
    )
    from_: Id = Field(alias="from", description="the cell that asks", examples=["aze"])
    to: Id = Field(description="the cell that grants or declines", examples=["uzb"])
    grant: Grant = Field(
        description="what a grant does",
        examples=[{"orders": [{"unit": "air-1", "do": "fire_support", "target": "island", "sorties": 2}]}],
    )
    answer: Answer = Field(
        "grant", description="a scripted receiving cell's answer (its default policy)", examples=["decline"]
    )
    answer_after: Duration = Field(
        0.0, description="a scripted receiving cell's time to decide (minutes, or 10min)", examples=["10min"]
    )
    at: Time | None = Field(
        None,
        description="a scripted asking cell asks then (with when: not before); neither: only players ask",
        examples=["H+3"],
    )
    when: Trigger | None = Field(
        None, description="a scripted asking cell asks once this holds", examples=[{"fired": "ag_reinforces"}]
    )
    tests: list[Id] = Field(
        [], description="objectives it tests (kept for the after-action report)", examples=[["secure_island"]]
    )

    @property
    def scripted(self) -> bool:
        """A scripted asking cell makes it (in batch runs too)."""
        return self.at is not None or self.when is not None
