"""Times as distributions in a scenario: a number keeps its meaning, a distribution object is validated with
one positioned line per fault (exit 2), and ``exsim check`` reports each distribution's mean and cv."""

from __future__ import annotations

import math
import re
import shlex

import pytest
from click.testing import CliRunner
from pydantic import TypeAdapter

from sim.cli import main
from sim.config.distributions import Lognormal, Span, mean_of
from tests.conftest import REPO
from tests.models.test_mg1 import one_stage

FIELD = "medical.facilities.0.treatment"


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("{distribution: lognormal, mean: 42min, cv: -0.5}", f"{FIELD}.cv: Input should be greater than 0"),
        ("{distribution: gamma, mean: 42min, cv: -1}", f"{FIELD}.cv: Input should be greater than 0"),
        ("{distribution: empirical, values: [1, 2, 3], weights: [1, 2]}", f"{FIELD}: weights must match values"),
        ("{distribution: uniform, min: 2h, max: 1h}", f"{FIELD}: a uniform needs min < max"),
        ("{distribution: triangular, min: 2h, mode: 1h, max: 3h}", f"{FIELD}: a triangular needs min <= mode <= max"),
        ("{distribution: lognormal, mean: 42min}", f"{FIELD}: a lognormal needs mean and cv, or mu and sigma"),
        ("{distribution: lognormal, mean: 42, cv: 0.5, mu: 3}", f"{FIELD}: a lognormal needs mean and cv"),
        ("{distribution: weibull, mean: 42}", f"{FIELD}: unknown distribution 'weibull'"),
        ("{distribution: exponential, mean: 42, sd: 3}", f"{FIELD}.sd: unknown field"),
        ("{distribution: lognormal, mean: 42, cvv: 0.5}", f"{FIELD}.cvv: unknown field; did you mean 'cv'?"),
        ("{distribution: exponential, mean: 0}", f"{FIELD}.mean: Input should be greater than 0"),
        ("0", f"{FIELD}: Input should be greater than 0"),
        ("{mean: 5}", f"{FIELD}: distribution: is missing (one of exponential, lognormal, gamma, triangular,"),
    ],
)
def test_a_bad_distribution_is_one_line_naming_the_field_exit_2(write, spec, words):
    path = write(one_stage(spec))
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert re.match(rf"^.*scenario\.yaml:17:\d+: {re.escape(words)}", lines[0]), lines[0]


def test_check_reports_each_distributions_mean_and_cv(write):
    text = one_stage("{distribution: lognormal, mean: 90min, cv: 0.5}")
    uniform = "load_min: {distribution: uniform, min: 10, max: 50}"
    text = text.replace("inf: {strength: 100}", f"inf: {{strength: 100, {uniform}}}")
    result = CliRunner().invoke(main, ["check", str(write(text))])
    assert result.exit_code == 0, result.output
    assert f"distribution {FIELD}: lognormal, mean 1 h 30 min, cv 0.50" in result.output
    # uniform(10, 50): mean 30, sd 40 / sqrt(12) = 11.547, cv 0.385
    assert "distribution unit_types.inf.load_min: uniform, mean 30 min, cv 0.38" in result.output


def test_check_reports_in_russian_with_a_decimal_comma(write):
    path = write(one_stage("{distribution: gamma, mean: 1h, cv: 0.25}"))
    result = CliRunner().invoke(main, ["check", "--lang", "ru", str(path)])
    assert f"распределение {FIELD}: гамма, среднее 1 ч 00 мин, коэффициент вариации 0,25" in result.output


def test_a_number_stays_a_number():
    """A number validates to the same float as before, so the scenario's digest and every draw stay as they were."""
    span = TypeAdapter(Span)
    assert span.validate_python("75min") == 75.0 and isinstance(span.validate_python(75), float)
    assert span.dump_json(75.0) == b"75.0"
    lognormal = span.validate_python({"distribution": "lognormal", "mean": "1.5h", "cv": 0.5})
    assert isinstance(lognormal, Lognormal) and mean_of(lognormal) == pytest.approx(90.0)
    assert lognormal.cv == pytest.approx(0.5)
    mu, sigma = lognormal.log_params
    assert (mu, sigma) == pytest.approx((math.log(90) - math.log(1.25) / 2, math.sqrt(math.log(1.25))))


def doc_commands() -> list[list[str]]:
    text = (REPO / "docs" / "distributions.md").read_text(encoding="utf-8")
    lines = [ln for block in re.findall(r"```sh\n(.*?)```", text, re.S) for ln in block.strip().splitlines()]
    return [shlex.split(ln)[1:] for ln in lines if ln.startswith("exsim ")]


def test_the_distributions_page_commands_run_and_print_what_it_shows(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    commands = doc_commands()
    assert [c[0] for c in commands] == ["check", "run"]
    text = (REPO / "docs" / "distributions.md").read_text(encoding="utf-8")
    for args in commands:
        if args[0] == "run":  # the page's run, made short: two replications, serially, into this folder
            args = [*args, "--reps", "2", "--executor", "serial", "--out", str(tmp_path / "out")]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, (args, result.output, result.stderr)
        if args[0] == "check":
            shown = [ln for ln in result.output.splitlines() if "distribution" in ln]
            assert shown and all(ln in text for ln in shown), shown


def test_the_plan_reads_a_distributions_mean():
    """exsim check --plan gives one nominal figure: a distribution's mean (a triangular 20-40-60 min load: 40 min;
    a uniform 0-1 h command delay: 30 min)."""
    args = [
        "check",
        "birlestik_2024",
        "--plan",
        "--set",
        "unit_types.landing_ship.load_min={distribution: triangular, min: 20min, mode: 40min, max: 1h}",
        "--set",
        "phases.0.orders.1.delay={distribution: uniform, min: 0, max: 1h}",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, (result.output, result.stderr)
    assert "tank-1 assault: oymasha → oymasha_ridge, 5 km, 10min, then fighting" in result.output
    assert "after a 30min command delay" in result.output
    assert "mar-1, mar-2 (240 people): load 40min" in result.output
