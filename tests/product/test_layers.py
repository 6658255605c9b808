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


def uncommented_function_imports(root: Path) -> list[str]:
    """Each import inside a function under ``root`` with no comment on its lines or the line above it."""
    import ast

    found = []
    for path in sorted(root.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for sub in ast.walk(node):
                if isinstance(sub, ast.Import | ast.ImportFrom):
                    first, last = sub.lineno - 1, (sub.end_lineno or sub.lineno) - 1
                    said = any("#" in lines[i] for i in range(first, last + 1))
                    above = first > 0 and lines[first - 1].strip().startswith("#")
                    if not (said or above):
                        found.append(f"{path.relative_to(root.parent)}:{sub.lineno}: {lines[first].strip()}")
    return sorted(set(found))


def test_every_function_level_import_says_why_it_is_there():
    """Start-up time or an optional extra: the only reasons for an import inside a function (DESIGN.md)."""
    assert uncommented_function_imports(REPO / "sim") == []


def test_an_uncommented_function_level_import_is_found(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "m.py").write_text(
        "def f():\n    import json  # start-up\n\n\ndef g():\n    # an optional extra\n    import csv\n\n\n"
        "def h():\n    x = 1\n    import math\n"
    )
    assert uncommented_function_imports(pkg) == ["pkg/m.py:12: import math"]
