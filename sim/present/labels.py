"""What the reader sees for the scenario's things in a language: units and places by their display
names, scenario clock times (``D+0 06:40``), supply classes, measurement units and metric labels."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sim.config.schema import MetricObjective, Scenario
from sim.config.supply import measure_of
from sim.config.text import pick
from sim.models.catalogue import catalogue
from sim.models.contract import MetricSpec
from sim.present.i18n import N_, Language
from sim.present.measures import counted
from sim.present.words import worded

OBJECTIVE_STATE = {  # an objective during a play (sim.play.status) and in its report
    "met": N_("met"),
    "missed": N_("missed"),
    "at_risk": N_("at risk"),
    "open": N_("open"),
    "not_applicable": N_("not applicable"),  # only_if: its option was not taken, or its phase did not start
}
SUPPLY = {
    "fuel": N_("fuel"),
    "ammunition": N_("ammunition"),
    "water": N_("water"),
    "rations": N_("rations"),
    "medical": N_("medical supplies"),
}
SUPPLY_AMOUNT = {  # a supply class after a quantity, as a whole phrase: Russian puts the class in the genitive
    "fuel": N_("{amount} {measure} of fuel"),
    "ammunition": N_("{amount} {measure} of ammunition"),
    "water": N_("{amount} {measure} of water"),
    "rations": N_("{amount} {measure} of rations"),
    "medical": N_("{amount} {measure} of medical supplies"),
}


# Metric labels by family (the name before the first dot), with the rest of the name as {x} (or {a}, {b}).
# English shows the catalogue's own description; these are the messages other languages translate.
FAMILY = {
    "mission_success": N_("every objective met"),
    "end_time_h": N_("simulated time at the end of the run"),
    "secured": N_("{x} secured before the end of the run"),
    "time_to_secure_h": N_("time until {x} was secured"),
    "engagement_h": N_("time spent fighting at {x}"),
    "killed": N_("killed ({x})"),
    "wounded": N_("wounded ({x})"),
    "survivors": N_("still fit to fight ({x})"),
    "platforms_lost": N_("ships, aircraft and vehicles destroyed or damaged ({x})"),
    "platforms_left": N_("ships, aircraft and vehicles still in action ({x})"),
    "sorties": N_("sorties flown and fire missions fired, all units"),
    "consumed": N_("{cls} consumed, all units"),
    "stockout_h": N_("time {a} was out of {cls}"),
    "delivered_t": N_("{cls} delivered by {a}"),
    "delivered": N_("{cls} delivered to {a}"),
    "lost_t": N_("{cls} lost in transit"),
    "on_time_share": N_("delivery trips on time (within the tolerance)"),
    "utilisation": N_("share of the run {x} spent on trips"),
    "casualties": N_("casualties entering the chain of care"),
    "returned_to_duty": N_("casualties returned to duty"),
    "evacuated": N_("casualties evacuated out of the end of the chain"),
    "died_of_wounds": N_("casualties who died of wounds"),
    "died_at_scene": N_("people who died at the scene, before the chain of care"),
    "in_care": N_("casualties still in the chain at the end of the run"),
    "t1_care_10min_share": N_("T1 casualties given care at the point of injury within 10 minutes (10-1-2)"),
    "t1_resus_1h_share": N_("T1 casualties at a Role 2 within 1 hour (10-1-2)"),
    "t1_surgery_1h_share": N_("T1 casualties in surgery within 1 hour (golden hour)"),
    "t1_surgery_2h_share": N_("T1 casualties in surgery within 2 hours (10-1-2)"),
    "wait_h": N_("mean wait for a team at {x}"),
    "wait_p90_h": N_("90th percentile of the wait for a team at {x}"),
    "queue_avg": N_("mean number waiting for a team at {x}"),
    "team_utilisation": N_("share of {x}'s teams' time spent treating"),
    "peak_beds": N_("most beds in use at once at {x}"),
    "blocked": N_("arrivals at {x} who found every bed taken"),
    "blocked_share": N_("share of arrivals at {x} who found every bed taken"),
    "diverted": N_("arrivals at {x} diverted to another facility, every bed taken"),
    "diverted_share": N_("share of arrivals at {x} diverted, every bed taken"),
    "turned_away": N_("casualties turned away untreated by a full facility"),
    "evac_wait_h": N_("mean wait for evacuation to {x}"),
    "evac_wait_p90_h": N_("90th percentile of the wait for evacuation to {x}"),
    "medevac_utilisation": N_("share of the run {x} spent on MEDEVAC missions"),
    "medevac_asset_wait_h": N_(
        "time casualties waited for {x} while an order of its own held it (0 for one kept for MEDEVAC alone)"
    ),
    "berth_wait_h": N_("mean wait for a berth at {x}"),
    "deck_wait_h": N_("mean wait for a deck spot on {x}"),
    "berth_utilisation": N_("share of {x}'s berths in use"),
    "failed_orders": N_("orders and tasks that failed, all units"),
    "unit_failed_orders": N_("failed orders of {x}"),
    "failed_reason": N_("failed orders: {x}"),
    "losses": N_("people killed or wounded ({x})"),
    "orders_delayed": N_("orders delayed by interoperability or an outage, or lost: {x}"),
    "order_delay_h": N_("mean time for an order to reach the unit: {x}"),
    "inject_fired": N_("inject fired: {x}"),
    "decided": N_("decision taken: {x}"),
    "time_in_chain_h": N_("mean time in the chain of care, from injury to leaving it"),
    "throughput_per_day": N_("casualties leaving the chain of care per day"),
    "triage_time_in_chain_h": N_("mean time in the chain of care, {x} casualties"),
    "triage_wait_h": N_("mean wait for a treatment team, {x} casualties"),
}
# The kinds of reason for a failed order (sim/models/orders.py REASONS), for failed_reason.{kind}.
REASON = {
    "fuel": N_("not enough fuel to move"),
    "supplies": N_("no fuel or ordnance for a sortie"),
    "route": N_("no route to the destination"),
    "range": N_("target out of range"),
    "room": N_("no room on the transport"),
    "place": N_("not where the order needs the unit"),
    "contested": N_("place under attack by another side"),
    "other": N_("other reasons"),
}


class Labels:
    """Names and times of one scenario in one language."""

    def __init__(self, scenario: Scenario, lang: Language):
        lang = worded(lang, scenario)
        self.s, self.lang = scenario, lang
        self._ = lang._
        self.start = scenario.scenario.start
        self.units = {u.id: u for u in scenario.units}
        self._by_name: dict[str, MetricSpec] | None = None

    def _specs(self) -> dict[str, MetricSpec]:
        """The scenario's metric declarations (the catalogue), made on first use."""
        if self._by_name is None:
            self._by_name = dict(catalogue(self.s).by_name)
        return self._by_name

    def _pick(self, name: str | dict[str, str] | None) -> str | None:
        return pick(name, self.lang.code) or None

    def text(self, text: str | dict[str, str] | None) -> str:
        """A scenario's text (a message, a question, a note) in this language, else in English."""
        return pick(text, self.lang.code)

    def title(self) -> str:
        """The scenario's title."""
        return pick(self.s.scenario.name, self.lang.code)

    def facility(self, fid: str) -> str:
        return self._named(self.s.medical.facilities if self.s.medical is not None else [], fid)

    def depot(self, did: str) -> str:
        return self._named(self.s.depots, did)

    def supply_line(self, lid: str) -> str:
        return self._named(self.s.supply_lines, lid)

    def route(self, rid: str) -> str:
        return self._named(self.s.map.routes, rid)

    def cell(self, cid: str) -> str:
        return self._named(getattr(self.s, "cells", []), cid)

    def request(self, rid: str) -> str:
        return self._named(getattr(self.s, "requests", []), rid)

    def _named(self, things: Sequence[Any], key: str) -> str:
        """The display name of the thing of id ``key`` among ``things``, else the id."""
        spec = next((x for x in things if x.id == key), None)
        return (self._pick(spec.name) if spec is not None else None) or key

    def headquarters(self, name: str) -> str:
        """An echelon by its title, or a chain by its top echelon's; else the name."""
        for chain in self.s.command.chains:
            for e in chain.echelons:
                if name in (e.name, chain.id):
                    return pick(e.title, self.lang.code) or name
        return name

    def option(self, point_id: str, option: str) -> str:
        """A decision's option by its label, else its id."""
        point = next((p for p in self.s.decision_points if p.id == point_id), None)
        spec = point.options.get(option) if point is not None else None
        return (self._pick(spec.name) if spec is not None else None) or option

    def unit(self, uid: str) -> str:
        """The unit's display name with its id (``1st Marine Company (mar-1)``), or the id alone."""
        spec = self.units.get(uid)
        name = self._pick(spec.name) if spec is not None else None
        return f"{name} ({uid})" if name else uid

    def units_list(self, ids: list[str]) -> str:
        return ", ".join(self.unit(u) for u in ids)

    def place(self, pid: str) -> str:
        spec = self.s.map.places.get(pid)
        name = self._pick(spec.name) if spec is not None else None
        return name or pid

    def side(self, sid: str) -> str:
        spec = self.s.sides.get(sid)
        return (self._pick(spec.name) if spec is not None else None) or sid

    def phase(self, pid: str) -> str:
        spec = next((p for p in self.s.phases if p.id == pid), None)
        return (self._pick(spec.name) if spec is not None else None) or pid

    def supply(self, cls: str) -> str:
        declared = self.s.logistics.classes.get(cls)
        if declared is not None:
            return self._pick(declared.name) or cls
        return self._(SUPPLY[cls]) if cls in SUPPLY else cls

    def amount(self, cls: str, x: float) -> str:
        """A quantity of a supply class: ``15,000 L of water`` (``15,000 л воды``)."""

        measure = self.measure(measure_of(cls, self.s.logistics.classes))
        if cls not in SUPPLY_AMOUNT:  # a class the scenario declares: its name after the amount
            return self._("{amount} {measure} of {supply}").format(
                amount=self.lang.num.number(x), measure=measure, supply=self.supply(cls)
            )
        return self._(SUPPLY_AMOUNT[cls]).format(amount=self.lang.num.number(x), measure=measure)

    def measure(self, unit: str, x: float = math.nan) -> str:
        """The unit's word; for a whole number ``x`` of it, in the number the language counts it with."""
        return counted(self.lang, unit, x)

    def clock(self, t_min: float) -> str:
        """Scenario clock time: ``D+0 06:40`` from scenario.start, else ``H+6:40``."""
        t = round(t_min)
        if self.start is None:
            h, m = divmod(t, 60)
            return self._("H+{h}:{m:02d}").format(h=h, m=m)
        at = self.start + timedelta(minutes=t)
        return self._("D+{day} {time}").format(day=(at.date() - self.start.date()).days, time=f"{at:%H:%M}")

    def when(self, t_min: float) -> datetime | None:
        return None if self.start is None else self.start + timedelta(minutes=t_min)

    def duration(self, minutes: float) -> str:
        h, m = divmod(round(minutes), 60)
        return self._("{h} h {m:02d} min").format(h=h, m=m) if h else self._("{m} min").format(m=m)

    def metric(self, name: str, spec: MetricSpec | None) -> str:
        """A metric's label: the catalogue's description in English, the translated family otherwise."""
        family, _, rest = name.partition(".")
        reworded = FAMILY.get(family) in self.lang.words  # the exercise's own words for it (sim.present.words)
        if (self.lang.code == "en" and not reworded) or name.startswith("objective."):
            if name.startswith("objective."):
                return self.objective(name.split(".", 1)[1], spec)
            return spec.description if spec is not None and spec.description else name
        template = FAMILY.get(family)
        if template is None:
            return spec.description if spec is not None and spec.description else name
        parts = rest.split(".")
        cls = parts[-1] if parts and parts[-1] in self.s.logistics.class_names else ""
        a = parts[0] if parts else ""
        if family == "delivered" and len(parts) == 2:  # delivered.<class>.<place or unit>
            cls, a = parts
        x = self._(REASON[rest]) if family == "failed_reason" and rest in REASON else self._thing(rest)
        return self._(template).format(x=x, a=self._thing(a), cls=self.supply(cls))

    def _thing(self, key: str) -> str:
        """The scenario's thing of id ``key`` (in a metric's name) by its name; an id with no name, or no thing's
        (a nation, an inject), stands in parentheses, as ids do in text."""
        if key in self.units:
            return self.unit(key)
        if key in self.s.map.places:
            return self.place(key)
        if key in self.s.sides:
            return self.side(key)
        medical = self.s.medical.facilities if self.s.medical is not None else []
        for things in (medical, self.s.depots, self.s.supply_lines, self.s.map.routes):
            name = self._named(things, key)
            if name != key:
                return name
        return f"({key})" if key else key

    def objective(self, oid: str, spec: MetricSpec | None = None) -> str:
        """What an objective asks, in words."""
        o = next((o for o in self.s.objectives if o.id == oid), None)
        if o is None:
            return spec.description if spec is not None else oid
        if o.name is not None:
            return pick(o.name, self.lang.code)
        if isinstance(o, MetricObjective):
            spec = self._specs().get(o.metric)
            label = self.metric(o.metric, spec)

            def bound(v: float) -> str:  # a share's bound in per cent, as its value is shown
                num = self.lang.num
                return (
                    num.per_cent(v, 0 if float(100 * v).is_integer() else 1)
                    if spec and spec.kind.bounded
                    else num.general(v)
                )

            if o.at_most is not None and o.at_least is not None:
                text = self._("{metric} between {low} and {high}")
                return text.format(metric=label, low=bound(o.at_least), high=bound(o.at_most))
            if o.at_most is not None:
                return self._("{metric} at most {value}").format(metric=label, value=bound(o.at_most))
            return self._("{metric} at least {value}").format(metric=label, value=bound(o.at_least or 0.0))
        if o.within is not None:
            return self._("{place} secured within {hours:g} h").format(place=self.place(o.place), hours=o.within / 60)
        return self._("{place} secured").format(place=self.place(o.place))

    def value(self, x: float, spec: MetricSpec | None) -> str:
        """A value with its unit, in this language (shares and rates in per cent)."""

        if math.isnan(x):
            return "–"
        if spec is not None and spec.kind.bounded:
            return self.lang.num.per_cent(x)
        unit = self.measure(spec.unit, x) if spec is not None else ""
        return self.lang.num.with_unit(self.lang.num.number(x), unit)
