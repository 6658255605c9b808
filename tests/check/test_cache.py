"""exsim run's cache of validated scenarios (sim/check/cache.py): read back only for exactly the inputs it
was made from, and the same scenario as loading it again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.check import cache, load_scenario
from sim.cli import main
from sim.errors import ScenarioError
from tests.conftest import RUN_FILES, duel_yaml


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def no_loading(monkeypatch):
    """After this, loading a scenario (not reading it back from the cache) fails the test."""

    def arm() -> None:
        def refuse(*args, **kwargs):
            raise AssertionError("loaded again: the cache was not used")

        monkeypatch.setattr(cache, "load_scenario", refuse)

    return arm


def test_a_second_load_reads_the_same_scenario_back(write, folder, no_loading):
    path = write(duel_yaml())
    first = cache.load_cached(path, ("combat.suppression_factor=0.5",), folder=folder)
    no_loading()
    again = cache.load_cached(path, ("combat.suppression_factor=0.5",), folder=folder)
    fresh = load_scenario(path, ("combat.suppression_factor=0.5",))
    assert again is not first and again.scenario == fresh.scenario
    assert (again.digest, again.resolved_json, again.catalogue_digest) == (
        fresh.digest,
        fresh.resolved_json,
        fresh.catalogue_digest,
    )
    assert (again.path, again.overrides, again.warnings, again.times) == (
        fresh.path,
        fresh.overrides,
        fresh.warnings,
        fresh.times,
    )


def test_editing_the_file_is_seen(write, folder):
    path = write(duel_yaml(a0=10))
    assert cache.load_cached(path, folder=folder).scenario.unit_types["blue_inf"].strength == 10
    write(duel_yaml(a0=12))
    assert cache.load_cached(path, folder=folder).scenario.unit_types["blue_inf"].strength == 12


def test_editing_a_catalogue_it_names_is_seen(write, folder):
    """The scenario's own bytes are unchanged: only the entry's record of its catalogue's bytes can tell."""
    catalogue = "unit_types:\n  red_inf: {{strength: {n}, kill_rate_per_h: 3.0}}\n"
    write(catalogue.format(n=8), "units.yaml")
    text = duel_yaml().replace("  red_inf:  {strength: 8, kill_rate_per_h: 3.0}\n", "")
    path = write("catalog: units.yaml\n" + text)
    assert cache.load_cached(path, folder=folder).scenario.unit_types["red_inf"].strength == 8
    write(catalogue.format(n=9), "units.yaml")
    assert cache.load_cached(path, folder=folder).scenario.unit_types["red_inf"].strength == 9


def test_overrides_are_inputs_too(write, folder):
    path = write(duel_yaml())
    assert cache.load_cached(path, folder=folder).scenario.scenario.seed == 1
    assert cache.load_cached(path, ("scenario.seed=5",), folder=folder).scenario.scenario.seed == 5
    assert cache.load_cached(path, folder=folder).scenario.scenario.seed == 1


def test_the_cost_limit_is_an_input_too(write, folder, monkeypatch):
    """The cost check refuses a replication estimated over EXSIM_MAX_REPLICATION (this one: about 0.04 s)."""
    path = write(duel_yaml(duration="100d"))
    monkeypatch.setenv("EXSIM_MAX_REPLICATION", "none")
    cache.load_cached(path, folder=folder)
    monkeypatch.setenv("EXSIM_MAX_REPLICATION", "0.01s")
    with pytest.raises(ScenarioError, match=r"EXSIM_MAX_REPLICATION=0\.01s"):
        cache.load_cached(path, folder=folder)


def test_another_version_of_the_code_does_not_read_it(write, folder, monkeypatch):
    path = write(duel_yaml())
    cache.load_cached(path, folder=folder)
    monkeypatch.setattr(cache, "_code_stamp", lambda: "an edited module")
    cache.load_cached(path, folder=folder)
    assert len(list(folder.glob("*.pickle"))) == 2


def test_a_broken_entry_is_a_miss_and_written_again(write, folder, no_loading):
    path = write(duel_yaml())
    cache.load_cached(path, folder=folder)
    (entry,) = folder.glob("*.pickle")
    entry.write_bytes(entry.read_bytes()[:100])
    assert cache.load_cached(path, folder=folder).scenario.unit_types["blue_inf"].strength == 10
    no_loading()
    assert cache.load_cached(path, folder=folder).scenario.unit_types["blue_inf"].strength == 10


def test_an_entry_others_may_write_is_not_read(write, folder):
    """Reading a pickle can run code: an entry anyone could have replaced is loaded again, not read."""
    path = write(duel_yaml())
    cache.load_cached(path, folder=folder)
    (entry,) = folder.glob("*.pickle")
    entry.chmod(0o666)
    assert cache._read(entry) is None
    entry.chmod(0o600)
    assert cache._read(entry) is not None


def test_a_scenario_with_problems_is_reported_every_time_and_not_kept(write, folder):
    path = write(duel_yaml().replace("at: hill}", "at: nowhere}"))
    for _ in range(2):
        with pytest.raises(ScenarioError, match="nowhere"):
            cache.load_cached(path, folder=folder)
    assert not list(folder.glob("*.pickle"))


def test_the_folder_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(cache.CACHE_VAR, str(tmp_path / "c"))
    assert cache.cache_dir() == tmp_path / "c"
    for off in ("off", "0", ""):
        monkeypatch.setenv(cache.CACHE_VAR, off)
        assert cache.cache_dir() is None
    monkeypatch.delenv(cache.CACHE_VAR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "exsim"


def test_only_the_newest_entries_are_kept(write, folder, monkeypatch):
    monkeypatch.setattr(cache, "KEEP", 2)
    path = write(duel_yaml())
    for seed in range(4):
        cache.load_cached(path, (f"scenario.seed={seed}",), folder=folder)
    assert len(list(folder.glob("*.pickle"))) == 2


def test_exsim_run_from_the_cache_writes_what_it_writes_without(write, tmp_path, monkeypatch):
    path = write(duel_yaml())
    outputs = []
    for setting in ("off", str(tmp_path / "c"), str(tmp_path / "c")):  # no cache, then written, then read
        monkeypatch.setenv(cache.CACHE_VAR, setting)
        out = tmp_path / f"out{len(outputs)}"
        r = CliRunner().invoke(main, ["run", str(path), "--reps", "3", "--out", str(out)], catch_exceptions=False)
        assert r.exit_code == 0, r.output
        manifest = json.loads((out / "manifest.json").read_text())
        for when in ("started", "finished", "wall_s", "cpu_s", "replications_s", "command"):
            del manifest[when]
        outputs.append(
            (
                r.output.replace(str(out), "OUT"),
                manifest,
                *((out / name).read_bytes() for name in RUN_FILES if name.endswith((".csv", "summary.json"))),
                (out / "scenario.json").read_bytes(),
            )
        )
    assert len(list((tmp_path / "c").glob("*.pickle"))) == 1
    assert outputs[0] == outputs[1] == outputs[2]
