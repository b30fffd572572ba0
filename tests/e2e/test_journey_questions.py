"""A newcomer asking `/partner` in their own words, through signed HTTP: a question gets the
help it asks for, and every command suggested works when typed exactly as shown."""

from __future__ import annotations

import re

import pytest

from bot.store import Scope
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import reply_text

SUGGESTED = re.compile(r"Did you mean `/partner ([^`]+)`\?")


@pytest.mark.parametrize("typed", ["how do I start?", "what should I do first", "hello"])
def test_a_question_or_a_greeting_gets_the_help_with_where_to_start(slack, bot, typed):
    # Was "Did you mean `help`? … type `/partner help do I start?`".
    answer = reply_text(slack.command(typed, user=ALICE, channel=DEAL))
    assert "*Start here:* `/partner deal Acme Corp prospecting`" in answer
    assert "Did you mean" not in answer and "I don't know" not in answer
    bot.wait_idle()
    assert bot.runtime.services.ledger.items(Scope("T0001", DEAL)) == []


def test_a_question_about_one_command_shows_that_commands_help(slack):
    answer = reply_text(slack.command("how do I give a pilot?", user=ALICE, channel=DEAL))
    assert "*give* — Log something we commit to give." in answer and "*drop*" not in answer
    assert "_e.g._ `/partner give a pilot workspace for 30 days by Friday`" in answer


@pytest.mark.parametrize(("typed", "works"), [
    ("I want to share the plan with the customer", "Here is the partner's link"),
    ("we should share a doc with legal", "Here is the partner's link"),
    ("can you log that we give a pilot by Friday", "Logged #1"),
])
def test_a_sentence_suggests_a_command_that_works_when_typed_as_shown(slack, bot, typed, works):
    # Was `/partner share the plan with the customer` and `/partner share a doc with legal`,
    # which `share` then refused.
    answer = reply_text(slack.command(typed, user=ALICE, channel=DEAL))
    suggested = SUGGESTED.search(answer).group(1)
    bot.wait_idle()
    assert bot.runtime.services.ledger.items(Scope("T0001", DEAL)) == []  # a guess logs nothing
    assert works in reply_text(slack.command(suggested, user=ALICE, channel=DEAL))


@pytest.mark.parametrize("typed", ["share the link", "share it with Dana", "share the plan with <@U0BOB>"])
def test_share_said_in_words_gives_the_link(slack, typed):
    # Was "`share` shows the partner's link, or `share off` revokes it; not “the link”".
    assert "Here is the partner's link" in reply_text(slack.command(typed, user=ALICE, channel=DEAL))


def test_asking_for_a_reminder_says_reminders_come_from_due_dates(slack, bot):
    answer = reply_text(slack.command("remind me tomorrow about the deck", user=ALICE, channel=DEAL))
    assert "There's no reminder to set: I remind each owner by DM" in answer
    assert "`/partner edit 3 by tomorrow`" in answer and "Nothing changed" in answer


@pytest.mark.parametrize("typed", ["reorder", "sort"])
def test_asking_to_reorder_points_to_plan_move(slack, typed):
    answer = reply_text(slack.command(typed, user=ALICE, channel=DEAL))
    assert "/partner plan move " in answer


def test_who_owes_what_gets_the_help(slack):
    assert "*Start here:*" in reply_text(slack.command("who owes what?", user=ALICE, channel=DEAL))
