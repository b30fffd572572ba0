"""The answers added for newcomers, at their longest, are payloads Slack takes (the driver
checks every ack, the emulator every post, the way Slack does)."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.commands import MAX_DEAL_NAME
from bot.domain.meetings import MAX_TOPIC
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import reply_text


def dense(length: int, n: int) -> str:
    """Text that grows most once escaped and counted (``&`` is ``&amp;``, an emoji 2 units)."""
    return (f"{n}" + "&<>\U0001F600" * length)[:length]


def test_the_longest_meeting_list_move_and_cancel_are_taken(bot, slack, emulator, clock):
    for n in range(18):
        text = f"meeting {dense(MAX_TOPIC, n)} in {n + 1}h"
        assert "I'll ask" in reply_text(slack.command(text, user=ALICE, channel=DEAL))
    listed = reply_text(slack.command("meeting", user=ALICE, channel=DEAL))
    assert "…and 3 more, later." in listed
    moved = reply_text(slack.command(f"meeting {dense(MAX_TOPIC, 0)} in 30h", user=ALICE, channel=DEAL))
    assert "Moved" in moved
    cancelled = reply_text(slack.command(f"meeting cancel {dense(MAX_TOPIC, 1)}", user=ALICE, channel=DEAL))
    assert "Cancelled the debrief" in cancelled
    for _ in range(31):  # hour by hour: a debrief is asked for within hours of its meeting, never days late
        clock.advance(timedelta(hours=1))
        bot.runtime.services.schedule.run_due()
    bot.wait_idle()
    assert len(emulator.messages(DEAL)) == 17  # all but the cancelled one, each posted and taken


def test_the_welcome_back_with_the_longest_deal_names_is_taken(bot, slack, emulator):
    for n in range(7):
        slack.command(f"deal D{n}{dense(MAX_DEAL_NAME - 3, n)} qualified", user=ALICE, channel=DEAL)
    bot.wait_idle()
    before = len(emulator.messages(DEAL))
    slack.event({"type": "member_joined_channel", "user": emulator.bot_user_id, "channel": DEAL,
                 "channel_type": "C", "inviter": ALICE})
    bot.wait_idle()
    [welcome] = emulator.messages(DEAL)[before:]
    assert "and 2 more" in welcome["blocks"][1]["text"]["text"]
