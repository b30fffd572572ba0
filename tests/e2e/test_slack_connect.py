"""Slack Connect: a member of the partner's workspace in a channel shared with it sees the
mutual plan through `/partner list`, closes only their own side's items, never sees private ones."""

from __future__ import annotations

import json

import pytest

from bot.store import Scope
from tests.conftest import ALICE
from tests.e2e.helpers import action_values, all_text, reply, reply_text

SHARED = "C0SHARED"
DANA = "U0DANA"  # works at the partner, in their own Slack workspace
PARTNER_TEAM = "T0PARTNER"


@pytest.fixture
def connect(emulator, slack):
    """A Slack Connect deal channel with items on both sides and one private item."""
    emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id=PARTNER_TEAM)
    emulator.add_channel(SHARED, "shared-acme", members=[ALICE, DANA], is_ext_shared=True)
    slack.command("give a pilot workspace by Friday", user=ALICE, channel=SHARED)  # 1, ours
    slack.command("get the signed NDA from Dana by Dec 3", user=ALICE, channel=SHARED)  # 2, theirs
    slack.command("get budget ceiling is 40k (private)", user=ALICE, channel=SHARED)  # 3, private
    return slack


def said(emulator, phrase):
    """Wait until the bot said ``phrase`` in any Web API call (a reply goes after the ack)."""
    emulator.wait_for(lambda calls: any(phrase in json.dumps(c.args) for c in calls))


def items(bot):
    return {c.number: c for c in bot.runtime.services.ledger.items(Scope("T0001", SHARED))}


def test_an_external_member_sees_the_plan_without_private_items_or_our_coaching(connect):
    body = reply(connect.command("list", user=DANA, channel=SHARED))
    text = all_text(body)
    assert "What we commit to" in text and "What you commit to" in text
    assert "a pilot workspace" in text and "the signed NDA" in text
    assert "40k" not in text and "budget ceiling" not in text
    assert "giving to receive" not in text.lower()  # the coaching is for our team
    assert action_values(body, "item_done") == ["2"]  # Done only on their own item


def test_our_own_people_in_the_shared_channel_keep_the_full_ledger(connect):
    text = reply_text(connect.command("list", user=ALICE, channel=SHARED))
    assert "budget ceiling" in text and ":lock: private" in text


def test_an_external_member_marks_their_item_done_but_never_ours(connect, bot, emulator):
    refused = reply_text(connect.command("done 1", user=DANA, channel=SHARED))
    assert "on our side" in refused and items(bot)[1].is_open
    hidden = reply_text(connect.command("done 3", user=DANA, channel=SHARED))
    assert "no commitment #3 on the shared plan" in hidden and items(bot)[3].is_open
    done = reply_text(connect.command("done 2", user=DANA, channel=SHARED))
    assert "Marked *#2* done" in done
    item = items(bot)[2]
    assert (item.status, item.closed_by) == ("done", DANA)
    said(emulator, "marked *#2* done")


def test_an_external_members_done_button_works_on_their_item_and_is_refused_on_ours(connect, bot, emulator):
    connect.action("item_done", "1", user=DANA, channel=SHARED)
    said(emulator, "on our side")
    assert items(bot)[1].is_open
    connect.action("item_drop", "2", user=DANA, channel=SHARED)
    said(emulator, "Only the team that logged an item")
    assert items(bot)[2].is_open
    connect.action("item_done", "2", user=DANA, channel=SHARED)
    said(emulator, "Marked *#2* done")
    assert items(bot)[2].status == "done"


@pytest.mark.parametrize("command", ["give a discount", "drop 2", "share", "export", "private 1",
                                     "deal Acme signed", "edit 2 by Friday"])
def test_an_external_member_cannot_change_or_share_our_ledger(connect, bot, command):
    before = items(bot)
    text = reply_text(connect.command(command, user=DANA, channel=SHARED))
    # It says nothing changed and what they can do instead, with the commands to type.
    assert "nothing" in text and "`/partner plan`" in text and "`/partner confirm 3`" in text
    assert items(bot) == before
    assert "/plans/" not in text


def test_a_long_plan_stays_inside_slacks_block_limit(connect):
    for n in range(30):
        connect.command(f"get document {n} from Dana by Friday", user=ALICE, channel=SHARED)
        if n < 15:
            connect.command(f"give answer {n} by Friday", user=ALICE, channel=SHARED)
    body = reply(connect.command("list", user=DANA, channel=SHARED))
    assert len(body["blocks"]) <= 50
    assert "1–10 of 31" in all_text(body) and len(action_values(body, "item_done")) == 10


@pytest.mark.parametrize(("action", "value"), [
    ("record_give", json.dumps({"side": "give", "deal": "Acme"})),
    ("listen_log_get", "1700000000.000100"),
])
def test_an_external_members_buttons_never_write_our_ledger(connect, bot, emulator, action, value):
    before = items(bot)
    connect.action(action, value, user=DANA, channel=SHARED)
    said(emulator, "our team logs the plan")
    assert emulator.calls_to("views.open") == [] and items(bot) == before


def test_posts_to_a_shared_channel_leave_private_items_out(connect, emulator):
    connect.command("deal Acme signed", user=ALICE, channel=SHARED)
    [prompt] = emulator.wait_for_count("chat.postMessage", 1)
    text = all_text(prompt.args)
    assert "Open commitments (2)" in text and "the signed NDA" in text and "budget ceiling" not in text


@pytest.mark.parametrize(("error", "status"), [("internal_error", 500), ("ratelimited", 429)])
def test_while_slack_cannot_say_the_channel_is_shared_posts_leave_private_items_out(
        connect, emulator, error, status):
    emulator.fail_next("conversations.info", error, status=status, times=50)
    connect.command("deal Acme signed", user=ALICE, channel=SHARED)
    [prompt] = emulator.wait_for_count("chat.postMessage", 1)
    text = all_text(prompt.args)
    assert "the signed NDA" in text and "budget ceiling" not in text


def test_posts_to_our_own_channels_still_list_private_items(slack, emulator):
    slack.command("get budget ceiling is 40k (private)", user=ALICE, channel="C0DEAL")
    slack.command("deal Acme signed", user=ALICE, channel="C0DEAL")
    [prompt] = emulator.wait_for_count("chat.postMessage", 1)
    assert "budget ceiling" in all_text(prompt.args)


def test_the_digest_of_a_shared_channel_leaves_private_items_out(connect, emulator):
    connect.command("digest now", user=ALICE, channel=SHARED)
    [digest] = emulator.wait_for_count("chat.postMessage", 1)
    text = all_text(digest.args)
    assert "the signed NDA" in text and "budget ceiling" not in text
