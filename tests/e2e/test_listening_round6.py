"""Round 6 of listening, end to end: promises said without "will" (shorthand such as "sow to
them by eow", an arrow, "is on them, due Wed", items under "Their action items"), a forwarded
email whose "we" is its sender's, the other side's stated expectation ("confirmed they expect
to have it countersigned by Thursday"), a corrected date and "coming Monday" are offered in
the channel with their side and logged with their dates; third-party firms, unstated
forecasts, news, asks and promises already kept offer nothing.

The clock of these fixtures is Monday 23 November 2026, 15:00 UTC (tests/conftest.py), 10:00
for Alice in New York.
"""

from __future__ import annotations

from bot.store import Scope
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import offer_and_log_all, reply_text


def items(bot):
    return bot.runtime.services.ledger.items(Scope("T0001", DEAL))


def say(slack, text, ts, **opts):
    return slack.message(text, user=ALICE, channel=DEAL, ts=ts, **opts)


THEIRS = {"1700000802.000100", "1700000803.000100", "1700000804.000100"}


def test_shorthand_lists_forwards_and_stated_expectations_are_offered_and_logged_with_dates(
    slack, bot, emulator
):
    said = {
        "1700000800.000100": "sow to them by eow, on it",
        "1700000801.000100": "pen test letter \u2192 Hooli by Wed",
        "1700000802.000100": "*Their action items*\n- confirm the headcount by Wed\n- pick a go-live date",
        "1700000803.000100": "---------- Forwarded message ---------\nFrom: Lin Chen (Hooli)\n"
                             "We will wire the deposit on Friday.",
        "1700000804.000100": "Hooli confirmed they expect to have the MSA countersigned by Thursday",
        "1700000805.000100": "I'll send the quote Friday \u2014 scratch that, Thursday",
        "1700000806.000100": "we shall send the contract on coming Monday",
    }
    offer_and_log_all(slack, emulator, said, THEIRS)
    logged = {(i.side, i.what, str(i.due_on)) for i in items(bot)}
    assert logged == {
        ("give", "sow to them", "2026-11-27"),  # end of this week
        ("give", "pen test letter \u2192 Hooli", "2026-11-25"),
        ("get", "confirm the headcount", "2026-11-25"),
        ("get", "wire the deposit", "2026-11-27"),
        ("get", "have the MSA countersigned", "2026-11-26"),
        ("give", "send the quote", "2026-11-26"),  # the corrected day, not Friday
        ("give", "send the contract", "2026-11-30"),  # said on a Monday: next week's
    }


def test_auto_mode_logs_shorthand_once_across_a_retried_delivery(slack, bot, emulator):
    assert "now *auto*" in reply_text(slack.command("listen auto", user=ALICE, channel=DEAL))
    say(slack, "signed NDA back from their legal by Friday", ts="1700000810.000100")
    [reply] = emulator.wait_for_count("chat.postMessage", 1)
    # Slack delivers the same event again when it thinks the first ack was late
    say(slack, "signed NDA back from their legal by Friday", ts="1700000810.000100", retry_num=1)
    bot.wait_idle()
    assert reply.args["thread_ts"] == "1700000810.000100"
    assert len(emulator.calls_to("chat.postMessage")) == 1
    [item] = items(bot)
    assert (item.side, item.what, str(item.due_on)) == (
        "get", "signed NDA back from their legal", "2026-11-27"
    )


def test_third_parties_unstated_forecasts_news_asks_and_kept_promises_offer_nothing(slack, bot, emulator):
    texts = [
        "Brightwater Consulting will finish the process audit by end of December",
        "Tidewater Freight will deliver the scanners to their DC on Monday",
        "Hooli expects to have the MSA countersigned by Thursday",
        "Meeting moved to Thursday",
        "nothing back from their legal since Friday",
        "Fwd from Lin (Hooli):\n> Could you send the W-9 by Friday?",
        "I promised Lin the deck and shared it this morning",
        "Agenda:\n- pricing by Friday\n- security",
        "our competitor Acmeo will demo to them on Friday",
    ]
    for n, text in enumerate(texts):
        say(slack, text, f"1700000820.{n:06d}")
    bot.wait_idle()
    assert emulator.calls_to("chat.postEphemeral") == [] and emulator.messages() == []
    assert items(bot) == []
