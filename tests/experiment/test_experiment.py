"""Sweeps: executors agree, interrupted sweeps resume exactly, common random numbers, interval coverage."""

from __future__ import annotations

import json
import math
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.errors import ExsimError
from sim.experiment import executors, history
from sim.experiment.design import SweepSpec, build_sweep, load_sweep
from sim.experiment.executors import Task
from sim.experiment.stats import mean_ci, wilson
from sim.experiment.store import FILE, ResultStore
from sim.experiment.sweep import Plan, run_plan, write_files
from tests.conftest import REPO, count_replications, table

BAD = Path(__file__).parents[1] / "bad_sweeps"


def island_sweep(tmp_path: Path, reps: int = 6, scenario: str = "island_retake", **factors: list) -> Path:
    factors = factors or {"units.ls-1.strength": [1, 2]}
    lines = [f"sweep:\n  name: t\n  scenario: {scenario}\n  replications: {reps}\n  factors:"]
    lines += [f"    {k.replace('__', '.')}: {v}" for k, v in factors.items()]
    path = tmp_path / "sweep.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def run_table(sweep_file: Path, out: Path, **kw) -> list[tuple]:
    plan = Plan.from_sweep(load_sweep(sweep_file))
    store = run_plan(plan, out, **kw)
    rows = table(store.rows(), store.metrics)
    store.close()
    return rows


@pytest.mark.slow
def test_serial_process_and_dask_give_identical_tables(tmp_path):
    sweep = island_sweep(tmp_path)
    serial = run_table(sweep, tmp_path / "serial", executor="serial")
    process = run_table(sweep, tmp_path / "process", executor="process", workers=2, batch=2)
    guided = run_table(sweep, tmp_path / "guided", executor="process", workers=2)  # tasks of 3, 2, 1, 1, ...
    dask = run_table(sweep, tmp_path / "dask", executor="dask", workers=2, batch=3)  # a LocalCluster on loopback
    assert len(serial) == 12
    assert serial == process == guided == dask


def test_a_local_dask_cluster_starts_with_its_housekeeping_made_rarer(tmp_path, monkeypatch):
    """The scheduler and nannies read these settings when they start, and pass them on to the workers."""
    dask = pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    seen: dict = {}

    class Started(Exception):
        pass

    def cluster(**kwargs):
        seen.update({key: dask.config.get(key) for key in executors.LOCAL_CLUSTER_CONFIG})
        raise Started

    monkeypatch.setattr(distributed, "LocalCluster", cluster)
    plan = Plan.from_sweep(load_sweep(island_sweep(tmp_path, reps=2)))
    with pytest.raises(Started):
        next(executors.execute([Task(0, plan.scenarios[0].scenario, 1, (0,))], "dask", workers=2))
    assert seen == {
        "distributed.worker.profile.enabled": False,  # no sample of the task's stack every 10 ms
        "distributed.admin.system-monitor.interval": "5s",
        "distributed.worker.memory.monitor-interval": "1s",
        "distributed.admin.tick.interval": "500ms",
    }
    assert dask.config.get("distributed.worker.profile.enabled") is True  # this process's own settings are kept


@pytest.mark.parametrize("workers", [1, 2, 8])
def test_guided_batches_cover_every_replication_once_shrinking_towards_the_end(workers):
    todo = [(0, list(range(5000))), (1, []), (2, [3, 7, *range(10, 4000)])]  # 5000: whole tasks of 50
    cut = list(executors.batches(todo, workers))
    for point, reps in todo:  # every replication once, in order, in its point's tasks
        assert [r for p, rs in cut if p == point for r in rs] == reps
    sizes = [len(rs) for _, rs in cut]
    assert max(sizes) == executors.MAX_BATCH and sizes == sorted(sizes, reverse=True) and sizes[-1] == 1
    # a task takes at most 1 / (SHARE x workers) of what is left (rounded up): the last ones are short
    left = 8992
    for n in sizes:
        assert n <= math.ceil(left / (executors.SHARE * workers))
        left -= n
    # fewer tasks than a fixed 25 (the former default) made, each a round trip to pay for: 360
    assert len(cut) < 0.7 * 8992 / 25
    fixed = list(executors.batches(todo, workers, size=25))
    assert {len(rs) for _, rs in fixed} == {25, 3992 - 159 * 25} and len(fixed) == 200 + 160


def test_the_process_pool_sends_each_scenario_once_not_with_every_batch(tmp_path, monkeypatch):
    """A scenario unpickled with every batch is a new object each time: the caches keyed by it filled with
    dead copies and a worker's memory grew with the replication count. Tasks now name their scenario."""
    from concurrent.futures import ProcessPoolExecutor

    sent: list[bytes] = []
    real = ProcessPoolExecutor.submit

    def submit(self, fn, /, *args, **kwargs):
        sent.append(pickle.dumps((fn, args, kwargs)))
        return real(self, fn, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", submit)
    plan = Plan.from_sweep(load_sweep(island_sweep(tmp_path, reps=3)))
    tasks = [
        Task(p.index, s.scenario, plan.seed, (r,))
        for p, s in zip(plan.points, plan.scenarios, strict=True)
        for r in range(3)
    ]

    def outcomes(executor: str, **kw) -> list[tuple]:  # NaN (no value) as None, so that equal means equal
        done = [o for batch in executors.execute(tasks, executor, **kw) for o in batch]
        return sorted((o.point, o.replication, {k: None if v != v else v for k, v in o.metrics.items()}) for o in done)

    pooled = outcomes("process", workers=2)
    assert len(sent) == 6 and max(map(len, sent)) < len(pickle.dumps(plan.scenarios[0].scenario)) / 20
    # each task ran on its own point's scenario: the same outcomes as in this process
    serial = outcomes("serial")
    assert pooled == serial and serial[0][2] != serial[3][2]  # the points differ: a swapped scenario would show


def test_with_many_points_each_batch_carries_its_scenario_and_a_worker_keeps_a_few(tmp_path, monkeypatch):
    """All of a big grid's scenarios in every worker would grow with the number of points (review finding):
    past SHARED_SCENARIOS_MAX the workers start with none, each batch brings its own, and the same results."""
    from concurrent.futures import ProcessPoolExecutor

    started: list[tuple] = []
    real_init = ProcessPoolExecutor.__init__

    def init(self, *args, **kwargs):
        started.append(kwargs.get("initargs", ()))
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "__init__", init)
    monkeypatch.setattr(executors, "SHARED_SCENARIOS_MAX", 1)  # two points are "many"
    plan = Plan.from_sweep(load_sweep(island_sweep(tmp_path, reps=2)))
    tasks = [
        Task(p.index, s.scenario, plan.seed, (r,))
        for p, s in zip(plan.points, plan.scenarios, strict=True)
        for r in range(2)
    ]

    def outcomes(executor: str, **kw) -> list[tuple]:
        done = [o for batch in executors.execute(tasks, executor, **kw) for o in batch]
        return sorted((o.point, o.replication, {k: None if v != v else v for k, v in o.metrics.items()}) for o in done)

    pooled = outcomes("process", workers=2)
    assert len(started) == 1 and started[0][1] == ()  # (parent pid, no scenarios)
    assert pooled == outcomes("serial")


def test_a_worker_keeps_one_object_per_recent_point_and_a_few_points_only(monkeypatch):
    monkeypatch.setattr(executors, "_interned_scenarios", {})
    a, a_copy, b = object(), object(), object()
    assert executors._interned(0, a) is a
    assert executors._interned(0, a_copy) is a  # a later batch's copy of the same point's scenario is dropped
    assert executors._interned(1, b) is b
    for point in range(2, 2 + executors.INTERNED_MAX):
        executors._interned(point, object())
    assert len(executors._interned_scenarios) == executors.INTERNED_MAX
    assert 0 not in executors._interned_scenarios and 1 not in executors._interned_scenarios


@pytest.mark.slow
def test_a_sweep_killed_part_way_resumes_to_the_same_table(tmp_path):
    sweep = island_sweep(
        tmp_path, reps=30, scenario="trans_caspian_logistics", supply_lines__sea_line__every=["2d", "4d"]
    )
    full = run_table(sweep, tmp_path / "full", executor="serial")
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim.cli",
            "sweep",
            str(sweep),
            "--out",
            str(out),
            "--executor",
            "serial",
            "--batch",
            "1",
            "--quiet",
        ],
        cwd=tmp_path,
    )
    work = history.partial(out)  # written out of sight, renamed to ``out`` when complete
    deadline = time.monotonic() + 120
    while count_replications(work / FILE) < 10 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the sweep finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = count_replications(work / FILE)
    assert 10 <= partial < 60 and not out.exists()
    r = CliRunner().invoke(
        main, ["sweep", str(sweep), "--out", str(out), "--executor", "serial", "--resume", "--quiet"]
    )
    assert r.exit_code == 0, r.output + r.stderr
    store = ResultStore.open(out)
    assert table(store.rows(), store.metrics) == full and not work.exists()


def sweep_ships(out: Path, reps: int, *extra: str):
    """`exsim sweep` of the island retake with one or two landing ships, serially, into ``out``."""
    args = ["sweep", "island_retake", "--vary", "units.ls-1.strength=1,2", "--reps", str(reps), "--out", str(out)]
    return CliRunner().invoke(main, [*args, "--executor", "serial", *extra])


def test_an_existing_folder_is_not_overwritten_and_a_changed_sweep_is_not_resumed(tmp_path):
    sweep = island_sweep(tmp_path, reps=2)
    run_table(sweep, tmp_path / "out", executor="serial")
    with pytest.raises(ExsimError, match="already holds results"):
        run_table(sweep, tmp_path / "out", executor="serial")
    changed = island_sweep(tmp_path, reps=3)
    with pytest.raises(ExsimError, match="different sweep or scenario"):
        run_table(changed, tmp_path / "out", executor="serial", resume=True)
    # resuming a finished sweep runs nothing and changes nothing
    before = run_table(sweep, tmp_path / "again", executor="serial")
    assert run_table(sweep, tmp_path / "again", executor="serial", resume=True) == before


def test_a_replication_that_raises_is_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch):
    real = executors.run_replication

    def flaky(scenario, seed, replication, **kw):
        if replication == 1:
            raise RuntimeError("boom")
        return real(scenario, seed, replication, **kw)

    monkeypatch.setattr(executors, "run_replication", flaky)
    plan = Plan.from_sweep(load_sweep(island_sweep(tmp_path, reps=3)))
    store = run_plan(plan, tmp_path / "out", executor="serial")
    rows = store.rows()
    assert len(rows) == 6
    errors = [r for r in rows if r["error"] is not None]
    assert [r["replication"] for r in errors] == [1, 1] and all("RuntimeError: boom" in r["error"] for r in errors)
    assert all(not math.isnan(r["end_time_h"]) for r in rows if r["error"] is None)
    # the sweep's summary counts each point's error and summarises the replications that ran
    shown = write_files(store, plan, {})
    written = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert [p["errors"] for p in written] == [1, 1]
    assert [p["metrics"]["end_time_h"]["n"] for p in written] == [shown[0]["end_time_h"].n, shown[1]["end_time_h"].n]
    assert shown[0]["end_time_h"].n == 2


def test_common_random_numbers_make_paired_differences_less_variable(tmp_path):
    """One landing ship against two: the same dice in the same replication, so the battle is the same."""
    sweep = load_sweep(island_sweep(tmp_path, reps=40))
    plan = Plan.from_sweep(sweep)
    store = run_plan(plan, tmp_path / "crn", executor="serial")
    m = "time_to_secure_h.island"
    one, two = store.values(0, m), store.values(1, m)
    paired = np.array([one[r] - two[r] for r in range(40)])
    # the same comparison without common random numbers: the second point with other seeds
    other = Plan(plan.name, plan.points[1:], plan.scenarios[1:], 40, plan.seed + 1, plan.spec)
    two_other = run_plan(other, tmp_path / "independent", executor="serial").values(1, m)
    unpaired = np.array([one[r] - two_other[r] for r in range(40)])
    assert paired.var(ddof=1) < 0.25 * unpaired.var(ddof=1)


@pytest.mark.slow
def test_confidence_intervals_cover_a_known_mean_at_their_level(tmp_path):
    """Casualties from a Poisson stream of 2 an hour over 10 hours: mean 20 exactly."""
    from sim.check import load_scenario
    from sim.experiment import run_replication
    from tests.models.test_medical import chain

    path = tmp_path / "poisson.yaml"
    path.write_text(chain(2.0, 1, (5, 1.0)).replace("duration: 1d", "duration: 10h"))
    s = load_scenario(path).scenario
    trials, n, hits, rate_hits = 300, 8, 0, 0
    p_true = 1 - math.exp(-20) * sum(20**k / math.factorial(k) for k in range(21))  # P(N > 20)
    for t in range(trials):
        xs = [run_replication(s, 1000 + t, i).metrics["casualties"] for i in range(n)]
        ci = mean_ci(xs)
        hits += ci.low <= 20 <= ci.high
        low, high = wilson(sum(x > 20 for x in xs), n)
        rate_hits += low <= p_true <= high
    tol = 3 * math.sqrt(0.95 * 0.05 / trials)
    assert abs(hits / trials - 0.95) <= tol, hits / trials
    assert rate_hits / trials >= 0.95 - tol  # Wilson intervals are, if anything, conservative at small n


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("unknown_path.yaml", 6, "no item with id 'zz' in units"),
        ("empty_values.yaml", 6, "at least 1 item"),
        ("wrong_type.yaml", 4, "valid integer"),
        ("bad_value.yaml", 7, "units.3.strength: Input should be a valid integer"),
        ("unknown_field.yaml", 5, "unknown field"),
        ("lhs_without_range.yaml", 2, "needs a range"),
        ("seed_factor.yaml", 2, "scenario.seed cannot be a factor"),
    ],
)
def test_bad_sweep_files_give_positioned_errors(tmp_path, name, line, words):
    r = CliRunner().invoke(main, ["sweep", str(BAD / name), "--out", str(tmp_path / "out"), "--executor", "serial"])
    assert r.exit_code == 2
    first = r.stderr.splitlines()[0]
    assert first.startswith(f"{BAD / name}:{line}:"), first
    assert words in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("factor", "words", "more"),
    [
        ("units.ls-9.strength: [1, 2, 3]", "no item with id 'ls-9'", 8),  # every one of the 9 points
        ("units.ls-1.strength: [1, two, 3]", "two", 2),  # the 3 points with strength two
        ("nope.x: [1, 2, 3]", "nope: unknown field", 8),  # a key the --set makes: the same at every value
    ],
)
def test_a_sweep_problem_found_at_many_points_is_told_once(tmp_path, factor, words, more):
    """A bad path fails at every point, a bad value at every point that has it: one line each, not one a point."""
    path = tmp_path / "s.yaml"
    path.write_text(
        "sweep:\n  name: bad\n  scenario: island_retake\n  replications: 2\n  factors:\n"
        f"    {factor}\n    assault_sorties:\n      path: phases.assault.orders.3.sorties\n      values: [2, 6, 10]\n"
    )
    r = CliRunner().invoke(main, ["sweep", str(path), "--out", str(tmp_path / "out")])
    assert r.exit_code == 2
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and words in lines[0], r.stderr
    assert lines[0].startswith(f"{path}:6:") and f"and {more} more points:" in lines[0], lines[0]


def test_a_seed_given_as_a_factor_on_the_command_line_is_refused(tmp_path):
    """Every point runs the same base seed's replications: a seed factor would be silently ignored."""
    args = ["sweep", "island_retake", "--vary", "scenario.seed=1,2", "--out", str(tmp_path / "o")]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2 and r.stderr.startswith("--vary: scenario.seed cannot be a factor"), r.stderr
    assert not (tmp_path / "o").exists()


def test_sweep_compare_export_through_the_cli(tmp_path):
    out = tmp_path / "lift"
    r = sweep_ships(out, 4, "--metric", "time_to_secure_h.island")
    assert r.exit_code == 0, r.output + r.stderr
    assert "ls-1.strength=1" in r.output and (out / "summary.json").is_file()
    r = CliRunner().invoke(
        main, ["compare", str(out), "--metric", "time_to_secure_h.island", "--baseline", "strength=2"]
    )
    assert r.exit_code == 0, r.output + r.stderr
    assert "worse" in r.output  # one landing ship needs a second trip: later, in every replication
    r = CliRunner().invoke(main, ["compare", str(out), "--baseline", "strength=7"])
    assert r.exit_code == 2 and "matches no point" in r.stderr
    for fmt in ("csv", "parquet"):
        r = CliRunner().invoke(main, ["export", str(out), "--format", fmt])
        assert r.exit_code == 0 and (out / f"results.{fmt}").is_file()
    import sim.results

    df = sim.results.load(out)
    assert len(df) == 8 and set(df["units.ls-1.strength"]) == {1, 2}
    assert "time_to_secure_h.island" in df.columns


def test_two_run_folders_compare_paired(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder, ships in ((a, 2), (b, 1)):
        r = CliRunner().invoke(
            main, ["run", "island_retake", "--reps", "5", "--out", str(folder), "--set", f"units.ls-1.strength={ships}"]
        )
        assert r.exit_code == 0
    r = CliRunner().invoke(main, ["compare", str(a), str(b), "--metric", "time_to_secure_h.island"])
    assert r.exit_code == 0 and "worse" in r.output


def test_latin_hypercube_has_one_point_per_stratum():
    spec = SweepSpec.model_validate(
        {
            "name": "lhs",
            "scenario": "island_retake",
            "replications": 1,
            "design": "lhs",
            "points": 10,
            "factors": {"x": {"path": "combat.killed_fraction", "range": {"low": 0.1, "high": 0.6}}},
        }
    )
    sweep = build_sweep(spec, "island_retake", "t", lambda key: None)
    xs = sorted(v for p in sweep.points for _, v in p.settings)
    assert [math.floor((x - 0.1) / 0.05) for x in xs] == list(range(10))


def test_shipped_sweep_file_with_fewer_replications_and_plain_progress(tmp_path):
    """Not a terminal: progress comes as plain lines on stderr; --reps overrides the file's replications."""
    out = tmp_path / "ships"
    r = CliRunner().invoke(
        main,
        [
            "sweep",
            str(REPO / "configs" / "sweeps" / "island_landing_ships.yaml"),
            "--reps",
            "2",
            "--out",
            str(out),
            "--executor",
            "serial",
        ],
    )
    assert r.exit_code == 0, r.output + r.stderr
    assert "18/18 replications (100 %)" in r.stderr and "0/18 replications (0 %)" in r.stderr
    store = ResultStore.open(out)
    assert len(store.points()) == 9 and len(store.rows()) == 18
    assert store.points()[0].settings == {"landing_ships": 1, "assault_sorties": 2}
    quiet = CliRunner().invoke(
        main,
        [
            "sweep",
            str(REPO / "configs" / "sweeps" / "medical_helicopters.yaml"),
            "--reps",
            "2",
            "--out",
            str(tmp_path / "med"),
            "--executor",
            "serial",
            "-q",
        ],
    )
    assert quiet.exit_code == 0 and quiet.output == "" and quiet.stderr == ""


def test_a_run_never_replaces_a_sweeps_results_without_force(tmp_path):
    out = tmp_path / "sweep"
    assert sweep_ships(out, 2, "-q").exit_code == 0
    before = (out / "summary.json").read_bytes()
    r = CliRunner().invoke(main, ["run", "island_retake", "--reps", "2", "--out", str(out)])
    assert r.exit_code == 2 and "already holds results; add --force" in r.stderr
    assert (out / "summary.json").read_bytes() == before and not (out / "replications.csv").exists()
    # --force replaces the folder whole: none of the sweep's files is left beside the run's
    r = CliRunner().invoke(main, ["run", "island_retake", "--reps", "2", "--out", str(out), "--force"])
    assert r.exit_code == 0, r.stderr
    assert not (out / "scenarios.json").exists() and json.loads((out / "manifest.json").read_text())["kind"] == "run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sweep"]


def test_sequential_stopping_doubles_replications_until_the_interval_is_narrow(tmp_path):
    out = tmp_path / "seq"
    r = sweep_ships(out, 4, "-q", "--precision", "killed.coalition=0.8", "--max-reps", "64")
    assert r.exit_code == 0, r.output + r.stderr
    store = ResultStore.open(out)
    for p in store.points():
        rows = store.rows(p.index)
        n = len(rows)
        assert n in (4, 8, 16, 32, 64) and [r["replication"] for r in rows] == list(range(n))
        s = mean_ci([r["killed.coalition"] for r in rows])
        assert (s.high - s.low) / 2 <= 0.8 or n == 64
        if n > 4:  # it grew only because the interval half as long was still too wide
            half = mean_ci([r["killed.coalition"] for r in rows[: n // 2]])
            assert (half.high - half.low) / 2 > 0.8
    assert max(len(store.rows(p.index)) for p in store.points()) > 4
    bad = sweep_ships(tmp_path / "bad", 20, "--precision", "nonsense=0.1")
    assert bad.exit_code == 2 and "unknown metric 'nonsense'" in bad.stderr
    assert not (tmp_path / "bad").exists()


def test_tracing_a_replication_that_raised_keeps_the_finished_run(tmp_path, monkeypatch):
    """Replication 0 raises in the run, and would again when replayed for its trace: the run's folder
    (with the error recorded) must survive, and the other traces be written."""
    from click.testing import CliRunner

    from sim.cli import main
    from sim.experiment import replay

    real_run, real_trace = executors.run_replication, replay.trace

    def flaky(scenario, seed, replication, **kw):
        if replication == 0:
            raise RuntimeError("boom")
        return real_run(scenario, seed, replication, **kw)

    def trace(scenario, seed, replication, **kw):
        if replication == 0:
            raise RuntimeError("boom")
        return real_trace(scenario, seed, replication, **kw)

    monkeypatch.setattr(executors, "run_replication", flaky)
    monkeypatch.setattr(replay, "trace", trace)
    out = tmp_path / "run"
    args = ["run", "island_retake", "--reps", "3", "--executor", "serial", "--trace", "all", "--out", str(out)]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 1 and "RuntimeError: boom" in r.stderr, r.output + r.stderr
    assert (out / "replications.csv").is_file() and (out / "traces" / "rep-1.jsonl").is_file()
    assert not (out / "traces" / "rep-0.jsonl").exists()
