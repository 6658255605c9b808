"""Rewrite the golden replications.csv files from the code as it is now.

    python tests/golden/regenerate.py

Run it only when a change is meant to change results, and say why in the commit message: the golden
files are what proves that an optimisation left every replication of the shipped scenarios alone.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from sim.cli import main

HERE = Path(__file__).resolve().parent
# replications per shipped scenario, and the seed: enough to pass through every model's branches
RUNS = {"island_retake": 40, "medical_chain": 10, "trans_caspian_logistics": 6, "birlestik_2024": 6}
SEED = 20241


def replications_csv(name: str, reps: int) -> bytes:
    """replications.csv of ``exsim run NAME --reps REPS --seed SEED``, serially."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        args = ["run", name, "--seed", str(SEED), "--reps", str(reps), "--executor", "serial", "--out", str(out), "-q"]
        r = CliRunner().invoke(main, args)
        if r.exit_code != 0:
            raise RuntimeError(f"exsim {' '.join(args)} failed: {r.output}")
        return (out / "replications.csv").read_bytes()


def golden_path(name: str) -> Path:
    return HERE / f"{name}.csv"


if __name__ == "__main__":
    for name, reps in RUNS.items():
        golden_path(name).write_bytes(replications_csv(name, reps))
        print(f"wrote {golden_path(name)}", file=sys.stderr)
