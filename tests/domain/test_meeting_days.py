"""The day said with a meeting's time, and `cancel <topic>`: pure parsing, fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.meetings import MeetingError, cancelled_topic, parse_meeting, topic_key

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # Monday 10:00 in New York
NY = "America/New_York"


@pytest.mark.parametrize(
    ("text", "topic", "start"),
    [
        ("Acme demo tomorrow at 3pm", "Acme demo", "2026-11-24T20:00"),
        ("Acme demo at 3pm tomorrow", "Acme demo", "2026-11-24T20:00"),
        ("Acme demo on Friday at 3pm", "Acme demo", "2026-11-27T20:00"),
        ("Acme demo Friday at 3pm", "Acme demo", "2026-11-27T20:00"),
        ("Acme at 3pm on Friday", "Acme", "2026-11-27T20:00"),
        ("Acme next Tuesday at 10", "Acme", "2026-12-01T15:00"),
        ("Acme on Dec 3 at 10:30am", "Acme", "2026-12-03T15:30"),
        ("Sprint 3 at 3pm", "Sprint 3", "2026-11-23T20:00"),  # a number is no day
        ("Review on pricing at 3pm", "Review on pricing", "2026-11-23T20:00"),  # nor "on <not a day>"
        ("Friday sync at 2pm", "Friday sync", "2026-11-23T19:00"),  # a day starting the topic is its name
    ],
)
def test_the_day_next_to_the_time_is_the_meetings_day(text, topic, start):
    plan = parse_meeting(text, NOW, NY)
    assert (plan.topic, plan.starts_at.strftime("%Y-%m-%dT%H:%M")) == (topic, start)


def test_the_day_is_the_schedulers_day_not_utcs():
    # Monday 15:00 UTC is Tuesday 00:00 in Tokyo: "tomorrow" there is Wednesday.
    plan = parse_meeting("Globex tomorrow at 9am", NOW, "Asia/Tokyo")
    assert plan.starts_at.strftime("%Y-%m-%dT%H:%M") == "2026-11-25T00:00"


@pytest.mark.parametrize("text", ["Acme demo on Friday", "Acme demo tomorrow", "Acme next Tuesday"])
def test_a_day_without_a_time_is_asked_about(text):
    with pytest.raises(MeetingError) as raised:
        parse_meeting(text, NOW, NY)
    assert raised.value.key == "meeting_needs_time"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("cancel Acme demo", "Acme demo"),
        ("Cancelled Acme demo tomorrow at 3pm", "Acme demo"),
        ("cancel", ""),
        ("Acme demo", None),
        ("cancellation review at 3pm", None),  # a topic that only starts like the word
    ],
)
def test_cancel_names_the_meeting_by_its_topic(text, topic):
    assert cancelled_topic(text, NOW, NY) == topic


def test_topics_match_whatever_their_case_and_spacing():
    assert topic_key("  Acme   DEMO ") == topic_key("acme demo")


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("Acme at 3pm PT", "2026-11-23T23:00"),
        ("Acme at 15:00 Europe/Berlin tomorrow", "2026-11-24T14:00"),
        ("Acme tomorrow at 9am (CET)", "2026-11-24T08:00"),
        ("Acme at 3pm EST on Friday", "2026-11-27T20:00"),
    ],
)
def test_a_zone_after_the_time_is_the_zone_of_that_time(text, start):
    plan = parse_meeting(text, NOW, NY)
    assert (plan.topic, plan.starts_at.strftime("%Y-%m-%dT%H:%M")) == ("Acme", start)


@pytest.mark.parametrize("text", ["Acme at 3pm with Dana", "Acme at 15:30 with Dana"])
def test_a_time_left_inside_the_topic_is_asked_about(text):
    with pytest.raises(MeetingError) as raised:
        parse_meeting(text, NOW, NY)
    assert raised.value.key == "meeting_time_not_last"


def test_a_number_after_at_that_is_no_time_stays_in_the_topic():
    assert parse_meeting("Sprint at 3 stations", NOW, NY).topic == "Sprint at 3 stations"
