"""A count reads as the language counts it: "1 casualty", "2 casualties"; "1 койка", "2 койки", "5 коек"."""

from __future__ import annotations

import math

import pytest

from sim.models.contract import Better, Kind, MetricSpec
from sim.present.i18n import language
from sim.present.labels import Labels
from sim.present.measures import counted
from sim.present.table import value


@pytest.mark.parametrize(
    ("lang", "unit", "x", "word"),
    [
        ("en", "casualties", 1, "casualty"),
        ("en", "casualties", 2, "casualties"),
        ("en", "people", 1.0, "person"),
        ("en", "people", 0, "people"),
        ("en", "sorties", 1.5, "sorties"),  # a mean: the plural
        ("en", "beds", math.nan, "beds"),  # no number: the plural
        ("en", "h", 1, "h"),
        ("ru", "beds", 1, "койка"),
        ("ru", "beds", 3, "койки"),
        ("ru", "beds", 11, "коек"),
        ("ru", "beds", 21, "койка"),
        ("ru", "sorties", 22, "вылета"),
        ("ru", "sorties", 1.5, "вылетов"),
        ("ru", "people", 1, "чел."),
    ],
)
def test_a_unit_is_counted_as_its_language_counts(lang, unit, x, word):
    assert counted(language(lang), unit, x) == word


def test_one_run_s_value_of_one_is_singular_in_the_tables_and_the_story(tmp_path):
    spec = MetricSpec("died_of_wounds", Kind.COUNT, "casualties", Better.LOWER, "casualties who died of wounds")
    assert value(1.0, spec) == "1 casualty" and value(3.0, spec) == "3 casualties"
    from sim.check import load_scenario
    from tests.conftest import REPO

    scenario = load_scenario(REPO / "scenarios" / "island_retake.yaml").scenario
    assert Labels(scenario, language("en")).value(1.0, spec) == "1 casualty"
    beds = MetricSpec("b", Kind.COUNT, "beds", Better.LOWER, "b")
    assert Labels(scenario, language("ru")).value(21.0, beds) == "21\N{NO-BREAK SPACE}койка"


def test_a_difference_of_one_is_singular_in_a_comparison():
    from sim.experiment.compare import Difference
    from sim.present.table import _signed

    spec = MetricSpec("platforms_left.coalition", Kind.COUNT, "platforms", Better.HIGHER, "platforms left")
    d = Difference("platforms_left.coalition", "b", "a", 20, 1.0, 1.0, 1.0, spec)
    assert _signed(d, 1.0) == "+1 platform" and _signed(d, -1.0) == "-1 platform"
    assert _signed(d, 2.0) == "+2 platforms" and _signed(d, 0.35) == "+0.35 platforms"
