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
    assert install_run.endswith("exsim run birlestik_2024")
    assert install_test.endswith("pytest")


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text()
    assert quick_start()[1] in ci.splitlines()


def test_ci_runs_the_readme_run_command_on_the_same_scenario():
    ci = (REPO / ".ci" / "run").read_text()
    scenario = quick_start()[0].split()[-1]
    assert f"exsim run {scenario} --reps" in ci and f"results/{scenario}/latest/replications.csv" in ci
