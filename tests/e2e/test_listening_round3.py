"""Round 3 of listening, end to end: messages the detector newly understands are offered in
the channel through the whole app, with the due date read in the speaker's time zone, and a
quoted promise or a bare "will circle back" offers nothing.

The clock of these fixtures is Monday 23 November 2026, 15:00 UTC (tests/conftest.py).
"""

from __future__ import annotations

from bot.store import Scope
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import action_values, all_text


def items(bot):
    return bot.runtime.services.ledger.items(Scope("T0001", DEAL))


def say(slack, text, ts):
    return slack.message(text, user=ALICE, channel=DEAL, ts=ts)


def log(slack, emulator, action, ts, n):
    slack.action(action, ts, user=ALICE, channel=DEAL)
    emulator.wait_for(lambda calls: len(emulator.responses()) >= n)


def test_newly_understood_promises_are_offered_and_logged_with_their_dates(slack, bot, emulator):
    # A department named with its company, "revert with" and a fortnight; a date said before
    # the promise; a slangy verb with "within the hour".
    say(slack, "Legal at Hooli will send the NDA over in a fortnight", "1700000500.000100")
    say(slack, "first thing Tuesday I'll send Dana the revised pricing :rocket:", "1700000501.000100")
    say(slack, "customer will revert with feedback on the SOW within the hour", "1700000502.000100")
    offers = emulator.wait_for_count("chat.postEphemeral", 3)
    by_ts = {action_values(o.args, "listen_ignore")[0]: o.args for o in offers}
    assert "their side" in all_text(by_ts["1700000500.000100"])
    assert "send Dana the revised pricing" in all_text(by_ts["1700000501.000100"])
    assert action_values(by_ts["1700000502.000100"], "listen_log_get") == ["1700000502.000100"]

    log(slack, emulator, "listen_log_get", "1700000500.000100", 1)
    log(slack, emulator, "listen_log_give", "1700000501.000100", 2)
    log(slack, emulator, "listen_log_get", "1700000502.000100", 3)
    logged = {(i.side, i.what, str(i.due_on)) for i in items(bot)}
    assert logged == {
        ("get", "send the NDA over", "2026-12-07"),
        ("give", "send Dana the revised pricing", "2026-11-24"),
        ("get", "revert with feedback on the SOW", "2026-11-23"),
    }


def test_quoted_promises_and_vague_replies_offer_nothing(slack, bot, emulator):
    # Slack delivers a quote escaped, as "&gt; ": the promise quoted is someone else's.
    say(slack, "&gt; I'll send the W-9 tomorrow\ndid you ever send that?", "1700000510.000100")
    say(slack, "Will circle back", "1700000511.000100")
    say(slack, "they keep saying they'll send the data but never do", "1700000512.000100")
    say(slack, "I'll let you know how the call goes", "1700000513.000100")
    bot.wait_idle()
    assert emulator.calls_to("chat.postEphemeral") == [] and emulator.messages() == []
    assert items(bot) == []
