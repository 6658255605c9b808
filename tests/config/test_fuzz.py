"""Fuzzing the shipped scenarios (hypothesis): delete keys and list items, change types, put extreme
numbers anywhere. `check` and a one-replication `run` must keep the hostile corpus's promises for every
mutant: exit 0 or 2 in time, no traceback, nothing written outside the output folder."""

from __future__ import annotations

import copy
import io
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from sim.config.locate import shipped
from sim.config.yamlsafe import read_file
from tests.cli.test_hostile import invoke
from tests.cli.test_text_is_text import HOSTILE_TEXTS, TEXT_KEYS, terminal_safe

SHIPPED = {name: read_file(path).data for name, path in sorted(shipped("scenario").items())}
EXAMPLES = int(os.environ.get("EXSIM_FUZZ_EXAMPLES", "60"))  # ~25 s in CI; more for a deeper local run

EXTREME: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    1,
    2**63,
    -(2**63),
    10**30,
    0.0,
    -0.0,
    1e-300,
    1e308,
    -1e308,
    math.inf,
    -math.inf,
    math.nan,
    "",
    "x",
    "[/bold]",
    "1e308h",
    "H+99999999h",
    "D+1 25:00",
    [],
    {},
    [None],
    {"": None},
    *HOSTILE_TEXTS.values(),  # control characters, bidi, TeX and formula-leading strings, anywhere
]


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value in ``node``, depth first."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            found += paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found += paths(v, (*prefix, i))
    return found


def mutate(data: Any, path: tuple, action: str, value: Any) -> None:
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    if action == "delete":
        del parent[key]
    elif action == "scale" and isinstance(parent[key], int | float) and not isinstance(parent[key], bool):
        parent[key] = parent[key] * value if isinstance(value, int | float) else parent[key]
    else:
        parent[key] = value


@st.composite
def mutants(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(sorted(SHIPPED)))
    data = YAML(typ="safe", pure=True).load(dump(SHIPPED[name]))  # a deep copy
    for _ in range(draw(st.integers(1, 4))):
        candidates = paths(data)
        if not candidates:
            break
        path = candidates[draw(st.integers(0, len(candidates) - 1))]
        action = draw(st.sampled_from(["delete", "replace", "scale", "text"]))
        if action == "text":  # a hostile text in a text field (names, descriptions, messages, questions)
            texts = [p for p in candidates if p[-1] in TEXT_KEYS]
            if not texts:
                continue
            path = texts[draw(st.integers(0, len(texts) - 1))]
            value = draw(st.sampled_from(sorted(HOSTILE_TEXTS.values())))
            action = "replace"
        else:
            value = draw(st.sampled_from(EXTREME) if action == "replace" else st.sampled_from([0, -1, 1e6, 1e-6, 1e30]))
        mutate(data, path, action, copy.deepcopy(value))  # never share (and later mutate) an EXTREME value
    return name, dump(data)


def dump(data: Any) -> str:
    buf = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, buf)
    return buf.getvalue()


@pytest.mark.slow
@settings(
    max_examples=EXAMPLES,
    deadline=None,  # each example is bounded by test_hostile's time limit instead
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutants())
def test_mutated_shipped_scenarios_keep_the_promises(mutant):
    name, text = mutant
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        scenario = work / f"{name}.yaml"
        scenario.write_text(text, encoding="utf-8")
        checked = invoke(["check", str(scenario)], work)
        assert checked.exit_code in (0, 2), checked.output
        terminal_safe(checked.output)
        ran = invoke(["run", str(scenario), "--reps", "1", "--out", "out", "--max-events", "2000000", "-q"], work)
        assert ran.exit_code in (0, 2), ran.output
        terminal_safe(ran.output)
        if checked.exit_code == 2:
            assert ran.exit_code == 2, "run refuses what check refuses"
