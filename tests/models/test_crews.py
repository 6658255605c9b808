"""A vehicle's crew are people: a destroyed platform's crew are killed, a damaged one's wounded and in the chain."""

from __future__ import annotations

import pytest

from sim.experiment import build_world, run_replication
from sim.models import medical
from sim.models.combat import metrics as combat_metrics
from sim.models.combat import watch as combat_watch
from tests.conftest import duel_yaml

# red holds the hill with ten 3-crew tanks; blue's infantry fights it to the last (break fractions 0)
CREWED = "\n".join(
    [
        "  red_inf:  {strength: 10, kill_rate_per_h: 3.0, personnel_per_element: 3, element: platform}",
        "medical:",
        "  sides: [red]",
        "  dnbi_per_1000_per_day: 0",
        "  hazard: {}",
        "  facilities: [{id: aid, role: 1, at: hill, teams: 50, treatment: 10min}]",
    ]
)


def crewed(mode: str) -> str:
    text = duel_yaml(a0=40, b0=10, ka_h=6.0, kb_h=3.0, mode=mode)
    line = next(x for x in text.splitlines() if x.startswith("  red_inf:"))
    body = text.replace(line + "\n", "")
    medical_block = "\n".join(CREWED.splitlines()[1:])
    return body.replace("unit_types:\n", "unit_types:\n" + CREWED.splitlines()[0] + "\n") + medical_block + "\n"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ten_three_crew_tanks_lost_give_thirty_people_killed_or_wounded(load, seed):
    s = load(crewed("stochastic"))
    world = build_world(s, seed)
    world.run()
    tanks = world.units["r1"]
    assert tanks.strength == 0 and tanks.killed + tanks.wounded == 10
    m = combat_metrics(world)
    # every crew member of a destroyed tank is killed, of a damaged one wounded: 3 a tank
    assert m["killed.red"] == 3 * tanks.killed
    assert m["wounded.red"] == 3 * tanks.wounded
    assert m["killed.red"] + m["wounded.red"] == 30
    # the wounded crews enter the chain one person at a time
    assert len(medical.state(world).casualties) == 3 * tanks.wounded
    assert m["platforms_lost.red"] == 10


def test_deterministic_crews_enter_the_chain_by_crew_size(load):
    """killed_fraction 0.25 of 10 tanks: 2.5 destroyed (7.5 killed), 7.5 damaged (22.5 crew wounded)."""
    r = run_replication(load(crewed("deterministic")), 1)
    assert r.metrics["killed.red"] == pytest.approx(7.5)
    assert r.metrics["wounded.red"] == pytest.approx(22.5)
    assert r.metrics["casualties"] == 22  # whole people: the half person still pending


def test_a_triggers_view_of_a_sides_losses_is_the_metric_to_the_digit(load):
    """combat.watch sums the same terms in the same order as the metrics: a trigger fires where the metric crosses."""
    world = build_world(load(crewed("stochastic")), 3)
    world.run()
    metrics = combat_metrics(world)
    watched = 0
    for name in metrics:
        found = combat_watch(world, name)
        if found is not None:
            assert found.value() == metrics[name], name
            watched += 1
    assert watched == 8  # killed, wounded and survivors of each side; platforms lost and left of red (blue has none)
