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


def cli_section() -> list[str]:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## The command line", 1)[1].split("```", 2)[1]
    return [line.split("#")[0].split(">")[0].strip() for line in section.strip().splitlines()[1:]]


def test_readme_cli_examples_run(tmp_path, monkeypatch):
    """Every `exsim …` line of the README's CLI section runs, in order, in a fresh folder (fewer
    replications; a remote Dask scheduler is the one line that cannot run here)."""
    monkeypatch.chdir(tmp_path)
    ran = []
    for line in cli_section():
        args = line.split()[1:]
        if not args or "tcp://HOST:8786" in args:
            continue
        args = [str(REPO / a) if a.startswith(("scenarios/", "configs/")) else a for a in args]
        if args[0] in ("run", "sweep") and "--from" not in args:
            args = [*without_option(args, "--reps"), "--reps", "2"]
        result = CliRunner().invoke(main, args, input="y\n")
        assert result.exit_code == 0, (line, result.output, result.stderr)
        ran.append(args[0])
    assert {"run", "runs", "compare", "export", "sweep", "check", "list"} <= set(ran)
    assert (tmp_path / "results" / "island_retake" / "latest" / "replications.csv").is_file()
