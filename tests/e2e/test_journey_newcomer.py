"""A salesperson's first commands, typed the way people type, through signed HTTP: a sentence,
odd spacing and capitals are understood or answered with the command meant, never guessed into
a write."""

from __future__ import annotations

import re

import pytest
import requests

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


def test_an_edit_says_what_it_was_and_an_edit_to_the_same_says_nothing_changed(slack, bot):
    # Was "Updated #1" and the new version only: nobody could tell what had changed.
    slack.command("get an intro to their CFO from Dana by Dec 3", user=ALICE, channel=DEAL)
    moved = reply_text(slack.command("edit 1 by Dec 10", user=ALICE, channel=DEAL))
    assert "Updated *#1*" in moved and "due Thu 10 Dec 2026" in moved
    assert "Was: due Thu 3 Dec 2026." in moved
    renamed = reply_text(slack.command("edit 1 an intro to their <!channel> CFO", user=ALICE, channel=DEAL))
    assert "Was: an intro to their CFO." in renamed and "<!channel>" not in renamed
    same = reply_text(slack.command("edit 1 by Dec 10", user=ALICE, channel=DEAL))
    assert "already says that; nothing changed" in same and "Was:" not in same


def test_editing_what_the_partner_confirmed_says_they_are_asked_again(slack, bot, emulator):
    slack.command("get the signed NDA from Dana by Dec 3", user=ALICE, channel=DEAL)
    link = re.search(r"http://\S+/plans/[\w-]{43}", reply_text(slack.command("share", user=ALICE,
                                                                             channel=DEAL))).group(0)
    csrf = re.search(r'name="csrf" value="(\w+)"', requests.get(link, timeout=10).text).group(1)
    requests.post(f"{link}/confirm/1", data={"csrf": csrf}, allow_redirects=False, timeout=10)
    answer = reply_text(slack.command("edit 1 by Dec 8", user=ALICE, channel=DEAL))
    assert "The partner had confirmed it: their plan now asks them to confirm the new version." in answer
    assert not ledger(bot)[0].is_confirmed


def test_a_guessed_word_is_answered_with_the_whole_command_which_then_works(slack, bot):
    answer = reply_text(slack.command("promise a deck by Friday", user=ALICE, channel=DEAL))
    assert "Did you mean `give`? Nothing changed; to do it, type `/partner give a deck by Friday`." in answer
    bot.wait_idle()
    assert ledger(bot) == []
    suggested = answer.split("type `/partner ", 1)[1].split("`", 1)[0]
    assert "Logged *#1*" in reply_text(slack.command(suggested, user=ALICE, channel=DEAL))


def test_help_on_a_mistyped_command_shows_that_command(slack):
    # Was "There's no `giv` command; here is everything": all eighteen entries.
    answer = reply_text(slack.command("help giv", user=ALICE, channel=DEAL))
    assert "*give* — " in answer and "*get* — " not in answer and "There's no" not in answer
