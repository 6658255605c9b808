"""The layers of DESIGN.md hold one way (import-linter's contracts in pyproject.toml, run by .ci/run), and the
contract is not one that cannot fail: an upward import added to a copy of the package breaks it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter's check of the package under ``root``, with the repository's contracts."""
    env = {**os.environ, "PYTHONPATH": str(root)}  # the package under root, not the installed one
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(REPO / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )


def test_the_package_keeps_its_layers():
    done = lint_imports(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "upward"),
    [
        ("sim/config/durations.py", "sim.models.combat"),  # config imports a model
        ("sim/engine/geo.py", "sim.check.lint"),  # the engine imports a check
        ("sim/present/labels.py", "sim.play.session"),  # presentation imports the live session
        ("sim/errors.py", "sim.config.schema"),  # a leaf helper imports a layer
    ],
)
def test_an_upward_import_breaks_the_contract(tmp_path, module, upward):
    shutil.copytree(REPO / "sim", tmp_path / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n\ndef _upward() -> None:\n    import {upward}\n")
    done = lint_imports(tmp_path)
    assert done.returncode != 0
    assert "BROKEN" in done.stdout and upward in done.stdout, done.stdout


def import_loops(package: str) -> list[list[str]]:
    """The strongly connected components of more than one module in ``package``'s import graph (Tarjan's
    algorithm, written here), counting every import: function-level and type-checking ones too."""
    import grimp

    graph = grimp.build_graph(package, cache_dir=None)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in sorted(graph.modules)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    for m in edges:
        if m not in index:
            visit(m)
    return loops


def test_no_module_of_the_package_is_in_an_import_loop():
    assert import_loops("sim") == []


def test_the_loop_finder_finds_a_loop(tmp_path, monkeypatch):
    pkg = tmp_path / "loopy"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from loopy import b\n")
    (pkg / "b.py").write_text("def f():\n    from loopy import c\n")  # a function-level import counts
    (pkg / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from loopy import a\n")
    (pkg / "d.py").write_text("from loopy import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_loops("loopy") == [["loopy.a", "loopy.b", "loopy.c"]]
