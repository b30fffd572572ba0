"""The welcome is posted once per join of the bot into a channel, even when Slack redelivers
the join after the bot restarted (event ids are remembered in memory only); a genuine later
re-join still gets its welcome."""

from __future__ import annotations

from tests.conftest import ALICE, NOBOT
from tests.e2e.helpers import all_text


def joined(local_bot, emulator, channel, **fields):
    """Slack's `member_joined_channel` for the bot itself: someone ran `/invite @Partner Coach`."""
    event = {"type": "member_joined_channel", "user": emulator.bot_user_id, "channel": channel,
             "channel_type": "C", "team": "T0001", "inviter": ALICE}
    response = local_bot.driver.event(event, **fields)
    assert response.status_code == 200
    local_bot.wait_idle()  # the listener finished: a missing post is not merely late


def welcomes(emulator, channel):
    return [m for m in emulator.messages(channel) if "Partner Coach" in all_text(m)]


def test_a_join_redelivered_after_a_restart_posts_no_second_welcome(bot, emulator, restart):
    emulator.add_channel("C0NEW", "deal-initech", members=[ALICE])
    joined(bot, emulator, "C0NEW", event_id="EvJOIN1")
    assert len(welcomes(emulator, "C0NEW")) == 1
    again = restart()
    joined(again, emulator, "C0NEW", event_id="EvJOIN1", retry_num=1)
    joined(again, emulator, "C0NEW", event_id="EvJOIN1", retry_num=2)
    assert len(welcomes(emulator, "C0NEW")) == 1
    # A second restart, and Slack's last try: still the one welcome.
    joined(restart(), emulator, "C0NEW", event_id="EvJOIN1", retry_num=3)
    assert len(emulator.messages("C0NEW")) == 1


def test_a_genuine_rejoin_after_a_restart_is_welcomed_again(bot, emulator, restart):
    emulator.add_channel("C0NEW", "deal-initech", members=[ALICE])
    joined(bot, emulator, "C0NEW", event_id="EvJOIN1")
    again = restart()
    # Removed and invited back: a new event, a new id.
    joined(again, emulator, "C0NEW", event_id="EvJOIN2")
    assert len(welcomes(emulator, "C0NEW")) == 2
    joined(again, emulator, "C0NEW", event_id="EvJOIN2", retry_num=1)
    assert len(welcomes(emulator, "C0NEW")) == 2


def test_the_same_event_id_in_another_channel_is_its_own_join(bot, emulator, restart):
    # Ids are remembered per channel: one channel's join never silences another's.
    emulator.add_channel("C0NEW", "deal-initech", members=[ALICE])
    emulator.add_channel("C0TWO", "deal-hooli", members=[ALICE])
    joined(bot, emulator, "C0NEW", event_id="EvSAME")
    joined(restart(), emulator, "C0TWO", event_id="EvSAME")
    assert len(welcomes(emulator, "C0NEW")) == 1 and len(welcomes(emulator, "C0TWO")) == 1


def test_a_welcome_slack_refused_is_posted_when_the_join_is_redelivered(bot, emulator, restart):
    # The bot isn't in the channel yet as far as Slack's API is concerned: the post fails,
    # and the join is not marked welcomed, so Slack's redelivery gets the welcome through.
    joined(bot, emulator, NOBOT, event_id="EvJOIN9")
    assert welcomes(emulator, NOBOT) == []
    emulator.add_channel(NOBOT, "random", members=[ALICE], is_member=True)
    joined(restart(), emulator, NOBOT, event_id="EvJOIN9", retry_num=1)
    assert len(welcomes(emulator, NOBOT)) == 1
