"""Reading calendar feeds shaped like Google's and Outlook's exports (pure, no HTTP)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.calendar import (
    ACTIVE,
    CANCELLED,
    DECLINED,
    FeedFormatError,
    occurrence_key,
    read_feed,
)
from tests.calendar.feed_server import fixture

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def read(name: str, *, owner: str = "alice@ourco.com", tz: str = "America/New_York", days: int = 21):
    return read_feed(fixture(name), owner_emails=[owner], local_tz=tz,
                     window_start=NOW - timedelta(hours=6), window_end=NOW + timedelta(days=days))


def by_title(feed, title):
    return [o for o in feed.occurrences if o.title == title]


def test_google_single_event_in_utc_keeps_its_uid_as_key_and_all_attendees():
    [pilot] = by_title(read("google_alice.ics"), "Pilot review")
    assert pilot.key == "7kukuqrfedlm2f9t0vh5hdv3pj@google.com"
    assert (pilot.starts_at, pilot.ends_at) == (datetime(2026, 11, 23, 16, 0, tzinfo=UTC),
                                                datetime(2026, 11, 23, 16, 30, tzinfo=UTC))
    assert set(pilot.attendees) == {"alice@ourco.com", "bob@ourco.com", "jane@acme.com"}
    assert pilot.state == ACTIVE


def test_moved_occurrence_is_at_its_new_time_under_the_series_key_of_its_original_start():
    [moved] = by_title(read("google_alice.ics"), "Weekly sync (moved)")
    assert moved.starts_at == datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # 15:00 New York
    original = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)  # 13:00 New York, the RECURRENCE-ID
    assert moved.key == occurrence_key("weekly-sync-acme-0001@google.com", original)
    weekly = by_title(read("google_alice.ics"), "Weekly sync")
    assert original not in [o.starts_at for o in weekly]  # no ghost at the old time


def test_cancelled_occurrence_of_a_series_is_marked_cancelled():
    weekly = {o.starts_at.date().isoformat(): o for o in by_title(read("google_alice.ics"), "Weekly sync")}
    assert weekly["2026-11-30"].state == CANCELLED
    assert weekly["2026-12-07"].state == ACTIVE


def test_recurrence_keeps_local_wall_time_across_the_dst_change():
    # The series started in October (EDT, 17:00 UTC); after 1 November New York is on EST.
    weekly = {o.starts_at.date().isoformat(): o for o in by_title(read("google_alice.ics"), "Weekly sync")}
    assert weekly["2026-12-07"].starts_at == datetime(2026, 12, 7, 18, 0, tzinfo=UTC)


def test_owner_declined_is_declined_but_someone_elses_decline_is_not():
    [dinner] = by_title(read("google_alice.ics"), "Dinner with Acme")
    assert dinner.state == DECLINED
    [dinner_for_bob] = by_title(read("google_alice.ics", owner="bob@ourco.com"), "Dinner with Acme")
    # Google's X-WR-CALNAME names the owner: alice declined in alice's calendar either way.
    assert dinner_for_bob.state == DECLINED


def test_all_day_events_are_left_out():
    assert by_title(read("google_alice.ics"), "Acme onsite day") == []


def test_outlook_windows_time_zone_names_are_read_from_the_vtimezone():
    feed = read("outlook_bob.ics", owner="bob@ourco.com", tz="America/Los_Angeles")
    [pilot] = by_title(feed, "Pilot review")
    assert pilot.starts_at == datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # 08:00 PST
    assert pilot.key == "7kukuqrfedlm2f9t0vh5hdv3pj@google.com"  # the same meeting as in Google
    assert feed.calendar_email is None  # Outlook calls it "Calendar"


FLOATING = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Fastmail//EN
BEGIN:VEVENT
UID:floating-1
DTSTART:20261123T140000
DTEND:20261123T150000
SUMMARY:Floating call
END:VEVENT
END:VCALENDAR
"""


@pytest.mark.parametrize(("tz", "hour"), [("America/New_York", 19), ("Europe/Berlin", 13), ("", 14)])
def test_floating_times_are_read_in_the_owners_time_zone(tz, hour):
    feed = read_feed(FLOATING, owner_emails=[], local_tz=tz, window_start=NOW - timedelta(hours=6),
                     window_end=NOW + timedelta(days=1))
    [call] = feed.occurrences
    assert call.starts_at == datetime(2026, 11, 23, hour, 0, tzinfo=UTC)


def test_only_occurrences_overlapping_the_window_are_returned():
    feed = read("google_alice.ics", days=1)
    assert all(o.starts_at < NOW + timedelta(days=1) for o in feed.occurrences)
    assert all(o.ends_at > NOW - timedelta(hours=6) for o in feed.occurrences)
    assert "Weekly sync" not in [o.title for o in feed.occurrences]  # the next one is a week away


@pytest.mark.parametrize(("data", "code"), [
    (b"<!DOCTYPE html><html><body>Sign in to continue</body></html>", "html"),
    (b"just some text", "not_ics"),
    (b"", "not_ics"),
    (b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART:20261123T100000Z\n", "malformed"),  # cut off
    (b"BEGIN:VCALENDAR\nEND:VEVENT\nEND:VCALENDAR\n", "malformed"),
])
def test_what_isnt_a_calendar_is_refused_with_a_code(data, code):
    with pytest.raises(FeedFormatError) as raised:
        read_feed(data, owner_emails=[], local_tz="UTC", window_start=NOW, window_end=NOW + timedelta(days=1))
    assert raised.value.code == code


def test_a_rule_with_millions_of_occurrences_is_cut_short():
    data = b"""BEGIN:VCALENDAR
VERSION:2.0
BEGIN:VEVENT
UID:every-minute
DTSTART:20261123T000000Z
DTEND:20261123T000030Z
RRULE:FREQ=MINUTELY
SUMMARY:spam
END:VEVENT
END:VCALENDAR
"""
    feed = read_feed(data, owner_emails=[], local_tz="UTC", window_start=NOW,
                     window_end=NOW + timedelta(days=14))
    assert 0 < len(feed.occurrences) <= 2000


def test_one_unreadable_event_is_skipped_and_the_rest_still_read():
    data = b"""BEGIN:VCALENDAR
VERSION:2.0
BEGIN:VEVENT
UID:broken
DTSTART:notadate
SUMMARY:broken
END:VEVENT
BEGIN:VEVENT
UID:fine
DTSTART:20261123T160000Z
DTEND:20261123T170000Z
SUMMARY:fine
END:VEVENT
END:VCALENDAR
"""
    feed = read_feed(data, owner_emails=[], local_tz="UTC", window_start=NOW,
                     window_end=NOW + timedelta(days=1))
    assert [o.title for o in feed.occurrences] == ["fine"]


def test_nul_in_a_feed_is_dropped_so_every_store_can_keep_the_meeting():
    """PostgreSQL refuses NUL in a JSON value: a title or uid holding one failed the poll's write."""
    data = fixture("google_alice.ics").replace(b"Pilot review", b"Pilot\x00 review")
    feed = read_feed(data, owner_emails=["alice@ourco.com"], local_tz="America/New_York",
                     window_start=NOW - timedelta(hours=6), window_end=NOW + timedelta(days=21))
    assert by_title(feed, "Pilot review")
    assert not any("\x00" in o.title or "\x00" in o.key for o in feed.occurrences)


def _vevent(uid: str, *lines: str) -> str:
    return "BEGIN:VEVENT\r\nUID:" + uid + "\r\n" + "".join(line + "\r\n" for line in lines) + \
        f"SUMMARY:{uid}\r\nEND:VEVENT\r\n"


def test_past_one_off_meetings_are_skipped_but_what_reaches_the_window_is_read():
    # Past one-offs are dropped from the text before parsing (6 s a megabyte); everything
    # that may still reach the window is left to the parser.
    events = [
        _vevent("old", "DTSTART:20240301T150000Z", "DTEND:20240301T153000Z"),
        _vevent("later", "DTSTART:20270301T150000Z", "DTEND:20270301T153000Z"),
        _vevent("today", "DTSTART:20261123T160000Z", "DTEND:20261123T163000Z"),
        _vevent("spanning", "DTSTART:20261101T090000Z", "DTEND:20261130T170000Z"),
        _vevent("weekly-since-2024", "DTSTART:20240101T160000Z", "DTEND:20240101T163000Z",
                "RRULE:FREQ=WEEKLY;BYDAY=MO"),
        _vevent("by-duration", "DTSTART:20261123T120000Z", "DURATION:PT8H"),
        _vevent("tz-local", "DTSTART;TZID=America/New_York:20261123T110000",
                "DTEND;TZID=America/New_York:20261123T113000"),
        "BEGIN:VEVENT\r\nUID:valarm\r\nDTSTART:20261123T170000Z\r\nDTEND:20261123T173000Z\r\n"
        "BEGIN:VALARM\r\nACTION:DISPLAY\r\nEND:VALARM\r\nSUMMARY:valarm\r\nEND:VEVENT\r\n",
    ]
    data = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + "".join(events) + "END:VCALENDAR\r\n").encode()
    feed = read_feed(data, owner_emails=[], local_tz="UTC", window_start=NOW - timedelta(hours=6),
                     window_end=NOW + timedelta(days=14))
    assert sorted({o.title for o in feed.occurrences}) == [
        "by-duration", "spanning", "today", "tz-local", "valarm", "weekly-since-2024"]
