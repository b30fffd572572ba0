"""Extreme but legal input, through HTTP, against Slack's Block Kit limits.

A channel filled with the longest item texts and deal names the bot takes, written in the
characters that escape or count longest (``&`` is five characters once escaped, an emoji
two UTF-16 units), with mrkdwn that must stay inert. Every message, ephemeral, reply,
modal and Home view the bot sends must be one Slack takes: the emulator refuses what
Slack would (bot/emulator/block_kit.py), and these tests read every answer it gave.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import requests

from bot.domain.commands import MAX_DEAL_NAME, MAX_WHAT
from bot.emulator.block_kit import slack_length
from bot.emulator.driver import state_value
from bot.store import Scope
from bot.webhook import signed_headers
from tests.conftest import ALICE, BOB, DEAL
from tests.e2e.helpers import all_text, reply

# Each piece is something Slack counts, escapes or parses: escapes, an emoji (2 UTF-16
# units), a family emoji joined by zero-width joiners, a combining accent, right-to-left
# and zero-width characters, and mrkdwn that must never ping, link or format.
PIECES = ["&&&", "<<>>", "\U0001F600", "\U0001F469\u200d\U0001F469\u200d\U0001F467", "e\u0301",
          "\u202e\u05e9\u05dc\u05d5\u05dd", "\u200b", "<!channel>", "<@U0EVIL>", "<http://x.example|y>",
          "*bold*", "`tick`", "~strike~", "_it_", ":skull:"]
# A mention standing last in a give/get assigns the item (the mention is then the bot's own,
# on purpose), so it is not in this list; inside the text it must come out as inert @name.
INERT = ["<!channel>", "<http://x.example|y>", "<!here>"]


@pytest.fixture(autouse=True)
def templates_fit_by_themselves(caplog):
    """Each template pages and cuts what it shows itself: render's last-resort cut (which
    logs the template) is for mistakes, and none of these tests may need it."""
    yield
    records = caplog.get_records("setup") + caplog.get_records("call")
    cuts = [r.getMessage() for r in records if r.name == "bot.messages"]
    assert not cuts, cuts


def hostile(length: int, seed: int = 0) -> str:
    """Text of exactly ``length`` code points built from PIECES (different for each seed)."""
    text = "".join(PIECES[(seed + n) % len(PIECES)] for n in range(length))
    return text[:length].strip() or "x"


def dense(length: int) -> str:
    """Text that grows most once escaped and counted: ``&`` becomes ``&amp;``, an emoji is 2."""
    return ("&&<>\U0001F600" * length)[:length]


def refusals(emulator) -> list[tuple[str, str, Any]]:
    """Every call the emulator refused for its content (not for injected failures)."""
    content_errors = {"invalid_blocks", "invalid_blocks_format", "invalid_arguments", "msg_too_long",
                      "msg_blocks_too_long", "no_text", "invalid_payload"}
    return [(call.method, call.response.get("error"), call.response.get("response_metadata"))
            for call in emulator.calls if call.response.get("error") in content_errors]


SENDS = ("chat.postMessage", "chat.postEphemeral", "chat.update", "response_url", "views.open",
         "views.publish", "views.update", "views.push")


def shown_mrkdwn(payload: Any, top: bool = True) -> list[str]:
    """The texts Slack parses as mrkdwn: text objects of type mrkdwn and a message's ``text``.

    plain_text is shown literally and button values or metadata never shown, so a raw
    ``<!channel>`` there pings no one.
    """
    found = []
    if top and isinstance(payload, dict) and isinstance(payload.get("text"), str):
        found.append(payload["text"])
    if isinstance(payload, dict):
        if payload.get("type") == "mrkdwn" and isinstance(payload.get("text"), str):
            found.append(payload["text"])
        children = list(payload.values())
    else:
        children = payload if isinstance(payload, list) else []
    for child in children:
        found += shown_mrkdwn(child, top=False)
    return found


def sent_texts(emulator) -> str:
    """All mrkdwn the bot sent: messages, ephemerals, replies by response_url, views."""
    return "\n".join(text for call in emulator.calls if call.method in SENDS
                     for text in shown_mrkdwn(call.args))


def assert_inert(text: str) -> None:
    for raw in INERT:
        where = text[max(0, text.find(raw) - 200):][:400]
        assert raw not in text, f"{raw} reached Slack unescaped: {where!r}"


def seed_items(slack, count: int, channel: str = DEAL, due_every: int = 3) -> None:
    """``count`` items of the longest text, half given, half expected, one in ``due_every`` due."""
    for n in range(count):
        side = "give" if n % 2 == 0 else "get"
        due = " by tomorrow" if n % due_every == 0 else ""
        length = MAX_WHAT - len(due)
        # Numbered: the same open item typed twice is logged once.
        body = dense if n % 2 == 0 else (lambda size, n=n: hostile(size, seed=n))
        text = f"{n}" + body(length - len(str(n))) + due
        response = slack.command(f"{side} {text}", user=ALICE, channel=channel)
        assert response.status_code == 200


def seed_deals(slack, count: int) -> list[str]:
    names = []
    for n in range(count):
        body = dense(MAX_DEAL_NAME - 4) if n % 2 == 0 else hostile(MAX_DEAL_NAME - 4, seed=n)
        name = f"D{n:02d}-" + body.replace(" ", "_")
        slack.command(f"deal {name} prospecting", user=ALICE, channel=DEAL)
        names.append(name)
    return names


@pytest.fixture
def full_channel(slack, bot, clock):
    """A deal channel with 110 items (a third of them overdue) and 45 deals, all at their longest."""
    # A <@U0EVIL> standing last makes U0EVIL the owner: a person Slack knows (an unknown one is
    # refused), outside the channel, so the confirmation carries its warning too.
    bot.emulator.add_user("U0EVIL", name="evil")
    seed_items(slack, 110)
    deals = seed_deals(slack, 45)
    bot.wait_idle()
    clock.advance(timedelta(days=3))
    stored = bot.runtime.services.deals.all(Scope("T0001", DEAL))
    assert len(stored) == 45 and min(len(deal.name) for deal in stored) >= MAX_DEAL_NAME - 10
    items = bot.runtime.services.ledger.items(Scope("T0001", DEAL))
    assert len(items) == 110
    assert max(len(item.what) for item in items) >= MAX_WHAT - 20
    return deals


def test_the_hostile_text_is_as_long_as_slack_counts_it():
    text = hostile(MAX_WHAT)
    assert len(text) == MAX_WHAT
    assert slack_length(text) > MAX_WHAT  # emoji count two
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert len(escaped) > len(text) + 100


LISTINGS = ["list", "list all", "list overdue", "list mine", "list all page 2", "list all page 9",
            "deal", "digest", "checkins", "help", "share", "export", "listen", "crm", "calendar"]


def test_every_listing_and_the_home_tab_of_a_full_channel_are_ones_slack_takes(
        slack, bot, emulator, full_channel):
    for command in LISTINGS:
        body = reply(slack.command(command, user=ALICE, channel=DEAL))
        bot.wait_idle()
        assert refusals(emulator) == [], command
        assert_inert("\n".join(shown_mrkdwn(body)))
    slack.app_home_opened(ALICE)
    bot.wait_idle()
    home = emulator.home_view(ALICE)
    assert home is not None, refusals(emulator)
    assert refusals(emulator) == []
    assert_inert(sent_texts(emulator))
    # The first page shows the first items, cut (they are all longer than a section shows).
    assert "#1*" in all_text(home) and "…" in all_text(home)


def test_buttons_commands_and_signing_on_a_full_channel(slack, bot, emulator, full_channel):
    """Signing lists ten open items in one section: 10 x 120 escaped ``&`` would be 6,000
    characters; the item commands echo the longest texts back."""
    for command in ("done 1", "drop 2", f"edit 3 {hostile(MAX_WHAT, seed=7)}", "private 4",
                    "private 4 shared", "done 999999", "edit 5 " + "&" * MAX_WHAT):
        slack.command(command, user=ALICE, channel=DEAL)
    slack.action("item_done", "6", user=ALICE, channel=DEAL)
    slack.action("item_drop", "7", user=BOB, channel=DEAL)
    slack.command(f"deal {full_channel[0]} signed", user=ALICE, channel=DEAL)
    bot.wait_idle()
    assert refusals(emulator) == []
    text = sent_texts(emulator)
    assert "*Open commitments (" in text  # the signed announcement was posted, not lost
    assert_inert(text)


def test_scheduled_posts_about_a_full_channel(slack, bot, emulator, clock, full_channel):
    """Reminders, the weekly digest and post-signature check-ins, a week on."""
    slack.command("digest weekly monday 09:00 Europe/Berlin", user=ALICE, channel=DEAL)
    slack.command("checkins 7d 30d", user=ALICE, channel=DEAL)
    slack.command(f"deal {full_channel[1]} signed", user=ALICE, channel=DEAL)
    bot.wait_idle()
    posted = len(emulator.calls_to("chat.postMessage"))
    for _ in range(8):
        clock.advance(timedelta(days=1))
        bot.runtime.services.schedule.run_due()
    bot.wait_idle()
    assert len(emulator.calls_to("chat.postMessage")) > posted + 1  # the digest and check-in at least
    assert refusals(emulator) == []
    assert_inert(sent_texts(emulator))


def test_a_meeting_with_the_longest_hostile_topic_and_its_debrief(slack, bot, emulator, clock):
    topic = hostile(120, seed=3)
    answer = reply(slack.command(f"meeting {topic} in 30m for 45m", user=ALICE, channel=DEAL))
    assert "Debrief for" in answer["text"]
    bot.wait_idle()
    clock.advance(timedelta(hours=2))
    bot.runtime.services.schedule.run_due()
    bot.wait_idle()
    [value] = [node["value"] for call in emulator.calls_to("chat.postMessage")
               for node in _walk(call.args) if isinstance(node, dict)
               and node.get("action_id") == "debrief_open"]
    slack.action("debrief_open", value, user=ALICE, channel=DEAL)
    bot.wait_idle()
    view = emulator.find_view(callback_id="debrief")
    assert view is not None, refusals(emulator)
    slack.view_submission("debrief", long_answers(view), user=ALICE)
    bot.wait_idle()
    assert refusals(emulator) == []
    assert_inert(sent_texts(emulator))


def long_answers(view: dict[str, Any]) -> dict[str, Any]:
    """Every text input of a modal filled to its max_length with hostile text."""
    return {block["block_id"]: {block["element"]["action_id"]: state_value(
        "plain_text_input", hostile(block["element"].get("max_length", 300), seed=5))}
        for block in view["blocks"] if block.get("type") == "input"
        and block["element"]["type"] == "plain_text_input"}


def test_the_record_modal_with_a_long_deal_name_and_long_answers(slack, bot, emulator):
    name = hostile(MAX_DEAL_NAME, seed=2).replace(" ", "_")
    slack.command(f"deal {name} prospecting", user=ALICE, channel=DEAL)
    bot.wait_idle()
    posts = [call.args for call in emulator.calls if call.method in ("chat.postMessage", "response_url")]
    values = [node["value"] for args in posts for node in _walk(args)
              if isinstance(node, dict) and node.get("action_id") == "record_give"]
    value = values[-1] if values else json.dumps({"side": "give", "deal": name})
    slack.action("record_give", value, user=ALICE, channel=DEAL)
    bot.wait_idle()
    view = emulator.find_view(callback_id="record_item")
    assert view is not None, refusals(emulator)
    slack.view_submission("record_item", long_answers(view), user=ALICE)
    bot.wait_idle()
    assert refusals(emulator) == []
    assert_inert(sent_texts(emulator))


def _walk(node: Any):
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        yield from _walk(child)


def test_a_partner_in_a_shared_channel_lists_a_full_plan(slack, bot, emulator):
    """The partner's view names every deal of the channel in its first section."""
    dana, shared = "U0DANA", "C0SHARED"
    emulator.add_user(dana, name="dana", real_name="Dana Lee", team_id="T0PARTNER")
    emulator.add_channel(shared, "shared-acme", members=[ALICE, dana], is_ext_shared=True)
    seed_items(slack, 30, channel=shared)
    for n in range(20):
        slack.command(f"deal P{n:02d}-{dense(MAX_DEAL_NAME - 4)} prospecting", user=ALICE, channel=shared)
    bot.wait_idle()
    body = reply(slack.command("list", user=dana, channel=shared))
    assert "What you commit to" in all_text(body)
    bot.wait_idle()
    assert refusals(emulator) == []
    assert_inert("\n".join(shown_mrkdwn(body)))


def test_conversation_offers_and_crm_moves_with_the_longest_hostile_text(slack, bot, emulator):
    """What people and other bots post in the channel: commitments the bot offers to log,
    CRM stage posts and CRM webhooks naming deals at the longest the bot takes."""
    for n, filler in enumerate([dense(260), hostile(260, seed=4)]):
        ts = f"1700000{n}00.000100"
        slack.message(f"I'll send {filler} by Friday", user=ALICE, channel=DEAL, ts=ts)
        bot.wait_idle()
        slack.action("listen_log_give", ts, user=ALICE, channel=DEAL)
    for n, name in enumerate([dense(70), hostile(70, seed=9).replace(" ", "_")]):
        slack.message(f"Deal W{n}-{name} moved to Closed Won", user=BOB, channel=DEAL)
        body = json.dumps({"deal": f"H{n}-{name}", "stage": "negotiation", "channel": DEAL}).encode()
        requests.post(bot.base_url + "/webhooks/deals", data=body, timeout=10,
                      headers=signed_headers("whsec-test", body))
    bot.wait_idle()
    assert emulator.calls_to("chat.postEphemeral") and emulator.calls_to("response_url")
    assert len(bot.runtime.services.deals.all(Scope("T0001", DEAL))) >= 2
    assert refusals(emulator) == []
    assert_inert(sent_texts(emulator))
