"""Sweep definitions and experimental designs: which design points, with which overrides.

A sweep file names a scenario, factors (dotted paths, as for ``--set``), replications per point and
an output folder. Designs: ``grid`` (every combination), ``list`` (the i-th value of every factor
together) and ``lhs`` (a Latin hypercube over ranges).
"""

from __future__ import annotations

import json
import math
import re
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import Annotated, Any, Literal, overload

import numpy as np
from pydantic import BeforeValidator, Discriminator, Field, Tag, field_validator, model_validator

from sim.config.frozen import Frozen
from sim.config.load import LoadedScenario, validate
from sim.config.yamlsafe import read_file
from sim.errors import ExsimError, Problem, ScenarioError, set_by_note
from sim.experiment.history import ROOT, confined
from sim.experiment.limits import BUDGET, MAX_REPLICATIONS, MAX_TOTAL

Scalar = str | int | float | bool


def _one_value(v: object) -> object:
    """A factor's value: a scalar, or a list of scalars written as YAML ([a, b]), taken as its text "[a, b]" (as
    --set takes it); anything else is one clear error, not one per kind of scalar it is not."""
    if isinstance(v, list) and all(isinstance(x, str | int | float | bool) for x in v):
        return "[" + ", ".join(_flow(x) for x in v) + "]"
    if isinstance(v, list | dict):
        raise ValueError(
            "a value is a number, a word, true/false or a list of them ([medevac-1, medevac-2]), not "
            + ("a list of lists or mappings" if isinstance(v, list) else "a mapping")
        )
    return v


def _flow(x: str | int | float | bool) -> str:
    return ("true" if x else "false") if isinstance(x, bool) else str(x)


Value = Annotated[Scalar, BeforeValidator(_one_value)]
Values = Annotated[list[Value], Field(min_length=1)]


def _factor_form(v: Any) -> str:
    """The short form (a list of values) or the long one (path:, values: or range:)."""
    return "values" if isinstance(v, list) else "factor"


class Range(Frozen):
    """A factor's range for a Latin hypercube design."""

    low: float = Field(description="lowest value (in the unit of the scenario field)", examples=[0.1])
    high: float = Field(description="highest value", examples=[0.6])
    integer: bool = Field(False, description="round each drawn value to a whole number", examples=[True])

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.high <= self.low:
            raise ValueError("high must be above low")
        return self


class Factor(Frozen):
    """A scenario field varied by the sweep: its values (grid, list) or its range (lhs)."""

    path: str = Field(
        min_length=1, description="dotted path of the scenario field, as for --set", examples=["units.ls-1.strength"]
    )
    values: Values | None = Field(None, description="the values (grid and list designs)", examples=[[1, 2, 3]])
    range: Range | None = Field(
        None, description="the range (lhs design)", examples=[{"low": 1, "high": 4, "integer": True}]
    )

    @model_validator(mode="after")
    def _one(self) -> Factor:
        if (self.values is None) == (self.range is None):
            raise ValueError("give values: [...] or range: {low, high}")
        return self


class Precision(Frozen):
    """Sequential stopping: replicate until the metric's 95 % interval is at most ± half_width."""

    metric: str = Field(min_length=1, description="the metric watched", examples=["time_to_secure_h.island"])
    half_width: float = Field(
        gt=0, allow_inf_nan=False, description="wanted half-width of its 95 % interval, in its unit", examples=[0.1]
    )


def folder_name(name: str, what: str) -> str:
    """A sweep's or a study's name, which is also its folder's: letters, digits, spaces and _.- only."""
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_ .-]*", name):
        raise ValueError(f"{what}'s name is also its folder's: use letters, digits, spaces and _.- (no / or ..)")
    return name


def inside_results(out: str | None) -> str | None:
    """A sweep's or a study's ``out:``: a folder under results/, never absolute or climbing out with ``..``."""
    if out is not None and (PurePath(out).is_absolute() or ".." in PurePath(out).parts or not out.strip()):
        raise ValueError("out: is a folder under results/, written without .. or a leading /")
    return out


class SweepSpec(Frozen):
    """A sweep: a scenario, factors varied over design points, and replications at each point."""

    name: str = Field(
        min_length=1,
        max_length=100,
        description="the sweep's name, also its folder's (results/<name>/<date>)",
        examples=["island_landing_ships"],
    )
    description: str = Field(
        "",
        description="one line on what the sweep asks (exsim list shows it)",
        examples=["Two landing ships or three?"],
    )
    scenario: str = Field(
        min_length=1, description="shipped scenario name, or a path relative to this file", examples=["island_retake"]
    )
    replications: int = Field(gt=0, le=MAX_REPLICATIONS, description="replications per design point", examples=[100])
    seed: int | None = Field(None, ge=0, description="base seed (default: the scenario's)", examples=[7])
    out: str | None = Field(
        None, description="output folder under results/ (default: results/<name>/<date>)", examples=["lift"]
    )
    design: Literal["grid", "list", "lhs"] = Field(
        "grid",
        description="grid: every combination; list: the i-th values together; lhs: Latin hypercube over ranges",
        examples=["lhs"],
    )
    points: int | None = Field(None, gt=0, description="number of points of an lhs design", examples=[20])
    factors: dict[
        str, Annotated[Annotated[Values, Tag("values")] | Annotated[Factor, Tag("factor")], Discriminator(_factor_form)]
    ] = Field(
        min_length=1,
        description="factors by name: a dotted path with values or a range, or (short form) a path and its values",
        examples=[{"landing_ships": {"path": "units.ls-1.strength", "values": [1, 2, 3]}}],
    )
    set: list[str] = Field(
        [], description="fixed overrides applied at every point", examples=[["combat.mode=deterministic"]]
    )
    precision: Precision | None = Field(
        None,
        description="optional sequential stopping, per point",
        examples=[{"metric": "time_to_secure_h.island", "half_width": 0.1}],
    )
    max_replications: int | None = Field(
        None,
        gt=0,
        le=MAX_REPLICATIONS,
        description=f"cap with precision (default 10 x replications, at most {MAX_REPLICATIONS:,})",
        examples=[800],
    )

    @model_validator(mode="after")
    def _design(self) -> SweepSpec:
        factors = self.factor_list()
        if any(f.path == "scenario.seed" for _, f in factors):
            raise ValueError(
                "scenario.seed cannot be a factor: every point runs replications 0..n-1 of one base seed (common "
                "random numbers); for other seeds run the sweep again with --seed, or add replications"
            )
        if self.design == "lhs":
            if self.points is None:
                raise ValueError("an lhs design needs points:")
            if any(f.range is None for _, f in factors):
                raise ValueError("an lhs design needs a range: {low, high} for every factor")
        elif any(f.values is None for _, f in factors):
            raise ValueError(f"a {self.design} design needs values: [...] for every factor")
        if self.design == "list" and len({len(f.values or []) for _, f in factors}) > 1:
            raise ValueError("a list design needs the same number of values for every factor")
        return self

    @field_validator("name")
    @classmethod
    def _folder_name(cls, name: str) -> str:
        return folder_name(name, "a sweep")

    @field_validator("out")
    @classmethod
    def _inside_results(cls, out: str | None) -> str | None:
        return inside_results(out)

    def factor_list(self) -> list[tuple[str, Factor]]:
        return [(name, f if isinstance(f, Factor) else Factor(path=name, values=f)) for name, f in self.factors.items()]


@dataclass(frozen=True)
class Point:
    index: int
    settings: tuple[tuple[str, Any], ...]  # (factor name, value) in factor order
    overrides: tuple[str, ...]  # --set strings for this point (fixed ones first)

    @property
    def label(self) -> str:
        """The point's factor settings; a single run's --set overrides (a run budget is not a variant); else
        "baseline"."""
        variant = [o for o in self.overrides if not o.startswith(f"{BUDGET}=")]
        return " ".join(f"{k}={_show(v)}" for k, v in self.settings) or " ".join(variant) or "baseline"


def _show(v: Any) -> str:
    if isinstance(v, str):
        return v
    return json.dumps(v)


class Design(Sequence[Point]):
    """A design's points, each made when it is asked for: a grid of a million points takes no more memory than
    one of ten (an lhs design keeps its drawn columns, 8 bytes a point and factor)."""

    def __init__(self, spec: SweepSpec, combo: Callable[[int], tuple[Any, ...]], n: int):
        self.factors = spec.factor_list()
        self.fixed = tuple(spec.set)
        self._combo = combo
        self._n = n

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> Point: ...
    @overload
    def __getitem__(self, i: slice) -> list[Point]: ...
    def __getitem__(self, i: int | slice) -> Point | list[Point]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._n))]
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(f"point {i} of {self._n}")
        combo = self._combo(i)
        settings = tuple((name, v) for (name, _), v in zip(self.factors, combo, strict=True))
        sets = tuple(f"{f.path}={_show(v)}" for (_, f), v in zip(self.factors, combo, strict=True))
        return Point(i, settings, (*self.fixed, *sets))

    def __iter__(self) -> Iterator[Point]:
        return (self[i] for i in range(self._n))


def expand(spec: SweepSpec, seed: int) -> Design:
    """The design's points, in a fixed order (grid: last factor fastest), made as they are read."""
    values = [f.values or [] for _, f in spec.factor_list()]
    if spec.design == "grid":
        n = math.prod(len(v) for v in values)
        strides = [math.prod(len(v) for v in values[j + 1 :]) for j in range(len(values))]
        _refuse_too_many(n)

        def combo(i: int) -> tuple[Any, ...]:
            return tuple(v[(i // stride) % len(v)] for v, stride in zip(values, strides, strict=True))

        return Design(spec, combo, n)
    if spec.design == "list":
        return Design(spec, lambda i: tuple(v[i] for v in values), len(values[0]))
    _refuse_too_many(spec.points or 1)
    columns = _latin_hypercube(spec.factor_list(), spec.points or 1, seed)
    return Design(spec, lambda i: tuple(c(i) for c in columns), spec.points or 1)


def _refuse_too_many(n: int) -> None:
    if n > MAX_TOTAL:  # one replication a point is already more than a sweep may run
        raise ExsimError(f"the design has {n:,} points: at most {MAX_TOTAL:,} replications in one sweep (fewer values)")


def _latin_hypercube(factors: list[tuple[str, Factor]], n: int, seed: int) -> list[Callable[[int], Any]]:
    """n points, one in each of n equal strata of every factor, strata paired at random (seeded): a column per
    factor, read point by point."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**31 - 1,)))
    columns: list[Callable[[int], Any]] = []
    for _, f in factors:
        r = f.range
        assert r is not None
        u = (rng.permutation(n) + rng.random(n)) / n
        x = r.low + u * (r.high - r.low)
        columns.append(_column(x, r.integer))
    return columns


def _column(x: np.ndarray, integer: bool) -> Callable[[int], Any]:
    return (lambda i: round(x[i])) if integer else (lambda i: float(x[i]))


CHECK_EVERY = 1000  # designs of up to this many points have each point's scenario validated, and kept, at once


class PointScenarios(Sequence[LoadedScenario]):
    """Each point's validated scenario, loaded when it is asked for (the last few kept): a design too big to
    hold every point's scenario at once (more than CHECK_EVERY points)."""

    KEEP = 8

    def __init__(self, scenario_ref: str, points: Sequence[Point], first: LoadedScenario):
        self.ref, self.points, self.first = scenario_ref, points, first
        self._kept: OrderedDict[int, LoadedScenario] = OrderedDict({0: first})

    def __len__(self) -> int:
        return len(self.points)

    @overload
    def __getitem__(self, i: int) -> LoadedScenario: ...
    @overload
    def __getitem__(self, i: slice) -> list[LoadedScenario]: ...
    def __getitem__(self, i: int | slice) -> LoadedScenario | list[LoadedScenario]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = self.points[i].index
        if i not in self._kept:
            from sim.check import load_scenario  # (as in build_sweep)

            self._kept[i] = load_scenario(self.ref, self.points[i].overrides)
            if len(self._kept) > self.KEEP:
                self._kept.popitem(last=False)
        self._kept.move_to_end(i)
        return self._kept[i]

    def __iter__(self) -> Iterator[LoadedScenario]:
        return (self[i] for i in range(len(self)))


@dataclass(frozen=True)
class Sweep:
    """A validated sweep: the spec, where it came from, and every point's validated scenario (a list, or for
    a design of more than CHECK_EVERY points a PointScenarios that loads each when asked)."""

    spec: SweepSpec
    file: str
    seed: int
    points: Sequence[Point]
    scenarios: Sequence[LoadedScenario]

    @property
    def out(self) -> Path | None:
        """The sweep file's own folder (confined under results/), or None for a new dated folder."""

        return confined(ROOT, self.spec.out) if self.spec.out else None


def load_sweep(
    path: Path, replications: int | None = None, seed: int | None = None, extra_set: Sequence[str] = ()
) -> Sweep:
    """Read and validate a sweep file: its schema, and every point's scenario with the point's overrides.

    ``replications``, ``seed`` and ``extra_set`` (overrides after the file's own) come from the command line.
    """
    doc = read_file(path)
    if not isinstance(doc.data, dict):
        raise ScenarioError([Problem(doc.file, 1, 1, "", "a sweep file must be a mapping with sweep:")])
    data = doc.data.get("sweep") if set(doc.data) == {"sweep"} else None
    if not isinstance(data, dict):
        raise ScenarioError([doc.problem(("sweep",), "a sweep file holds one mapping, sweep: {...}")])
    # positions were recorded under ("sweep", ...): validate the inner mapping with a shifted view
    inner = type(doc)(
        data=data, positions={k[1:]: v for k, v in doc.positions.items() if k[:1] == ("sweep",)}, file=doc.file
    )
    spec = validate(SweepSpec, data, inner, {})
    updates = {k: v for k, v in (("replications", replications), ("seed", seed)) if v is not None}
    if updates or extra_set:
        spec = SweepSpec.model_validate({**spec.model_dump(by_alias=True), **updates, "set": [*spec.set, *extra_set]})
    scenario_ref = spec.scenario
    if ("/" in scenario_ref or scenario_ref.endswith((".yaml", ".yml"))) and not Path(scenario_ref).is_absolute():
        scenario_ref = str(path.parent / scenario_ref)
    return build_sweep(spec, scenario_ref, doc.file, lambda key: inner.problem(key, ""))


def build_sweep(spec: SweepSpec, scenario_ref: str, file: str, where: Any) -> Sweep:
    """Expand the points and validate each point's scenario; errors name the sweep file's factor.

    A design of more than CHECK_EVERY points is streamed: every value of every factor is validated (at the
    point where the others take their first values; a list or lhs design's points, CHECK_EVERY of them spread
    evenly), then each point's scenario is loaded, and validated, when it is run. Memory stays flat in the
    number of points."""
    from sim.check import load_scenario  # here: exsim run, which imports this module, reads a cached scenario

    base = load_scenario(scenario_ref, spec.set)
    seed = base.scenario.scenario.seed if spec.seed is None else spec.seed
    points = expand(spec, seed)
    streamed = len(points) > CHECK_EVERY
    scenarios: list[LoadedScenario] = []
    found: dict[tuple[str | None, str], list[tuple[str, str]]] = {}  # (factor, problem) -> (point, as told there)
    for p in (points[i] for i in _checked(spec, points)) if streamed else points:
        try:
            loaded = load_scenario(scenario_ref, p.overrides)
            if not streamed or not scenarios:  # streamed: the first point's only, for the metrics' catalogue
                scenarios.append(loaded)
        except ScenarioError as e:
            for prob in e.problems:
                # a bad path (the --set itself, or a key it made) is the same at every value: told once; a bad
                # value is told for each value
                factor = _factor_of(spec, prob)
                if prob.file.startswith("--set "):
                    same = prob.message
                elif factor is not None and not _about_value(prob, dict(spec.factor_list())[factor].path):
                    same = str(replace(prob, message=prob.message.removesuffix(set_by_note(prob.set_by))))
                else:
                    same = str(prob)
                found.setdefault((factor, same), []).append((p.label, str(prob)))
    if found:
        raise ScenarioError([_at_points(factor, at, where) for (factor, _), at in found.items()])
    return Sweep(
        spec, file, seed, points, PointScenarios(scenario_ref, points, scenarios[0]) if streamed else scenarios
    )


def _checked(spec: SweepSpec, points: Sequence[Point]) -> list[int]:
    """The points validated before a streamed design runs: each value of each factor once (grid), or
    CHECK_EVERY points spread evenly (list, lhs); the first point always."""
    n = len(points)
    if spec.design != "grid":
        return sorted({round(k * (n - 1) / (CHECK_EVERY - 1)) for k in range(CHECK_EVERY)})
    sizes = [len(f.values or []) for _, f in spec.factor_list()]
    strides = [math.prod(sizes[j + 1 :]) for j in range(len(sizes))]
    return sorted({v * stride for size, stride in zip(sizes, strides, strict=True) for v in range(size)})


def _about_value(prob: Problem, path: str) -> bool:
    """Whether ``prob`` is about the value set at ``path`` (its field ends where the path does), not the path."""
    return prob.field.rsplit(".", 1)[-1] == path.rsplit(".", 1)[-1]


def _at_points(factor: str | None, at: list[tuple[str, str]], where: Any) -> Problem:
    """One problem, told once (as at its first point) however many points it was found at."""
    anchor = where(("factors", factor) if factor else ("scenario",))
    (label, told), more = at[0], len(at) - 1
    also = f" and {more} more point{'s' if more > 1 else ''}" if more else ""
    return Problem(
        anchor.file,
        anchor.line,
        anchor.col,
        f"factors.{factor}" if factor else "scenario",
        f"at point {label!r}{also}: {told}",
    )


def _factor_of(spec: SweepSpec, prob: Problem) -> str | None:
    """The factor whose override caused ``prob`` (a bad path, or a value the schema rejects)."""
    for name, f in spec.factor_list():
        tag = f"--set {f.path}="
        if prob.file.startswith(tag) or prob.set_by.startswith(f"{f.path}="):
            return name
    return None
