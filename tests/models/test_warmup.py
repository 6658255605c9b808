"""scenario.warmup: queue statistics count from the warm-up on, so a run that starts empty reports the steady state."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.config.durations import MIN_PER_DAY
from sim.errors import ScenarioError
from sim.experiment import build_world, run_replication
from sim.models import medical
from tests.models.test_logistics import erlang_c_wait, sea
from tests.models.test_medical import CHAIN

# test_medical's chain at one place with one facility and a warm-up: an M/M/c queue that starts empty.
MMC = CHAIN.replace("duration: {days}d}}", "duration: {days}d, warmup: {warmup}d}}").replace(
    "{facilities}", "    - {{id: s0, role: 1, at: camp, teams: {c}, treatment: {mean_min}min}}"
)


def _runs(load, reps: int, **kw: float) -> dict[str, np.ndarray]:
    s = load(MMC.format(**kw))
    runs = [run_replication(s, 29, i).metrics for i in range(reps)]
    return {k: np.array([m[k] for m in runs]) for k in ("wait_h.s0", "queue_avg.s0", "team_utilisation.s0")}


def _se(xs: np.ndarray) -> float:
    return float(xs.std(ddof=1) / math.sqrt(len(xs)))


def test_warmup_removes_the_start_up_bias(load):
    """M/M/3 at ρ = 0.7 (one-hour treatments) over 2 days, with and without a 1-day warm-up (about two
    relaxation times, 1/(cμ(1-√ρ)²) ≈ 12.5 h), on the same random numbers.

    Replications are independent, so each mean's SE is the replications' standard deviation over √R.
    Started empty, the queue is shorter than in the steady state for most of a day: without the warm-up
    the time-average queue Lq and the utilisation fall short of Erlang C's λ·Wq and ρ by more than 3 SE
    (one-sided: an empty start can only shorten the queue); with it they are within 4 SE. The mean wait
    is closer to Erlang C's Wq with the warm-up than without. (Over one measured day it still reads low:
    casualties still waiting at the end are not counted, and a mean of 50 waits is a biased ratio; the
    slow test below measures for twelve days.)
    """
    lam, c, mean_min = 2.1, 3, 60.0
    wq, rho = erlang_c_wait(lam, 60.0 / mean_min, c), lam * mean_min / 60.0 / c
    warm = _runs(load, 600, days=2, warmup=1, lam=lam, c=c, mean_min=mean_min)
    cold = _runs(load, 600, days=2, warmup=0, lam=lam, c=c, mean_min=mean_min)
    for key, expected in (("queue_avg.s0", lam * wq), ("team_utilisation.s0", rho)):
        assert abs(warm[key].mean() - expected) <= 4 * _se(warm[key]), (key, warm[key].mean(), expected)
        assert cold[key].mean() < expected - 3 * _se(cold[key]), (key, cold[key].mean(), expected)
    assert abs(warm["wait_h.s0"].mean() - wq) < abs(cold["wait_h.s0"].mean() - wq)


@pytest.mark.slow
def test_wait_after_a_warmup_matches_erlang_c(load):
    """The same M/M/3: a 2-day warm-up and 12 days measured give Erlang C's Wq within 4 SE (independent
    replications; with ~600 waits a run, the bias the run's end and the ratio leave is of the order of
    1/600, lost in the noise); one day without a warm-up reads more than 4 SE short of it."""
    lam, c, mean_min = 2.1, 3, 60.0
    wq = erlang_c_wait(lam, 60.0 / mean_min, c)
    warm = _runs(load, 100, days=14, warmup=2, lam=lam, c=c, mean_min=mean_min)["wait_h.s0"]
    assert abs(warm.mean() - wq) <= 4 * _se(warm), (warm.mean(), wq, _se(warm))
    cold = _runs(load, 300, days=1, warmup=0, lam=lam, c=c, mean_min=mean_min)["wait_h.s0"]
    assert cold.mean() < wq - 4 * _se(cold), (cold.mean(), wq, _se(cold))


# Five casualties an hour after H-hour, one exactly at the warm-up (a day), one team, ten beds.
KNOWN = """\
scenario: {name: known arrivals, duration: 2d, warmup: 1d}
map:
  places:
    camp: {kind: training_area, lat: 43.5, lon: 51.3}
sides:
  blue: {}
units:
  - {id: coy, type: inf, side: blue, at: camp}
unit_types:
  inf: {strength: 100}
medical:
  dnbi_per_1000_per_day: 0
  triage_mix: {combat: {T2: 1.0}}
  hazard: {}
  mass_casualties: [{at: 1h, place: camp, count: 5}, {at: 1d, place: camp, count: 1}]
  facilities:
    - {id: s0, role: 1, at: camp, teams: 1, beds: 10, treatment: 1min}
"""


def test_statistics_before_the_warmup_are_dropped(load):
    """The five early casualties queue for the one team; they are long gone (1-minute treatments) when the
    warm-up ends. The one who comes at the warm-up itself finds nobody: counted, and it waited for nothing."""
    warm = build_world(load(KNOWN), 1, trace=True)
    warm.run()
    m = medical.metrics(warm)
    assert (m["casualties"], m["evacuated"], m["in_care"]) == (1, 1, 0)
    assert (m["wait_h.s0"], m["wait_p90_h.s0"], m["queue_avg.s0"], m["peak_beds.s0"]) == (0, 0, 0, 1)
    assert medical.state(warm).stages["s0"].arrivals == 1
    # the team was busy only with the last casualty, from its arrival to its end in the trace, over one day
    last = medical.state(warm).casualties[-1]
    done = next(e["t"] for e in warm.log.records if e["kind"] == "evacuated" and e["id"] == last.id)
    assert last.care == MIN_PER_DAY
    assert m["team_utilisation.s0"] == pytest.approx((done - last.care) / MIN_PER_DAY, rel=1e-12)
    cold = build_world(load(KNOWN, "scenario.warmup=0"), 1)
    cold.run()
    m0 = medical.metrics(cold)
    assert (m0["casualties"], m0["peak_beds.s0"]) == (6, 5)
    assert m0["wait_h.s0"] > 0 and m0["queue_avg.s0"] > 0  # four of the five early ones waited


def test_a_warmup_as_long_as_the_run_is_refused(load):
    with pytest.raises(ScenarioError) as e:
        load(KNOWN, "scenario.warmup=2d")
    assert [(p.field, p.message) for p in e.value.problems] == [
        (
            "scenario.warmup",
            "the warm-up must end before the run does (scenario.duration) (set by --set scenario.warmup=2d)",
        )
    ]


@pytest.mark.parametrize(
    ("warmup_h", "wait_h", "busy_h"),
    [(0, 0.5, 2.0), (21, 0.5, 2.0), (22.5, math.nan, 1.5)],
)
def test_port_berth_statistics_count_from_the_warmup(load, warmup_h, wait_h, busy_h):
    """Two ferries reach a one-berth port together at 22 h (2 h loading, 20 h at sea) and unload 1 h each:
    one waits an hour. A warm-up at 22.5 h leaves out both requests (made at 22 h) and the first half hour
    of the berth's busy time; the run ends at 40 h, before they come back."""
    text = sea(2, duration="40h").replace(
        "    b: {kind: port, lat: 43, lon: 51}", "    b: {kind: port, lat: 43, lon: 51, berths: 1}"
    )
    m = run_replication(load(text, f"scenario.warmup={warmup_h}h"), 1).metrics
    assert m["berth_wait_h.b"] == pytest.approx(wait_h, nan_ok=True)
    assert m["berth_utilisation.b"] == pytest.approx(busy_h / (40 - warmup_h))
