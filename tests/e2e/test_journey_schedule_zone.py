"""When a newcomer asks when the digest and check-ins come, the time they are told is the time
they come (signed HTTP, injected clock)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import ALICE, BOB, DEAL
from tests.e2e.helpers import all_text, reply_text


def digests(emulator):
    return [m for m in emulator.messages(DEAL) if "WEEKLY PARTNERSHIP DIGEST" in all_text(m).upper()]


def at(bot, clock, when):
    clock.set(when)
    bot.runtime.services.schedule.sweep()
    bot.wait_idle()


def test_the_digest_time_a_new_channel_is_told_is_the_time_it_comes(bot, slack, emulator, clock):
    slack.command("deal Acme Corp qualified", user=ALICE, channel=DEAL)  # a deal, no commitment yet
    # Was "Mondays at 09:00 (UTC)": 4am for Alice in New York, the digest posted then.
    answer = reply_text(slack.command("digest", user=ALICE, channel=DEAL))
    assert "Mondays at 09:00* (America/New_York)" in answer and "(UTC)" not in answer
    at(bot, clock, datetime(2026, 11, 30, 9, 30, tzinfo=UTC))  # 09:30 UTC, 04:30 in New York
    assert digests(emulator) == []
    at(bot, clock, datetime(2026, 11, 30, 14, 1, tzinfo=UTC))  # 09:01 in New York
    assert len(digests(emulator)) == 1


def test_check_ins_asked_about_first_are_shown_in_the_askers_zone(slack):
    answer = reply_text(slack.command("checkins", user=BOB, channel=DEAL))
    assert "at 10:00 (America/Los_Angeles)" in answer and "(UTC)" not in answer


def test_a_channel_whose_zone_is_known_keeps_it_whoever_asks(slack):
    slack.command("give a pilot workspace by Friday", user=BOB, channel=DEAL)  # Bob: Los Angeles
    answer = reply_text(slack.command("digest", user=ALICE, channel=DEAL))
    assert "(America/Los_Angeles)" in answer
    slack.command("digest weekly friday 16:00 Europe/Berlin", user=BOB, channel=DEAL)
    assert "(Europe/Berlin)" in reply_text(slack.command("digest", user=ALICE, channel=DEAL))
