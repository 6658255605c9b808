"""The units' military symbols on the map: the frame says the side and whether the unit is on land, at sea
or in the air (APP-6: a friend's rectangle, circle or dome; a hostile's diamond), the icon its kind."""

from __future__ import annotations

from sim.check import load_scenario
from sim.present import i18n, symbols, tracks
from sim.present.labels import Labels
from tests.conftest import REPO


def test_the_flagship_s_units_carry_frames_by_side_and_medium_and_icons_by_kind():
    scenario = load_scenario(REPO / "scenarios" / "birlestik_2024.yaml").scenario
    marks = {m["id"]: m for m in tracks.unit_marks(scenario, Labels(scenario, i18n.language("en")))}
    friend_land, friend_sea = symbols.FRAMES[("friend", "land")], symbols.FRAMES[("friend", "sea")]
    assert (marks["tank-1"]["affiliation"], marks["tank-1"]["frame"]) == ("friend", friend_land)
    assert marks["tank-1"]["icon"] == symbols.ICONS["armour"]
    assert marks["ifv-1"]["icon"] == symbols.ICONS["mechanised"]
    assert marks["mar-1"]["icon"] == symbols.ICONS["infantry"]
    assert (marks["pb-1"]["frame"], marks["pb-1"]["icon"]) == (friend_sea, symbols.ICONS["ship"])
    assert marks["ftr-1"]["frame"] == symbols.FRAMES[("friend", "air")]
    assert marks["ftr-1"]["icon"] == symbols.ICONS["fixed_wing"]
    hostile = [m for m in marks.values() if m["side_index"] == 1]
    assert hostile and all(m["frame"] == symbols.FRAMES[("hostile", "land")] for m in hostile)


def test_a_kind_not_recognised_gets_the_frame_alone():
    drawn = symbols.symbol("mystery_widget", {"land": 10.0}, 0)
    assert drawn["frame"] == symbols.FRAMES[("friend", "land")] and drawn["icon"] == ""
    assert symbols.symbol("medevac_helicopter", {"air": 200.0}, 2)["icon"] == symbols.ICONS["medical"]
