"""Calendar debriefs, round 8: the note that a prompt's thread was answered (which silences its
reminder) is kept only while it matters, and a reply Slack marks as answering someone else's
message leaves no note, end to end through the real app (tests/calendar/test_calendar_round7.py
has the scenario kit; the clock starts Monday 23 November 2026, 15:00 UTC).
"""

from __future__ import annotations

from datetime import timedelta

from bot.store import Scope
from tests.calendar.scenario_kit import vcalendar, vevent
from tests.calendar.test_calendar_round7 import (
    TUE_UTC,
    asked,
    desk,  # noqa: F401 - a fixture
    nudges,
    prompt_ts,
    sweep_until,
)
from tests.conftest import ALICE, DEAL

THREAD_REPLY = "thread-reply"


def reply_notes(desk) -> list[str]:  # noqa: F811 - the fixture
    store = desk.schedule.jobs.store
    return [key for kind, key, _ in store.records(Scope("T0001", DEAL)) if kind == THREAD_REPLY]


def test_an_answered_prompts_note_goes_once_its_reminder_is_settled(desk):  # noqa: F811 - the fixture
    # Expect: Alice answers in the prompt's thread: no reminder, and the note of her answer is
    # deleted when the reminder's moment comes (it has nothing left to silence).
    desk.deal()
    desk.connect(vcalendar(vevent("settled", TUE_UTC)))
    asked(desk)
    [ts] = prompt_ts(desk)
    desk.slack.message("went fine", user=ALICE, channel=DEAL, thread_ts=ts, ts="1795100000.000500")
    desk.idle()
    assert reply_notes(desk) == [ts]
    sweep_until(desk, TUE_UTC + timedelta(hours=5))
    assert nudges(desk) == [] and reply_notes(desk) == []


def test_a_reply_slack_says_answers_a_person_does_not_silence_the_reminder(desk):  # noqa: F811 - the fixture
    # Expect: a reply in the prompt's thread whose parent_user_id is not the bot (a forged or
    # garbled event) is no answer to the bot: the reminder still comes, and no note is kept.
    desk.deal()
    desk.connect(vcalendar(vevent("forged", TUE_UTC)))
    asked(desk)
    [ts] = prompt_ts(desk)
    desk.slack.message("sure", user=ALICE, channel=DEAL, thread_ts=ts, ts="1795100000.000600",
                       parent_user_id=ALICE)
    desk.idle()
    assert reply_notes(desk) == []
    sweep_until(desk, TUE_UTC + timedelta(hours=5))
    assert len(nudges(desk)) == 1


def test_a_reply_note_matters_until_the_latest_moment_a_reminder_can_go_out():
    from bot.domain.debrief_rounds import REMIND_AFTER, REMINDER_LATEST, reply_mark_expired

    noted = TUE_UTC
    latest = noted + REMIND_AFTER + REMINDER_LATEST
    assert not reply_mark_expired(noted, latest)
    assert reply_mark_expired(noted, latest + timedelta(seconds=1))
    assert reply_mark_expired(None, noted)  # a note from before notes were dated
