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
    ("we should share the link with Dana", "Here is the partner's link"),
    ("can you log that we give a pilot by Friday", "Logged #1"),
])
def test_a_sentence_suggests_a_command_that_works_when_typed_as_shown(slack, bot, typed, works):
    # Was `/partner share the plan with the customer`, which `share` then refused.
    answer = reply_text(slack.command(typed, user=ALICE, channel=DEAL))
    suggested = SUGGESTED.search(answer).group(1)
    bot.wait_idle()
    assert bot.runtime.services.ledger.items(Scope("T0001", DEAL)) == []  # a guess logs nothing
    assert works in reply_text(slack.command(suggested, user=ALICE, channel=DEAL))
