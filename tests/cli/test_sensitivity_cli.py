"""`exsim sensitivity` at the command line: a study file and its published schema, the report's section (bar
chart of the indices with intervals, Morris's μ*–σ plane) in English and Russian, and mistakes as one line."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from sim.cli import main
from sim.config.yamlsafe import read_file
from tests.conftest import REPO

STUDIES = sorted((REPO / "configs" / "sensitivity").glob("*.yaml"))


def invoke(*args: str):
    r = CliRunner(env={"COLUMNS": "160"}).invoke(main, list(args))
    assert r.exit_code == 0, r.output + r.stderr
    return r


def test_the_study_schema_is_published_and_every_shipped_study_validates_against_it():
    schema = json.loads(invoke("schema", "--sensitivity").output)
    validator = Draft202012Validator(schema)
    assert STUDIES
    for path in STUDIES:
        assert [e.message for e in validator.iter_errors(read_file(path).data)] == [], path
    assert [e for e in validator.iter_errors({"sensitivity": {"name": "x"}})]  # a study needs its fields
    props = schema["$defs"]["StudySpec"]["properties"]
    assert {"method", "samples", "factors", "replications"} <= set(props)
    assert all(p.get("description") for p in props.values())


@pytest.fixture(scope="module")
def morris_study(tmp_path_factory):
    """A small Morris study of the island retake, from a study file written beside a copy of nothing but itself."""
    folder = tmp_path_factory.mktemp("study")
    (folder / "study.yaml").write_text(
        "sensitivity:\n"
        "  name: island_drivers\n"
        "  scenario: island_retake\n"
        "  method: morris\n"
        "  samples: 4\n"
        "  replications: 3\n"
        "  factors:\n"
        "    landing_ships: {path: units.ls-1.strength, range: {low: 1, high: 3, integer: true}}\n"
        "    enemy: {path: units.ag.strength, range: {low: 40, high: 90, integer: true}}\n"
        "    mode: {path: combat.mode, values: [stochastic, deterministic]}\n"
        "  metrics: [time_to_secure_h.island, died_of_wounds]\n"
    )
    out = folder / "out"
    r = invoke("sensitivity", str(folder / "study.yaml"), "--executor", "serial", "--out", str(out))
    return out, r.output


def test_a_study_file_runs_and_ranks_each_metric(morris_study):
    out, text = morris_study
    doc = json.loads((out / "sensitivity.json").read_text())
    assert doc["method"] == "morris" and [m["metric"] for m in doc["metrics"]] == [
        "time_to_secure_h.island",
        "died_of_wounds",
    ]
    for m in doc["metrics"]:
        stars = [i["mu_star"] for i in m["indices"]]
        assert stars == sorted(stars, reverse=True)  # ranked
    # the landing ships cannot change the time to secure the island by nothing: one ship means two trips
    assert doc["metrics"][0]["indices"][0]["factor"] == "landing_ships"
    assert "time_to_secure_h.island" in text and "died_of_wounds" in text
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "sensitivity"


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Which factors matter", "bootstrap intervals", "μ*–σ plane", "interval includes 0"]),
        ("ru", ["Какие факторы важны", "бутстреп-интервалы", "плоскость μ*–σ", "интервал включает 0"]),
    ],
)
def test_the_report_shows_the_indices_with_intervals_and_the_morris_plane(morris_study, tmp_path, lang, words):
    out, _ = morris_study
    html = tmp_path / "report.html"
    invoke("report", str(out), "-o", str(html), "--lang", lang)
    text = html.read_text()
    section = text[text.index('id="sensitivity"') : text.index("</section>", text.index('id="sensitivity"'))]
    plain = re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", "", section, flags=re.S))
    for w in words[:1]:
        assert w in plain
    assert section.count("<svg") == 4  # two metrics: the indices' bars and the μ*–σ plane each
    assert all(w in section for w in words[1:3])  # chart titles (text kept as text in the SVG)
    assert words[3] in plain  # died_of_wounds: the landing ships and the combat mode change it by 0 (seed fixed)
    if lang == "ru":
        assert re.search(r"\d,\d{3} \[", plain)  # decimal commas


def test_a_study_and_factors_together_are_refused(tmp_path):
    study = STUDIES[0]
    r = CliRunner().invoke(main, ["sensitivity", str(study), "--factor", "units.ls-1.strength=1:3"])
    assert r.exit_code == 2 and "a study file lists its own factors" in r.stderr


def test_a_bad_value_in_a_study_file_names_its_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "sensitivity:\n  name: x\n  scenario: island_retake\n  method: sobol\n  samples: 10\n  factors: {}\n"
    )
    r = CliRunner().invoke(main, ["sensitivity", str(bad)])
    assert r.exit_code == 2 and f"{bad}:" in r.stderr and "Traceback" not in r.stderr
