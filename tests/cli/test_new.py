"""`exsim new`: a commented skeleton, or a copy of a shipped scenario, that passes check and runs."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sim.check import load_scenario
from sim.cli import main
from sim.config.locate import shipped
from tests.conftest import REPO


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_new_writes_a_commented_skeleton_that_passes_strict_check_and_runs(folder):
    r = invoke("new", "exercise1")
    assert r.exit_code == 0, r.output + r.stderr
    text = (folder / "exercise1.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=scenario.schema.json\n")
    assert sum(line.lstrip().startswith("#") for line in text.splitlines()) >= 5  # it explains itself
    assert load_scenario(folder / "exercise1.yaml").scenario.scenario.name == "exercise1"
    check = invoke("check", "--strict", "exercise1.yaml")
    assert check.exit_code == 0 and not check.stderr, check.stderr  # no warnings either
    run = invoke("run", "exercise1.yaml", "--reps", "2", "--out", "out", "-q")
    assert run.exit_code == 0 and (folder / "out" / "replications.csv").is_file()
    # the editor's schema beside it is exsim's own
    assert json.loads((folder / "scenario.schema.json").read_text()) == json.loads(invoke("schema").output)


@pytest.mark.parametrize("source", sorted(shipped("scenario")))
def test_new_from_a_shipped_scenario_is_a_renamed_copy_that_passes_check(folder, source):
    r = invoke("new", "mine", "--from", source)
    assert r.exit_code == 0, r.output + r.stderr
    copy = load_scenario(folder / "mine.yaml").scenario
    original = load_scenario(source).scenario
    assert copy.scenario.name == "mine"
    assert copy.model_copy(update={"scenario": original.scenario}) == original


def test_new_never_overwrites_and_rejects_bad_names(folder):
    assert invoke("new", "a").exit_code == 0
    (folder / "a.yaml").write_text("# mine\n")
    again = invoke("new", "a")
    assert again.exit_code == 2 and "a.yaml exists" in again.stderr
    assert (folder / "a.yaml").read_text() == "# mine\n"
    assert invoke("new", "a", "--force").exit_code == 0
    bad = invoke("new", "../x")
    assert bad.exit_code == 2 and "a scenario name starts with a letter" in bad.stderr
    unknown = invoke("new", "b", "--from", "island_retak")
    assert unknown.exit_code == 2 and "did you mean 'island_retake'?" in unknown.stderr
    assert not (folder / "b.yaml").exists()


def test_the_readme_typo_example_is_what_check_prints(folder):
    assert invoke("new", "my_exercise").exit_code == 0
    path = folder / "my_exercise.yaml"
    path.write_text(path.read_text().replace("type: marine_infantry_company", "type: marine_infantry_coy"))
    r = invoke("check", "my_exercise.yaml")
    assert r.exit_code == 2
    shown = r.stderr.split(" (known:")[0]
    assert shown == (
        "my_exercise.yaml:35:23: units.1.type: unknown unit type 'marine_infantry_coy'; "
        "did you mean 'marine_infantry_company'?"
    )
    assert shown in (REPO / "README.md").read_text()
