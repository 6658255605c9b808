"""A sweep's table says of how many runs a mean is, when a metric had no value in some, as a run's does."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from sim.cli import main


def test_a_sweep_mean_of_fewer_runs_than_ran_says_of_how_many(tmp_path):
    out = tmp_path / "sw"
    result = CliRunner().invoke(
        main, ["sweep", "island_retake", "--vary", "units.ag.strength=20,80", "--reps", "6", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    points = json.loads((out / "summary.json").read_text())
    tables = re.split(r"^…ag\.strength=\d+ *$", result.output, flags=re.M)[1:]  # one table per point, in order
    assert len(tables) == len(points) == 2
    checked = 0
    for point, table in zip(points, tables, strict=True):
        for name, s in point["metrics"].items():
            row = next((line for line in table.splitlines() if re.match(rf"│ {re.escape(name)} +│", line)), None)
            if row is None or s["kind"] == "rate":  # not shown; or shown as "k of n"
                continue
            if 0 < s["n"] < 6:
                assert f"(n={s['n']})" in row, row
                checked += 1
            else:
                assert "(n=" not in row, row
    assert checked >= 2  # with 20 defenders, few casualties reach surgery: the surgery share is of fewer runs
