"""Who may do what in the classroom: the join code that lets a phone vote, the facilitator's token that
lets the projector steer the run, and the participants' ids (cookies) issued at join."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

# Upper-case letters and digits a class reads off a projector without confusion: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 5
VOTER_COOKIE = "exsim_voter"
SEAT_COOKIE = "exsim_seat"  # a cell's or an evaluator's seat, issued when they join with their own code
EVALUATOR = "evaluator"  # the seat of an evaluator (a cell's seat is the cell's id)
FACILITATOR_COOKIE = "exsim_facilitator"  # set from the printed link's token; the projector's address stays bare
TOKEN_HEADER = "X-Exsim-Token"  # the facilitator's token for a script (the projector page uses the cookie)
# a participant's cookies outlive the browser's session (a phone's browser may drop session cookies when it
# is closed or its tab is reclaimed): a phone that joins again the next morning is the same voter
DEVICE_COOKIE_S = 3 * 24 * 3600


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise(code: str) -> str:
    """What a participant typed, as the code is shown: upper case, no spaces or dashes."""
    return "".join(c for c in code.upper() if c not in " -")


@dataclass
class Keys:
    """The room's secrets: a join code for the class, a token for the facilitator, the issued voter ids."""

    code: str = field(default_factory=new_code)
    token: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    voters: set[str] = field(default_factory=set)
    cell_codes: dict[str, str] = field(default_factory=dict)  # cell id -> its join code
    evaluator_code: str | None = None
    seats: dict[str, str] = field(default_factory=dict)  # issued seat id -> the cell's id, or EVALUATOR

    def for_cells(self, cells: list[str]) -> None:
        """A join code for each cell and one for the evaluators, each unlike every other."""
        taken = {self.code}
        for name in [*cells, EVALUATOR]:
            code = new_code()
            while code in taken:
                code = new_code()
            taken.add(code)
            if name == EVALUATOR:
                self.evaluator_code = code
            else:
                self.cell_codes[name] = code

    def seat_for(self, given: str | None) -> str | None:
        """The cell (or EVALUATOR) whose code ``given`` is, else None."""
        if given is None:
            return None
        typed = normalise(given).encode()
        for cell, code in self.cell_codes.items():
            if secrets.compare_digest(typed, code.encode()):
                return cell
        if self.evaluator_code is not None and secrets.compare_digest(typed, self.evaluator_code.encode()):
            return EVALUATOR
        return None

    def seat(self, cell: str) -> str:
        """A new seat id for a member of ``cell`` (or EVALUATOR), kept in their cookie."""
        token = secrets.token_urlsafe(12)
        self.seats[token] = cell
        return token

    def seated(self, given: str | None) -> str | None:
        """The cell (or EVALUATOR) of a seat cookie, else None."""
        return self.seats.get(given) if given is not None else None

    def facilitator(self, given: str | None) -> bool:
        return given is not None and secrets.compare_digest(given.encode(), self.token.encode())

    def joins(self, given: str | None) -> bool:
        return given is not None and secrets.compare_digest(normalise(given).encode(), self.code.encode())

    def admit(self) -> str:
        """A new participant's id (kept in their cookie), unguessable: nobody can vote under another's id.
        It does not make one person one voter: anyone with the join code may be admitted again from a fresh
        browser (the projector's count of participants shows it; docs/serve.md)."""
        voter = secrets.token_urlsafe(12)
        self.voters.add(voter)
        return voter

    def voter(self, given: str | None) -> str | None:
        return given if given is not None and given in self.voters else None
