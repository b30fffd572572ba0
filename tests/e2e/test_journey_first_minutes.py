"""A newcomer's first five minutes, through signed HTTP: every answer says what to do next."""

from __future__ import annotations

import pytest

from bot.store import Scope
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import reply_text


def ledger_items(bot, channel=DEAL):
    return bot.runtime.services.ledger.items(Scope("T0001", channel))


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("gvie a pilot", ["give"]),
        ("delete 3", ["drop"]),  # was "Did you mean `deal`?": off to change a deal's stage
        ("remove 3", ["drop"]),
        ("close 3", ["done"]),  # was `listen`
        ("complete 3", ["done"]),
        ("cal", ["calendar"]),  # was `deal`
        ("summary", ["digest"]),  # was `share`
        ("promise a deck", ["give"]),  # was `private`
        ("add a pilot", ["give", "get"]),  # a give or a get: both, with both shapes
        ("calnedar", ["calendar"]),
    ],
)
def test_a_mistyped_or_natural_word_suggests_the_subcommand_meant_and_changes_nothing(
        slack, bot, typed, meant):
    answer = reply_text(slack.command(typed, user=ALICE, channel=DEAL))
    word = typed.split()[0]
    assert f"I don't know “{word}”" in answer
    assert "Did you mean " + " or ".join(f"`{m}`" for m in meant) + "?" in answer
    for name in meant:
        assert f"Usage: `/partner {name}" in answer
    bot.wait_idle()
    assert ledger_items(bot) == []


@pytest.mark.parametrize("typed", ["frobnicate", "xyz", "settings"])
def test_a_word_close_to_nothing_gets_no_wrong_guess_only_the_way_to_help(slack, typed):
    answer = reply_text(slack.command(typed, user=ALICE, channel=DEAL))
    assert "Did you mean" not in answer and "Usage:" not in answer  # was "`private`" for frobnicate
    assert "`/partner help` lists everything I can do" in answer
