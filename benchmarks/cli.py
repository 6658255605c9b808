"""CLI start-up: `exsim --help` and `exsim run birlestik_2024` against `python -c "import numpy"`, side by side.

    python benchmarks/cli.py [--rounds 7]

Each round runs the commands one after the other as fresh processes (in a rotating order), timing
wall and CPU (user + system of the child, from getrusage). Goals: `exsim --help` <= 1.5x the wall
time of `python -c "import numpy"`; `exsim run birlestik_2024` (the README's first command: 20
replications, the summary printed, here into /dev/null) <= 4x it (issue 27); `exsim run island_retake
--reps 1` <= 0.5 s of CPU. Median (min-max) over rounds; the ratio is taken within each round.

The commands run as they do once exsim is installed: with their bytecode compiled (pip compiles it at
install time; here one untimed round writes it under a temporary PYTHONPYCACHEPREFIX, whatever
PYTHONDONTWRITEBYTECODE says), and with libyaml if ruamel.yaml.clib is installed (a dependency; the
first line says whether it is). Compiling exsim's modules on every start would add about 0.08 s of CPU.
`exsim run` keeps the scenarios it validated (sim/check/cache.py), here in the temporary folder: the
untimed round fills it, so `exsim run birlestik_2024` is timed as it runs again (a class's second run, and
each after it); `exsim run birlestik_2024, no cache` (EXSIM_CACHE_DIR=off) as on a first run or after an edit.
Two more commands only import, and run nothing: exsim run's dependencies (numpy, simpy, pydantic, click,
rich, ruamel.yaml), then those and the models a replication needs (the schema, the models, the engine):
the floor that any exsim run stands on, as a ratio to `import numpy` beside the goal.
Last, three more runs of `exsim run birlestik_2024` under `-X importtime` show where its imports go, by package.
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/queue.py (named by its issue) would shadow the standard library's `queue` for any script
# run from this folder: take the script's folder off the import path before anything imports `queue`.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import importlib.util
import os
import re
import resource
import statistics
import subprocess
import tempfile
import time
from collections import Counter

RUN = ["run", "island_retake", "--reps", "1", "--out", "out", "--force"]
FLAGSHIP = ["run", "birlestik_2024", "--out", "flagship", "--force"]  # the README's first command (and a folder)


NO_CACHE = {"EXSIM_CACHE_DIR": "off"}  # the command as on its first run: validated, not read back
# what exsim run birlestik_2024 cannot do without, imported and nothing more: the floor under the 4x goal
DEPENDENCIES = "import numpy, simpy, pydantic, click, rich.console, ruamel.yaml"
MODELS = "import sim.config.schema, sim.models.registry, sim.engine.world, sim.experiment.runner"


def timed(cmd: list[str], cwd: str, env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def spread(xs: list[float], fmt: str = "{:.2f}") -> str:
    return f"{fmt.format(statistics.median(xs))} ({fmt.format(min(xs))}-{fmt.format(max(xs))}, n={len(xs)})"


def imports_by_package(cmd: list[str], cwd: str, env: dict[str, str], runs: int = 3) -> dict[str, float]:
    """Milliseconds of import time of ``cmd`` by top-level package: ``-X importtime``'s self times (wall
    clock, slowed a little by the measuring), the median of ``runs`` runs."""
    by: dict[str, list[float]] = {}
    for i in range(runs):
        out = subprocess.run(
            [cmd[0], "-X", "importtime", *cmd[1:]], cwd=cwd, env=env, check=True, capture_output=True, text=True
        )
        one: Counter[str] = Counter()
        for m in re.finditer(r"^import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)$", out.stderr, re.M):
            one[m[2].split(".")[0].lstrip("_")] += int(m[1]) / 1000
        for name in one.keys() | by.keys():
            by.setdefault(name, [0.0] * i).append(one[name])
    return {name: statistics.median(ms) for name, ms in by.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    py = sys.executable
    commands = {
        "python (no imports)": [py, "-c", "pass"],
        "import numpy": [py, "-c", "import numpy"],
        "exsim --help": [py, "-m", "sim.cli", "--help"],
        "exsim run --reps 1": [py, "-m", "sim.cli", *RUN],
        "exsim run birlestik": [py, "-m", "sim.cli", *FLAGSHIP],
        "exsim run birlestik, no cache": [py, "-m", "sim.cli", *FLAGSHIP],
        "its dependencies imported": [py, "-c", DEPENDENCIES],
        "and exsim's models imported": [py, "-c", f"{DEPENDENCIES}; {MODELS}"],
    }
    own_env = {"exsim run birlestik, no cache": NO_CACHE}
    names = list(commands)
    wall: dict[str, list[float]] = {n: [] for n in names}
    cpu: dict[str, list[float]] = {n: [] for n in names}
    libyaml = importlib.util.find_spec("_ruamel_yaml") is not None
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (shared: other work may run)")
    print(f"libyaml (ruamel.yaml.clib): {'yes' if libyaml else 'NO: YAML is parsed in pure Python, slower'}")
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        env["EXSIM_CACHE_DIR"] = str(Path(tmp) / "scenarios")  # exsim run's cache: this run's own
        for n in names:  # untimed: compiles the bytecode, as an install does (and fills exsim run's cache)
            timed(commands[n], tmp, {**env, **own_env.get(n, {})})
        for r in range(args.rounds):
            for n in names[r % len(names) :] + names[: r % len(names)]:
                w, c = timed(commands[n], tmp, {**env, **own_env.get(n, {})})
                wall[n].append(w)
                cpu[n].append(c)
        by = imports_by_package(commands["exsim run birlestik"], tmp, env)
    print(f"{args.rounds} rounds, median (min-max, n), seconds")
    for n in names:
        print(f"  {n:29s}: wall {spread(wall[n])}, CPU {spread(cpu[n])}")
    ratio = [h / i for h, i in zip(wall["exsim --help"], wall["import numpy"], strict=True)]
    print(f"  exsim --help / import numpy (wall): {spread(ratio)}  (goal <= 1.5)")
    flagship = [r / i for r, i in zip(wall["exsim run birlestik"], wall["import numpy"], strict=True)]
    print(f"  exsim run birlestik_2024 / import numpy (wall): {spread(flagship)}  (goal <= 4.0)")
    first = [r / i for r, i in zip(wall["exsim run birlestik, no cache"], wall["import numpy"], strict=True)]
    print(f"  the same, no cache (a first run) / import numpy (wall): {spread(first)}")
    for n in ("its dependencies imported", "and exsim's models imported"):
        floor = [d / i for d, i in zip(wall[n], wall["import numpy"], strict=True)]
        print(f"  {n} / import numpy (wall): {spread(floor)}  (information: the floor under the 4.0)")
    print(f"  exsim run island_retake --reps 1, CPU: {spread(cpu['exsim run --reps 1'])} s  (goal <= 0.5)")
    top = ", ".join(f"{name} {ms:.0f}" for name, ms in sorted(by.items(), key=lambda kv: -kv[1])[:8])
    print(f"  exsim run birlestik_2024, its imports (-X importtime, median of 3, ms): {sum(by.values()):.0f}; {top}")
    print("  (import times are wall clock, measured with some overhead: a busy machine inflates them)")


if __name__ == "__main__":
    main()
