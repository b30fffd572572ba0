"""Where a newcomer types their first commands, through signed HTTP: a direct message, a
channel the bot was never invited into, and a slip on `confirm`. Each answer says where the
command works and what to do next, and changes nothing it can't stand behind."""

from __future__ import annotations

from bot.store import Scope
from tests.conftest import ALICE, DEAL, NOBOT
from tests.e2e.helpers import all_text, reply_text
from tests.e2e.test_journey_first_minutes import joined

DM = "D0ALICE"


def items(bot, channel):
    return bot.runtime.services.ledger.items(Scope("T0001", channel))


def test_a_ledger_command_in_a_direct_message_says_where_it_works_and_logs_nothing(slack, bot):
    # Was: "Logged #1" in "this channel's ledger" of a DM, which no one else sees and no
    # digest, check-in or partner link ever reaches.
    for typed in ("give a pilot by Friday", "list", "deal Acme Corp proposal", "share"):
        answer = reply_text(slack.command(typed, user=ALICE, channel=DM))
        assert "works in a deal's channel" in answer and "nothing changed" in answer, typed
        assert "`/invite @Partner Coach`" in answer and "*Home* tab" in answer
    bot.wait_idle()
    assert items(bot, DM) == []
    assert bot.runtime.services.deals.all(Scope("T0001", DM)) == []


def test_help_and_the_calendar_still_answer_in_a_direct_message(slack):
    assert "Start here:" in reply_text(slack.command("help", user=ALICE, channel=DM))
    assert "no calendar connected" in reply_text(slack.command("calendar", user=ALICE, channel=DM))


def test_a_command_in_a_channel_without_the_bot_says_to_invite_it_and_posts_nothing(slack, bot, emulator):
    # Was: the stage question "posted in the channel" failed silently; reminders, digests and
    # check-ins there would never arrive, and nobody said why.
    slack.command("deal Acme Corp proposal", user=ALICE, channel=NOBOT)
    bot.wait_idle()
    [warning] = emulator.responses()
    text = all_text(warning)
    assert "I'm not in this channel yet" in text and "`/invite @Partner Coach`" in text
    assert "weekly digest" in text and "what you logged here is kept" in text
    assert [c for c in emulator.calls_to("chat.postMessage") if c.args.get("channel") == NOBOT] == []


def test_once_invited_the_same_channel_gets_its_posts_and_no_warning(slack, bot, emulator):
    slack.command("give a pilot by Friday", user=ALICE, channel=NOBOT)
    bot.wait_idle()
    assert len(emulator.responses()) == 1  # the warning, once
    emulator.add_channel(NOBOT, "random", members=[ALICE], is_member=True)
    joined(slack, emulator, NOBOT, event_id="EvJOINRANDOM")  # `/invite @Partner Coach`
    bot.wait_idle()
    slack.command("deal Acme Corp proposal", user=ALICE, channel=NOBOT)
    bot.wait_idle()
    assert len(emulator.responses()) == 1  # no second warning, inside the minute it was cached
    assert any("Proposal" in all_text(m) for m in emulator.messages(NOBOT))
    assert [i.what for i in items(bot, NOBOT)] == ["a pilot"]  # logged before, kept


def test_help_in_a_channel_without_the_bot_gets_no_warning(slack, bot, emulator):
    assert "Start here:" in reply_text(slack.command("help", user=ALICE, channel=NOBOT))
    bot.wait_idle()
    assert emulator.responses() == []


def test_the_bot_in_the_channel_adds_no_warning(slack, bot, emulator):
    slack.command("deal Acme Corp proposal", user=ALICE, channel=DEAL)
    bot.wait_idle()
    assert emulator.responses() == []


def test_a_slip_on_confirm_suggests_confirm_and_changes_nothing(slack, bot):
    # Was: "I don't know “confrim”" and no guess: `confirm` is a word of `plan`, not a subcommand.
    slack.command("get an intro to their CFO by Dec 3", user=ALICE, channel=DEAL)
    answer = reply_text(slack.command("confrim 1", user=ALICE, channel=DEAL))
    assert "Did you mean `confirm`?" in answer and "type `/partner confirm 1`" in answer
    bot.wait_idle()
    assert not items(bot, DEAL)[0].is_confirmed


def test_the_home_tab_of_someone_new_gives_a_whole_example_for_each_first_command(bot, slack, emulator):
    # Was "`/partner give …` · `/partner get …`": the shape, with nothing a newcomer could type.
    slack.app_home_opened(ALICE)
    bot.wait_idle()
    text = all_text(emulator.home_view(ALICE))
    for typed in ("give a reference call by Friday", "get an intro to their CFO from Dana by Dec 3"):
        assert f"`/partner {typed}`" in text
        assert "Logged *#" in reply_text(slack.command(typed, user=ALICE, channel=DEAL))  # works as shown


def test_a_deal_named_without_a_stage_gets_the_whole_command_to_copy_which_works(slack, bot):
    # Was "Give a deal name and a stage.": no example, no list of stages.
    answer = reply_text(slack.command("deal Acme", user=ALICE, channel=DEAL))
    assert "Which stage is “Acme” at?" in answer and "`/partner deal Acme prospecting`" in answer
    assert "Stages: prospecting, qualified, proposal, negotiation" in answer
    bot.wait_idle()
    assert bot.runtime.services.deals.all(Scope("T0001", DEAL)) == []
    assert "Acme* is now *Prospecting*" in reply_text(slack.command("deal Acme prospecting", user=ALICE,
                                                                    channel=DEAL))


def test_a_hostile_deal_name_without_a_stage_is_shown_inert(slack):
    answer = reply_text(slack.command("deal <!channel>", user=ALICE, channel=DEAL))
    assert "Which stage is" in answer and "<!channel>" not in answer


def test_share_without_a_public_address_names_who_to_ask_and_what_works_meanwhile(slack, bot):
    # Was "the operator sets PARTNER_COACH_PUBLIC_URL (see docs/mutual-plan.md)": a dead end
    # for a salesperson, on a fresh install, after the welcome told them to type `/partner share`.
    slack.command("give a pilot by Friday", user=ALICE, channel=DEAL)
    bot.runtime.services.plans.base_url = None  # how `serve` runs without PARTNER_COACH_PUBLIC_URL
    text = reply_text(slack.command("share", user=ALICE, channel=DEAL))
    assert "Ask whoever runs Partner Coach" in text and "/plans/" not in text
    assert "`/partner export`" in text and "`/partner plan`" in text
    # What it offers meanwhile works without the address.
    assert "As the partner sees it" in reply_text(slack.command("plan", user=ALICE, channel=DEAL))
    assert "Markdown and CSV" in reply_text(slack.command("export", user=ALICE, channel=DEAL))
