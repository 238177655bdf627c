"""TIME_PERIOD events: parsing, recurrence with python-dateutil, bounded cost."""

from __future__ import annotations

import calendar
from datetime import datetime

import pytest

from squarecheck.emulator.commerce.pricing.periods import EventError, in_effect, parse, vevent

WEEKDAYS = "DTSTART:20190707T180000\nDURATION:P2H\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR"


def test_square_example_event_recurs_weekly() -> None:
    """Square's own example (six to eight pm on Mondays, Wednesdays, Fridays)."""
    assert in_effect(WEEKDAYS, datetime(2026, 3, 4, 19, 30))  # a Wednesday
    assert not in_effect(WEEKDAYS, datetime(2026, 3, 4, 20, 0))  # the end is not inside
    assert not in_effect(WEEKDAYS, datetime(2026, 3, 5, 19, 0))  # a Thursday


def test_single_period_and_wrapping() -> None:
    """Without RRULE a period happens once; the answer is wrapped in BEGIN/END:VEVENT."""
    once = "SUMMARY:sale\nDTSTART:20260304T100000\nDURATION:PT1H"
    assert in_effect(once, datetime(2026, 3, 4, 10, 30))
    assert not in_effect(once, datetime(2026, 3, 5, 10, 30))
    assert vevent(once).splitlines()[0] == "BEGIN:VEVENT"
    assert vevent(vevent(once)).count("BEGIN:VEVENT") == 1


@pytest.mark.parametrize(
    "event",
    [
        "DURATION:PT1H",
        "DTSTART:2026-03-04\nDURATION:PT1H",
        "DTSTART:19600101T000000\nDURATION:PT1H",
        "DTSTART:20260304T100000\nDURATION:1H",
        "DTSTART:20260304T100000\nRRULE:FREQ=SOMETIMES",
        "DTSTART:20260304T100000\nRRULE:FREQ=SECONDLY;COUNT=1000000000",
    ],
)
def test_unreadable_events_are_refused(event: str) -> None:
    """No DTSTART, a zoned or malformed one, before 1970, a bad duration or recurrence."""
    with pytest.raises(EventError):
        parse(event)


@pytest.mark.parametrize("second", range(7))
def test_a_fine_recurrence_moved_forward_keeps_its_occurrences(second: int) -> None:
    """Every 7 seconds since 1970 (answered from a start moved close to now): in effect
    exactly on the seconds that are multiples of 7 since the epoch."""
    event = "DTSTART:19700101T000000\nDURATION:PT1S\nRRULE:FREQ=SECONDLY;INTERVAL=7"
    moment = datetime(2026, 3, 4, 0, 0, second)
    expected = calendar.timegm(moment.timetuple()) % 7 == 0
    assert in_effect(event, moment) is expected


def test_moved_starts_keep_until_and_the_weekly_pattern() -> None:
    """A period ended by UNTIL still covers its last occurrence's duration; a weekly pattern
    started on a Sunday long ago still falls on Mondays."""
    ended = "DTSTART:20200101T000000\nDURATION:P10D\nRRULE:FREQ=DAILY;UNTIL=20260301T000000"
    assert in_effect(ended, datetime(2026, 3, 5))
    assert not in_effect(ended, datetime(2026, 3, 12))
    mondays = "DTSTART:19700104T090000\nDURATION:PT1H\nRRULE:FREQ=HOURLY;INTERVAL=24;BYDAY=MO"
    assert in_effect(mondays, datetime(2026, 3, 2, 9, 30))  # a Monday
    assert not in_effect(mondays, datetime(2026, 3, 3, 9, 30))
