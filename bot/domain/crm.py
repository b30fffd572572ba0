"""Deal stage changes read from CRM notifications posted into Slack.

HubSpot, Salesforce, Pipedrive, Close, Zoho, Copper, monday, Attio, GoHighLevel and home-grown
Zapier/Make flows all announce "deal X moved to stage Y" differently: one sentence, a header
plus fields, an arrow between two stage names, a celebratory "Deal won: X", the deal's name
only in an attachment title or a Block Kit header. :func:`parse_crm_message` reads a Slack
message event; :func:`parse_crm_post` reads already-flattened text (see
:mod:`bot.domain.message_text`). Both return a :class:`StageChange`, or None.

Design notes:

* Every candidate stage must map to a known :class:`Stage` through the one stage-name table
  in :mod:`bot.domain.stages`. That is what keeps "Deal amount changed from $10k to $12k"
  from turning into a stage change: the patterns find *where* a stage would be, the table
  decides whether it is one.
* Lines that read like a person talking (start with a pronoun, end with "?") are skipped for
  the built-in shapes, and look-alike posts (forecast category, amounts, lifecycle stages,
  stalled-deal warnings, pipeline snapshots) are refused as a whole.
* The built-in shapes live in :mod:`bot.domain.listening` (tables in ``crm_vocab``, the code
  that applies them in ``crm_lines``). Channel-specific user patterns run first, on RE2
  (:mod:`bot.domain.user_patterns`), which matches in linear time whatever a channel member
  writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.domain import user_patterns
from bot.domain.listening.crm_lines import StageChange, deal_name_hints, parse_lines
from bot.domain.listening.crm_lines import build_change as _build
from bot.domain.message_text import clean_mrkdwn, flatten_message

__all__ = [
    "MAX_PATTERN_LENGTH",
    "MAX_USER_PATTERN_TEXT",
    "StageChange",
    "parse_crm_message",
    "parse_crm_post",
    "validate_pattern",
]

MAX_PATTERN_LENGTH = user_patterns.MAX_PATTERN_LENGTH
MAX_USER_PATTERN_TEXT = user_patterns.MAX_TEXT
validate_pattern = user_patterns.validate_pattern


# --------------------------------------------------------------------------------------
# User patterns
# --------------------------------------------------------------------------------------


def _from_user_patterns(text: str, patterns: Sequence[str]) -> StageChange | None:
    """Apply channel patterns (on RE2: :mod:`bot.domain.user_patterns`) line by line,
    first match naming a known stage wins."""
    lines = clean_mrkdwn(text).split("\n")
    for found in user_patterns.matches(text, patterns, lines):
        change = _build(found.deal, found.stage, found.from_stage)
        if change is not None:
            return change
    return None


# --------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------


def parse_crm_post(
    text: str, extra_patterns: Sequence[str] = (), *, names: Sequence[str] = ()
) -> StageChange | None:
    """Read a deal stage change out of a CRM notification's (flattened) text.

    ``extra_patterns`` are channel-specific RE2 patterns (see :func:`validate_pattern`) tried
    before the built-in shapes, case-insensitively, on each line of the cleaned text; invalid
    ones are ignored, and none are applied to texts longer than Slack's 40,000 characters.
    ``names`` are where the integration put the deal's name outside the sentence (attachment
    title, Block Kit header, link labels), used when the text itself says only "Deal moved
    to *Contract sent*". Returns None for anything that is not a stage change, including
    unknown stage names, look-alikes and ordinary conversation about deals.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    if extra_patterns:
        change = _from_user_patterns(text, extra_patterns)
        if change is not None:
            return change
    return parse_lines(text, names)


def parse_crm_message(event: dict[str, Any], extra_patterns: Sequence[str] = ()) -> StageChange | None:
    """Read a stage change out of a Slack message event posted by a CRM integration.

    Flattens the event (text, blocks, attachments) and reads the deal's name from wherever
    the integration put it: the sentence, an attachment ``title``, a Block Kit ``header``, a
    link label or a field. Never raises on odd payloads.
    """
    if not isinstance(event, dict):
        return None
    return parse_crm_post(flatten_message(event), extra_patterns, names=deal_name_hints(event))
