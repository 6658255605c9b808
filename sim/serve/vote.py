"""One open question to the class: the ballots cast while it is open, and the rule that picks the option
when the facilitator closes it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sim.errors import ExsimError
from sim.present.i18n import Language
from sim.present.report import vote_result


class VoteError(ExsimError):
    """A ballot or a close that the vote's state refuses (closed, unknown option)."""


@dataclass
class Vote:
    """The class's vote on decision ``point``: one ballot per participant, changeable while open.

    The winner is the option with the most ballots; a tie goes to the point's default if it is among
    the tied, else to the tied option listed first in the scenario. No ballots at all: the default.
    """

    point: str
    options: tuple[str, ...]
    default: str
    ballots: dict[str, str] = field(default_factory=dict)  # participant -> option
    open: bool = True

    def cast(self, voter: str, option: str) -> None:
        if not self.open:
            raise VoteError(f"the vote on {self.point} is closed")
        if option not in self.options:
            raise VoteError(f"{option!r} is not an option of {self.point} ({', '.join(self.options)})")
        self.ballots[voter] = option

    def counts(self) -> dict[str, int]:
        """Ballots per option, every option listed in the scenario's order (zero when none)."""
        out = dict.fromkeys(self.options, 0)
        for option in self.ballots.values():
            out[option] += 1
        return out

    def winner(self) -> str:
        counts = self.counts()
        most = max(counts.values())
        tied = [o for o in self.options if counts[o] == most]
        return self.default if self.default in tied else tied[0]

    def close(self) -> str:
        self.open = False
        return self.winner()

    def result(self, lang: Language, name: Callable[[str], str] = str) -> tuple[str, bool]:
        """The result in words, a tie saying how it was broken ("Tied 3–3: the plan's default, hold, was
        taken."), and whether the ballots alone did not pick the option (a tie, or none cast); ``name``
        gives an option's words for its id."""
        return vote_result(self.counts(), self.winner(), self.default, lang, name)
