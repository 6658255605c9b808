"""A sweep as its user asks for it — a sweep file (or a shipped sweep's name), or a scenario with
``--vary`` factors — with the replications, seed, overrides and sequential stopping given beside it,
made into a validated sweep and its plan. ``exsim sweep`` parses its options, calls ``sweep_plan`` and
prints; the same call works from Python.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from sim.config.locate import locate, shipped
from sim.config.yamlsafe import read_text
from sim.errors import ExsimError, Problem, ScenarioError
from sim.experiment.design import Sweep, SweepSpec, build_sweep, load_sweep
from sim.experiment.history import slug
from sim.experiment.sweep import Plan


def sweep_plan(
    source: str,
    vary: Sequence[str] = (),
    *,
    design: str = "grid",
    replications: int | None = None,
    seed: int | None = None,
    overrides: Sequence[str] = (),
    precision: str | None = None,
    max_replications: int | None = None,
) -> tuple[Sweep, Plan]:
    """The sweep SOURCE names, and its plan.

    SOURCE is a sweep file or a shipped sweep's name (then ``vary`` must be empty), or a scenario with
    ``vary`` factors (``PATH=V1,V2,...``) combined by ``design`` (grid or list). ``replications`` and
    ``seed`` replace the sweep file's; ``overrides`` come after its own; ``precision``
    (``METRIC=HALF_WIDTH``) and ``max_replications`` turn on sequential stopping.
    """
    sweep = asked_sweep(source, vary, design=design, replications=replications, seed=seed, overrides=overrides)
    plan = Plan.from_sweep(sweep)
    if precision or max_replications:
        plan = dataclasses.replace(
            plan,
            precision=parse_precision(precision) if precision else plan.precision,
            max_replications=max_replications or plan.max_replications,
        )
    if max_replications and plan.precision is None:
        raise ExsimError("--max-reps caps --precision: give --precision METRIC=HALF_WIDTH too (or neither)")
    return sweep, plan


def asked_sweep(
    source: str,
    vary: Sequence[str] = (),
    *,
    design: str = "grid",
    replications: int | None = None,
    seed: int | None = None,
    overrides: Sequence[str] = (),
) -> Sweep:
    """The validated sweep of a sweep file, or of a scenario and its ``--vary`` factors."""
    file = sweep_file(source)
    if file is not None:
        if vary:
            raise ExsimError("--vary goes with a scenario; a sweep file lists its own factors")
        return load_sweep(file, replications, seed, overrides)
    if not vary:
        if source not in shipped("scenario") and not Path(source).is_file():
            locate(source, "sweep")  # says which sweeps are shipped, and "did you mean"
        raise ExsimError("give --vary PATH=V1,V2,... (or a sweep file, or the name of a shipped sweep)")
    factors = dict(parse_vary(v) for v in vary)
    try:
        spec = SweepSpec.model_validate(
            {
                "name": slug(Path(source).stem) + "_sweep",
                "scenario": source,
                "replications": replications or 20,
                "seed": seed,
                "design": design,
                "factors": factors,
                "set": list(overrides),
            }
        )
    except ValidationError as e:  # parse_vary lets only plain, finite values through: this is a backstop
        raise ExsimError(f"--vary: {e.errors()[0]['msg'].removeprefix('Value error, ')}") from None
    return build_sweep(spec, source, "--vary", _command_line)


def sweep_file(source: str) -> Path | None:
    """SOURCE as a sweep file: a file that starts with ``sweep:``, or the name of a shipped sweep."""
    p = Path(source)
    if not p.is_file():
        return shipped("sweep").get(source)
    try:
        with p.open("rb") as f:
            head = f.read(4000).decode("utf-8", errors="replace")
    except OSError:
        return None
    return p if any(line.startswith("sweep:") for line in head.splitlines()) else None


def parse_precision(text: str) -> tuple[str, float]:
    """``--precision METRIC=HALF_WIDTH``: the metric and a positive, finite half-width."""
    metric, sep, value = text.partition("=")
    try:
        half_width = float(value)
    except ValueError:
        half_width = -1.0
    if not sep or not metric or not 0 < half_width < math.inf:
        raise ExsimError(f"--precision {text}: expected METRIC=HALF_WIDTH, e.g. time_to_secure_h.island=0.1")
    return metric, half_width


def parse_vary(text: str) -> tuple[str, list[object]]:
    """``--vary PATH=V1,V2,...``: the path and its values, each a plain YAML scalar (a number, word, true/false)."""
    path, sep, values = text.partition("=")
    if not sep or not path.strip() or not values.strip():
        raise ExsimError(f"--vary {text}: expected PATH=V1,V2,...")
    return path.strip(), [_plain_value(v.strip(), i, text) for i, v in enumerate(values.split(","), 1)]


def _plain_value(v: str, i: int, text: str) -> object:
    """The i-th value of ``--vary TEXT``, read as YAML and refused unless a plain, finite scalar."""
    try:
        value = read_text(v, f"--vary {text}").data
    except ScenarioError:
        value = None  # YAML that is not a plain value, e.g. half a list
    if isinstance(value, float) and not math.isfinite(value):
        raise ExsimError(f"--vary {text}: value {i} ({v!r}) is not a finite number")
    if isinstance(value, dict | list) or value is None or v == "":
        raise ExsimError(
            f"--vary {text}: value {i} ({v!r}) is not a plain number, word or true/false; "
            "expected PATH=V1,V2,... (a sweep file can give lists)"
        )
    return value


def _command_line(key: tuple[object, ...]) -> Problem:
    """Where a problem with a factor given on the command line is reported."""
    return Problem("command line", 0, 0, "", "")
