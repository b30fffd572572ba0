"""Tests for bot.domain.dates: due dates as salespeople type them, in their time zone."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.dates import DueDateError, parse_due, parse_iso_date, split_due, warm_up
from tests.refusals import shown
from tests.timing import LINEAR_SECONDS

# Monday 2026-11-23, 07:00 in Los Angeles, 16:00 in Berlin, Tuesday 00:00 in Tokyo.
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
LA = "America/Los_Angeles"


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    warm_up()  # dateparser's first call loads its language data; keep it out of timings


# --------------------------------------------------------------------------- parse_due


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        # the phrases from the product brief
        ("Friday", d(11, 27)),
        ("next Tuesday", d(12, 1)),
        ("Tuesday", d(11, 24)),
        ("in 2 weeks", d(12, 7)),
        ("end of month", d(11, 30)),
        ("Dec 3", d(12, 3)),
        ("tomorrow", d(11, 24)),
        ("EOD", d(11, 23)),
        ("EOW", d(11, 27)),
        ("end of week", d(11, 27)),
        ("end of quarter", d(12, 31)),
        ("2026-12-05", d(12, 5)),
        ("12/5", d(12, 5)),
        ("3 days", d(11, 26)),
        ("next week", d(11, 30)),
        ("monday", d(11, 23)),  # a weekday on that weekday is today
        ("today", d(11, 23)),
        # weekdays
        ("next monday", d(11, 30)),
        ("this Friday", d(11, 27)),
        ("fri", d(11, 27)),
        ("Thurs", d(11, 26)),
        ("Friday next week", d(12, 4)),
        ("wednesday after next", d(12, 2)),
        ("sunday", d(11, 29)),
        # relative
        ("in 3 days", d(11, 26)),
        ("in 3 months", d(2, 23, 2027)),
        ("in a week", d(11, 30)),
        ("in two weeks", d(12, 7)),
        ("in a couple of weeks", d(12, 7)),
        ("2 weeks from today", d(12, 7)),  # dateparser reads this as 2 weeks AGO
        ("a fortnight from now", d(12, 7)),
        ("2w", d(12, 7)),
        ("in 5 business days", d(11, 30)),
        ("in 24 hours", d(11, 24)),
        ("in 0 days", d(11, 23)),
        ("in 5 years", d(11, 23, 2031)),
        ("day after tomorrow", d(11, 25)),
        ("tmrw", d(11, 24)),
        # periods
        ("next month", d(12, 1)),
        ("end of next month", d(12, 31)),
        ("end of next week", d(12, 4)),
        ("end of the month", d(11, 30)),
        ("end-of-month", d(11, 30)),
        ("EOM", d(11, 30)),
        ("EOQ", d(12, 31)),
        ("end of year", d(12, 31)),
        ("next quarter", d(1, 1, 2027)),
        ("end of next quarter", d(3, 31, 2027)),
        ("this week", d(11, 27)),
        ("weekend", d(11, 28)),
        ("end of Q1", d(3, 31, 2027)),
        ("end of Q4 2026", d(12, 31)),
        # calendar dates
        ("Dec 3rd", d(12, 3)),
        ("December 3rd, 2026", d(12, 3)),
        ("3 Dec 2027", d(12, 3, 2027)),
        ("3rd of December", d(12, 3)),
        ("Fri, Dec 4", d(12, 4)),
        ("Dec. 4", d(12, 4)),
        ("Jan 5", d(1, 5, 2027)),
        ("Feb 29", d(2, 29, 2028)),
        ("1/5/2027", d(1, 5, 2027)),
        ("12/5/26", d(12, 5)),
        ("2026/12/05", d(12, 5)),
        ("11/23", d(11, 23)),
        ("11/1", d(11, 1, 2027)),  # passed this year: next year's
        ("the 5th", d(12, 5)),
        ("23rd", d(11, 23)),
        ("mid December", d(12, 15)),
        ("December", d(12, 1)),  # a month is its 1st...
        ("November", d(11, 30)),  # ...except the current month: its last day
        ("end of January", d(1, 31, 2027)),
        # decorations people add
        ("by Friday", d(11, 27)),
        ("due Friday", d(11, 27)),
        ("on or before Dec 3", d(12, 3)),
        ("  FRIDAY!  ", d(11, 27)),
        ("*Friday*.", d(11, 27)),
        ("Friday 5pm", d(11, 27)),
        ("Friday EOD", d(11, 27)),
        ("EOD Friday", d(11, 27)),
        ("e.o.d.", d(11, 23)),
        ("tomorrow morning", d(11, 24)),
        ("Friday at 10", d(11, 27)),
        ("ＦＲＩＤＡＹ", d(11, 27)),  # full-width letters from some keyboards
        ("5pm", d(11, 23)),  # 07:00 in LA: 5pm is still ahead
        ("6am", d(11, 24)),  # already gone: tomorrow
        ("noon", d(11, 23)),
        # the general case goes to dateparser
        ("1 week and 2 days", d(12, 2)),
    ],
)
def test_parse_due(phrase: str, expected: date) -> None:
    assert parse_due(phrase, NOW, LA) == expected


def test_next_weekday_means_next_calendar_week() -> None:
    """The documented rule, on every weekday: "next X" is X in the following Mon-Sun week."""
    for offset in range(7):
        now = NOW + timedelta(days=offset)
        today = now.date()
        next_monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
        for index, name in enumerate(
            ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        ):
            plain = parse_due(name, now, "UTC")
            assert plain.weekday() == index and 0 <= (plain - today).days <= 6
            assert parse_due(f"next {name}", now, "UTC") == next_monday + timedelta(days=index)


@pytest.mark.parametrize(
    ("now", "phrase", "expected"),
    [
        # "Dec 3" on Dec 10 is next year's
        (datetime(2026, 12, 10, 12, tzinfo=UTC), "Dec 3", d(12, 3, 2027)),
        (datetime(2026, 12, 10, 12, tzinfo=UTC), "12/3", d(12, 3, 2027)),
        # year rollover (2026-12-20 is a Sunday)
        (datetime(2026, 12, 20, 12, tzinfo=UTC), "Jan 5", d(1, 5, 2027)),
        (datetime(2026, 12, 20, 12, tzinfo=UTC), "1/5", d(1, 5, 2027)),
        (datetime(2026, 12, 20, 12, tzinfo=UTC), "in 2 weeks", d(1, 3, 2027)),
        (datetime(2026, 12, 20, 12, tzinfo=UTC), "next week", d(12, 21)),
        (datetime(2026, 12, 20, 12, tzinfo=UTC), "next month", d(1, 1, 2027)),
        (datetime(2026, 12, 20, 12, tzinfo=UTC), "end of quarter", d(12, 31)),
        (datetime(2026, 12, 20, 12, tzinfo=UTC), "end of next quarter", d(3, 31, 2027)),
        (datetime(2026, 12, 20, 12, tzinfo=UTC), "end of year", d(12, 31)),
        (datetime(2026, 12, 20, 12, tzinfo=UTC), "the 5th", d(1, 5, 2027)),
        # end of week at the weekend is next Friday; on Friday it is today
        (datetime(2026, 11, 28, 12, tzinfo=UTC), "end of week", d(12, 4)),
        (datetime(2026, 11, 29, 12, tzinfo=UTC), "EOW", d(12, 4)),
        (datetime(2026, 11, 27, 12, tzinfo=UTC), "EOW", d(11, 27)),
        (datetime(2026, 11, 27, 12, tzinfo=UTC), "Friday", d(11, 27)),
        (datetime(2026, 11, 27, 12, tzinfo=UTC), "next Friday", d(12, 4)),
        # month arithmetic clamps to the month's end
        (datetime(2027, 1, 31, 12, tzinfo=UTC), "in 1 month", d(2, 28, 2027)),
        (datetime(2027, 1, 31, 12, tzinfo=UTC), "end of month", d(1, 31, 2027)),
        (datetime(2027, 1, 31, 12, tzinfo=UTC), "the 31st", d(1, 31, 2027)),
        (datetime(2027, 2, 1, 12, tzinfo=UTC), "the 31st", d(3, 31, 2027)),
        # business days skip the weekend
        (datetime(2026, 11, 27, 12, tzinfo=UTC), "in 1 business day", d(11, 30)),
    ],
)
def test_parse_due_calendar_edges(now: datetime, phrase: str, expected: date) -> None:
    assert parse_due(phrase, now, "UTC") == expected


# --------------------------------------------------------------------------- time zones


@pytest.mark.parametrize(
    ("now", "tz", "phrase", "expected"),
    [
        # Late Sunday in UTC: still Sunday in Los Angeles, already Monday in Tokyo.
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), "UTC", "today", d(11, 22)),
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), LA, "today", d(11, 22)),
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), "Asia/Tokyo", "today", d(11, 23)),
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), LA, "tomorrow", d(11, 23)),
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), "Asia/Tokyo", "tomorrow", d(11, 24)),
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), LA, "next week", d(11, 23)),
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), "Asia/Tokyo", "next week", d(11, 30)),
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), LA, "monday", d(11, 23)),
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), "Asia/Tokyo", "next monday", d(11, 30)),
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), LA, "next monday", d(11, 23)),
        # 23:30 UTC on Monday: Monday in Los Angeles, Tuesday in Tokyo.
        (datetime(2026, 11, 23, 23, 30, tzinfo=UTC), LA, "EOD", d(11, 23)),
        (datetime(2026, 11, 23, 23, 30, tzinfo=UTC), "Asia/Tokyo", "EOD", d(11, 24)),
        (datetime(2026, 11, 23, 23, 30, tzinfo=UTC), "Asia/Tokyo", "Tuesday", d(11, 24)),
        (datetime(2026, 11, 23, 23, 30, tzinfo=UTC), LA, "Tuesday", d(11, 24)),
        # Early Monday in UTC is still Sunday evening in Los Angeles.
        (datetime(2026, 11, 23, 5, 0, tzinfo=UTC), LA, "today", d(11, 22)),
        (datetime(2026, 11, 23, 5, 0, tzinfo=UTC), LA, "end of week", d(11, 27)),
        # The month boundary moves with the zone too.
        (datetime(2026, 12, 1, 3, 0, tzinfo=UTC), LA, "end of month", d(11, 30)),
        (datetime(2026, 12, 1, 3, 0, tzinfo=UTC), "UTC", "end of month", d(12, 31)),
        # Unknown or empty zones fall back to UTC.
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), "Mars/Olympus_Mons", "today", d(11, 22)),
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), "", "today", d(11, 22)),
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), "../../etc/passwd", "today", d(11, 22)),
        # A naive clock is read as UTC.
        (datetime(2026, 11, 22, 23, 30), "Asia/Tokyo", "today", d(11, 23)),
        # An aware clock in another zone is converted, not reinterpreted.
        (
            datetime(2026, 11, 23, 8, 30, tzinfo=UTC).astimezone(ZoneInfo("Asia/Tokyo")),
            LA,
            "today",
            d(11, 23),
        ),
    ],
)
def test_time_zones(now: datetime, tz: str, phrase: str, expected: date) -> None:
    assert parse_due(phrase, now, tz) == expected


@pytest.mark.parametrize(
    ("now", "tz", "phrase", "expected"),
    [
        # America/New_York leaves DST at 2026-11-01 06:00 UTC (02:00 EDT -> 01:00 EST).
        (datetime(2026, 11, 1, 3, 30, tzinfo=UTC), "America/New_York", "today", d(10, 31)),
        (datetime(2026, 11, 1, 4, 30, tzinfo=UTC), "America/New_York", "today", d(11, 1)),
        (datetime(2026, 11, 1, 5, 30, tzinfo=UTC), "America/New_York", "today", d(11, 1)),
        (datetime(2026, 11, 1, 6, 30, tzinfo=UTC), "America/New_York", "today", d(11, 1)),
        # 04:30 UTC is 00:30 EDT on Nov 1 but 23:30 EST on Nov 1 a day later.
        (datetime(2026, 11, 2, 4, 30, tzinfo=UTC), "America/New_York", "today", d(11, 1)),
        (datetime(2026, 11, 1, 4, 30, tzinfo=UTC), "America/New_York", "tomorrow", d(11, 2)),
        # 24 real hours from 00:30 EDT end at 23:30 EST the same calendar day.
        (
            datetime(2026, 11, 1, 4, 30, tzinfo=UTC),
            "America/New_York",
            "in 24 hours",
            d(11, 1),
        ),
        (datetime(2026, 11, 1, 4, 30, tzinfo=UTC), "America/New_York", "EOW", d(11, 6)),
        (datetime(2026, 11, 1, 4, 30, tzinfo=UTC), "America/New_York", "next week", d(11, 2)),
        # Europe/Berlin enters DST at 2026-03-29 01:00 UTC (02:00 CET -> 03:00 CEST).
        (datetime(2026, 3, 28, 22, 30, tzinfo=UTC), "Europe/Berlin", "today", d(3, 28)),
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "Europe/Berlin", "today", d(3, 29)),
        # 22:30 UTC is 23:30 CET on the 28th but 00:30 CEST on the 30th.
        (datetime(2026, 3, 29, 22, 30, tzinfo=UTC), "Europe/Berlin", "today", d(3, 30)),
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "Europe/Berlin", "tomorrow", d(3, 30)),
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "Europe/Berlin", "end of week", d(4, 3)),
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "Europe/Berlin", "next week", d(3, 30)),
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "Europe/Berlin", "in 2 weeks", d(4, 12)),
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "Europe/Berlin", "end of month", d(3, 31)),
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "Europe/Berlin", "end of quarter", d(3, 31)),
    ],
)
def test_dst_boundaries(now: datetime, tz: str, phrase: str, expected: date) -> None:
    assert parse_due(phrase, now, tz) == expected


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("phrase", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("Fridya", "unreadable"),
        ("the CTO", "unreadable"),
        ("next steps", "unreadable"),
        ("asdf qwerty", "unreadable"),
        ("3", "unreadable"),  # dateparser: March
        ("a", "unreadable"),  # dateparser: next January
        ("1234", "unreadable"),  # dateparser: the year 1234
        ("1700000000", "unreadable"),  # dateparser: a unix timestamp
        ("Q1", "unreadable"),  # start or end of Q1? ask
        ("<!channel>", "unreadable"),
        ("2020-01-01", "past"),
        ("Dec 3 2025", "past"),
        ("yesterday", "past"),
        ("3 days ago", "past"),
        ("last Friday", "past"),
        ("11/20/2026", "past"),
        ("in 6 years", "too_far"),
        ("in 261 weeks", "too_far"),
        ("2031-11-24", "too_far"),
        ("in 999999 years", "too_far"),
        ("Feb 30", "invalid"),
        ("2026-02-30", "invalid"),
        ("13/45", "invalid"),
        ("25:00", "invalid"),
        ("x" * 61, "too_long"),
    ],
)
def test_parse_due_errors(phrase: str, reason: str) -> None:
    with pytest.raises(DueDateError) as info:
        parse_due(phrase, NOW, LA)
    assert info.value.reason == reason
    assert info.value.key == f"date_{reason}"
    assert isinstance(info.value, ValueError)  # callers that catch ValueError keep working


def test_error_messages_are_friendly_sentences() -> None:
    with pytest.raises(DueDateError) as info:
        parse_due("Fridya", NOW, LA)
    assert shown(info.value) == (
        "I couldn't read “Fridya” as a date. Try “by Friday”, “Dec 3” or “in 2 weeks”."
    )

    def says(phrase: str) -> str:
        with pytest.raises(DueDateError) as info:
            parse_due(phrase, NOW, LA)
        return shown(info.value)

    # Dates are written the way the ledger writes due dates ("due Wed 1 Jan 2020").
    assert says("2020-01-01").startswith("That date is in the past (“2020-01-01” is Wed 1 Jan 2020)")
    assert "more than 5 years away (“in 6 years”). Pick a date up to Sun 23 Nov 2031." in says("in 6 years")
    assert "isn't a real calendar date" in says("Feb 30")
    assert says("").startswith("I need a due date")


def test_error_messages_drop_formatting_and_leave_escaping_to_the_templates() -> None:
    with pytest.raises(DueDateError) as info:
        parse_due("<!channel> *soon*", NOW, LA)
    message = shown(info.value)
    # Escaping twice would show "&amp;amp;": the templates escape every value once.
    assert "*" not in message and "<!channel>" in message and "&lt;" not in message


def test_error_messages_echo_at_most_40_chars() -> None:
    phrase = "abcdefghij" * 5 + "ZZZZZZZZZZ"  # 60 chars: read, fails, echoed shortened
    with pytest.raises(DueDateError) as info:
        parse_due(phrase, NOW, LA)
    assert phrase[:40] + "…" in shown(info.value) and "Z" not in shown(info.value)

    with pytest.raises(DueDateError) as info:
        parse_due("y" * 500, NOW, LA)
    assert info.value.reason == "too_long" and "y" * 41 not in shown(info.value)


# --------------------------------------------------------------------------- split_due


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a pilot workspace for 30 days by Friday", ("a pilot workspace for 30 days", d(11, 27))),
        ("intro by the CTO by Friday", ("intro by the CTO", d(11, 27))),
        ("intro by the CTO", ("intro by the CTO", None)),
        ("intro by the CTO tomorrow", ("intro by the CTO", d(11, 24))),
        ("send deck by Friday.", ("send deck", d(11, 27))),
        ("Send deck BY FRIDAY!!", ("Send deck", d(11, 27))),
        ("send deck by Friday 🙏", ("send deck", d(11, 27))),
        ("send deck by friday :tada:", ("send deck", d(11, 27))),
        ("send deck (by Friday)", ("send deck", d(11, 27))),
        ("send deck by *Friday*", ("send deck", d(11, 27))),
        ("send deck, due by Friday", ("send deck", d(11, 27))),
        ("send deck due Friday", ("send deck", d(11, 27))),
        ("send deck due on or before Dec 3", ("send deck", d(12, 3))),
        ("send deck no later than Friday", ("send deck", d(11, 27))),
        ("send pricing until Dec 3", ("send pricing", d(12, 3))),
        ("send pricing before 12/5", ("send pricing", d(12, 5))),
        ("review on Monday", ("review", d(11, 23))),
        ("quote by the end of the month", ("quote", d(11, 30))),
        ("case study by next Tuesday", ("case study", d(12, 1))),
        ("co-marketing plan by 2026-12-05", ("co-marketing plan", d(12, 5))),
        # bare trailing clauses
        ("send deck in 2 weeks", ("send deck", d(12, 7))),
        ("send deck in a couple of weeks", ("send deck", d(12, 7))),
        ("follow up tomorrow", ("follow up", d(11, 24))),
        ("follow up today", ("follow up", d(11, 23))),
        ("follow up EOD", ("follow up", d(11, 23))),
        ("ship it eow", ("ship it", d(11, 27))),
        ("send pricing next week", ("send pricing", d(11, 30))),
        ("renewal call end of month", ("renewal call", d(11, 30))),
        ("follow up next Tuesday", ("follow up", d(12, 1))),
        ("follow up Friday EOD", ("follow up", d(11, 27))),
        # not a due clause: stays text
        ("a pilot for 30 days", ("a pilot for 30 days", None)),
        ("send deck by Friday by email", ("send deck by Friday by email", None)),
        ("work on next steps", ("work on next steps", None)),
        ("meet on Zoom", ("meet on Zoom", None)),
        ("review contract due diligence", ("review contract due diligence", None)),
        ("intro by <@U12345>", ("intro by <@U12345>", None)),
        ("by the way, call them", ("by the way, call them", None)),
        (
            "case study, reviewed by legal and signed off by marketing",
            ("case study, reviewed by legal and signed off by marketing", None),
        ),
        ("just text", ("just text", None)),
        ("   padded   ", ("padded", None)),
        ("intro by", ("intro by", None)),
        ("", ("", None)),
        ("   ", ("", None)),
        # nothing but the clause
        ("by Friday", ("", d(11, 27))),
        ("tomorrow", ("", d(11, 24))),
        # unicode, emoji, mrkdwn
        ("<!channel> by Friday", ("<!channel>", d(11, 27))),
        ("🎉 launch party in 2 weeks 🎉", ("🎉 launch party", d(12, 7))),
        ("Café demo for Zoë — due Dec 3", ("Café demo for Zoë", d(12, 3))),
        ("共同マーケティング資料 by Friday", ("共同マーケティング資料", d(11, 27))),
        ("*bold* _pitch_ for <@U123|sam> by EOW.", ("*bold* _pitch_ for <@U123|sam>", d(11, 27))),
        ("line one\nline two by Friday", ("line one\nline two", d(11, 27))),
    ],
)
def test_split_due(text: str, expected: tuple[str, date | None]) -> None:
    assert split_due(text, NOW, LA) == expected


@pytest.mark.parametrize(
    ("text", "reason", "echo"),
    [
        ("send deck by Fridya", "unreadable", "Fridya"),
        ("send deck by next Fridya", "unreadable", "next Fridya"),
        ("send deck by Tusday", "unreadable", "Tusday"),
        ("send deck by end of Decmber", "unreadable", "end of Decmber"),
        ("send deck by the end of Decmber", "unreadable", "the end of Decmber"),
        ("send deck due Wendsday", "unreadable", "Wendsday"),
        ("ping by Q1", "unreadable", "Q1"),
        ("send recap by 2020-01-01", "past", "2020-01-01"),
        ("send recap on 2020-01-01", "past", "2020-01-01"),  # a date after any keyword
        ("send recap in 10 years", "too_far", "in 10 years"),
        ("send recap by Feb 30", "invalid", "Feb 30"),
    ],
)
def test_split_due_errors(text: str, reason: str, echo: str) -> None:
    with pytest.raises(DueDateError) as info:
        split_due(text, NOW, LA)
    assert info.value.reason == reason
    assert f"“{echo}”" in shown(info.value)


def test_split_due_uses_the_users_zone() -> None:
    late_sunday_utc = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert split_due("call back tomorrow", late_sunday_utc, LA) == ("call back", d(11, 23))
    assert split_due("call back tomorrow", late_sunday_utc, "Asia/Tokyo") == (
        "call back",
        d(11, 24),
    )


# --------------------------------------------------------------------------- parse_iso_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026-12-05", d(12, 5)), (" 2027-01-31 ", d(1, 31, 2027)), ("2020-01-01", d(1, 1, 2020))],
)
def test_parse_iso_date(value: str, expected: date) -> None:
    assert parse_iso_date(value) == expected


@pytest.mark.parametrize(
    "value", ["", "2026-13-01", "2026-02-30", "12/5", "2026-1-5", "tomorrow", "<!channel>"]
)
def test_parse_iso_date_rejects_malformed(value: str) -> None:
    with pytest.raises(DueDateError, match="date"):
        parse_iso_date(value)


# --------------------------------------------------------------------------- robustness & speed

_DATE_WORDS = [
    "by", "due", "on", "in", "next", "this", "end", "of", "the", "week", "month", "quarter",
    "friday", "fri", "dec", "december", "3", "12/5", "2026-12-05", "2", "weeks", "days",
    "eod", "eow", "tomorrow", "today", "ago", "after", "and", "at", "5pm", "a", "q1",
    "3rd", "fridya", "cto", "<!channel>", "🎉", ",", ".", "\n", "9999999", "feb", "29",
]  # fmt: skip
_date_soup = st.lists(st.sampled_from(_DATE_WORDS), max_size=12).map(" ".join)
_any_text = st.one_of(st.text(max_size=300), _date_soup, st.from_regex(r"[\w /:.-]{0,80}"))
_zones = st.sampled_from(["UTC", LA, "Asia/Tokyo", "Europe/Berlin", "", "Nope/Zone"])
_nows = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31), timezones=st.just(UTC)
)
_SLOW = LINEAR_SECONDS  # typical calls take < 1 ms; a backtracking pattern would not finish


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_any_text, now=_nows, tz=_zones)
def test_only_due_date_errors_and_fast(text: str, now: datetime, tz: str) -> None:
    for call in (parse_due, split_due):
        start = time.perf_counter()
        try:
            result = call(text, now, tz)
        except DueDateError as exc:
            assert exc.key.startswith("date_") and exc.reason
        else:
            due = result if isinstance(result, date) else result[1]
            if due is not None:
                assert isinstance(due, date)
        assert time.perf_counter() - start < _SLOW


@settings(max_examples=50, deadline=None)
@given(text=st.text(min_size=2_000, max_size=20_000), tail=_date_soup)
def test_long_inputs_are_fast(text: str, tail: str) -> None:
    for payload in (text, f"{text} by {tail}", f"by {text}"):
        for call in (parse_due, split_due):
            start = time.perf_counter()
            try:
                call(payload, NOW, LA)
            except DueDateError:
                pass
            assert time.perf_counter() - start < _SLOW


@pytest.mark.parametrize(
    "text",
    ["by " * 20_000, "x" * 200_000 + " by Friday", "🎉" * 50_000, ":tada:" * 20_000 + "by",
     "a " * 50_000 + "in 2 weeks", "\u0301" * 100_000],
    ids=["many-by", "long-word", "emoji", "shortcodes", "many-words", "combining-marks"],
)  # fmt: skip
def test_pathological_inputs_are_fast(text: str) -> None:
    start = time.perf_counter()
    split_due(text, NOW, LA)
    assert time.perf_counter() - start < _SLOW


def _median_ms(phrase: str, runs: int = 200) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        parse_due(phrase, NOW, LA)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


@pytest.mark.parametrize(
    "phrase", ["Friday", "next Tuesday", "in 2 weeks", "Dec 3", "12/5", "end of quarter"]
)
def test_typical_phrase_is_fast(phrase: str) -> None:
    assert _median_ms(phrase) < 5


def test_dateparser_fallback_is_fast_after_warm_up() -> None:
    assert _median_ms("1 week and 2 days", runs=30) < 25
