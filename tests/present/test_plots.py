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


def _boxes(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)  # a figure of the object API has no canvas that draws until given one
    canvas.draw()
    return canvas.get_renderer()


def test_a_legend_stays_outside_the_plot_and_a_long_name_is_wrapped_with_the_full_name_on_hover():
    pytest.importorskip("matplotlib")
    from sim.present.plots import series, svg

    long = "Kuryk depot, fuel, which a very long display name describes at length"
    lines = {f"depot {i}": ([0.0, 1.0], [float(i), float(i)]) for i in range(16)} | {long: ([0.0, 1.0], [1.0, 2.0])}
    fig = series(lines, "Stocks", "h", "share")
    renderer = _boxes(fig)
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent(renderer)
    plot = ax.get_window_extent(renderer)
    assert legend.x0 >= plot.x1  # beside the plot, never over its lines
    assert legend.y0 >= 0 and legend.y1 <= fig.bbox.height  # and whole on the figure
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "depot 3" in texts and long not in texts and all(len(line) <= 24 for t in texts for line in t.split("\n"))
    assert f"<title>{long}</title>" in svg(fig)  # the full name, on hover


def test_the_gantt_chart_leaves_out_rows_without_a_bar():
    pytest.importorskip("matplotlib")
    from sim.present.plots import gantt

    rows = [("tank-1", [(0.0, 2.0, "moving")]), ("ftr-2", []), ("phase landing", [(1.0, 3.0, "phase")])]
    fig = gantt(rows, "Units", "h", {"moving": "moving", "phase": "phase"})
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["tank-1", "phase landing"]
    renderer = _boxes(fig)
    legend = fig.axes[0].get_legend().get_window_extent(renderer)
    assert legend.y0 >= fig.axes[0].get_window_extent(renderer).y1 - 1  # above the bars, not over them


def test_an_objective_s_threshold_is_drawn_on_its_metric_s_distribution():
    pytest.importorskip("matplotlib")
    from sim.present.plots import distribution

    fig = distribution([3.0, 5.0, 9.0, 14.0], "killed", "", count=True, thresholds=[(12.0, "killed at most 12")])
    ax = fig.axes[0]
    at = [line.get_xdata()[0] for line in ax.get_lines() if line.get_label() == "killed at most 12"]
    assert at == [12.0]
    share = distribution([0.2, 0.6], "on time", "", share=True, thresholds=[(0.5, "at least 50 %")])
    assert [line.get_xdata()[0] for line in share.axes[0].get_lines() if line.get_label() == "at least 50 %"] == [50.0]


def test_a_sweep_point_s_long_label_is_wrapped_not_cut_off():
    pytest.importorskip("matplotlib")
    from sim.present.plots import across_points, svg

    labels = ["decisions.reserve=commit", "decisions.reserve=hold_back_until_dawn_and_then_commit_everything"]
    fig = across_points(labels, [1.0, 2.0], [0.5, 1.5], [1.5, 2.5], "killed", "")
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert all(len(line) <= 18 for t in ticks for line in t.split("\n"))
    assert "hold_back_until_dawn_and_then_commit_everything" in svg(fig)  # in full, on hover
