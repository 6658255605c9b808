import pytest

from sim.config.durations import format_duration, parse_duration


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
