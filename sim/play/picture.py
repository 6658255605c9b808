"""A cell's picture: its units as they were last reported to it, lagging the truth by the command model's delay.

Watched from outside the run (after each event the session processes), so a live session's events are
the same with or without cells. Whenever a unit's whereabouts, strength or state change, it reports; the
report reaches each cell that sees the unit after the unit's chain and the crossing between nations
(``sim.models.requests.report_min``), or, under a communications outage cutting the unit's or the cell's
nation, once the outage ends (a blocking outage loses it). The picture at the start is the plan's, known
to every cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.config.schema import Scenario
from sim.models.c2 import C2State
from sim.models.requests import held, report_min, units_seen

if TYPE_CHECKING:
    from sim.engine.units import Unit
    from sim.engine.world import World


@dataclass(frozen=True)
class Reported:
    """One unit as a cell last heard of it."""

    unit: str
    as_of: float  # when the unit reported (simulated minutes)
    arrived: float  # when the report reached the cell
    place: str | None  # where it was; while moving, where it set out from
    to: str | None  # while moving, where it was bound
    moving: bool
    aboard: str | None
    strength: float
    killed: float
    wounded: float
    state: str


Snapshot = tuple[str | None, str | None, bool, str | None, float, float, float, str]


class Reports:
    """Every unit's reports, and when each reached each cell."""

    def __init__(self, scenario: Scenario, world: World):
        self.world = world
        self.cs = world.services.find(C2State)
        self.cells = {c.id: c for c in scenario.cells}
        self._watching = {c.id: units_seen(scenario, c) for c in scenario.cells}
        self._last: dict[str, Snapshot] = {}
        self._got: dict[tuple[str, str], list[Reported]] = {}  # (cell, unit) -> reports, in the order sent
        self.observe(start=True)

    def _snapshot(self, u: Unit) -> Snapshot:
        w = self.world
        carrier = w.units[u.aboard] if u.aboard else u
        moving = carrier in w.underway
        place, to = (w.underway[carrier][1].places[0], w.underway[carrier][1].places[-1]) if moving else (None, None)
        return (
            place if moving else carrier.location,
            to,
            moving,
            u.aboard,
            float(u.strength),
            float(u.killed),
            float(u.wounded),
            str(u.state),
        )

    def observe(self, start: bool = False) -> None:
        """Look at every unit now; each that changed reports."""
        now = self.world.now
        changed = []
        for uid in {u for units in self._watching.values() for u in units}:
            snap = self._snapshot(self.world.units[uid])
            if self._last.get(uid) != snap:
                self._last[uid] = snap
                changed.append((uid, snap))
        for uid, snap in sorted(changed):
            unit = self.world.units[uid]
            for cid, units in self._watching.items():
                if uid not in units:
                    continue
                cell = self.cells[cid]
                if start:
                    arrived: float | None = now
                else:
                    leaves = held(self.cs, (unit.nation, cell.nation), now)
                    arrived = None if leaves is None else leaves + report_min(self.cs, uid, unit.nation, cell)
                if arrived is None:
                    continue  # lost in a blocking outage: the cell hears of the unit at its next report
                got = self._got.setdefault((cid, uid), [])
                if got and got[-1].as_of == now:
                    got.pop()  # several events at one time: the last state is the report
                got.append(Reported(uid, now, arrived, *snap))

    def seen(self, cell: str, now: float) -> list[Reported]:
        """What ``cell`` knows at ``now``: for each unit it watches, the latest report that has reached it."""
        out = []
        for uid in self._watching[cell]:
            for r in reversed(self._got.get((cell, uid), [])):  # in the order sent: the newest that has arrived
                if r.arrived <= now:
                    out.append(r)
                    break
        return out

    def units(self, cell: str) -> list[str]:
        return list(self._watching[cell])
