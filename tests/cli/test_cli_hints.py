"""Without an optional extra, a command says what to install in the words of the README (the extra, from a copy
of the repository), never an internal name or a package index name that is not exsim's."""

from __future__ import annotations

import importlib.util
import re
import sys
import tomllib

import pytest
from click.testing import CliRunner

from sim.cli import main
from tests.conftest import REPO

ISLAND = str(REPO / "scenarios" / "island_retake.yaml")
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
DOCS = "\n".join(p.read_text() for p in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))])


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("hints") / "run"
    r = CliRunner().invoke(main, ["run", ISLAND, "--reps", "2", "--executor", "serial", "--out", str(out), "-q"])
    assert r.exit_code == 0, r.stderr
    return out


def _without(monkeypatch, *modules: str) -> None:
    """As if ``modules`` were not installed: importing them fails, and find_spec does not find them."""
    real = importlib.util.find_spec
    for m in modules:
        monkeypatch.setitem(sys.modules, m, None)  # `import m` raises ImportError
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name in modules else real(name, *a))


@pytest.mark.parametrize(
    ("missing", "args", "extra", "said"),
    [
        (["pandas"], ["export", "{run}"], "data", "a table of results needs pandas"),
        (["pyarrow"], ["export", "{run}", "--format", "parquet"], "data", "Parquet export needs pyarrow"),
        (["matplotlib"], ["plot", "{run}", "--metric", "end_time_h", "-o", "{tmp}/a.png"], "report", "exsim plot"),
        (["jinja2"], ["report", "{run}", "-o", "{tmp}/a.html"], "report", "exsim report needs jinja2"),
        (["starlette"], ["serve", ISLAND, "--port", "0"], "serve", "exsim serve needs starlette"),
        (["distributed"], ["run", ISLAND, "--reps", "2", "--executor", "dask", "--out", "{tmp}/d"], "dask", "dask"),
        (
            ["SALib", "SALib.analyze", "SALib.sample"],
            ["sensitivity", ISLAND, "--factor", "units.ls-1.strength=1:3", "--factor", "units.ag.strength=40:90"],
            "sensitivity",
            "exsim sensitivity needs SALib",
        ),
    ],
)
def test_a_missing_extra_is_named_as_the_readme_installs_it(
    run_folder, tmp_path, monkeypatch, missing, args, extra, said
):
    _without(monkeypatch, *missing)
    r = CliRunner().invoke(main, [a.format(run=run_folder, tmp=tmp_path) for a in args])
    assert r.exit_code == 2, r.output
    [line] = r.stderr.splitlines()
    assert said in line and f"pip install '.[{extra}]' from a copy of the exsim repository" in line, line
    assert "sim." not in line and "exsim[" not in line, line  # no internal name; no index name but exsim's own
    assert extra in PYPROJECT["project"]["optional-dependencies"]
    assert f"pip install '.[{extra}]'" in DOCS  # the same words in the README or the documentation
    assert not re.search(r"pip install '?exsim\[", DOCS)
