"""A calendar meeting whose deal is worked in more channels than the question offers."""

from __future__ import annotations

from datetime import timedelta

from tests.calendar.feed_server import Route, fixture
from tests.calendar.test_calendar_e2e import PILOT_ENDS, acme_deal, at, connect, schedule  # noqa: F401
from tests.conftest import ALICE
from tests.e2e.helpers import action_values, all_text
from tests.e2e.test_block_kit_limits import refusals


def test_the_question_offers_five_channels_and_counts_the_rest(team, bot, slack, emulator, clock, feeds,
                                                                 schedule):  # noqa: F811
    """Five channels used to be offered and two more left out without a word."""
    channels = [f"C0ACME{n}" for n in range(7)]
    for n, channel in enumerate(channels):
        emulator.add_channel(channel, f"deal-acme-{n}", members=[ALICE])
        acme_deal(slack, channel=channel, name=f"Acme {'ABCDEFG'[n]}")
    connect(slack, feeds.serve("/alice.ics", Route(fixture("google_alice.ics"))), channel=channels[0])
    schedule.sweep()
    at(clock, schedule, PILOT_ENDS + timedelta(minutes=6))
    bot.wait_idle()
    [question] = [m for m in emulator.messages() if "Which deal" in m.get("text", "")]
    assert len(action_values(question, "calendar_choose")) == 5
    assert "…and 2 more channels with a matching deal" in all_text(question)
    assert refusals(emulator) == []
