"""Charts say what the tables say: a share in per cent, and replications counted in whole numbers."""

from __future__ import annotations

import pytest


def test_a_share_s_histogram_is_in_per_cent_and_counts_runs_in_whole_numbers():
    pytest.importorskip("matplotlib")
    from sim.present.plots import distribution

    fig = distribution([0.1, 0.2, 0.2, 0.5, float("nan")], "golden hour", "", share=True)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "%"
    lo, hi = ax.get_xlim()
    assert lo < 10 and hi > 50  # the bars stand at 10-50 %, not at 0.1-0.5
    ticks = [t for t in ax.get_yticks() if t >= 0]
    assert ticks and all(float(t).is_integer() for t in ticks)  # no half replications
    plain = distribution([1.5, 2.5, 2.5], "wait", "h")
    assert plain.axes[0].get_xlabel() == "h" and plain.axes[0].get_xlim()[1] < 10
