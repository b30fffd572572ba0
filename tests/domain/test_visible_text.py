"""A commitment must show something: text of only invisible characters is refused as empty."""

from __future__ import annotations

import pytest

from bot.domain.commands import UsageError, parse_command
from bot.domain.visible_text import is_blank


@pytest.mark.parametrize("text", ["", " \t\n", "\u200b", "\u200b\u200c\u200d\u2060\ufeff", "\u200e\u200f",
                                  "\u3164", "\u2800 \u2800", "\u00a0\u3000", "\x00\x1f"])
def test_text_of_only_invisible_characters_is_blank(text):
    assert is_blank(text)


@pytest.mark.parametrize("text", ["a", "\U0001F600", "\u05e9", "e\u0301", " x ", "\u200bx", "#3", "\u5f20"])
def test_text_with_anything_to_see_is_not_blank(text):
    assert not is_blank(text)


@pytest.mark.parametrize("command", ["give \u200b", "get \u3164\u3164", "edit 3 \u2800"])
def test_a_command_whose_commitment_is_invisible_is_refused_as_empty(command):
    with pytest.raises(UsageError):
        parse_command(command)
