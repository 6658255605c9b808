import re
from datetime import datetime

import pytest
from click.testing import CliRunner

from sim.check import load_scenario
from sim.cli import main
from sim.config.durations import format_duration, format_time, parse_duration, parse_time


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("90min", 90),
        ("2h", 120),
        ("1.5d", 2160),
        ("45", 45),
        (30, 30),
        (2.5, 2.5),
        ("30s", 0.5),
        (" 3 h ", 180),
        ("0", 0),
    ],
)
def test_accepted_spellings(text, minutes):
    assert parse_duration(text) == pytest.approx(minutes)


@pytest.mark.parametrize("bad", ["2x", "h", "-5min", "", "1.5.2h", True, None, [1], float("inf"), -1])
def test_rejected_spellings(bad):
    with pytest.raises(ValueError):
        parse_duration(bad)


def test_format_round_trips_common_values():
    assert format_duration(150) == "2h30min"
    assert format_duration(1440 + 60) == "1d1h"
    assert format_duration(0) == "0min"


# --- points in time: H-hour, D-day and dates ------------------------------------------------------
START = datetime(2024, 7, 12, 4, 0)  # H-hour; D-day is 2024-07-12


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("H+6", 6 * 60),  # a bare number after H+ is hours
        ("H+1d 06:00", 24 * 60 + 6 * 60),
        ("H+30min", 30),
        ("H+06:30", 6 * 60 + 30),
        ("H", 0),
        ("D+1 06:00", (24 - 4 + 6) * 60),  # 06:00 on the day after D-day, H-hour being 04:00 on D-day
        ("D 05:00", 60),
        ("D+2", (48 - 4) * 60),  # midnight starting D+2
        ("2024-07-13T06:00", (24 - 4 + 6) * 60),
        ("2024-07-12 04:45", 45),
        ("90min", 90),  # a span after H-hour, as before
        (45, 45),
    ],
)
def test_planner_times_normalise_to_minutes_after_h_hour(text, minutes):
    assert parse_time(text, START) == pytest.approx(minutes)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("H-2", "before H-hour"),
        ("D+0 03:00", "before scenario.start (2024-07-12 04:00)"),
        ("D+1 24:00", "not a clock time"),
        ("H+1 06:00", "give the unit of the first part"),
        ("H+2x", "unknown unit 'x'"),
        ("H+", "is not a time"),
        ("tomorrow", "is not a time"),
        ("2024-07-12T03:00", "before scenario.start"),
        ("2024-07-12T05:00+03:00", "time zone"),
    ],
)
def test_bad_planner_times_say_why(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_time(text, START)


def test_d_day_and_dates_need_the_scenario_start():
    assert parse_time("H+6") == 360  # H-hour is minute 0 whatever the date
    for text in ("D+1 06:00", "2024-07-13T06:00"):
        with pytest.raises(ValueError, match=r"give scenario\.start"):
            parse_time(text)


def test_format_time_reads_back_as_the_planner_wrote_it():
    assert format_time(1560, START) == "H+1d2h (2024-07-13 06:00)"
    assert format_time(90) == "H+1h30min"


TIMED = """\
scenario: {name: timed, start: 2024-07-12T04:00, duration: D+2 00:00}
catalog: exsim:units
map:
  places:
    port:  {kind: port, lat: 43.1, lon: 51.6}
    beach: {kind: beach, lat: 43.3, lon: 51.2}
    hill:  {kind: objective, lat: 43.31, lon: 51.2}
  routes:
    - {id: lane, from: port, to: beach, mode: sea, distance_km: 40}
    - {from: beach, to: hill, mode: land, distance_km: 1}
sides: {blue: {}, red: {}}
units:
  - {id: ls-1, type: landing_ship, side: blue, at: port}
  - {id: mar-1, type: marine_infantry_company, side: blue, at: port}
  - {id: ag, type: armed_group_fighters, side: red, at: hill}
phases:
  - id: landing
    start: H+6
    orders: [{unit: ls-1, do: lift, units: [mar-1], to: beach}]
  - id: assault
    start: D+1 06:00
    after: landing
    orders: [{unit: mar-1, do: assault, target: hill}]
closures: [{route: lane, start: H+1d 06:00, end: 2024-07-13T12:00}]
objectives: [{id: take, kind: secure, place: hill, within: H+30}]
"""


def test_every_time_field_takes_planner_times_and_check_shows_them(write):
    path = write(TIMED)
    s = load_scenario(path).scenario
    assert s.scenario.duration == (48 - 4) * 60
    assert [p.start for p in s.phases] == [360, (24 - 4 + 6) * 60]
    assert (s.closures[0].start, s.closures[0].end) == (30 * 60, (24 + 8) * 60)
    assert s.objectives[0].within == 30 * 60
    r = CliRunner().invoke(main, ["check", str(path)])
    assert r.exit_code == 0, r.output + r.stderr
    assert "time phases.1.start (line 21): D+1 06:00 = H+1d2h (2024-07-13 06:00)" in r.output
    assert "time scenario.duration (line 1): D+2 00:00 = H+1d20h (2024-07-14 00:00)" in r.output
    assert "time phases.0.start (line 18): H+6 = H+6h (2024-07-12 10:00)" in r.output


def test_d_day_without_a_start_is_a_positioned_error(write):
    path = write(TIMED.replace("start: 2024-07-12T04:00, ", ""))
    r = CliRunner().invoke(main, ["check", str(path)])
    assert r.exit_code == 2
    assert f"{path}:1:" in r.stderr
    assert "scenario.duration: 'D+2 00:00' counts from D-day: give scenario.start" in r.stderr
    assert f"{path}:21:12: phases.1.start:" in r.stderr


def test_set_takes_planner_times(write):
    s = load_scenario(write(TIMED), ["phases.landing.start=H+1d 06:00"]).scenario
    assert s.phases[0].start == 30 * 60
