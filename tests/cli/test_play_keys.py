"""The keys of `exsim play`'s live view (sim/play/cli.py's _Keys), without a terminal."""

from __future__ import annotations

from typing import Any

from sim.play.cli import _Keys
from sim.play.session import DecisionPause, InjectPause, OverrideOption


class Session:
    """What the keys ask of a PlaySession, recorded."""

    def __init__(self, pending: Any = None, waiting: list[Any] | None = None) -> None:
        self.pending = pending
        self.calls: list[tuple[Any, ...]] = []
        self.menu = [OverrideOption("route_open", "r1", {"route": "r1"}, "open r1")]
        self.waiting = waiting or []  # requests from other cells waiting for the played cell's answer
        self.cells = None
        self.finished = False

    def awaiting(self) -> list[Any]:
        return self.waiting

    def answer(self, n: int, answer: str) -> list[str]:
        self.calls.append(("answer", n, answer))
        return ["answered"]

    def acknowledge(self) -> list[str]:
        self.calls.append(("acknowledge",))
        return ["ack"]

    def choose(self, option: str, by: str) -> list[str]:
        self.calls.append(("choose", option, by))
        return ["chose"]

    def step(self) -> list[str]:
        self.calls.append(("step",))
        return ["step"]

    def possible_overrides(self) -> list[OverrideOption]:
        return self.menu

    def override(self, kind: str, target: str, **params: str) -> list[str]:
        self.calls.append(("override", kind, target, params))
        return ["overridden"]


def keys(session: Session) -> tuple[_Keys, list[int]]:
    chosen: list[int] = []
    return _Keys(session, 60.0, lambda: chosen.append(1)), chosen  # type: ignore[arg-type]


def test_pace_pause_and_step():
    k, _ = keys(s := Session())
    assert k.press(" ") and not k.running and k.press(" ") and k.running
    k.press("+"), k.press("=")
    assert k.speed == 240.0
    for _ in range(10):
        k.press("-")
    assert k.speed == 1.0  # never below one simulated second a second
    k.press("s")
    assert s.calls == [("step",)] and k.lines == ["step"]
    assert k.press("q") is False


def test_an_inject_waits_for_enter_and_a_decision_for_an_options_number():
    k, _ = keys(s := Session(InjectPause("i1", "storm", 0.0)))
    k.press("s"), k.press("1"), k.press("\r")
    assert s.calls == [("acknowledge",)]  # no step while paused, no number taken at an inject
    k, chosen = keys(s := Session(DecisionPause("d1", "which?", [("a", "A"), ("b", "B")], "a", 0.0)))
    k.press("3"), k.press("\n"), k.press("2")
    assert s.calls == [("choose", "b", "class")] and chosen == [1]


def test_the_overrides_menu_takes_a_number_or_closes():
    k, _ = keys(s := Session())
    k.press("o")
    assert k.menu == s.menu
    assert k.press("q") and k.menu == s.menu  # q does not quit while the menu is open
    k.press("\x1b")
    assert k.menu is None
    k.press("o"), k.press("1")
    assert (
        s.calls == [("override", "route_open", "r1", {"route": "r1"})] and k.menu is None and k.lines == ["overridden"]
    )


def test_a_request_waiting_for_the_cell_is_granted_with_g_or_declined_with_d():
    from types import SimpleNamespace

    k, chosen = keys(s := Session(waiting=[SimpleNamespace(n=4)]))
    k.press("g")
    assert s.calls == [("answer", 4, "grant")] and chosen == [1] and k.lines == ["answered"]
    k, _ = keys(s := Session(waiting=[SimpleNamespace(n=2)]))
    k.press("d")
    assert s.calls == [("answer", 2, "decline")]
    k, _ = keys(s := Session(InjectPause("i1", "storm", 0.0), waiting=[SimpleNamespace(n=2)]))
    k.press("g")
    assert s.calls == []  # an inject waiting for the class comes first
