"""Every ``exsim`` command that README.md, docs/sensitivity.md or a comment in a shipped scenario, sweep or study
file shows is run here, in order (later ones read what earlier ones wrote), with fewer replications, and exits 0."""

from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner

from sim.cli import main
from tests.conftest import REPO
from tests.live import served

LIVE = {"serve"}  # commands that run until they are stopped
SHIPPED = [
    *sorted((REPO / "scenarios").glob("*.yaml")),
    *sorted((REPO / "configs" / "sweeps").glob("*.yaml")),
    *sorted((REPO / "configs" / "sensitivity").glob("*.yaml")),
]


def sources() -> list[tuple[str, list[str]]]:
    """(where, commands in order): README.md, then each shipped file with commands in its comments."""
    out = [("README.md", readme_commands()), ("docs/sensitivity.md", readme_commands("docs/sensitivity.md"))]
    out += [(p.name, comment_commands(p)) for p in SHIPPED]
    return [(name, cmds) for name, cmds in out if cmds]


def readme_commands(page: str = "README.md") -> list[str]:
    readme = (REPO / page).read_text()
    out = []
    for block in re.findall(r"```sh\n(.*?)```", readme, re.S):
        for line in block.splitlines():
            for part in line.split("#")[0].split("&&"):
                if part.strip().startswith("exsim "):
                    out.append(part.strip())
    return out


def comment_commands(path) -> list[str]:
    out = []
    for line in path.read_text().splitlines():
        m = re.match(r"\s*#\s*(?:Try:)?\s*(exsim .*?)(?:\s{2,}\(.*)?$", line)
        if m:
            out.append(m.group(1).strip())
    return out


def quick(args: list[str]) -> list[str]:
    """The same command with fewer replications, and no placeholder cluster address."""
    if ">" in args:  # a shell redirection: the output itself is not needed here
        args = args[: args.index(">")]
    for opt in ("--reps", "--scheduler", "--samples"):
        while opt in args:
            i = args.index(opt)
            del args[i : i + 2]
    if args[0] == "run" and "--from" not in args:  # --from repeats a stored run exactly
        traced = args[args.index("--trace") + 1] if "--trace" in args[:-1] else ""
        listed = [int(x) for x in traced.split(",")] if "," in traced else [1]
        args += ["--reps", str(max(2, max(listed) + 1))]  # enough replications for the ones traced
    elif args[0] == "sweep":
        args += ["--reps", "3"]
    elif args[0] == "sensitivity":  # a small design: 2 Morris trajectories or a Sobol' N of 2
        args += ["--reps", "2", "--samples", "2"]
    elif args[0] == "play":  # without a terminal: plain narration, the defaults at the end of input
        args += ["--batch", "3"]
    return args


def test_there_are_commands_to_run():
    assert len(readme_commands()) >= 10 and sum(len(c) for _, c in sources()) >= 20


@pytest.mark.parametrize(
    ("where", "commands"),
    [pytest.param(w, c, id=w, marks=[pytest.mark.slow] if w.endswith(".md") else []) for w, c in sources()],
)
def test_every_shown_command_runs(where, commands, tmp_path, monkeypatch):
    """In one fresh folder per source, in order, as a user copying them one after another would."""
    for name in ("scenarios", "configs"):
        (tmp_path / name).symlink_to(REPO / name)
    monkeypatch.chdir(tmp_path)
    failures = []
    for line in commands:
        args = quick(shlex.split(line)[1:])
        if args[0] in LIVE:  # a server: started on a free port, asked for a page, stopped with Ctrl-C
            with served(args[1:], tmp_path) as server:
                pass
            if server.exit_code != 0:
                failures.append(f"{line}\n  -> exit {server.exit_code}: {server.lines[-5:]}")
            continue
        answer = "" if args[0] == "play" else "y\n"  # "y": the confirmation runs --prune asks for
        r = CliRunner().invoke(main, args, input=answer)
        if r.exit_code != 0:
            failures.append(f"{line}\n  -> exit {r.exit_code}: {(r.stderr or r.output)[-400:]} {r.exception!r}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "line", ["exsim run island_retake --reps 50", "exsim sweep x.yaml --scheduler tcp://HOST:8786"]
)
def test_quick_drops_the_slow_and_the_placeholder_parts(line):
    args = quick(shlex.split(line)[1:])
    assert "50" not in args and "tcp://HOST:8786" not in args
