"""The model contract: a registry the runner iterates, declared metrics that match what is computed,
an engine that knows no model, and model-owned scenario sections."""

from __future__ import annotations

import ast
import csv
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.check import load_scenario
from sim.cli import main
from sim.config.schema import Scenario
from sim.engine.bus import OrderIssued
from sim.experiment import run_replication
from sim.models import combat, registry
from sim.models.catalogue import catalogue
from sim.models.contract import Better, Kind, MetricSpec
from tests.conftest import REPO


def toy_model(*, declare_extra: bool = False, compute_extra: bool = False) -> types.ModuleType:
    """A model written in a test: it counts the orders issued to each side."""
    mod = types.ModuleType("toy_orders")
    mod.NAME = "toy_orders"
    mod.SECTIONS = ()

    class Counts(dict):
        pass

    def install(world):
        counts = Counts()
        world.services.provide(counts)
        world.bus.subscribe(OrderIssued, lambda ev: counts.__setitem__(ev.unit.side, counts.get(ev.unit.side, 0) + 1))

    def declare(s):
        specs = [
            MetricSpec(f"orders_issued.{side}", Kind.COUNT, "orders", Better.NEITHER, f"orders issued ({side})", side)
            for side in s.sides
        ]
        return specs + (
            [MetricSpec("ghost", Kind.COUNT, "", Better.NEITHER, "never computed")] if declare_extra else []
        )

    def metrics(world):
        counts = world.services.get(Counts)
        m = {f"orders_issued.{side}": float(counts.get(side, 0)) for side in world.scenario.sides}
        return m | ({"stray": 1.0} if compute_extra else {})

    mod.install, mod.declare, mod.metrics = install, declare, metrics
    return mod


def register(monkeypatch, model):
    """Add ``model`` to the registry, with its metric families (CONTRIBUTING.md, step 3)."""
    monkeypatch.setattr(registry, "MODELS", (*registry.MODELS, model))
    monkeypatch.setattr(registry, "METRICS", {**registry.METRICS, model.NAME: frozenset({"orders_issued", "ghost"})})


def test_a_model_registered_in_a_test_reaches_the_csv_and_compare(tmp_path, monkeypatch):
    register(monkeypatch, toy_model())
    folders = []
    for ships in (1, 2):
        out = tmp_path / f"ships{ships}"
        # serial: worker processes import the registry afresh and would not see the test's model
        args = ["run", "island_retake", "--reps", "3", "--executor", "serial", "--out", str(out)]
        args += ["--set", f"units.ls-1.strength={ships}"]
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 0, r.output + r.stderr
        folders.append(out)
        rows = list(csv.DictReader((out / "replications.csv").read_text().splitlines()))
        # the island retake's phases give the coalition 7 orders (lift, 2 sorties orders, 3 assaults, defend…)
        issued = {int(float(r["orders_issued.coalition"])) for r in rows}
        assert len(issued) == 1 and issued.pop() > 0
    r = CliRunner(env={"COLUMNS": "200"}).invoke(
        main, ["compare", *map(str, folders), "--metric", "orders_issued.coalition"]
    )
    assert r.exit_code == 0, r.output + r.stderr
    assert "orders_issued.coalition" in r.output


def test_a_declared_metric_that_is_never_computed_is_a_bug(monkeypatch):
    s = load_scenario("island_retake").scenario
    register(monkeypatch, toy_model(declare_extra=True))
    with pytest.raises(RuntimeError, match="missing \\['ghost'\\]"):
        run_replication(s, 1)


def test_a_computed_metric_that_is_not_declared_is_a_bug(monkeypatch):
    s = load_scenario("island_retake").scenario
    register(monkeypatch, toy_model(compute_extra=True))
    with pytest.raises(RuntimeError, match="undeclared \\['stray'\\]"):
        run_replication(s, 1)


@pytest.mark.parametrize("name", ["island_retake", "trans_caspian_logistics", "medical_chain", "birlestik_2024"])
def test_every_shipped_scenario_reports_exactly_its_catalogue(name):
    s = load_scenario(name).scenario
    cat = catalogue(s)
    m = run_replication(s, 3, 0).metrics
    assert list(m) == cat.names  # the runner raises otherwise; this pins the order too
    for spec in cat:
        assert spec.unit or spec.kind.bounded, f"{spec.name} has no unit"
        assert spec.description, f"{spec.name} has no description"
        assert spec.side is None or spec.side in s.sides


def test_every_scenario_section_belongs_to_one_model_or_the_core():
    core = {
        "scenario",
        "catalog",
        "unit_types",
        "map",
        "sides",
        "units",
        "phases",
        "objectives",
        "closures",
        "analysis",
    }
    owned = [sec for m in registry.MODELS for sec in m.SECTIONS]
    assert len(owned) == len(set(owned)), "a section claimed by two models"
    assert set(Scenario.model_fields) == core | set(owned)
    assert not core & set(owned)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_engine_knows_no_model_and_no_model_vocabulary():
    for path in (REPO / "sim" / "engine").glob("*.py"):
        assert not {n for n in _imports(path) if n.startswith("sim.models")}, path
        text = path.read_text()
        for word in ("sorties", "activity", "services[", "supply_draw", "kill_factor"):
            assert word not in text, f"{path.name} mentions {word!r}"


def test_logistics_does_not_import_supply_lines():
    """Supply lines build on logistics, not the other way round (no import cycle)."""
    assert not {n for n in _imports(REPO / "sim" / "models" / "logistics.py") if "supply_lines" in n}


def test_unit_state_is_an_enum_and_signals_are_typed():
    from sim.engine.signals import Secured
    from sim.engine.units import UnitState
    from sim.experiment import build_world

    world = build_world(load_scenario("island_retake").scenario, 1)
    world.run()
    assert all(isinstance(u.state, UnitState) for u in world.units.values())
    assert world.holds(Secured("island")) and all(not isinstance(k, str) for k in world.signal_times)


def test_rates_are_converted_once_at_the_schema():
    """Models read rates per minute (``*_per_min``); none converts a rate written per hour or per day."""
    for path in (REPO / "sim" / "models").glob("*.py"):
        text = path.read_text()
        for raw in ("kill_rate_per_h", "per_person_day", "arrivals_per_day", "dnbi_per_1000_per_day", "1440"):
            assert raw not in text, f"{path.name} converts {raw} itself"
    s = load_scenario("medical_chain").scenario
    t = s.unit_types["marine_infantry_company"]
    assert t.kill_rate_per_min == pytest.approx(t.kill_rate_per_h / 60)
    assert s.logistics.per_person_per_min["water"] == pytest.approx(s.logistics.per_person_day["water"] / 1440)


def test_a_trigger_finds_its_metric_s_model_once_a_scenario_not_once_a_replication(monkeypatch):
    """Which model declares a trigger's metric depends on the scenario only: asking every model's ``declare``
    again in each replication cost the flagship about a millisecond a replication (issue 27)."""
    loaded = load_scenario(REPO / "scenarios" / "birlestik_2024.yaml")
    calls = []
    real = combat.declare
    monkeypatch.setattr(combat, "declare", lambda s: calls.append(s) or real(s))
    first = run_replication(loaded.scenario, 1, 0)
    after_one = len(calls)
    again = [run_replication(loaded.scenario, 1, i) for i in (0, 1, 2)]
    assert after_one >= 1 and len(calls) == after_one  # heavy_losses watches killed.coalition: combat's
    assert again[0].metrics == first.metrics  # and the replication is the same
