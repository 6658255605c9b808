"""Structure that keeps exsim fast, checked without timing anything (timings live in benchmarks/)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def loaded_after(code: str) -> set[str]:
    """Top-level packages and sim modules in sys.modules after running ``code`` in a fresh interpreter."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.splitlines()[-1]))


HEAVY = ("scipy", "pandas", "dask", "distributed", "matplotlib", "pydantic", "numpy", "rich")


@pytest.mark.parametrize("code", ["import sim.cli", "import sim", "from sim.cli import main"])
def test_importing_the_cli_loads_no_heavy_module(code):
    loaded = loaded_after(code)
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
    assert heavy == [], f"{code!r} loads {heavy[:8]}"
    assert "sim.config.schema" not in loaded and "sim.models.registry" not in loaded


def test_help_loads_no_heavy_module():
    loaded = loaded_after("from sim.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass")
    assert not any(m.split(".")[0] in HEAVY for m in loaded)


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
    from sim.config.load import load_scenario
    from sim.experiment.replicate import replicate

    assert sim.load_scenario is load_scenario and sim.replicate is replicate
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
