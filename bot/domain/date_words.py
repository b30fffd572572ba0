"""The vocabulary of due dates: weekday and month names, number words, units, and the
regular-expression pieces and word sets built from them.

Only tables live here; :mod:`bot.domain.date_rules` turns phrases into dates with them and
:mod:`bot.domain.dates` decides which phrase to read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_PHRASE_CHARS = 60
"""Longer phrases are rejected before any parsing: no due date is that long."""

WEEKDAYS: dict[str, int] = {
    "monday": 0, "mon": 0,
    "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2, "wed": 2, "weds": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "sixty": 60, "ninety": 90,
    "a couple of": 2, "a couple": 2, "couple of": 2, "couple": 2, "a few": 3, "few": 3,
}  # fmt: skip
# unit -> (kind, approximate days per unit; the latter only guards against huge numbers)
UNITS: dict[str, tuple[str, float]] = {
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
# Chat spellings read as the word they stand for before any rule runs ("nxt wk" = "next week").
WORD_ALIASES: dict[str, str] = {
    "nxt": "next", "wk": "week", "mth": "month", "mnth": "month", "qtr": "quarter",
    "yr": "year", "2day": "today", "tdy": "today", "2nite": "tonight", "tonite": "tonight",
    "tnight": "tonight",
    "xmas": "christmas", "chrismas": "christmas", "christmass": "christmas",
}  # fmt: skip
TOMORROW_WORDS = (
    "tomorrow", "tmrw", "tmr", "tmw", "tomorow", "tommorow", "tommorrow", "2moro", "2morrow",
)  # fmt: skip


def alternation(words: Iterable[str]) -> str:
    """Regex alternation, longest first so "tues" wins over "tue"."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


WEEKDAY = alternation(WEEKDAYS)
MONTH = alternation(MONTHS)
NUMBER_WORD = alternation(NUMBER_WORDS)
UNIT = alternation(UNITS)
ORDINAL = r"(?:st|nd|rd|th)"
YEAR = r"(?P<y>[0-9]{4})"
OPTIONAL_WEEKDAY = rf"(?:(?:{WEEKDAY}) )?"  # "Fri Dec 4": the weekday adds nothing once the date is given

# Words a phrase may consist of to be worth handing to dateparser (see _worth_asking).
ANCHOR_WORDS = frozenset(
    {*WEEKDAYS, *MONTHS, *(u for u in UNITS if len(u) > 2), "today", "tomorrow",
     "yesterday", "tonight", "noon", "midnight", "now", "weekend"}
)  # fmt: skip
FILLER_WORDS = frozenset(
    {"in", "on", "at", "of", "a", "an", "and", "from", "after", "before", "ago", "next",
     "last", "this", "coming", "following", "previous", "end", "beginning", "start", "mid",
     "middle", "early", "late", "later", "time", "morning", "afternoon", "evening", "night",
     "am", "pm", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
     "ninth", "tenth", *(w for w in NUMBER_WORDS if " " not in w)}
)  # fmt: skip
NUMERIC_TOKEN = re.compile(
    rf"[0-9]{{1,4}}{ORDINAL}?|[0-9]{{1,4}}(?:[-/.:][0-9]{{1,4}}){{1,2}}|[0-9]{{1,2}}(?::[0-9]{{2}})?(?:am|pm)"
)
DATE_SHAPED = re.compile(r"[0-9]{1,4}[-/.][0-9]{1,4}(?:[-/.][0-9]{1,4})?")

# For split_due: words that make a clause after "by" look like an attempted date.
DATE_HINT_WORDS = frozenset(
    {*WEEKDAYS, *MONTHS, *TOMORROW_WORDS, "next", "end", "eod", "eow", "eom", "eoq", "eoy",
     "cob", "today", "tonight", "week", "weeks", "month", "months", "quarter", "year", "day",
     "days", "weekend", "fortnight", "christmas", "xmas", "thanksgiving", "nye"}
)  # fmt: skip
FULL_NAMES = [w for w in (*WEEKDAYS, *MONTHS) if len(w) > 4] + ["tomorrow", "christmas", "thanksgiving"]


# --------------------------------------------------------------------------- normalisation

EDGE_CHARS = " \t\n.,;:!?\"'“”‘’«»()[]{}*_~`"  # punctuation and mrkdwn formatting
LEADING_INTRO = re.compile(
    r"^(?:due |deadline |eta:? )?(?:on or before |no later than |not later than |by |on |before "
    r"|until |till |til )?(?:(?:some ?time|any ?time|at some point) )?(?:the )?"
)
# A zone after a clock time ("3pm PT") says nothing about the day: it is dropped with the time.
ZONE = (
    r"(?:pt|pst|pdt|et|est|edt|ct|cst|cdt|mt|mst|mdt|gmt|utc|bst|cet|cest|ist|aest|jst|sgt|hkt)"
)
CLOCK = rf"(?:[0-9]{{1,2}}(?::[0-9]{{2}})? ?(?:am|pm)|[0-9]{{1,2}}:[0-9]{{2}})(?: ?{ZONE})?"
TIME_OF_DAY = (
    rf"(?:{CLOCK}|{ZONE}|noon|midday|midnight|eod|cob|cop"
    r"|eob|end of (?:business )?day|end of business|close of (?:business|play)|morning|afternoon"
    r"|evening|night|first thing(?: in the morning)?|am|pm)"
)
TIME_SUFFIX = re.compile(
    rf"(?P<rest>.+?) (?:(?:at|by|@) ?)?{TIME_OF_DAY}|(?P<rest2>.+?) at [0-9]{{1,2}}"
)
TIME_PREFIX = re.compile(
    r"(?:eod|cob|eob|cop|end of (?:business )?day|end of business|close of (?:business|play)"
    rf"|first thing|(?:(?:at|by|@) ?)?{CLOCK}|(?:(?:at|by|@) ?)?(?:noon|midday)(?: ?{ZONE})?) (?P<rest>.+)"
)


# --------------------------------------------------------------------------- due clauses in free text

INTRO_WORDS = frozenset({"by", "due", "before", "until", "till", "til", "on", "than"})
STRICT_INTROS = frozenset({"by", "due", "than"})  # "by"-like: a failed date here is an error
BARE_CLAUSE = re.compile(
    rf"(?:in|within) (?:[0-9]{{1,6}} ?|(?:{NUMBER_WORD}) )(?:{UNIT})(?: time| from now| from today)?"
    rf"|(?:[0-9]{{1,3}} ?|(?:{NUMBER_WORD}) )(?:{UNIT}) from (?:now|today|{alternation(TOMORROW_WORDS)}"
    rf"|(?:next )?(?:{WEEKDAY}))"
    rf"|{alternation(TOMORROW_WORDS)}|(?:day after )?tomorrow|today|tonight|asap|eod|cob|eow|eom|eoq"
    r"|eoy|end of (?:this |next )?(?:day|week|month|quarter|year)|next (?:week|month|quarter)"
    rf"|this week|next (?:{WEEKDAY})|this (?:{WEEKDAY})|(?:{WEEKDAY}) (?:eod|cob)|(?:eod|cob) (?:{WEEKDAY})"
    r"|(?:today|tomorrow) (?:eod|cob)|(?:eod|cob) (?:today|tomorrow)"
)
SLACK_NOISE = re.compile(r"<[^<>]*>|:[a-z0-9_+'-]+:")  # <@U123>, <https://…>, :tada:
SHORTCODE_AT_END = re.compile(r":[a-z0-9_+'-]+:\Z", re.IGNORECASE)
