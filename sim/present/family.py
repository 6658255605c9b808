"""What a model family's presentation module offers, and the pieces it is written with.

A family module (``sim/present/families/<name>.py``) holds everything exsim shows of one group of models:
a :class:`Teller` whose methods, marked with :func:`tells`, turn the trace records of the kinds they name
into lines of the story; the kinds it leaves out of the story, each with the reason; and its parts of the
report (charts of the replication shown, sentences of the summary). ``sim.present.families.FAMILIES``
lists the families; the story and the report read that list, never a family by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from sim.config.schema import Scenario
from sim.present import plots
from sim.present.agreement import agreeing
from sim.present.i18n import Language, sentence
from sim.present.labels import Labels

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.experiment.stats import Summary

Event = Mapping[str, Any]  # one trace record: "t", "kind" and the kind's fields
F = TypeVar("F", bound=Callable[..., None])


@dataclass(frozen=True)
class Line:
    t: float  # simulated minutes
    topic: str  # phase, move, combat, fires, supply, medical, order, inject, decision, human, outcome
    text: str


def tells(*kinds: str) -> Callable[[F], F]:
    """Mark a :class:`Teller` method as the one that tells trace records of ``kinds``: ``(self, t, event)``."""

    def mark(method: F) -> F:
        method.__tells__ = kinds  # type: ignore[attr-defined]
        return method

    return mark


class Teller:
    """One family's part of the story: a method per event kind it tells, and what its earlier records said
    (who is aboard, a fight's losses) for the ones that follow.

    A teller may hold records back to tell several as one line (the casualties of one minute); it says so by
    :meth:`holding`, and :meth:`flush` tells them when a record comes that it does not hold for.
    """

    TELLS: ClassVar[Mapping[str, str]] = MappingProxyType({})  # event kind -> method name, from @tells

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        told: dict[str, str] = {}
        for name, member in vars(cls).items():
            for kind in getattr(member, "__tells__", ()):
                if kind in told:
                    raise TypeError(f"{cls.__name__} tells {kind!r} twice: {told[kind]} and {name}")
                told[kind] = name
        cls.TELLS = MappingProxyType(told)

    def __init__(self, scenario: Scenario, lang: Language, names: Labels, lines: list[Line]):
        self.s, self.lang, self.names, self._ = scenario, lang, names, lang._
        self.lines = lines  # the story's lines, shared by every teller: each appends its own

    def say(self, t: float, topic: str, message: str, **fields: Any) -> None:
        message = agreeing(message, fields, self.lang.code)  # "Water trucks arrive", not "arrives"
        self.lines.append(Line(t, topic, sentence(self._(message).format(**fields))))

    def holding(self) -> bool:
        """Holds records back, untold."""
        return False

    def flush(self, kind: str | None) -> None:
        """Tell what is held back, unless a record of ``kind`` may join it (None: the end of what was fed)."""

    def closing(self, end: float) -> list[Line]:
        """Lines for the story's outcome, from everything told."""
        return []


Charts = Callable[[Scenario, Sequence[Event], Labels, Language], list["Figure"]]
Sentences = Callable[[Mapping[str, "Summary"], str, Labels, Language], list[str]]
PlaySentences = Callable[[Mapping[str, Any], str, Labels, Language], list[str]]


@dataclass(frozen=True)
class Family:
    """One family's presentation: its story's teller and the report sections it adds."""

    name: str
    teller: type[Teller]
    silent: Mapping[str, str] = field(default_factory=dict)  # event kind it leaves out of the story -> why
    charts: Charts | None = None  # the replication shown, over time
    sentences: Sentences | None = None  # the summary of a batch of runs: (summaries, perspective side, …)
    play_sentences: PlaySentences | None = None  # the summary of a class's one run: (its row, perspective side, …)


def over_time(
    lines: Mapping[str, tuple[Sequence[float], Sequence[float]]], title: str, ylabel: str, lang: Language
) -> Figure:
    """A chart of the replication shown: series over simulated minutes, drawn over hours from H-hour."""
    shown = {k: ([t / 60 for t in x], y) for k, (x, y) in lines.items()}
    return plots.series(shown, title, lang._("hours from H-hour"), ylabel)
