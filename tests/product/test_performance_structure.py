"""Structure that keeps exsim fast, checked without timing anything (timings live in benchmarks/)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main


def loaded_after(code: str, cwd: Path | None = None) -> set[str]:
    """Top-level packages and sim modules in sys.modules after running ``code`` in a fresh interpreter."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=cwd)
    return set(json.loads(out.stdout.splitlines()[-1]))


def command(*args: str) -> str:
    """Code that runs ``exsim ARGS`` in-process, as its console script does, and prints what it printed."""
    return f"from sim.cli import main\ntry:\n    main({list(args)!r})\nexcept SystemExit:\n    pass"


HEAVY = ("scipy", "pandas", "dask", "distributed", "matplotlib", "pydantic", "numpy", "rich")


@pytest.mark.parametrize("code", ["import sim.cli", "import sim", "from sim.cli import main"])
def test_importing_the_cli_loads_no_heavy_module(code):
    loaded = loaded_after(code)
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
    assert heavy == [], f"{code!r} loads {heavy[:8]}"
    assert "sim.config.schema" not in loaded and "sim.models.registry" not in loaded


def test_help_loads_no_heavy_module():
    loaded = loaded_after(command("--help"))
    assert not any(m.split(".")[0] in HEAVY for m in loaded)


def command_modules(loaded: set[str]) -> list[str]:
    """The modules defining exsim commands (sim.cli.COMMANDS) among ``loaded``."""
    from sim.cli import COMMANDS

    return sorted({path.rsplit(".", 1)[0] for path in COMMANDS.values()} & loaded)


def test_help_imports_no_command_module():
    # the group lists each command by its summary (sim/cli/lazy.py): no command's module, so none of the library
    assert command_modules(loaded_after(command("--help"))) == []
    assert command_modules(loaded_after(command("--version"))) == []


@pytest.mark.parametrize(("args", "module"), [(("list",), "sim.cli.list"), (("run", "--help"), "sim.cli.run")])
def test_a_command_imports_its_own_module_only(args, module):
    assert command_modules(loaded_after(command(*args))) == [module]


def test_listing_what_is_shipped_loads_no_heavy_module():
    loaded = loaded_after(command("list"))
    assert "sim.config.locate" in loaded  # it did list
    assert not any(m.split(".")[0] in HEAVY for m in loaded)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """A folder holding results/island_retake/a and .../b: two runs of 2 replications, with other seeds."""
    root = tmp_path_factory.mktemp("runs")
    for name, seed in (("a", "1"), ("b", "2")):
        folder = root / "results" / "island_retake" / name
        out = CliRunner().invoke(
            main, ["run", "island_retake", "--reps", "2", "--seed", seed, "-q", "--out", str(folder)]
        )
        assert out.exit_code == 0, out.output
    return root


MODELS = ("sim.config.schema", "sim.models.registry", "sim.engine.world")


def test_listing_runs_loads_neither_the_schema_nor_the_models(two_runs):
    loaded = loaded_after(command("runs"), cwd=two_runs)  # exsim runs lists results/ in its folder
    assert "sim.experiment.meaning" in loaded  # it read the runs' metric catalogues, for their headlines
    assert not any(m.split(".")[0] in HEAVY for m in loaded)
    assert not any(m in loaded for m in MODELS)
    assert command_modules(loaded) == ["sim.cli.runs"]


def test_comparing_and_exporting_load_neither_pydantic_nor_the_models(two_runs, tmp_path):
    # a comparison computes intervals (numpy, scipy's t quantiles) and draws a table (rich): no more
    loaded = loaded_after(command("compare", "results/island_retake/a", "results/island_retake/b"), cwd=two_runs)
    assert "sim.experiment.compare" in loaded and "scipy" in loaded  # it did compare
    assert "pydantic" not in loaded and not any(m in loaded for m in MODELS)
    pytest.importorskip("pandas")
    out = tmp_path / "a.csv"
    loaded = loaded_after(command("export", "results/island_retake/a", "--format", "csv", "--out", str(out)), two_runs)
    assert out.read_text().count("\n") == 3  # a header and two replications
    assert "pydantic" not in loaded and not any(m in loaded for m in MODELS)


def test_a_stochastic_run_loads_no_scipy():
    # scipy is for the deterministic mode (scipy.integrate) and t quantiles (n >= 2) only
    code = (
        "from sim import load_scenario, replicate, summarise\n"
        "s = load_scenario('island_retake').scenario\n"
        "summarise(s, replicate(s, 1, 1))"
    )
    loaded = loaded_after(code)
    assert "simpy" in loaded  # it did run
    assert not any(m.split(".")[0] == "scipy" for m in loaded)


def test_lazy_package_names_are_the_real_objects():
    import sim
    from sim.check import load_scenario
    from sim.experiment.replications import replicate

    assert sim.load_scenario is load_scenario and sim.replicate is replicate
    assert sim.experiment.replicate is replicate  # the function: no submodule of that name hides it
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        sim.nothing  # noqa: B018


def test_replications_csv_is_written_a_row_at_a_time():
    from sim.experiment.output import replications_csv, replications_csv_lines

    read: list[int] = []

    def rows():  # type: ignore[no-untyped-def]
        for i in range(3):
            read.append(i)
            yield {"replication": i, "seed": 7, "x": i / 2}

    lines = replications_csv_lines(rows(), ["x"])
    assert next(lines) == "replication,seed,x\n0,7,0\n"
    assert read == [0]  # the second row is not read before the first is written
    assert "".join(lines) == "1,7,0.5\n2,7,1\n"
    assert replications_csv(rows(), ["x"]) == "replication,seed,x\n0,7,0\n1,7,0.5\n2,7,1\n"
