"""The t quantiles exsim's summaries use without scipy: the table matches scipy, and so does the expansion
beyond it; the table is what tools/t_table.py writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from scipy.special import stdtrit

from sim.experiment import t_table
from sim.experiment.stats import t_quantile

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("p", [0.95, 0.975, 0.995])
def test_every_tabled_quantile_is_scipys(p):
    assert [t_quantile(df, p) for df in range(1, t_table.MAX_DF + 1)] == [
        float(stdtrit(df, p)) for df in range(1, t_table.MAX_DF + 1)
    ]


@pytest.mark.parametrize("p", [0.95, 0.975, 0.995])
@pytest.mark.parametrize("df", [t_table.MAX_DF + 1, 1500, 9999, 100_000, 10**7])
def test_beyond_the_table_the_expansion_is_within_1e14_of_scipy(df, p):
    assert t_quantile(df, p) == pytest.approx(float(stdtrit(df, p)), rel=1e-14, abs=0)


@pytest.mark.parametrize(("df", "p"), [(7.5, 0.975), (12, 0.9), (3, 0.5 + 0.8 / 2)])
def test_other_levels_and_fractional_degrees_of_freedom_ask_scipy(df, p):
    assert t_quantile(df, p) == float(stdtrit(df, p))


def test_the_table_is_what_the_tool_writes():
    r = subprocess.run([sys.executable, "tools/t_table.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_exsim_run_imports_neither_scipy_nor_a_pool(tmp_path):
    """The README's first command, in a fresh interpreter: scipy is never imported (stochastic combat), nor
    multiprocessing when the replications are too short to be worth a pool of workers."""
    code = (
        "import sys\n"
        "from sim.cli import main\n"
        "try:\n"
        f"    main(['run', 'birlestik_2024', '--reps', '3', '--out', {str(tmp_path / 'o')!r}, '-q'])\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "print(sorted({'scipy', 'multiprocessing'} & set(sys.modules)))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert r.stdout.strip().splitlines()[-1] == "[]"
