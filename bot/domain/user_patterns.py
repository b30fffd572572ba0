"""CRM patterns written by users (`/partner crm pattern …`), compiled and run on RE2.

Any channel member can add a pattern, and every message in the channel is matched
against it. Python's ``re`` backtracks: ``(a|aa)+$`` or ``(?:.|..)*!`` on an ordinary
line never finishes and, holding the GIL, freezes the whole process. RE2 (Google's
engine, the ``google-re2`` package) guarantees time linear in the text for every
pattern it accepts, so no shape check is needed: a pattern RE2 compiles is safe to
run on any message, and one it can't compile (backreferences, lookarounds) is refused
with advice on what to write instead (prompts/_errors.j2).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import re2

from bot.domain.refusal import Refusal

__all__ = [
    "MAX_PATTERN_LENGTH",
    "MAX_TEXT",
    "PatternMatch",
    "UserPattern",
    "compile_pattern",
    "matches",
    "validate_pattern",
]

MAX_PATTERN_LENGTH = 300
# Slack's own limit on a message's text; matching is linear, so the whole of it is fine.
MAX_TEXT = 40_000


def _options() -> re2.Options:
    options = re2.Options()
    # Users write patterns against what they see; CRM bots are not consistent about case.
    options.case_sensitive = False
    # RE2 would print each refused pattern to stderr through absl; the user gets a reply instead.
    options.log_errors = False
    return options


_OPTIONS = _options()

# RE2's error text (a prefix of it) -> the refusal (prompts/_errors.j2) saying what to write instead.
_ADVICE: tuple[tuple[str, Refusal], ...] = (
    ("invalid perl operator: (?=", Refusal("crm_pattern_lookahead")),
    ("invalid perl operator: (?!", Refusal("crm_pattern_negative_lookahead")),
    ("invalid perl operator: (?<=", Refusal("crm_pattern_lookbehind")),
    ("invalid perl operator: (?<!", Refusal("crm_pattern_negative_lookbehind")),
    ("invalid perl operator: (?>", Refusal("crm_pattern_atomic")),
    ("invalid perl operator: (?(", Refusal("crm_pattern_conditional")),
    ("invalid perl operator: (?#", Refusal("crm_pattern_comment")),
    ("bad repetition operator", Refusal("crm_pattern_possessive")),
    ("invalid repetition size", Refusal("crm_pattern_repeat_count")),
    ("pattern too large", Refusal("crm_pattern_too_large")),
)
_BACKREFERENCE = "invalid escape sequence: \\"


def _advice(error: str, pattern: str) -> Refusal:
    for prefix, advice in _ADVICE:
        if error.startswith(prefix):
            return advice
    if error.startswith(_BACKREFERENCE) and error[len(_BACKREFERENCE):][:1].isdigit():
        return Refusal("crm_pattern_backreference")
    if error.startswith("invalid perl operator: (?P") and "(?P=" in pattern:
        return Refusal("crm_pattern_backreference")
    if error.startswith("invalid perl operator: (?") and error[-1:] in "imsxU":
        return Refusal("crm_pattern_flags")
    return Refusal("crm_pattern_invalid", {"detail": error})


def _compile(pattern: str) -> tuple[re2._Regexp | None, Refusal | None]:
    try:
        return re2.compile(pattern, options=_OPTIONS), None
    except re2.error as exc:
        detail = exc.args[0] if exc.args else b""
        text = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
        return None, _advice(text, pattern)
    except (TypeError, ValueError, OverflowError, MemoryError):
        return None, Refusal("crm_pattern_invalid")


def validate_pattern(pattern: str) -> Refusal | None:
    """What is wrong with a user's pattern (a refusal to show them), or None when usable.

    A usable pattern is at most 300 characters of RE2 syntax (Python's, minus
    backreferences and lookarounds) with named groups ``deal`` and ``stage``
    (``from`` is optional).
    """
    if not isinstance(pattern, str) or not pattern.strip():
        return Refusal("crm_pattern_empty")
    if len(pattern) > MAX_PATTERN_LENGTH:
        return Refusal("crm_pattern_too_long", {"length": len(pattern), "limit": MAX_PATTERN_LENGTH})
    compiled, problem = _compile(pattern)
    if compiled is None:
        return problem
    missing = [name for name in ("deal", "stage") if name not in compiled.groupindex]
    if missing:
        return Refusal("crm_pattern_needs_groups", {"missing": missing})
    return None


@dataclass(frozen=True)
class PatternMatch:
    """What one pattern captured in one line."""

    deal: str
    stage: str
    from_stage: str | None


@dataclass(frozen=True)
class UserPattern:
    """A validated pattern, compiled for RE2 (case-insensitive)."""

    source: str
    regex: re2._Regexp

    def search(self, line: str) -> PatternMatch | None:
        """The first match in ``line`` with a non-empty deal and stage, or None."""
        m = self.regex.search(line)
        if m is None:
            return None
        deal, stage = m.group("deal"), m.group("stage")
        if not deal or not stage:
            return None
        from_stage = m.group("from") if "from" in self.regex.groupindex else None
        return PatternMatch(deal, stage, from_stage or None)


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> UserPattern | None:
    """The compiled pattern, or None when :func:`validate_pattern` refuses it.

    Patterns stored before RE2 was used may no longer compile; they are skipped.
    """
    if validate_pattern(pattern) is not None:
        return None
    compiled, _ = _compile(pattern)
    return UserPattern(pattern, compiled) if compiled is not None else None


def matches(text: str, patterns: Sequence[str], lines: Sequence[str]) -> Iterator[PatternMatch]:
    """Every match of the usable ``patterns``, pattern by pattern, line by line.

    ``text`` is the raw message, only measured (texts over :data:`MAX_TEXT` are not
    matched); ``lines`` are its cleaned lines, which the patterns run on.
    """
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        return
    compiled = [c for c in (compile_pattern(p) for p in patterns if isinstance(p, str)) if c]
    for pattern in compiled:
        for line in lines:
            if not line:
                continue
            found = pattern.search(line)
            if found is not None:
                yield found
