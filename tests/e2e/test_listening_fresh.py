"""Readings fixed on the FRESH corpora, end to end: signed HTTP in, emulator records out.

The clock starts on Monday 2026-11-23 15:00 UTC; Alice is in New York, Bob in Los Angeles.
"""

from __future__ import annotations

from bot.store import Scope
from tests.conftest import ALICE, BOB, DEAL
from tests.e2e.helpers import action_values, all_text, reply_text


def items(bot, channel=DEAL):
    return bot.runtime.services.ledger.items(Scope("T0001", channel))


def deals(bot, channel=DEAL):
    return {d.name: d.stage.value for d in bot.runtime.services.deals.all(Scope("T0001", channel))}


def say(slack, text, ts, user=ALICE):
    return slack.message(text, user=user, channel=DEAL, ts=ts)


def test_their_champion_named_in_commas_is_offered_as_a_get_with_its_date(slack, bot, emulator):
    say(slack, "Their champion, Lisa, is gonna socialize the business case with the exec team by Thursday",
        ts="1700003000.000100")
    [offer] = emulator.wait_for_count("chat.postEphemeral", 1)
    assert action_values(offer.args, "listen_log_get") == ["1700003000.000100"]
    primary = [b["action_id"] for b in offer.args["blocks"][1]["elements"] if b.get("style") == "primary"]
    assert primary == ["listen_log_get"] and "socialize the business case" in all_text(offer.args)
    slack.action("listen_log_get", "1700003000.000100", user=ALICE, channel=DEAL)
    emulator.wait_for(lambda calls: emulator.responses())
    [item] = items(bot)
    assert (item.side, str(item.due_on)) == ("get", "2026-11-26")


def test_a_promise_due_before_christmas_logs_with_christmas_day(slack, bot, emulator):
    say(slack, "I'll get the SOW to them before Christmas 🎄", ts="1700003001.000100")
    [offer] = emulator.wait_for_count("chat.postEphemeral", 1)
    slack.action("listen_log_give", "1700003001.000100", user=ALICE, channel=DEAL)
    emulator.wait_for(lambda calls: emulator.responses())
    [item] = items(bot)
    assert (item.side, item.what, str(item.due_on)) == ("give", "get the SOW to them", "2026-12-25")


def test_denied_reports_guesses_and_opinions_are_not_offered(slack, bot, emulator):
    for n, text in enumerate([
        "They never said they would sign",
        "Sam, our SE, thinks they'll sign by Friday",
        "we're sending too many discounts this quarter imo",
    ]):
        say(slack, text, ts=f"1700003010.{n:06d}")
    bot.wait_idle()
    assert emulator.calls_to("chat.postEphemeral") == [] and items(bot) == []


def test_give_and_get_read_fresh_due_phrases_in_the_users_zone(slack, bot):
    text = reply_text(slack.command("give the SOW before Christmas", user=ALICE, channel=DEAL))
    assert "due Fri 25 Dec 2026" in text
    reply_text(slack.command("get signed PO from Dana by 5pm friday PT", user=BOB, channel=DEAL))
    reply_text(slack.command("give security review a week from Friday", user=ALICE, channel=DEAL))
    got = {(i.side, i.what): str(i.due_on) for i in items(bot)}
    assert got == {
        ("give", "the SOW"): "2026-12-25",
        ("get", "signed PO"): "2026-11-27",
        ("give", "security review"): "2026-12-04",
    }


def test_a_misspelt_holiday_is_refused_and_nothing_is_logged(slack, bot):
    text = reply_text(slack.command("give the deck by Chrismass", user=ALICE, channel=DEAL))
    assert "Chrismass" in text and items(bot) == []


def test_a_won_heading_from_a_crm_bot_records_the_deal_as_signed(slack, bot, emulator):
    event = {"type": "message", "subtype": "bot_message", "bot_id": "B0PIPE", "channel": DEAL,
             "ts": "1700003020.000100", "text": "✅ Won: Helios Solar Rollout ($48,000) — owner: Kim Lee"}
    assert slack.event(event).status_code == 200
    [post] = emulator.wait_for_count("chat.postMessage", 1)
    assert deals(bot) == {"Helios Solar Rollout": "signed"} and "Helios" in all_text(post.args)


def test_an_opportunity_update_with_another_field_changed_records_nothing(slack, bot, emulator):
    event = {"type": "message", "subtype": "bot_message", "bot_id": "B0SFDC", "channel": DEAL,
             "ts": "1700003021.000100",
             "text": "Opportunity Update\n*Name:* Brightline Media\n*Stage:* Proposal\n"
                     "*Amount changed to:* $80,000"}
    assert slack.event(event).status_code == 200
    bot.wait_idle()
    assert deals(bot) == {} and emulator.messages(DEAL) == []
