"""Global sensitivity analysis: which factors drive a metric, by SALib's designs and estimators.

A study names a scenario, factors (dotted paths, as for ``--set``, each a range or a list of levels) and a
method: ``morris`` (elementary effects, for screening: μ*, μ, σ) or ``sobol`` (first-order and total indices
with bootstrap intervals). SALib draws the design in the unit cube; each row becomes a design point (rows that
give the same settings share one point), and the points run as a sweep's do: one plan, the same executors,
store and ``--resume``, replication i with the same seed at every point (common random numbers). A point's
output is the mean of its replications; SALib's estimators turn the outputs into indices (``sim.experiment.indices``;
never hand-written here). SALib is the ``sensitivity`` extra, imported only when a study is drawn or analysed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, ValidationError, field_validator, model_validator

from sim.check.load import load_scenario, load_variants
from sim.config.frozen import Frozen
from sim.config.load import LoadedScenario, validate
from sim.config.yamlsafe import read_file, read_text
from sim.errors import ExsimError, MissingExtra, Problem, ScenarioError
from sim.experiment.design import Factor, Point, Precision, Range, _show, folder_name, inside_results
from sim.experiment.history import ROOT, confined
from sim.experiment.limits import MAX_REPLICATIONS
from sim.experiment.sweep import Plan

FILE = "sensitivity.json"  # the analysis, beside the store
NOISE_GOAL = 0.05  # replication noise at most this share of the variance across points


class StudySpec(Frozen):
    """A sensitivity study: a scenario, factors over ranges or levels, a method, replications at each point."""

    name: str = Field(
        min_length=1, max_length=100, description="the study's name, also its folder's", examples=["birlestik_drivers"]
    )
    description: str = Field("", description="one line on what the study asks", examples=["What drives success?"])
    scenario: str = Field(
        min_length=1, description="shipped scenario name, or a path relative to this file", examples=["birlestik_2024"]
    )
    method: Literal["morris", "sobol"] = Field(
        "sobol",
        description="morris: elementary effects for screening (μ*, σ); sobol: first-order and total indices",
        examples=["morris"],
    )
    samples: int = Field(
        32,
        gt=0,
        le=65_536,
        description="sobol: base samples N (a power of 2; N x (factors + 2) rows); morris: trajectories "
        "(factors + 1 rows each)",
        examples=[64],
    )
    levels: int = Field(4, ge=2, le=64, description="morris: grid levels of each factor (even)", examples=[4])
    replications: int = Field(10, gt=0, le=MAX_REPLICATIONS, description="replications per design point", examples=[20])
    seed: int | None = Field(None, ge=0, description="base seed (default: the scenario's)", examples=[7])
    out: str | None = Field(None, description="output folder under results/", examples=["drivers"])
    factors: dict[str, Factor] = Field(
        min_length=2,
        description="factors by name: a dotted path with a range {low, high[, integer]} or values (levels, each "
        "equally likely)",
        examples=[{"landing_ships": {"path": "units.ls-1.strength", "range": {"low": 1, "high": 3, "integer": True}}}],
    )
    metrics: list[str] = Field(
        [], description="metrics analysed (default: mission_success and the headline metrics)", examples=[["killed"]]
    )
    set: list[str] = Field(
        [], description="fixed overrides applied at every point", examples=[["combat.mode=lanchester"]]
    )
    precision: Precision | None = Field(None, description="optional sequential stopping, per point")
    max_replications: int | None = Field(None, gt=0, le=MAX_REPLICATIONS, description="cap with precision")
    confidence: float = Field(0.95, gt=0.5, lt=1, description="level of the bootstrap intervals", examples=[0.9])
    resamples: int = Field(1000, ge=50, le=100_000, description="bootstrap resamples", examples=[500])

    @model_validator(mode="after")
    def _factors(self) -> StudySpec:
        if any(f.path == "scenario.seed" for f in self.factors.values()):
            raise ValueError("scenario.seed cannot be a factor: every point runs replications 0..n-1 of one seed")
        if self.method == "morris" and self.levels % 2:
            raise ValueError("morris needs an even number of levels")
        if self.method == "sobol" and self.samples & (self.samples - 1):
            raise ValueError("sobol samples: a power of 2 (8, 16, 32, 64 ...): Sobol' sequences balance only then")
        return self

    @field_validator("name")
    @classmethod
    def _folder_name(cls, name: str) -> str:
        return folder_name(name, "a study")

    @field_validator("out")
    @classmethod
    def _inside_results(cls, out: str | None) -> str | None:
        return inside_results(out)


@dataclass(frozen=True)
class Study:
    """A drawn study: its spec, the design in the unit cube, each row's point, and the plan that runs them."""

    spec: StudySpec
    unit: np.ndarray  # rows x factors, in [0, 1]
    rows: tuple[int, ...]  # each row's point
    plan: Plan

    @property
    def out(self) -> Path | None:
        return confined(ROOT, self.spec.out) if self.spec.out else None

    def problem(self) -> dict[str, Any]:
        """SALib's problem: the factors, each over the unit interval (μ* reads as the effect of its whole range)."""
        names = list(self.spec.factors)
        return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def salib() -> Any:
    """SALib's samplers and analysers (the sensitivity extra)."""
    try:
        from SALib.analyze import morris as analyze_morris  # the sensitivity extra: imported when used
        from SALib.analyze import sobol as analyze_sobol  # (as above)
        from SALib.sample import morris as sample_morris  # (as above)
        from SALib.sample import sobol as sample_sobol  # (as above)
    except ImportError:
        raise MissingExtra("exsim sensitivity", "sensitivity", ["SALib"]) from None
    return analyze_morris, analyze_sobol, sample_morris, sample_sobol


def value_at(f: Factor, u: float) -> Any:
    """The factor's value at ``u`` in [0, 1]: a range scaled (whole numbers equally likely with ``integer``), or
    the level whose equal share of the interval holds u."""
    if f.values is not None:
        return f.values[min(int(u * len(f.values)), len(f.values) - 1)]
    r: Range = f.range  # type: ignore[assignment]  # a Factor has values or a range
    if r.integer:
        low, high = math.ceil(r.low), math.floor(r.high)
        return int(min(low + math.floor(u * (high - low + 1)), high))
    return float(r.low + u * (r.high - r.low))


def draw(spec: StudySpec, seed: int) -> np.ndarray:
    """SALib's design in the unit cube: a Sobol' sequence (Saltelli's scheme, no second order) or Morris
    trajectories; seeded, so a resumed study draws the same rows."""
    _, _, sample_morris, sample_sobol = salib()
    names = list(spec.factors)
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    if spec.method == "sobol":
        return np.asarray(sample_sobol.sample(problem, spec.samples, calc_second_order=False, seed=seed))
    return np.asarray(sample_morris.sample(problem, spec.samples, num_levels=spec.levels, seed=seed))


def build(
    spec: StudySpec,
    scenario_ref: str,
    seed: int | None = None,
    precision: tuple[str, float] | None = None,
    max_replications: int | None = None,
) -> Study:
    """Draw the design, make each distinct row a point, and validate every point's scenario (files read once)."""
    base = load_scenario(scenario_ref, spec.set)
    if seed is None:
        seed = base.scenario.scenario.seed if spec.seed is None else spec.seed
    unit = draw(spec, seed)
    factors = list(spec.factors.items())
    points: list[Point] = []
    index: dict[tuple[str, ...], int] = {}
    rows = []
    for u in unit:
        values = [value_at(f, float(x)) for (_, f), x in zip(factors, u, strict=True)]
        sets = tuple(f"{f.path}={_show(v)}" for (_, f), v in zip(factors, values, strict=True))
        if sets not in index:
            index[sets] = len(points)
            settings = tuple((name, v) for (name, _), v in zip(factors, values, strict=True))
            points.append(Point(len(points), settings, (*spec.set, *sets)))
        rows.append(index[sets])
    scenarios = _scenarios(scenario_ref, spec, points)
    # what decides the replications (not the metrics analysed, nor the bootstrap): the same runs, resumable
    dumped = spec.model_dump(mode="json", by_alias=True, exclude={"metrics", "confidence", "resamples"})
    plan = Plan(
        spec.name,
        points,
        scenarios,
        spec.replications,
        seed,
        {"sensitivity": dumped},
        precision or ((spec.precision.metric, spec.precision.half_width) if spec.precision else None),
        max_replications or spec.max_replications,
        kind="sensitivity",
    )
    return Study(spec, unit, tuple(rows), plan)


def _scenarios(ref: str, spec: StudySpec, points: list[Point]) -> list[LoadedScenario]:
    """Each point's validated scenario (the files read once); a problem is told at the first point with it."""
    fixed = len(spec.set)
    out: list[LoadedScenario] = []
    try:
        out.extend(load_variants(ref, spec.set, [p.overrides[fixed:] for p in points]))
    except ScenarioError as e:
        at = points[len(out)]
        raise ScenarioError([_at(prob, at) for prob in e.problems]) from None
    return out


def _at(prob: Problem, point: Point) -> Problem:
    return Problem(prob.file, prob.line, prob.col, prob.field, f"at point {point.label!r}: {prob.message}")


# --- what the user asks for: a study file, or a scenario with --factor ----------------------------------------


def study_file(source: str) -> Path | None:
    """SOURCE as a study file: a file whose first key is ``sensitivity:``."""
    p = Path(source)
    if not p.is_file():
        return None
    try:
        with p.open("rb") as f:
            head = f.read(4000).decode("utf-8", errors="replace")
    except OSError:
        return None
    return p if any(line.startswith("sensitivity:") for line in head.splitlines()) else None


def load_study_spec(path: Path, updates: dict[str, Any]) -> tuple[StudySpec, str]:
    """A study file's spec (with the command line's ``updates``) and its scenario as a reference to load."""
    doc = read_file(path)
    data = doc.data.get("sensitivity") if isinstance(doc.data, dict) and set(doc.data) == {"sensitivity"} else None
    if not isinstance(data, dict):
        raise ScenarioError([Problem(doc.file, 1, 1, "", "a study file holds one mapping, sensitivity: {...}")])
    inner = type(doc)(
        data=data, positions={k[1:]: v for k, v in doc.positions.items() if k[:1] == ("sensitivity",)}, file=doc.file
    )
    spec = validate(StudySpec, data, inner, {})
    if updates:
        extra = updates.pop("set", [])
        spec = StudySpec.model_validate({**spec.model_dump(by_alias=True), **updates, "set": [*spec.set, *extra]})
    ref = spec.scenario
    if ("/" in ref or ref.endswith((".yaml", ".yml"))) and not Path(ref).is_absolute():
        ref = str(path.parent / ref)
    return spec, ref


def parse_factor(text: str) -> tuple[str, Factor]:
    """``--factor PATH=LOW:HIGH`` (a range; whole numbers when both ends are) or ``PATH=A,B,...`` (levels)."""
    path, sep, rest = text.partition("=")
    path, rest = path.strip(), rest.strip()
    if not sep or not path or not rest:
        raise ExsimError(f"--factor {text}: expected PATH=LOW:HIGH or PATH=A,B,...")
    try:
        if ":" in rest and "," not in rest:
            low, high = (read_text(x.strip(), f"--factor {text}").data for x in rest.split(":", 1))
            if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in (low, high)):
                raise ExsimError(f"--factor {text}: LOW:HIGH are numbers")
            integer = isinstance(low, int) and isinstance(high, int)
            return path, Factor(path=path, range=Range(low=low, high=high, integer=integer))
        values = [read_text(v.strip(), f"--factor {text}").data for v in rest.split(",")]
    except ScenarioError as e:
        raise ExsimError(f"--factor {text}: {e.problems[0].message}") from None
    except ValueError as e:  # pydantic's: a range whose high is not above its low
        raise ExsimError(f"--factor {text}: {str(e).splitlines()[-2].strip()}") from None
    if len(values) < 2 or any(v is None or isinstance(v, dict | list) for v in values):
        raise ExsimError(f"--factor {text}: give two or more plain values A,B,... (or a range LOW:HIGH)")
    return path, Factor(path=path, values=values)


def asked_study(
    source: str,
    factors: Sequence[str] = (),
    *,
    method: str | None = None,
    samples: int | None = None,
    replications: int | None = None,
    seed: int | None = None,
    overrides: Sequence[str] = (),
    metrics: Sequence[str] = (),
    precision: tuple[str, float] | None = None,
    max_replications: int | None = None,
) -> Study:
    """The study SOURCE names (a study file), or a scenario with ``factors``; command-line values win."""
    given: dict[str, Any] = {
        k: v
        for k, v in (("method", method), ("samples", samples), ("replications", replications), ("seed", seed))
        if v is not None
    }
    if metrics:
        given["metrics"] = list(metrics)
    file = study_file(source)
    if file is not None:
        if factors:
            raise ExsimError("--factor goes with a scenario; a study file lists its own factors")
        spec, ref = load_study_spec(file, {**given, **({"set": list(overrides)} if overrides else {})})
    else:
        if not factors:
            raise ExsimError("give two or more --factor PATH=LOW:HIGH or PATH=A,B,... (or a study file)")
        try:
            spec = StudySpec.model_validate(
                {
                    "name": re.sub(r"[^A-Za-z0-9_]+", "_", Path(source).stem) + "_sensitivity",
                    "scenario": source,
                    "factors": {name: f for name, f in map(parse_factor, factors)},
                    "set": list(overrides),
                    **given,
                }
            )
        except ValidationError as e:
            raise ExsimError(f"exsim sensitivity: {e.errors()[0]['msg'].removeprefix('Value error, ')}") from None
        ref = source
    if max_replications and not (precision or spec.precision):
        raise ExsimError("--max-reps caps --precision: give --precision METRIC=HALF_WIDTH too (or neither)")
    return build(spec, ref, seed, precision, max_replications)
