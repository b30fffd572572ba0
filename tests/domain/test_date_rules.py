"""How each way of writing a due date reads on different days: the pre-pass rules
(bot/domain/date_rules.py) through :func:`parse_due`, seen from the user's side.

Each case names the day it is typed on, because most of these phrases mean something
different on a Sunday, at the start of a quarter or after the date has gone by.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain.dates import DueDateError, parse_due
from tests.refusals import shown


def on(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A moment in UTC; the phrases below are read in UTC too."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# Monday 23 November 2026, noon.
MON = on(2026, 11, 23)


def due(phrase: str, now: datetime = MON) -> date:
    return parse_due(phrase, now, "UTC")


def refused(phrase: str, now: datetime = MON) -> DueDateError:
    with pytest.raises(DueDateError) as caught:
        parse_due(phrase, now, "UTC")
    return caught.value


# --------------------------------------------------------------------------- weeks


@pytest.mark.parametrize(
    ("phrase", "now", "expected"),
    [
        # "<weekday> this week" is that day of the current Monday-to-Sunday week
        ("Friday this week", on(2026, 11, 25), date(2026, 11, 27)),
        ("Wednesday this week", on(2026, 11, 25), date(2026, 11, 25)),
        ("Sunday this week", on(2026, 11, 23), date(2026, 11, 29)),
        # "next week <weekday>" is the same as "<weekday> next week"
        ("next week Friday", MON, date(2026, 12, 4)),
        ("next week Monday", on(2026, 11, 29), date(2026, 11, 30)),
        # the week after next starts on the Monday two weeks on
        ("week after next", MON, date(2026, 12, 7)),
        ("the following week", on(2026, 11, 27), date(2026, 12, 7)),
        # "end of the work week" is this week's Friday
        ("end of business week", MON, date(2026, 11, 27)),
        ("end of the work week", on(2026, 11, 27), date(2026, 11, 27)),
        # the weekend: this coming Saturday, or today when it is already the weekend
        ("this weekend", on(2026, 11, 27), date(2026, 11, 28)),
        ("this weekend", on(2026, 11, 28), date(2026, 11, 28)),
        ("weekend", on(2026, 11, 29), date(2026, 11, 29)),
    ],
)
def test_week_phrases(phrase: str, now: datetime, expected: date) -> None:
    assert due(phrase, now) == expected


def test_a_day_already_gone_this_week_is_refused_as_past_with_its_date() -> None:
    err = refused("Monday this week", on(2026, 11, 25))
    assert err.reason == "past"
    assert "Mon 23 Nov 2026" in shown(err)


@pytest.mark.parametrize(
    ("phrase", "read_as"),
    [
        ("last Friday", "Fri 20 Nov 2026"),
        ("yesterday", "Sun 22 Nov 2026"),
        ("3 days ago", "Fri 20 Nov 2026"),
        ("2 weeks ago", "Mon 9 Nov 2026"),
    ],
)
def test_past_phrases_are_refused_and_the_message_says_which_day_was_read(
    phrase: str, read_as: str
) -> None:
    err = refused(phrase)
    assert err.reason == "past"
    assert read_as in shown(err)
    assert shown(err).endswith("Pick today or a later date.")


# --------------------------------------------------------------------------- times of day


@pytest.mark.parametrize(
    ("phrase", "hour", "minute", "expected_day"),
    [
        # a deadline at a time that hasn't come yet is today; at that very minute it still is
        ("by 5pm", 14, 0, 23),
        ("by 5pm", 17, 0, 23),
        ("by 5pm", 17, 1, 24),
        ("by 5pm", 17, 30, 24),
        ("5:30pm", 17, 29, 23),
        ("5:30pm", 17, 31, 24),
        ("noon", 11, 59, 23),
        ("noon", 12, 0, 23),
        ("noon", 12, 1, 24),
        ("12pm", 11, 0, 23),  # 12pm is noon...
        ("12pm", 13, 0, 24),
        ("12am", 0, 0, 23),  # ...and 12am midnight
        ("12am", 0, 1, 24),
        ("1am", 0, 30, 23),
        ("1pm", 12, 30, 23),
        ("11pm", 22, 0, 23),
        ("23:30", 22, 0, 23),
        ("10:59", 10, 58, 23),
        ("9am", 10, 0, 24),
    ],
)
def test_a_bare_time_is_today_until_it_has_passed(
    phrase: str, hour: int, minute: int, expected_day: int
) -> None:
    assert due(phrase, on(2026, 11, 23, hour, minute)) == date(2026, 11, expected_day)


@pytest.mark.parametrize("phrase", ["13pm", "0am", "0pm", "24:00", "25:00", "10:60", "9:75am"])
def test_impossible_times_are_refused_as_invalid(phrase: str) -> None:
    assert refused(phrase).reason == "invalid"


# --------------------------------------------------------------------------- relative


@pytest.mark.parametrize(
    ("phrase", "now", "expected"),
    [
        # calendar days count weekends; business days don't
        ("in 10 days", MON, date(2026, 12, 3)),
        ("in 3 days", on(2026, 11, 27), date(2026, 11, 30)),
        ("in 3 business days", on(2026, 11, 27), date(2026, 12, 2)),
        ("in 1 business day", on(2026, 11, 28), date(2026, 11, 30)),
        # minutes and hours move the clock, and the day with it
        ("in 30 minutes", on(2026, 11, 23, 10, 0), date(2026, 11, 23)),
        ("in 30 minutes", on(2026, 11, 23, 23, 45), date(2026, 11, 24)),
        ("in 90 mins", on(2026, 11, 23, 22, 0), date(2026, 11, 23)),
        ("in 3 hours", on(2026, 11, 23, 20, 0), date(2026, 11, 23)),
        ("in 3 hours", on(2026, 11, 23, 22, 0), date(2026, 11, 24)),
        ("in 2 months", on(2026, 12, 31), date(2027, 2, 28)),
        ("in 1 year", on(2028, 2, 29), date(2029, 2, 28)),
    ],
)
def test_relative_phrases(phrase: str, now: datetime, expected: date) -> None:
    assert due(phrase, now) == expected


@pytest.mark.parametrize(
    "phrase", ["in 99999 years", "in 999999 months", "in 999999 weeks", "in 999999 days", "in 6 years"]
)
def test_huge_relative_phrases_are_too_far_not_a_crash(phrase: str) -> None:
    assert refused(phrase).reason == "too_far"


# --------------------------------------------------------------------------- months, quarters, years


@pytest.mark.parametrize(
    ("phrase", "now", "expected"),
    [
        ("next quarter", on(2026, 1, 15), date(2026, 4, 1)),
        ("next quarter", on(2026, 4, 1), date(2026, 7, 1)),
        ("next quarter", on(2026, 5, 20), date(2026, 7, 1)),
        ("next quarter", on(2026, 9, 30), date(2026, 10, 1)),
        ("end of quarter", on(2026, 4, 10), date(2026, 6, 30)),
        ("end of quarter", on(2026, 1, 1), date(2026, 3, 31)),
        ("end of next quarter", on(2026, 4, 10), date(2026, 9, 30)),
        ("end of next quarter", on(2026, 1, 31), date(2026, 6, 30)),
        ("next year", MON, date(2027, 1, 1)),
        ("end of next year", MON, date(2027, 12, 31)),
        ("end of next month", on(2026, 1, 31), date(2026, 2, 28)),
        ("end of next month", on(2026, 12, 15), date(2027, 1, 31)),
        ("next month", on(2026, 12, 15), date(2027, 1, 1)),
        # a named quarter's end: this year's while it is still ahead, else next year's
        ("end of Q4", MON, date(2026, 12, 31)),
        ("Q4 end", MON, date(2026, 12, 31)),
        ("Q1 end", MON, date(2027, 3, 31)),
        ("end of Q1", on(2026, 3, 31), date(2026, 3, 31)),
        ("end of Q1", on(2026, 4, 1), date(2027, 3, 31)),
        ("end of Q2 2027", MON, date(2027, 6, 30)),
    ],
)
def test_period_phrases(phrase: str, now: datetime, expected: date) -> None:
    assert due(phrase, now) == expected


@pytest.mark.parametrize(
    ("phrase", "now", "expected"),
    [
        # a month on its own is its 1st, the next one to come...
        ("May", MON, date(2027, 5, 1)),
        ("by March", on(2026, 2, 10), date(2026, 3, 1)),
        ("December 2027", MON, date(2027, 12, 1)),
        ("in May 2027", MON, date(2027, 5, 1)),
        # ...the current month is its last day, also when the year is spelled out
        ("November 2026", MON, date(2026, 11, 30)),
        # early / mid / late in a month
        ("early December", MON, date(2026, 12, 1)),
        ("start of December", MON, date(2026, 12, 1)),
        ("mid December", MON, date(2026, 12, 15)),
        ("middle of December", MON, date(2026, 12, 15)),
        ("late December", MON, date(2026, 12, 31)),
        ("end of February", MON, date(2027, 2, 28)),
        ("late December 2027", MON, date(2027, 12, 31)),
        ("mid March 2027", MON, date(2027, 3, 15)),
        # a part of this month that is still ahead is this year's; one that has gone, next year's
        ("mid November", on(2026, 11, 10), date(2026, 11, 15)),
        ("mid November", on(2026, 11, 15), date(2026, 11, 15)),
        ("mid November", on(2026, 11, 16), date(2027, 11, 15)),
        ("early November", MON, date(2027, 11, 1)),
        ("late November", MON, date(2026, 11, 30)),
        ("mid October", MON, date(2027, 10, 15)),
        # numeric dates
        ("12/5/2026", MON, date(2026, 12, 5)),
        ("1/2/27", MON, date(2027, 1, 2)),
        ("Feb 29", on(2028, 3, 1), date(2032, 2, 29)),
        ("the 31st", on(2026, 11, 2), date(2026, 12, 31)),
        ("the 30th", on(2026, 2, 1), date(2026, 3, 30)),
        ("the 1st", MON, date(2026, 12, 1)),
    ],
)
def test_month_phrases(phrase: str, now: datetime, expected: date) -> None:
    assert due(phrase, now) == expected


def test_a_part_of_a_month_with_its_year_already_gone_is_past() -> None:
    assert refused("mid November 2026").reason == "past"


@pytest.mark.parametrize("phrase", ["the 0th", "00th", "the 32nd", "Dec 0", "0/5", "2/30/2027"])
def test_day_numbers_no_month_has_are_invalid(phrase: str) -> None:
    assert refused(phrase).reason == "invalid"
