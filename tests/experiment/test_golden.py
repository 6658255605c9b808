"""Every shipped scenario's replications, byte for byte, against files written before the engine was tuned.

A performance change must leave results alone: if this fails after an optimisation, the optimisation
changed the numbers. If a change is *meant* to change results (a model fix), regenerate the files with
``python tests/golden/regenerate.py`` and say why in the commit.
"""

from __future__ import annotations

import pytest

from tests.golden.regenerate import RUNS, golden_path, replications_csv


@pytest.mark.parametrize("name", sorted(RUNS))
def test_replications_match_golden_file(name):
    got = replications_csv(name, RUNS[name])
    want = golden_path(name).read_bytes()
    if got != want:
        got_rows, want_rows = got.decode().splitlines(), want.decode().splitlines()
        first = next((i for i, (g, w) in enumerate(zip(got_rows, want_rows, strict=False)) if g != w), None)
        pytest.fail(
            f"{name}: replications.csv differs from tests/golden/{name}.csv "
            f"({len(got_rows)} vs {len(want_rows)} lines; first differing line {first}); "
            "regenerate only if the change is meant to change results"
        )
