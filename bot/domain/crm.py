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
  that applies them in ``crm_lines``). Channel-specific user patterns run first and are
  guarded (validated, length-capped input), because Python's ``re`` has no timeout.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

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

MAX_PATTERN_LENGTH = 300
MAX_USER_PATTERN_TEXT = 4000

# --------------------------------------------------------------------------------------
# User patterns
# --------------------------------------------------------------------------------------

try:  # The parser module is private; fall back to textual checks if it ever moves.
    from re import _constants as _sre_c  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    _sre_parse = None  # type: ignore[assignment]
    _sre_c = None  # type: ignore[assignment]

_NESTED_QUANTIFIER_TEXT = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]")
_WIDE_REPEAT_TEXT = re.compile(r"(?:\.|\\[wWSD]|\[\^[^\]]*\])[+*]")
# Two open-ended wildcards make matching quadratic in the line length, which the line cap
# keeps cheap; three make it cubic, which no cap makes comfortable.
MAX_WIDE_REPEATS = 2
_USER_LINE_MAX = 500


@dataclass(frozen=True)
class _PatternShape:
    nested: bool  # a variable-length repeat inside another repeat
    wide: int  # unbounded repeats of broad classes: ., \w, \S, [^...]


def _pattern_shape(pattern: str) -> _PatternShape:
    """Look at a pattern's parse tree for the shapes that make backtracking blow up."""
    if _sre_parse is None:  # pragma: no cover
        return _PatternShape(
            bool(_NESTED_QUANTIFIER_TEXT.search(pattern)), len(_WIDE_REPEAT_TEXT.findall(pattern))
        )
    parsed = _sre_parse.parse(pattern)
    repeat_ops = {_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT}
    if hasattr(_sre_c, "POSSESSIVE_REPEAT"):
        repeat_ops.add(_sre_c.POSSESSIVE_REPEAT)
    wide_categories = {
        _sre_c.CATEGORY_WORD,
        _sre_c.CATEGORY_NOT_SPACE,
        _sre_c.CATEGORY_NOT_DIGIT,
        _sre_c.CATEGORY_NOT_WORD,
    }
    nested = False
    wide = 0

    def is_wide(sub: list[tuple[object, object]]) -> bool:
        if len(sub) != 1:
            return False
        op, arg = sub[0]
        if op == _sre_c.ANY:
            return True
        if op == _sre_c.IN:
            items = list(arg)  # type: ignore[call-overload]
            if items and items[0][0] == _sre_c.NEGATE:
                return True
            return any(o == _sre_c.CATEGORY and a in wide_categories for o, a in items)
        return False

    def walk(items: object, inside: bool, depth: int) -> None:
        nonlocal nested, wide
        if depth > 50:
            nested = True  # absurd nesting: refuse rather than recurse
            return
        for op, arg in items:  # type: ignore[attr-defined]
            if op in repeat_ops:
                low, high, sub = arg
                # A variable-length repeat inside another repeat gives the engine many ways
                # to split the same text: (a+)+, (\w{1,10}){1,10}. Fixed counts are fine.
                if inside and high > low:
                    nested = True
                if high == _sre_c.MAXREPEAT and is_wide(list(sub)):
                    wide += 1
                walk(sub, inside or high > 1, depth + 1)
            elif op == _sre_c.SUBPATTERN:
                walk(arg[-1], inside, depth + 1)
            elif op == _sre_c.BRANCH:
                for branch in arg[1]:
                    walk(branch, inside, depth + 1)
            elif op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
                walk(arg[1], inside, depth + 1)
            elif op == getattr(_sre_c, "ATOMIC_GROUP", object()):
                walk(arg, inside, depth + 1)
            elif op == _sre_c.GROUPREF_EXISTS:
                walk(arg[1], inside, depth + 1)
                if arg[2] is not None:
                    walk(arg[2], inside, depth + 1)

    walk(parsed, False, 0)
    return _PatternShape(nested=nested, wide=wide)


def validate_pattern(pattern: str) -> str | None:
    """Check a user-supplied CRM pattern; a friendly error message, or None when usable.

    A pattern must be a valid Python regular expression of at most 300 characters, with
    named groups ``deal`` and ``stage`` (``from`` is optional), and without nested
    unbounded quantifiers such as ``(a+)+`` that can hang the bot.
    """
    if not isinstance(pattern, str) or not pattern.strip():
        return "The pattern is empty. Example: `(?P<deal>.+) moved to (?P<stage>.+)`"
    if len(pattern) > MAX_PATTERN_LENGTH:
        return (
            f"That pattern is {len(pattern)} characters long; please keep it to "
            f"{MAX_PATTERN_LENGTH} or fewer."
        )
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        where = f" (at position {exc.pos})" if exc.pos is not None else ""
        return f"That is not a valid regular expression: {exc.msg}{where}."
    except (RecursionError, OverflowError, ValueError):
        return "That is not a valid regular expression."
    missing = [name for name in ("deal", "stage") if name not in compiled.groupindex]
    if missing:
        names = " and ".join(f"`(?P<{name}>...)`" for name in missing)
        return f"The pattern needs a named group {names} so I know where to look."
    try:
        shape = _pattern_shape(pattern)
    except Exception:  # pragma: no cover - compile() already accepted it
        return "That pattern is too complicated for me; please simplify it."
    if shape.nested:
        return (
            "That pattern has a repeat inside a repeat (like `(a+)+`), which can make matching "
            "take forever. Please simplify it."
        )
    if shape.wide > MAX_WIDE_REPEATS:
        return (
            f"That pattern has {shape.wide} open-ended wildcards like `.+` or `\\w*`; please "
            f"use at most {MAX_WIDE_REPEATS} and bound the others, e.g. `(?P<from>.{{1,60}}?)`."
        )
    return None


@lru_cache(maxsize=256)
def _compile_user(pattern: str) -> re.Pattern[str] | None:
    if validate_pattern(pattern) is not None:
        return None
    # Case-insensitive: users write patterns against what they see, and CRM bots are not
    # consistent about capitalisation. Patterns run on one line at a time.
    return re.compile(pattern, re.IGNORECASE)


def _from_user_patterns(text: str, patterns: Sequence[str]) -> StageChange | None:
    """Apply channel patterns line by line (short lines only), first match wins."""
    if len(text) > MAX_USER_PATTERN_TEXT:
        return None
    compiled = [c for c in (_compile_user(p) for p in patterns if isinstance(p, str)) if c]
    if not compiled:
        return None
    lines = [line for line in clean_mrkdwn(text).split("\n") if 0 < len(line) <= _USER_LINE_MAX]
    for pattern in compiled:
        for line in lines:
            m = pattern.search(line)
            if m is None:
                continue
            deal_raw, stage_raw = m.group("deal"), m.group("stage")
            if not deal_raw or not stage_raw:
                continue
            from_raw = m.group("from") if "from" in pattern.groupindex else None
            change = _build(deal_raw, stage_raw, from_raw)
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

    ``extra_patterns`` are channel-specific regexes (see :func:`validate_pattern`) tried
    before the built-in shapes, case-insensitively, on each line of the cleaned text (lines
    over 500 characters are skipped); invalid ones are ignored, and none are applied to
    texts longer than 4,000 characters. ``names`` are where the integration put the deal's
    name outside the sentence (attachment title, Block Kit header, link labels), used when
    the text itself says only "Deal moved to *Contract sent*". Returns None for anything
    that is not a stage change, including unknown stage names, look-alikes and ordinary
    conversation about deals.
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
