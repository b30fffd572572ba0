"""`/partner` ledger subcommands end to end: signed HTTP in, emulator records out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.commands import SUBCOMMANDS
from bot.domain.stages import Stage
from bot.store import Scope
from tests.conftest import ALICE, BOB, CAROL, DEAL, OTHER
from tests.e2e.helpers import action_values, all_text, reply, reply_text, visible

INJECTIONS = ["<!channel>", "<@U0BOB>", "<http://evil.example|click me>", "<!here|here>"]


def items(bot, channel=DEAL):
    return bot.runtime.services.ledger.items(Scope("T0001", channel))


def test_help_lists_every_subcommand_with_an_example(slack):
    text = reply_text(slack.command("help", user=ALICE, channel=DEAL))
    for sub in ("give", "get", "list", "done", "drop", "edit", "deal", "meeting", "digest",
                "checkins", "listen", "crm", "calendar", "help", "share", "export", "private"):
        assert f"*{sub}*" in text
    assert text.count("_e.g._") == len(SUBCOMMANDS)


def test_empty_command_shows_help(slack):
    assert "what are you giving to receive" in reply_text(slack.command("", user=ALICE, channel=DEAL))


def test_give_stores_item_with_due_date_in_user_time_zone_and_shows_balance(slack, bot):
    text = reply_text(slack.command("give a pilot workspace for 30 days by Friday",
                                    user=ALICE, channel=DEAL))
    assert "Logged *#1* under *We give*" in text
    assert "due Fri 27 Nov 2026" in text
    assert "*We give:* 1 open" in text and "*We get:* 0 open" in text
    [item] = items(bot)
    assert (item.side, item.what, item.owner, str(item.due_on)) == (
        "give", "a pilot workspace for 30 days", ALICE, "2026-11-27")


def test_due_dates_resolve_in_each_users_own_time_zone(slack, bot, clock):
    # 02:00 UTC Tuesday: still Monday evening in Los Angeles, already Tuesday in Tokyo.
    clock.advance(timedelta(hours=11))
    slack.command("give deck tomorrow", user=BOB, channel=DEAL)
    slack.command("give deck tomorrow", user=CAROL, channel=OTHER)
    assert str(items(bot)[0].due_on) == "2026-11-24"
    assert str(items(bot, OTHER)[0].due_on) == "2026-11-25"


def test_get_records_counterpart_and_nudges_when_nothing_given(slack, bot):
    text = reply_text(slack.command("get an intro to their CFO from Dana Lee by Dec 3",
                                    user=ALICE, channel=DEAL))
    assert "We get" in text and "from Dana Lee" in text and "due Thu 3 Dec 2026" in text
    assert "*What are we giving to receive?*" in text
    assert "We've asked for 1 thing and offered nothing" in text
    [item] = items(bot)
    assert (item.side, item.counterpart, item.what) == ("get", "Dana Lee", "an intro to their CFO")


def test_give_can_be_assigned_to_someone_else(slack, bot):
    slack.command("give the security questionnaire <@U0BOB|bob> by Friday", user=ALICE, channel=DEAL)
    [item] = items(bot)
    assert (item.owner, item.created_by, item.what) == (BOB, ALICE, "the security questionnaire")


def test_a_mention_typed_out_by_hand_assigns_nobody(slack, bot):
    # Slack escapes what people type: "<@U0EVIL>" typed arrives as "&lt;@U0EVIL&gt;". Only a
    # mention Slack made itself names an owner, whom the bot would then mention.
    text = reply_text(slack.command("give the security questionnaire &lt;@U0EVIL&gt; by Friday",
                                    user=ALICE, channel=DEAL))
    [item] = items(bot)
    assert (item.owner, item.what) == (ALICE, "the security questionnaire @U0EVIL")
    assert "<@U0EVIL>" not in text and "<@U0ALICE>" in text


@pytest.mark.parametrize("field", ["give", "get", "deal-name", "edit"])
@pytest.mark.parametrize("injection", INJECTIONS)
def test_user_text_reaches_slack_escaped(slack, bot, emulator, field, injection):
    if field == "give":
        body = reply(slack.command(f"give {injection} pilot", user=ALICE, channel=DEAL))
    elif field == "get":
        body = reply(slack.command(f"get intro from {injection} by Friday", user=ALICE, channel=DEAL))
    elif field == "edit":
        slack.command("give x", user=ALICE, channel=DEAL)
        body = reply(slack.command(f"edit 1 {injection} better", user=ALICE, channel=DEAL))
    else:
        body = reply(slack.command(f"deal {injection} Corp negotiation", user=ALICE, channel=DEAL))
        emulator.wait_for("chat.postMessage")
        body = {"reply": body, "posts": emulator.messages()}
    raw = str(visible(body))
    assert "<!channel>" not in raw and "<!here" not in raw and "<http://evil" not in raw
    assert "<@U0BOB>" not in raw
    # Mentions become inert "@name" text when stored; everything else arrives escaped.
    assert "&lt;" in raw or (injection.startswith("<@") and "@U0BOB" in raw)


def test_list_shows_both_columns_with_ids_owners_dates_and_buttons(slack):
    slack.command("give pilot by Friday", user=ALICE, channel=DEAL)
    slack.command("get intro to procurement from Dana", user=BOB, channel=DEAL)
    body = reply(slack.command("list", user=ALICE, channel=DEAL))
    text = str(body)
    assert "We give" in text and "We get" in text
    assert "*#1* pilot" in text and "*#2* intro to procurement" in text
    assert "<@U0ALICE>" in text and "<@U0BOB>" in text and "due Fri 27 Nov 2026" in text
    assert action_values(body, "item_done") == ["1", "2"]
    assert action_values(body, "item_drop") == ["1", "2"]


def test_list_views_overdue_mine_all(slack, clock):
    slack.command("give pilot by tomorrow", user=ALICE, channel=DEAL)
    slack.command("give deck by Dec 20", user=BOB, channel=DEAL)
    slack.command("give old thing", user=ALICE, channel=DEAL)
    slack.command("drop 3", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=3))
    overdue = reply_text(slack.command("list overdue", user=ALICE, channel=DEAL))
    assert "#1" in overdue and "#2" not in overdue and "overdue since" in overdue
    mine = listed(reply(slack.command("list mine", user=BOB, channel=DEAL)))
    assert "#2" in mine and "#1" not in mine
    everything = reply_text(slack.command("list all", user=ALICE, channel=DEAL))
    assert "#3" in everything and "dropped" in everything
    assert "#3" not in listed(reply(slack.command("list", user=ALICE, channel=DEAL)))


def listed(body):
    """A list's items, without its coaching (which may name an item, e.g. our late one)."""
    return all_text({"blocks": [b for b in body["blocks"]
                                if not str(b.get("block_id", "")).startswith(("nudge_", "reason_"))]})


def test_long_lists_are_paginated_within_block_kit_limits(slack):
    for i in range(35):
        slack.command(f"give item number {i} " + "x" * 200, user=ALICE, channel=DEAL)
    first = reply(slack.command("list", user=ALICE, channel=DEAL))
    assert len(first["blocks"]) <= 50
    assert "page 1 of 4" in str(first)
    last = reply(slack.command("list page 4", user=ALICE, channel=DEAL))
    assert "page 4 of 4" in str(last) and "item number 34" in str(last)
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in first["blocks"])


def test_done_and_drop_close_items_once(slack, bot):
    slack.command("give pilot", user=ALICE, channel=DEAL)
    slack.command("get intro", user=ALICE, channel=DEAL)
    assert "Kept" in reply_text(slack.command("done 1", user=ALICE, channel=DEAL))
    assert "Dropped" in reply_text(slack.command("drop #2", user=ALICE, channel=DEAL))
    again = reply_text(slack.command("done 1", user=ALICE, channel=DEAL))
    assert "already done" in again
    assert [i.status for i in items(bot)] == ["done", "dropped"]


@pytest.mark.parametrize("text", ["done 99", "drop 99", "edit 99 by Friday", "done 1"])
def test_unknown_and_other_channel_ids_are_refused_without_revealing(slack, bot, text):
    slack.command("give secret globex pilot", user=CAROL, channel=OTHER)  # #1 in another channel
    answer = reply_text(slack.command(text, user=ALICE, channel=DEAL))
    assert "no commitment" in answer.lower()
    assert "globex" not in answer
    assert items(bot, OTHER)[0].status == "open"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("done", "Which one?"),
        ("done abc", "isn't a commitment id"),
        ("give", "Say what we give"),
        ("get", "Say what we expect"),
        ("give by Friday", "not the commitment itself"),
        ("give deck by Fridya", "Fridya"),
        ("list sideways", "open, all, overdue or mine"),
        ("deal Acme", "Which stage is “Acme” at?"),
        ("deal Acme flying", "don't know the stage"),
        ("gvie pilot", "Did you mean `give`"),
        ("frobnicate", "/partner help"),
        ("edit 1", "What should change"),
        ("listen loudly", "suggest, auto or off"),
    ],
)
def test_bad_input_gets_friendly_answer_and_changes_nothing(slack, bot, text, expected):
    response = slack.command(text, user=ALICE, channel=DEAL)
    answer = reply_text(response)
    assert expected in answer
    assert ":warning:" in answer
    assert items(bot) == []


def test_too_long_text_is_refused_clearly(slack, bot):
    answer = reply_text(slack.command("give " + "é" * 301, user=ALICE, channel=DEAL))
    assert "301 characters" in answer and "under 300" in answer
    huge = reply_text(slack.command("give " + "x" * 5000, user=ALICE, channel=DEAL))
    assert "under 2000" in huge
    assert items(bot) == []


def test_unicode_and_emoji_are_kept(slack, bot):
    slack.command("give 🤝 Zugang für Ünïcode 测试 by Friday", user=ALICE, channel=DEAL)
    assert items(bot)[0].what == "🤝 Zugang für Ünïcode 测试"


def test_edit_changes_text_and_due_date(slack, bot):
    slack.command("give pilot by Friday", user=ALICE, channel=DEAL)
    text = reply_text(slack.command("edit 1 extended pilot by Dec 10", user=ALICE, channel=DEAL))
    assert "Updated *#1*" in text and "extended pilot" in text and "Thu 10 Dec 2026" in text
    slack.command("edit 1 by Dec 12", user=ALICE, channel=DEAL)
    item = items(bot)[0]
    assert (item.what, str(item.due_on)) == ("extended pilot", "2026-12-12")
    slack.command("done 1", user=ALICE, channel=DEAL)
    assert "already done" in reply_text(slack.command("edit 1 nope", user=ALICE, channel=DEAL))


def test_edit_refuses_past_dates(slack, bot):
    slack.command("give pilot by Friday", user=ALICE, channel=DEAL)
    answer = reply_text(slack.command("edit 1 by 2020-01-01", user=ALICE, channel=DEAL))
    assert "past" in answer
    assert str(items(bot)[0].due_on) == "2026-11-27"


def test_command_text_escaped_by_slack_is_read_back_once(slack, bot):
    # Slack sends what people type with &, < and > escaped; we store it as typed.
    answer = reply(slack.command("give R&amp;D review for &lt;Acme&gt;", user=ALICE, channel=DEAL))
    assert items(bot)[0].what == "R&D review for <Acme>"
    assert "R&amp;D review for &lt;Acme&gt;" in str(answer) and "&amp;amp;" not in str(answer)


def test_a_channel_with_many_deals_lists_them_within_block_kit_limits(slack, bot):
    for n in range(45):
        bot.runtime.services.deals.set_stage(Scope("T0001", DEAL), f"Deal number {n} with a long name",
                                             Stage.QUALIFIED, ALICE)
    body = reply(slack.command("deal", user=ALICE, channel=DEAL))
    assert len(body["blocks"]) <= 50 and "and 15 more" in str(body) and "/partner export" in str(body)


def test_date_errors_echo_user_text_escaped_exactly_once(slack, bot):
    answer = str(reply(slack.command("give deck by Q&amp;A fri", user=ALICE, channel=DEAL)))
    assert "Q&amp;A" in answer and "&amp;amp;" not in answer


def test_help_on_one_subcommand(slack):
    text = reply_text(slack.command("help give", user=ALICE, channel=DEAL))
    assert "*give*" in text and "*get*" not in text


@pytest.mark.parametrize("what", ["the payload spec for their API", "a {json} sample", "payload=1&x=2"])
def test_text_that_looks_like_another_body_shape_is_still_a_command(slack, bot, what):
    # Bolt's own parser reads any form body containing "payload" as an (empty) interactivity
    # payload, and one starting with "{" as JSON: the command would be lost.
    text = reply_text(slack.command(f"give {what}", user=ALICE, channel=DEAL))
    assert "Logged *#1* under *We give*" in text
    [item] = items(bot)
    assert item.what == what


@pytest.mark.parametrize("name", ["D00 &amp;&amp; 🚀", "R&amp;D -- ✨", "Acme (EMEA) ++"])
def test_a_deal_name_ending_in_symbols_keeps_them(slack, bot, name):
    # The stage is the last words that name one; a word of symbols before it is the deal's.
    slack.command(f"deal {name} prospecting", user=ALICE, channel=DEAL)
    [deal] = bot.runtime.services.deals.all(Scope("T0001", DEAL))
    assert (deal.name, deal.stage) == (name.replace("&amp;", "&"), Stage.PROSPECTING)


def test_a_promise_kept_in_the_evening_of_its_due_day_is_on_time_where_its_owner_is(slack, bot, clock):
    # Bob is in Los Angeles: 19:30 on Monday there is already Tuesday in UTC.
    assert "Logged *#1*" in reply_text(slack.command("give the signed NDA by today", user=BOB, channel=DEAL))
    [item] = items(bot)
    assert str(item.due_on) == "2026-11-23"
    clock.advance(timedelta(hours=12, minutes=30))  # Tue 03:30 UTC, Mon 19:30 in Los Angeles
    slack.command("done 1", user=BOB, channel=DEAL)
    [item] = items(bot)
    assert (item.status, str(item.closed_at.date()), str(item.closed_on)) == (
        "done", "2026-11-24", "2026-11-23")
    assert not item.kept_late()
