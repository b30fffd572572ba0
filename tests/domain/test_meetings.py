"""Reading `/partner meeting` text into a topic and an end time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.meetings import MeetingError, parse_meeting

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 10:00 in New York


@pytest.mark.parametrize(
    ("text", "topic", "start", "end"),
    [
        ("Acme", "Acme", "2026-11-23T15:00", "2026-11-23T16:00"),
        ("Acme demo in 30m for 45m", "Acme demo", "2026-11-23T15:30", "2026-11-23T16:15"),
        ("Acme at 3pm for 1.5h", "Acme", "2026-11-23T20:00", "2026-11-23T21:30"),
        ("Acme at 9am", "Acme", "2026-11-24T14:00", "2026-11-24T15:00"),  # 9am has passed: tomorrow
        ("Acme at 10:30 tomorrow", "Acme", "2026-11-24T15:30", "2026-11-24T16:30"),
        ("QBR with Globex at 12am for 30 minutes", "QBR with Globex", "2026-11-24T05:00", "2026-11-24T05:30"),
        ("Acme in 2 days", "Acme", "2026-11-25T15:00", "2026-11-25T16:00"),
    ],
)
def test_parse_meeting(text, topic, start, end):
    plan = parse_meeting(text, NOW, "America/New_York")
    assert plan.topic == topic
    assert plan.starts_at.strftime("%Y-%m-%dT%H:%M") == start
    assert plan.ends_at.strftime("%Y-%m-%dT%H:%M") == end
    assert plan.ends_at.tzinfo is UTC


def test_at_time_across_dst_change():
    # Saturday 31 Oct 2026 in New York; "at 9am tomorrow" is after clocks go back (UTC-5).
    saturday = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    plan = parse_meeting("Acme at 9am tomorrow", saturday, "America/New_York")
    assert plan.starts_at.strftime("%H:%M") == "14:00"


@pytest.mark.parametrize("text", ["", "for 30m", "Acme at 25:00", "Acme for 13h", "Acme in 61 days",
                                  "x" * 121])
def test_bad_meetings_raise_friendly_errors(text):
    with pytest.raises(MeetingError):
        parse_meeting(text, NOW, "America/New_York")


def test_unknown_time_zone_falls_back_to_utc():
    assert parse_meeting("Acme at 3pm", NOW, "Mars/Olympus").starts_at.hour == 15
