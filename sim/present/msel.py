"""The MSEL as text: injects and decision points in time order, with what each tests (``exsim check --msel``)."""

from __future__ import annotations

from sim.config.durations import format_duration, format_time
from sim.config.exercise import DecisionPoint, Inject, Trigger, tested_by
from sim.config.schema import Scenario
from sim.config.text import pick


def trigger_text(t: Trigger) -> str:
    """``secured island``, ``any of (fired storm, phase landing done)``."""
    if t.any_ or t.all_:
        word, subs = ("any", t.any_) if t.any_ else ("all", t.all_)
        return f"{word} of ({', '.join(trigger_text(s) for s in subs or [])})"
    if t.secured is not None:
        return f"{t.secured} secured"
    if t.broken is not None:
        return f"{t.broken} broken"
    if t.phase_done is not None:
        return f"phase {t.phase_done} done"
    if t.fired is not None:
        return f"{t.fired} fired"
    if t.stock is not None:
        return f"{t.stock.depot} {t.stock.class_} below {t.stock.below:g}"
    return f"{t.metric} {'above' if t.above is not None else 'below'} {t.above if t.above is not None else t.below:g}"


def effect_text(e: object) -> str:
    fields = e.model_dump(exclude={"type"}, exclude_defaults=True, by_alias=True)  # type: ignore[attr-defined]
    parts = []
    for key, value in fields.items():
        if key in ("for", "min_interval"):
            value = format_duration(value)
        elif isinstance(value, list):
            value = ", ".join(map(str, value))
        parts.append(f"{key} {value}")
    return f"{e.type} ({'; '.join(parts)})" if parts else str(e.type)  # type: ignore[attr-defined]


def _when(item: Inject | DecisionPoint, s: Scenario) -> str:
    at = format_time(item.at, s.scenario.start) if item.at is not None else ""
    if item.when is None:
        return at
    on = f"when {trigger_text(item.when)}"
    return f"{on}, not before {at}" if at else on


def msel_lines(s: Scenario) -> list[str]:
    """Items with a time first, by time (file order on ties), then those on a trigger alone, in file order."""
    items: list[Inject | DecisionPoint] = [*s.injects, *s.decision_points]
    timed = sorted((i for i in items if i.at is not None), key=lambda i: i.at or 0.0)
    triggered = [i for i in items if i.at is None]
    out = [f"MSEL of {pick(s.scenario.name, 'en')}: {len(s.injects)} injects, {len(s.decision_points)} decision points"]
    for item in [*timed, *triggered]:
        out.append("")
        if isinstance(item, Inject):
            out.append(f"{_when(item, s)}  inject {item.id}: {pick(item.message, 'en')}")
            out += [f"    effect: {effect_text(e)}" for e in item.effects]
        else:
            taken = s.decisions.get(item.id, item.default)
            out.append(f"{_when(item, s)}  decision {item.id}: {pick(item.question, 'en')}")
            for name, option in item.options.items():
                mark = "*" if name == taken else " "
                out.append(f"   {mark}option {name}: {pick(option.description, 'en')}")
        if item.tests:
            out.append(f"    tests: {', '.join(item.tests)}")
        if item.note:
            out.append(f"    controller: {pick(item.note, 'en')}")
    tests = tested_by(s.injects, s.decision_points)
    out += ["", "Objectives and what tests them:"]
    for o in s.objectives:
        out.append(f"  {o.id}: {', '.join(tests.get(o.id, [])) or 'nothing in the MSEL'}")
    return out
