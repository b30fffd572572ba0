"""The rule for a Zoom meeting.ended event's times (bot.domain.zoom_times), pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.zoom_times import END_IN_FUTURE, START_IN_FUTURE, zoom_end, zoom_times_problem

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(("ended", "started", "problem"), [
    (NOW - timedelta(minutes=1), NOW - timedelta(minutes=31), None),
    (NOW + timedelta(minutes=5), None, None),  # skew within the signature's tolerance
    (NOW + timedelta(minutes=5, seconds=1), None, END_IN_FUTURE),
    (NOW + timedelta(days=400), NOW - timedelta(minutes=30), END_IN_FUTURE),
    (None, NOW + timedelta(hours=1), START_IN_FUTURE),
    (None, None, None),  # unreadable: taken as ended now
])
def test_times_ahead_of_the_clock_beyond_skew_contradict_the_event(ended, started, problem):
    assert zoom_times_problem(ended, started, NOW) == problem


def test_the_end_is_never_later_than_now_and_unreadable_is_now():
    assert zoom_end(NOW + timedelta(minutes=3), NOW) == NOW
    assert zoom_end(NOW - timedelta(minutes=3), NOW) == NOW - timedelta(minutes=3)
    assert zoom_end(None, NOW) == NOW
