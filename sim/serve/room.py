"""The classroom's one live run: a PlaySession stepped in the background at the chosen speed, the story
told so far, the vote on the decision that holds the run, and the state each kind of page is shown.

As in ``exsim play``, a Monte Carlo batch of the scenario with the class's choices (sim.play.batch) runs
in the background from the start and starts again whenever a choice differs from what it assumed; at the
end the run is placed in it, the projector says where it landed, and play.json keeps the placement.

Every call into the session runs in a worker thread under one lock (the session is not thread-safe; a long
step never keeps the server from answering the phones), and leaves a snapshot of what the pages show.
Pages learn about changes by waiting on ``changed`` for a version newer than the one they last showed; a
slow page simply skips the versions it missed (the state is whole each time; only the story comes in
pieces, from each page's cursor).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import math
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from sim.config.schema import Scenario
from sim.errors import ExsimError
from sim.models.injects import ExerciseState
from sim.play.batch import Batch, land
from sim.play.folder import with_choices
from sim.play.session import DecisionPause, InjectPause, PlaySession, UnitPosition
from sim.present import aar, i18n, tracks
from sim.present.aar import default_plan
from sim.present.labels import Labels
from sim.present.msel import rows
from sim.present.placement import placement_lines
from sim.present.report import vote_result
from sim.present.story import Line
from sim.serve import MAX_SPEED
from sim.serve.auth import Keys
from sim.serve.vote import Vote, VoteError

MAP_W, MAP_H = 900, 600
STORY_BACKLOG = 300  # lines a page that connects late is shown at once
MAX_TICK_S = 1.0  # real seconds one step may make up for (after a stall, the run does not leap ahead)


class RoomError(ExsimError):
    """A facilitator's action the run's state refuses (HTTP 409): no vote open, nothing to acknowledge..."""


class Room:
    """The run, its speed and pause, the vote and the story; ``save`` writes the play folder."""

    def __init__(
        self,
        session: PlaySession,
        scenario: Scenario,
        names: Labels,
        folder: Path,
        *,
        source: Path | None = None,
        speed: float = 600.0,
        tick_s: float = 0.2,
        keys: Keys | None = None,
        batch: Batch | None = None,
    ):
        self.session = session
        self.scenario = scenario
        self.batch = batch  # the runs the class's run is placed in at the end (None: no placement)
        self.names = names
        self.folder = folder
        self.source = source  # the scenario file, recorded in the play folder
        self.speed = speed
        self.tick_s = tick_s
        self.keys = keys or Keys()
        players = [c.id for c in scenario.cells if not c.control]
        if players and not self.keys.cell_codes:
            self.keys.for_cells(players)
        self.view = "truth"  # what the projector shows: the truth, or the combined HQ's reported picture ("hq")
        self.plan: list[dict[str, str]] | None = None  # the improvement plan as the facilitator edited it
        self.running = False  # the facilitator starts the run when the class is ready
        self.vote: Vote | None = None
        self.result: str | None = None  # the last vote's result in words, for the phones waiting for the next
        self.closed: Vote | None = None  # the last vote closed, whose ballots the phones are shown
        self.told: dict[str, Any] | None = None  # the last closed vote's result, for the phones until the next
        self.shown: dict[str, Any] | None = None  # the same, held on the projector until "continue"
        self.last_inject: dict[str, str] | None = None  # the latest inject's message, for the phones
        self.reveal = False  # the projector shows an open vote's count per option
        self.story: list[dict[str, str]] = []
        self.version = 0
        self.changed = asyncio.Condition()
        self.saved: Path | None = None
        self.error: str | None = None  # why the run stopped, when it stopped on a problem
        self.placing: tuple[int, int] | None = None  # (done, runs) while the end waits for the batch
        self.landed: list[str] | None = None  # where the run landed, in words, once placed
        self.unplaced: str | None = None  # why the run could not be placed
        self._extra: dict[str, Any] = {}  # play.json's placement, once placed
        self._batch_guard = threading.Lock()
        self.xy = tracks.projector(scenario, MAP_W, MAP_H)
        self.map = tracks.layout(scenario, names, MAP_W, MAP_H)
        self.maps: dict[str, dict[str, Any]] = {names.lang.code: self.map}  # by language, as pages ask
        self.sides = list(scenario.sides)
        self._guard = threading.Lock()  # the session is touched by one thread at a time
        self._snap = self._snapshot()
        self._cache: tuple[int, str] | None = None

    # --- the session, one call at a time ------------------------------------------------------------------
    def _locked(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with self._guard:
            try:
                return call(*args, **kwargs)
            finally:
                self._snap = self._snapshot()

    async def _session(self, call: Callable[..., list[Line]], *args: Any, **kwargs: Any) -> None:
        """Call the session in a worker thread (a long step never stalls the server); tell the story lines
        it returns and show the change."""
        try:
            lines = await asyncio.to_thread(self._locked, call, *args, **kwargs)
            self.story += [{"clock": self.names.clock(ln.t), "topic": ln.topic, "text": ln.text} for ln in lines]
            pending = self.pending
            if isinstance(pending, InjectPause):
                self.last_inject = {"clock": self.names.clock(pending.t), "message": pending.message}
        finally:
            await self._changed()

    def _snapshot(self) -> dict[str, Any]:
        s = self.session
        return {
            "clock": s.clock(),
            "now": s.now,
            "finished": s.finished,
            "pending": s.pending,
            "status": _finite(dataclasses.asdict(s.status())),
            "units": [self._unit(p) for p in s.positions()],
            "overrides": [dataclasses.asdict(o) for o in s.possible_overrides()],
            "cells": {c.id: self._cell_snapshot(c.id) for c in self.scenario.cells} if s.reports is not None else {},
        }

    def _cell_snapshot(self, cell: str) -> dict[str, Any]:
        """What a cell's page shows, read under the session's lock: its units as reported, its requests."""
        s, names = self.session, self.names
        units = []
        for r in s.picture(cell):
            where = names.place(r.place) if r.place else "–"
            if r.moving and r.to:
                where = f"{where} → {names.place(r.to)}"
            units.append(
                {
                    "id": r.unit,
                    "label": names.unit(r.unit),
                    "where": where,
                    "place": r.place,
                    "moving": r.moving,
                    "strength": r.strength,
                    "killed": r.killed,
                    "wounded": r.wounded,
                    "as_of": names.clock(r.as_of),
                }
            )
        sent = [
            {
                "n": x.n,
                "id": x.id,
                "label": names.request(x.id),
                "to": names.cell(x.to),
                "from": names.cell(x.from_),
                "sent": names.clock(x.sent),
                "answer": x.answer if x.back is not None else None,  # known to the asking cell once it is back
                "lost": x.lost,
                "state": _request_state(x, cell),
            }
            for x in s.requests_sent()
            if cell in (x.from_, x.to)
        ]
        return {
            "units": units,
            "requests": sent,
            "awaiting": [
                {"n": a.n, "id": a.id, "label": a.title, "from": names.cell(a.from_cell)} for a in s.awaiting(cell)
            ],
            "may_ask": [
                {"id": r.id, "label": names.request(r.id), "to": names.cell(r.to), "in_flight": s.in_flight(r.id)}
                for r in self.scenario.requests
                if r.from_ == cell
            ],
            "messages": [{"clock": names.clock(m["t"]), "text": m["text"]} for m in s.messages(cell)],
            "held": cell in s.held,
        }

    def map_in(self, code: str) -> dict[str, Any]:
        """The static map and the units' markers with their names in the language ``code``."""
        if code not in self.maps:
            self.maps[code] = tracks.layout(self.scenario, Labels(self.scenario, i18n.language(code)), MAP_W, MAP_H)
        return self.maps[code]

    def marks_in(self, code: str) -> list[dict[str, Any]]:
        return tracks.unit_marks(self.scenario, Labels(self.scenario, i18n.language(code)))

    def msel(self) -> list[dict[str, Any]]:
        """The facilitator's private schedule: injects and decision points in time order (those on a trigger
        alone last), each with what it says, the objectives it tests and the controller's note."""
        return [
            {
                "id": r.id,
                "kind": r.kind,
                "when": r.when,
                "t": r.at,
                "text": r.text,
                "tests": list(r.tests),
                "note": r.note,
                "expected": r.expected,
            }
            for r in rows(self.scenario, self.names)
        ]

    def units(self) -> list[dict[str, Any]]:
        """The units as the map last drew them."""
        return list(self._snap["units"])

    @property
    def started(self) -> bool:
        """Anything to keep: simulated time has passed or the facilitator has acted."""
        return self.session.now > 0 or bool(self.session.actions)

    @property
    def pending(self) -> object:
        return self._snap["pending"]

    @property
    def finished(self) -> bool:
        return bool(self._snap["finished"])

    # --- the run loop ------------------------------------------------------------------------------------
    async def run(self) -> None:
        """Advance while running and not held by a pause, by the simulated time the real time allows.

        A problem the run itself reports (its event budget spent, say) stops it and is shown on the
        projector; the play so far is saved. Anything else is a bug and ends the server loudly.
        """
        last = time.monotonic()
        await self._follow()
        try:
            while not self.finished:
                await asyncio.sleep(self.tick_s)
                now = time.monotonic()
                elapsed, last = min(now - last, MAX_TICK_S), now
                if self.running and self.pending is None and self.shown is None:  # a result on screen holds it
                    await self._advance(self.speed * elapsed / 60.0)
        except ExsimError as e:
            self.running, self.error = False, str(e)
            await self._changed()
        if self.finished and self.batch is not None:
            await self._place(self.batch)
        await self.save()

    # --- the batch the run is placed in ------------------------------------------------------------------
    async def _follow(self) -> None:
        """Start the batch on the class's choices so far (again only if they differ from what it assumed);
        in a worker thread, since stopping the one it replaces waits for its workers."""
        if self.batch is not None:
            await asyncio.to_thread(self._follow_now, self.batch)

    def _follow_now(self, batch: Batch) -> None:
        with self._batch_guard:
            batch.start(with_choices(self.scenario, self.session.actions))

    async def _place(self, batch: Batch) -> None:
        """Wait for the batch (the projector counts its runs) and place the finished run in it."""
        loop = asyncio.get_running_loop()

        def progress(done: int, runs: int) -> None:
            if self.placing != (done, runs):
                self.placing = (done, runs)
                asyncio.run_coroutine_threadsafe(self._changed(), loop)

        overridden = any(a["action"] == "override" for a in self.session.actions)
        assert self.session.metrics is not None  # finished
        try:
            landed = await asyncio.to_thread(land, batch, self.session.metrics, overridden, progress)
        except ExsimError as e:  # the play itself is kept whatever befalls the batch
            self.unplaced = "; ".join(e.lines())
        else:
            self.landed = placement_lines(landed.placed, landed.specs, self.names, self.names.lang, overridden)
            self._extra = {"placement": landed.record}
        finally:
            self.placing = None
            await self._changed()

    def close(self) -> None:
        """Stop the batch's workers (the server is going)."""
        if self.batch is not None:
            with self._batch_guard:
                self.batch.stop()

    async def _advance(self, minutes: float) -> None:
        await self._session(self.session.advance, minutes)

    async def _changed(self) -> None:
        async with self.changed:
            self.version += 1
            self.changed.notify_all()

    async def wait(self, seen: int, timeout: float = 15.0) -> int:
        """The version after ``seen`` (or the same one after ``timeout``, for a keep-alive)."""
        async with self.changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait_for(lambda: self.version > seen), timeout)
            return self.version

    async def save(self) -> Path:
        """Write the play folder (after each choice and override, at the end, and when the server stops)."""
        saved = await asyncio.to_thread(self.save_now)
        await self._changed()  # the projector says where
        return saved

    def save_now(self) -> Path:
        """The first save needs an empty folder (the command checks it at start); later ones replace it."""
        with self._guard:
            self.saved = self.session.save(
                self.folder, source=self.source, extra=self._extra, replace=self.saved is not None
            )
        return self.saved

    # --- the facilitator's actions -----------------------------------------------------------------------
    async def control(self, action: str, body: dict[str, Any]) -> None:
        """Carry out a facilitator's action; ValueError for a malformed one, RoomError for one refused now."""
        act = ACTIONS.get(action)
        if act is None:
            raise ValueError(f"unknown action {action!r} (known: {', '.join(ACTIONS)})")
        await act(self, body)
        await self._changed()

    async def _pause(self, body: dict[str, Any]) -> None:
        self.running = False

    async def _resume(self, body: dict[str, Any]) -> None:
        if self.finished or self.error is not None:
            raise RoomError(self.error or "the run has ended")
        self.running = True

    async def _speed(self, body: dict[str, Any]) -> None:
        speed = _number(body, "speed")
        if not 0 < speed <= MAX_SPEED:
            raise ValueError(f"speed must be above 0 and at most {MAX_SPEED:g} simulated seconds per second")
        self.speed = speed

    async def _step(self, body: dict[str, Any]) -> None:
        minutes = _number(body, "minutes")
        if not 0 < minutes <= 24 * 60:
            raise ValueError("a step is above 0 and at most 1440 simulated minutes")
        if self.pending is not None or self.finished:
            raise RoomError("the run is held by a pause (or has ended): answer it first")
        self.shown = None  # a step goes on from the result on screen
        await self._advance(minutes)

    async def _reveal(self, body: dict[str, Any]) -> None:
        """Show (or hide) the open vote's count per option on the projector."""
        self.reveal = bool(body.get("show", True))

    async def _continue(self, body: dict[str, Any]) -> None:
        """Take the vote's result off the screen and let the run go on."""
        if self.shown is None:
            raise RoomError("no vote's result is on screen")
        self.shown = None

    async def _acknowledge(self, body: dict[str, Any]) -> None:
        if not isinstance(self.pending, InjectPause):
            raise RoomError("no inject is waiting to be acknowledged")
        await self._session(self.session.acknowledge)

    def _decision(self) -> DecisionPause:
        pending = self.pending
        if not isinstance(pending, DecisionPause):
            raise RoomError("no decision is waiting")
        return pending

    async def _open_vote(self, body: dict[str, Any]) -> None:
        point = self._decision()
        if self.vote is not None and self.vote.point == point.id and self.vote.open:
            raise RoomError(f"the vote on {point.id} is already open")
        self.vote = Vote(point.id, tuple(name for name, _ in point.options), point.default)
        self.result = self.shown = self.told = self.closed = None
        self.reveal = False  # the count per option is shown to the class only when the facilitator says so

    async def _close_vote(self, body: dict[str, Any]) -> None:
        point = self._decision()
        vote = self.vote
        if vote is None or vote.point != point.id or not vote.open:
            raise RoomError(f"no vote on {point.id} is open")
        option = vote.close()
        self.result, undecided = vote.result(self.names.lang, partial(self.names.option, point.id))
        self.closed = vote
        self.shown = self.told = _shown(point, vote, option, self.result, self.names)
        # a tie (or no ballot) is told after the decision's line: its count alone does not say why
        await self._choose_now(option, "vote", vote.counts(), said=self.result if undecided else None)

    async def _choose(self, body: dict[str, Any]) -> None:
        """The facilitator decides (over an open vote, whose ballots are kept with the choice)."""
        point = self._decision()
        option = body.get("option")
        if option not in {name for name, _ in point.options}:
            raise ValueError(f"{option!r} is not an option of {point.id}")
        vote = self.vote if self.vote is not None and self.vote.point == point.id and self.vote.open else None
        if vote is not None:
            vote.close()
            self.result = self.told = self.closed = None  # not the vote's: the facilitator's, which the story tells
        await self._choose_now(str(option), "facilitator", vote.counts() if vote else None)

    async def _choose_now(self, option: str, by: str, votes: dict[str, int] | None, said: str | None = None) -> None:
        t = self.session.now
        await self._session(self.session.choose, option, by=by, votes=votes)
        if said is not None:
            self.story.append({"clock": self.names.clock(t), "topic": "human", "text": said})
        await self.save()
        await self._follow()

    async def _override(self, body: dict[str, Any]) -> None:
        kind, target, params = body.get("kind"), body.get("target"), body.get("params") or {}
        if not isinstance(kind, str) or not isinstance(target, str) or not isinstance(params, dict):
            raise ValueError("an override needs kind and target (strings) and params (an object)")
        if bad := [k for k in params if k in ("kind", "target") or not str(k).isidentifier()]:
            raise ValueError(f"params: {', '.join(map(str, bad))} is not a parameter of an override")
        if self.finished:
            raise RoomError("the run has ended")
        await self._session(self.session.override, kind, target, **params)
        await self.save()

    # --- exercise control (EXCON) and the after-action report -----------------------------------------------
    async def _fire_inject(self, body: dict[str, Any]) -> None:
        when = body.get("when")
        minutes = body.get("minutes", 0)
        if not isinstance(body.get("id"), str) or when not in ("now", "later", "never"):
            raise ValueError('fire an inject with {"id": ..., "when": "now" | "later" | "never", "minutes": ...}')
        await self._session(self.session.fire_inject, body["id"], when, float(_number({"m": minutes}, "m")))
        await self.save()

    async def _message(self, body: dict[str, Any]) -> None:
        text, to = body.get("text"), body.get("to")
        if not isinstance(text, str) or not (to is None or isinstance(to, str)):
            raise ValueError('a message is {"text": ..., "to": CELL or null for every cell}')
        await self._session(self.session.message, text, to or None)
        t = self.session.now
        who = self.names.cell(to) if to else self.names._("every cell")
        self.story.append(
            {"clock": self.names.clock(t), "topic": "human", "text": f"{who}: {text} {self.names._('[human-set]')}"}
        )
        await self.save()

    async def _hold_cell(self, body: dict[str, Any]) -> None:
        cell = body.get("cell")
        if not isinstance(cell, str):
            raise ValueError('hold a cell with {"cell": ..., "held": true | false}')
        await self._session(self.session.hold_cell, cell, bool(body.get("held", True)))
        await self.save()

    async def _projector_view(self, body: dict[str, Any]) -> None:
        view = body.get("view")
        if view not in ("truth", "hq"):
            raise ValueError('the projector shows "truth" or "hq" (the combined HQ\'s picture)')
        if view == "hq" and not any(c.hq for c in self.scenario.cells):
            raise RoomError("this scenario has no headquarters cell (hq: true)")
        self.view = view

    async def _plan(self, body: dict[str, Any]) -> None:
        rows = body.get("rows")
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ValueError('the improvement plan is {"rows": [{"issue", "action", "cell", "date"}, ...]}')
        self.plan = [{k: str(r.get(k, "")) for k in ("issue", "action", "cell", "date")} for r in rows]
        self._extra["improvement_plan"] = self.plan
        await self.save()

    def aar(self, code: str, fmt: str) -> tuple[str, str]:
        """The AAR/IP of the play so far in language ``code``: (text, media type)."""
        names = Labels(self.scenario, i18n.language(code))
        with self._guard:
            report = aar.build(self.scenario, self.session.events, self.session.actions, names, self.plan)
        if fmt == "md":
            return aar.to_markdown(report, names), "text/markdown; charset=utf-8"
        if fmt == "csv":
            return aar.to_csv(report, names), "text/csv; charset=utf-8"
        return aar.to_html(report, names), "text/html; charset=utf-8"

    # --- a cell's and an evaluator's actions ----------------------------------------------------------------
    async def cell_action(self, cell: str, action: str, body: dict[str, Any]) -> None:
        """A cell's players act: make a request, answer one, or take a decision their cell owns."""
        s, _ = self.session, self.names._
        if action == "request" and isinstance(body.get("id"), str):
            r = next((x for x in self.scenario.requests if x.id == body["id"]), None)
            if r is None or r.from_ != cell:
                raise ValueError(_("cell {cell} cannot make request {id}").format(cell=cell, id=repr(body["id"])))
            await self._session(self._request_once, r.id, cell)
        elif action == "answer" and isinstance(body.get("n"), int) and body.get("answer") in ("grant", "decline"):
            if not any(a.n == body["n"] for a in s.awaiting(cell)):
                raise RoomError(_("request #{n} does not await cell {cell}'s answer").format(n=body["n"], cell=cell))
            await self._session(s.answer, body["n"], body["answer"], by=cell)
        elif action == "choose" and isinstance(body.get("option"), str):
            pending = self.pending
            if not isinstance(pending, DecisionPause) or pending.cell != cell:
                raise RoomError(_("no decision of cell {cell} is waiting").format(cell=cell))
            if body["option"] not in {n for n, _ in pending.options}:
                raise ValueError(
                    _("{option} is not an option of {id}").format(option=repr(body["option"]), id=pending.id)
                )
            await self._choose_now(body["option"], "class", None)
            return
        else:
            raise ValueError(
                _("unknown or malformed action {action} (request, answer, choose)").format(action=repr(action))
            )
        await self.save()
        await self._follow()

    def _request_once(self, request_id: str, cell: str) -> list[Any]:
        """Make a cell's request, refused while the same request is on its way (one strike, not two); under the
        session's lock, so that two clicks at once make one request."""
        if self.session.in_flight(request_id):
            raise RoomError(
                self.names._("request {id} is already on its way: wait for its answer").format(id=request_id)
            )
        return self.session.request(request_id, by=cell)

    async def observe(self, body: dict[str, Any]) -> None:
        cell, objective, rating, note = (body.get(k) for k in ("cell", "objective", "rating", "note"))
        if not isinstance(objective, str) or not isinstance(rating, str) or not isinstance(note or "", str):
            raise ValueError('an observation is {"cell", "objective", "rating", "note"}')
        await asyncio.to_thread(self._locked, self.session.observe, cell or None, objective, rating, note or "")
        await self.save()

    def cell_state(self, cell: str) -> dict[str, Any]:
        pending = self.pending
        decision = None
        if isinstance(pending, DecisionPause) and pending.cell == cell:
            decision = _pending(pending)
        return {
            "clock": self._snap["clock"],
            "finished": self.finished,
            "cell": cell,
            "name": self.names.cell(cell),
            "decision": decision,
            **self._snap["cells"].get(cell, {}),
        }

    def evaluator_state(self) -> dict[str, Any]:
        """What the evaluators' page shows: the clock and the observations recorded so far."""
        names = self.names
        seen = [
            {
                "clock": names.clock(a["t"]),
                "cell": names.cell(a["cell"]) if a.get("cell") else "",
                "objective": a["objective"],
                "label": f"{names.objective(a['objective'])} ({a['objective']})",
                "rating": a["rating"],
                "note": a["note"],
            }
            for a in self.session.actions
            if a["action"] == "observe"
        ]
        return {"clock": self._snap["clock"], "finished": self.finished, "observations": seen}

    def guide(self) -> list[dict[str, Any]]:
        """The evaluation guide: a form per objective, with the injects, decision points and requests that test
        it and what each expects of the players."""
        s, names = self.scenario, self.names
        out = []
        for o in s.objectives:
            items = [
                {
                    "id": x.id,
                    "text": names.text(getattr(x, "message", "") or getattr(x, "question", "")) or x.id,
                    "expected": names.text(x.expected),
                }
                for x in [*s.injects, *s.decision_points]
                if o.id in x.tests
            ] + [{"id": r.id, "text": names.request(r.id), "expected": ""} for r in s.requests if o.id in r.tests]
            out.append({"id": o.id, "label": names.objective(o.id), "items": items})
        return out

    # --- the participants ---------------------------------------------------------------------------------
    async def admit(self) -> str:
        """A new participant's id; the projector counts them."""
        voter = self.keys.admit()
        await self._changed()
        return voter

    async def cast(self, voter: str, option: str) -> None:
        if self.vote is None or not self.vote.open:
            raise VoteError("no vote is open")
        self.vote.cast(voter, option)
        await self._changed()

    # --- what the pages show ------------------------------------------------------------------------------
    def projector_state(self) -> str:
        """The whole state for the projector (JSON), encoded once per version however many pages watch."""
        if self._cache is not None and self._cache[0] == self.version:
            return self._cache[1]
        snap = self._snap
        state = {
            "version": self.version,
            **{k: snap[k] for k in ("clock", "now", "finished", "status", "units", "overrides")},
            "running": self.running,
            "speed": self.speed,
            "pending": _pending(snap["pending"]),
            "vote": self._vote(counts=True),
            "result": self.result,
            "shown": self.shown,
            "reveal": self.reveal,
            "inject": self.last_inject,
            "participants": len(self.keys.voters),
            "saved": str(self.saved) if self.saved else None,
            "error": self.error,
            "placing": list(self.placing) if self.placing else None,
            "landed": self.landed,
            "unplaced": self.unplaced,
            "view": self.view,
            "excon": self.excon() if self.scenario.cells else None,
        }
        if self.view == "hq":
            state["units"] = self._hq_units()
        text = json.dumps(state, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        self._cache = (self.version, text)
        return text

    def voter_state(self, voter: str) -> dict[str, Any]:
        """What a phone shows: the situation (forces and objectives), the latest inject, the open vote, the
        last vote's result with the participant's own ballot, and at the end where the run landed."""
        vote = self._vote(counts=False)
        if vote is not None and self.vote is not None:
            vote["mine"] = self.vote.ballots.get(voter)
        closed = self.closed
        shown = None
        if closed is not None and vote is None and self.told is not None:
            shown = {**self.told, "mine": closed.ballots.get(voter)}
        status = self._snap["status"]
        return {
            "clock": self._snap["clock"],
            "finished": self.finished,
            "vote": vote,
            "result": self.result,
            "shown": shown,
            "inject": self.last_inject,
            "forces": self._sides(status["forces"]),
            "objectives": status["objectives"],
            "units": self._snap["units"],
            "placing": list(self.placing) if self.placing else None,
            "landed": self.landed if self.finished else None,
            "unplaced": self.unplaced,
        }

    def excon(self) -> dict[str, Any]:
        """The facilitator's control panel: the MSEL's injects not yet fired, the cells and their codes."""
        st = self.session.world.services.find(ExerciseState)
        fired = st.fired if st is not None else {}
        return {
            "injects": [
                {"id": i.id, "label": self.names.text(i.message) or i.id}
                for i in self.scenario.injects
                if i.id not in fired
            ],
            "cells": [
                {
                    "id": c.id,
                    "name": self.names.cell(c.id),
                    "code": self.keys.cell_codes.get(c.id),
                    "held": c.id in self.session.held,
                }
                for c in self.scenario.cells
                if not c.control
            ],
            "evaluator_code": self.keys.evaluator_code,
            "plan": self.plan
            if self.plan is not None
            else default_plan(self.scenario, self.session.actions, self.names),
        }

    def _hq_units(self) -> list[dict[str, Any]]:
        """The units as the combined HQ's cell has them reported, each where it last reported from."""
        hq = next(c.id for c in self.scenario.cells if c.hq)
        places = self.scenario.map.places
        out = []
        for r in self._snap["cells"].get(hq, {}).get("units", []):
            spec = places.get(r["place"]) if r["place"] else None
            x, y = self.xy(spec.lat, spec.lon) if spec is not None else (None, None)
            side = next(u.side for u in self.scenario.units if u.id == r["id"])
            out.append(
                {
                    "id": r["id"],
                    "label": r["label"],
                    "side": side,
                    "side_index": self.sides.index(side) % 3,
                    "x": x,
                    "y": y,
                    "moving": r["moving"],
                    "aboard": None,
                }
            )
        return out

    def _sides(self, forces: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The forces summed per side (a phone's one line of the situation)."""
        out: dict[str, dict[str, Any]] = {}
        for f in forces:
            side = out.setdefault(f["side"], {"label": self.names.side(f["side"]), "strength": 0.0, "initial": 0.0})
            side["strength"] += f["strength"] or 0.0
            side["initial"] += f["initial"] or 0.0
        return list(out.values())

    def _vote(self, counts: bool) -> dict[str, Any] | None:
        pending, vote = self.pending, self.vote
        if vote is None or not isinstance(pending, DecisionPause) or pending.id != vote.point:
            return None
        tally = vote.counts()
        return {
            "point": vote.point,
            "question": pending.title,
            "open": vote.open,
            "options": [
                {"name": n, "label": label, **({"count": tally[n]} if counts else {})} for n, label in pending.options
            ],
            **({"ballots": len(vote.ballots)} if counts else {}),
        }

    def _unit(self, p: UnitPosition) -> dict[str, Any]:
        x, y = self.xy(p.lat, p.lon) if math.isfinite(p.lat) and math.isfinite(p.lon) else (None, None)
        return {
            "id": p.id,
            "label": p.label,
            "side": p.side,
            "side_index": self.sides.index(p.side) % 3 if p.side in self.sides else 0,
            "x": x,  # None: nowhere on the map (lost with its transport)
            "y": y,
            "moving": p.moving,
            "aboard": p.aboard,
        }


def _finite(value: Any) -> Any:
    """``value`` with NaN and infinities as None (JSON has neither: a metric with no value, say)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _number(body: dict[str, Any], key: str) -> float:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{key} must be a finite number")
    return float(value)


def _shown(point: DecisionPause, vote: Vote, winner: str, said: str, names: Labels) -> dict[str, Any]:
    """A closed vote's result as the screens show it: the question, each option's count and the winner, and
    the sentence that says how a tie (or no ballot) was broken."""
    labels = dict(point.options)
    return {
        "point": vote.point,
        "question": point.title,
        "winner": winner,
        "options": [
            {"name": n, "label": labels.get(n, n), "short": names.option(vote.point, n), "count": c}
            for n, c in vote.counts().items()
        ],
        "text": said,
        # the same sentence in each language a page may ask for (the story is in the room's language)
        "texts": {code: _said(vote, winner, names.s, code) for code in i18n.LANGUAGES},
    }


def _request_state(x: Any, cell: str) -> str:
    """What a cell's page says of a request (a key of the page's words): lost, its answer once the asking cell
    has it, or, to the cell that answered, that its answer is on the way back."""
    if x.lost:
        return "lost"
    if x.back is not None:
        return "granted" if x.answer == "grant" else "declined"
    if x.answered is not None and cell == x.to:
        return "answered_back"
    return "on_its_way"


def _pending(p: object) -> dict[str, Any] | None:
    if isinstance(p, InjectPause):
        return {"kind": "inject", "id": p.id, "message": p.message}
    if isinstance(p, DecisionPause):
        return {
            "kind": "decision",
            "cell": p.cell,
            "id": p.id,
            "question": p.title,
            "options": [{"name": n, "label": label} for n, label in p.options],
            "default": p.default,
        }
    return None


ACTIONS: dict[str, Callable[[Room, dict[str, Any]], Any]] = {
    "pause": Room._pause,
    "resume": Room._resume,
    "speed": Room._speed,
    "step": Room._step,
    "acknowledge": Room._acknowledge,
    "open_vote": Room._open_vote,
    "close_vote": Room._close_vote,
    "choose": Room._choose,
    "override": Room._override,
    "continue": Room._continue,
    "reveal": Room._reveal,
    "fire_inject": Room._fire_inject,
    "message": Room._message,
    "hold_cell": Room._hold_cell,
    "projector_view": Room._projector_view,
    "plan": Room._plan,
}


def _said(vote: Vote, winner: str, scenario: Scenario, code: str) -> str:
    """A closed vote's result in language ``code``, the options by their names in it."""
    names = Labels(scenario, i18n.language(code))
    return vote_result(vote.counts(), winner, vote.default, names.lang, partial(names.option, vote.point))[0]
