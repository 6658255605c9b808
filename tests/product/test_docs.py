"""The README's promises: two quick-start commands, and CI runs the test one verbatim."""

from __future__ import annotations

import re

from tests.conftest import REPO


def quick_start() -> list[str]:
    readme = (REPO / "README.md").read_text()
    block = re.search(r"## Quick start\s+```sh\n(.*?)```", readme, re.S)
    assert block, "README has no quick start block"
    return [line.split("#")[0].strip() for line in block.group(1).strip().splitlines()]


def test_quick_start_has_exactly_two_commands():
    install_run, install_test = quick_start()
    venv = "python3 -m venv .venv && . .venv/bin/activate && "
    assert install_run.startswith(venv) and install_run.endswith("exsim run birlestik_2024")
    assert install_test.startswith(venv) and install_test.endswith("pytest")
    assert "[classroom]" in install_run and "[test]" in install_test


def test_the_classroom_extra_holds_the_report_and_the_server():
    import tomllib

    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert extras["classroom"] == ["exsim[report,serve]"]
    assert {"matplotlib>=3.8", "jinja2>=3.1"} <= set(extras["report"])
    assert {"starlette>=0.37", "uvicorn>=0.29"} <= set(extras["serve"])


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text()
    assert quick_start()[1] in ci.splitlines()


def test_ci_runs_the_readme_run_command_on_the_same_scenario_with_the_same_install():
    ci = (REPO / ".ci" / "run").read_text()
    scenario = quick_start()[0].split()[-1]
    assert f"exsim run {scenario} --reps" in ci and f"results/{scenario}/latest/replications.csv" in ci
    install = re.search(r"pip install '[^']*'", quick_start()[0])
    assert install and install.group(0) in ci
