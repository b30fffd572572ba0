"""Promises said without a verb of promise: chat shorthand, list items and forwarded email.

Deal channels are full of promises that never say "will": "sow to them by eow", "ROI calc →
Globex by Fri", "pricing is on me, ETA Wed", an "Our action items" heading over bullets of
bare nouns, an email pasted under "Forwarded message". Each matcher here reads one of those
shapes and returns a :class:`Shorthand`: whose side, the phrase that says what, and who. The
caller (:mod:`bot.domain.listening.commitments`) turns it into a detection the usual way and
keeps it only when it carries a due date, because without one these shapes are as often a
status ("pricing to them, waiting") as a promise.

Pure functions over plain text; no Slack, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.domain.listening.detector_vocab import COMPANY_TEAM, IGNORE, NAME_STOP, THEIR_ROLE

Side = Literal["give", "get"]


@dataclass(frozen=True)
class Shorthand:
    """A promise read from shorthand: ``phrase`` holds what (and the date, still in it)."""

    side: Side
    phrase: str
    who: str | None


# Words a shorthand thing never holds: a verb or a subject means a sentence, not a noun phrase
# ("Meeting moved to Thursday", "Kenji talked to them today").
_NOT_IN_THING = frozenset(
    """i we they he she you it me us this that what who how why when where is are was were be been
    being has have had will would can could should did do does not no moved pushed went got sent
    slipped delayed rescheduled postponed talked spoke said asked replied emailed called met reached
    handed going gone came left joined thanks thx ty hi hey hello congrats welcome sorry lol get
    getting hope hoping try trying want need needs must might may""".split()
)
# Imperatives that open a request to a colleague ("send pricing to them by Fri"), never a thing.
_IMPERATIVES = frozenset(
    """send share forward email mail give talk speak reach reply respond write go get move push ping
    text pass hand explain say tell mention introduce return submit deliver provide ask make let
    please pls plz can could eta""".split()
)
# Someone the thing can go to: them, their people, a mention or a capitalised name (never a
# day or a month: "Kickoff moved to Tuesday" has no recipient).
_DAY_OR_MONTH = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|"
    r"jan(?:uary)?|feb(?:ruary)?|march|april|may|june|july|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|"
    r"nov(?:ember)?|dec(?:ember)?|eod|eow|eom|cob|q[1-4])"
)
# The second word of "their <role> <role>" is never a date or its preposition ("their legal by Friday").
_NOT_DATE = (
    r"(?!(?:by|before|on|until|till|in|within|tmrw|tomorrow|today|tonight|eod|eow|eom|cob|next|this)\b)"
)
_RECIPIENT = (
    rf"(?:them|him|her|their\s+[\w-]+(?:\s+{_NOT_DATE}[\w-]+)?|the\s+(?:customer|client|buyer|prospect|partner)"
    r"|@[\w.-]+"
    rf"|(?-i:(?!{NAME_STOP}\b)(?!(?i:{_DAY_OR_MONTH})\b)[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){{0,2}}))"
)
_THING = r"(?P<thing>[\w/$%.#&+-]+(?:\s+[\w/$%.#&+-]+){0,4}?)"
# "sow to them by eow", "redlines back to their counsel tomorrow", "quote out to Hooli tmrw"
TERSE_TO = re.compile(
    rf"^{_THING}\s+(?:(?:is\s+|goes\s+|going\s+)?(?:back|over|out|across)\s+|(?:is\s+)?going\s+)?to\s+"
    rf"(?P<whom>{_RECIPIENT})"
    r"(?P<rest>(?:[\s,;:]|$).*)$",
    IGNORE,
)
# "redlined DPA back from their counsel by Wednesday", "po from their side tmrw"
TERSE_FROM = re.compile(
    rf"^{_THING}\s+(?:back\s+)?from\s+(?P<whom>them|their\s+(?:side|end|[\w-]+)(?:\s+{_NOT_DATE}[\w-]+)?"
    rf"|the\s+(?:[\w-]+\s+)?{THEIR_ROLE}"
    rf"|(?-i:(?!{NAME_STOP}\b)[A-Z][\w&.-]*(?:\s+(?-i:{COMPANY_TEAM}))?))(?P<rest>(?:[\s,;:]|$).*)$",
    IGNORE,
)
# "quote out by tmrw am", "sow v3 out the door today"
TERSE_OUT = re.compile(rf"^{_THING}\s+(?:goes\s+)?out(?:\s+the\s+door)?(?P<rest>(?:[\s,;:]|$).*)$", IGNORE)
# "ROI calc → Globex by Fri", "client → feedback by wed", "me → demo env for Vandelay"
ARROW = re.compile(r"\s*(?:\u2192|->|=>|\u21d2|\u27a1\ufe0f?|\u2794)\s*")
_OURS = re.compile(r"(?:me|us|we|i|our\s+[\w-]+(?:\s+[\w-]+)?)", IGNORE)
_THEIRS = re.compile(
    rf"(?:they|them|their\s+[\w-]+(?:\s+[\w-]+)?|(?:the\s+)?{THEIR_ROLE}"
    rf"|(?-i:(?!{NAME_STOP}\b)[A-Z][\w&.-]*)(?:\s+(?-i:{COMPANY_TEAM}|team))?)",
    IGNORE,
)
# "pricing is on me, ETA Wed", "security questionnaire is on them, due Friday"
ON_WHOM = re.compile(
    rf"^{_THING}\s+(?:is|are|'s)\s+on\s+(?P<who>me|us|them|their\s+side|our\s+side|@[\w.-]+)\b"
    r"[\s,;:-]*(?:(?:eta|due)\b\s*:?\s*)?(?P<rest>.*)$",
    IGNORE,
)
# "ETA for the SOW to Globex: tomorrow noon", "their legal review ETA is Thursday"
ETA_FOR = re.compile(r"^eta\s+(?:for|on)\s+(?P<thing>.{2,60}?)\s*(?::|\bis\b)\s*(?P<rest>.+)$", IGNORE)
THING_ETA = re.compile(
    r"^(?P<their>their\s+)?(?P<thing>[\w/$%.#&+-]+(?:\s+[\w/$%.#&+-]+){0,4}?)\s+eta\s*(?:is\b|:|=)?\s*"
    r"(?P<rest>.+)$",
    IGNORE,
)


# What comes from the other side as news, not as a deliverable: "heard back from Acme today".
_NEWS = frozenset(
    "heard nothing silence crickets email emails message messages note update updates news call ping text "
    "word still radio".split()
)
# A date still ahead: "po from their side tmrw", not "nothing from them since Monday".
_AHEAD = re.compile(
    r"\b(?:by|before|until|tmrw|tomorrow|next|eow|eom|eod|cob|mon|tues?|wed|thu(?:rs?)?|fri|monday|tuesday|"
    r"wednesday|thursday|friday|in\s+\d|within)\b",
    IGNORE,
)


_FUNCTION_WORDS = frozenset(
    "the a an our their my your his her its this that these those to of for and or".split()
)
_ACK_AFTER = re.compile(
    r"(?:\s*[,;\u2014\u2013-]+\s*(?:on\s+it|will\s+do|can\s+do|np|ok|on\s+my\s+list)|\s+for\s+sure)\s*$",
    IGNORE,
)


def _thing_ok(thing: str) -> bool:
    words = thing.lower().split()
    if not words or words[0] in _IMPERATIVES or all(word in _FUNCTION_WORDS for word in words):
        return False  # "the to their Friday" names nothing
    if any(word in _NOT_IN_THING for word in words):
        return False
    return not (len(words) > 1 and words[-1].endswith("ed"))  # "Meeting moved", "PO signed"


def _ours_mention(whom: str, is_ours: Callable[[str], bool] | None) -> bool:
    return whom.startswith("@") and (is_ours is None or is_ours(whom[1:]))


def terse(sentence: str, is_ours: Callable[[str], bool] | None) -> Shorthand | None:
    """A delivery said as a noun phrase: "sow to them by eow" (ours), "po from their side
    tmrw" (theirs), "quote out by tmrw am", "pricing is on me, ETA Wed"."""
    if sentence[:4].lower() == "eta ":
        return _eta(sentence)
    sentence = _ACK_AFTER.sub("", sentence)  # "sow to them by eow, on it": the "on it" is no part of it
    m = TERSE_TO.match(sentence)
    if m is not None and _thing_ok(m.group("thing")) and not _ours_mention(m.group("whom"), is_ours):
        return Shorthand("give", sentence[: m.end("whom")] + m.group("rest"), None)
    m = TERSE_FROM.match(sentence)
    if (
        m is not None
        and _thing_ok(m.group("thing"))
        and not set(m.group("thing").lower().split()) & _NEWS
        and _AHEAD.search(m.group("whom") + m.group("rest"))
    ):
        whom = m.group("whom")
        if re.match(r"(?:me|us|our)\b", whom, IGNORE):
            return None
        return Shorthand("get", sentence[: m.end("whom")] + m.group("rest"), whom)
    m = TERSE_OUT.match(sentence)
    # not "Sam out Friday": a person away
    if m is not None and _thing_ok(m.group("thing")) and not re.fullmatch(r"[A-Z][a-z]+", m.group("thing")):
        return Shorthand("give", m.group("thing") + m.group("rest"), None)
    m = ON_WHOM.match(sentence)
    if m is not None and _thing_ok(m.group("thing")):
        who = m.group("who").lower()
        if who.startswith("@"):
            side: Side = "give" if is_ours is None or is_ours(m.group("who")[1:]) else "get"
        else:
            side = "give" if who in ("me", "us", "our side") else "get"
        return Shorthand(side, f"{m.group('thing')} {m.group('rest')}", None if side == "give" else who)
    return _eta(sentence)


def _eta(sentence: str) -> Shorthand | None:
    m = ETA_FOR.match(sentence)
    if m is not None:
        return Shorthand("give", f"{m.group('thing')} {m.group('rest')}", None)
    m = THING_ETA.match(sentence)
    if m is not None and _thing_ok(m.group("thing")):
        if m.group("their"):
            return Shorthand("get", f"{m.group('thing')} {m.group('rest')}", "they")
        return Shorthand("give", f"{m.group('thing')} {m.group('rest')}", None)
    return None


def arrow(sentence: str, is_ours: Callable[[str], bool] | None) -> Shorthand | None:
    """"ROI calc → Globex by Fri" (ours, to them), "client → feedback by wed" (theirs), "me →
    demo env for Vandelay by thurs" (ours): an owner or a thing before the arrow."""
    parts = ARROW.split(sentence, maxsplit=1)
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        return None
    left, right = parts[0].strip(" ,:;"), parts[1].strip()
    if left.startswith("@"):
        side: Side = "give" if is_ours is None or is_ours(left[1:]) else "get"
        return Shorthand(side, right, None if side == "give" else left)
    if _OURS.fullmatch(left):
        return Shorthand("give", right, None)
    if _THEIRS.fullmatch(left):
        return Shorthand("get", right, left)
    if not _thing_ok(left):
        return None
    side = "get" if re.match(r"(?:us|me|our)\b", right, IGNORE) else "give"
    return Shorthand(side, f"{left} \u2192 {right}", None)


# --------------------------------------------------------------------------------------
# Lists: a heading says whose items follow
# --------------------------------------------------------------------------------------

LIST_HEADING = re.compile(
    r"^\W*(?:(?P<whose>their|our|my|(?-i:[A-Z][\w&.-]*)'s)\s+)?(?:(?:open\s+|new\s+)?action\s+items?|next\s+steps?|"
    r"to-?dos?|follow-?ups?|owners?|tasks?|ais?)\b[^\n]{0,60}$",
    IGNORE,
)
BULLET = re.compile(r"^\s*(?:[-*\u2022\u25e6\u25aa\u2013\u2014]|\d{1,2}[.)])\s*(?:\[\s?[xX ]?\s?\]\s*)?")
# "me — revised pricing by Wed", "Acme — security questionnaire by Fri", "@U1 order form by Friday"
LIST_OWNER = re.compile(
    r"^(?:(?P<ours>me|us|we)\b\s*(?:[:\u2014\u2013-]\s*)?|(?P<ment>@[\w.-]+)\s*(?:[:\u2014\u2013-]\s*)?"
    rf"|(?P<name>(?-i:(?!{NAME_STOP}\b)[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)?))\s*[:\u2014\u2013-]\s*)(?P<rest>\S.*)$",
    IGNORE,
)


def heading_side(line: str) -> Side | None | Literal["list"]:
    """The side a list heading gives its items: ``get`` for "Their action items", ``give`` for
    "Our next steps", ``"list"`` for a heading that says no side ("Next steps:", "TODO"), None
    for a line that is not a heading."""
    m = LIST_HEADING.match(line)
    if m is None:
        return None
    whose = (m.group("whose") or "").lower()
    if whose in ("our", "my"):
        return "give"
    if whose:
        return "get"
    return "list"


def list_item(
    line: str, heading: Side | Literal["list"] | None, is_ours: Callable[[str], bool] | None
) -> tuple[Shorthand, bool] | None:
    """A bullet under a heading: an owner and a thing ("me — revised pricing by Wed"), or a
    bare action or thing whose side the heading says. Returns the shorthand and whether its
    phrase must open with a deliverable verb (a bare item under a heading that names no side)."""
    m = BULLET.match(line)
    if m is None:
        return None
    item = line[m.end() :].strip()
    owner = LIST_OWNER.match(item)
    if owner is not None:
        if owner.group("ours"):
            return Shorthand("give", owner.group("rest"), None), False
        if owner.group("ment"):
            ment = owner.group("ment")
            ours = is_ours is None or is_ours(ment[1:])
            return Shorthand("give" if ours else "get", owner.group("rest"), None if ours else ment), False
        return Shorthand("get", owner.group("rest"), owner.group("name")), False
    if heading in ("give", "get"):
        return Shorthand(heading, item, None if heading == "give" else "they"), False
    if heading == "list":
        return Shorthand("give", item, None), True
    return None


# --------------------------------------------------------------------------------------
# Forwarded email: whose "we" it is
# --------------------------------------------------------------------------------------

FORWARD_BLOCK = re.compile(r"^\s*-{2,}\s*forwarded\s+message\s*-{2,}\s*$", IGNORE)
FORWARD_INLINE = re.compile(
    r"^\s*(?:fwd?|forwarded|forwarding)(?:\s+from)?\s*:?\s*(?P<who>[^:\n]{2,60}?)\s*:\s*$", IGNORE
)
HEADER_FIELD = re.compile(r"^\s*(?P<field>from|to|cc|date|sent|subject)\s*:\s*(?P<value>.*)$", IGNORE)
_OUR_PEOPLE = re.compile(r"\b(?:our|my|me|us|internal)\b", IGNORE)


def forwarded_email(lines: list[str]) -> tuple[str | None, set[int]]:
    """Who sent a forwarded email in this message, and which lines are theirs.

    "---------- Forwarded message ---------" then "From: Kenji Sato (Globex)": every line after
    the header fields is the email. "Forwarded from Priya (Globex):" then "> ..." lines: the
    quoted lines are the email. A sender of ours ("From: me", "(our legal)") gives (None, …).
    """
    for k, line in enumerate(lines):
        if FORWARD_BLOCK.match(line):
            who: str | None = None
            body: set[int] = set()
            for j in range(k + 1, len(lines)):
                field = HEADER_FIELD.match(lines[j])
                if field is not None and not body:
                    if field.group("field").lower() == "from":
                        who = field.group("value").strip() or None
                    continue
                body.add(j)
            return (None if who is None or _OUR_PEOPLE.search(who) else who), body
        m = FORWARD_INLINE.match(line)
        if m is not None:
            body = set()
            for j in range(k + 1, len(lines)):
                if not re.match(r"^\s*(?:>|&gt;)", lines[j]):
                    break
                body.add(j)
            who = m.group("who").strip()
            return (None if _OUR_PEOPLE.search(who) else who), body
    return None, set()
