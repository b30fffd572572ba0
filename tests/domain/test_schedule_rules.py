"""Pure time rules: check-in dates, weekly digest times, reminder windows, across zones and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.domain.schedule_rules import (
    RuleError,
    at_local,
    backoff,
    checkin_times,
    describe_local,
    local_date,
    next_weekly,
    parse_cadence,
    parse_clock,
    parse_weekday,
    reminder_state,
    reminder_time,
    resolve_tz,
    snooze_until,
    week_key,
    weekday_or_monday,
    zone,
)
from tests.refusals import shown

NY, BERLIN, TOKYO, LA = "America/New_York", "Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(when: datetime, tz: str) -> datetime:
    return when.astimezone(zone(tz))


# --------------------------------------------------------------------------- check-ins


def test_default_checkins_from_a_monday_signature_in_new_york():
    # Signed Monday 2026-11-23 10:00 EST; +90 days is Sunday 2027-02-21 -> Monday.
    times = dict(checkin_times(utc(2026, 11, 23, 15), [7, 30, 90], NY))
    assert times == {
        7: utc(2026, 11, 30, 15),
        30: utc(2026, 12, 23, 15),
        90: utc(2027, 2, 22, 15),
    }
    assert all(local(t, NY).hour == 10 and local(t, NY).weekday() < 5 for t in times.values())


def test_checkin_keeps_10am_local_across_the_new_york_fall_back_2026_11_01():
    # Signed Monday 2026-10-26 10:00 EDT (14:00 UTC); a week later is EST: 10:00 = 15:00 UTC.
    [(days, when)] = checkin_times(utc(2026, 10, 26, 14), [7], NY)
    assert days == 7 and when == utc(2026, 11, 2, 15)
    assert local(when, NY).hour == 10


def test_checkin_landing_on_the_dst_sunday_moves_to_monday():
    # Thursday 2026-10-29 + 3 days = Sunday 2026-11-01, the day the clocks go back.
    [(_, when)] = checkin_times(utc(2026, 10, 29, 14), [3], NY)
    assert when == utc(2026, 11, 2, 15)


def test_checkin_across_the_berlin_spring_forward_2027_03_28():
    # Signed Monday 2027-03-22 10:00 CET (09:00 UTC); +7 is 10:00 CEST = 08:00 UTC.
    [(_, when)] = checkin_times(utc(2027, 3, 22, 9), [7], BERLIN)
    assert when == utc(2027, 3, 29, 8)
    # +6 is Sunday 2027-03-28 itself -> Monday, still 10:00 local.
    [(_, sunday)] = checkin_times(utc(2027, 3, 22, 9), [6], BERLIN)
    assert sunday == utc(2027, 3, 29, 8)


def test_checkins_count_from_the_local_signature_date_not_utc():
    # 03:00 UTC Tuesday is still Monday evening in New York, already Tuesday noon in Tokyo.
    signed = utc(2026, 11, 24, 3)
    assert checkin_times(signed, [7], NY) == [(7, utc(2026, 11, 30, 15))]
    assert checkin_times(signed, [7], TOKYO) == [(7, utc(2026, 12, 1, 1))]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 27), date(2026, 11, 27)),  # Friday stays
        (date(2026, 11, 28), date(2026, 11, 30)),  # Saturday -> Monday
        (date(2026, 11, 29), date(2026, 11, 30)),  # Sunday -> Monday
        (date(2026, 11, 30), date(2026, 11, 30)),  # Monday stays
    ],
)
def test_weekends_move_to_monday(day, expected):
    assert weekday_or_monday(day) == expected


def test_unknown_time_zone_falls_back_to_utc():
    assert checkin_times(utc(2026, 11, 23, 15), [7], "Mars/Olympus") == [(7, utc(2026, 11, 30, 10))]
    assert checkin_times(utc(2026, 11, 23, 15), [7], None) == [(7, utc(2026, 11, 30, 10))]


# --------------------------------------------------------------------------- local wall times


def test_wall_time_in_the_spring_forward_gap_moves_past_it():
    # 2026-03-08 02:30 doesn't exist in New York: it becomes 03:30 EDT.
    when = at_local(date(2026, 3, 8), time(2, 30), NY)
    assert when == utc(2026, 3, 8, 7, 30)
    assert local(when, NY).strftime("%H:%M %Z") == "03:30 EDT"


def test_ambiguous_wall_time_at_fall_back_is_the_first_one():
    when = at_local(date(2026, 11, 1), time(1, 30), NY)
    assert when == utc(2026, 11, 1, 5, 30)  # 01:30 EDT, not 01:30 EST


# --------------------------------------------------------------------------- weekly digest


def test_next_weekly_is_strictly_after_now():
    now = utc(2026, 11, 23, 15)  # Monday 10:00 EST
    assert next_weekly(now, 0, time(9, 0), NY) == utc(2026, 11, 30, 14)
    assert next_weekly(now, 0, time(11, 0), NY) == utc(2026, 11, 23, 16)
    exactly = utc(2026, 11, 23, 14)
    assert next_weekly(exactly, 0, time(9, 0), NY) == utc(2026, 11, 30, 14)


def test_next_weekly_follows_local_time_across_dst():
    # The Friday before the New York change: Monday 09:00 is EST next week (14:00 UTC).
    assert next_weekly(utc(2026, 10, 30, 12), 0, time(9, 0), NY) == utc(2026, 11, 2, 14)
    assert next_weekly(utc(2026, 10, 23, 12), 0, time(9, 0), NY) == utc(2026, 10, 26, 13)
    # Berlin springs forward on 2027-03-28: Monday 09:00 goes from 08:00 to 07:00 UTC.
    assert next_weekly(utc(2027, 3, 18, 12), 0, time(9, 0), BERLIN) == utc(2027, 3, 22, 8)
    assert next_weekly(utc(2027, 3, 25, 12), 0, time(9, 0), BERLIN) == utc(2027, 3, 29, 7)


def test_next_weekly_uses_the_local_weekday():
    # 23:30 Sunday in Los Angeles is already Monday in UTC.
    now = utc(2026, 11, 30, 7, 30)
    assert next_weekly(now, 0, time(9, 0), LA) == utc(2026, 11, 30, 17)


def test_week_key_is_the_local_iso_week():
    sunday_night_ny = utc(2026, 11, 30, 4, 30)  # Sunday 23:30 EST, Monday in UTC
    assert week_key(sunday_night_ny, NY) == "2026-W48"
    assert week_key(sunday_night_ny, "UTC") == "2026-W49"
    assert week_key(utc(2027, 1, 1, 12), "UTC") == "2026-W53"


@pytest.mark.parametrize(
    ("word", "expected"),
    [("monday", 0), ("Mon", 0), ("tu", 1), ("wed.", 2), ("THURSDAY", 3), ("fri", 4), ("sun", 6)],
)
def test_parse_weekday(word, expected):
    assert parse_weekday(word) == expected


@pytest.mark.parametrize("word", ["t", "s", "someday", "", "munday"])
def test_parse_weekday_refuses_unclear_words(word):
    with pytest.raises(RuleError):
        parse_weekday(word)


@pytest.mark.parametrize(
    ("word", "expected"),
    [("09:00", time(9, 0)), ("9:30", time(9, 30)), ("17:45", time(17, 45)), ("9am", time(9, 0)),
     ("5:30pm", time(17, 30)), ("12am", time(0, 0)), ("12pm", time(12, 0)), ("00:00", time(0, 0))],
)
def test_parse_clock(word, expected):
    assert parse_clock(word) == expected


@pytest.mark.parametrize("word", ["9", "24:00", "9:60", "13pm", "noonish", "0am", ""])
def test_parse_clock_refuses_bad_times(word):
    with pytest.raises(RuleError):
        parse_clock(word)


def test_resolve_tz_is_case_insensitive_and_strict():
    assert resolve_tz("europe/berlin") == BERLIN
    assert resolve_tz("utc") == "UTC"
    assert resolve_tz("Europe/Atlantis") is None
    assert resolve_tz("") is None


# --------------------------------------------------------------------------- cadence


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["7d", "30d", "90d"], [7, 30, 90]),
        (["90d", "7d", "7"], [7, 90]),
        (["2w", "3m"], [14, 90]),
        (["7d,30d"], [7, 30]),
        (["1d"], [1]),
        (["730d"], [730]),
        (["24m"], [720]),
        (["10days", "2weeks"], [10, 14]),
    ],
)
def test_parse_cadence(args, expected):
    assert parse_cadence(args) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "at least one"),
        (["0d"], "1 to 730"),
        (["731d"], "1 to 730"),
        (["25m"], "1 to 730"),
        (["7x"], "isn't an interval"),
        (["soon"], "isn't an interval"),
        (["-7d"], "isn't an interval"),
        (["1d", "2d", "3d", "4d", "5d", "6d", "7d"], "6 at most"),
    ],
)
def test_parse_cadence_refuses_with_a_reason(args, message):
    with pytest.raises(RuleError) as raised:
        parse_cadence(args)
    assert message in shown(raised.value)


# --------------------------------------------------------------------------- reminders


def test_reminder_states():
    due = date(2026, 11, 25)
    assert reminder_state(due, date(2026, 11, 23)) is None
    assert reminder_state(due, date(2026, 11, 24)) == "due"
    assert reminder_state(due, date(2026, 11, 25)) == "due"
    assert reminder_state(due, date(2026, 11, 26)) == "overdue"
    assert reminder_state(due, date(2027, 1, 1)) == "overdue"


def test_reminder_times_are_9am_local_the_day_before_and_after():
    due = date(2026, 11, 25)
    assert reminder_time(due, "due", NY) == utc(2026, 11, 24, 14)
    assert reminder_time(due, "overdue", TOKYO) == utc(2026, 11, 26, 0)


def test_snooze_is_9am_two_local_days_later():
    now = utc(2026, 11, 24, 19)  # Tuesday 14:00 EST
    assert snooze_until(now, NY) == utc(2026, 11, 26, 14)
    assert snooze_until(now, NY, days=1) == utc(2026, 11, 25, 14)


def test_local_date_and_description():
    now = utc(2026, 11, 24, 3)
    assert local_date(now, NY) == date(2026, 11, 23)
    assert describe_local(utc(2026, 11, 30, 15), NY) == "Mon 30 Nov 2026, 10:00 EST"


def test_backoff_doubles_to_an_hour_and_honours_retry_after():
    assert backoff(1) == timedelta(seconds=30)
    assert backoff(2) == timedelta(seconds=60)
    assert backoff(50) == timedelta(hours=1)
    assert backoff(1, retry_after=120) == timedelta(seconds=120)
    assert backoff(3, retry_after=1) == timedelta(seconds=120)


def test_overdue_reminders_only_start_within_the_window():
    due = date(2026, 11, 25)
    assert reminder_state(due, date(2026, 12, 2), overdue_days=7) == "overdue"
    assert reminder_state(due, date(2026, 12, 3), overdue_days=7) is None
    assert reminder_state(due, date(2026, 12, 3)) == "overdue"
