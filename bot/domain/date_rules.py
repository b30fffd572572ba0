"""The pre-pass: one regular expression per way people write a due date, each with the
function that resolves it against the user's local ``now``.

:data:`RULES` lists them in order (the first full match wins). The handlers are plain
functions, registered in that table rather than by a decorator, so that mutation testing
(docs/testing.md) can reach them. The vocabulary they are built from is in
:mod:`bot.domain.date_words`, and the reading rules are described in :mod:`bot.domain.dates`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from bot.domain.date_words import (
    MONTH,
    MONTHS,
    NUMBER_WORD,
    NUMBER_WORDS,
    OPTIONAL_WEEKDAY,
    ORDINAL,
    TOMORROW_WORDS,
    UNIT,
    UNITS,
    WEEKDAY,
    WEEKDAYS,
    YEAR,
    alternation,
)
from bot.domain.timezones import ZONE_WORDS, zone

_TOMORROW = alternation(TOMORROW_WORDS)

MAX_YEARS_AHEAD = 5


class NotADate(Exception):
    """The phrase has the shape of a date but names no real day (Feb 30)."""


# --------------------------------------------------------------------------- calendar helpers


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(d: date, months: int) -> date:
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
    raise NotADate


def _explicit(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise NotADate from exc


def _month_alone(today: date, month: int, year: int | None) -> date:
    """"by May" means the 1st of May; "by November" in November means its last day."""
    if year is None:
        year = today.year if month >= today.month else today.year + 1
    if (year, month) == (today.year, today.month):
        return _month_end(year, month)
    return _explicit(year, month, 1)


# --------------------------------------------------------------------------- pre-pass handlers
# One per way of writing a due date; RULES (at the end) pairs each with its pattern.


def _today(m: re.Match[str], now: datetime) -> date:
    return now.date()


def _tomorrow(m: re.Match[str], now: datetime) -> date:
    return now.date() + timedelta(days=1)


def _next_morning(m: re.Match[str], now: datetime) -> date:
    return now.date() + timedelta(days=1 if now.hour >= 10 else 0)


def _overmorrow(m: re.Match[str], now: datetime) -> date:
    return now.date() + timedelta(days=2)


def _yesterday(m: re.Match[str], now: datetime) -> date:
    return now.date() - timedelta(days=1)  # resolved only so the error can say "in the past"


def _time_only(m: re.Match[str], now: datetime) -> date:
    # "by 5pm" is a deadline today; if 5pm has gone, the user means tomorrow. "by noon PT" is
    # noon in Los Angeles: whether it has gone is decided there, and the due date is the day
    # that moment falls on in the user's own zone.
    if m["noon"]:
        hour, minute = 12, 0
    elif m["h24"] is not None:
        hour, minute = int(m["h24"]), int(m["mi24"])
    else:
        hour, minute = int(m["h"]) % 12 + (12 if m["ap"] == "pm" else 0), int(m["mi"] or 0)
    if hour > 23 or minute > 59 or (m["ap"] and not 1 <= int(m["h"]) <= 12):
        raise NotADate
    there = now.astimezone(zone(ZONE_WORDS[m["zone"]])) if m["zone"] else now
    passed = (there.hour, there.minute) > (hour, minute)
    day = there.date() + timedelta(days=1 if passed else 0)
    if not m["zone"]:
        return day
    moment = datetime.combine(day, time(hour, minute), there.tzinfo)
    return moment.astimezone(now.tzinfo).date()


def _weekday(m: re.Match[str], now: datetime) -> date:
    return _upcoming(now.date(), WEEKDAYS[m["wd"]])


def _coming_weekday(m: re.Match[str], now: datetime) -> date:
    return _upcoming(now.date() + timedelta(days=1), WEEKDAYS[m["wd"]])


def _next_weekday(m: re.Match[str], now: datetime) -> date:
    name = m["wd"] or m["wd2"] or m["wd3"]
    return _monday(now.date()) + timedelta(days=7 + WEEKDAYS[name])


def _weekday_after_next(m: re.Match[str], now: datetime) -> date:
    return _upcoming(now.date(), WEEKDAYS[m["wd"]]) + timedelta(days=7)


def _weekday_this_week(m: re.Match[str], now: datetime) -> date:
    return _monday(now.date()) + timedelta(days=WEEKDAYS[m["wd"]])


def _last_weekday(m: re.Match[str], now: datetime) -> date:
    return _monday(now.date()) + timedelta(days=WEEKDAYS[m["wd"]] - 7)


def _relative(m: re.Match[str], now: datetime) -> date:
    n = int(m["n"]) if m["n"] is not None else NUMBER_WORDS[m["w"]]
    kind, approx_days = UNITS[m["unit"]]
    if n * approx_days > (MAX_YEARS_AHEAD + 1) * 366:
        return date.max  # far beyond the limit; don't risk date overflow computing it
    sign = -1 if m["tail"] == " ago" else 1
    today = now.date()
    if kind == "days":
        return today + timedelta(days=sign * n)
    if kind in ("weeks", "fortnights"):
        return today + timedelta(days=sign * n * int(approx_days))
    if kind == "months":
        return add_months(today, sign * n)
    if kind == "years":
        return add_months(today, sign * 12 * n)
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


def _next_period(m: re.Match[str], now: datetime) -> date:
    today = now.date()
    if m["wan"]:
        return _monday(today) + timedelta(days=14)
    per = m["per"]
    if per == "week":
        return _monday(today) + timedelta(days=7)
    if per == "month":
        return add_months(today.replace(day=1), 1)
    if per == "quarter":
        return add_months(_quarter_start(today), 3)
    return date(today.year + 1, 1, 1)


_PERIOD_ABBREVIATIONS = {"eow": "week", "eom": "month", "eoq": "quarter", "eoy": "year"}


def _week_from_today(m: re.Match[str], now: datetime) -> date:
    return now.date() + timedelta(days=7)  # "this time next week"


def _period_end(m: re.Match[str], now: datetime) -> date:
    # "end of month", "EOQ", "month end", "within the week": the current period's last day
    # (for a week, its Friday); "end of next week/month/...": the next one's.
    today, groups = now.date(), m.groupdict()
    per = (
        groups.get("per") or groups.get("nper") or groups.get("per2")
        or _PERIOD_ABBREVIATIONS.get(groups.get("abbr") or "", "week")
    )  # fmt: skip
    if groups.get("next"):
        if per == "week":
            return _monday(today) + timedelta(days=7 + 4)
        if per == "month":
            nxt = add_months(today.replace(day=1), 1)
            return _month_end(nxt.year, nxt.month)
        if per == "quarter":
            return _quarter_end(add_months(_quarter_start(today), 3))
        return date(today.year + 1, 12, 31)
    if per == "week":
        # Friday of this week; at the weekend this week's Friday has gone, so the next one.
        return _upcoming(today, 4)
    if per == "month":
        return _month_end(today.year, today.month)
    if per == "quarter":
        return _quarter_end(today)
    return date(today.year, 12, 31)


def _weekend(m: re.Match[str], now: datetime) -> date:
    today = now.date()
    return today if today.weekday() >= 5 else _upcoming(today, 5)


def _quarter_named(m: re.Match[str], now: datetime) -> date:
    # "end of Q1": the last day of the next Q1 (or of Q1 of the given year). A bare
    # "by Q1" is left unread on purpose: people mean both its start and its end.
    today, last_month = now.date(), 3 * int(m["q"] or m["q2"])
    if m["y"]:
        return _month_end(int(m["y"]), last_month)
    end = _month_end(today.year, last_month)
    return end if end >= today else _month_end(today.year + 1, last_month)


def _iso(m: re.Match[str], now: datetime) -> date:
    return _explicit(int(m["y"]), int(m["m"]), int(m["d"]))


def _us_numeric(m: re.Match[str], now: datetime) -> date:
    month, day = int(m["m"]), int(m["d"])
    if month > 12 >= day:
        month, day = day, month  # "16/04" can only be day first (European)
    if m["y"] is None:
        return _next_occurrence(now.date(), month, day)
    year = int(m["y"])
    return _explicit(year + 2000 if year < 100 else year, month, day)


def _month_day(m: re.Match[str], now: datetime) -> date:
    month = MONTHS[m["mon"] or m["mon2"]]
    day = int(m["d"] or m["d2"])
    if m["y"] is None:
        return _next_occurrence(now.date(), month, day)
    return _explicit(int(m["y"]), month, day)


def _part_of_month(m: re.Match[str], now: datetime) -> date:
    today, month = now.date(), MONTHS[m["mon"]]
    year = int(m["y"]) if m["y"] else (today.year if month >= today.month else today.year + 1)
    if m["where"] in ("end of", "late"):
        return _month_end(year, month)
    day = 15 if m["where"] in ("mid", "middle of") else 1
    if not m["y"] and date(year, month, day) < today:
        year += 1  # "mid November" on Nov 20 means next November
    return _explicit(year, month, day)


def _holiday_in(name: str, year: int) -> date:
    if name.startswith("thanksgiving"):  # US: the fourth Thursday of November
        return _upcoming(date(year, 11, 1), 3) + timedelta(days=21)
    if name.startswith("christmas"):
        return date(year, 12, 24 if name.endswith("eve") else 25)
    if name.endswith("eve") or name == "nye":
        return date(year, 12, 31)
    return date(year, 1, 1)  # New Year's (Day)


def _holiday(m: re.Match[str], now: datetime) -> date:
    # "before Christmas", "by Thanksgiving", "by NYE": the next one, today included.
    today, name = now.date(), m["hol"]
    if m["y"]:
        return _holiday_in(name, int(m["y"]))
    day = _holiday_in(name, today.year)
    return day if day >= today else _holiday_in(name, today.year + 1)


def _offset_from(m: re.Match[str], now: datetime) -> date:
    # "a week from Friday", "two weeks from next Monday": the anchor day, then the offset.
    anchor = _read(m["anchor"], now)
    if anchor is None:
        raise NotADate
    n = int(m["n"]) if m["n"] is not None else NUMBER_WORDS[m["w"]]
    kind, _ = UNITS[m["unit"]]
    if kind == "days":
        return anchor + timedelta(days=n)
    if kind in ("weeks", "fortnights"):
        return anchor + timedelta(days=n * (14 if kind == "fortnights" else 7))
    if kind == "months":
        return add_months(anchor, n)
    day, left = anchor, n  # business days
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def _part_of_next(m: re.Match[str], now: datetime) -> date:
    # "early next week" is its Monday, "mid next week" its Wednesday, "late next week" its
    # Friday; "early/mid/late next month" the 1st, the 15th and the last day.
    today, where = now.date(), m["where"]
    if m["per"] == "week":
        offset = {"early": 0, "mid": 2, "middle of": 2, "late": 4}[where]
        return _monday(today) + timedelta(days=7 + offset)
    nxt = add_months(today.replace(day=1), 1)
    if where == "late":
        return _month_end(nxt.year, nxt.month)
    return nxt.replace(day=15 if where in ("mid", "middle of") else 1)


def _weekday_ordinal(m: re.Match[str], now: datetime) -> date:
    # "Friday the 4th": the next 4th that is a Friday (this month's or next month's);
    # when neither is, the day of the month counts and the weekday was a slip.
    plain = _day_of_month(m, now)
    candidate = plain
    for _ in range(2):
        if candidate.weekday() == WEEKDAYS[m["wd"]]:
            return candidate
        candidate = _day_of_month(m, datetime.combine(candidate + timedelta(days=1), now.timetz()))
    return plain


def _period_start_named(m: re.Match[str], now: datetime) -> date:
    # "start of Q2", "beginning of H2": the first day of the next such quarter or half.
    today = now.date()
    first_month = 3 * int(m["q"]) - 2 if m["q"] else 6 * int(m["h"]) - 5
    if m["y"]:
        return date(int(m["y"]), first_month, 1)
    start = date(today.year, first_month, 1)
    return start if start >= today else date(today.year + 1, first_month, 1)


def _half_end(m: re.Match[str], now: datetime) -> date:
    # "end of H1" is June 30, "H2 end" December 31 (the next one, or the given year's).
    today, last_month = now.date(), 6 * int(m["h"] or m["h2"])
    if m["y"]:
        return _month_end(int(m["y"]), last_month)
    end = _month_end(today.year, last_month)
    return end if end >= today else _month_end(today.year + 1, last_month)


def _read(phrase: str, now: datetime) -> date | None:
    """The first rule that reads ``phrase`` (an anchor inside a longer phrase)."""
    for pattern, handler in RULES:
        if m := pattern.fullmatch(phrase):
            return handler(m, now)
    return None


def _month(m: re.Match[str], now: datetime) -> date:
    return _month_alone(now.date(), MONTHS[m["mon"]], int(m["y"]) if m["y"] else None)


def _day_of_month(m: re.Match[str], now: datetime) -> date:
    # "the 5th": the next 5th, this month if it hasn't passed (skipping months without a 31st).
    today, day = now.date(), int(m["d"])
    if day < 1:
        raise NotADate  # "the 0th": no month has one (and replace(day=0) would raise)
    first = today.replace(day=1)
    for months_ahead in range(0, 13):
        month = add_months(first, months_ahead)
        if day <= calendar.monthrange(month.year, month.month)[1]:
            candidate = month.replace(day=day)
            if candidate >= today:
                return candidate
    raise NotADate


# --------------------------------------------------------------------------- the rules, in order

_Handler = Callable[[re.Match[str], datetime], date]
RULES: list[tuple[re.Pattern[str], _Handler]] = [
    # Each pattern is matched in full against the normalised phrase; the first match wins.
    (
        re.compile(
            r"today|tod|now|right now|asap|eod|cob|eob|end of (?:business )?day|close of business"
            r"|tonight|this (?:morning|afternoon|evening)|midnight|later (?:on )?today|later tonight"
            r"|(?:some ?time|end of) today|today some ?time|close of play|cop|end of business"
            # minutes away: "within the hour", "in a sec", "shortly" are due today
            r"|(?:within|in) (?:the |an |the next |next )?hour"
            r"|in a (?:sec|second|bit|min|minute|moment|jiffy)"
            r"|shortly|right away|straight away|in a few"
            # "before lunch": later today
            r"|(?:before |by )?lunch(?:time)?"
            # "right after this (call)": the meeting being had now ends today
            r"|(?:right |straight |just )?after (?:this|our|today s)?"
            r"(?: ?call| ?meeting| ?demo| ?sync| ?lunch)?"
        ),
        _today,
    ),
    (re.compile(alternation(TOMORROW_WORDS)), _tomorrow),
    # "I'll send it in the morning": said after mid-morning, tomorrow's
    (re.compile(r"(?:first thing )?in (?:the )?morning"), _next_morning),
    (re.compile(rf"overmorrow|day after (?:{alternation(TOMORROW_WORDS)})"), _overmorrow),
    (re.compile(r"yesterday"), _yesterday),
    (
        re.compile(
            r"(?:(?P<h>[0-9]{1,2})(?::(?P<mi>[0-9]{2}))? ?(?P<ap>am|pm)"
            r"|(?P<h24>[0-9]{1,2}):(?P<mi24>[0-9]{2})|(?P<noon>noon|midday))"
            rf"(?: (?P<zone>{alternation(ZONE_WORDS)}))?"
        ),
        _time_only,
    ),
    # "on coming Monday" (Indian and non-native English) said on a Monday is next week's
    (re.compile(rf"(?:this )?coming (?P<wd>{WEEKDAY})"), _coming_weekday),
    (re.compile(rf"(?:this )?(?P<wd>{WEEKDAY})"), _weekday),
    (
        re.compile(rf"next (?P<wd>{WEEKDAY})|(?P<wd2>{WEEKDAY}) next week|next week (?P<wd3>{WEEKDAY})"),
        _next_weekday,
    ),
    # "Friday after next"; "Monday week" (British) is the same day. Ranges ("in 2-3 days",
    # "in a day or two") are read as their later end: a due date is a deadline.
    (re.compile(rf"(?P<wd>{WEEKDAY}) (?:after next|week)"), _weekday_after_next),
    (re.compile(r"(?:this time|same time) next week"), _week_from_today),
    (re.compile(r"within (?:this |the )?(?P<per>week|month|quarter|year)"), _period_end),
    (
        re.compile(
            rf"(?:in |within )?(?:[0-9]{{1,3}}|{NUMBER_WORD}) ?(?:-|to|or) ?"
            rf"(?:(?P<n>[0-9]{{1,3}})|(?P<w>{NUMBER_WORD})) ?(?P<unit>{UNIT})(?P<tail>)"
        ),
        _relative,
    ),
    (
        re.compile(
            rf"(?:in |within )?(?:a|an|one) (?P<unit>{UNIT}) or "
            rf"(?:(?P<n>[0-9]{{1,3}})|(?P<w>{NUMBER_WORD}))(?P<tail>)"
        ),
        _relative,
    ),
    (re.compile(rf"(?P<wd>{WEEKDAY}) this week"), _weekday_this_week),
    (re.compile(rf"last (?P<wd>{WEEKDAY})"), _last_weekday),
    (
        re.compile(
            rf"(?:in |within )?(?:(?P<n>[0-9]{{1,6}}) ?|(?P<w>{NUMBER_WORD}) )(?P<unit>{UNIT})"
            r"(?P<tail> from now| from today| time| later| out| ago)?"
        ),
        _relative,
    ),
    (
        re.compile(
            r"(?:start of |beginning of )?next (?P<per>week|month|quarter|year)"
            r"|(?P<wan>week after next|following week)"
        ),
        _next_period,
    ),
    (
        re.compile(
            r"(?:end of |this |current )(?:this |current )?(?P<per>week|month|quarter|year)"
            r"|end of (?P<next>next) (?P<nper>week|month|quarter|year)"
            r"|(?P<abbr>eow|eom|eoq|eoy)|end of (?:the )?(?:work ?week|business week)"
            r"|(?P<per2>month|quarter|year) end"
        ),
        _period_end,
    ),
    (re.compile(r"(?:this |over (?:the )?|the )?weekend"), _weekend),
    (re.compile(r"(?:on )?last day of (?:this )?month"), lambda m, now: _month_end(now.year, now.month)),
    (re.compile(rf"(?:end of q(?P<q>[1-4])|q(?P<q2>[1-4]) end)(?: {YEAR})?"), _quarter_named),
    (re.compile(rf"(?:end of h(?P<h>[12])|h(?P<h2>[12]) end)(?: {YEAR})?"), _half_end),
    (re.compile(rf"(?:start of|beginning of|early) (?:q(?P<q>[1-4])|h(?P<h>[12]))(?: {YEAR})?"),
     _period_start_named),
    (
        re.compile(
            r"(?P<hol>christmas eve|christmas(?: day)?|new year'?s? eve|nye|new year'?s?(?: day)?"
            rf"|thanksgiving(?: day)?)(?: {YEAR})?"
        ),
        _holiday,
    ),
    (re.compile(r"(?P<where>early|mid|middle of|late) next (?P<per>week|month)"), _part_of_next),
    (
        re.compile(
            rf"(?:(?P<n>[0-9]{{1,3}}) ?|(?P<w>{NUMBER_WORD}) )(?P<unit>{UNIT}) (?:from|after) "
            rf"(?P<anchor>(?:(?:this|next|coming) )?(?:{WEEKDAY})|{_TOMORROW}|(?:{MONTH}) [0-9]{{1,2}}"
            rf"{ORDINAL}?|[0-9]{{1,2}}/[0-9]{{1,2}})"
        ),
        _offset_from,
    ),
    (re.compile(rf"(?P<wd>{WEEKDAY}) (?P<d>[0-9]{{1,2}}){ORDINAL}"), _weekday_ordinal),
    (re.compile(rf"{OPTIONAL_WEEKDAY}{YEAR}[-/.](?P<m>[0-9]{{1,2}})[-/.](?P<d>[0-9]{{1,2}})"), _iso),
    (
        re.compile(
            rf"{OPTIONAL_WEEKDAY}(?P<m>[0-9]{{1,2}})/(?P<d>[0-9]{{1,2}})(?:/(?P<y>[0-9]{{4}}|[0-9]{{2}}))?"
        ),
        _us_numeric,
    ),
    (
        re.compile(
            rf"{OPTIONAL_WEEKDAY}(?:(?P<mon>{MONTH}) (?P<d>[0-9]{{1,2}}){ORDINAL}?"
            rf"|(?P<d2>[0-9]{{1,2}}){ORDINAL}?(?: of)? (?P<mon2>{MONTH}))(?: {YEAR})?"
        ),
        _month_day,
    ),
    (
        re.compile(
            rf"(?P<where>end of|late|mid|middle of|start of|beginning of|early) (?P<mon>{MONTH})"
            rf"(?: {YEAR})?"
        ),
        _part_of_month,
    ),
    (re.compile(rf"(?:in )?(?P<mon>{MONTH})(?: {YEAR})?"), _month),
    (re.compile(rf"(?P<d>[0-9]{{1,2}}){ORDINAL}"), _day_of_month),
]
