"""Random streams keyed by model and entity: a change to one engagement leaves every other's numbers alone,
so common random numbers pair replications more tightly than one shared combat stream did."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine import rng
from sim.experiment import run_replication

TWO_FIGHTS = """\
scenario: {{name: two fights, duration: 48h, seed: 5}}
unit_types:
  blue_inf: {{strength: 30, kill_rate_per_h: 1.0, speed_kmh: {{land: 6}}}}
  red_inf:  {{strength: 20, kill_rate_per_h: 0.8}}
map:
  places:
    camp:  {{kind: training_area, lat: 43.5, lon: 51.3}}
    north: {{kind: objective, lat: 43.6, lon: 51.3}}
    south: {{kind: objective, lat: 43.4, lon: 51.3}}
  routes:
    - {{from: camp, to: north, mode: land, distance_km: 3}}
    - {{from: camp, to: south, mode: land, distance_km: 3}}
sides:
  blue: {{break_fraction: 0.3}}
  red:  {{break_fraction: 0.3}}
units:
  - {{id: bn, type: blue_inf, side: blue, at: camp}}
  - {{id: bs, type: blue_inf, side: blue, at: camp}}
  - {{id: rn, type: red_inf, side: red, at: north, strength: {north}}}
  - {{id: rs, type: red_inf, side: red, at: south}}
phases:
  - id: attack
    orders: [{{unit: bn, do: assault, target: north}}, {{unit: bs, do: assault, target: south}}]
"""


def paired_differences(load, metric: str, reps: int = 40) -> np.ndarray:
    """``metric`` with the northern defenders at 20 and at 26, replication by replication."""
    a, b = load(TWO_FIGHTS.format(north=20)), load(TWO_FIGHTS.format(north=26))
    return np.array(
        [run_replication(b, 5, i).metrics[metric] - run_replication(a, 5, i).metrics[metric] for i in range(reps)]
    )


def test_a_change_to_one_engagement_leaves_the_other_untouched(load):
    d = paired_differences(load, "engagement_h.south")
    assert np.all(d == 0)  # the southern fight draws from its own streams only
    north = paired_differences(load, "time_to_secure_h.north")
    assert np.nanvar(north) > 0  # while the changed fight did change


def test_per_entity_streams_are_stronger_common_random_numbers_than_one_shared_stream(load, monkeypatch):
    """With every engagement on one stream (as before), the untouched fight's numbers shift too."""
    entity = np.var(paired_differences(load, "engagement_h.south"))

    def shared(self, name):  # the old keying: one "combat" and one "casualties" stream for everything
        return original(self, name.split(":")[0])

    original = rng.Streams.__getitem__
    monkeypatch.setattr(rng.Streams, "__getitem__", shared)
    one_stream = np.var(paired_differences(load, "engagement_h.south"))
    assert entity == 0 < one_stream


def test_stream_keys_are_64_bit_and_distinct():
    names = [f"casualty:place{i}:combat" for i in range(20000)] + [f"combat:p{i}" for i in range(20000)]
    keys = {rng.stream_key(n) for n in names}
    assert len(keys) == len(names) and max(keys) >= 2**32
    a = rng.Streams(1, 0)["combat:north"].uniform()
    assert a == rng.Streams(1, 0)["combat:north"].uniform() != rng.Streams(1, 0)["combat:south"].uniform()


@pytest.mark.parametrize("seed", [0, 2**40])
def test_seed_sequence_accepts_wide_keys(seed):
    assert rng.seed_sequence(seed, 3, "fires:air-1").generate_state(1)[0] >= 0
