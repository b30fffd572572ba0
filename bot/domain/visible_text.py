"""Text people typed, without the characters nobody can see that change what others read.

Two kinds are dropped wherever user text comes in (commands, forms, conversation, CRM
webhooks, calendar and Zoom titles) and again wherever the bot shows text (every template):

* control characters (C0 but tab and line feed, DEL, C1): never typed on purpose, shown as
  boxes or not at all, and a terminal reading the logs or an export may obey them;
* the explicit direction controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069
  isolates): one right-to-left override makes "due Fri 27 Nov" read backwards, or text that
  follows it in a post (the owner, the due date) appear inside someone's commitment.

Kept: tab and line feed, the single direction marks (LRM, RLM, ALM, which only settle how
neutral characters next to them are shown, and which right-to-left writers use), and the
joiners and variation selectors emoji are built of.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["is_blank", "without_hidden_controls"]

_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Letters and symbols that draw nothing: Hangul fillers and the blank Braille pattern, the
# usual way to post "nothing" past a check for whitespace.
_BLANK_SIGNS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def without_hidden_controls(text: str) -> str:
    """``text`` without control characters (but tab and line feed) and direction overrides."""
    if text.isprintable():  # the common case, in C: none of them is printable
        return text
    return _HIDDEN.sub("", text)


def is_blank(text: str) -> bool:
    """True when ``text`` shows nothing: only whitespace, format characters (zero-width
    spaces and joiners, direction marks, the BOM), controls and blank signs. Such a
    commitment would be an empty row nobody can read or refer to."""
    return all(char.isspace() or char in _BLANK_SIGNS or unicodedata.category(char) in ("Cf", "Cc", "Zs")
               for char in text)
