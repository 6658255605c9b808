"""The hostile corpus: files and options that once ended in a traceback, a hang, a file outside the output
folder or a system file echoed back. Each must end with exit 0 or 2 and its own clear message, in time.

Files live in tests/hostile/; special files (a FIFO, /dev/zero, a folder, a huge file) are made or named
here. Everything runs the real CLI: in-process through CliRunner, and through a real process where a
hang or the console script itself is what is being tested.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sim.cli import main
from sim.errors import MAX_SHOWN

HOSTILE = Path(__file__).parents[1] / "hostile"
VALID = HOSTILE / "valid_baseline.yaml"
LIMIT_S = 30  # a case that takes longer counts as a hang

# file -> (exit of `check`, exit of `run --reps 1`, words of the message of whichever refuses it)
EXPECTED: dict[str, tuple[int, int, str]] = {
    # numbers: NaN, infinity and values that would run for hours
    "duration_1e308.yaml": (2, 2, "scenario.duration: 1e+308 is not a time"),
    "duration_over_budget.yaml": (2, 2, "at most 3650 days (the run budget)"),
    "duration_nan.yaml": (2, 2, "nan is not a time"),
    "duration_minus_inf.yaml": (2, 2, "-inf is not a time"),
    "strength_1e12.yaml": (2, 2, "units.1.strength: Input should be less than or equal to 100000"),
    "strength_10_30.yaml": (2, 2, "units.1.strength: Input should be less than or equal to 100000"),
    "type_strength_float_1e12.yaml": (2, 2, "unit_types.inf.strength: Input should be less than or equal"),
    "kill_rate_inf.yaml": (2, 2, "kill_rate_per_h: Input should be a finite number"),
    "kill_rate_nan.yaml": (2, 2, "kill_rate_per_h: Input should be a finite number"),
    "speed_nan.yaml": (2, 2, "speed_kmh.sea: Input should be a finite number"),
    "latitude_nan.yaml": (2, 2, "map.places.port.lat: Input should be a finite number"),
    "distance_1e300.yaml": (2, 2, "distance_km: Input should be less than or equal to 1000000000"),
    "capacity_2_63.yaml": (2, 2, "capacity_personnel: Input should be less than or equal to 100000"),
    "objective_nan_bound.yaml": (2, 2, "at_most: Input should be a finite number"),
    "objective_inf_bound.yaml": (2, 2, "at_least: Input should be a finite number"),
    "wait_1e308.yaml": (2, 2, "duration: a duration must be a finite, non-negative time"),
    "zero_treatment.yaml": (2, 2, "facilities.1.treatment: Input should be greater than 0"),
    "tiny_treatment.yaml": (0, 0, "ok:"),
    "teams_huge.yaml": (2, 2, "teams: Input should be less than or equal to 100000"),
    "schedule_every_second.yaml": (2, 2, "every: must be at least 1 min"),
    "continuous_line.yaml": (0, 0, "ok:"),
    "cargo_2_63.yaml": (2, 2, "cargo.fuel: Input should be less than or equal to 1000000000"),
    "cargo_inf.yaml": (2, 2, "cargo.fuel: Input should be a finite number"),
    "time_overflow.yaml": (2, 2, "is too far from H-hour"),
    "h_time_huge.yaml": (2, 2, "is too far from H-hour"),
    "negative_seed.yaml": (2, 2, "scenario.seed: Input should be greater than or equal to 0"),
    "seed_5000_digits.yaml": (2, 2, "scenario.seed: a number of 5,000 digits: at most 4,300 are read"),
    "string_strength.yaml": (2, 2, "unit_types.inf.strength: Input should be a valid integer"),
    "bool_strength.yaml": (0, 0, "ok:"),
    # the run budget
    "budget_tiny.yaml": (0, 2, "more than 10 events, the run budget"),
    "budget_zero.yaml": (2, 2, "scenario.max_events: Input should be greater than 0"),
    # orders that make no sense
    "embark_on_itself.yaml": (2, 2, "phases.0.orders.1.on: a unit cannot embark on itself"),
    "lift_itself.yaml": (2, 2, "a transport cannot lift itself"),
    # the YAML reader
    "deep_flow.yaml": (2, 2, "nesting is deeper than 64 levels"),
    "deep_block_sequence.yaml": (2, 2, "nesting is deeper than 64 levels"),
    "deep_mapping.yaml": (2, 2, "nesting is deeper than 64 levels"),
    "deep_alias_chain.yaml": (2, 2, "nesting is deeper than 64 levels"),
    "null_key.yaml": (2, 2, "sides: a key is empty or null"),
    "empty_key.yaml": (2, 2, "sides: a key is empty or null"),
    "merge_key.yaml": (2, 2, "merge keys '<<' are not supported"),
    "list_as_key.yaml": (2, 2, "keys must be plain names, not lists or mappings"),
    "python_name_tag.yaml": (2, 2, "YAML syntax"),
    "binary_tag.yaml": (2, 2, "YAML tag !!binary is not allowed"),
    "set_tag.yaml": (2, 2, "YAML tag !!set is not allowed"),
    "custom_tag.yaml": (2, 2, "YAML tag !include is not allowed"),
    "multi_document.yaml": (2, 2, "expected a single document"),
    "only_document_marker.yaml": (2, 2, "scenario file is empty"),
    "top_level_number.yaml": (2, 2, "must be a mapping with scenario:, not a number"),
    "top_level_list.yaml": (2, 2, "must be a mapping with scenario:, not a list"),
    "top_level_text.yaml": (2, 2, "must be a mapping with scenario:, not text"),
    "not_exsim_config.yaml": (2, 2, "not a scenario file: none of its top-level keys is scenario:"),
    "many_unknown_fields.yaml": (2, 2, "junk_0: unknown field"),
    "id_with_emoji.yaml": (2, 2, "units.0.id: String should match pattern"),
    "utf16_bom.yaml": (2, 2, "the file is UTF-16 text; save it as UTF-8"),
    "utf16_no_bom.yaml": (2, 2, "the file looks like UTF-16 text"),
    "utf32_bom.yaml": (2, 2, "the file is UTF-32 text"),
    "utf8_bom.yaml": (0, 0, "ok:"),
    "latin1.yaml": (2, 2, "not UTF-8 text"),
    "nul_in_text.yaml": (2, 2, "binary file, not YAML text"),
    # catalogues that are not catalogues
    "catalog_system_file.yaml": (2, 2, "unit catalogue must be a mapping with unit_types:, not text"),
    "catalog_proc_file.yaml": (2, 2, "/proc/self/status:1:"),
    "catalog_folder.yaml": (2, 2, "catalog: catalogue"),
    "catalog_device.yaml": (2, 2, "/dev/zero: is a character device, not a YAML file"),
    "catalog_not_a_catalogue.yaml": (2, 2, "not a unit catalogue: none of its top-level keys is unit_types:"),
    "catalog_itself.yaml": (2, 2, "scenario: unknown field"),
    # rich markup in user text
    "markup_name.yaml": (0, 0, "ok:"),
    "markup_description.yaml": (0, 0, "ok:"),
    "valid_baseline.yaml": (0, 0, "ok:"),
}

SYSTEM_FILES = [Path("/etc/passwd"), Path("/etc/group")]


class Hang(BaseException):
    """Raised by the alarm: not an Exception, so nothing in exsim can catch it."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def alarm(signum: int, frame: object) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def tree(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


def system_lines() -> set[str]:
    lines: set[str] = set()
    for f in SYSTEM_FILES:
        if f.is_file():
            lines |= {ln.strip() for ln in f.read_text(errors="replace").splitlines() if len(ln.strip()) >= 8}
    status = Path("/proc/self/status")
    if status.is_file():
        lines |= {ln.strip() for ln in status.read_text().splitlines() if len(ln.strip()) >= 8 and ":" in ln}
    return lines


def invoke(args: list[str], cwd: Path, limit_s: float = LIMIT_S) -> Result:
    """The real CLI in-process, from ``cwd``, within the time limit; checks the promises common to all cases."""
    before_cwd, before_corpus = tree(cwd), tree(HOSTILE)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with time_limit(limit_s):
            result = CliRunner().invoke(main, args)
    finally:
        os.chdir(old)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert len(result.stderr.splitlines()) <= MAX_SHOWN + 2, "one line per problem, and not a flood"
    echoed = [ln for ln in result.output.splitlines() if ln.strip() in SYSTEM_LINES]
    assert not echoed, f"system file echoed: {echoed[:3]}"
    written = tree(cwd) - before_cwd
    out = cwd / "out"
    assert all(p == out or out in p.parents for p in written), f"written outside the output folder: {written}"
    assert tree(HOSTILE) == before_corpus, "nothing may be written next to the scenario"
    return result


SYSTEM_LINES = system_lines()


def test_the_corpus_is_complete_and_large_enough():
    assert sorted(p.name for p in HOSTILE.glob("*.yaml")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 40


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_check_answers_each_hostile_file_cleanly(name, tmp_path):
    want, _, words = EXPECTED[name]
    result = invoke(["check", str(HOSTILE / name)], tmp_path)
    assert result.exit_code == want, result.output
    assert ("ok:" if want == 0 else words) in result.output
    if want == 2:
        first = result.stderr.splitlines()[0]
        assert re.match(r"^\S[^:]*(:\d+:\d+)?: ", first), f"not file[:line:col]: message — {first!r}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_run_answers_each_hostile_file_cleanly(name, tmp_path):
    _, want, words = EXPECTED[name]
    result = invoke(["run", str(HOSTILE / name), "--reps", "1", "--out", "out"], tmp_path)
    assert result.exit_code == want, result.output
    if want == 2:
        assert words in result.stderr
        assert not (tmp_path / "out").exists(), "a refused run writes nothing"
    else:
        assert (tmp_path / "out" / "replications.csv").is_file()


def test_more_problems_than_shown_are_counted_not_listed(tmp_path):
    result = invoke(["check", str(HOSTILE / "many_unknown_fields.yaml")], tmp_path)
    lines = result.stderr.splitlines()
    assert len(lines) == MAX_SHOWN + 1
    assert lines[-1].endswith(f"{300 - MAX_SHOWN} more problems not shown")


@pytest.mark.slow
def test_five_thousand_supplied_units_run_and_their_warnings_are_counted(tmp_path):
    """Thousands of metric columns for the store, and a lint warning per idle unit for the terminal."""
    units = "".join(f"  - {{id: s{i}, type: supplied, side: blue, at: port}}\n" for i in range(5000))
    text = (
        VALID.read_text()
        .replace("unit_types:\n", "unit_types:\n  supplied: {strength: 1, carries: {water: 100, rations: 1}}\n")
        .replace("units:\n", "units:\n" + units)
    )
    scenario = tmp_path / "many.yaml"
    scenario.write_text(text)
    work = tmp_path / "work"
    work.mkdir()
    for args in (["check", str(scenario)], ["run", str(scenario), "--reps", "1", "--out", "out", "-q"]):
        result = invoke(args, work, limit_s=180)
        assert result.exit_code == 0, result.output
        lines = result.stderr.splitlines()
        assert len(lines) == MAX_SHOWN + 1 and lines[-1] == f"{scenario}: {5000 - MAX_SHOWN} more warnings not shown"
    columns = (work / "out" / "replications.csv").read_text().splitlines()[0].split(",")
    assert sum(c.startswith("stockout_h.s") for c in columns) == 2 * 5000


# --- special files, made or named here ------------------------------------------------------------------


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


def special_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as f:
        f.write(b"a: " + b"x" * 3_000_000 + b"\n")
    return {
        "dev_zero": (Path("/dev/zero"), "/dev/zero: is a character device, not a YAML file"),
        "dev_null": (Path("/dev/null"), "/dev/null: is a character device, not a YAML file"),
        "folder": (tmp_path, "is a folder, not a YAML file"),
        "missing": (tmp_path / "nope.yaml", "nope.yaml: file not found"),
        "huge": (huge, "file is too large"),
    }


@pytest.mark.parametrize("kind", ["dev_zero", "dev_null", "folder", "missing", "huge"])
@pytest.mark.parametrize("command", ["check", "run", "sweep"])
def test_special_files_are_refused_without_reading_them(kind, command, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    path, words = special_files(tmp_path)[kind]
    vary = ["--vary", "units.b1.strength=1,2"]
    extra = {"check": [], "run": ["--out", "out"], "sweep": [*vary, "--out", "out"]}[command]
    result = invoke([command, str(path), *extra], work)
    assert result.exit_code == 2
    assert words in result.stderr


def test_a_fifo_is_refused_at_once_in_a_real_process(fifo, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "check", str(fifo)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=LIMIT_S,
    )
    assert proc.returncode == 2
    assert proc.stderr == f"{fifo}: is a named pipe (FIFO), not a YAML file\n"


def test_an_unreadable_file_is_named_not_a_traceback(tmp_path, monkeypatch):
    import sim.config.yamlsafe as yamlsafe

    def refuse(path, flags, *args):  # as for a file without read permission (root can read anything)
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(yamlsafe.os, "open", refuse)
    result = invoke(["check", str(VALID)], tmp_path)
    assert result.exit_code == 2
    assert result.stderr == f"{VALID}: permission denied: this file cannot be read\n"


# --- options --------------------------------------------------------------------------------------------

V = str(VALID)
SWEEP = ["sweep", V, "--vary", "units.b1.strength=1,2", "--reps", "1", "--out", "out", "--executor", "serial", "-q"]

# (arguments, exit code, words of the message)
OPTIONS: list[tuple[list[str], int, str]] = [
    (["run", V, "--reps", "0", "--out", "out"], 2, "exsim run: Invalid value for '--reps'"),
    (["run", V, "--reps", "x"], 2, "'x' is not a valid integer range"),
    (["run", V, "--seed", "-1"], 2, "Invalid value for '--seed'"),
    (["run", V, "--bogus"], 2, "exsim run: No such option '--bogus'"),
    (["bogus"], 2, "exsim: No such command 'bogus'"),
    (["run"], 2, "give a SCENARIO"),
    (["run", "no_such_scenario"], 2, "no_such_scenario"),
    (["run", V, "--set", "units"], 2, "expected --set dotted.path=value"),
    (["run", V, "--set", "units.b1.strength=[/bold]"], 2, "units.0.strength: Input should be a valid integer"),
    (["run", V, "--set", "scenario.duration=.nan"], 2, "nan is not a time"),
    (["run", V, "--set", "scenario.duration=1e308"], 2, "is not a time"),
    (["run", V, "--set", "units.0.strength=1e12"], 2, "less than or equal to 100000"),
    (["run", V, "--set", "scenario.max_events=10", "--out", "out"], 2, "more than 10 events, the run budget"),
    (["run", V, "--max-events", "0"], 2, "Invalid value for '--max-events'"),
    (["run", V, "--max-events", "many"], 2, "Invalid value for '--max-events'"),
    (["run", V, "--max-events", "25", "--reps", "1", "--out", "out"], 2, "more than 25 events, the run budget"),
    (["run", V, "--reps", "1", "--max-events", "100000", "--out", "out", "-q"], 0, ""),
    (["run", V, "--reps", "1", "--out", "out/[/bold] [red]x", "-q"], 0, ""),
    (["run", V, "--reps", "1", "--out", "out", "--set", "scenario.name='[/bold] [red'"], 0, "[/bold] [red"),
    ([*SWEEP[:-1], "--vary", "scenario.description=a[/bold]b,c[/]"], 0, "a[/bold]b"),
    (["sweep", V, "--vary", "units.b1.strength=1,,2"], 2, "value 2 ('') is not a plain number"),
    (["sweep", V, "--vary", "units.b1.strength=[1,2]"], 2, "value 1 ('[1') is not a plain number"),
    (["sweep", V, "--vary", "units.b1.strength={a: 1}"], 2, "is not a plain number"),
    (["sweep", V, "--vary", "scenario.name=[/bold],x"], 2, "is not a plain number"),
    (["sweep", V, "--vary", "=1,2"], 2, "expected PATH=V1,V2"),
    (["sweep", V, "--vary", "units.b1.strength="], 2, "expected PATH=V1,V2"),
    (["sweep", V, "--vary", "scenario.duration=.nan,1h"], 2, "value 1 ('.nan') is not a finite number"),
    (["sweep", V], 2, "give --vary"),
    (["sweep", V, "--vary", "units.b1.strength=1", "--precision", "end_time_h=inf"], 2, "--precision end_time_h=inf"),
    (["sweep", V, "--vary", "units.b1.strength=1", "--precision", "end_time_h=nan"], 2, "--precision end_time_h=nan"),
    (["sweep", V, "--vary", "units.b1.strength=1", "--precision", "end_time_h"], 2, "expected METRIC=HALF_WIDTH"),
    (["sweep", V, "--vary", "units.b1.strength=1", "--precision", "=0.1"], 2, "expected METRIC=HALF_WIDTH"),
    (["sweep", V, "--vary", "units.b1.strength=1", "--workers", "0"], 2, "Invalid value for '--workers'"),
    (["sweep", V, "--vary", "units.b1.strength=1", "--workers", "1000"], 2, "1000 is not in the range"),
    (["sweep", V, "--vary", "units.b1.strength=1", "--executor", "nope"], 2, "Invalid value for '--executor'"),
    (["sweep", V, "--vary", "scenario.seed=1", "--executor", "dask", "--scheduler", "no address"], 2, "expected an"),
    (["sweep", V, "--vary", "scenario.seed=1", "--executor", "dask", "--scheduler", "http://h:1"], 2, "protocol"),
    (["sweep", V, "--vary", "scenario.seed=1", "--executor", "dask", "--scheduler", "tcp://h:99999"], 2, "expected"),
    (["sweep", V, "--vary", "scenario.seed=1", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1"], 2, "reach"),
    (["sweep", V, "--vary", "scenario.seed=1", "--max-events", "0"], 2, "Invalid value for '--max-events'"),
    ([*SWEEP, "--max-events", "100000"], 0, ""),
    (["check", V, "--set", "nope.x=1"], 2, "unknown field"),
    (["check", V, "--set", "scenario.duration=H+1e999h"], 2, "is not a time"),
    (["export", "out", "--format", "xml"], 2, "Invalid value for '--format'"),
    (["schema"], 0, '"title": "exsim scenario"'),
]


def test_there_are_enough_option_cases():
    assert len(OPTIONS) >= 30


@pytest.mark.parametrize(("args", "code", "words"), OPTIONS, ids=[" ".join(a[:1] + a[2:])[:60] for a, _, _ in OPTIONS])
def test_each_hostile_option_is_answered_cleanly(args, code, words, tmp_path):
    result = invoke(args, tmp_path)
    assert result.exit_code == code, result.output
    assert words in (result.stderr if code else result.output)
    if code == 2:
        assert len(result.stderr.splitlines()) == 1, "one line per problem"


def test_a_sweep_over_its_run_budget_stops_at_once_with_the_message(tmp_path):
    """Not once per replication: the first replication over the budget stops the sweep."""
    result = invoke([*SWEEP, "--max-events", "25"], tmp_path)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert re.fullmatch(
        r"replication \d+ stopped at simulated minute [\d,.]+: it needs more than 25 events, the run budget "
        r"\(--max-events, or scenario.max_events\); raise it if this scenario really needs more\n",
        result.stderr,
    )


def test_usage_errors_are_one_line_from_the_console_script(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", V, "--reps", "zero"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=LIMIT_S,
    )
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "exsim run: Invalid value for '--reps': 'zero' is not a valid integer range. (see exsim run --help)"
    ]


def test_a_bug_ends_with_a_short_report_and_exit_70(tmp_path, monkeypatch):
    """Without EXSIM_DEBUG an internal error is one line naming the exception and where it was raised."""
    import sim.cli.run

    def broken(*args, **kwargs):
        return {}["no such key"]

    monkeypatch.delenv("EXSIM_DEBUG")
    monkeypatch.setattr(sim.cli.run, "record", broken)
    result = invoke(["run", V, "--reps", "1", "--out", "out"], tmp_path)
    assert result.exit_code == 70
    assert result.stderr.splitlines() == [
        "exsim: internal error (a bug in exsim, not in your input): KeyError: 'no such key' "
        "at test_hostile.py:" + str(broken.__code__.co_firstlineno + 1) + " in broken; "
        "EXSIM_DEBUG=1 shows the traceback"
    ]


def test_with_exsim_debug_a_bug_propagates(tmp_path, monkeypatch):
    import sim.cli.run

    monkeypatch.setattr(sim.cli.run, "record", lambda *a, **k: 1 / 0)
    result = CliRunner().invoke(main, ["run", V, "--reps", "1", "--out", str(tmp_path / "out")])
    assert isinstance(result.exception, ZeroDivisionError)


def test_an_os_error_on_a_users_path_is_one_line_with_exit_2(tmp_path, monkeypatch):
    """The boundary's backstop: an OSError that no reader turned into a message names its file."""
    import sim.cli.run

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "/somewhere/results")

    monkeypatch.setattr(sim.cli.run, "record", denied)
    result = invoke(["run", V, "--reps", "1", "--out", "out"], tmp_path)
    assert result.exit_code == 2
    assert result.stderr == "/somewhere/results: permission denied\n"
