"""The story of one replication: its trace told as plain sentences in scenario clock time.

The telling is the model families' (``sim.present.families``): each record goes to the teller of the
family that tells its kind. Here: the narrator that hands the records out, the whole story with its
outcome, and its terminal view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from sim.config.schema import Scenario
from sim.models.contract import MetricSpec
from sim.present.families import FAMILIES, SKIPPED
from sim.present.families.exercise import outcome
from sim.present.family import Line, Teller
from sim.present.i18n import Language, sentence
from sim.present.labels import Labels
from sim.present.words import worded

__all__ = ["STYLE", "Line", "Narrator", "Story", "outcome", "tell", "view"]


@dataclass
class Story:
    title: str
    lines: list[Line]
    outcome: list[Line]
    ended: bool = True  # False: a play stopped before the end of the run, whose objectives are not judged


STYLE = {
    "phase": "bold",
    "combat": "red",
    "fires": "magenta",
    "supply": "cyan",
    "medical": "green",
    "order": "yellow",
    "inject": "bold yellow",
    "decision": "bold blue",
    "human": "bold reverse",  # set by people in a live play: choices and the facilitator's overrides
    "move": "",
}


def scenario_ids(s: Scenario) -> frozenset[str]:
    """The ids a line may start with, shown as written where a thing has no name."""
    medical = s.medical.facilities if s.medical is not None else []
    ids = [*(u.id for u in s.units), *(p.id for p in s.phases), *(f.id for f in medical)]
    ids += [*(d.id for d in s.depots), *(x.id for x in s.supply_lines)]
    return frozenset([*s.map.places, *s.sides, *ids, *(r.id for r in s.map.routes if r.id is not None)])


class Narrator:
    """Turns trace records into lines: each record to the teller of its kind's family (a kind no family
    tells is left out). Fed in pieces (a live play), it tells what it has so far after each piece."""

    def __init__(self, scenario: Scenario, lang: Language):
        lang = worded(lang, scenario)
        self.s, self.lang, self.names = scenario, lang, Labels(scenario, lang)
        self.lines: list[Line] = []
        self.tellers = [f.teller(scenario, lang, self.names, self.lines) for f in FAMILIES]
        self.handlers: dict[str, tuple[Teller, Callable[[float, Mapping[str, Any]], None]]] = {
            kind: (t, getattr(t, method)) for t in self.tellers for kind, method in t.TELLS.items()
        }
        self.waiting: list[Teller] = []  # tellers holding records back, in the order they began to
        self.ids = scenario_ids(scenario)

    def feed(self, events: Iterable[Mapping[str, Any]]) -> list[Line]:
        told = len(self.lines)  # the lines of earlier pieces are sentences already
        for e in events:
            kind = e["kind"]
            if kind in SKIPPED:
                continue
            self._flush(kind)
            teller, handler = self.handlers.get(kind, (None, None))
            if teller is not None and handler is not None:
                handler(e["t"], e)
                if teller.holding() and teller not in self.waiting:
                    self.waiting.append(teller)
                elif not teller.holding() and teller in self.waiting:
                    self.waiting.remove(teller)
        self._flush(None)
        self.lines[told:] = _merged(self.lines[told:])
        # every line a sentence, those a teller wrote whole (a count's plural form) as well as those it said;
        # a line that starts with an id (a facility with no name) keeps it as written
        self.lines[told:] = [self._sentence(line) for line in self.lines[told:]]
        return self.lines

    def _sentence(self, line: Line) -> Line:
        first = line.text.split(" ", 1)[0].rstrip(".,:;!?")
        told = line.text if first in self.ids else sentence(line.text)
        return line if told == line.text else replace(line, text=told)

    def _flush(self, kind: str | None) -> None:
        """Held-back lines are told in the order they were held, unless a record of ``kind`` may join them."""
        for teller in list(self.waiting):
            teller.flush(kind)
            if not teller.holding():
                self.waiting.remove(teller)

    def closing(self) -> list[Line]:
        """The tellers' lines for the outcome (the casualties reaching each role of care)."""
        return [line for t in self.tellers for line in t.closing(self.s.scenario.duration)]


def _merged(lines: list[Line]) -> list[Line]:
    """Lines told at one minute of the clock in the same words as one, saying how many (each aircraft of a unit
    flying apart launches on its own: "The tiltrotor division (mv22-1) launches from the carrier ... (×4).")."""
    counts: dict[tuple[int, str], int] = {}
    first: list[Line] = []
    for line in lines:
        key = (round(line.t), line.text)  # (the minute the story shows, as Labels.clock rounds it)
        if key not in counts:
            counts[key] = 0
            first.append(line)
        counts[key] += 1
    out = []
    for line in first:
        n = counts[round(line.t), line.text]
        if n > 1:
            stem, end = (line.text[:-1], ".") if line.text.endswith(".") else (line.text, "")
            line = replace(line, text=f"{stem} (×{n}){end}")
        out.append(line)
    return out


def tell(
    scenario: Scenario,
    events: Sequence[Mapping[str, Any]],
    metrics: Mapping[str, float],
    specs: Mapping[str, MetricSpec],
    lang: Language,
    replication: int,
    seed: int,
    *,
    ended: bool = True,
) -> Story:
    """The whole story of one traced replication (``ended``: with each objective's outcome; not for a play
    stopped before its end, whose objectives were still open)."""
    narrator = Narrator(scenario, lang)
    lines = narrator.feed(events)
    title = lang._("{scenario}: replication {rep} (seed {seed})").format(
        scenario=narrator.names.title(), rep=replication, seed=seed
    )
    told = outcome(scenario, events, metrics, specs, lang) if ended else []
    return Story(title, lines, narrator.closing() + told, ended)


def view(story: Story, names: Labels, lang: Language) -> RenderableType:
    """The story for a terminal: times in the scenario clock, one line per event, the outcome last."""
    parts: list[RenderableType] = [Text(story.title, style="bold")]
    for line in story.lines:
        t = Text(f"{names.clock(line.t):>11}  ", style="dim")
        t.append(line.text, style=STYLE.get(line.topic, ""))
        parts.append(t)
    parts.append(Text(""))
    if story.outcome:
        parts.append(Text(lang._("Outcome"), style="bold"))
        for line in story.outcome:
            parts.append(Text("  " + line.text))
    if not story.ended:  # a play stopped before its end: its objectives are not judged
        parts.append(Text(lang._("Stopped before the end of the run: no outcome yet."), style="dim"))
    return Group(*parts)
