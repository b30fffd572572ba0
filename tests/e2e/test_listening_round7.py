"""Round 7 of listening, end to end: promises in the passive voice ("the contract will be sent
by us tomorrow"), an "it" named earlier in the message, shorthand progressives ("sending
revised quote fri"), a speaker before a colon ("Karl (Halden): we'll …" is theirs) and a plain
name doing something for them ("Mei will send them the deck" is ours) are offered with their
side and logged with their dates; in a Slack Connect channel the partner's own passive "by us"
is theirs; thread replies that say nothing of what ("on it", "yep, Thursday"), conditions and
past facts offer nothing.

The clock of these fixtures is Monday 23 November 2026, 15:00 UTC (tests/conftest.py), 10:00
for Alice in New York.
"""

from __future__ import annotations

from bot.store import Scope
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import offer_and_log_all, reply_text

SHARED = "C0SHARED7"
DANA = "U0DANA7"  # works at the partner, in their own Slack workspace


def items(bot, channel=DEAL):
    return bot.runtime.services.ledger.items(Scope("T0001", channel))


def say(slack, text, ts, channel=DEAL, user=ALICE, **opts):
    return slack.message(text, user=user, channel=channel, ts=ts, **opts)


THEIRS = {"1700007002.000100", "1700007005.000100"}


def test_passive_referents_shorthand_and_speakers_are_offered_and_logged_with_dates(slack, bot, emulator):
    said = {
        "1700007000.000100": "The revised contract will be sent by us tomorrow.",
        "1700007001.000100": "They asked for the rate card again \u2014 I'll send it Thursday",
        "1700007002.000100": "Karl (Halden): we'll have the pricing approval by Friday",
        "1700007003.000100": "sending revised quote wed",
        "1700007004.000100": "Mei will send them the training deck before the weekend",
        "1700007005.000100": "The purchase order will be issued by their procurement on Wednesday.",
    }
    offer_and_log_all(slack, emulator, said, THEIRS)
    logged = {(i.side, i.what, str(i.due_on)) for i in items(bot)}
    assert logged == {
        ("give", "send the revised contract", "2026-11-24"),
        ("give", "send the rate card", "2026-11-26"),  # "it", named before the promise
        ("get", "have the pricing approval", "2026-11-27"),
        ("give", "send revised quote", "2026-11-25"),
        ("give", "send them the training deck", "2026-11-27"),  # before the weekend: Friday
        ("get", "issue the purchase order", "2026-11-25"),
    }


def test_in_slack_connect_the_partners_own_passive_by_us_is_logged_as_theirs(slack, bot, emulator):
    emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id="T0PARTNER")
    emulator.add_channel(SHARED, "shared-halden", members=[ALICE, DANA], is_ext_shared=True)
    assert "now *auto*" in reply_text(slack.command("listen auto", user=ALICE, channel=SHARED))
    say(slack, "The signed PO will be issued by us on Friday.", "1700007010.000100",
        channel=SHARED, user=DANA)
    [reply] = emulator.wait_for_count("chat.postMessage", 1)
    assert reply.args["thread_ts"] == "1700007010.000100"
    [item] = items(bot, SHARED)
    assert (item.side, item.what, str(item.due_on)) == ("get", "issue the signed PO", "2026-11-27")
    # the same words from one of ours are our promise
    say(slack, "The pilot report will be shared by us on Friday.", "1700007011.000100", channel=SHARED)
    emulator.wait_for_count("chat.postMessage", 2)
    assert {(i.side, i.what) for i in items(bot, SHARED)} == {
        ("get", "issue the signed PO"), ("give", "share the pilot report"),
    }


def test_thread_replies_conditions_and_past_facts_offer_nothing(slack, bot, emulator):
    say(slack, "can someone send Halden the SOC 2 report by Thursday?", "1700007020.000100")
    replies = ["on it", "will do", "yep, Thursday", "I'll handle it", "we'll review and get back to you"]
    for n, text in enumerate(replies):
        say(slack, text, f"1700007021.{n:06d}", thread_ts="1700007020.000100")
    for n, text in enumerate([
        "The contract was sent by us yesterday.",
        "As soon as they pay, we'll ship the units.",
        "they'll send the PO eventually",
        "Sam goes out on leave Friday",
        "reviewing their redlines this afternoon",
    ]):
        say(slack, text, f"1700007022.{n:06d}")
    bot.wait_idle()
    assert emulator.calls_to("chat.postEphemeral") == [] and emulator.messages() == []
    assert items(bot) == []
