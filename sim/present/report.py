"""The after-action report: one self-contained HTML file (no network, no CDN) for a run or a sweep.

Summary in plain sentences, objectives with probabilities and intervals, headline metrics, distributions
across replications; for one replication (chosen, or the median one) strength over time, casualty flow,
stocks and queues, a Gantt chart of units and phases, the event timeline and a map replay; the
after-action review; for a sweep, each headline metric across the points and the paired comparison; for a
sensitivity study, each metric's indices with their intervals (and Morris's μ*–σ plane).
"""

from __future__ import annotations

import html
import json
import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.config.exercise import tested_by
from sim.config.schema import MetricObjective, Objective, Scenario, SecureObjective
from sim.config.suggest import unknown
from sim.errors import ExsimError
from sim.experiment import meaning as meaning_mod
from sim.experiment.compare import Difference, compare_points
from sim.experiment.output import write_atomic
from sim.experiment.placement import Placement
from sim.experiment.replay import PLAY, Replayed, seed_of, stored_scenario, trace
from sim.experiment.replay import played as stored_play
from sim.experiment.sensitivity import FILE as SENSITIVITY_FILE
from sim.experiment.stats import Summary
from sim.experiment.store import ResultStore
from sim.experiment.sweep import summarise_point
from sim.models.contract import MetricSpec
from sim.models.objectives import final_state, is_objective
from sim.present import aar, plots, tracks
from sim.present import sensitivity as shown
from sim.present.families import FAMILIES
from sim.present.families.exercise import not_applied, override_words, who
from sim.present.i18n import N_, Language, sentence
from sim.present.labels import OBJECTIVE_STATE, Labels
from sim.present.placement import chart, placement_lines
from sim.present.story import Narrator, outcome
from sim.present.table import interval, point_label
from sim.present.words import worded

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TEXT = {
    "summary": N_("Summary"),
    "objectives": N_("Objectives"),
    "objective": N_("objective"),
    "met_in": N_("met in"),
    "probability": N_("probability"),
    "interval": N_("95 % interval"),
    "headline": N_("Headline metrics"),
    "metric": N_("metric"),
    "mean": N_("mean"),
    "intervals_note": N_("95 % intervals: Wilson for rates and shares, log-scale for non-negative means."),
    "across_points": N_("Across the sweep's points"),
    "sensitivity": N_("Which factors matter"),
    "rank": N_("rank"),
    "factor": N_("factor"),
    "note": N_("note"),
    "point": N_("point"),
    "paired": N_("Paired comparison with the baseline (common random numbers)"),
    "baseline": N_("baseline"),
    "difference": N_("difference"),
    "verdict": N_("verdict"),
    "distributions": N_("Distributions across replications"),
    "map": N_("Map and replay"),
    "play": N_("Play"),
    "pause": N_("Pause"),
    "time": N_("time"),
    "map_zoom": N_(
        "Zoom with the mouse wheel or + and −, drag to move. A marker with a number holds that many units at one"
        " place: point at it (or tap it) for their names. Units move from place to place along their routes."
    ),
    "whole_map": N_("Whole map"),
    "timeline": N_("Event timeline"),
    "aar": N_("After-action review"),
    "went_well": N_("What went well"),
    "improve": N_("Areas for improvement"),
    "play_section": N_("The class's play"),
    "landed": N_("Where the class's run landed"),
    "when": N_("time"),
    "what": N_("what"),
    "who": N_("who"),
    "wall": N_("wall clock"),
    "in_run": N_("in the class's run"),
    "value": N_("value"),
    "run_detail": N_("The class's run in detail"),
    "play_nothing_well": N_("No objective was met in the class's run."),
    "play_nothing_missed": N_("No objective was missed in the class's run."),
}
VERDICTS = {
    "better": N_("better"),
    "worse": N_("worse"),
    "higher": N_("higher"),
    "lower": N_("lower"),
    "no detectable difference": N_("no detectable difference"),
    "too few replications": N_("too few replications"),
}
WELL = 0.8  # an objective met in at least this share of runs "went well"
MAP_W, MAP_H = 760, 520


@dataclass(frozen=True)
class Folder:
    """What a results folder holds, read once."""

    path: Path
    manifest: dict[str, Any]
    metrics: list[str]
    specs: Mapping[str, MetricSpec]
    headline: list[str]
    points: list[Any]
    rows: dict[int, list[dict[str, Any]]]

    @property
    def sweep(self) -> bool:
        return self.manifest.get("kind") == "sweep"

    @property
    def study(self) -> bool:
        """A sensitivity study: its points are a design's rows, read through its indices rather than one by one."""
        return self.manifest.get("kind") == "sensitivity"


def read(folder: Path) -> tuple[Folder, dict[int, dict[str, Summary]], list[Any]]:
    """The folder, each point's summaries, and (for a sweep) the paired differences of the headline metrics."""
    store = ResultStore.open(folder)
    try:
        manifest = store.manifest()
        means = meaning_mod.of_manifest(manifest)
        points = store.points()
        rows = {p.index: [r for r in store.rows(p.index) if r["error"] is None] for p in points}
        summaries = {p.index: summarise_point(store, p.index) for p in points}
        diffs = []
        if len(points) > 1 and manifest.get("kind") == "sweep":
            shown = [m for m in means.headline() if m in store.metrics]
            diffs = compare_points(store, means, shown)
        return Folder(folder, manifest, store.metrics, means.specs, means.headline(), points, rows), summaries, diffs
    finally:
        store.close()


def median_replication(rows: Sequence[Mapping[str, Any]], metric: str | None) -> int:
    """The replication whose ``metric`` is the median (the lower one of an even count); ties: the first."""
    if not rows:
        raise ExsimError("no replication ran without error: nothing to report")
    if metric is None:
        return int(rows[0]["replication"])
    have = sorted((r[metric], r["replication"]) for r in rows if not math.isnan(r[metric]))
    if not have:
        return int(rows[0]["replication"])
    return int(have[(len(have) - 1) // 2][1])


def _pick_metric(folder: Folder) -> str | None:
    """The metric the median replication is chosen by: the first headline duration, else the first headline."""
    shown = [m for m in folder.headline if m in folder.metrics and not is_objective(m)]
    durations = [m for m in shown if folder.specs[m].kind == "duration"]
    return (durations or shown)[0] if shown else None


@dataclass(frozen=True)
class Page:
    """What every part of one report reads: the folder, the point shown and the reader's language."""

    path: Path
    folder: Folder
    scenario: Scenario
    names: Labels
    lang: Language
    point: int
    rows: list[dict[str, Any]]

    def label(self, m: str) -> str:
        return self.names.metric(m, self.folder.specs.get(m))

    @property
    def headline(self) -> list[str]:
        return [m for m in self.folder.headline if m in self.folder.metrics and not is_objective(m)]


def build(folder_path: Path, lang: Language, rep: int | None = None, point: int = 0) -> str:
    """The report of a results folder as one HTML text."""
    folder, summaries, diffs = read(folder_path)
    if point not in folder.rows:
        raise ExsimError(f"{folder_path} has points 0 to {len(folder.rows) - 1}: --point {point} does not exist")
    scenario = stored_scenario(folder_path, point)
    lang = worded(lang, scenario)
    page = Page(folder_path, folder, scenario, Labels(scenario, lang), lang, point, folder.rows[point])
    by = _pick_metric(folder)
    chosen = median_replication(page.rows, by) if rep is None else rep
    if not any(r["replication"] == chosen for r in page.rows):
        raise ExsimError(f"{folder_path}: point {point} has no replication {chosen} that ran without error")
    played = _play_file(folder_path)
    context: dict[str, Any] = {"aar": None}
    if played is not None:  # a class's play: its own events (overrides cannot be replayed by trace)
        play = _play(played, scenario, page.rows[0])
        stored = stored_play(folder_path)
        context |= _context(page, stored, play) | _play_context(page, played, play)
        if scenario.cells:  # a play in cells: the hot wash's timeline, observations and improvement plan
            report = aar.build(
                scenario, stored.events, played.get("actions", []), page.names, played.get("improvement_plan")
            )
            if report.recorded:  # (a play stopped before any cell acted has no section above nothing)
                context["aar"] = aar.context(report, page.names)
    else:
        replayed = trace(scenario, seed_of(folder_path), chosen, point, samples=True)
        context |= _context(page, replayed, None) | _runs_context(page, summaries[point], replayed, chosen, rep, by)
    context["sweep"] = _sweep(folder, summaries, diffs, page.names, lang) if folder.sweep else None
    context["sensitivity"] = _sensitivity(folder, lang) if folder.study else None
    return _render(context)


def _context(page: Page, replayed: Replayed, play: Play | None) -> dict[str, Any]:
    """The parts of the report a run and a class's play share: titles, the replication's charts, the map
    replay and the timeline."""
    _, scenario = page.lang._, page.scenario
    t = {k: _(v) for k, v in TEXT.items()}
    return {
        "lang": page.lang.code,
        "t": t,
        "title": _("After-action report: {scenario}").format(scenario=page.names.title()),
        "subtitle": _subtitle(page.folder, len(page.rows), page.point, page.lang, play is not None),
        "map": tracks.layout(scenario, page.names, MAP_W, MAP_H),
        "end": scenario.scenario.duration,
        "replay_json": _replay_json(scenario, replayed, page.names, page.lang),
        "replay_js": (resources.files("sim.present") / "templates" / "replay.js").read_text(encoding="utf-8"),
        "map_js": (resources.files("sim.present") / "templates" / "mapview.js").read_text(encoding="utf-8"),
        "units": tracks.unit_marks(scenario, page.names),
        "replication_charts": _replication_charts(scenario, replayed, page.names, page.lang),
        "timeline": _timeline(
            scenario, replayed, page.folder, page.names, page.lang, told=play is None or play.finished
        ),
        "footer": _("Made by exsim {version} from {folder}.").format(
            version=page.folder.manifest.get("exsim_version", "?"),
            folder=page.path.resolve().name,  # not "latest"
        ),
    }


def _play_context(page: Page, played: Mapping[str, Any], play: Play) -> dict[str, Any]:
    """A class's play is one run: its values and each objective's state, no statistics of a batch of one."""
    _, row, names = page.lang._, page.rows[0], page.names
    well, improve = _play_review(page.scenario, play, names, page.lang)
    return {
        "summary": _play_sentences(page.scenario, page.folder, row, names, page.lang, play),
        "play": _play_section(played, page.scenario, page.folder, names, page.lang),
        "objectives": [
            {
                "name": f"objective.{o}",
                "label": page.label(f"objective.{o}"),
                "state": state,
                "word": _(OBJECTIVE_STATE[state]),
            }
            for o, state in play.states.items()
        ],
        "headline": [
            {"name": m, "label": page.label(m), "value": names.value(row[m], page.folder.specs.get(m))}
            for m in page.headline
        ],
        "distributions": [],
        "replication_title": _(TEXT["run_detail"]),
        "replication_note": "",
        "went_well": well,
        "improve": improve,
        # a heading with nothing under it: a finished play says so; a stopped one leaves the heading out (its
        # objectives not met may still be open)
        "nothing_well": _(TEXT["play_nothing_well"]) if play.finished and play.states else None,
        "nothing_missed": _(TEXT["play_nothing_missed"]) if play.finished and play.states else None,
    }


def _runs_context(
    page: Page, summary: Mapping[str, Summary], replayed: Replayed, chosen: int, rep: int | None, by: str | None
) -> dict[str, Any]:
    """A run or a sweep's point: each objective's chance and each headline metric's mean with intervals, their
    distributions across replications, and the review of the objectives."""
    _, folder, names = page.lang._, page.folder, page.names
    objectives = [m for m in folder.metrics if is_objective(m)]
    well, improve = _review(page.scenario, folder, summary, replayed, names, page.lang)
    nothing_well, nothing_missed = _nothing(page.scenario, summary, page.lang)
    return {
        "summary": _sentences(page.scenario, folder, summary, page.rows, names, page.lang, chosen, by),
        "play": None,
        "objectives": [
            {
                "name": m,
                "label": page.label(m),
                # "–": an objective that applied in no run (only_if: an option never taken) has no count
                "met": "–"
                if summary[m].n == 0
                else _("{k} of {n}").format(k=round(summary[m].mean * summary[m].n), n=summary[m].n),
                "p": page.lang.num.share(summary[m].mean),  # rounded as its interval is: never outside it
                "ci": interval(summary[m], folder.specs.get(m), page.lang.num),
            }
            for m in objectives
        ],
        "headline": [
            {
                "name": m,
                "label": page.label(m),
                "mean": _mean(summary[m], folder.specs.get(m), names),
                "ci": interval(summary[m], folder.specs.get(m), page.lang.num),
            }
            for m in page.headline
        ],
        "distributions": [_distribution(page, m) for m in page.headline],
        "replication_title": _("Replication {rep} in detail").format(rep=chosen),
        "replication_note": _replication_note(by, chosen, rep, names, folder, page.lang),
        "went_well": well,
        "improve": improve,
        "nothing_well": nothing_well,
        "nothing_missed": nothing_missed,
    }


def _mean(s: Summary, spec: MetricSpec | None, names: Labels) -> str:
    """A mean beside its interval: a share rounded as its interval is (``Numbers.share``)."""
    return names.lang.num.share(s.mean) if spec is not None and spec.kind.bounded else names.value(s.mean, spec)


def _distribution(page: Page, m: str) -> str:
    """One headline metric across the replications, as inline SVG."""
    spec = page.folder.specs.get(m)
    kind = spec.kind if spec is not None else None
    return plots.svg(
        plots.distribution(
            [r[m] for r in page.rows],
            page.label(m),
            page.names.measure(spec.unit) if spec is not None else "",
            rate=kind == "rate",
            count=kind == "count",
            share=kind == "share",
            thresholds=_thresholds(page.scenario, m, page.names),
        ),
        page.lang.num,
    )


def _thresholds(scenario: Scenario, metric: str, names: Labels) -> list[tuple[float, str]]:
    """The objectives' bounds on ``metric``, with the objectives' names, for its distribution."""
    out = []
    for o in scenario.objectives:
        if isinstance(o, MetricObjective) and o.metric == metric:
            out += [(float(b), names.objective(o.id)) for b in (o.at_most, o.at_least) if b is not None]
        elif isinstance(o, SecureObjective) and o.within is not None and metric == f"time_to_secure_h.{o.place}":
            out.append((o.within / 60.0, names.objective(o.id)))  # within: minutes after H-hour; the metric: h
    return out


def _render(context: dict[str, Any]) -> str:
    import jinja2  # the report extra, optional: checked and named before a report is built

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.files("sim.present") / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    # JSON inside <script>: "</" would end the element early
    context["replay_json"] = context["replay_json"].replace("</", "<\\/")
    return env.get_template("report.html.j2").render(**context)


def _subtitle(folder: Folder, n: int, point: int, lang: Language, play: bool) -> str:
    _ = lang._
    if play:
        return _("The class's own run (a live play), seed {seed}.").format(seed=folder.manifest.get("seed", "?"))
    if folder.study:
        return _(
            "A sensitivity study of {points} points, {n} replications at the point shown (point {point}), seed {seed}."
        ).format(points=len(folder.points), n=n, point=point, seed=folder.manifest.get("seed", "?"))
    if folder.sweep:
        return _(
            "A sweep of {points} points, {n} replications at the point shown (point {point}), seed {seed}."
        ).format(points=len(folder.points), n=n, point=point, seed=folder.manifest.get("seed", "?"))
    return _("{n} replications, seed {seed}.").format(n=n, seed=folder.manifest.get("seed", "?"))


def _sentences(
    scenario: Scenario,
    folder: Folder,
    summary: Mapping[str, Summary],
    rows: Sequence[Mapping[str, Any]],
    names: Labels,
    lang: Language,
    chosen: int,
    by: str | None,
) -> list[str]:
    """Five to eight plain sentences: the run, each objective, losses and casualties, the replication shown."""
    _ = lang._
    n = len(rows)
    out = [
        _("{scenario}: {n} replications of {hours:g} hours from H-hour.").format(
            scenario=names.title(), n=n, hours=scenario.scenario.duration / 60
        )
    ]
    if "mission_success" in summary:
        s = summary["mission_success"]
        out.append(
            _("Every objective was met in {k} of {n} runs ({low}–{high} % with 95 % confidence).").format(
                k=round(s.mean * s.n), n=s.n, low=lang.num.fixed(100 * s.low, 1), high=lang.num.fixed(100 * s.high, 1)
            )  # the interval's ends as the objectives' table prints them
        )
    for o in scenario.objectives[:3]:
        met = summary.get(f"objective.{o.id}")
        if met is None:
            continue
        if o.only_if is not None and met.n < n:  # not applicable where its option was not taken or phase not run
            out.append(_not_applicable(o, met.n, n, names, lang))
            continue
        k, s = round(met.mean * met.n), met
        if not isinstance(o, MetricObjective):
            times = [r.get(f"time_to_secure_h.{o.place}", math.nan) for r in rows]
            times = [t for t in times if not math.isnan(t)]
            if times:
                out.append(
                    _("{place} was secured in {k} of {n} runs within the limit, typically by {time}.").format(
                        place=names.place(o.place), k=k, n=s.n, time=names.clock(60 * statistics.median(times))
                    )
                )
                continue
        out.append(
            _("Objective {objective} was met in {k} of {n} runs.").format(objective=names.objective(o.id), k=k, n=s.n)
        )
    side = str(folder.manifest.get("perspective"))
    for family in FAMILIES:
        if family.sentences is not None:
            out += family.sentences(summary, side, names, lang)
    out.append(_("Replication {rep} is shown in detail below, with its map replay and timeline.").format(rep=chosen))
    return [sentence(s) for s in out[:8]]


def _not_applicable(o: Objective, counted: int, n: int, names: Labels, lang: Language) -> str:
    """An objective only_if an option or a phase: in how many runs it applied, and how often it was met there."""
    return lang._(
        "Objective {objective} did not apply in {k} of {n} runs ({when}): neither met nor missed there."
    ).format(objective=names.objective(o.id), k=n - counted, n=n, when=not_applied(o, names, lang))


@dataclass(frozen=True)
class Play:
    """A class's play as its report tells it: finished or where it stopped, and each objective's state."""

    finished: bool
    now: float  # simulated minutes reached
    states: dict[str, str]  # objective id -> met, missed, at_risk, open or not_applicable (sim.play.status)


def _play(played: Mapping[str, Any], scenario: Scenario, row: Mapping[str, Any]) -> Play:
    """A finished play's objectives are met, missed or not applicable (only_if:); an unfinished one's were
    judged where it stopped by the live session's rules when it was saved (play.json's ``stopped``)."""
    if played.get("finished", True):
        states = {o.id: final_state(row.get(f"objective.{o.id}")) for o in scenario.objectives}
        return Play(True, scenario.scenario.duration, states)
    stopped = played.get("stopped")
    if not isinstance(stopped, dict):
        raise ExsimError("play.json: an unfinished play without 'stopped' (saved by an older exsim); play it again")
    states = stopped.get("objectives", {})
    return Play(False, float(stopped["at_min"]), {o.id: str(states.get(o.id, "open")) for o in scenario.objectives})


def _play_sentences(
    scenario: Scenario, folder: Folder, row: Mapping[str, Any], names: Labels, lang: Language, play: Play
) -> list[str]:
    """A class's play is one run: what it was (and where it stopped, unfinished), each objective, the losses."""
    _ = lang._
    hours = scenario.scenario.duration / 60
    if play.finished:
        first = _("{scenario}: the class's own run, {hours:g} hours from H-hour.").format(
            scenario=names.title(), hours=hours
        )
    else:
        first = _(
            "{scenario}: the class's own run, stopped at {clock} (unfinished): {played:g} of {hours:g} hours played."
        ).format(scenario=names.title(), clock=names.clock(play.now), played=round(play.now / 60, 1), hours=hours)
    out = [first]
    for o, state in play.states.items():
        out.append(
            _("Objective {objective}: {verdict}.").format(
                objective=names.objective(o), verdict=_(OBJECTIVE_STATE[state])
            )
        )
    side = str(folder.manifest.get("perspective"))
    for family in FAMILIES:
        if family.play_sentences is not None:
            out += family.play_sentences(row, side, names, lang)
    return [sentence(s) for s in out]


def _play_review(scenario: Scenario, play: Play, names: Labels, lang: Language) -> tuple[list[str], list[str]]:
    """A play's review: the objectives met went well; those missed or at risk where it stopped need work;
    those not applicable (only_if:) are in neither."""

    _ = lang._
    tests = tested_by(scenario.injects, scenario.decision_points)
    well, improve = [], []
    for o, state in play.states.items():
        asked = names.objective(o)
        if state == "met":
            well.append(_("{objective}: met.").format(objective=asked))
        elif state in ("missed", "at_risk"):
            text = (
                _("{objective}: missed.") if state == "missed" else _("{objective}: at risk when the play stopped.")
            ).format(objective=asked)
            if tests.get(o):
                text += " " + _("Tested by: {injects}.").format(injects="; ".join(tests[o]))
            improve.append(text)
    return well, improve


def _replication_note(
    by: str | None, chosen: int, rep: int | None, names: Labels, folder: Folder, lang: Language
) -> str:
    _ = lang._
    if rep is not None or by is None:
        return _("The replication chosen for this report.")
    return _("The median replication by {metric}.").format(metric=names.metric(by, folder.specs.get(by)))


def _replication_charts(scenario: Scenario, r: Replayed, names: Labels, lang: Language) -> list[str]:
    """The replication shown, over time: each family's charts in the order of the families."""
    return [
        plots.svg(chart, lang.num)
        for family in FAMILIES
        if family.charts is not None
        for chart in family.charts(scenario, r.events, names, lang)
    ]


def _replay_json(scenario: Scenario, r: Replayed, names: Labels, lang: Language) -> str:
    xy = tracks.projection(scenario, MAP_W, MAP_H)
    frames = tracks.positions(scenario, r.events)
    sides = list(scenario.sides)
    lost = {e["unit"]: e["t"] for e in r.events if e["kind"] == "losses" and e["left"] <= 0}
    start = scenario.scenario.start
    data = {
        "places": xy,
        "routes": tracks.shapes(scenario, MAP_W, MAP_H),
        "end": scenario.scenario.duration,
        "start": None if start is None else start.isoformat(),
        "start_minute_of_day": 0 if start is None else start.hour * 60 + start.minute,
        "labels": {k: lang._(TEXT[k]) for k in ("play", "pause")},
        "clock": {"day": lang._("D+{day} {time}"), "hour": lang._("H+{h}:{m:02d}")},  # as Labels.clock writes it
        "units": [
            {
                "id": u.id,
                "label": names.unit(u.id),
                "side_index": sides.index(u.side) % 3,
                "frames": [[round(t, 2), a, b, route] for t, a, b, route in frames[u.id]],
                "lost_at": lost.get(u.id),
            }
            for u in scenario.units
        ],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _timeline(
    scenario: Scenario, r: Replayed, folder: Folder, names: Labels, lang: Language, *, told: bool = True
) -> list[dict[str, str]]:
    """The story of the run; ``told``: with each objective's outcome at the end (not for an unfinished play)."""
    lines = Narrator(scenario, lang).feed(r.events)
    if told:
        lines += outcome(scenario, r.events, r.metrics, folder.specs, lang)
    return [{"clock": names.clock(ln.t), "topic": ln.topic, "text": ln.text} for ln in lines]


def _review(
    scenario: Scenario, folder: Folder, summary: Mapping[str, Summary], r: Replayed, names: Labels, lang: Language
) -> tuple[list[str], list[str]]:
    """What went well (objectives met in at least ``WELL`` of the runs) and the areas for improvement (the
    others, with a metric objective's mean), each with the injects and decision points that test it (their
    ``tests:``), and when they came in the replication shown. All the objectives together (mission_success)
    come first, in one list or the other: each may go well on its own while together they are met far less
    often (Birlestik: each in 80 % of the runs or more, all of them in 25 of 40)."""

    _ = lang._
    well, improve = [], []
    tests = tested_by(scenario.injects, scenario.decision_points)  # objective -> injects and decisions
    seen = {e.get("id"): e for e in r.events if e["kind"] in ("inject", "decision")}
    for o in scenario.objectives:
        s = summary.get(f"objective.{o.id}")
        if s is None or s.n == 0:
            continue
        asked = names.objective(o.id)
        k = round(s.mean * s.n)
        if s.mean >= WELL:
            well.append(_("{objective}: met in {k} of {n} runs.").format(objective=asked, k=k, n=s.n))
            continue
        text = _("{objective}: met in only {k} of {n} runs.").format(objective=asked, k=k, n=s.n)
        if isinstance(o, MetricObjective) and o.metric in summary:
            m = summary[o.metric]
            text += " " + _("{metric} averaged {value}.").format(
                metric=names.metric(o.metric, folder.specs.get(o.metric)),
                value=names.value(m.mean, folder.specs.get(o.metric)),
            )
        if tests.get(o.id):
            what = "; ".join(f"{i} ({names.clock(seen[i]['t'])})" if i in seen else i for i in tests[o.id])
            text += " " + _("Tested by: {injects}.").format(injects=what)
        improve.append(text)
    together = summary.get("mission_success")
    if together is not None and together.n and len(_shares(scenario, summary)) > 1:  # one: the same line twice
        k, n = round(together.mean * together.n), together.n
        if together.mean >= WELL:
            well.insert(0, _("All objectives together: met in {k} of {n} runs.").format(k=k, n=n))
        else:
            improve.insert(0, _("All objectives together: met in only {k} of {n} runs.").format(k=k, n=n))
    return well, improve


def _shares(scenario: Scenario, summary: Mapping[str, Summary]) -> list[float]:
    """The share of runs each objective was met in (those with runs to count)."""
    return [s.mean for o in scenario.objectives if (s := summary.get(f"objective.{o.id}")) is not None and s.n]


def _nothing(scenario: Scenario, summary: Mapping[str, Summary], lang: Language) -> tuple[str | None, str | None]:
    """What the review says under a heading with nothing listed, true of the numbers: nothing went well
    means every objective, and all together, short of ``WELL``; nothing to improve, each and all together
    at least ``WELL``. No objective at all: no review (None)."""
    _ = lang._
    shares = _shares(scenario, summary)
    if not shares:
        return None, None
    pct = lang.num.general(100 * WELL)
    if max(shares) <= 0.5:
        nothing_well = _("No objective was met in more than half of the runs.")
    else:
        nothing_well = _("No objective was met in at least {pct} % of the runs.").format(pct=pct)
    together = summary.get("mission_success")
    if all(x == 1 for x in shares) and (together is None or not together.n or together.mean == 1):
        nothing_missed = _("Every objective was met in every run.")
    else:
        nothing_missed = _("Every objective was met in at least {pct} % of the runs.").format(pct=pct)
    return nothing_well, nothing_missed


def _sweep(
    folder: Folder, summaries: Mapping[int, Mapping[str, Summary]], diffs: Sequence[Any], names: Labels, lang: Language
) -> dict[str, Any]:
    """A sweep's points, each headline metric across them, and the paired differences from the baseline."""
    labels = {p.index: point_label(p.settings, p.label, sep=", ", names=names).plain for p in folder.points}
    by_label = {p.label: labels[p.index] for p in folder.points}
    return {
        "points": [{"index": p.index, "label": labels[p.index]} for p in folder.points],
        "charts": [
            plots.svg(_across_points(folder, summaries, m, names), lang.num)
            for m in folder.headline
            if m in folder.metrics
        ],
        "differences": [_difference(d, folder, by_label, names, lang) for d in diffs],
    }


def _sensitivity(folder: Folder, lang: Language) -> dict[str, Any]:
    """A study's ranked indices per metric, as the terminal shows them, with a bar chart of the indices and their
    intervals, and for Morris the μ*–σ plane."""
    doc = json.loads((folder.path / SENSITIVITY_FILE).read_text(encoding="utf-8"))
    method, names = doc["method"], {"S1": "S1", "ST": "ST", "mu_star": "μ*"}
    out = []
    for m in doc["metrics"]:
        entry: dict[str, Any] = {"metric": m["metric"], "charts": [], "rows": [], "note": ""}
        if m["status"] != "ok":
            entry["note"] = shown.not_analysed(m, lang)
            out.append(entry)
            continue
        idx = m["indices"]
        factors = [i["factor"] for i in idx]
        series = {
            names[c]: ([i[c] for i in idx], [i[f"{c}_low"] for i in idx], [i[f"{c}_high"] for i in idx])
            for c in shown.COLUMNS[method]
            if c in shown.WITH_INTERVAL
        }
        title = lang._("{metric}: indices with their {level} % bootstrap intervals").format(
            metric=m["metric"], level=round(100 * doc["confidence"])
        )
        entry["charts"].append(plots.svg(plots.indices(factors, series, title), lang.num))
        if method == "morris":
            mu_star, sigma = [i["mu_star"] for i in idx], [i["sigma"] for i in idx]
            plane = lang._("{metric}: Morris's μ*–σ plane").format(metric=m["metric"])
            entry["charts"].append(plots.svg(plots.mu_sigma(factors, mu_star, sigma, plane), lang.num))
        entry["heads"] = [shown.HEADS[c] for c in shown.COLUMNS[method]]
        for rank, i in enumerate(idx, 1):
            flagged = shown.includes_zero(i, "ST" if method == "sobol" else "mu_star")
            entry["rows"].append(
                {
                    "rank": rank,
                    "factor": i["factor"],
                    "cells": [shown.cell(i, c, lang) for c in shown.COLUMNS[method]],
                    "note": lang._("interval includes 0") if flagged else "",
                }
            )
        entry["note"] = lang._(shown.LEGEND[method]) + ". " + sentence(shown.guidance(m, lang)) + "."
        out.append(entry)
    return {"metrics": out}


def _across_points(
    folder: Folder, summaries: Mapping[int, Mapping[str, Summary]], metric: str, names: Labels
) -> Figure:
    """One metric's mean and 95 % interval at each of a sweep's points (as ``exsim plot`` draws it)."""
    spec = folder.specs.get(metric)
    ss = [summaries[p.index][metric] for p in folder.points]
    scale = 100.0 if spec is not None and spec.kind.bounded else 1.0
    unit = "%" if scale == 100.0 else names.measure(spec.unit) if spec is not None else ""
    return plots.across_points(
        [point_label(p.settings, p.label, sep="\n", names=names).plain for p in folder.points],
        [s.mean * scale for s in ss],
        [s.low * scale for s in ss],
        [s.high * scale for s in ss],
        names.metric(metric, spec),
        unit,
    )


def _difference(
    d: Difference, folder: Folder, by_label: Mapping[str, str], names: Labels, lang: Language
) -> dict[str, str]:
    """A row of the paired comparison: a point's difference from its baseline, with its interval and verdict."""
    scale = 100.0 if d.in_points else 1.0
    spec = folder.specs.get(d.metric)
    measure = names.measure(spec.unit) if spec is not None and spec.unit and not d.in_points else ""
    unit = " " + lang._("pp") if d.in_points else f" {measure}" if measure else ""  # percentage points
    return {
        "metric": names.metric(d.metric, folder.specs.get(d.metric)),
        "point": by_label.get(d.point, d.point),
        "baseline": by_label.get(d.baseline, d.baseline),
        "mean": "–" if math.isnan(d.mean) else lang.num.local(f"{d.mean * scale:+.3g}") + unit,
        "ci": "–" if math.isnan(d.low) else lang.num.local(f"{d.low * scale:+.3g} – {d.high * scale:+.3g}") + unit,
        "verdict": lang._(VERDICTS.get(d.verdict, d.verdict)),
    }


def vote_result(
    votes: Mapping[str, int], taken: str, default: str, lang: Language, name: Callable[[str], str] = str
) -> tuple[str, bool]:
    """A closed vote's result in words, and whether the ballots alone did not decide it (a tie, or none
    cast): then the words say how the tie was broken (sim.serve.vote: the plan's default if among the tied,
    else the tied option listed first), "Tied 3–3: the plan's default, hold, was taken."; ``name`` gives an
    option's words for its id."""
    _ = lang._
    shown = name(taken)
    most = max(votes.values(), default=0)
    if most == 0:
        return _("No votes were cast: the plan's default, {option}, was taken.").format(option=shown), True
    tied = [k for k in votes.values() if k == most]
    if len(tied) > 1:
        text = (
            _("Tied {score}: the plan's default, {option}, was taken.")
            if taken == default
            else _("Tied {score}: the option listed first in the plan, {option}, was taken.")
        )
        return text.format(score="–".join(map(str, tied)), option=shown), True
    score = "–".join(str(k) for k in sorted(votes.values(), reverse=True))
    return _("The class voted {score}: {option} was taken.").format(score=score, option=shown), False


def _play_file(folder: Path) -> dict[str, Any] | None:
    """play.json of a play folder (sim.play), or None."""
    path = folder / PLAY
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ExsimError(f"{path}: cannot be read ({e})") from None
    return data if isinstance(data, dict) else None


def _play_section(
    played: Mapping[str, Any], scenario: Scenario, folder: Folder, names: Labels, lang: Language
) -> dict[str, Any]:
    """The class's choices and the facilitator's overrides (human-set), and where the run landed."""

    _ = lang._
    actions = []
    for a in played.get("actions", []):
        if a.get("action") == "choose":
            choice = names.option(a["id"], a["option"])
            what = _("Decision {id}: {choice}.").format(id=a["id"], choice=choice) + " " + _("[human-set]")
            by = who(str(a.get("by", "class")), a.get("votes") or {}, names, str(a["id"]))
            point = next((d for d in scenario.decision_points if d.id == a["id"]), None)
            if a.get("by") == "vote" and point is not None:
                said, undecided = vote_result(
                    a.get("votes") or {},
                    str(a["option"]),
                    point.default,
                    lang,
                    partial(names.option, point.id),  # an option's words for its id
                )
                if undecided:  # the count beside it does not say why this option was taken
                    what += " " + said
        elif a.get("action") == "override":
            words = override_words(a["kind"], a["target"], a.get("params") or {}, names)
            what = _("Facilitator's override: {what} [human-set].").format(what=words)
            by = _("the facilitator")
        else:
            continue
        wall = wall_clock(a.get("wall", ""))
        actions.append({"clock": names.clock(float(a["t"])), "what": what, "by": by, "wall": wall})
    landed = played.get("placement") or {}
    placed = [Placement.from_dict(d) for d in landed.get("metrics", [])]
    charts = []
    for p in placed:
        spec = folder.specs.get(p.metric)
        unit = names.measure(spec.unit) if spec is not None else ""
        count = spec is not None and spec.kind == "count"
        charts.append(plots.svg(chart(p, names.metric(p.metric, spec), unit, count), lang.num))
    lines = placement_lines(placed, dict(folder.specs), names, lang, bool(landed.get("overrides_left_out")))
    return {"actions": actions, "placement": lines, "charts": charts}


def write(folder: Path, out: Path, lang: Language, rep: int | None = None, point: int = 0) -> Path:

    write_atomic(out, build(folder, lang, rep, point))
    return out


def plot(folder_path: Path, metric: str, out: Path, lang: Language) -> Path:
    """One metric: across a sweep's points with 95 % intervals, or a run's distribution; PNG, SVG or HTML."""

    folder, summaries, _diffs = read(folder_path)
    if metric not in folder.metrics:
        raise ExsimError(f"{folder_path}: {unknown('metric', metric, folder.metrics)}")
    suffix = out.suffix.lower()
    if suffix not in (".png", ".svg", ".html"):
        raise ExsimError(f"-o {out}: write a .png, .svg or .html file")
    names = Labels(stored_scenario(folder_path, 0), lang)
    spec = folder.specs.get(metric)
    title = names.metric(metric, spec)
    if folder.sweep:
        fig = _across_points(folder, summaries, metric, names)
    else:
        unit = names.measure(spec.unit) if spec is not None else ""
        fig = plots.distribution(
            [r[metric] for r in folder.rows[0]], title, unit, rate=spec is not None and spec.kind == "rate"
        )
    if suffix == ".html":
        page = (
            f'<!DOCTYPE html>\n<html lang="{lang.code}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"</head><body>\n<figure>{plots.svg(fig, lang.num)}</figure>\n</body></html>\n"
        )
        write_atomic(out, page)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        plots.save(fig, out, lang.num)
    return out


def wall_clock(stamp: str) -> str:
    """When an action was taken, as the room's clock showed it: ``14:03:27`` (the play's own date is in the
    report's header); the recorded ISO stamp itself where it cannot be read."""
    try:
        return datetime.fromisoformat(stamp).strftime("%H:%M:%S") if stamp else ""
    except ValueError:
        return stamp
