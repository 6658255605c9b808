"""A scenario's plan, read without running it: phases and triggers, routes and nominal durations,
transports and their trips, supply needs against the stocks at the start.

Nominal means as written: fastest paths at the catalogue's speeds, no waiting for berths, closures,
command delays or combat. The engine's map finds the paths, so the plan and a run agree on routes.

The plan is the scenario author's view. In English it names things as the file does (ids, ``2h30min``,
``H+30min``), so it reads against the YAML; in another language every sentence is translated, each thing is
named in that language with its id in parentheses (``опорный пункт на острове (island)``), durations and
times are written as the language writes them (``2 ч 30 мин``, ``Д+0 04:30``) and numbers in its symbols.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from sim.config.distributions import mean_of
from sim.config.durations import format_duration, format_time
from sim.config.exercise import CloseRoutes
from sim.config.lift import Load, first_fit, room, shuttles, takes, trip_room, waves
from sim.config.ordering import phases_in_order
from sim.config.orders import (
    AssaultOrder,
    DefendOrder,
    DisembarkOrder,
    EmbarkOrder,
    FireSupportOrder,
    LiftOrder,
    MoveOrder,
    WaitOrder,
)
from sim.config.schema import Phase, Scenario, UnitSpec, UnitType
from sim.config.supply import measure_of
from sim.config.text import pick
from sim.engine.decks import deck_for, deck_minutes, deck_spec
from sim.engine.geo import Map
from sim.present.i18n import N_, Language, language
from sim.present.labels import Labels
from sim.present.measures import counted
from sim.present.msel import trigger_words


@dataclass
class Trip:
    """One loaded passage of a transport, with its nominal times in minutes."""

    number: int
    load: list[str]
    takes: Load
    load_min: float
    travel_min: float
    unload_min: float
    back_min: float  # 0 when the transport stays
    launch_min: float = 0.0  # off its ship's flight or well deck (0: not based on a ship)
    recover_min: float = 0.0  # back aboard through the deck (0: not based on a ship, or it stays)

    @property
    def minutes(self) -> float:
        return self.load_min + self.launch_min + self.travel_min + self.unload_min + self.back_min + self.recover_min


@dataclass
class _Where:
    """Where each unit is planned to be as the phases unfold (None: aboard a transport)."""

    at: dict[str, str | None]
    aboard: dict[str, str] = field(default_factory=dict)


ORDER = {  # an order's kind (its ``do:``), in words
    "move": N_("move"),
    "lift": N_("lift"),
    "embark": N_("embark"),
    "disembark": N_("disembark"),
    "assault": N_("assault"),
    "defend": N_("defend"),
    "fire_support": N_("fire support"),
    "wait": N_("wait"),
}
ACTIVITY = {"idle": N_("idle"), "combat": N_("combat"), "use": N_("use")}  # use: at the idle rate, where none fight


class _Words:
    """How the plan writes names, durations, times and numbers in one language (see the module's note)."""

    def __init__(self, s: Scenario, lang: Language):
        self.s, self.lang, self.num = s, lang, lang.num
        self._ = lang._
        self.names = Labels(s, lang)
        self.en = lang.code == "en"
        self.closures: list[tuple[frozenset[int], str]] = []  # routes closed by closures: or an inject, and when

    def _ident(self, name: str, key: str) -> str:
        """The id in English; else the name with the id in parentheses (the id alone when it has no name)."""
        return key if self.en or not name or name == key else f"{name} ({key})"

    def bare(self, key: str) -> str:
        """An id of a thing with no name of its own (a decision, an inject): as written in English, else in
        parentheses, as ids stand in the translated plan."""
        return key if self.en else f"({key})"

    def route(self, s: Scenario, i: int) -> str:
        """Route ``i`` of the map: its id in English; else its name, or its ends, with the id in parentheses."""
        r = s.map.routes[i]
        if r.id is not None and self.en:
            return r.id
        name = self.names.route(r.id) if r.id is not None else ""
        if not name or name == r.id:
            name = f"{self.place(r.from_)}–{self.place(r.to)}"
        return name if r.id is None else f"{name} ({r.id})" if not self.en else r.id

    def unit(self, uid: str | None) -> str:
        return str(uid) if uid is None or self.en else self.names.unit(uid)

    def units(self, ids: list[str]) -> str:
        return ", ".join(self.unit(u) for u in ids)

    def place(self, pid: str | None) -> str:
        return str(pid) if pid is None else self._ident(self.names.place(pid), pid)

    def path(self, places: Sequence[str]) -> str:
        return " → ".join(self.place(p) for p in places)

    def option(self, point: str, option: str) -> str:
        return self._ident(self.names.option(point, option), option)

    def phase(self, pid: str) -> str:
        return self._ident(self.names.phase(pid), pid)

    def side(self, sid: str) -> str:
        return self._ident(self.names.side(sid), sid)

    def depot(self, did: str) -> str:
        return self._ident(self.names.depot(did), did)

    def supply_line(self, lid: str) -> str:
        return self._ident(self.names.supply_line(lid), lid)

    def unit_type(self, tid: str) -> str:
        t = self.s.unit_types.get(tid)
        return self._ident(pick(t.description, self.lang.code) if t is not None else "", tid)

    def order(self, do: str) -> str:
        return do if self.en or do not in ORDER else self._(ORDER[do])

    def supply(self, cls: str) -> str:
        return cls if self.en else self.names.supply(cls)

    def activity(self, a: str) -> str:
        return a if self.en else self._(ACTIVITY[a])

    def measure(self, cls: str) -> str:
        return self.names.measure(measure_of(cls, self.s.logistics.classes))

    def duration(self, minutes: float) -> str:
        return format_duration(minutes) if self.en else self.names.duration(minutes)

    def time(self, minutes: float, dated: bool = True) -> str:
        """A scenario time; in English ``H+30min``, with the date and time of day when ``dated``."""
        if not self.en:
            return self.names.clock(minutes)
        return format_time(minutes, self.s.scenario.start if dated else None)

    def amount(self, x: float) -> str:
        """A stock: grouped in thousands from 1,000, else three significant figures."""
        return self.num.fixed(x) if abs(x) >= 1000 else self.num.local(f"{x:.3g}")

    def load(self, load: Load) -> str:
        """Seats, deck slots and tonnes: "240 people, 12 deck slots, 540 t"."""
        n = self.num.general
        parts = [
            f"{n(load.seats)} {counted(self.lang, 'people', load.seats)}" if load.seats else "",
            self.lang.n_("{n} deck slot", "{n} deck slots", _whole(load.slots)).format(n=n(load.slots))
            if load.slots
            else "",
            self.num.with_unit(n(load.tonnes), counted(self.lang, "t")) if load.tonnes else "",
        ]
        return ", ".join(p for p in parts if p) or self._("nothing")


def _whole(x: float) -> int:
    """The count a plural form is chosen by: ``x`` itself when whole, else 5 (a plural in both languages)."""
    return int(x) if float(x).is_integer() else 5


def plan_lines(s: Scenario, lang: Language | None = None) -> list[str]:
    """The plan of ``s`` as lines of text, section by section, in ``lang`` (English)."""
    w = _Words(s, lang or language("en"))
    _ = w._
    the_map = Map(s.map)
    title = pick(s.scenario.name, "en") if w.en else w.names.title()
    lines = [
        _("Plan of {scenario}: the run ends at {time}").format(scenario=title, time=w.time(s.scenario.duration)),
        "",
        _("Phases (in the order their triggers allow; orders with their route and nominal duration)"),
    ]
    w.closures = _closures(s, w)
    where = _Where({u.id: None if u.aboard else u.at for u in s.units}, {u.id: u.aboard for u in s.units if u.aboard})
    units = {u.id: u for u in s.units}
    trips: list[str] = []
    called = _called(s)
    branch: dict[str, _Where] = {}  # an alternative's phases (on call, and those after them): where they leave units
    by_id = {p.id: p for p in s.phases}
    before: dict[str, _Where] = {}  # where units were when a decision's first alternative came
    for n, phase in enumerate(phases_in_order(s.phases), 1):
        lines.append(f"  {n}. {w.phase(phase.id)}: {_triggers(phase, w, called)}")
        parent = next((a for a in reversed(phase.after) if a in branch), None)
        if parent is None and phase.when is not None and phase.when.secured:  # follows the alternative taking it
            parent = next((b for b in reversed(branch) if _assaults(by_id[b], phase.when.secured)), None)
        if phase.id in called:  # an alternative starts from where units were before any alternative of its decision
            dp = called[phase.id][0]
            start = _copy(before.setdefault(dp, _copy(where)))
        elif parent is not None:  # follows its alternative, not the others
            start = _copy(branch[parent])
        else:
            start = where
        for o in phase.orders:
            text = _order(s, w, the_map, units, start, o, trips)
            lines.append(
                "       " + _("{unit} {order}: {what}").format(unit=w.unit(o.unit), order=w.order(o.do), what=text)
            )
        if start is not where:
            branch[phase.id] = start
    if w.closures:
        lines += ["", _("Routes closed during the run (closures: and injects)")]
        lines += ["  " + text for _routes, text in w.closures]
    lines += ["", _("Transports and their trips (load, travel, unload, back; nominal)")]
    lines += trips or ["  " + _("(no lift orders)")]
    lines += _supply_lines(s, w, the_map)
    lines += _deck_evacuation(s, w, the_map, where)
    lines += [
        "",
        _("Supplies at the start against the need (per unit; rates from the catalogue)")
        if s.scenario.exercise == "relief"
        else _("Supplies at the start against the need (per unit; idle and combat rates from the catalogue)"),
    ]
    lines += list(_supplies(s, w)) or ["  " + _("(no unit carries supplies)")]
    return lines


def _assaults(phase: Phase, place: str) -> bool:
    """Whether ``phase`` orders an assault on ``place`` (a phase `when: {secured: place}` follows it)."""
    return any(o.do == "assault" and getattr(o, "target", None) == place for o in phase.orders)


def _copy(where: _Where) -> _Where:
    return _Where(dict(where.at), dict(where.aboard))


def _called(s: Scenario) -> dict[str, tuple[str, list[str]]]:
    """On-call phases by id: the decision point whose options start them, and those options."""
    out: dict[str, tuple[str, list[str]]] = {}
    for dp in s.decision_points:
        for oid, option in dp.options.items():
            if option.start_phase is not None:
                out.setdefault(option.start_phase, (dp.id, []))[1].append(oid)
    return out


def _closures(s: Scenario, w: _Words) -> list[tuple[frozenset[int], str]]:
    """Each closure of the scenario (closures:, and injects' close_routes effects): its routes and, in words,
    which and when."""
    _ = w._
    out = []
    ids = {r.id: i for i, r in enumerate(s.map.routes) if r.id is not None}
    for c in s.closures:
        text = _("{routes} closed from {start} to {end}")
        routes = frozenset({ids[c.route]} if c.route in ids else set())
        out.append((routes, text.format(routes=_route_names(s, w, routes), start=w.time(c.start), end=w.time(c.end))))
    for inject in s.injects:
        for e in inject.effects:
            if not isinstance(e, CloseRoutes):
                continue
            routes = frozenset(
                i
                for i, r in enumerate(s.map.routes)
                if r.id in e.routes or r.mode == e.mode or r.from_ in e.places or r.to in e.places
            )
            when = w.time(inject.at) if inject.at is not None else _("on its trigger")
            text = (
                _("{routes} closed by inject {inject} at {when} for {duration}").format(
                    routes=_route_names(s, w, routes),
                    inject=w.bare(inject.id),
                    when=when,
                    duration=w.duration(mean_of(e.for_)),  # a drawn duration: its mean, as the MSEL's picture
                )
                if e.for_ is not None
                else _("{routes} closed by inject {inject} at {when}, for the rest of the run").format(
                    routes=_route_names(s, w, routes), inject=w.bare(inject.id), when=when
                )
            )
            out.append((routes, text))
    return out


def _route_names(s: Scenario, w: _Words, routes: frozenset[int]) -> str:
    """Routes by id (or their ends) in the map's order."""
    return ", ".join(w.route(s, i) for i in sorted(routes)) or w._("no route")


def _triggers(p: Phase, w: _Words, called: dict[str, tuple[str, list[str]]] | None = None) -> str:
    _ = w._
    parts = []
    if p.start is not None:
        parts.append(_("start {time}").format(time=w.time(p.start)))
    if p.after:
        parts.append(_("after {phases}").format(phases=", ".join(w.phase(a) for a in p.after)))
    if p.when is not None:
        parts.append(
            _("when {place} is secured").format(place=w.place(p.when.secured))
            if p.when.secured
            else _("when {side} breaks").format(side=w.side(str(p.when.broken)))
        )
    if p.on_call:
        dp, options = (called or {}).get(p.id, ("", []))
        parts.append(
            _("when decision {decision} takes {options}: an alternative, units start where they were").format(
                decision=w.bare(dp), options=", ".join(w.option(dp, o) for o in options)
            )
            if dp
            else _("when a decision calls it")
        )
    return "; ".join(parts) or _("start {time}").format(time=w.time(0))


def _speeds(s: Scenario, u: UnitSpec) -> dict[str, float]:
    return _modes(s.unit_types[u.type])


def _modes(t: UnitType) -> dict[str, float]:
    return {mode: kmh for mode, kmh in t.speed_kmh.items()}


def _route(w: _Words, the_map: Map, src: str | None, dst: str, speeds: dict[str, float]) -> tuple[str, float]:
    """(text, minutes) of the fastest path; minutes is 0 when already there, -1 when there is no path."""
    _ = w._
    if src is None:
        return _("→ {place} (starts aboard a transport)").format(place=w.place(dst)), 0.0
    if src == dst:
        return _("at {place} already").format(place=w.place(dst)), 0.0
    path = the_map.path(src, dst, speeds)
    if path is None:
        text = _("{src} → {dst}: no route for its modes ({modes})")
        return text.format(src=w.place(src), dst=w.place(dst), modes="/".join(sorted(speeds)) or _("none")), -1.0
    text = _("{path}, {km:g} km, {duration}")
    text = text.format(path=w.path(path.places), km=path.distance_km, duration=w.duration(path.minutes))
    crossed = {r for r, _cost in path.legs}
    for routes, when in w.closures:
        if routes & crossed:
            text = _("{text} (may be held up: {closure})").format(text=text, closure=when)
    return text, path.minutes


def _delayed(w: _Words, text: str, delay: float) -> str:
    """``text`` with the order's command delay, if it has one."""
    return w._("{text} after a {delay} command delay").format(text=text, delay=w.duration(delay)) if delay else text


def _order(
    s: Scenario, w: _Words, the_map: Map, units: dict[str, UnitSpec], where: _Where, o: object, trips: list[str]
) -> str:
    if isinstance(o, LiftOrder):
        return _lift(s, w, the_map, units, where, o, trips)
    assert isinstance(
        o, MoveOrder | EmbarkOrder | DisembarkOrder | AssaultOrder | DefendOrder | FireSupportOrder | WaitOrder
    )
    text = _what(s, w, the_map, units, where, o)
    if isinstance(o, MoveOrder | AssaultOrder) and o.with_:  # waits for its siblings (sim.engine.rendezvous)
        if o.assemble_at is not None:
            text = w._("{text}, with {units}, assembling at {place}").format(
                text=text, units=w.units(o.with_), place=w.place(o.assemble_at)
            )
        else:
            text = w._("{text}, with {units} (arriving together)").format(text=text, units=w.units(o.with_))
    return _delayed(w, text, mean_of(o.delay))


def _what(s: Scenario, w: _Words, the_map: Map, units: dict[str, UnitSpec], where: _Where, o: object) -> str:
    """What one order (not a lift) does, nominally; follows where the units are."""
    _ = w._
    assert isinstance(
        o, MoveOrder | EmbarkOrder | DisembarkOrder | AssaultOrder | DefendOrder | FireSupportOrder | WaitOrder
    )
    u, here = units[o.unit], where.at.get(o.unit)
    if isinstance(o, MoveOrder | AssaultOrder):
        here = _launch(s, units, where, o.unit) or here
    if isinstance(o, MoveOrder):
        text, _m = _route(w, the_map, here, o.to, _speeds(s, u))
        where.at[o.unit] = o.to
        for name, transport in where.aboard.items():
            if transport == o.unit:
                where.at[name] = None
        return text
    if isinstance(o, AssaultOrder):
        text, _m = _route(w, the_map, here, o.target, _speeds(s, u))
        where.at[o.unit] = o.target
        return _("{route}, then fighting (not timed in the plan)").format(route=text)
    if isinstance(o, FireSupportOrder):
        fs = s.unit_types[u.type].fire_support
        if fs is None:
            return _("on {target}").format(target=w.place(o.target))
        text = w.lang.n_(
            "on {target}: {n} sortie, one per {cycle} per platform",
            "on {target}: {n} sorties, one per {cycle} per platform",
            o.sorties,
        )
        return text.format(target=w.place(o.target), n=o.sorties, cycle=w.duration(fs.cycle_min))
    if isinstance(o, EmbarkOrder):
        where.aboard[o.unit], where.at[o.unit] = o.on, None
        t = s.unit_types[units[o.on].type]
        text = _("aboard {transport} at {place}, loading {duration}")
        return text.format(transport=w.unit(o.on), place=w.place(here), duration=w.duration(mean_of(t.load_min)))
    if isinstance(o, DisembarkOrder):
        carrier = where.aboard.pop(o.unit) if o.unit in where.aboard else None
        where.at[o.unit] = where.at.get(carrier) if carrier else here
        unload = mean_of(s.unit_types[units[carrier].type].unload_min) if carrier else 0.0
        text = _("from {transport} at {place}, unloading {duration}")
        return text.format(transport=w.unit(carrier), place=w.place(where.at[o.unit]), duration=w.duration(unload))
    if isinstance(o, WaitOrder):
        return w.duration(o.duration)
    return _("holds {place}").format(place=w.place(here))


def _based(s: Scenario, units: dict[str, UnitSpec], where: _Where, uid: str) -> bool:
    """``uid`` is aboard a ship whose flight or well deck it operates from."""
    ship = where.aboard.get(uid)
    return ship is not None and deck_for(s.unit_types[units[ship].type], s.unit_types[units[uid].type]) is not None


def _launch(s: Scenario, units: dict[str, UnitSpec], where: _Where, uid: str) -> str | None:
    """Where a unit aboard the ship it is based on sets out from (the ship's place; it leaves the ship), else None."""
    if where.at.get(uid) is not None or not _based(s, units, where, uid):
        return None
    return where.at.get(where.aboard.pop(uid))


def _lift(
    s: Scenario, w: _Words, the_map: Map, units: dict[str, UnitSpec], where: _Where, o: LiftOrder, trips: list[str]
) -> str:
    """Trips as the engine runs them: load what fits in the listed order (first fit), sail, unload, come back."""
    _ = w._
    transport, t = units[o.unit], s.unit_types[units[o.unit].type]
    ship = where.aboard.get(o.unit) if _based(s, units, where, o.unit) else None
    origin = where.at.get(ship) if ship is not None else where.at.get(o.unit)
    capacity = room(t, transport.strength or t.strength)
    text, there = _route(w, the_map, origin, o.to, _modes(t))
    back = the_map.path(o.to, origin, _modes(t)) if origin else None
    back_min = back.minutes if back else 0.0
    needs = [_takes(s, units[n]) for n in o.units]
    strength = transport.strength or t.strength
    lifted = [
        (s.unit_types[units[n].type], float(units[n].strength or s.unit_types[units[n].type].strength)) for n in o.units
    ]
    flown = waves(trip_room(t, strength, transport.together), shuttles(t, strength, transport.together), lifted)
    deck = deck_spec(s.unit_types[units[ship].type], t) if ship is not None else None  # its launch and recovery
    if there >= 0 and any(
        len(wave) > 1 or any(k < lifted[i][1] for trip in wave for i, k in trip) for wave in flown
    ):  # no first fit
        return _waves(w, where, o, (transport.type, text), (origin, there, back_min), t, flown, trips, (ship, deck))
    loads = first_fit(capacity, needs) if there >= 0 else []
    planned = [
        Trip(
            k + 1,
            [o.units[i] for i in load],
            sum((needs[i] for i in load), Load()),
            mean_of(t.load_min),
            there,
            mean_of(t.unload_min),
            0.0 if k == len(loads) - 1 and not o.return_ else back_min,
        )
        for k, load in enumerate(loads)
    ]
    if deck is not None:  # one craft or aircraft (or one unit together) through the deck each way
        for trip in planned:
            trip.launch_min = deck_minutes(1, deck[1], deck[2])
            trip.recover_min = trip.launch_min if trip.back_min > 0 else 0.0
    header = _("{transport} ({type}, room for {room}): {route} each way")
    trips.append(
        "  "
        + header.format(transport=w.unit(o.unit), type=w.unit_type(transport.type), room=w.load(capacity), route=text)
    )
    if ship is not None and deck is not None:
        trips.append("    " + _deck_words(w, ship, deck))
    for trip in planned:
        line = (
            _("trip {k} of {n}: {units} ({takes}): load {load}, travel {travel}, unload {unload}, back {back}")
            if deck is None
            else _(
                "trip {k} of {n}: {units} ({takes}): load {load}, launch {launch}, travel {travel}, unload {unload}, "
                "back {back}, recovery {recovery}"
            )
        )
        trips.append(
            "    "
            + line.format(
                k=trip.number,
                n=len(planned),
                units=w.units(trip.load),
                takes=w.load(trip.takes),
                load=w.duration(trip.load_min),
                launch=w.duration(trip.launch_min),
                travel=w.duration(trip.travel_min),
                unload=w.duration(trip.unload_min),
                back=w.duration(trip.back_min),
                recovery=w.duration(trip.recover_min),
            )
        )
    for n in o.units:
        where.at[n] = o.to
        where.aboard.pop(n, None)
    where.at[o.unit] = None if ship is not None and o.return_ else origin if o.return_ else o.to
    if ship is not None and not o.return_:
        where.aboard.pop(o.unit)
    total = sum(trip.minutes for trip in planned)
    text = w.lang.n_(
        "{units} → {place} in {n} trip, {total} in all", "{units} → {place} in {n} trips, {total} in all", len(planned)
    )
    return text.format(units=w.units(o.units), place=w.place(o.to), n=len(planned), total=w.duration(total))


def _waves(
    w: _Words,
    where: _Where,
    o: LiftOrder,
    named: tuple[str, str],
    way: tuple[str | None, float, float],
    t: UnitType,
    flown: list[list[list[tuple[int, float]]]],
    trips: list[str],
    based: tuple[str | None, tuple[str, int, float] | None] = (None, None),
) -> str:
    """A lift in waves: its aircraft or vehicles (each on its own unless together) shuttle until all are
    across, a unit too big for one trip split across them (whole elements). From a ship's deck, each wave's
    aircraft go through its spots, a cycle each, both ways (``sim.engine.decks.deck_minutes``)."""
    _ = w._
    origin, there, back_min = way
    ship, deck = based
    load_min, unload_min = mean_of(t.load_min), mean_of(t.unload_min)
    header = _("{transport} ({type}): in waves, {route} each way")
    type_name, route = named
    trips.append("  " + header.format(transport=w.unit(o.unit), type=w.unit_type(type_name), route=route))
    if ship is not None and deck is not None:
        trips.append("    " + _deck_words(w, ship, deck))
    total = 0.0
    for k, wave in enumerate(flown, start=1):
        back = 0.0 if k == len(flown) and not o.return_ else back_min
        launch = deck_minutes(len(wave), deck[1], deck[2]) if deck is not None else 0.0
        recovery = launch if back > 0 else 0.0
        total += load_min + launch + there + unload_min + back + recovery
        pieces = ", ".join(f"{w.unit(o.units[i])} ({n:g})" for trip in wave for i, n in trip)
        line = (
            _("wave {k}: {pieces}: load {load}, travel {travel}, unload {unload}, back {back}")
            if deck is None
            else _(
                "wave {k}: {pieces}: load {load}, launch {launch}, travel {travel}, unload {unload}, back {back}, "
                "recovery {recovery}"
            )
        )
        trips.append(
            "    "
            + line.format(
                k=k,
                pieces=pieces,
                load=w.duration(load_min),
                launch=w.duration(launch),
                travel=w.duration(there),
                unload=w.duration(unload_min),
                back=w.duration(back),
                recovery=w.duration(recovery),
            )
        )
    for n in o.units:
        where.at[n] = o.to
        where.aboard.pop(n, None)
    where.at[o.unit] = None if ship is not None and o.return_ else origin if o.return_ else o.to  # (back aboard)
    if ship is not None and not o.return_:
        where.aboard.pop(o.unit, None)
    text = w.lang.n_(
        "{units} → {place} in {n} wave, {total} in all", "{units} → {place} in {n} waves, {total} in all", len(flown)
    )
    return text.format(units=w.units(o.units), place=w.place(o.to), n=len(flown), total=w.duration(total))


def _deck_words(w: _Words, ship: str, deck: tuple[str, int, float]) -> str:
    """The deck a lift from a ship goes through: "from lhd-1's flight deck: 4 spots, 15min a launch or recovery"."""
    kind, n, cycle = deck
    text = (
        w.lang.n_(
            "from the flight deck of {ship}: {n} spot, {cycle} a launch or a recovery",
            "from the flight deck of {ship}: {n} spots, {cycle} a launch or a recovery",
            n,
        )
        if kind == "flight"
        else w.lang.n_(
            "through the well deck of {ship}: {n} craft at a time, {cycle} a launch or a recovery",
            "through the well deck of {ship}: {n} craft at a time, {cycle} a launch or a recovery",
            n,
        )
    )
    return text.format(ship=w.unit(ship), n=n, cycle=w.duration(cycle))


def _deck_evacuation(s: Scenario, w: _Words, the_map: Map, where: _Where) -> list[str]:
    """MEDEVAC missions flown from a ship's deck, one per facility that sends casualties on the leg: launch,
    to the facility, load, to the leg's facility, unload, back to the ship, recovery; the ships (and the
    facilities aboard them) where the phases that are not alternatives leave them. Nothing when no evacuation
    asset is based on a ship's deck."""
    _ = w._
    units = {u.id: u for u in s.units}
    facilities = {f.id: f for f in s.medical.facilities}

    def at(uid: str) -> str | None:
        return where.at.get(uid) or units[uid].at

    def place(f_at: str | None, aboard: str | None) -> str | None:
        return at(aboard) if aboard is not None else f_at

    out: list[str] = []
    for leg in s.medical.evacuation:
        to = facilities.get(leg.to)
        if to is None:
            continue
        for name in leg.assets:
            u = units[name]
            ship = units.get(u.aboard) if u.aboard is not None else None
            t = s.unit_types[u.type]
            deck = deck_spec(s.unit_types[ship.type], t) if ship is not None else None
            if ship is None or deck is None:
                continue
            if not out:
                out += [
                    "",
                    _("MEDEVAC from a ship's deck (a mission from each facility, the ships on station; nominal)"),
                ]
            out.append("  " + _("{asset} to {facility}").format(asset=w.unit(name), facility=_facility(w, to.id)))
            out.append("    " + _deck_words(w, ship.id, deck))
            base, there = at(ship.id), place(to.at, to.aboard)
            for f in (f for f in s.medical.facilities if f.next == leg.to):
                here = place(f.at, f.aboard)
                legs = [_minutes(the_map, a, b, t) for a, b in ((base, here), (here, there), (there, base))]
                if base is None or here is None or there is None or None in legs:
                    continue
                out_min, on_min, back_min = (m or 0.0 for m in legs)
                recovery = deck[2]  # one aircraft: one cycle each way
                parts = [deck[2], out_min, mean_of(t.load_min), on_min, mean_of(t.unload_min), back_min, recovery]
                total = sum(round(x) for x in parts)  # the parts as shown, so that they add up
                line = _(
                    "from {facility}: launch {launch}, out {out}, load {load}, on {on}, unload {unload}, back {back}, "
                    "recovery {recovery}: {total} a mission"
                )
                out.append(
                    "    "
                    + line.format(
                        facility=_facility(w, f.id),
                        launch=w.duration(deck[2]),
                        out=w.duration(out_min),
                        load=w.duration(mean_of(t.load_min)),
                        on=w.duration(on_min),
                        unload=w.duration(mean_of(t.unload_min)),
                        back=w.duration(back_min),
                        recovery=w.duration(recovery),
                        total=w.duration(total),
                    )
                )
    return out


def _facility(w: _Words, fid: str) -> str:
    return w._ident(w.names.facility(fid), fid)


def _minutes(the_map: Map, a: str | None, b: str | None, t: UnitType) -> float | None:
    """Nominal minutes from ``a`` to ``b`` on the fastest path for ``t`` (0 at the same place, None: no path)."""
    if a is None or b is None:
        return None
    if a == b:
        return 0.0
    path = the_map.path(a, b, _modes(t))
    return path.minutes if path is not None else None


def _takes(s: Scenario, u: UnitSpec) -> Load:
    t = s.unit_types[u.type]
    return takes(t, u.strength or t.strength)


DISPATCH = {"continuous": N_("again as soon as back"), "reorder": N_("when the destination runs low")}


def _supply_lines(s: Scenario, w: _Words, the_map: Map) -> list[str]:
    _ = w._
    depots = {d.id: d for d in s.depots}
    units = {u.id: u for u in s.units}
    lines = []
    for line in s.supply_lines:
        src = depots[line.from_].at
        if line.to is not None:
            dst, dst_name = depots[line.to].at, w.depot(line.to)
        elif line.to_place is not None:
            dst, dst_name = line.to_place, w.place(line.to_place)
        else:  # to units: the way to where the first of them starts
            dst, dst_name = units[line.to_units[0]].at, w.units(line.to_units)
        dispatch = (
            _(DISPATCH[line.dispatch])
            if line.dispatch in DISPATCH
            else _("every {duration}").format(duration=w.duration(line.every or 0))
        )
        text = _("supply line {line}: {src} → {dst}, from {time}, {dispatch}")
        lines.append(
            "  "
            + text.format(
                line=w.supply_line(line.id),
                src=w.depot(line.from_),
                dst=dst_name,
                time=w.time(line.start, dated=False)
                + (
                    ""
                    if line.when is None
                    else ", " + _("when {condition}").format(condition=trigger_words(line.when, w.names))
                ),
                dispatch=dispatch,
            )
        )
        for name in line.transports:
            t = s.unit_types[units[name].type]
            path = the_map.path(src, dst, _modes(t))
            if path is None:
                continue
            cycle = mean_of(t.load_min) + 2 * path.minutes + mean_of(t.unload_min)
            text = _(
                "{transport}: {path}, {km:g} km, {duration} each way; round trip {cycle} with loading and "
                "unloading; up to {tonnes:g} t a trip"
            )
            lines.append(
                "    "
                + text.format(
                    transport=w.unit(name),
                    path=w.path(path.places),
                    km=path.distance_km,
                    duration=w.duration(path.minutes),
                    cycle=w.duration(cycle),
                    tonnes=(units[name].strength or t.strength) * t.cargo_t,
                )
            )
    return lines


def _activities(s: Scenario, u: UnitSpec) -> tuple[tuple[str, Literal["idle", "combat"]], ...]:
    """The rates a unit's supplies are shown at: idle and in combat, or its use (at the idle rate) in a relief
    exercise and for the people of a side that fights no one (a camp's 3,750 L an hour is not drunk 'in combat')."""
    side = s.sides.get(u.side)
    if s.scenario.exercise == "relief" or (side is not None and not side.fights):
        return (("use", "idle"),)
    return (("idle", "idle"), ("combat", "combat"))


def _supplies(s: Scenario, w: _Words) -> Iterator[str]:
    _ = w._
    per_day = s.logistics.per_person_day
    for u in s.units:
        t = s.unit_types[u.type]
        strength = u.strength or t.strength
        people = strength * t.personnel_per_element
        for cls in s.logistics.class_names:
            if cls not in t.carries:
                continue
            stock = t.carries[cls] * strength
            rates = {
                activity: t.consumption.get(rate, {}).get(cls, 0.0) * strength + per_day.get(cls, 0.0) * people / 24
                for activity, rate in _activities(s, u)
            }
            lasts = ", ".join(
                _("{activity} {rate}/h, lasts {duration}").format(
                    activity=w.activity(activity), rate=w.amount(r), duration=w.duration(stock / r * 60)
                )
                if r > 0
                else _("{activity}: none used").format(activity=w.activity(activity))
                for activity, r in rates.items()
            )
            text = _("{unit} {supply}: {amount} {measure} at the start; {lasts}")
            yield "  " + text.format(
                unit=w.unit(u.id), supply=w.supply(cls), amount=w.amount(stock), measure=w.measure(cls), lasts=lasts
            )
    for d in s.depots:
        stocks = ", ".join(
            _("{supply} {amount} of {capacity} {measure}").format(
                supply=w.supply(cls),
                amount=w.amount(st.initial),
                capacity=w.amount(st.capacity),
                measure=w.measure(cls),
            )
            for cls, st in d.stocks.items()
        )
        yield "  " + _("depot {depot} at {place}: {stocks}").format(
            depot=w.depot(d.id), place=w.place(d.at), stocks=stocks
        )
