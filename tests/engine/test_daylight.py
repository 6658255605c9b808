"""Day and night: the sunrise equation against published times, the calendar on the simulated clock, and
units that wait for daylight (issue 30, item 7)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from sim.engine.daylight import ZENITH_DEG, Calendar, sun_times
from sim.errors import ScenarioError
from sim.experiment import build_world
from sim.models import night

# London (51.5074 N, 0.1278 W), UTC, as published by timeanddate.com (www.timeanddate.com/sun/uk/london,
# quoted in astral's tests): minutes after midnight.
LONDON = (51.5074, -0.1278)
PUBLISHED = [
    (date(2015, 12, 1), "none", 7 * 60 + 43, 15 * 60 + 55),  # sunrise 07:43, sunset 15:55
    (date(2015, 12, 1), "civil", 7 * 60 + 4, None),  # civil dawn 07:04
    (date(2015, 12, 25), "civil", 7 * 60 + 24, None),  # civil dawn 07:24
]


@pytest.mark.parametrize(("day", "twilight", "rise", "set_"), PUBLISHED)
def test_sunrise_and_sunset_match_published_times(day, twilight, rise, set_):
    got_rise, got_set = sun_times(day, *LONDON, 0, ZENITH_DEG[twilight])
    # published to the minute; the equation is good to about a minute at this latitude
    assert abs(got_rise - rise) <= 2, got_rise
    if set_ is not None:
        assert abs(got_set - set_) <= 2, got_set


def test_the_clock_of_the_place_shifts_sunrise_by_its_offset():
    utc = sun_times(date(2024, 7, 12), 43.65, 51.17, 0, ZENITH_DEG["none"])
    aktau = sun_times(date(2024, 7, 12), 43.65, 51.17, 5, ZENITH_DEG["none"])
    assert aktau[0] == pytest.approx(utc[0] + 300, abs=0.5) and aktau[1] == pytest.approx(utc[1] + 300, abs=0.5)
    # a July day at 43.65 N lasts about 15 h (day length from the declination, +23.3 degrees on 12 July)
    assert 14.8 * 60 < aktau[1] - aktau[0] < 15.4 * 60


def test_polar_day_and_polar_night():
    tromso = (69.65, 18.96)
    assert sun_times(date(2024, 6, 21), *tromso, 2, ZENITH_DEG["none"]) == (0.0, 1440.0)
    rise, set_ = sun_times(date(2024, 12, 21), *tromso, 1, ZENITH_DEG["none"])
    assert rise == set_  # no daylight at all


def test_the_calendar_counts_from_h_hour():
    cal = Calendar(datetime(2024, 7, 12, 4, 0), lambda day: (360.0, 1080.0))  # 06:00 to 18:00 every day
    assert not cal.is_day(0) and cal.next_daylight(0) == 120  # H is 04:00: daylight at H+2
    assert cal.is_day(120) and cal.next_daylight(500) == 500
    assert not cal.is_day(840) and cal.next_daylight(840) == 840 + 720  # 18:00: the next 06:00
    assert cal.next_daylight(1300) == 1560  # 01:40 the next day


def test_a_polar_night_never_brings_daylight():
    cal = Calendar(datetime(2024, 12, 21, 12, 0), lambda day: (720.0, 720.0))
    assert cal.next_daylight(0) == float("inf")


# --- units that wait for daylight ----------------------------------------------------------------------------

HELI = """\
scenario: {{name: night, start: 2024-07-12T04:00, duration: 1d{daylight}}}
map:
  places:
    a: {{kind: airfield, lat: 43.6, lon: 51.2}}
    b: {{kind: beach, lat: 43.7, lon: 51.2}}
  routes:
    - {{from: a, to: b, mode: air, distance_km: 11}}
sides:
  blue: {{}}
units:
  - {{id: h, type: heli, side: blue, at: a}}
unit_types:
  heli: {{strength: 1, speed_kmh: {{air: 220}}{night}}}
phases:
  - {{id: go, start: H+1, orders: [{{unit: h, do: move, to: b}}]}}
"""


def departs(load, daylight_: str, night: str) -> float:
    s = load(HELI.format(daylight=daylight_, night=night))
    world = build_world(s, 1, trace=True)
    world.run()
    (t,) = [e["t"] for e in world.log.records if e["kind"] == "depart" and e["unit"] == "h"]
    return t


def test_a_day_only_aircraft_waits_for_sunrise(load):
    written = ", daylight: {sunrise: '06:10', sunset: '18:40'}"
    assert departs(load, written, ", night: false") == 130  # H+1 is 05:00, before sunrise at 06:10
    assert departs(load, written, "") == 60  # a type that works at night goes at once
    assert departs(load, "", "") == 60  # no daylight declared: as before


def test_sunrise_computed_for_the_map_centre_and_date(load):
    s = load(HELI.format(daylight=", daylight: {utc_offset_h: 5}", night=", night: false"))
    lat, lon = night.map_centre(s)
    assert (lat, lon) == pytest.approx((43.65, 51.2))
    rise, _ = sun_times(date(2024, 7, 12), lat, lon, 5, ZENITH_DEG["none"])
    # Aktau keeps UTC+5, 24 degrees east of it: solar noon near 13:40 and a 15 h day put sunrise near 06:05
    assert 5 * 60 + 50 < rise < 6 * 60 + 20
    t = departs(load, ", daylight: {utc_offset_h: 5}", ", night: false")
    assert t == pytest.approx(max(60.0, rise - 240))  # minute 0 is 04:00


@pytest.mark.parametrize(
    ("daylight_", "night", "words"),
    [
        ("", ", night: false", "night: false needs scenario.daylight"),
        (", daylight: {}", "", "give utc_offset_h"),
        (", daylight: {sunrise: '06:10'}", "", "give both sunrise and sunset"),
        (", daylight: {sunrise: '19:00', sunset: '06:00'}", "", "must be before sunset"),
        (", daylight: {sunrise: '6h', sunset: '18:00'}", "", "is not a clock time"),
    ],
)
def test_daylight_that_cannot_be_is_refused(load, daylight_, night, words):
    with pytest.raises(ScenarioError) as e:
        load(HELI.format(daylight=daylight_, night=night))
    assert words in str(e.value)
