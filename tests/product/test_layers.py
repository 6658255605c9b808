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
