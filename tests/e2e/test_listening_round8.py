"""Round 8 of listening, end to end: chat-style messages (no capitals, "ill", "sendin"),
non-native English ("we sending the contract on thursday"), "coming your way", a thread reply
that takes a request on with a day ("can do, thurs"), a date corrected in the same message
("Wednesday — actually Thursday"), a promise with its own escape clause ("unless their dock is
closed") and a company called "US Bank" are offered with their side and logged with their
dates; conditions, promises taken back in the same message and look-alikes offer nothing.

The clock of these fixtures is Monday 23 November 2026, 15:00 UTC (tests/conftest.py), 10:00
for Alice in New York.
"""

from __future__ import annotations

from bot.store import Scope
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import offer_and_log_all


def items(bot, channel=DEAL):
    return bot.runtime.services.ledger.items(Scope("T0001", channel))


THEIRS = {"1700008000.000100", "1700008003.000100", "1700008006.000100"}


def test_chat_style_non_native_and_corrected_promises_are_offered_and_logged(slack, bot, emulator):
    said = {
        "1700008000.000100": "caldera sending logo files fri",
        "1700008001.000100": "ill send the pilot plan to pinebrook tmrw",
        "1700008002.000100": "we sending the contract on thursday",
        "1700008003.000100": "Marta (Caldera): signed PO coming your way wed",
        "1700008004.000100": "I'll send the deck Wednesday \u2014 actually Thursday",
        "1700008005.000100": "we'll ship the units Friday unless their dock is closed",
        "1700008006.000100": "US Bank will send the signed MSA Friday",
    }
    offer_and_log_all(slack, emulator, said, THEIRS)
    logged = {(i.side, i.what, str(i.due_on)) for i in items(bot)}
    assert logged == {
        ("get", "send logo files", "2026-11-27"),
        ("give", "send the pilot plan to pinebrook", "2026-11-24"),  # as typed
        ("give", "send the contract", "2026-11-26"),
        ("get", "send you signed PO", "2026-11-25"),
        ("give", "send the deck", "2026-11-26"),  # the day said last
        ("give", "ship the units", "2026-11-27"),
        ("get", "send the signed MSA", "2026-11-27"),  # US Bank is a bank, not "us"
    }


def test_a_thread_reply_that_takes_the_request_on_with_a_day_is_offered(slack, bot, emulator):
    parent = "1700008010.000100"
    slack.message("can someone send Caldera the SOC 2 report?", user=ALICE, channel=DEAL, ts=parent)
    slack.message("can do, thurs", user=ALICE, channel=DEAL, ts="1700008011.000100", thread_ts=parent)
    [offer] = emulator.wait_for_count("chat.postEphemeral", 1)
    assert "from their side" not in str(offer.args)
    slack.action("listen_log_give", "1700008011.000100", user=ALICE, channel=DEAL)
    emulator.wait_for(lambda calls: len(emulator.responses()) >= 1)
    [item] = items(bot)
    assert (item.side, str(item.due_on)) == ("give", "2026-11-26")


def test_conditions_retractions_and_look_alikes_offer_nothing(slack, bot, emulator):
    for n, text in enumerate([
        "if legal signs off we'll send it Friday",
        "I'll send the SOW Thursday... actually can't, legal hasn't cleared it",
        "will send the deck tomorrow \u2014 never mind, they cancelled the meeting",
        "US Bank hasn't replied since the demo",
        "k ill ping legal",
        "\U0001f44c wednesday",
        "I'm ill today, back tmrw",
        "can do",
        "caldera is a nightmare lol",
    ]):
        assert slack.message(text, user=ALICE, channel=DEAL, ts=f"1700008020.{n:06d}").status_code == 200
    bot.wait_idle()
    assert emulator.calls_to("chat.postEphemeral") == [] and emulator.messages() == []
    assert items(bot) == []
