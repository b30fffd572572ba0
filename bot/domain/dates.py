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
2. Anything else that is made only of date vocabulary goes to ``dateparser``,
   restricted to English with a future preference. Phrases with non-date words
   never reach it, because it happily reads "3" as March or "a" as next
   January, and it is the slow part.

Rules (``today`` is the user's local date, from ``now`` converted to ``tz``):

* Results are today or later, and at most 5 years ahead; otherwise
  :class:`DueDateError`.
* A weekday name ("Friday", "this Friday") is the next such day, today
  included: "Friday" on a Friday is today.
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
* "today", "EOD", "COB", "tonight", "ASAP" are today; a bare time ("5pm") is
  today, or tomorrow if that time has already passed.
"""

from __future__ import annotations

import calendar
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta

import dateparser

from bot.domain.timezones import zone as tz_zone

__all__ = ["DueDateError", "parse_due", "parse_iso_date", "split_due", "warm_up"]

MAX_PHRASE_CHARS = 60
"""Longer phrases are rejected before any parsing: no due date is that long."""

MAX_YEARS_AHEAD = 5
_ECHO_CHARS = 40  # how much of the user's phrase we quote back in an error
_HINT = "Try “by Friday”, “Dec 3” or “in 2 weeks”."


class DueDateError(ValueError):
    """A due date we can't accept.

    ``str(err)`` (also ``err.message``) is one friendly sentence to show the
    user (templates escape it for mrkdwn like any value), e.g. ``I couldn't read “Fridya” as a date. Try
    “by Friday”, “Dec 3” or “in 2 weeks”.`` ``err.reason`` is for code:
    ``"empty"``, ``"too_long"``, ``"unreadable"``, ``"invalid"`` (e.g. Feb 30),
    ``"past"`` or ``"too_far"``.
    """

    def __init__(self, message: str, *, reason: str = "unreadable") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


class _NotADate(Exception):
    """Internal: the phrase has the shape of a date but names no real day (Feb 30)."""


# --------------------------------------------------------------------------- vocabulary

_WEEKDAYS: dict[str, int] = {
    "monday": 0, "mon": 0,
    "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2, "wed": 2, "weds": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
_MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "sixty": 60, "ninety": 90,
    "a couple of": 2, "a couple": 2, "couple of": 2, "couple": 2, "a few": 3, "few": 3,
}  # fmt: skip
# unit -> (kind, approximate days per unit; the latter only guards against huge numbers)
_UNITS: dict[str, tuple[str, float]] = {
    **dict.fromkeys(("d", "day", "days"), ("days", 1)),
    **dict.fromkeys(
        ("business day", "business days", "working day", "working days", "workday",
         "workdays", "bd"),
        ("business", 1.4),
    ),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), ("weeks", 7)),
    **dict.fromkeys(("fortnight", "fortnights"), ("fortnights", 14)),
    **dict.fromkeys(("mo", "mos", "mth", "mths", "month", "months"), ("months", 31)),
    **dict.fromkeys(("y", "yr", "yrs", "year", "years"), ("years", 366)),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), ("hours", 1 / 24)),
    **dict.fromkeys(("min", "mins", "minute", "minutes"), ("minutes", 1 / 1440)),
}  # fmt: skip
_TOMORROW_WORDS = (
    "tomorrow", "tmrw", "tmr", "tmw", "tomorow", "tommorow", "tommorrow", "2moro", "2morrow",
)  # fmt: skip


def _alt(words: Iterable[str]) -> str:
    """Regex alternation, longest first so "tues" wins over "tue"."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_WD = _alt(_WEEKDAYS)
_MON = _alt(_MONTHS)
_NUMW = _alt(_NUMBER_WORDS)
_UNIT = _alt(_UNITS)
_ORD = r"(?:st|nd|rd|th)"
_YEAR = r"(?P<y>[0-9]{4})"
_OPT_WD = rf"(?:(?:{_WD}) )?"  # "Fri Dec 4": the weekday adds nothing once the date is given

# Words a phrase may consist of to be worth handing to dateparser (see _worth_asking).
_ANCHOR_WORDS = frozenset(
    {*_WEEKDAYS, *_MONTHS, *(u for u in _UNITS if len(u) > 2), "today", "tomorrow",
     "yesterday", "tonight", "noon", "midnight", "now", "weekend"}
)  # fmt: skip
_FILLER_WORDS = frozenset(
    {"in", "on", "at", "of", "a", "an", "and", "from", "after", "before", "ago", "next",
     "last", "this", "coming", "following", "previous", "end", "beginning", "start", "mid",
     "middle", "early", "late", "later", "time", "morning", "afternoon", "evening", "night",
     "am", "pm", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
     "ninth", "tenth", *(w for w in _NUMBER_WORDS if " " not in w)}
)  # fmt: skip
_NUMERIC_TOKEN = re.compile(
    rf"[0-9]{{1,4}}{_ORD}?|[0-9]{{1,4}}(?:[-/.:][0-9]{{1,4}}){{1,2}}|[0-9]{{1,2}}(?::[0-9]{{2}})?(?:am|pm)"
)
_DATE_SHAPED = re.compile(r"[0-9]{1,4}[-/.][0-9]{1,4}(?:[-/.][0-9]{1,4})?")

# For split_due: words that make a clause after "by" look like an attempted date.
_DATE_HINT_WORDS = frozenset(
    {*_WEEKDAYS, *_MONTHS, *_TOMORROW_WORDS, "next", "end", "eod", "eow", "eom", "eoq", "eoy",
     "cob", "today", "tonight", "week", "weeks", "month", "months", "quarter", "year", "day",
     "days", "weekend", "fortnight"}
)  # fmt: skip
_FULL_NAMES = [w for w in (*_WEEKDAYS, *_MONTHS) if len(w) > 4] + ["tomorrow"]


# --------------------------------------------------------------------------- calendar helpers


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(d: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's end (Jan 31 + 1 month = Feb 28)."""
    years, month0 = divmod(d.month - 1 + months, 12)
    year = d.year + years
    return date(year, month0 + 1, min(d.day, calendar.monthrange(year, month0 + 1)[1]))


def _quarter_start(d: date) -> date:
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def _quarter_end(d: date) -> date:
    last_month = 3 * ((d.month - 1) // 3) + 3
    return _month_end(d.year, last_month)


def _upcoming(today: date, weekday: int) -> date:
    """The next ``weekday``, today included."""
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _next_occurrence(today: date, month: int, day: int) -> date:
    """The next ``month``/``day`` on or after today; nine years covers every Feb 29."""
    for year in range(today.year, today.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise _NotADate


def _explicit(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise _NotADate from exc


def _month_alone(today: date, month: int, year: int | None) -> date:
    """"by May" means the 1st of May; "by November" in November means its last day."""
    if year is None:
        year = today.year if month >= today.month else today.year + 1
    if (year, month) == (today.year, today.month):
        return _month_end(year, month)
    return _explicit(year, month, 1)


# --------------------------------------------------------------------------- pre-pass rules

_Handler = Callable[[re.Match[str], datetime], date]
_RULES: list[tuple[re.Pattern[str], _Handler]] = []


def _rule(pattern: str) -> Callable[[_Handler], _Handler]:
    """Register a handler for phrases that fully match ``pattern`` (normalised text)."""

    def register(handler: _Handler) -> _Handler:
        _RULES.append((re.compile(pattern), handler))
        return handler

    return register


@_rule(
    r"today|tod|now|right now|asap|eod|cob|eob|end of (?:business )?day|close of business"
    r"|tonight|this (?:morning|afternoon|evening)|midnight"
)
def _today(m: re.Match[str], now: datetime) -> date:
    return now.date()


@_rule(_alt(_TOMORROW_WORDS))
def _tomorrow(m: re.Match[str], now: datetime) -> date:
    return now.date() + timedelta(days=1)


@_rule(rf"overmorrow|day after (?:{_alt(_TOMORROW_WORDS)})")
def _overmorrow(m: re.Match[str], now: datetime) -> date:
    return now.date() + timedelta(days=2)


@_rule(r"yesterday")
def _yesterday(m: re.Match[str], now: datetime) -> date:
    return now.date() - timedelta(days=1)  # resolved only so the error can say "in the past"


@_rule(
    r"(?P<h>[0-9]{1,2})(?::(?P<mi>[0-9]{2}))? ?(?P<ap>am|pm)"
    r"|(?P<h24>[0-9]{1,2}):(?P<mi24>[0-9]{2})|(?P<noon>noon|midday)"
)
def _time_only(m: re.Match[str], now: datetime) -> date:
    # "by 5pm" is a deadline today; if 5pm has gone, the user means tomorrow.
    if m["noon"]:
        hour, minute = 12, 0
    elif m["h24"] is not None:
        hour, minute = int(m["h24"]), int(m["mi24"])
    else:
        hour, minute = int(m["h"]) % 12 + (12 if m["ap"] == "pm" else 0), int(m["mi"] or 0)
    if hour > 23 or minute > 59 or (m["ap"] and not 1 <= int(m["h"]) <= 12):
        raise _NotADate
    passed = (now.hour, now.minute) > (hour, minute)
    return now.date() + timedelta(days=1 if passed else 0)


@_rule(rf"(?:this |coming |this coming )?(?P<wd>{_WD})")
def _weekday(m: re.Match[str], now: datetime) -> date:
    return _upcoming(now.date(), _WEEKDAYS[m["wd"]])


@_rule(rf"next (?P<wd>{_WD})|(?P<wd2>{_WD}) next week|next week (?P<wd3>{_WD})")
def _next_weekday(m: re.Match[str], now: datetime) -> date:
    name = m["wd"] or m["wd2"] or m["wd3"]
    return _monday(now.date()) + timedelta(days=7 + _WEEKDAYS[name])


@_rule(rf"(?P<wd>{_WD}) after next")
def _weekday_after_next(m: re.Match[str], now: datetime) -> date:
    return _upcoming(now.date(), _WEEKDAYS[m["wd"]]) + timedelta(days=7)


@_rule(rf"(?P<wd>{_WD}) this week")
def _weekday_this_week(m: re.Match[str], now: datetime) -> date:
    return _monday(now.date()) + timedelta(days=_WEEKDAYS[m["wd"]])


@_rule(rf"last (?P<wd>{_WD})")
def _last_weekday(m: re.Match[str], now: datetime) -> date:
    return _monday(now.date()) + timedelta(days=_WEEKDAYS[m["wd"]] - 7)


@_rule(
    rf"(?:in |within )?(?:(?P<n>[0-9]{{1,6}}) ?|(?P<w>{_NUMW}) )(?P<unit>{_UNIT})"
    r"(?P<tail> from now| from today| time| later| out| ago)?"
)
def _relative(m: re.Match[str], now: datetime) -> date:
    n = int(m["n"]) if m["n"] is not None else _NUMBER_WORDS[m["w"]]
    kind, approx_days = _UNITS[m["unit"]]
    if n * approx_days > (MAX_YEARS_AHEAD + 1) * 366:
        return date.max  # far beyond the limit; don't risk date overflow computing it
    sign = -1 if m["tail"] == " ago" else 1
    today = now.date()
    if kind == "days":
        return today + timedelta(days=sign * n)
    if kind in ("weeks", "fortnights"):
        return today + timedelta(days=sign * n * int(approx_days))
    if kind == "months":
        return _add_months(today, sign * n)
    if kind == "years":
        return _add_months(today, sign * 12 * n)
    if kind in ("hours", "minutes"):
        # Add real elapsed time in UTC, then look at the local calendar: exact across DST.
        delta = timedelta(hours=n) if kind == "hours" else timedelta(minutes=n)
        return (now.astimezone(UTC) + sign * delta).astimezone(now.tzinfo).date()
    day, left = today, n  # business days: skip Saturdays and Sundays
    while left:
        day += timedelta(days=sign)
        if day.weekday() < 5:
            left -= 1
    return day


@_rule(
    r"(?:start of |beginning of )?next (?P<per>week|month|quarter|year)"
    r"|(?P<wan>week after next|following week)"
)
def _next_period(m: re.Match[str], now: datetime) -> date:
    today = now.date()
    if m["wan"]:
        return _monday(today) + timedelta(days=14)
    per = m["per"]
    if per == "week":
        return _monday(today) + timedelta(days=7)
    if per == "month":
        return _add_months(today.replace(day=1), 1)
    if per == "quarter":
        return _add_months(_quarter_start(today), 3)
    return date(today.year + 1, 1, 1)


_PERIOD_ABBREVIATIONS = {"eow": "week", "eom": "month", "eoq": "quarter", "eoy": "year"}


@_rule(
    r"(?:end of |this |current )(?:this |current )?(?P<per>week|month|quarter|year)"
    r"|end of (?P<next>next) (?P<nper>week|month|quarter|year)"
    r"|(?P<abbr>eow|eom|eoq|eoy)|end of (?:the )?(?:work ?week|business week)"
)
def _period_end(m: re.Match[str], now: datetime) -> date:
    today = now.date()
    per = m["per"] or m["nper"] or _PERIOD_ABBREVIATIONS.get(m["abbr"] or "", "week")
    if m["next"]:
        if per == "week":
            return _monday(today) + timedelta(days=7 + 4)
        if per == "month":
            nxt = _add_months(today.replace(day=1), 1)
            return _month_end(nxt.year, nxt.month)
        if per == "quarter":
            return _quarter_end(_add_months(_quarter_start(today), 3))
        return date(today.year + 1, 12, 31)
    if per == "week":
        # Friday of this week; at the weekend this week's Friday has gone, so the next one.
        return _upcoming(today, 4)
    if per == "month":
        return _month_end(today.year, today.month)
    if per == "quarter":
        return _quarter_end(today)
    return date(today.year, 12, 31)


@_rule(r"(?:this )?weekend")
def _weekend(m: re.Match[str], now: datetime) -> date:
    today = now.date()
    return today if today.weekday() >= 5 else _upcoming(today, 5)


@_rule(rf"(?:end of q(?P<q>[1-4])|q(?P<q2>[1-4]) end)(?: {_YEAR})?")
def _quarter_named(m: re.Match[str], now: datetime) -> date:
    # "end of Q1": the last day of the next Q1 (or of Q1 of the given year). A bare
    # "by Q1" is left unread on purpose: people mean both its start and its end.
    today, last_month = now.date(), 3 * int(m["q"] or m["q2"])
    if m["y"]:
        return _month_end(int(m["y"]), last_month)
    end = _month_end(today.year, last_month)
    return end if end >= today else _month_end(today.year + 1, last_month)


@_rule(rf"{_OPT_WD}{_YEAR}[-/.](?P<m>[0-9]{{1,2}})[-/.](?P<d>[0-9]{{1,2}})")
def _iso(m: re.Match[str], now: datetime) -> date:
    return _explicit(int(m["y"]), int(m["m"]), int(m["d"]))


@_rule(rf"{_OPT_WD}(?P<m>[0-9]{{1,2}})/(?P<d>[0-9]{{1,2}})(?:/(?P<y>[0-9]{{4}}|[0-9]{{2}}))?")
def _us_numeric(m: re.Match[str], now: datetime) -> date:
    month, day = int(m["m"]), int(m["d"])
    if m["y"] is None:
        return _next_occurrence(now.date(), month, day)
    year = int(m["y"])
    return _explicit(year + 2000 if year < 100 else year, month, day)


@_rule(
    rf"{_OPT_WD}(?:(?P<mon>{_MON}) (?P<d>[0-9]{{1,2}}){_ORD}?"
    rf"|(?P<d2>[0-9]{{1,2}}){_ORD}?(?: of)? (?P<mon2>{_MON}))(?: {_YEAR})?"
)
def _month_day(m: re.Match[str], now: datetime) -> date:
    month = _MONTHS[m["mon"] or m["mon2"]]
    day = int(m["d"] or m["d2"])
    if m["y"] is None:
        return _next_occurrence(now.date(), month, day)
    return _explicit(int(m["y"]), month, day)


@_rule(
    rf"(?P<where>end of|late|mid|middle of|start of|beginning of|early) (?P<mon>{_MON})"
    rf"(?: {_YEAR})?"
)
def _part_of_month(m: re.Match[str], now: datetime) -> date:
    today, month = now.date(), _MONTHS[m["mon"]]
    year = int(m["y"]) if m["y"] else (today.year if month >= today.month else today.year + 1)
    if m["where"] in ("end of", "late"):
        return _month_end(year, month)
    day = 15 if m["where"] in ("mid", "middle of") else 1
    if not m["y"] and date(year, month, day) < today:
        year += 1  # "mid November" on Nov 20 means next November
    return _explicit(year, month, day)


@_rule(rf"(?:in )?(?P<mon>{_MON})(?: {_YEAR})?")
def _month(m: re.Match[str], now: datetime) -> date:
    return _month_alone(now.date(), _MONTHS[m["mon"]], int(m["y"]) if m["y"] else None)


@_rule(rf"(?P<d>[0-9]{{1,2}}){_ORD}")
def _day_of_month(m: re.Match[str], now: datetime) -> date:
    # "the 5th": the next 5th, this month if it hasn't passed (skipping months without a 31st).
    today, day = now.date(), int(m["d"])
    first = today.replace(day=1)
    for months_ahead in range(0, 13):
        month = _add_months(first, months_ahead)
        if day <= calendar.monthrange(month.year, month.month)[1]:
            candidate = month.replace(day=day)
            if candidate >= today:
                return candidate
    raise _NotADate


# --------------------------------------------------------------------------- normalisation

_EDGE_CHARS = " \t\n.,;:!?\"'“”‘’«»()[]{}*_~`"  # punctuation and mrkdwn formatting
_LEADING_INTRO = re.compile(
    r"^(?:due |deadline )?(?:on or before |no later than |not later than |by |on |before "
    r"|until |till |til )?(?:the )?"
)
_TIME = (
    r"(?:[0-9]{1,2}(?::[0-9]{2})? ?(?:am|pm)|[0-9]{1,2}:[0-9]{2}|noon|midday|midnight|eod|cob"
    r"|eob|end of (?:business )?day|close of business|morning|afternoon|evening|night)"
)
_TIME_SUFFIX = re.compile(
    rf"(?P<rest>.+?) (?:(?:at|by|@) ?)?{_TIME}|(?P<rest2>.+?) at [0-9]{{1,2}}"
)
_TIME_PREFIX = re.compile(r"(?:eod|cob|eob|end of day) (?P<rest>.+)")


def _normalize(phrase: str) -> str:
    """Lower-case, punctuation-light, single-spaced form of a phrase for the rules."""
    s = unicodedata.normalize("NFKC", phrase).casefold()
    s = re.sub(r"(?<=[a-z])\.(?=[a-z])", "", s)  # e.o.d -> eod, a.m -> am
    s = re.sub(r"(?<=[a-z])[.\-]", " ", s)  # "dec. 3", "mid-december", "end-of-month"
    s = s.replace(",", " ")
    s = " ".join(s.split()).strip(_EDGE_CHARS)
    s = " ".join(w for w in s.split() if w not in ("the", "please", "pls"))
    stripped = _LEADING_INTRO.sub("", s, count=1)
    return stripped or s


def _without_time(s: str) -> str:
    """Drop a time of day ("Friday 5pm", "EOD tomorrow"): a due date is a day."""
    for _ in range(2):  # "friday morning at 10am"
        if m := _TIME_SUFFIX.fullmatch(s):
            s = m["rest"] or m["rest2"]
        elif m := _TIME_PREFIX.fullmatch(s):
            s = m["rest"]
    return s


def _prepass(s: str, now: datetime) -> date | None:
    for pattern, handler in _RULES:
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
        if word in _ANCHOR_WORDS or _DATE_SHAPED.fullmatch(word):
            anchored = True
        elif word not in _FILLER_WORDS and not _NUMERIC_TOKEN.fullmatch(word):
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


def _quote(phrase: str) -> str:
    """The user's phrase, shortened, in curly quotes (templates escape it for mrkdwn)."""
    flat = " ".join(phrase.split())
    short = flat[:_ECHO_CHARS] + ("…" if len(flat) > _ECHO_CHARS else "")
    # Formatting characters have no escape in mrkdwn, so they are dropped from the echo.
    short = re.sub(r"[*_~`]", "", short)
    return f"“{short}”"


def _fmt(d: date) -> str:
    return f"{d:%a}, {d:%b} {d.day}, {d.year}"


def _check_range(due: date, today: date, phrase: str) -> date:
    if due < today:
        raise DueDateError(
            f"That date is in the past ({_quote(phrase)} is {_fmt(due)}). "
            "Pick today or a later date.",
            reason="past",
        )
    limit = _add_months(today, 12 * MAX_YEARS_AHEAD)
    if due > limit:
        raise DueDateError(
            f"That date is more than {MAX_YEARS_AHEAD} years away ({_quote(phrase)}). "
            f"Pick a date up to {_fmt(limit)}.",
            reason="too_far",
        )
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

    Raises :class:`DueDateError` (with a message for the user) for empty,
    over-long (> 60 characters) or unreadable phrases, impossible dates, dates
    before today and dates more than 5 years ahead.
    """
    raw = phrase.strip() if isinstance(phrase, str) else ""
    if not raw:
        raise DueDateError(f"I need a due date. {_HINT}", reason="empty")
    if len(raw) > MAX_PHRASE_CHARS:
        raise DueDateError(
            f"{_quote(raw)} is too long for a due date. {_HINT}", reason="too_long"
        )
    local = _local_now(now, tz)
    s = _normalize(raw)
    try:
        due = _resolve(s, local) if len(s) <= 2 * MAX_PHRASE_CHARS else None
    except _NotADate:
        raise DueDateError(
            f"{_quote(raw)} isn't a real calendar date. {_HINT}", reason="invalid"
        ) from None
    if due is None:
        raise DueDateError(f"I couldn't read {_quote(raw)} as a date. {_HINT}")
    return _check_range(due, local.date(), raw)


_INTRO_WORDS = frozenset({"by", "due", "before", "until", "till", "til", "on", "than"})
_STRICT_INTROS = frozenset({"by", "due", "than"})  # "by"-like: a failed date here is an error
_BARE_CLAUSE = re.compile(
    rf"(?:in|within) (?:[0-9]{{1,6}} ?|(?:{_NUMW}) )(?:{_UNIT})"
    rf"|{_alt(_TOMORROW_WORDS)}|(?:day after )?tomorrow|today|tonight|asap|eod|cob|eow|eom|eoq"
    r"|eoy|end of (?:this |next )?(?:day|week|month|quarter|year)|next (?:week|month|quarter)"
    rf"|this week|next (?:{_WD})|this (?:{_WD})|(?:{_WD}) (?:eod|cob)|(?:eod|cob) (?:{_WD})"
    r"|(?:today|tomorrow) (?:eod|cob)|(?:eod|cob) (?:today|tomorrow)"
)
_SLACK_NOISE = re.compile(r"<[^<>]*>|:[a-z0-9_+'-]+:")  # <@U123>, <https://…>, :tada:
_TAIL_WINDOW = 3 * MAX_PHRASE_CHARS  # a due clause is short, so only the tail matters
_TEXT_SEPARATORS = " \t\n,;:-–—([{"
_SHORTCODE_AT_END = re.compile(r":[a-z0-9_+'-]+:\Z", re.IGNORECASE)


def _strip_trailing_noise(text: str) -> str:
    """Drop trailing punctuation, emoji and :shortcodes: ("by Friday! 🙏 :tada:")."""
    end = len(text)
    while end:
        ch = text[end - 1]
        if ch == ":" and (m := _SHORTCODE_AT_END.search(text, max(0, end - 64), end)):
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
    cleaned = _SLACK_NOISE.sub(" ", unicodedata.normalize("NFKC", clause).casefold())
    words = [w.strip(_EDGE_CHARS) for w in cleaned.split()]
    words = [w for w in words if w and w != "the"]  # "by the end of Decmber" is 4 words
    if not words or len(words) > 4:
        return False
    for word in words:
        if any(ch in "0123456789" for ch in word):
            return True
        if word in _DATE_HINT_WORDS:
            return True
        if len(word) >= 4 and difflib.get_close_matches(word, _FULL_NAMES, n=1, cutoff=0.8):
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
        (m.start() + start, m.group()) for m in re.finditer(r"\S+", core[start:])
    ]
    words = [w.strip(_EDGE_CHARS).casefold() for _, w in tokens]

    keyword_error: DueDateError | None = None
    strict = False
    clause = ""
    for i in range(len(tokens) - 2, -1, -1):
        if words[i] not in _INTRO_WORDS:
            continue
        if words[i] == "than" and not (i >= 2 and words[i - 1] == "later"
                                       and words[i - 2] in ("no", "not")):  # fmt: skip
            continue
        first = i - 2 if words[i] == "than" else i
        if words[i] == "before" and i >= 2 and words[i - 2 : i] == ["on", "or"]:
            first = i - 2
        if first >= 1 and words[first - 1] == "due" and words[first] != "due":
            first -= 1
        strict = bool(_STRICT_INTROS.intersection(words[first : i + 1]))
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
        if _BARE_CLAUSE.fullmatch(_normalize(candidate)):
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
    raise DueDateError(
        f"I couldn't read {_quote(raw or str(value))} as a date. Pick a day in the date picker."
    )


def warm_up() -> None:
    """Load dateparser's English data now, so the first user doesn't wait ~0.3 s."""
    _ask_dateparser("december 3rd 2026", datetime(2026, 1, 1))
