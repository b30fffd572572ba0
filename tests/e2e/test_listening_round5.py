"""Round 5 of listening, end to end: promises the detector newly understands are offered in
the channel and logged with their dates ("me + Sam will …", "we shall …", "✅ will send …",
"have the SOW to Dana mid-December", a day-first "27/11"), a promise after "Their VP Ops:"
is offered as theirs, and forecasts, conditions, contract terms, third parties and a
colleague's chores offer nothing.

The clock of these fixtures is Monday 23 November 2026, 15:00 UTC (tests/conftest.py), 10:00
for Alice in New York.
"""

from __future__ import annotations

from bot.store import Scope
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import action_values, all_text


def items(bot):
    return bot.runtime.services.ledger.items(Scope("T0001", DEAL))


def say(slack, text, ts):
    return slack.message(text, user=ALICE, channel=DEAL, ts=ts)


def test_newly_understood_promises_are_offered_with_their_side_and_logged_with_their_dates(
    slack, bot, emulator
):
    said = {
        "1700000700.000100": "me + Sam will host their admins for the onsite on Thursday",
        "1700000701.000100": "we shall revert with the signed order form by friday",
        "1700000702.000100": "Their VP Ops: we'll confirm the seat count on Wednesday",
        "1700000703.000100": "\u2705 will send the trial keys to Ravi on Tuesday",
        "1700000704.000100": "I'll send the pricing to them by 27/11",
        "1700000705.000100": "we'll have the SOW to Dana mid-December",
    }
    for ts, text in said.items():
        say(slack, text, ts)
    offers = emulator.wait_for_count("chat.postEphemeral", len(said))
    by_ts = {action_values(o.args, "listen_ignore")[0]: o.args for o in offers}
    assert set(by_ts) == set(said)
    # the promise after "Their VP Ops:" is theirs: said so, and "Log as get" is the primary button
    theirs = by_ts["1700000702.000100"]
    assert "from their side" in all_text(theirs)
    primary = [e["action_id"] for b in theirs["blocks"] if b["type"] == "actions"
               for e in b["elements"] if e.get("style") == "primary"]
    assert primary == ["listen_log_get"]
    assert "from their side" not in all_text(by_ts["1700000700.000100"])

    for n, ts in enumerate(said, start=1):
        action = "listen_log_get" if ts == "1700000702.000100" else "listen_log_give"
        slack.action(action, ts, user=ALICE, channel=DEAL)
        emulator.wait_for(lambda calls, n=n: len(emulator.responses()) >= n)
    logged = {(i.side, i.what, str(i.due_on)) for i in items(bot)}
    assert logged == {
        ("give", "host their admins for the onsite", "2026-11-26"),
        ("give", "revert with the signed order form", "2026-11-27"),
        ("get", "confirm the seat count", "2026-11-25"),
        ("give", "send the trial keys to Ravi", "2026-11-24"),
        ("give", "send the pricing to them", "2026-11-27"),
        ("give", "have the SOW to Dana", "2026-12-15"),
    }


def test_forecasts_conditions_terms_third_parties_and_colleagues_offer_nothing(slack, bot, emulator):
    texts = [
        "Globex plans to sign before the end of the quarter",
        "happy to share the roadmap whenever their CTO wants it",
        "per the MSA they'll pay within 60 days of invoice",
        "Accenture will deliver the implementation plan to Globex by Friday",
        "Ravi will walk through our Q3 pipeline on Friday",
    ]
    for n, text in enumerate(texts):
        say(slack, text, f"1700000710.{n:06d}")
    bot.wait_idle()
    assert emulator.calls_to("chat.postEphemeral") == [] and emulator.messages() == []
    assert items(bot) == []
