"""Mutation testing by named faults: apply each single-line fault, run the tests that should catch it, restore.

Run from the repository root:

    python tools/mutation.py              # every fault: prints killed/survived and the score
    python tools/mutation.py --list       # the faults, each checked to apply to the current code
    python tools/mutation.py -k hazard    # only faults whose name contains "hazard"

A fault is *killed* when its tests fail (pytest's exit status 1, and only that: a collection error, a
misspelt test path or an interrupted run is an *error*, never a kill); one that survives is a behaviour no
test pins down. The unmutated copy runs first, with every fault's tests: if it does not pass, nothing is
counted (exit 2). The mutation run is not part of the default test suite (tests/product/test_mutation.py
runs it only with EXSIM_MUTATION=1); a cheap test of the tool itself is. Each
fault names the tests to run (a few files, so a full run takes minutes, not hours). Each fault is
applied to a copy of the repository in a temporary folder, never to the checkout itself: the tests
running beside it (pytest-xdist's other workers, an editor) never see a mutated file. The faults are
the ones an independent review found surviving (issue 9) and the behaviours added since; a fault
whose text no longer matches the code is reported as stale, so the list cannot silently rot.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Fault:
    name: str
    path: str  # relative to the repository root
    old: str  # must occur exactly once in the file
    new: str
    tests: tuple[str, ...]  # pytest node ids or files


COMBAT = ("tests/models/test_lanchester.py", "tests/models/test_deterministic.py", "tests/engine/test_engine.py")
FAULTS: tuple[Fault, ...] = (
    # --- issue 9's list ---------------------------------------------------------------------------
    Fault(
        "suppression ignored",
        "sim/models/combat.py",
        "c.suppression_factor if suppressed else 1.0",
        "1.0",
        COMBAT,
    ),
    Fault(
        "fire support ignores the defence factor",
        "sim/models/fires.py",
        "kill_prob * factor / victim.type.protection",
        "kill_prob / victim.type.protection",
        ("tests/models/test_deterministic.py", "tests/engine/test_engine.py"),
    ),
    Fault(
        "fire support ignores the target's protection",
        "sim/models/fires.py",
        "kill_prob * factor / victim.type.protection",
        "kill_prob * factor",
        ("tests/models/test_deterministic.py", "tests/engine/test_engine.py"),
    ),
    Fault(
        "the defender fires with the attacker's modifier",
        "sim/models/combat.py",
        "rate_a = lanchester.loss_rate(law, mod_b * power_b",
        "rate_a = lanchester.loss_rate(law, mod_a * power_b",
        COMBAT,
    ),
    Fault(
        "killed share fixed at 0.5",
        "sim/models/combat.py",
        "p = combat.killed_fraction",
        "p = 0.5",
        COMBAT,
    ),
    Fault(
        "dying-of-wounds hazard doubled",
        "sim/models/medical.py",
        "b, s = h.base_per_min, h.slope_per_min2",
        "b, s = 2 * h.base_per_min, 2 * h.slope_per_min2",
        ("tests/models/test_medical.py",),
    ),
    Fault(
        "linear law with the wrong reference strength",
        "sim/models/combat.py",
        "rate_a = lanchester.loss_rate(law, mod_b * power_b, sva, a, self.ref_a)",
        "rate_a = lanchester.loss_rate(law, mod_b * power_b, sva, a, self.ref_b)",
        COMBAT,
    ),
    Fault(
        "every element's kill rate from the attacker's type",
        "sim/models/combat.py",
        "power = sum(u.type.kill_rate_per_min * u.strength",
        "power = sum(self.attackers[0].type.kill_rate_per_min * u.strength",
        COMBAT,
    ),
    Fault(
        "a z interval for the t interval",
        "sim/experiment/stats.py",
        "half = _t(n, level) * sd / math.sqrt(n)",
        "half = 1.959963984540054 * sd / math.sqrt(n)",
        (
            "tests/experiment/test_intervals.py",
            "tests/experiment/test_experiment.py",
            "tests/experiment/test_compare.py",
        ),
    ),
    Fault(
        "Wilson interval [0, 1]",
        "sim/experiment/stats.py",
        "return max(0.0, centre - half), min(1.0, centre + half)",
        "return 0.0, 1.0",
        (
            "tests/experiment/test_intervals.py",
            "tests/experiment/test_experiment.py",
            "tests/experiment/test_compare.py",
        ),
    ),
    Fault(
        "broken at the breakpoint itself (<= for <)",
        "sim/models/lanchester.py",
        "strength < break_fraction * reference",
        "strength <= break_fraction * reference",
        COMBAT,
    ),
    # --- behaviours added with issue 9 ------------------------------------------------------------
    Fault(
        "deterministic strengths not brought up to now",
        "sim/models/combat.py",
        "        if self._ode is None:\n            return\n        sol, t0, units",
        "        if True:\n            return\n        sol, t0, units",
        ("tests/models/test_deterministic.py",),
    ),
    Fault(
        "a strike on a deterministic fight uses stale strengths",
        "sim/models/fires.py",
        "        eng.sync()  # a deterministic",
        "        pass  # a deterministic",
        ("tests/models/test_deterministic.py",),
    ),
    Fault(
        "deck slots ignored",
        "sim/config/lift.py",
        "and self.slots <= room.slots + _EPS",
        "",
        ("tests/engine/test_engine.py",),
    ),
    Fault(
        "weight ignored",
        "sim/config/lift.py",
        "and self.tonnes <= room.tonnes + _EPS",
        "",
        ("tests/engine/test_engine.py",),
    ),
    Fault(
        "vehicle crews take seats",
        "sim/config/lift.py",
        "seats = 0 if t.slots_per_element > 0 else",
        "seats =",
        ("tests/engine/test_engine.py",),
    ),
    Fault(
        "failed orders not counted",
        "sim/models/orders.py",
        "        self.by_kind[kind_of(ev.reason)] += 1",
        "        pass",
        ("tests/models/test_orders.py",),
    ),
    Fault(
        "a full facility never blocks",
        "sim/models/medical.py",
        "return self.beds is not None and self.beds.count >= self.beds.capacity",
        "return False",
        ("tests/models/test_medical_blocking.py",),
    ),
    Fault(
        "full one bed late (> for >=)",
        "sim/models/medical.py",
        "return self.beds is not None and self.beds.count >= self.beds.capacity",
        "return self.beds is not None and self.beds.count > self.beds.capacity",
        ("tests/models/test_medical_blocking.py",),
    ),
    Fault(
        "a blocked casualty gives up its bed upstream",
        "sim/models/medical.py",
        "        reserved = None\n        if nxt.spec.when_full",
        "        self._leave_bed(stage, bed)\n        bed = None\n"
        "        reserved = None\n        if nxt.spec.when_full",
        ("tests/models/test_medical_blocking.py",),
    ),
    Fault(
        "diverted casualties turned away instead",
        "sim/models/medical.py",
        '                    if spec.when_full == "turn_away":',
        '                    if spec.when_full in ("turn_away", "divert"):',
        ("tests/models/test_medical_blocking.py",),
    ),
    Fault(
        "waits before the warm-up kept",
        "sim/models/medical.py",
        "counted = arrived >= self.since",
        "counted = True",
        ("tests/models/test_warmup.py",),
    ),
    Fault(
        "time-averages integrate from the start, not the warm-up",
        "sim/engine/monitor.py",  # a facility's queue and teams busy are monitors
        "if t > warmup:\n            last = self.last\n            dt = t - (last if last > warmup else warmup)",
        "if True:\n            last = self.last\n            dt = t - last",
        ("tests/models/test_warmup.py",),
    ),
    Fault(
        "casualties before the warm-up counted",
        "sim/models/medical.py",
        "cs = [c for c in ms.casualties if c.injured >= ms.since] if ms.since else ms.casualties",
        "cs = ms.casualties",
        ("tests/models/test_warmup.py",),
    ),
    Fault(
        "berth waits before the warm-up kept",
        "sim/models/supply_lines.py",
        "if t0 >= self.since:",
        "if True:",
        ("tests/models/test_warmup.py",),
    ),
    Fault(
        "the fuel check refuels at any level",
        "sim/check/fuel.py",
        "if tank.level <= tank.capacity * s.logistics.refill_below * (1 + 1e-6):",
        "if True:",
        ("tests/check/test_check_fuel.py",),
    ),
    Fault(
        "the fuel check counts a lift as one trip",
        "sim/check/fuel.py",
        "trips = len(waves(trip_room(t, count, together), shuttles(t, count, together), lifted))",
        "trips = 1",
        ("tests/check/test_check_fuel.py",),
    ),
    Fault(
        "a unit's aircraft and vehicles always move as one",
        "sim/config/lift.py",
        "return not together and strength > 1 and is_platform(t)",
        "return False",
        ("tests/models/test_assets.py",),
    ),
    Fault(
        "a unit too big for one trip is never split into waves",
        "sim/config/lift.py",
        "elif was_split or not need.fits(empty):",
        "elif False:",
        ("tests/models/test_assets.py",),
    ),
    Fault(
        "aircraft flying apart burn none of their unit's fuel",
        "sim/models/logistics.py",
        "            rates = {cls: rates[cls] + self._assets_extra(unit, cls) for cls in tanks}",
        "            pass",
        ("tests/models/test_assets.py",),
    ),
    Fault(
        "an order's with: is ignored",
        "sim/engine/rendezvous.py",
        "siblings = [s for s in order.with_ if s != unit.id]",
        "siblings: list[str] = []",
        ("tests/models/test_assets.py",),
    ),
    Fault(
        "a unit waits for its siblings to be ready but not to arrive with them",
        "sim/engine/rendezvous.py",
        "arrive = max(arrive, (now if waits else t) + way)",
        "pass",
        ("tests/models/test_assets.py",),
    ),
    Fault(
        "the fuel check ignores sorties",
        "sim/check/fuel.py",
        "per_sortie = list(fs.per_sortie.items()) if fs else []",
        "per_sortie = []",
        ("tests/check/test_check_fuel.py",),
    ),
    # --- issue 25 -------------------------------------------------------------------------------------
    Fault(
        "closures do not stack: any end reopens the route",
        "sim/engine/world.py",
        "        elif holders[by] > 0:\n            holders[by] -= 1",
        "        else:\n            holders.clear()",
        ("tests/models/test_exercise.py",),
    ),
    Fault(
        "a side breaks as a whole when it breaks at one place",
        "sim/models/combat.py",
        "        if side_broken(world, loser):",
        "        if True:",
        ("tests/models/test_broken.py",),
    ),
    Fault(
        "a damaged platform's crew enter the chain as one casualty",
        "sim/models/combat.py",
        "Wounded(unit, (n - killed) * crew(unit.type))",
        "Wounded(unit, n - killed)",
        ("tests/models/test_crews.py",),
    ),
    Fault(
        "a destroyed platform's crew are not counted killed",
        "sim/models/combat.py",
        'm[f"killed.{side}"] = float(sum(u.killed * crew(u.type) for u in units))',
        'm[f"killed.{side}"] = float(sum(u.killed for u in units if not is_platform(u.type)))',
        ("tests/models/test_crews.py",),
    ),
    Fault(
        "the 10 of 10-1-2 measured at the Role 1",
        "sim/models/medical.py",
        '"t1_care_10min_share": _share(t1, "first_aid", 10, now)',
        '"t1_care_10min_share": _share(t1, "care", 10, now)',
        ("tests/models/test_medical.py",),
    ),
    Fault(
        "waits by triage category mixed up",
        "sim/models/medical.py",
        "self.triage_waits[c.triage].append(env.now - arrived)",
        'self.triage_waits["T1"].append(env.now - arrived)',
        ("tests/models/test_medical.py",),
    ),
    Fault(
        "no heat illness without water",
        "sim/models/medical.py",
        "rate = base + (heat if self.world.bus.publish(Thirsty(unit)).thirsty else 0.0)",
        "rate = base",
        ("tests/models/test_plausibility.py::test_running_out_of_water_brings_heat_illness",),
    ),
    Fault(
        "a depot's served places get nothing",
        "sim/models/logistics.py",
        "                self.depots_at.setdefault(place, []).append(self.depots[spec.id])",
        "                pass",
        ("tests/models/test_logistics.py",),
    ),
    Fault(
        "the care window leaves out its exact end",
        "sim/models/medical.py",
        "if t is not None and t - c.injured <= within:",
        "if t is not None and t - c.injured < within:",
        ("tests/models/test_medical.py",),
    ),
    Fault(
        "the liaison and common-procedure factors swapped",
        "sim/models/c2.py",
        "delay *= io.liaison_factor\n        if io.common_procedure:\n            delay *= io.common_procedure_factor",
        "delay *= io.common_procedure_factor\n        if io.common_procedure:\n            delay *= io.liaison_factor",
        ("tests/models/test_exercise.py",),
    ),
    Fault(
        "a place secured at the deadline counts as late",
        "sim/models/objectives.py",
        "(o.within is None or t <= o.within)",
        "(o.within is None or t < o.within)",
        ("tests/models/test_exercise.py",),
    ),
    Fault(
        "a metric at its at_most bound counts as missed",
        "sim/models/objectives.py",
        "(o.at_most is None or value <= o.at_most)",
        "(o.at_most is None or value < o.at_most)",
        ("tests/models/test_exercise.py",),
    ),
    Fault(
        "a delivery at exactly the on-time tolerance counts as late",
        "sim/models/supply_lines.py",
        "on_time = env.now <= planned + world.scenario.logistics.on_time_tolerance",
        "on_time = env.now < planned + world.scenario.logistics.on_time_tolerance",
        ("tests/models/test_exercise.py::test_a_delivery_exactly_at_the_tolerance_is_on_time",),
    ),
    Fault(
        "a leg ending at the instant of a closure counts as still ahead",
        "sim/engine/geo.py",
        "            if done > elapsed:",
        "            if done >= elapsed:",
        ("tests/models/test_exercise.py::test_a_leg_ending_at_the_instant_of_its_closure_is_not_turned_back",),
    ),
    Fault(
        "the monitor counts a level held across the warm-up from its start",
        "sim/engine/monitor.py",
        "dt = t - (last if last > warmup else warmup)",
        "dt = t - last",
        ("tests/engine/test_monitor.py",),
    ),
    Fault(
        "arrivals ignore their decaying rate",
        "sim/models/medical.py",
        "            if not a.steady:",
        "            if False:",
        (
            "tests/models/test_casualty_sources.py::test_a_decaying_stream_brings_the_integral_of_its_rate_between_from_and_until",
        ),
    ),
    Fault(
        "nobody is killed at the scene",
        "sim/models/medical.py",
        "if killed_at_scene > 0 and self.world.streams",
        "if killed_at_scene > 1 and self.world.streams",
        ("tests/models/test_casualty_sources.py::test_killed_at_the_scene_never_enter_the_chain_and_are_counted",),
    ),
    Fault(
        "one DNBI rate for every group",
        "sim/models/medical.py",
        "rates = [per_min if same else groups.per_person_per_min(self._group(u)) for u in units]",
        "rates = [per_min for u in units]",
        ("tests/models/test_casualty_sources.py::test_each_group_falls_ill_at_its_own_rate",),
    ),
    Fault(
        "a drawn effect duration is its mean",
        "sim/models/injects.py",
        'minutes = draws.sample(world, lasting, f"for:{source}")',
        "minutes = lasting.mean",
        ("tests/models/test_casualty_sources.py::test_a_range_of_durations_is_drawn_uniformly_between_its_ends",),
    ),
    Fault(
        "night is day",
        "sim/models/night.py",
        "        if self.cal.is_day(now):",
        "        if True:",
        ("tests/engine/test_daylight.py::test_a_day_only_aircraft_waits_for_sunrise",),
    ),
)


def _apply(f: Fault) -> tuple[Path, str]:
    path = ROOT / f.path
    text = path.read_text(encoding="utf-8")
    if text.count(f.old) != 1:
        raise LookupError(f"stale fault {f.name!r}: its text occurs {text.count(f.old)} times in {f.path}")
    return path, text


def outcome(f: Fault) -> str:
    """killed (its tests fail), survived (they pass) or error (pytest did not run them: a collection error, a
    wrong path, an interruption), in a copy of the repository with the fault applied."""
    _, text = _apply(f)
    return _pytest_in_copy(f.tests, {f.path: text.replace(f.old, f.new)})


def run(f: Fault) -> bool:
    """True when the fault is killed; an error is raised, never counted as a kill."""
    got = outcome(f)
    if got == "error":
        raise RuntimeError(f"the tests of fault {f.name!r} did not run (a wrong path, a collection error)")
    return got == "killed"


def baseline(faults: list[Fault]) -> str:
    """The unmutated copy with every fault's tests: passed, failed or error."""
    tests = tuple(dict.fromkeys(t for f in faults for t in f.tests))
    got = _pytest_in_copy(tests, {})
    return {"survived": "passed", "killed": "failed"}.get(got, got)


def _pytest_in_copy(tests: tuple[str, ...], changes: dict[str, str]) -> str:
    with tempfile.TemporaryDirectory(prefix="exsim-mutant-") as tmp:
        copy = Path(tmp) / "repo"
        shutil.copytree(ROOT, copy, ignore=_NOT_COPIED, symlinks=True)
        for path, text in changes.items():
            (copy / path).write_text(text, encoding="utf-8")
        # one process (-n 0): a fault's few test files run in seconds, and workers would only add start-up
        cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-n", "0", "-p", "no:cacheprovider", *tests]
        env = {**os.environ, "PYTHONPATH": str(copy)}  # the copy's sim, not the installed checkout's
        done = subprocess.run(cmd, cwd=copy, capture_output=True, text=True, env=env)
        return {0: "survived", 1: "killed"}.get(done.returncode, "error")


_NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv*", "__pycache__", ".*_cache", "results", "plays", "site", "build", "dist", "*.egg-info"
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--list", action="store_true", help="list the faults (each checked to apply) and stop")
    ap.add_argument("-k", default="", help="only faults whose name contains this")
    args = ap.parse_args(argv)
    faults = [f for f in FAULTS if args.k in f.name]
    for f in faults:
        _apply(f)  # every fault applies before any runs
    if args.list:
        for f in faults:
            print(f"{f.name}  ({f.path})")
        return 0
    base = baseline(faults)
    if base != "passed":
        print(f"the unmutated copy's tests {base}: no fault can be judged", flush=True)
        return 2
    survivors, errors = [], []
    for f in faults:
        got = outcome(f)
        print(f"{got.upper() if got != 'killed' else 'killed  '}  {f.name}", flush=True)
        (survivors if got == "survived" else errors if got == "error" else []).append(f.name)
    killed = len(faults) - len(survivors) - len(errors)
    print(f"mutation score: {killed}/{len(faults)} killed" + (f", {len(errors)} errors" if errors else ""))
    return 2 if errors else 1 if survivors else 0


if __name__ == "__main__":
    raise SystemExit(main())
