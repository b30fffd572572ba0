"""Round 4 of listening, end to end: a deadline with a zone ("by 9am ET") is read in that
zone, a subjectless "and will" keeps the other side's subject, and a note to colleagues, an
eye-rolled, struck-out, denied or code-block promise offers nothing.

The clock of these fixtures is Monday 23 November 2026, 15:00 UTC (tests/conftest.py): 10:00
in New York (Alice), 07:00 in Los Angeles (Bob).
"""

from __future__ import annotations

from bot.store import Scope
from tests.conftest import ALICE, BOB, DEAL
from tests.e2e.helpers import action_values, all_text


def items(bot):
    return bot.runtime.services.ledger.items(Scope("T0001", DEAL))


def test_a_deadline_in_another_zone_and_an_and_will_promise_are_logged_with_their_dates(
    slack, bot, emulator
):
    # 9am ET has gone (it is 10:00 there) though 9am has not in Bob's Los Angeles: the
    # deadline is tomorrow 9am ET, Tuesday 06:00 for Bob.
    slack.message("I'll send Dana the security questionnaire by 9am ET", user=BOB, channel=DEAL,
                  ts="1700000600.000100")
    slack.message("their legal team is reviewing the DPA and will send comments by Friday",
                  user=ALICE, channel=DEAL, ts="1700000601.000100")
    offers = emulator.wait_for_count("chat.postEphemeral", 2)
    by_ts = {action_values(o.args, "listen_ignore")[0]: o.args for o in offers}
    assert by_ts["1700000600.000100"]["user"] == BOB
    assert "send Dana the security questionnaire" in all_text(by_ts["1700000600.000100"])
    assert action_values(by_ts["1700000601.000100"], "listen_log_get") == ["1700000601.000100"]

    slack.action("listen_log_give", "1700000600.000100", user=BOB, channel=DEAL)
    emulator.wait_for(lambda calls: len(emulator.responses()) >= 1)
    slack.action("listen_log_get", "1700000601.000100", user=ALICE, channel=DEAL)
    emulator.wait_for(lambda calls: len(emulator.responses()) >= 2)
    logged = {(i.side, i.what, str(i.due_on)) for i in items(bot)}
    assert logged == {
        ("give", "send Dana the security questionnaire", "2026-11-24"),
        ("get", "send comments", "2026-11-27"),
    }


def test_notes_to_colleagues_and_withdrawn_promises_offer_nothing(slack, bot, emulator):
    texts = [
        "I'll ping u once they reply",
        "will post here as soon as they sign",
        "sure, they'll sign by Friday 🙄",
        "~I'll send the SOW tomorrow~ holding until pricing is final",
        "no way we'll have SSO ready for them by the 15th",
        "Not going to send the discount until they commit to the 3-year term",
        "```\n// TODO: we'll send the retry header by Friday\n```",
    ]
    for n, text in enumerate(texts):
        slack.message(text, user=ALICE, channel=DEAL, ts=f"1700000610.{n:06d}")
    bot.wait_idle()
    assert emulator.calls_to("chat.postEphemeral") == [] and emulator.messages() == []
    assert items(bot) == []
