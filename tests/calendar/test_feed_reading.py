"""Reading feeds, the pure part (no HTTP): what round 6's scenarios found, pinned down where it is
decided (bot.domain.calendar)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import calendar as cal
from bot.domain.calendar import FeedFormatError, occurrence_key, read_feed
from tests.calendar.scenario_kit import vcalendar, vevent, when

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
NY = "America/New_York"


def read(body: bytes, tz: str = "UTC"):
    return read_feed(body, owner_emails=["alice@ourco.com"], local_tz=tz,
                     window_start=NOW - timedelta(hours=6), window_end=NOW + timedelta(days=14))


def test_a_feed_over_the_cap_keeps_the_meetings_ending_soonest_whatever_their_order(monkeypatch):
    monkeypatch.setattr(cal, "MAX_OCCURRENCES", 3)
    events = [vevent(f"m{i}", NOW + timedelta(hours=i)) for i in range(8)]
    feed = read(vcalendar(*reversed(events)))
    assert [o.key for o in feed.occurrences] == ["m0", "m1", "m2"]


@pytest.mark.parametrize("newest_first", [True, False])
def test_of_two_versions_of_one_meeting_the_higher_sequence_counts(newest_first):
    new = vevent("v", NOW + timedelta(hours=3), lines=["SEQUENCE:3"])
    old = vevent("v", NOW + timedelta(hours=1), lines=["SEQUENCE:1"])
    [meeting] = read(vcalendar(*((new, old) if newest_first else (old, new)))).occurrences
    assert meeting.starts_at == NOW + timedelta(hours=3)


def test_a_this_and_future_override_moves_each_later_occurrence_under_its_own_key():
    start = datetime(2026, 11, 24, 10, 0)
    body = vcalendar(vevent("s", start, tzid=NY, lines=["RRULE:FREQ=DAILY;COUNT=3"]),
                     vevent("s", datetime(2026, 11, 25, 13, 0), tzid=NY,
                            lines=[f"RECURRENCE-ID;RANGE=THISANDFUTURE;TZID={NY}:20261125T100000"]))
    found = [(o.key, o.starts_at.hour) for o in read(body).occurrences]
    original = [occurrence_key("s", datetime(2026, 11, d, 15, 0, tzinfo=UTC)) for d in (24, 25, 26)]
    assert found == list(zip(original, (15, 18, 18), strict=True))


def test_an_event_ending_when_it_starts_or_before_or_without_an_end_is_no_meeting():
    zero = vevent("zero", NOW, minutes=0)
    backwards = vevent("back", NOW, minutes=-30)
    no_end = vevent("none", NOW).replace(when("DTEND", NOW + timedelta(minutes=30)) + "\r\n", "")
    assert "DTEND" not in no_end
    feed = read(vcalendar(zero, backwards, no_end, vevent("real", NOW)))
    assert [o.key for o in feed.occurrences] == ["real"]


def test_a_meeting_the_spring_forward_gap_squeezes_is_still_a_meeting():
    # 02:30-03:30 New York on 14 March 2027: 02:30 doesn't exist; both ends are 07:30Z.
    at = datetime(2027, 3, 14, 2, 30)
    body = vcalendar(vevent("gap", at, minutes=60, tzid=NY))
    feed = read_feed(body, owner_emails=[], local_tz="UTC", window_start=datetime(2027, 3, 13, tzinfo=UTC),
                     window_end=datetime(2027, 3, 15, tzinfo=UTC))
    [meeting] = feed.occurrences
    assert meeting.ends_at == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)


@pytest.mark.parametrize("junk", [b"THIS IS NOT A PROPERTY\r\n", b";;;\r\n",
                                  b"X-NO-COLON\r\n  folded junk\r\n"])
def test_lines_that_are_no_content_line_are_dropped_and_the_rest_read(junk):
    body = vcalendar(vevent("a", NOW), vevent("b", NOW + timedelta(hours=1)))
    body = body.replace(b"BEGIN:VEVENT\r\nUID:b", junk + b"BEGIN:VEVENT\r\nUID:b")
    assert [o.key for o in read(body).occurrences] == ["a", "b"]


def test_a_file_that_is_nothing_but_junk_after_its_header_is_still_refused():
    with pytest.raises(FeedFormatError):
        read(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n\x01\x02garbage")


def test_past_a_hundred_attendees_only_new_domains_are_added():
    people = tuple(f"p{i}@ourco.com" for i in range(150)) + ("jane@acme.com", "joe@acme.com")
    [meeting] = read(vcalendar(vevent("big", NOW, attendees=people))).occurrences
    assert len(meeting.attendees) == cal.MAX_ATTENDEES + 1 and meeting.attendees[-1] == "jane@acme.com"


def test_one_event_with_an_unreadable_start_is_skipped_not_the_feed():
    broken = vevent("broken", NOW).replace(when("DTSTART", NOW), "DTSTART:soon")
    assert [o.key for o in read(vcalendar(broken, vevent("fine", NOW))).occurrences] == ["fine"]
