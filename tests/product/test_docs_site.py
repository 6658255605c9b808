"""The documentation site: it builds offline and strictly, its generated references cover every field
and metric, the tutorial's commands run in order, and the times table means what it says."""

from __future__ import annotations

import html
import re
import shlex
import subprocess
import sys
from datetime import datetime

import pytest
from click.testing import CliRunner

from sim.check import load_scenario
from sim.cli import main
from sim.config.durations import parse_time
from sim.config.json_schema import json_schema, scenario_schema
from sim.config.locate import shipped
from sim.experiment.design import SweepSpec
from sim.experiment.sensitivity import StudySpec
from sim.models.catalogue import catalogue
from tests.conftest import REPO


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    r = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(REPO / "mkdocs.yml"), "-d", str(out)],
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "HOME": str(out)},
    )
    assert r.returncode == 0, r.stderr
    return out


def page(site, path: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", (site / path / "index.html").read_text()))


@pytest.mark.parametrize(
    ("path", "doc"),
    [
        ("reference/scenario", scenario_schema()),
        ("reference/sweep", json_schema(SweepSpec, "s", under="sweep")),
        ("reference/sensitivity", json_schema(StudySpec, "s", under="sensitivity")),
    ],
)
def test_the_references_have_every_object_and_field_with_its_description(site, path, doc):
    text = page(site, path)
    for name, obj in doc["$defs"].items():
        section = text.split(f"\n{name}¶", 1)  # each object is a heading (with its permalink)
        assert len(section) == 2, name
        body = section[1].split("¶", 1)[0]
        for prop, spec in obj.get("properties", {}).items():
            assert f"{prop}" in body and " ".join(spec["description"].split())[:40] in body, (name, prop)


def test_the_metric_catalogue_lists_every_metric_of_the_shipped_scenarios_with_its_meaning(site):
    text = page(site, "metrics")
    for name in shipped("scenario"):
        s = load_scenario(name).scenario
        section = text.split(f"\n{name}¶", 1)[1].split("¶", 1)[0]
        names = catalogue(s).names
        assert len(names) > 10
        for m in catalogue(s):
            assert f"\n{m.name}\n{' '.join(m.description.split())}\n{m.kind}\n" in section, m.name
        assert [n for n in names if f"\n{n}\n" not in section] == []


def test_the_tutorial_pages_and_the_models_page_are_in_the_site(site):
    assert "your first scenario in 15 minutes" in page(site, "getting-started")
    assert "Lanchester" in page(site, "models")


def tutorial_commands() -> list[list[str]]:
    text = (REPO / "docs" / "getting-started.md").read_text()
    lines = [ln for block in re.findall(r"```sh\n(.*?)```", text, re.S) for ln in block.strip().splitlines()]
    return [shlex.split(ln)[1:] for ln in lines if ln.startswith("exsim ")]


def test_the_tutorial_runs_in_order_in_a_folder_of_its_own(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    commands = tutorial_commands()
    assert [c[0] for c in commands[:4]] == ["--version", "list", "new", "check"]
    for args in commands:
        if args[0] == "sweep":
            args = [*args, "--executor", "serial"]
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 0, (args, r.output, r.stderr)
    assert (tmp_path / "results" / "enemy" / "results.sqlite").is_file()
    assert (tmp_path / "my_island.yaml").is_file()


def test_the_times_table_means_what_it_says():
    text = (REPO / "docs" / "times.md").read_text()
    rows = re.findall(r"^\| (`.+?`) \| .+? \| (minute .+?) \|$", text, re.M)
    assert len(rows) >= 7
    start = datetime(2024, 7, 12, 4, 0)
    for written, minutes in rows:
        values = re.findall(r"`([^`]+)`", written)
        expected = [float(m) for m in re.findall(r"minute (\d+)", minutes)]
        assert [parse_time(v, start) for v in values] == expected, written


def test_ci_builds_the_site_strictly_and_checks_types():
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    assert any(line.startswith("NO_MKDOCS_2_WARNING=1 mkdocs build --strict") for line in ci)
    assert "mypy" in ci
