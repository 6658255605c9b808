"""The live session controller: one run of a scenario stepped event by event, pausing at injects and decisions.

Library code, no terminal I/O: ``exsim play`` (the terminal) and ``exsim serve`` (the browser classroom)
both drive a :class:`PlaySession`. The session steps the simpy environment itself and stops stepping
while a pause is pending:

- an inject with a player message has fired (its effects are applied): ``acknowledge()`` goes on;
- a decision point is due: the decision waits (the decisions model's :class:`Chooser` service) until
  ``choose(option)``; the choice is handed to the waiting decision at once, at the same simulated time
  and before any other event, so the run goes on exactly as if the option had been known.

A facilitator's ``override`` (an engagement declared won, a ship declared repaired, a route reopened)
is applied at the session's current time and recorded as human-set, in the event log and in the play.

Every action is recorded with the number of events processed before it (its *step*), its simulated time
and a wall-clock stamp. ``PlaySession(..., script=PlayScript.load(folder))`` applies the recorded
actions at the same steps, so a replay gives the identical event sequence.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import simpy

from sim.config.cells import Request
from sim.config.exercise import DecisionPoint, Option, ReopenRoutes
from sim.config.schema import Scenario
from sim.errors import ExsimError, RunBudgetExceeded
from sim.experiment.replay import sampler
from sim.experiment.runner import build_world, collect_metrics
from sim.models import combat, injects, requests
from sim.models.catalogue import catalogue
from sim.models.decisions import Chooser, Decided
from sim.play.folder import Played, write
from sim.play.picture import Reported, Reports
from sim.play.status import Status, UnitPosition, positions, status
from sim.present import i18n
from sim.present.aar import RATING
from sim.present.labels import Labels
from sim.present.story import Line, Narrator, outcome

SCRIPT = "play.json"
RATINGS = tuple(RATING)  # an evaluation guide's scale, best first (its words: sim.present.aar.RATING)


@dataclass(frozen=True)
class InjectPause:
    """An inject with a message for the players has fired; the run waits for ``acknowledge()``."""

    id: str
    message: str
    t: float
    kind: str = "inject"


@dataclass(frozen=True)
class DecisionPause:
    """A decision is due; the run waits for ``choose(option)``. ``options``: (name, description) pairs."""

    id: str
    title: str
    options: list[tuple[str, str]]
    default: str
    t: float
    cell: str | None = None  # the cell that owns it (None: the class's)
    kind: str = "decision"


@dataclass(frozen=True)
class Awaiting:
    """A request has reached a cell the players play and awaits its ``answer(n, "grant" | "decline")``. The
    run goes on meanwhile: the time the cell takes to decide is part of the answer's time."""

    id: str
    n: int  # the request's number in the run
    title: str
    from_cell: str
    to_cell: str
    default: str  # the scripted policy's answer
    t: float
    kind: str = "request"


Pause = InjectPause | DecisionPause


@dataclass(frozen=True)
class OverrideOption:
    """An override the facilitator may apply now: ``session.override(kind, target, **params)``."""

    kind: str  # engagement_won, repaired, route_open
    target: str
    params: dict[str, str]
    label: str


OVERRIDE_KINDS = ("engagement_won", "repaired", "route_open")


@dataclass(frozen=True)
class PlayScript:
    """What a play folder's play.json records: the seed, the actions with their steps, where it ended."""

    seed: int
    actions: list[dict[str, Any]]
    steps: int  # events processed when the play was saved
    finished: bool
    lang: str = "en"
    started: str | None = None
    saved: str | None = None
    now: float | None = None  # the session's clock when saved (simulated minutes; the last event may be earlier)
    extra: dict[str, Any] = field(default_factory=dict)  # anything else in play.json (the placement)

    @classmethod
    def load(cls, folder: Path) -> PlayScript:
        path = Path(folder) / SCRIPT
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            known = {"seed", "actions", "steps", "finished", "lang", "started", "saved", "now"}
            return cls(
                int(data["seed"]),
                list(data["actions"]),
                int(data["steps"]),
                bool(data["finished"]),
                str(data.get("lang", "en")),
                data.get("started"),
                data.get("saved"),
                None if data.get("now") is None else float(data["now"]),
                {k: v for k, v in data.items() if k not in known},
            )
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise ExsimError(f"{path}: not a play exsim can replay ({e})") from None

    def as_json(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "lang": self.lang,
            "started": self.started,
            "saved": self.saved,
            "steps": self.steps,
            "finished": self.finished,
            "now": self.now,
            "actions": self.actions,
            **self.extra,
        }


def stamp() -> str:
    """The wall clock, for the record."""
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


class PlaySession:
    """One live run of ``scenario`` with ``seed`` (replication 0), narrated in ``lang``."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        *,
        lang: str = "en",
        script: PlayScript | None = None,
        cells: frozenset[str] | None = None,
    ):
        """``cells``: the cells the players play (None: the class plays every decision and every cell);
        the others are scripted: their decisions take the scenario's option, their answers their policy."""
        self.scenario, self.seed = scenario, seed
        if cells is None and script is not None and script.extra.get("cells") is not None:
            cells = frozenset(script.extra["cells"])  # a replay plays the cells the play did
        self.language = i18n.language(lang)
        _ = self.language._
        known = {c.id for c in scenario.cells if not c.control}  # control's cell is played by control
        if cells is not None and not cells <= known:
            listed = ", ".join(sorted(known)) or _("none")
            raise ExsimError(
                _("no players' cell {cells} in this scenario (cells: {listed})").format(
                    cells=", ".join(sorted(cells - known)), listed=listed
                )
            )
        self.cells = cells
        self.held: set[str] = set()  # cells whose clock-driven decisions control holds (EXCON)
        self._waiting: dict[str, tuple[str, DecisionPause]] = {}  # decisions held, by point: (cell, pause)
        self._awaiting: dict[int, tuple[simpy.Event, Awaiting]] = {}  # requests awaiting an answer, by number
        self.arrived = False  # a request reached a played cell during the last advance (which stopped there)
        self.names = Labels(scenario, self.language)
        self.world = build_world(scenario, seed, 0, trace=True)
        self.world.env.process(sampler(self.world))  # the state every few minutes, for the report's charts
        self.world.services.provide(Chooser(self._ask))
        self.world.services.provide(requests.Answerer(self._answer_ask, self.plays))
        self.reports = Reports(scenario, self.world) if scenario.cells else None
        self.narrator = Narrator(scenario, self.language)
        self.end = scenario.scenario.duration
        self.now = 0.0  # simulated minutes: the session's clock (the last event may be earlier)
        self.steps = 0  # events processed
        self.finished = False
        self.pending: Pause | None = None
        self.metrics: dict[str, float] | None = None  # once finished
        self.actions: list[dict[str, Any]] = []
        self.script = script
        self.started = script.started if script is not None and script.started else stamp()
        self._queue: list[Pause] = []
        self._found: list[tuple[int, Pause]] = []  # pauses found during a step, by their place in the log
        self._asked: dict[str, simpy.Event] = {}
        self._seen = 0  # log records looked at for pauses
        self._fed = 0  # log records told by the narrator
        self._told = 0  # narrator lines handed out
        self._next = 0  # the script's next action
        self._outcome_told = False

    # --- the clock --------------------------------------------------------------------------------------

    def clock(self) -> str:
        """The session's time in the scenario clock: ``D+1 06:30``."""
        return self.names.clock(self.now)

    @property
    def stopped(self) -> bool:
        """A replay has reached the point where the play was saved before its end."""
        s = self.script
        return s is not None and not s.finished and self._next >= len(s.actions) and self.steps >= s.steps

    def advance(self, minutes: float) -> list[Line]:
        """Run until ``now + minutes`` or the next pause, whichever comes first; the new story lines."""
        if not minutes >= 0:
            raise ValueError(f"advance by {minutes} minutes: expected a number ≥ 0")
        target = min(self.now + minutes, self.end)
        env = self.world.env
        self.arrived = False
        while True:
            self._replay_actions()
            if self.pending is not None or self.finished or self.stopped:
                break
            if self.arrived and self.script is None:  # a request for the players: the caller shows it
                self.now = max(self.now, env.now)
                break
            nxt = env.peek()
            if nxt >= self.end:
                self._finish()
                break
            if nxt > target:
                self.now = max(self.now, target)
                break
            self._step()
        if self.pending is not None:
            self.now = max(self.now, env.now)
        s = self.script
        if s is not None and self.stopped:  # a replay where the play was saved: the clock it had then
            self.now = max(self.now, env.now if s.now is None else s.now)
        return self._tell()

    def step(self) -> list[Line]:
        """Advance to the next event's time (and through every event due then)."""
        return self.advance(max(0.0, min(self.world.env.peek(), self.end) - self.now))

    def run_to_end(self) -> list[Line]:
        """Advance until the end, a pause, or (a replay) where the play was saved."""
        return self.advance(math.inf)

    # --- pauses -----------------------------------------------------------------------------------------

    def acknowledge(self) -> list[Line]:
        """Go on after an inject pause."""
        if not isinstance(self.pending, InjectPause):
            raise ExsimError(self.language._("no inject is waiting to be acknowledged"))
        self._record({"action": "acknowledge", "id": self.pending.id})
        self._next_pause()
        return self._tell()

    def choose(self, option: str, *, by: str = "class", votes: dict[str, int] | None = None) -> list[Line]:
        """Take the pending decision: ``by`` the class (keystroke or vote) or the facilitator."""
        pause = self.pending
        if not isinstance(pause, DecisionPause):
            raise ExsimError(self.language._("no decision is waiting to be taken"))
        names = [name for name, _ in pause.options]
        if option not in names:
            raise ExsimError(
                self.language._("decision {id}: no option {option} (options: {options})").format(
                    id=pause.id, option=repr(option), options=", ".join(names)
                )
            )
        votes = {k: int(v) for k, v in (votes or {}).items()}
        self._record({"action": "choose", "id": pause.id, "option": option, "by": by, "votes": votes})
        self._resolve(pause.id, Decided(option, by, votes))
        return self._tell()

    def _resolve(self, point: str, decided: Decided) -> None:
        # Hand the choice to the waiting decision now, as simpy's step would, but without queueing an
        # event: no other event runs first, so the run goes on as if the option had been known.
        ev = self._asked.pop(point)
        ev._ok, ev._value = True, decided  # what Event.succeed sets, without scheduling
        callbacks, ev.callbacks = ev.callbacks, None  # type: ignore[assignment]
        for callback in callbacks or []:
            callback(ev)
        self._look()
        self._next_pause()

    def plays(self, cell: str | None) -> bool:
        """Players play ``cell`` (None: a decision no cell owns, the class's)."""
        return self.cells is None or cell is None or cell in self.cells

    def _ask(self, point: DecisionPoint) -> simpy.Event | None:
        """The decisions model asks: the decision waits for this event (None: a scripted cell's, taken at once)."""
        if not self.plays(point.cell):
            return None
        ev = self.world.env.event()
        self._asked[point.id] = ev
        names = self.names
        options = [(n, _option_text(names, point.id, n, o)) for n, o in point.options.items()]
        pause = DecisionPause(
            point.id, names.text(point.question) or point.id, options, point.default, self.world.now, point.cell
        )
        if point.cell in self.held and point.at is not None and point.when is None:  # control holds its clock
            self._waiting[point.id] = (point.cell, pause)
        else:
            self._found.append((len(self.world.log.records), pause))
        return ev

    # --- exercise control (EXCON) -------------------------------------------------------------------------

    def fire_inject(self, inject_id: str, when: str, minutes: float = 0.0) -> list[Line]:
        """Control fires an MSEL inject ``now``, ``later`` (in ``minutes``) or ``never`` (human-set)."""
        _ = self.language._
        if self.finished:
            raise ExsimError(_("the run is over"))
        if when not in ("now", "later", "never"):
            raise ExsimError(_("fire an inject now, later or never, not {when}").format(when=repr(when)))
        if when == "later" and not (minutes > 0 and math.isfinite(minutes)):
            raise ExsimError(_("later: give the minutes from now (a number more than 0)"))
        if inject_id not in {i.id for i in self.scenario.injects}:
            raise ExsimError(_("no inject {id} in the MSEL").format(id=repr(inject_id)))
        if inject_id in injects.state(self.world).fired:
            raise ExsimError(_("inject {id} has fired already").format(id=inject_id))
        action = self._record(
            {"action": "fire_inject", "id": inject_id, "when": when, "minutes": float(minutes), "human_set": True}
        )
        self._at_clock(action, lambda: self._control_inject(action))
        return self._tell()

    def _control_inject(self, action: dict[str, Any]) -> None:
        world = self.world
        if action["id"] in injects.state(world).fired:
            return  # it fired while the clock was brought to the action's time
        inject = injects.take_over(world, action["id"])
        if action["when"] == "now":
            injects.fire(world, inject, human_set=True)
        elif action["when"] == "later":

            def later() -> Any:
                yield world.env.timeout(float(action["minutes"]))
                if inject.id not in injects.state(world).fired:
                    injects.fire(world, inject, human_set=True)

            world.env.process(later())

    def message(self, text: str, to: str | None = None) -> list[Line]:
        """Control sends a free-text inject to one cell (``to``) or to every cell (None); human-set."""
        if not text.strip():
            raise ExsimError(self.language._("the message is empty"))
        if to is not None and to not in {c.id for c in self.scenario.cells}:
            raise ExsimError(self.language._("no cell {cell}").format(cell=repr(to)))
        self._record({"action": "message", "to": to, "text": text, "human_set": True})
        return self._tell()

    def messages(self, cell: str) -> list[dict[str, Any]]:
        """Control's free-text injects that reached ``cell`` (those to every cell included)."""
        return [a for a in self.actions if a["action"] == "message" and a["to"] in (None, cell)]

    def hold_cell(self, cell: str, held: bool) -> list[Line]:
        """Control pauses (or resumes) one cell's clock-driven decisions: one due while it is paused waits."""
        if cell not in {c.id for c in self.scenario.cells}:
            raise ExsimError(self.language._("no cell {cell}").format(cell=repr(cell)))
        action = self._record({"action": "hold_cell", "cell": cell, "held": bool(held), "human_set": True})
        self._hold(action)
        return self._tell()

    def _hold(self, action: dict[str, Any]) -> None:
        cell = action["cell"]
        if action["held"]:
            self.held.add(cell)
            return
        self.held.discard(cell)
        for point_id, (owner, pause) in list(self._waiting.items()):
            if owner == cell:
                del self._waiting[point_id]
                self._queue.append(pause)
        if self.pending is None:
            self._next_pause()

    def observe(self, cell: str | None, objective: str, rating: str, note: str, *, by: str = "evaluator") -> None:
        """An evaluator's observation, at the session's time: the cell, the objective, a rating and a note."""
        _ = self.language._
        if objective not in {o.id for o in self.scenario.objectives}:
            raise ExsimError(_("no objective {objective}").format(objective=repr(objective)))
        if rating not in RATINGS:
            raise ExsimError(_("rating: one of {ratings}").format(ratings=", ".join(RATINGS)))
        if cell is not None and cell not in {c.id for c in self.scenario.cells}:
            raise ExsimError(_("no cell {cell}").format(cell=repr(cell)))
        self._record(
            {"action": "observe", "cell": cell, "objective": objective, "rating": rating, "note": note, "by": by}
        )

    # --- requests between cells ---------------------------------------------------------------------------

    def request(self, request_id: str, *, by: str | None = None) -> list[Line]:
        """A cell's players make a request now (``by``: who, for the record; default the asking cell)."""
        _ = self.language._
        if self.finished:
            raise ExsimError(_("the run is over: no request can be made"))
        r = next((x for x in self.scenario.requests if x.id == request_id), None)
        if r is None:
            known = ", ".join(x.id for x in self.scenario.requests) or _("none")
            raise ExsimError(_("request {id}: unknown (requests: {known})").format(id=request_id, known=known))
        if not self.plays(r.from_):
            raise ExsimError(
                _("request {id}: cell {cell} is scripted here, its players cannot ask").format(
                    id=request_id, cell=r.from_
                )
            )
        action = self._record({"action": "request", "id": r.id, "by": by or r.from_, "human_set": True})
        self._at_clock(action, lambda: self._send(action))
        return self._tell()

    def _send(self, action: dict[str, Any]) -> None:
        requests.send(self.world, action["id"], str(action["by"]))

    def awaiting(self, cell: str | None = None) -> list[Awaiting]:
        """The requests awaiting an answer (of ``cell``, or of every cell), oldest first."""
        return [a for _, a in self._awaiting.values() if cell is None or a.to_cell == cell]

    def answer(self, n: int, answer: str, *, by: str | None = None) -> list[Line]:
        """The receiving cell grants or declines request number ``n``, now."""
        if n not in self._awaiting:
            raise ExsimError(self.language._("no request #{n} awaits an answer").format(n=n))
        if answer not in ("grant", "decline"):
            raise ExsimError(
                self.language._("request #{n}: answer grant or decline, not {answer}").format(n=n, answer=repr(answer))
            )
        waiting = self._awaiting[n][1]
        after = max(0.0, self.now - waiting.t)  # how long the cell took (the batch answers as long after arrival)
        action = self._record(
            {
                "action": "answer",
                "id": waiting.id,
                "n": n,
                "answer": answer,
                "by": by or waiting.to_cell,
                "after": after,
            }
        )
        self._answer_now(action)
        return self._tell()

    def _answer_now(self, action: dict[str, Any]) -> None:
        """Hand the answer to the waiting request at the action's time, and run until it is taken (its record
        written), as a replay does at the same step."""
        ev = self._awaiting[int(action["n"])][0]
        self._at_clock(action, lambda: self._give(action))
        while not ev.processed:
            self._step()

    def _give(self, action: dict[str, Any]) -> None:
        ev, waiting = self._awaiting.pop(int(action["n"]))
        ev.succeed(Decided(action["answer"], action.get("by", waiting.to_cell)))

    def _answer_ask(self, r: Request, sent: requests.Sent) -> simpy.Event | None:
        """The requests model asks: the answer waits for this event (None: a scripted cell answers)."""
        if not self.plays(r.to):
            return None
        ev = self.world.env.event()
        title = self.names.text(r.name) if r.name is not None else r.id
        self._awaiting[sent.n] = (ev, Awaiting(r.id, sent.n, title, r.from_, r.to, r.answer, self.world.now))
        self.arrived = True
        return ev

    def requests_sent(self) -> list[requests.Sent]:
        """Every request made so far, with its times."""
        st = self.world.services.find(requests.RequestState)
        return list(st.sent) if st is not None else []

    def in_flight(self, request_id: str) -> bool:
        """A request ``request_id`` is outstanding: made (or about to be, at the session's clock) and its answer
        not yet back to the asking cell, nor lost."""
        sent = [x for x in self.requests_sent() if x.id == request_id]
        if any(x.back is None and not x.lost for x in sent):
            return True
        made = sum(1 for a in self.actions if a["action"] == "request" and a["id"] == request_id)
        return made > sum(1 for x in sent if x.by != "script")

    def picture(self, cell: str) -> list[Reported]:
        """What has been reported to ``cell`` by now: each of its units as last reported."""
        if self.reports is None:
            raise ExsimError(self.language._("this scenario has no cells"))
        return self.reports.seen(cell, self.now)

    def _look(self) -> None:
        """Find the pauses the events just processed call for, in the order they came."""
        records = self.world.log.records
        for i in range(self._seen, len(records)):
            r = records[i]
            if r["kind"] == "inject" and r.get("message"):
                self._found.append((i, InjectPause(r["id"], self.names.text(r["message"]), r["t"])))
        self._seen = len(records)
        if self._found:
            self._found.sort(key=lambda f: f[0])
            self._queue += [p for _, p in self._found]
            self._found = []
        if self.pending is None:
            self._next_pause()

    def _next_pause(self) -> None:
        self.pending = self._queue.pop(0) if self._queue else None

    # --- overrides --------------------------------------------------------------------------------------

    def possible_overrides(self) -> list[OverrideOption]:
        """What the facilitator may declare now: engagements won, broken-down units repaired, routes reopened."""
        out = []
        cs = self.world.services.find(combat.CombatState)
        for place, eng in sorted((cs.engagements if cs is not None else {}).items()):
            for side in (eng.side_a, eng.side_b):
                label = self.language._("{side} wins the fight at {place}").format(
                    side=self.names.side(side), place=self.names.place(place)
                )
                out.append(OverrideOption("engagement_won", place, {"side": side}, label))
        st = self.world.services.find(injects.ExerciseState)
        for uid, until in sorted((st.broken_down if st is not None else {}).items()):
            if until > self.world.now:
                label = self.language._("{unit} is repaired").format(unit=self.names.unit(uid))
                out.append(OverrideOption("repaired", uid, {}, label))
        for i in sorted(self.world.closed):
            route = self.scenario.map.routes[i]
            if route.id is not None:
                label = self.language._("Route {route} is open again").format(route=route.id)
                out.append(OverrideOption("route_open", route.id, {}, label))
        return out

    def override(self, kind: str, target: str, **params: str) -> list[Line]:
        """Declare an outcome (human-set), applied at the session's current time."""
        if self.finished:
            raise ExsimError(self.language._("the run is over: nothing to override"))
        if not any(o.kind == kind and o.target == target and o.params == params for o in self.possible_overrides()):
            shown = ", ".join(f"{o.kind} {o.target}" for o in self.possible_overrides()) or self.language._("none now")
            raise ExsimError(
                self.language._("override {kind} {target}: not possible now (possible: {shown})").format(
                    kind=kind, target=target, shown=shown
                )
            )
        action = self._record(
            {"action": "override", "kind": kind, "target": target, "params": dict(params), "human_set": True}
        )
        self._at_clock(action, lambda: self._apply(action))
        return self._tell()

    def _at_clock(self, action: dict[str, Any], do: Any) -> None:
        """Do a human action at its time, the session's clock when it was taken."""
        t = float(action["t"])
        if t <= self.world.now:
            do()
            self._look()
            return

        def later() -> Any:  # the session's clock is ahead of the last event: apply it at the clock's time
            yield self.world.env.timeout(t - self.world.now)
            do()

        self.world.env.process(later())
        while self.world.now < t:  # its start, then its timeout: nothing else is due before the clock
            self._step()

    def _apply(self, action: dict[str, Any]) -> None:
        world, kind, target, params = self.world, action["kind"], action["target"], action["params"]
        world.emit("override", override=kind, target=target, human_set=True, **params)
        if kind == "engagement_won":
            eng = combat.state(world).engagements[target]
            eng.decree(attackers_won=params["side"] == eng.side_a)
        elif kind == "repaired":
            injects.repair(world, target)
        elif kind == "route_open":
            injects.apply(world, ReopenRoutes(type="reopen_routes", routes=[target]))
        else:
            raise ExsimError(f"override {kind}: unknown (known: {', '.join(OVERRIDE_KINDS)})")

    # --- stepping and replaying ---------------------------------------------------------------------------

    def _step(self) -> None:
        budget = self.scenario.scenario.max_events
        if self.steps >= budget:
            raise RunBudgetExceeded(
                f"the play stopped at simulated minute {self.world.now:,.1f}: it needs more than {budget:,} "
                "events, the run budget (scenario.max_events)"
            )
        self.world.env.step()
        self.steps += 1
        self.world.events = self.steps
        if self.reports is not None:
            self.reports.observe()
        self._look()

    def _finish(self) -> None:
        self.world.events = self.steps
        self.world.run(self.end)  # nothing is due before the end: this only brings the clock to it
        self.now, self.finished = self.end, True
        self.metrics = collect_metrics(self.world)

    def _record(self, fields: dict[str, Any]) -> dict[str, Any]:
        action = {**fields, "t": round(self.now, 6), "step": self.steps, "wall": stamp()}
        self.actions.append(action)
        return action

    def _replay_actions(self) -> None:
        """A replay: apply the script's actions recorded at this step, in order."""
        s = self.script
        while s is not None and self._next < len(s.actions) and int(s.actions[self._next]["step"]) <= self.steps:
            action = s.actions[self._next]
            self._next += 1
            if int(action["step"]) < self.steps:
                raise ExsimError(f"play.json: action {self._next} does not replay (step {action['step']} passed)")
            self.actions.append(dict(action))
            pause, what = self.pending, action["action"]
            if what == "override":
                self._at_clock(action, lambda a=action: self._apply(a))  # type: ignore[misc]
            elif what == "fire_inject":
                self._at_clock(action, lambda a=action: self._control_inject(a))  # type: ignore[misc]
            elif what == "hold_cell":
                self._hold(action)
            elif what in ("message", "observe"):
                pass  # words for the players or the after-action report: nothing in the run
            elif what == "request":
                self._at_clock(action, lambda a=action: self._send(a))  # type: ignore[misc]
            elif what == "answer" and int(action["n"]) in self._awaiting:
                self._answer_now(action)
            elif what == "acknowledge" and isinstance(pause, InjectPause) and pause.id == action["id"]:
                self._next_pause()
            elif what == "choose" and isinstance(pause, DecisionPause) and pause.id == action["id"]:
                self._resolve(pause.id, Decided(action["option"], action.get("by", "class"), action.get("votes", {})))
            else:
                raise ExsimError(f"play.json: action {self._next} ({what} {action.get('id', '')}) does not replay")

    # --- what the screen shows --------------------------------------------------------------------------

    def _tell(self) -> list[Line]:
        records = self.world.log.records
        if self._fed < len(records):
            self.narrator.feed(records[self._fed :])
            self._fed = len(records)
        lines = self.narrator.lines[self._told :]
        self._told = len(self.narrator.lines)
        if self.finished and self.metrics is not None and not self._outcome_told:
            self._outcome_told = True
            specs = catalogue(self.scenario).by_name
            lines = lines + outcome(self.scenario, records, self.metrics, specs, self.language)
        return lines

    def status(self) -> Status:
        return status(self.world, self.names, self.now, self.finished, self.metrics)

    def positions(self) -> list[UnitPosition]:
        return positions(self.world, self.names)

    @property
    def events(self) -> list[dict[str, Any]]:
        """The event log so far."""
        return self.world.log.records

    def as_script(self) -> PlayScript:
        """The play so far, as play.json records it."""
        return PlayScript(
            self.seed,
            list(self.actions),
            self.steps,
            self.finished,
            self.language.code,
            self.started,
            stamp(),
            round(max(self.now, self.world.now), 6),  # a run stopped by an error mid-advance: where its events got
            {} if self.cells is None else {"cells": sorted(self.cells)},
        )

    def save(
        self, folder: Path, *, source: Path | None = None, extra: dict[str, Any] | None = None, replace: bool = False
    ) -> Path:
        """Write the play folder (a results folder with play.json), atomically; see :mod:`sim.play.folder`.
        ``replace``: over this play's own earlier save (exsim serve saves after every choice)."""
        script = self.as_script()
        play = {**script.as_json(), **(extra or {})}
        if self.metrics is not None:
            metrics = self.metrics
            play.pop("stopped", None)  # a replayed play's earlier save, unfinished then
        else:  # the report tells an unfinished play where it stopped from play.json, without replaying it
            metrics, play["stopped"] = self._so_far(script)
        played = Played(
            self.scenario,
            self.seed,
            list(self.actions),
            list(self.events),
            play,
            metrics,
            self.started,
            script.saved,
            self.finished,
            self.steps,
        )
        return write(played, Path(folder), source=source, replace=replace)

    def _so_far(self, script: PlayScript) -> tuple[dict[str, float], dict[str, Any]]:
        """An unfinished play's metrics, and where it stopped: its clock (simulated minutes) and each objective
        judged there by the live rules (sim.play.status: open, at risk, met, missed). Both are read from a
        replay of the play up to now: read from the live run, they could bring a model's state up to now (a
        deterministic fight's losses) and make the rest of the play depend on when it was saved."""
        copy = PlaySession(self.scenario, self.seed, lang=self.language.code, script=script)
        copy.run_to_end()
        stopped = {"at_min": copy.now, "objectives": {o.id: o.state for o in copy.status().objectives}}
        return collect_metrics(copy.world), stopped


def _option_text(names: Labels, point: str, name: str, option: Option) -> str:
    """An option as the class reads it: its label and what it means, or whichever it has, or its id."""
    label, about = names.option(point, name), names.text(option.description)
    return f"{label} — {about}" if option.name is not None and about else about or label
