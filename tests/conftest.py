"""Shared fixtures: a minimal scenario written on the fly, and helpers to load and run it."""

from __future__ import annotations

import os
import sqlite3
import textwrap
from pathlib import Path
from typing import Any

import pytest

from sim.check import load_scenario
from sim.config.yamlsafe import dotted  # noqa: F401  (re-exported for tests)

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")  # .ci/run installs the Debian package when it is missing

# A browser test skips, saying why (pytest -ra prints it), where Debian's chromium is missing; in CI (CI=true)
# it runs anyway and fails, so that a missing browser never passes CI silently.
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium; .ci/run installs it)",
)
# what `exsim run --trace` writes into its folder
RUN_FILES = [
    "events.jsonl",
    "manifest.json",
    "replications.csv",
    "results.sqlite",
    "scenario.json",
    "summary.json",
    "traces",
]

# A duel on an open objective: one attacking and one defending unit, nothing else in the way.
DUEL = """\
scenario: {{name: duel, duration: {duration}, seed: 1}}
unit_types:
  blue_inf: {{strength: {a0}, kill_rate_per_h: {ka_h}, speed_kmh: {{land: 6}}}}
  red_inf:  {{strength: {b0}, kill_rate_per_h: {kb_h}}}
map:
  places:
    start: {{kind: training_area, lat: 43.5, lon: 51.3}}
    hill:  {{kind: objective, lat: 43.51, lon: 51.3, defence: open}}
  routes:
    - {{from: start, to: hill, mode: land, distance_km: 3}}
sides:
  blue: {{break_fraction: {fa}}}
  red:  {{break_fraction: {fb}}}
units:
  - {{id: b1, type: blue_inf, side: blue, at: start}}
  - {{id: r1, type: red_inf,  side: red,  at: hill}}
phases:
  - id: attack
    orders: [{{unit: b1, do: assault, target: hill}}]
combat: {{law: {law}, mode: {mode}, suppression_factor: 1.0}}
objectives:
  - {{id: take_hill, kind: secure, place: hill}}
"""


def count_replications(db: Path) -> int:
    """Replications committed so far to the store ``db`` (0 while it does not exist yet)."""
    try:
        con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=5)  # never creates it
        try:
            return con.execute("SELECT COUNT(*) FROM replications").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def duel_yaml(
    a0: int = 10,
    b0: int = 8,
    ka_h: float = 6.0,
    kb_h: float = 3.0,
    fa: float = 0.0,
    fb: float = 0.0,
    law: str = "square",
    mode: str = "stochastic",
    duration: str = "48h",
) -> str:
    return DUEL.format(a0=a0, b0=b0, ka_h=ka_h, kb_h=kb_h, fa=fa, fb=fb, law=law, mode=mode, duration=duration)


@pytest.fixture
def write(tmp_path: Path):
    """write(text, name) -> path of a YAML file in a fresh folder."""

    def _write(text: str, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def load(write):
    """load(text, *overrides) -> validated Scenario."""

    def _load(text: str, *overrides: str) -> Any:
        return load_scenario(write(text), overrides).scenario

    return _load


@pytest.fixture(scope="session")
def island():
    return load_scenario(REPO / "scenarios" / "island_retake.yaml").scenario


@pytest.fixture(scope="session", autouse=True)
def _own_scenario_cache(tmp_path_factory):
    """exsim run keeps validated scenarios between runs (sim/check/cache.py): the tests keep theirs apart from
    the user's, in a folder of the session (the commands the tests start inherit it)."""
    before = os.environ.get("EXSIM_CACHE_DIR")
    os.environ["EXSIM_CACHE_DIR"] = str(tmp_path_factory.mktemp("scenario-cache"))
    yield
    if before is None:
        del os.environ["EXSIM_CACHE_DIR"]
    else:
        os.environ["EXSIM_CACHE_DIR"] = before


@pytest.fixture(autouse=True)
def _bugs_are_loud(monkeypatch):
    """A bug reached through the CLI propagates with its traceback instead of the short report users see."""
    monkeypatch.setenv("EXSIM_DEBUG", "1")


def table(rows, metrics) -> list[tuple[Any, ...]]:
    """Rows as comparable tuples (timings left out): for checking that two runs agree."""
    return [(r["point"], r["replication"], r["seed"], r["error"], *(r[m] for m in metrics)) for r in rows]
