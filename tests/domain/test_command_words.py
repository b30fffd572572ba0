"""Which subcommand an unknown word meant: likely guesses only. Pure."""

from __future__ import annotations

import pytest

from bot.domain.command_words import INTENT_WORDS, suggest_subcommands
from bot.domain.commands import SUBCOMMANDS


@pytest.mark.parametrize(("word", "meant"), [
    ("gvie", ("give",)), ("dne", ("done",)), ("lsit", ("list",)), ("calnedar", ("calendar",)),
    ("exp", ("export",)), ("cal", ("calendar",)), ("DELETE", ("drop",)), ("add", ("give", "get")),
])
def test_slips_starts_and_intent_words_are_guessed(word, meant):
    assert suggest_subcommands(word, SUBCOMMANDS) == meant


@pytest.mark.parametrize("word", ["frobnicate", "xyz", "go", "", "settings", "zzzzzzzz"])
def test_words_close_to_nothing_get_no_guess(word):
    assert suggest_subcommands(word, SUBCOMMANDS) == ()


def test_every_intent_word_names_real_subcommands_and_is_not_one_itself():
    for word, meant in INTENT_WORDS.items():
        assert set(meant) <= set(SUBCOMMANDS), word
        assert word not in SUBCOMMANDS, word
