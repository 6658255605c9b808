"""Where the class's run landed: the mid-rank percentile, exact on stub batches of known distribution."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.experiment.placement import Placement, percentile, place
from sim.models.contract import Better

UNIFORM = [float(i) for i in range(100)]  # 0, 1, ..., 99: each value beats exactly its rank


@pytest.mark.parametrize(
    ("value", "better", "expected"),
    [
        (49.5, Better.LOWER, 50.0),  # 50 runs (50..99) took longer
        (49.5, Better.HIGHER, 50.0),  # 50 runs (0..49) got less
        (10.0, Better.LOWER, 89.5),  # 89 runs longer, one tie
        (10.0, Better.HIGHER, 10.5),  # 10 runs lower, one tie
        (10.0, Better.NEITHER, 10.5),  # no better direction: "higher than", as HIGHER counts
        (-1.0, Better.LOWER, 100.0),  # faster than every run
        (-1.0, Better.HIGHER, 0.0),
        (99.0, Better.HIGHER, 99.5),
    ],
)
def test_percentile_on_a_uniform_batch(value, better, expected):
    assert percentile(value, UNIFORM, better) == expected


def test_ties_count_half():
    assert percentile(2.0, [1.0, 2.0, 2.0, 3.0], Better.HIGHER) == 50.0  # (1 + 2/2) / 4
    assert percentile(1.0, [1.0] * 7, Better.LOWER) == 50.0
    assert percentile(1.0, [0.0, 0.0, 0.0, 1.0], "higher") == 87.5  # a met objective among runs that missed


def test_runs_without_a_value_are_left_out():
    sample = [1.0, math.nan, 3.0, math.nan]
    assert percentile(2.0, sample, Better.LOWER) == 50.0  # beats 3, loses to 1; two runs never secured
    p = place("time_to_secure_h.island", 2.0, sample, Better.LOWER)
    assert (p.n, p.runs) == (2, 4)
    assert math.isnan(percentile(math.nan, sample, Better.LOWER))
    assert math.isnan(percentile(1.0, [math.nan], Better.LOWER))


@given(st.lists(st.integers(0, 20), min_size=1, max_size=60))
def test_the_batch_placed_in_itself_averages_fifty(xs):
    sample = [float(x) for x in xs]
    mean = sum(percentile(x, sample, Better.HIGHER) for x in sample) / len(sample)
    assert mean == pytest.approx(50.0)


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=40), st.floats(-1e6, 1e6))
def test_the_two_directions_are_mirror_images(sample, value):
    assert percentile(value, sample, Better.LOWER) == pytest.approx(100.0 - percentile(value, sample, Better.HIGHER))


def test_a_placement_survives_json():
    p = place("killed.coalition", 4.0, [3.0, math.nan, 5.0], Better.LOWER)
    back = Placement.from_dict(p.as_dict())
    assert back.percentile == p.percentile == 50.0 and back.sample[0] == 3.0 and math.isnan(back.sample[1])


def _lines(placed, lang="en", overridden=False):
    from sim.check import load_scenario
    from sim.models.catalogue import catalogue
    from sim.present.i18n import language
    from sim.present.labels import Labels
    from sim.present.placement import placement_lines

    s = load_scenario("island_retake").scenario
    return placement_lines(placed, catalogue(s).by_name, Labels(s, language(lang)), language(lang), overridden)


def test_the_words_follow_the_better_direction():
    placed = [
        place("objective.secure_island", 1.0, [1.0, 1.0, 0.0, 1.0], Better.HIGHER),
        place("time_to_secure_h.island", 5.0, [4.0, 6.0, 7.0, math.nan], Better.LOWER),
        place("end_time_h", 24.0, [24.0, 24.0], Better.NEITHER),
        place("time_to_secure_h.island", math.nan, [4.0, math.nan], Better.LOWER),
    ]
    lines = _lines(placed, overridden=True)
    assert lines[0].endswith(": met in your run; met in 3 of 4 simulated runs.")
    assert lines[1].endswith(
        "5 h in your run, better than 67 % of 3 simulated runs where it had a value (of 4), worse than 33 %."
    )  # beats 6 and 7, loses to 4
    assert lines[2].endswith("24 h in your run, equal to all 2 simulated runs.")  # not "higher than 50 %"
    assert lines[3].endswith("– in your run; 1 of 2 simulated runs had a value.")
    assert lines[4].startswith("The facilitator's overrides cannot be repeated in a batch")


@pytest.mark.parametrize(
    ("value", "sample", "better", "words"),
    [
        # the review's cases: 87 worse, 113 tied (mid-rank 72 %); 0 lower, 80 tied, 120 higher (mid-rank 20 %)
        (5.0, [5.0] * 113 + [6.0] * 87, Better.LOWER, "better than 44 % of 200 simulated runs, tied with 56 %."),
        (5.0, [5.0] * 80 + [6.0] * 120, Better.HIGHER, "worse than 60 % of 200 simulated runs, tied with 40 %."),
        (
            5.0,
            [4.0] * 30 + [5.0] * 10 + [6.0] * 60,
            Better.HIGHER,
            "worse than 60 % of 100 simulated runs, better than 30 %, tied with 10 %.",
        ),
        (
            5.0,
            [4.0] * 30 + [5.0] * 10 + [6.0] * 60,
            Better.LOWER,
            "better than 60 % of 100 simulated runs, worse than 30 %, tied with 10 %.",
        ),
        (
            5.0,
            [4.0] * 30 + [5.0] * 10 + [6.0] * 60,
            Better.NEITHER,
            "lower than 60 % of 100 simulated runs, higher than 30 %, equal to 10 %.",
        ),
        # no ties: the shares beaten and beating, a poor result first
        (5.0, [4.0] * 3 + [6.0], Better.HIGHER, "better than 75 % of 4 simulated runs, worse than 25 %."),
        (5.0, [4.0] * 3 + [6.0], Better.LOWER, "worse than 75 % of 4 simulated runs, better than 25 %."),
        (5.0, [4.0] * 3 + [6.0], Better.NEITHER, "higher than 75 % of 4 simulated runs, lower than 25 %."),
        # the edges
        (5.0, [5.0] * 200, Better.LOWER, "as good as all 200 simulated runs."),
        (5.0, [5.0] * 200, Better.NEITHER, "equal to all 200 simulated runs."),
        (5.0, [6.0] * 5, Better.LOWER, "better than all 5 simulated runs."),
        (5.0, [6.0] * 5, Better.HIGHER, "worse than all 5 simulated runs."),
        (5.0, [6.0] * 5, Better.NEITHER, "lower than all 5 simulated runs."),
        (5.0, [4.0] * 5, Better.NEITHER, "higher than all 5 simulated runs."),
        # neither none nor all never rounds to 0 % or 100 %
        (5.0, [6.0] * 199 + [4.0], Better.LOWER, "better than 99 % of 200 simulated runs, worse than 1 %."),
        (5.0, [6.0] * 199 + [5.0], Better.HIGHER, "worse than 99 % of 200 simulated runs, tied with 1 %."),
    ],
)
def test_the_words_say_beaten_and_tied_apart(value, sample, better, words):
    (line,) = _lines([place("time_to_secure_h.island", value, sample, better)])
    assert line == f"time until the island strongpoint was secured: {value:g} h in your run, {words}"  # its name


def test_every_objective_met_is_said_once():
    sample = [1.0, 0.0, 1.0, math.nan]
    won, lost = _lines([place("mission_success", x, sample, "higher") for x in (1.0, 0.0)])
    assert won == "Every objective was met in your run, and in 2 of 3 simulated runs."
    assert lost == "Not every objective was met in your run; all were met in 2 of 3 simulated runs."


def test_the_russian_words_say_ties_too():
    (line,) = _lines([place("time_to_secure_h.island", 5.0, [5.0] * 113 + [6.0] * 87, Better.LOWER)], "ru")
    assert line.endswith(
        "5\N{NO-BREAK SPACE}ч в вашем прогоне, лучше, чем в 44 % из 200 смоделированных прогонов, так же, как в 56 %."
    )
    (line,) = _lines([place("time_to_secure_h.island", 5.0, [5.0] * 3, Better.LOWER)], "ru")
    assert line.endswith("5\N{NO-BREAK SPACE}ч в вашем прогоне, так же, как в каждом из 3 смоделированных прогонов.")


@pytest.mark.parametrize("spread", [6, 95])
def test_a_count_is_drawn_on_whole_numbers(spread):
    from collections import Counter

    from sim.present.plots import distribution

    values = [float(x % spread) for x in range(0, 7 * spread, 3)] + [math.nan]
    ax = distribution(values, "killed", "people", count=True).axes[0]
    bars = [(round(b.get_x(), 9), round(b.get_width(), 9), b.get_height()) for b in ax.patches]
    assert all(x % 1 == 0.5 and w % 1 == 0 for x, w, _ in bars)  # edges halfway between whole numbers
    assert len(bars) <= 30 and sum(h for *_, h in bars) == len(values) - 1
    seen = Counter(v for v in values if not math.isnan(v))
    for x, w, h in bars:  # each bar holds exactly the whole numbers inside it
        assert h == sum(n for v, n in seen.items() if x < v < x + w)
