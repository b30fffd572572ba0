"""A newcomer's first five minutes, through signed HTTP: every answer says what to do next."""

from __future__ import annotations

import pytest

from bot.store import Scope
from tests.conftest import ALICE, BOB, DEAL
from tests.e2e.helpers import all_text, reply_text


def ledger_items(bot, channel=DEAL):
    return bot.runtime.services.ledger.items(Scope("T0001", channel))


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("gvie a pilot", ["give"]),
        ("delete 3", ["drop"]),  # was "Did you mean `deal`?": off to change a deal's stage
        ("remove 3", ["drop"]),
        ("close 3", ["done"]),  # was `listen`
        ("complete 3", ["done"]),
        ("cal", ["calendar"]),  # was `deal`
        ("summary", ["digest"]),  # was `share`
        ("promise a deck", ["give"]),  # was `private`
        ("add a pilot", ["give", "get"]),  # a give or a get: both, with both shapes
        ("calnedar", ["calendar"]),
    ],
)
def test_a_mistyped_or_natural_word_suggests_the_subcommand_meant_and_changes_nothing(
        slack, bot, typed, meant):
    answer = reply_text(slack.command(typed, user=ALICE, channel=DEAL))
    word = typed.split()[0]
    assert f"I don't know “{word}”" in answer
    assert "Did you mean " + " or ".join(f"`{m}`" for m in meant) + "?" in answer
    for name in meant:
        assert f"Usage: `/partner {name}" in answer
    bot.wait_idle()
    assert ledger_items(bot) == []


@pytest.mark.parametrize("typed", ["frobnicate", "xyz", "settings"])
def test_a_word_close_to_nothing_gets_no_wrong_guess_only_the_way_to_help(slack, typed):
    answer = reply_text(slack.command(typed, user=ALICE, channel=DEAL))
    assert "Did you mean" not in answer and "Usage:" not in answer  # was "`private`" for frobnicate
    assert "`/partner help` lists everything I can do" in answer


def joined(slack, emulator, channel, **fields):
    """Slack's `member_joined_channel` for the bot itself: someone ran `/invite @Partner Coach`."""
    event = {"type": "member_joined_channel", "user": emulator.bot_user_id, "channel": channel,
             "channel_type": "C", "team": "T0001", "inviter": ALICE}
    return slack.event(event, **fields)


def test_inviting_the_bot_into_a_new_deal_channel_posts_the_first_steps_once(bot, slack, emulator):
    # Was: silence. A newcomer invites the bot and has to guess what to type.
    emulator.add_channel("C0NEW", "deal-initech", members=[ALICE])
    assert joined(slack, emulator, "C0NEW", event_id="EvJOIN1").status_code == 200
    assert joined(slack, emulator, "C0NEW", event_id="EvJOIN1", retry_num=1).status_code == 200
    bot.wait_idle()
    [welcome] = emulator.messages("C0NEW")
    text = all_text(welcome)
    assert "Partner Coach" in text and "what are we giving to receive?" in text
    assert "`/partner deal Acme Corp prospecting`" in text and "`/partner give" in text
    assert "`/partner get" in text and "`/partner share`" in text and "`/partner help`" in text
    assert "`/partner listen off`" in text  # people should know it reads the channel
    assert emulator.messages(DEAL) == []


def test_invited_back_into_a_channel_it_says_where_things_stand_escaped(bot, slack, emulator):
    slack.command("deal <!channel> Acme negotiation", user=ALICE, channel=DEAL)
    slack.command("give a pilot by Friday", user=ALICE, channel=DEAL)
    slack.command("give the deck (private)", user=ALICE, channel=DEAL)
    bot.wait_idle()
    before = len(emulator.messages(DEAL))
    joined(slack, emulator, DEAL)
    bot.wait_idle()
    welcome = emulator.messages(DEAL)[before:]
    assert len(welcome) == 1
    text = all_text(welcome[0])
    assert "&lt;!channel&gt; Acme* is Negotiation" in text and "<!channel>" not in text
    assert "2 open commitments" in text and "`/partner list`" in text
    assert "Three steps" not in text


def test_the_welcome_says_how_it_listens(bot, slack, emulator):
    emulator.add_channel("C0QUIET", "deal-quiet", members=[ALICE])
    slack.command("listen off", user=ALICE, channel="C0QUIET")
    joined(slack, emulator, "C0QUIET")
    bot.wait_idle()
    [welcome] = emulator.messages("C0QUIET")
    assert "I don't read this channel's conversation" in all_text(welcome)


def test_someone_else_joining_gets_no_post(bot, slack, emulator):
    slack.event({"type": "member_joined_channel", "user": BOB, "channel": DEAL, "channel_type": "C"})
    bot.wait_idle()
    assert emulator.messages(DEAL) == []


def test_the_home_tab_of_someone_new_says_how_to_start_with_inviting_the_bot(bot, slack, emulator):
    # Was "Log one in a deal channel with `/partner give …`": in a channel the bot isn't in yet.
    slack.app_home_opened(ALICE)
    bot.wait_idle()
    home = emulator.home_view(ALICE)
    text = all_text(home)
    assert "New here?" in text and "`/invite @Partner Coach`" in text
    assert "`/partner deal Acme Corp prospecting`" in text and "`/partner help`" in text


def test_the_home_tab_stops_teaching_once_there_is_something_to_show(bot, slack, emulator):
    slack.command("give a pilot workspace by Friday", user=ALICE, channel=DEAL)
    slack.app_home_opened(ALICE)
    bot.wait_idle()
    text = all_text(emulator.home_view(ALICE))
    assert "a pilot workspace" in text and "New here?" not in text


def test_help_starts_a_newcomer_with_the_first_three_commands(slack):
    for text in ("", "help"):
        answer = reply_text(slack.command(text, user=ALICE, channel=DEAL))
        assert "*Start here:* `/partner deal Acme Corp prospecting`, then `/partner give …`" in answer
        assert "`/partner share`" in answer


def test_help_on_a_topic_it_does_not_know_says_so_before_listing_everything(slack):
    # Was the whole list, as if "help pricing" had been understood.
    answer = reply_text(slack.command("help <!channel>pricing", user=ALICE, channel=DEAL))
    assert "There's no `&lt;!channel&gt;pricing` command; here is everything." in answer
    assert "*give*" in answer and "*calendar*" in answer
    one = reply_text(slack.command("help meeting", user=ALICE, channel=DEAL))
    assert "There's no" not in one and "*meeting*" in one and "*give*" not in one
