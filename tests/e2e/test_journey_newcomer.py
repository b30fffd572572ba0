"""A salesperson's first commands, typed the way people type, through signed HTTP: a sentence,
odd spacing and capitals are understood or answered with the command meant, never guessed into
a write."""

from __future__ import annotations

import pytest

from bot.store import Scope
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import reply_text


def ledger(bot):
    return bot.runtime.services.ledger.items(Scope("T0001", DEAL))


@pytest.mark.parametrize(("typed", "meant"), [
    ("can you log that we give a pilot by Friday", "`/partner give a pilot by Friday`"),
    ("Please list overdue", "`/partner list overdue`"),
    ("I promise a deck by Friday", "`/partner give a deck by Friday`"),
    ("we need <!channel> their NDA", "`/partner get &lt;!channel&gt; their NDA`"),
])
def test_a_sentence_is_answered_with_the_command_it_holds_and_changes_nothing(slack, bot, typed, meant):
    # Was "I don't know “can”" and no more: the newcomer had to find `give` in the help alone.
    answer = reply_text(slack.command(typed, user=ALICE, channel=DEAL))
    assert f"Did you mean {meant}?" in answer and "nothing changed" in answer
    assert "Usage: `/partner " + meant.split()[1].rstrip("`") in answer
    assert "<!channel>" not in answer
    bot.wait_idle()
    assert ledger(bot) == []


def test_the_command_suggested_for_a_sentence_works_as_shown(slack, bot):
    answer = reply_text(slack.command("could you please give a pilot by Friday", user=ALICE, channel=DEAL))
    suggested = answer.split("Did you mean `/partner ", 1)[1].split("`", 1)[0]
    assert "Logged *#1*" in reply_text(slack.command(suggested, user=ALICE, channel=DEAL))
    assert [item.what for item in ledger(bot)] == ["a pilot"]


@pytest.mark.parametrize("typed", ["  GIVE   a pilot   by Friday  ", "Give a pilot by friday"])
def test_capitals_and_extra_spaces_are_the_same_command(slack, bot, typed):
    answer = reply_text(slack.command(typed, user=ALICE, channel=DEAL))
    assert "Logged *#1* under *We give*" in answer and "due Fri 27 Nov 2026" in answer
    assert [item.what for item in ledger(bot)] == ["a pilot"]


def test_a_sentence_asking_for_the_plan_shows_it(slack, bot):
    slack.command("give a pilot by Friday", user=ALICE, channel=DEAL)
    answer = reply_text(slack.command("what's the plan?", user=ALICE, channel=DEAL))
    assert "As the partner sees it" in answer and "a pilot" in answer
