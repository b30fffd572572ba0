"""Due dates the way salespeople type them in Slack, resolved in the user's time zone.

This is the product's only date module. Everything that turns text into a due
date goes through :func:`parse_due` (one phrase), :func:`split_due` (a command's
free text with a trailing due clause) or :func:`parse_iso_date` (Slack's
datepicker).

How a phrase is read:

1. A small, fast pre-pass of regular expressions handles the phrases people
   actually type ("Friday", "next Tuesday", "EOW", "end of quarter", "12/5",
   "in 2 weeks", ...). ``dateparser`` gets several of these wrong for a due
   date (it reads "Monday" on a Monday as next week, "next Tuesday" on a
   Monday as tomorrow, "2 weeks from today" as two weeks *ago*, and has no
   idea about "EOW" or "end of quarter"), and the pre-pass answers in
   microseconds instead of milliseconds.
2. Anything else that is made only of date vocabulary, in at most 8 words ("in 1 week
   2 days and 3 hours"), goes to ``dateparser``,
   restricted to English with a future preference. Phrases with non-date words
   never reach it, because it happily reads "3" as March or "a" as next
   January, and it is the slow part.

Rules (``today`` is the user's local date, from ``now`` converted to ``tz``):

* Results are today or later, and at most 5 years ahead; otherwise
  :class:`DueDateError`.
* A weekday name ("Friday", "this Friday") is the next such day, today
  included: "Friday" on a Friday is today. "coming Friday" is the next one after
  today (non-native English says it for next week's). "in the morning" is
  tomorrow once it is 10:00 or later, "right after this call" today.
* "next <weekday>" is that weekday in NEXT calendar week (weeks run Monday to
  Sunday): on Monday 2026-11-23 "Tuesday" is 2026-11-24 and "next Tuesday" is
  2026-12-01. "<weekday> after next" is a week after the plain weekday.
* A date without a year ("Dec 3", "12/5", "the 5th") is its next occurrence,
  today included: "Dec 3" on Dec 10 is next year's Dec 3. Numeric dates are
  month first (US style): "12/5" is December 5.
* A month on its own ("by May") is the 1st of that month, except the current
  month, which means its last day.
* "next week" is Monday of next week; "next month/quarter/year" is its first
  day. "end of week"/"EOW" is Friday of this week (Saturday/Sunday: the next
  Friday); "end of month/quarter/year" is the last day of the current one.
* "today", "EOD", "COB", "tonight", "ASAP", "later today" are today; a bare time
  ("5pm") is today, or tomorrow if that time has already passed. A time and its zone
  ("Friday 3pm PT", "first thing Monday") are dropped: a due date is a day.
* "early/mid/late next week" is its Monday/Wednesday/Friday, of next month its 1st, 15th
  and last day; "month end" and "within the month" are "end of month"; "this time next
  week" is today + 7; "Monday week" is "Monday after next"; "a week from Friday" counts from
  that day. A range ("in 2-3 days", "in a day or two") is its later end.
* "start of Q2" / "end of H1" are the first / last day of the next such period; a bare
  "Q1" is refused (its start or its end?). Christmas (Eve), New Year's (Eve) and US
  Thanksgiving are their next occurrence, today included.

Where things are: the vocabulary (weekday and month names, units, word sets) in
:mod:`bot.domain.date_words`; the pre-pass rules, one pattern and its resolver each, in
:mod:`bot.domain.date_rules`; here, the code that applies them.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import UTC, date, datetime

import dateparser

from bot.domain.date_rules import MAX_YEARS_AHEAD, RULES, NotADate, add_months
from bot.domain.date_words import (
    ANCHOR_WORDS,
    BARE_CLAUSE,
    DATE_HINT_WORDS,
    DATE_SHAPED,
    EDGE_CHARS,
    FILLER_WORDS,
    FULL_NAMES,
    INTRO_WORDS,
    LEADING_INTRO,
    MAX_PHRASE_CHARS,
    NUMERIC_TOKEN,
    SHORTCODE_AT_END,
    SLACK_NOISE,
    STRICT_INTROS,
    TIME_PREFIX,
    TIME_SUFFIX,
    WORD_ALIASES,
)
from bot.domain.refusal import Refused
from bot.domain.timezones import zone as tz_zone

__all__ = [
    "MAX_PHRASE_CHARS", "MAX_YEARS_AHEAD", "DueDateError", "parse_due", "parse_iso_date", "split_due",
    "warm_up",
]

_ECHO_CHARS = 40  # how much of the user's phrase we quote back in an error


class DueDateError(Refused):
    """A due date we can't accept.

    ``err.refusal`` names the sentence to show (``date_unreadable`` in ``prompts/_errors.j2``:
    "I couldn't read “Fridya” as a date. Try “by Friday”, …") with the phrase it echoes.
    ``err.reason`` is for code: ``"empty"``, ``"too_long"``, ``"unreadable"``, ``"invalid"``
    (e.g. Feb 30), ``"past"`` or ``"too_far"``.
    """

    def __init__(self, key: str, *, reason: str = "unreadable", **facts: object) -> None:
        super().__init__(key, **facts)
        self.reason = reason


# --------------------------------------------------------------------------- normalisation


_INNER_DOTS = re.compile(r"(?<=[a-z])\.(?=[a-z])")  # e.o.d -> eod, a.m -> am
_WORD_BREAKS = re.compile(r"(?<=[a-z])[.\-]")  # "dec. 3", "mid-december", "end-of-month"
_FILLER_WORDS = frozenset(("the", "please", "pls"))
_PLURAL_APOSTROPHE = re.compile(r"(?<=s)'(?= |$)")  # "in ten days' time"
_WORD = re.compile(r"\S+")


def _normalize(phrase: str) -> str:
    """Lower-case, punctuation-light, single-spaced form of a phrase for the rules.

    Runs for each trailing phrase of every command's text (split_due), so its patterns
    are compiled once.
    """
    s = unicodedata.normalize("NFKC", phrase).casefold()
    s = _INNER_DOTS.sub("", s)
    s = _WORD_BREAKS.sub(" ", s)
    s = s.replace(",", " ")
    s = _PLURAL_APOSTROPHE.sub("", s.replace("\u2019", "'"))
    s = " ".join(s.split()).strip(EDGE_CHARS)
    s = " ".join([WORD_ALIASES.get(w, w) for w in s.split() if w not in _FILLER_WORDS])
    if s.startswith("before weekend"):
        s = "end of week" + s[14:]  # the working week's last day, before the intro is dropped
    stripped = LEADING_INTRO.sub("", s, count=1)
    return stripped or s


def _without_time(s: str) -> str:
    """Drop times of day ("Friday 5pm", "EOD tomorrow", "Friday morning at 10am"): a due
    date is a day. Each pass drops one, so however many are stacked, this ends."""
    while m := TIME_SUFFIX.fullmatch(s) or TIME_PREFIX.fullmatch(s):
        s = m["rest"] or m["rest2"]
    return s


def _prepass(s: str, now: datetime) -> date | None:
    for pattern, handler in RULES:
        if m := pattern.fullmatch(s):
            return handler(m, now)
    return None


def _worth_asking(s: str) -> bool:
    """Only pure date vocabulary with something date-like in it goes to dateparser."""
    words = s.split()
    if not words or len(words) > 8:
        return False
    anchored = False
    for word in words:
        if word in ANCHOR_WORDS or DATE_SHAPED.fullmatch(word):
            anchored = True
        elif word not in FILLER_WORDS and not NUMERIC_TOKEN.fullmatch(word):
            return False
    return anchored


_DATEPARSER_SETTINGS = {
    "PREFER_DATES_FROM": "future",
    "PREFER_DAY_OF_MONTH": "first",
    "DATE_ORDER": "MDY",
    "RETURN_AS_TIMEZONE_AWARE": False,
    # No unix-timestamp or digits-only parsers: "1700000000" is not a due date.
    "PARSERS": ["relative-time", "custom-formats", "absolute-time"],
}


def _ask_dateparser(s: str, now: datetime) -> date | None:
    settings = {**_DATEPARSER_SETTINGS, "RELATIVE_BASE": now.replace(tzinfo=None)}
    try:
        # English only: with auto-detection dateparser tries every language (seconds).
        result = dateparser.parse(s, languages=["en"], settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input; for us it's unreadable
        return None
    return result.date() if result is not None else None


def _resolve(s: str, now: datetime) -> date | None:
    due = _prepass(s, now)
    if due is None and (bare := _without_time(s)) != s:
        due = _prepass(bare, now)
    if due is None and _worth_asking(s):
        due = _ask_dateparser(s, now)
    return due


# --------------------------------------------------------------------------- time zone


def _local_now(now: datetime, tz: str) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        now = now.replace(tzinfo=UTC)  # a naive clock is taken as UTC
    zone = tz_zone(tz)
    return now.astimezone(zone)


# --------------------------------------------------------------------------- messages


def _echo(phrase: str) -> str:
    """The user's phrase, shortened, to quote back (templates escape it for mrkdwn)."""
    flat = " ".join(phrase.split())
    short = flat[:_ECHO_CHARS] + ("…" if len(flat) > _ECHO_CHARS else "")
    # Formatting characters have no escape in mrkdwn, so they are dropped from the echo.
    return re.sub(r"[*_~`]", "", short)


def _check_range(due: date, today: date, phrase: str) -> date:
    if due < today:
        raise DueDateError("date_past", reason="past", phrase=_echo(phrase), due=due)
    limit = add_months(today, 12 * MAX_YEARS_AHEAD)
    if due > limit:
        raise DueDateError("date_too_far", reason="too_far", phrase=_echo(phrase),
                           years=MAX_YEARS_AHEAD, latest=limit)
    return due


# --------------------------------------------------------------------------- public API


def parse_due(phrase: str, now: datetime, tz: str) -> date:
    """Resolve a due-date phrase such as "Friday", "next Tuesday" or "12/5" to a date.

    ``now`` is an aware datetime (the injectable clock; a naive one is taken as
    UTC) and ``tz`` the user's IANA zone; an unknown or empty zone means UTC.
    The phrase is resolved against ``now`` converted to that zone, so 23:30 UTC
    on a Monday is still Monday in Los Angeles but already Tuesday in Tokyo.

    The reading rules are in the module docstring; the two that surprise people:
    a weekday name is its next occurrence with today included ("Friday" on a
    Friday is today), and "next <weekday>" is that weekday in NEXT calendar week
    (on Monday 2026-11-23 "Tuesday" is 2026-11-24, "next Tuesday" 2026-12-01).
    A leading "by"/"due"/"on"/"until" and a time of day ("5pm", "EOD") are ignored.

    Raises :class:`DueDateError` (with a refusal to show the user) for empty,
    over-long (> 60 characters) or unreadable phrases, impossible dates, dates
    before today and dates more than 5 years ahead.
    """
    raw = phrase.strip() if isinstance(phrase, str) else ""
    if not raw:
        raise DueDateError("date_empty", reason="empty")
    if len(raw) > MAX_PHRASE_CHARS:
        raise DueDateError("date_too_long", reason="too_long", phrase=_echo(raw))
    local = _local_now(now, tz)
    s = _normalize(raw)
    try:
        due = _resolve(s, local) if len(s) <= 2 * MAX_PHRASE_CHARS else None
    except NotADate:
        raise DueDateError("date_invalid", reason="invalid", phrase=_echo(raw)) from None
    if due is None:
        raise DueDateError("date_unreadable", phrase=_echo(raw))
    return _check_range(due, local.date(), raw)


_TAIL_WINDOW = 3 * MAX_PHRASE_CHARS  # a due clause is short, so only the tail matters
_TEXT_SEPARATORS = " \t\n,;:-–—([{"


def _strip_trailing_noise(text: str) -> str:
    """Drop trailing punctuation, emoji and :shortcodes: ("by Friday! 🙏 :tada:")."""
    end = len(text)
    while end:
        ch = text[end - 1]
        if ch == ":" and (m := SHORTCODE_AT_END.search(text, max(0, end - 64), end)):
            end = m.start()
            continue
        category = unicodedata.category(ch)
        # ">" stays: it closes Slack entities such as <@U123> that are part of the text.
        if ch.isspace() or category == "Mn" or (ch != ">" and category[0] in "PSZC"):
            end -= 1
            continue
        break
    return text[:end]


def _looks_date_like(clause: str) -> bool:
    """Whether a short clause that failed to parse was probably meant as a date.

    True for a weekday/month name or abbreviation, a digit, a date word (next,
    end, eod, week, tomorrow, ...) or a near-miss of a weekday/month name
    ("Fridya"). Slack mentions, links and emoji codes don't count.
    """
    cleaned = SLACK_NOISE.sub(" ", unicodedata.normalize("NFKC", clause).casefold())
    words = [w.strip(EDGE_CHARS) for w in cleaned.split()]
    words = [w for w in words if w and w != "the"]  # "by the end of Decmber" is 4 words
    if not words or len(words) > 4:
        return False
    for word in words:
        if any(ch in "0123456789" for ch in word):
            return True
        if word in DATE_HINT_WORDS:
            return True
        if len(word) >= 4 and difflib.get_close_matches(word, FULL_NAMES, n=1, cutoff=0.8):
            return True
    return False


def _tidy(text: str) -> str:
    return text.rstrip(_TEXT_SEPARATORS).strip()


def split_due(text: str, now: datetime, tz: str) -> tuple[str, date | None]:
    """Split a command's free text into (what, due date) using a trailing due clause.

    "a pilot workspace for 30 days by Friday" -> ("a pilot workspace for 30 days",
    <Friday>). A clause is introduced by "by", "due", "before", "until", "till"
    or "on" (also "due by", "on or before", "no later than"), or is a bare
    trailing "in 2 weeks", "tomorrow", "today", "next week", "next Tuesday",
    "end of month", "EOD", "EOW", .... Matching is case-insensitive and ignores
    trailing punctuation and emoji. Only the last clause counts: "intro by the
    CTO by Friday" -> ("intro by the CTO", <Friday>).

    When the last "by"/"due" clause isn't a date: if it is short (≤ 4 words)
    and looks like an attempted date ("by Fridya", "by end of Decmber") this
    raises :class:`DueDateError`; otherwise ("intro by the CTO") the text is
    kept whole and the date is None. Dates in the past or too far ahead raise
    whatever the introducing word. The returned text is stripped; it is "" when
    the command was only a due clause.
    """
    if not isinstance(text, str):
        return "", None
    core = _strip_trailing_noise(text)
    # Only the tail can hold a due clause; start it on a word boundary.
    start = max(0, len(core) - _TAIL_WINDOW)
    while 0 < start < len(core) and not core[start - 1].isspace():
        start += 1
    tokens = [
        (m.start() + start, m.group()) for m in _WORD.finditer(core[start:])
    ]
    words = [w.strip(EDGE_CHARS).casefold() for _, w in tokens]

    keyword_error: DueDateError | None = None
    strict = False
    clause = ""
    for i in range(len(tokens) - 2, -1, -1):
        if words[i] not in INTRO_WORDS:
            continue
        if words[i] == "than" and not (i >= 2 and words[i - 1] == "later"
                                       and words[i - 2] in ("no", "not")):  # fmt: skip
            continue
        first = i - 2 if words[i] == "than" else i
        if words[i] == "before" and i >= 2 and words[i - 2 : i] == ["on", "or"]:
            first = i - 2
        if first >= 1 and words[first - 1] == "due" and words[first] != "due":
            first -= 1
        strict = bool(STRICT_INTROS.intersection(words[first : i + 1]))
        clause = core[tokens[i + 1][0] :]
        try:
            return _tidy(core[: tokens[first][0]]), parse_due(clause, now, tz)
        except DueDateError as exc:
            if exc.reason in ("past", "too_far", "invalid"):
                raise  # it clearly was a date; silently keeping it as text would lose it
            keyword_error = exc
        break

    # A bare trailing clause, longest first ("next week" before "week").
    for j in range(max(0, len(tokens) - 6), len(tokens)):
        candidate = core[tokens[j][0] :]
        if BARE_CLAUSE.fullmatch(_normalize(candidate)):
            try:
                return _tidy(core[: tokens[j][0]]), parse_due(candidate, now, tz)
            except DueDateError as exc:
                if exc.reason in ("past", "too_far", "invalid"):
                    raise

    if keyword_error is not None and strict and _looks_date_like(clause):
        raise keyword_error
    return text.strip(), None


def parse_iso_date(value: str) -> date:
    """Parse Slack's datepicker value ("2026-12-05"); :class:`DueDateError` if malformed."""
    raw = value.strip() if isinstance(value, str) else ""
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise DueDateError("date_picker_unreadable", phrase=_echo(raw or str(value)))


def warm_up() -> None:
    """Load dateparser's English data now, so the first user doesn't wait ~0.3 s."""
    _ask_dateparser("december 3rd 2026", datetime(2026, 1, 1))
