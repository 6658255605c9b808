"""No function of the package is more complex than 20 (ruff's C901, max-complexity in pyproject.toml, run by
.ci/run's `ruff check .`), and the limit is not one that cannot fail: a function of 21 is flagged, one of 20 is not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def c901(*paths: Path | str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """ruff's complexity check alone, with the repository's configuration."""
    config = ["--config", str(REPO / "pyproject.toml"), "--no-cache", "--output-format", "concise"]
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "C901", *config, *map(str, paths)],
        cwd=cwd,
        capture_output=True,
        text=True,
    )


def branches(name: str, count: int) -> str:
    """A function of ``count`` ``if`` statements in a row: its complexity is ``count + 1``."""
    body = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(count))
    return f"def {name}(x: int) -> int:\n{body}    return -1\n"


def test_the_package_has_no_function_over_the_limit():
    done = c901("sim", cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_function_over_the_limit_is_flagged(tmp_path):
    module = tmp_path / "tangled.py"
    module.write_text(branches("at_the_limit", 19) + "\n\n" + branches("over_the_limit", 20))
    done = c901(module, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    flagged = [line for line in done.stdout.splitlines() if "C901" in line]
    assert len(flagged) == 1, done.stdout
    assert "`over_the_limit` is too complex (21 > 20)" in flagged[0]
