"""`/partner meeting`: a debrief prompt posted exactly once when the meeting ends (injected clock)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import all_text, reply_text


def debriefs(emulator):
    return [m for m in emulator.messages(DEAL) if "Debrief" in all_text(m)]


def test_meeting_in_30m_for_45m_posts_debrief_once_when_it_ends(bot, slack, emulator, clock):
    answer = reply_text(slack.command("meeting Acme demo in 30m for 45m", user=ALICE, channel=DEAL))
    # 15:00 UTC + 75 minutes = 16:15 UTC = 11:15 in New York
    assert "Acme demo" in answer and "11:15" in answer and "America/New_York" in answer
    schedule = bot.runtime.services.schedule
    clock.advance(timedelta(minutes=74))
    schedule.run_due()
    assert debriefs(emulator) == []
    clock.advance(timedelta(minutes=2))
    schedule.run_due()
    schedule.run_due()
    [post] = debriefs(emulator)
    assert "Acme demo" in all_text(post) and "in it for them" in all_text(post)


def test_meeting_at_a_time_uses_the_users_time_zone(bot, slack, emulator, clock):
    reply_text(slack.command("meeting Globex QBR at 3pm for 1h", user=ALICE, channel=DEAL))
    schedule = bot.runtime.services.schedule
    clock.advance(timedelta(hours=4, minutes=59))  # 19:59 UTC = 14:59 New York: not over yet
    schedule.run_due()
    assert debriefs(emulator) == []
    clock.advance(timedelta(hours=1, minutes=2))  # 16:01 New York
    schedule.run_due()
    assert len(debriefs(emulator)) == 1


def test_the_same_meeting_twice_keeps_one_debrief(bot, slack, emulator, clock):
    slack.command("meeting Acme call in 10m", user=ALICE, channel=DEAL)
    answer = reply_text(slack.command("meeting Acme call in 10m", user=ALICE, channel=DEAL))
    assert "already" in answer
    clock.advance(timedelta(hours=2))
    bot.runtime.services.schedule.run_due()
    assert len(debriefs(emulator)) == 1


def test_debrief_survives_a_restart(emulator, clock, tmp_path):
    from bot.emulator.local_bot import LocalBot

    with LocalBot(emulator, tmp_path / "db.json", clock) as first:
        first.driver.command("meeting Initech pricing in 5m for 30m", user=ALICE, channel=DEAL)
    clock.advance(timedelta(hours=1))
    with LocalBot(emulator, tmp_path / "db.json", clock) as second:
        second.runtime.services.schedule.sweep()
        second.runtime.services.schedule.sweep()
    assert len(debriefs(emulator)) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("meeting", "Which meeting"),
        ("meeting for 30m", "which deal or topic"),
        ("meeting Acme at 25:00", "doesn't exist"),
        ("meeting Acme for 20h", "12 hours"),
        ("meeting Acme in 90 days", "60 days"),
        ("meeting " + "x" * 200, "under 120"),
    ],
)
def test_bad_meeting_commands_are_explained_and_schedule_nothing(bot, slack, emulator, clock, text, expected):
    answer = reply_text(slack.command(text, user=ALICE, channel=DEAL))
    assert expected in answer and ":warning:" in answer
    clock.advance(timedelta(days=100))
    bot.runtime.services.schedule.run_due()
    assert debriefs(emulator) == []


def test_meeting_topic_injection_is_escaped(bot, slack, emulator, clock):
    answer = slack.command("meeting <!channel> <http://x|y> in 5m", user=ALICE, channel=DEAL).text
    assert "<!channel>" not in answer
    clock.advance(timedelta(hours=2))
    bot.runtime.services.schedule.run_due()
    [post] = debriefs(emulator)
    visible = str(post["blocks"][0])
    assert "<!channel>" not in visible and "&lt;!channel&gt;" in visible
