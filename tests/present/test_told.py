"""Every kind of record a model can write reaches the story: a family tells it, or declares it silent with
the reason. The kinds come from the models' declaration (sim.models.registry.EVENTS), which is checked in
turn against the code (every ``emit`` of a literal kind) and against what the shipped scenarios write."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sim.check import load_scenario
from sim.config.locate import shipped
from sim.experiment.replay import trace
from sim.models.registry import EVENTS, MODELS
from sim.present import families
from sim.present.families import ELSEWHERE, FAMILIES, SILENT, TOLD
from sim.present.family import Family, Teller, tells
from sim.present.i18n import language
from sim.present.story import Narrator
from tests.conftest import REPO

DECLARED = frozenset().union(*EVENTS.values())


def test_every_kind_a_model_declares_is_told_or_declared_silent():
    untold = sorted(k for k in DECLARED if k not in TOLD and k not in SILENT)
    assert not untold, (
        f"event kinds no family tells: {untold}; add a @tells method to the family of its model in "
        "sim/present/families/, or declare it in that family's silent={kind: reason}"
    )


def test_every_silent_kind_says_why():
    for f in FAMILIES:
        for kind, why in f.silent.items():
            assert len(why) > 20, f"{f.name}: {kind!r} is silent without a reason"


def test_every_told_or_silent_kind_is_written_by_a_model_or_named_as_written_elsewhere():
    """A family cannot tell a kind no one writes (a typo in @tells would otherwise go unnoticed)."""
    stray = sorted(k for k in [*TOLD, *SILENT] if k not in DECLARED and k not in ELSEWHERE)
    assert not stray


def test_every_model_has_its_line_in_the_declaration():
    assert {m.NAME for m in MODELS} | {"engine"} == set(EVENTS)


def _emitted_in_source() -> dict[str, set[str]]:
    """File -> the literal kinds its ``emit`` calls write. A kind passed in (``emit(outcome, …)`` inside
    ``def _end(self, c, outcome)``) is found at the calls of that function in the same file."""
    found: dict[str, set[str]] = {}
    for path in sorted((REPO / "sim" / "models").glob("*.py")) + sorted((REPO / "sim" / "engine").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        kinds: set[str] = set()
        passed: list[tuple[str, int]] = []  # (function, position of the parameter holding the kind)
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            params = [a.arg for a in fn.args.args]
            for call in ast.walk(fn):
                if not (isinstance(call, ast.Call) and _name(call.func) == "emit" and call.args):
                    continue
                arg = call.args[0]
                if isinstance(arg, ast.Name) and arg.id in params and fn.name != "emit":
                    passed.append((fn.name, params.index(arg.id) - (1 if params[0] == "self" else 0)))
                else:
                    kinds |= _literals(arg)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for fname, pos in passed:
                    if _name(node.func) == fname and len(node.args) > pos:
                        kinds |= _literals(node.args[pos])
        if kinds:
            found[str(path.relative_to(REPO))] = kinds
    return found


def _name(func: ast.expr) -> str | None:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None


def _literals(node: ast.expr) -> set[str]:
    """The string constants an expression can be: "a", or "a" if x else "b"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _literals(node.body) | _literals(node.orelse)
    return set()


def test_the_declaration_holds_every_kind_the_code_emits():
    found = _emitted_in_source()
    assert "died_of_wounds" in found["sim/models/medical.py"]  # the kinds passed through medical's _end
    undeclared = {f: sorted(k - DECLARED) for f, k in found.items() if k - DECLARED}
    assert not undeclared, f"emitted but not declared in sim.models.registry.EVENTS: {undeclared}"
    stale = sorted(DECLARED - set().union(*found.values()))
    assert not stale, f"declared in sim.models.registry.EVENTS but emitted nowhere: {stale}"


@pytest.mark.parametrize("name", sorted(shipped("scenario")))
def test_every_kind_a_shipped_scenario_writes_is_declared_and_reaches_the_story(name):
    s = load_scenario(name).scenario
    written = {e["kind"] for rep in (0, 1) for e in trace(s, s.scenario.seed, rep, samples=True).events}
    assert written - DECLARED <= set(ELSEWHERE), sorted(written - DECLARED - set(ELSEWHERE))
    assert written <= set(TOLD) | set(SILENT) | set(families.SKIPPED)


def test_a_silent_kind_adds_no_line(island):
    records = [{"t": 1.0, "kind": kind} for kind in sorted(SILENT)]
    assert Narrator(island, language("en")).feed(records) == []


def test_a_kind_told_twice_is_refused():
    with pytest.raises(TypeError, match="tells 'arrive' twice"):

        class _Twice(Teller):
            @tells("arrive")
            def one(self, t, e): ...

            @tells("arrive")
            def two(self, t, e): ...

    class _Arrive(Teller):
        @tells("arrive")
        def arrive(self, t, e): ...

    with pytest.raises(TypeError, match="'arrive' is claimed twice"):
        families._told((*FAMILIES, Family("again", _Arrive)))
    with pytest.raises(TypeError, match="'refill' is claimed twice"):
        families._told((*FAMILIES, Family("quiet", Teller, silent={"refill": "said twice"})))


def test_story_and_report_hold_no_handlers():
    """story.py and report.py hand records and sections to the families through the registry, by kind."""
    for module in ("story.py", "report.py"):
        text = Path(REPO / "sim" / "present" / module).read_text(encoding="utf-8")
        assert "def on_" not in text
