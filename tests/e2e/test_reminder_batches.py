"""Reminders of one person due at the same moment go out as one DM: end to end, signed HTTP
in, a FakeClock moved by hand, the emulator's recorded posts out."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.store import Scope
from tests.conftest import ALICE, BOB, DEAL
from tests.e2e.helpers import action_values, all_text
from tests.e2e.test_schedule import dms, jobs, wait_until

SCOPE = Scope("T0001", DEAL)
SECOND = "C0SECOND"
TUESDAY_9AM_NEW_YORK = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
TUESDAY_9AM_LOS_ANGELES = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)


@pytest.fixture
def schedule(bot):
    return bot.runtime.services.schedule


def give(slack, bot, what: str, *, channel: str = DEAL, count: int) -> None:
    """Log a commitment and wait until it is stored (the ``count``-th of the channel)."""
    slack.command(f"give {what}", user=ALICE, channel=channel)
    ledger = bot.runtime.services.ledger
    wait_until(lambda: ledger.get(Scope("T0001", channel), count) is not None)


def value_of(message, action_id: str, number: int) -> str:
    """The value of the ``action_id`` button of item ``number``."""
    [value] = [v for v in action_values(message, action_id)
               if json.loads(v.rpartition("~")[0])["number"] == number]  # sealed: "<json>~<mac>"
    return value


def click(slack, emulator, action_id: str, value: str):
    before = len(emulator.responses())
    slack.action(action_id, value, user=ALICE, channel="D0ALICE")
    wait_until(lambda: len(emulator.responses()) > before)
    return emulator.responses()[-1]


def test_thirty_reminders_due_at_once_come_as_one_dm(slack, bot, schedule, emulator, clock):
    give(slack, bot, "<!channel> <@U0BOB> <http://evil.example|click> by Wednesday", count=1)
    for n in range(2, 30):
        give(slack, bot, f"deliverable {n} by Wednesday", count=n)
    give(slack, bot, "security review by Monday", count=30)  # overdue by Tuesday 09:00
    schedule.sweep()
    assert dms(emulator) == []
    clock.set(TUESDAY_9AM_NEW_YORK)
    schedule.sweep()
    [dm] = dms(emulator)
    text = all_text(dm)
    assert "30 commitments need you" in text and "1 overdue" in text
    assert "*#2* deliverable 2" in text and "*#16* deliverable 16" in text
    # Past what Slack takes in one message: 50 blocks, and about 12,000 characters for all
    # of them together (bot/domain/reminder_batch.py).
    assert "deliverable 17" not in text
    assert "14 more" in text and "/partner list mine" in text
    raw = json.dumps(dm["blocks"])
    assert "<!channel>" not in raw and "<@U0BOB>" not in raw and "<http://evil" not in raw
    assert len(dm["blocks"]) <= 50
    assert len(action_values(dm, "reminder_done")) == 16 == len(action_values(dm, "reminder_snooze"))
    assert [j["status"] for j in jobs(bot, "reminder")] == ["done"] * 30
    assert len(schedule.limiter.sleep) == 0  # one post: nobody else waits behind it


def test_two_owners_get_two_dms_and_channels_are_grouped(slack, bot, schedule, emulator, clock):
    emulator.add_channel(SECOND, "deal-second", members=[ALICE])
    give(slack, bot, "pilot workspace by Wednesday", count=1)
    give(slack, bot, "pricing sheet by Wednesday", count=2)
    slack.command("give intro <@U0BOB|bob> by Wednesday", user=ALICE, channel=DEAL)
    slack.command("give demo <@U0BOB|bob> by Wednesday", user=ALICE, channel=DEAL)
    give(slack, bot, "security answers by Wednesday", channel=SECOND, count=1)
    wait_until(lambda: bot.runtime.services.ledger.get(SCOPE, 4) is not None)
    clock.set(TUESDAY_9AM_NEW_YORK)
    schedule.sweep()
    [alice] = dms(emulator, ALICE)
    assert dms(emulator, BOB) == []  # 06:00 in Los Angeles
    clock.set(TUESDAY_9AM_LOS_ANGELES)
    schedule.sweep()
    [bob] = dms(emulator, BOB)
    assert [len(dms(emulator, ALICE)), len(dms(emulator, BOB))] == [1, 1]
    text = all_text(alice)
    assert "3 commitments need you" in text
    assert text.index("<#C0DEAL>") < text.index("pilot workspace") < text.index("pricing sheet") \
        < text.index("<#C0SECOND>") < text.index("security answers")
    assert "intro" not in text and "intro" in all_text(bob) and "demo" in all_text(bob)


def test_buttons_in_the_combined_dm_act_on_their_own_item(slack, bot, schedule, emulator, clock):
    for n, what in enumerate(["pilot", "pricing sheet", "security answers"], start=1):
        give(slack, bot, f"{what} by Wednesday", count=n)
    clock.set(TUESDAY_9AM_NEW_YORK)
    schedule.sweep()
    [dm] = dms(emulator)
    answer = click(slack, emulator, "reminder_done", value_of(dm, "reminder_done", 2))
    assert "Kept" in all_text(answer) and answer.get("replace_original") in (False, "false", None)
    ledger = bot.runtime.services.ledger
    assert [ledger.get(SCOPE, n).status for n in (1, 2, 3)] == ["open", "done", "open"]
    answer = click(slack, emulator, "reminder_snooze", value_of(dm, "reminder_snooze", 3))
    assert "Snoozed *#3*" in all_text(answer) and "Thu 26 Nov 2026, 09:00 EST" in all_text(answer)
    arms = {j["payload"]["number"]: j["arm"] for j in jobs(bot, "reminder")}
    assert arms == {1: 0, 2: 0, 3: 1}
    # Thursday 09:00: the snoozed #3 and the overdue #1 fall due together; #2 is closed.
    clock.set(datetime(2026, 11, 26, 14, 0, tzinfo=UTC))
    schedule.sweep()
    assert len(dms(emulator)) == 2
    later = all_text(dms(emulator)[1])
    assert "pilot" in later and "security answers" in later and "pricing sheet" not in later


def test_a_combined_dm_cut_off_by_a_crash_is_sent_once_after_a_restart(slack, bot, schedule, emulator,
                                                                       clock, restart):
    for n in range(1, 4):
        give(slack, bot, f"deliverable {n} by Wednesday", count=n)
    clock.set(TUESDAY_9AM_NEW_YORK)
    dispatcher = schedule.dispatcher
    dispatcher.record_posted = lambda *a: (_ for _ in ()).throw(RuntimeError("crash"))
    schedule.sweep()
    assert len(dms(emulator)) == 1
    assert {j["status"] for j in jobs(bot, "reminder")} == {"sending"}
    schedule.sweep()  # a retried sweep in the same process (the record still fails)
    again = restart()
    again.runtime.services.schedule.sweep()
    again.runtime.services.schedule.sweep()
    assert len(dms(emulator)) == 1
    assert [j["status"] for j in jobs(again, "reminder")] == ["done"] * 3
