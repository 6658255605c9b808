"""The README's promises: two quick-start commands, and CI runs the test one verbatim."""

from __future__ import annotations

import re

from click.testing import CliRunner

from sim.cli import main
from tests.conftest import REPO


def quick_start() -> list[str]:
    readme = (REPO / "README.md").read_text()
    block = re.search(r"## Quick start\s+```sh\n(.*?)```", readme, re.S)
    assert block, "README has no quick start block"
    return [line.split("#")[0].strip() for line in block.group(1).strip().splitlines()]


def test_quick_start_has_exactly_two_commands():
    install_run, install_test = quick_start()
    assert install_run.endswith("exsim run island_retake")
    assert install_test.endswith("pytest")


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text()
    assert quick_start()[1] in ci.splitlines()


def without_option(args: list[str], name: str) -> list[str]:
    if name not in args:
        return args
    i = args.index(name)
    return args[:i] + args[i + 2 :]


def test_readme_cli_examples_parse(tmp_path, monkeypatch):
    """Each `exsim …` line of the README's CLI section runs (run/check with few replications)."""
    monkeypatch.chdir(REPO)
    readme = (REPO / "README.md").read_text()
    section = readme.split("## The command line", 1)[1].split("```", 2)[1]
    for line in section.strip().splitlines()[1:]:
        args = line.split("#")[0].split(">")[0].split()[1:]
        if not args or args[0] in ("sweep", "compare", "export"):
            continue  # long-running or needing earlier results: tests/test_experiment.py runs these
        if args[:1] == ["run"]:  # keep it quick and out of the checkout
            args = without_option(without_option(args, "--reps"), "--out")
            args += ["--reps", "2", "--out", str(tmp_path / "out")]
        with monkeypatch.context() as m:
            if "my_" in line:  # the planner's own files: written and read in a folder of their own
                m.chdir(tmp_path)
            result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, (line, result.output, result.stderr)
