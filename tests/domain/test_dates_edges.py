"""Edges of reading a due date out of what people type (bot/domain/dates.py): decorations,
limits, time zones of the clock, and which trailing words count as a due clause."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.domain.dates import DueDateError, parse_due, parse_iso_date, split_due
from tests.refusals import shown

# Monday 23 November 2026, noon UTC; everything below is read in UTC unless it says otherwise.
MON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
FRIDAY = date(2026, 11, 27)


def due(phrase: str) -> date:
    return parse_due(phrase, MON, "UTC")


def split(text: str) -> tuple[str, date | None]:
    return split_due(text, MON, "UTC")


def refusal(call, *args) -> DueDateError:  # type: ignore[no-untyped-def]
    with pytest.raises(DueDateError) as caught:
        call(*args)
    return caught.value


# --------------------------------------------------------------------------- parse_due


@pytest.mark.parametrize(
    "phrase",
    ["Friday please", "by Friday pls", "please, Friday", "Friday morning at 10am EOD", "EOD Friday 5pm"],
)
def test_politeness_and_stacked_times_of_day_are_ignored(phrase: str) -> None:
    assert due(phrase) == FRIDAY


def test_a_stacked_duration_of_up_to_eight_words_is_read() -> None:
    assert due("in 1 week 2 days and 3 hours") == date(2026, 12, 2)


def test_a_rambling_phrase_of_more_than_eight_words_is_not_guessed() -> None:
    assert refusal(parse_due, "in 1 week 2 days 3 hours 4 minutes", MON, "UTC").reason == "unreadable"


def test_a_phrase_of_exactly_sixty_characters_is_read() -> None:
    phrase = "by" + " " * 52 + "Friday"
    assert len(phrase) == 60
    assert due(phrase) == FRIDAY
    assert refusal(parse_due, phrase + "!", MON, "UTC").reason == "too_long"


@pytest.mark.parametrize("phrase", [None, 42, "", "   "])
def test_no_phrase_at_all_asks_for_a_due_date(phrase: object) -> None:
    err = refusal(parse_due, phrase, MON, "UTC")
    assert err.reason == "empty"
    assert shown(err).startswith("I need a due date.")


def test_the_same_instant_gives_the_same_day_whatever_zone_the_clock_reports_in() -> None:
    # 23:30 on Sunday in Los Angeles is already Monday in UTC and in Tokyo.
    instant_la = datetime(2026, 11, 22, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    instant_utc = instant_la.astimezone(UTC)
    instant_plus_9 = instant_la.astimezone(timezone(timedelta(hours=9)))
    for tz, expected in [("UTC", date(2026, 11, 24)), ("Asia/Tokyo", date(2026, 11, 24)),
                         ("America/Los_Angeles", date(2026, 11, 23))]:  # fmt: skip
        for now in (instant_la, instant_utc, instant_plus_9):
            assert parse_due("tomorrow", now, tz) == expected, (now, tz)


@pytest.fixture
def server_in_tokyo() -> Iterator[None]:
    """The process's local time zone is Tokyo (where a server may well run)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Tokyo"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.mark.usefixtures("server_in_tokyo")
def test_a_naive_clock_is_taken_as_utc_whatever_the_servers_zone() -> None:
    # 02:00 on Monday, read as Tokyo time, would be Sunday 17:00 in UTC.
    assert parse_due("today", datetime(2026, 11, 23, 2, 0), "UTC") == date(2026, 11, 23)


def test_an_unreadable_phrase_of_forty_characters_is_echoed_whole() -> None:
    phrase = "q" * 40
    message = shown(refusal(parse_due, phrase, MON, "UTC"))
    assert f"“{phrase}”" in message and "…" not in message


def test_formatting_characters_are_dropped_from_the_echo_not_replaced() -> None:
    message = shown(refusal(parse_due, "*Fridya* _soon_", MON, "UTC"))
    assert "“Fridya soon”" in message


# --------------------------------------------------------------------------- split_due: decorations


@pytest.mark.parametrize(
    "text",
    [
        "send the deck by Friday :tada: !",
        "send the deck by Friday! 🙏 :tada:",
        "send the deck by Friday ❤️",
        "send the deck by Friday 🎉🎉",
        "send the deck by Friday :tada::rocket:",
        "send the deck by Friday!!!",
    ],
)
def test_trailing_emoji_and_punctuation_do_not_hide_the_due_date(text: str) -> None:
    assert split(text) == ("send the deck", FRIDAY)


def test_not_a_string_splits_to_nothing() -> None:
    assert split_due(None, MON, "UTC") == ("", None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- split_due: intro words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no later than Friday", ("", FRIDAY)),
        ("not later than Friday", ("", FRIDAY)),
        ("the MSA no later than Friday", ("the MSA", FRIDAY)),
        ("on or before Friday", ("", FRIDAY)),
        ("due by Friday", ("", FRIDAY)),
        ("final payment due, due Friday", ("final payment due", FRIDAY)),
        # "than" is an intro only in "no/not later than"
        ("a pilot longer than 2 weeks", ("a pilot longer than 2 weeks", None)),
        ("start the pilot no sooner than Monday", ("start the pilot no sooner than Monday", None)),
        # a long clause after "by" that isn't a date is part of the text
        ("an intro by the CTO of the big account", ("an intro by the CTO of the big account", None)),
        ("an intro by our CTO next week maybe", ("an intro by our CTO next week maybe", None)),
    ],
)
def test_which_trailing_words_are_a_due_clause(text: str, expected: tuple[str, date | None]) -> None:
    assert split(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "send the deck by Fridya cc <@U123> <@U456>",  # mentions are not words of the clause
        "send the deck by “Fridya”",  # nor are the quotes around it
        "send it by the end of the Decmber",  # nor "the"
        "send it by the end of Decmber pls",  # four words, one of them date-like
        "send it by Mrch",  # a four-letter misspelt month
        "deck by Fridya rather than Monday",
    ],
)
def test_a_misspelt_date_after_by_is_reported_not_swallowed(text: str) -> None:
    assert refusal(split_due, text, MON, "UTC").reason == "unreadable"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("call on Feb 30", "invalid"),
        ("review on 1/1/2040", "too_far"),
        ("review until 1/1/2040", "too_far"),
        ("call on Nov 2 2026", "past"),
    ],
)
def test_a_clear_date_after_any_intro_is_checked_not_kept_as_text(text: str, reason: str) -> None:
    assert refusal(split_due, text, MON, "UTC").reason == reason


def test_the_due_clause_is_read_in_the_users_zone() -> None:
    # 03:00 UTC on Tuesday is still Monday evening in Los Angeles.
    now = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    assert split_due("deck by tomorrow", now, "America/Los_Angeles") == ("deck", date(2026, 11, 24))
    assert split_due("deck by tomorrow", now, "UTC") == ("deck", date(2026, 11, 25))


def test_a_word_cut_at_the_edge_of_a_long_message_is_not_read_as_by() -> None:
    # Only the last 180 characters can hold a due clause; here they start inside "Abby".
    text = "Abby" + " " * 172 + "Friday"
    assert split(text)[1] is None


# --------------------------------------------------------------------------- parse_iso_date


@pytest.mark.parametrize(("value", "echo"), [(None, "None"), (20261205, "20261205")])
def test_a_datepicker_value_that_is_not_text_is_refused_and_echoed(value: object, echo: str) -> None:
    assert f"“{echo}”" in shown(refusal(parse_iso_date, value))
