"""Chat-style messages rewritten into the plain English the commitment rules read (round 8).

Deal channels are full of messages typed in a hurry: no capitals ("caldera sending logo
files mon"), chat spellings ("ill send it", "snd", "sendin", "u", "em"), thread replies that
accept and give a day ("can do, wed", "will do, fri", "on it — tmrw", "doing it tomorrow"),
"coming your way", a polite condition that conditions nothing ("if that works for you"), a
promise followed by a tag question ("— does that work?") or by its escape clause ("unless
their dock is closed"). :func:`rewrite` turns those into the forms the rules already read,
so each shape is one small substitution instead of a new reading path; the rules decide as
before. :func:`retracted` spots a promise taken back in its own sentence ("I'll send the SOW
Thursday... actually can't").

Every substitution is gated by a cheap substring test: the detector runs on every message.
"""

from __future__ import annotations

import re

from bot.domain.listening.detector_vocab import ACTION_VERBS, DUE_START, ING_BASE, VERB_BASE

__all__ = ["rewrite", "retracted"]

IGNORE = re.IGNORECASE

# Chat spellings of words the rules key on. "ill" only where it opens a clause and a verb
# follows ("ill send it", "ok ill push the plan"): "I'm ill" and "ill-advised" stay.
_ILL = re.compile(
    r"(^|[,;:.!\u2014\u2013-]\s*|\b(?:ok|k|kk|yeah|ya|yep|sure|np|and|so)\s+)ill\s+(?=[a-z])", IGNORE
)
_SPELLINGS = re.compile(r"\b(?:sendin|tnight)\b", IGNORE)
_SPELLED = {"sendin": "sending", "tnight": "tonight"}

# A reply that accepts and names a day: "can do, wed", "will do — fri", "sure thing, tmrw",
# "on it, tomorrow", "doing it now", "ok ok sending fri". The rules read it as "will get it
# done <day>"; a bare "will do", "on it" or "yep, Thursday" says neither what nor that it is
# taken on, and stays quiet.
_DAY = (
    r"(?:today|tonight|tomorrow|tmrw|tmr|now|rn|asap|eod|eow|cob|this\s+(?:morning|afternoon|evening|week)"
    r"|next\s+week|(?:by\s+)?(?:mon|tue|tues|wed|thu|thur|thurs|fri)(?:day|nesday|rsday|sday)?"
    r"|in\s+\d+(?:\s*(?:min|mins|minutes))?|in\s+an?\s+(?:hr|hour))"
)
_ACCEPT = re.compile(
    r"^(?:(?:ok|okay|k|kk|yes|yep|ya|yeah|sure|np)[\s,!]+){0,2}"
    r"(?:can\s+do|will\s+do|sure\s+thing|on\s+it|doing\s+it|sending(?:\s+it)?|will\s+get\s+it\s+done)"
    rf"\s*[,\u2014\u2013-]*\s*(?P<day>{_DAY})(?P<tail>(?:\s*[,!]?\s*(?:promise|then|latest|for\s+sure))?)"
    r"(?:\s*(?:ok|okay|works)\?)?\s*[.!]*$",  # "can do — thursday ok?"
    IGNORE,
)
# Non-native English: "we sending the contract on friday" (no "are"), "I will to send you the
# offer", "tomorrow I am send the documents" (a base verb after "am / are").
_NO_BE = re.compile(
    r"\b(?P<who>we|they)\s+(?=(?:sending|shipping|sharing|delivering|submitting|doing)\b)", IGNORE
)
_WILL_TO = re.compile(r"\b(?P<will>will|shall)\s+to\s+(?=[a-z])", IGNORE)
_NO_BE_KEYS = tuple(
    f"{who} {verb}" for who in ("we", "they")
    for verb in ("sending", "shipping", "sharing", "delivering", "doing")
)
_AM_BASE = re.compile(r"\b(?P<who>i|we|they)\s+(?:am|are)\s+(?P<verb>[a-z]+)\b", IGNORE)
# "my colleague Dana will …", "my teammate Raj is gonna …": the colleague is the subject.
_MY_COLLEAGUE = re.compile(r"\b(?:my|our)\s+(?:colleague|teammate|coworker|co-worker)\s+(?=[A-Z@])", IGNORE)
# "prepping the NDA for you", "working on the proposal for you now": work for the reader is
# under way; the rules read it as the promise it is.
_FOR_YOU = re.compile(
    r"^(?:(?:i'm|im|we're|were)\s+)?(?P<verb>prepping|preparing|drafting|working\s+on|putting\s+together)\s+"
    r"(?P<thing>(?:the|a|an|your|our)\s+[\w' -]{1,40}?)\s+for\s+you\b",
    IGNORE,
)
_FOR_YOU_VERB = {"prepping": "prep", "preparing": "prepare", "drafting": "draft"}
_ACCEPT_KEYS = ("can do", "will do", "doing", "on it", "sure thing", "sending", "get it done")
_SHORT_REPLY = 60  # a reply that accepts is short; longer messages skip the pattern
# "sandbox for greyfield ready monday", "poc env ready for tallis by fri": a thing of ours ready
# on a day is a promise to have it ready.
_READY = re.compile(
    r"^(?P<thing>[a-z][\w' -]{1,40}?)\s+ready(?P<whom>\s+for\s+[\w&-]+)?\s+(?:by\s+)?"
    rf"(?P<day>{_DAY}|(?:mon|tues|wednes|thurs|fri)day|next\s+\w+)\s*[.!]*$",
    IGNORE,
)
_NOT_READY = frozenset(
    """is are was were be been not we they i you it everything everyone all have has had get got
    we'd i'd they'd ideally should would could might must hopefully maybe if when""".split()
)
# "harrow gives us a go/no-go fri", "Halvard fills our vendor form Friday": a named company's
# present tense with a day is its promise ("Caldera pays in 60 days" names no day and stays).
_NAMED_PRESENT = re.compile(
    r"^(?P<name>(?-i:[A-Z][\w&-]*)(?:\s+(?-i:[A-Z][\w&-]*))?)\s+(?P<verb>[a-z]+?)(?:es|s)\s+"
    r"(?=(?:us|our|the|their|a|an|back)\b)",
    IGNORE,
)
_HABIT = re.compile(
    r"\b(?:every|each|usually|always|normally|weekly|daily|monthly|fridays|mondays)\b", IGNORE
)
_DAY_REACH = 24  # the longest day said at the end of a line, in characters, with its "by"
_DAY_AT_END = re.compile(rf"\b(?:by\s+)?{_DAY}\s*[.!]*$", IGNORE)
_BARE_MINUTES = re.compile(r"^in\s+(\d+)$", IGNORE)

# "<thing> coming your way <day>" / "<thing> coming to you": something sent to the reader.
_COMING = re.compile(
    r"(?P<lead>^|[:,\u2014\u2013]\s+|\s-\s)(?P<thing>[\w@][\w'/&. -]{0,40}?)\s+(?:is\s+)?coming\s+"
    r"(?:your\s+way|to\s+you)\b",
    IGNORE,
)

# Conditions that condition nothing: "I'll send the deck Friday if that works for you",
# "... in case it's useful". A promise's own escape clause ("we'll ship Friday unless their
# dock is closed") still promises; a clause that opens with it ("Unless they object, …") is
# left to the rules, which read it as a condition.
_POLITE_IF = re.compile(
    r"(?<=[\w)])\s*,?\s+(?:if\s+(?:that|it)\s+(?:works|helps|suits|is\s+ok(?:ay)?|'s\s+ok(?:ay)?)"
    r"(?:\s+for\s+(?:you|them|everyone|you\s+all))?|in\s+case\s+(?:it's|its|it\s+is)\s+(?:useful|helpful))\b",
    IGNORE,
)
_UNLESS_TAIL = re.compile(r"(?<=\w)\s*,?\s+unless\b[^.!?\n]*", IGNORE)

# A tag question after a promise: "I'll send the deck Friday — does that work?", "..., right?",
# "I'll send the quote tmrw — can you send me the seat count?". The promise before it stands.
_TAG_QUESTION = re.compile(
    r"(?P<keep>\S)\s*(?:[,\u2014\u2013]|\s-)\s*(?:does\s+that\s+work(?:\s+for\s+you)?|right|ok|okay|"
    r"sound\s+good|that\s+ok|works|(?:can|could)\s+you\s+[^?\n]{1,80}|any\s+[^?\n]{1,60})\?+$",
    IGNORE,
)

_TAG_REACH = 100  # the longest tag question read, in characters from the end of the line
_RETRACTED = re.compile(
    r"(?:^|[\u2014\u2013,;.]|\s-)\s*(?:oh\s+)?(?:actually\s+(?:can't|cannot|cant|won't|wont|no\b|not\b)|"
    r"never\s*mind|nvm|jk\b|just\s+kidding)",
    IGNORE,
)

# Lowercase names: in a message with no capital at all, a word that opens a clause and is
# followed by a promise, a team or a verb ("caldera sending logo files mon", "veridian legal
# will send …", "marlowe will snd …"), or that follows "to / for / with" before a date
# ("redlines back to veridian tmrw") is a name. Capitalised, the rules read it as they read
# "Caldera".
_TEAM_WORDS = (
    "legal|procurement|finance|ops|it|security|team|hr|qa|counsel|facilities|analytics|ap|cfo|ceo|"
    "cto|vp|buyer|admin|admins|data|eng|engineering|is|are|will|'ll|gonna|going|to|said|says|->|\u2192"
)
_NAME_NEXT = frozenset(_TEAM_WORDS.split("|"))
# A word opening a clause, and the word after it (one scan each; the test is in Python).
_FIRST_WORD = re.compile(r"([a-z][a-z&]{2,}) (\S+)")
_CLAUSE_WORD = re.compile(r"[.!?;:,\n\u2014\u2013] ([a-z][a-z&]{2,}) (\S+)")
# ... and one after "to / for / with" when a date follows it, or a second word and a date
# ("to veridian tmrw", "for cobalt ridge by fri"); "to weigh in", "to see" are verbs.
_RECIPIENT = re.compile(
    r" (?:to|for|with) ([a-z][a-z&]{2,})(?: [a-z&]{3,})?? (?:by |on )?"
    r"(?:tmrw|tmr|tomorrow|today|tonight|tnight|eod|eow|cob|asap|next|this|end|(?:mon|tue|wed|thu|fri)[a-z]*)\b"
)
_TITLE_WORD = re.compile(r"\b[A-Z][a-z]")
_COMMON = frozenset(
    """i we they you he she it this that there these those who what which when where why how
    someone everyone anyone
    our their my your his her its me us them him the a an and but so or then also just still only
    ok okay k kk yes yep yeah ya sure np lol haha pls plz thx thanks ty fyi btw imo tbh idk nvm jk
    can will would should could might may must shall gonna going wanna need needs let lets
    deck pricing price quote quotes proposal contract sow msa nda po pos dpa baa invoice invoices
    agenda recap report summary redlines order form forms paperwork docs doc document documents
    pilot demo trial call meeting sync kickoff renewal expansion rollout migration onboarding
    training sandbox env poc logo logos logins creds keys data case study studies slides mockups
    refs references intro intros feedback decision budget approval signoff legal procurement
    finance security team eng ops support sales marketing customer client prospect partner
    reseller vendor buyer champion boss distributor integrator consultant consultancy agency
    supplier manufacturer carrier auditor auditors lawyer lawyers counsel cfo ceo cto coo cio vp
    director manager rep ae se csm sdr bdr founder owner head lead admin admins users user staff
    everyone nobody somebody folks guys all both each
    today tomorrow tonight week weekend month quarter year morning afternoon evening
    next last first one two three few some any every no not never
    new old final revised updated signed countersigned draft full short long big small
    here now soon later still again maybe probably hopefully
    is are was were be been being am has have had do does did done get got
    ready out back over up down off on in at by for from with about into onto
    who's whos what's whats that's thats it's its there's theres
    sent shipped signed paid returned done""".split()
)


def _is_common(word: str) -> bool:
    low = word.lower()
    return (
        low in _COMMON
        or low in DUE_START
        or low in VERB_BASE
        or low in ING_BASE
        or low in ACTION_VERBS
        or (low.endswith("s") and low[:-1] in VERB_BASE)
        or (low.endswith("ed") and (low[:-2] in VERB_BASE or low[:-1] in VERB_BASE))
    )


def _capital(text: str, at: int) -> str:
    return text[:at] + text[at].upper() + text[at + 1 :]


def _recase_names(text: str) -> str:
    """Names capitalised in a message typed without capitals (see above)."""
    first = _FIRST_WORD.match(text)
    for m in ((first,) if first else ()), _CLAUSE_WORD.finditer(text):
        for found in m:
            name, nxt = found.group(1), found.group(2).lower()
            if (nxt in _NAME_NEXT or nxt.endswith(("ing", "s", "'ll"))) and not _is_common(name):
                text = _capital(text, found.start(1))
    for found in _RECIPIENT.finditer(text):
        if not _is_common(found.group(1)):
            text = _capital(text, found.start(1))
    return text


def _accepted(text: str) -> str:
    m = _ACCEPT.match(text.strip())
    if m is None:
        return text
    day = m.group("day")
    if day.lower() == "rn":
        day = "now"
    elif (minutes := _BARE_MINUTES.match(day)) is not None:
        day = f"in {minutes.group(1)} min"  # "sending it in 5": minutes, in chat
    return f"will get it done {day}"


def _day_at_end(text: str) -> bool:
    """Does ``text`` end with a day ("… fri", "… by tomorrow", "… next week")? Only its tail
    is searched: the pattern tried at every character of a long message is the slow part."""
    return _DAY_AT_END.search(text, max(0, len(text) - _DAY_REACH)) is not None


def _named_present(line: str) -> str:
    m = _NAMED_PRESENT.match(line)
    if m is None or not _day_at_end(line) or _HABIT.search(line):
        return line  # "Sam sends the weekly report every Friday": a habit
    verb = m.group("verb").lower()
    if verb not in ACTION_VERBS:
        verb = m.group("verb").lower() + "e"  # "shares" -> "share"
        if verb not in ACTION_VERBS:
            return line
    return f"{m.group('name')} will {verb} {line[m.end():]}"


def _ready(line: str) -> str:
    m = _READY.match(line.strip())
    if m is None or _NOT_READY.intersection(m.group("thing").lower().split()):
        return line  # "we were ready monday", "is it ready friday": no thing promised
    whom = m.group("whom") or ""
    return f"we'll have {m.group('thing')} ready{whom} by {m.group('day')}"


def _am_base(m: re.Match[str]) -> str:
    verb = m.group("verb").lower()
    if verb not in ACTION_VERBS or verb in ("going", "on"):
        return m.group(0)  # "we are sending", "I'm on it", "we are going to": already English
    return f"{m.group('who')} will {m.group('verb')}"


def _for_you(m: re.Match[str]) -> str:
    verb = _FOR_YOU_VERB.get(m.group("verb").lower(), "finish")
    return f"I'll {verb} {m.group('thing')} for you"


def rewrite(text: str) -> str:
    """``text`` with its chat shapes in plain English (see the module docstring); unchanged
    when it has none. Sentence punctuation and line breaks are kept."""
    low = text.lower()
    if len(text) <= _SHORT_REPLY and any(map(low.__contains__, _ACCEPT_KEYS)):
        text = "\n".join(_accepted(line) for line in text.split("\n"))
    if text.islower() or _TITLE_WORD.search(text) is None:  # capitals only in acronyms, if at all
        text = _recase_names(text)
    if "s " in low and _day_at_end(text):
        text = "\n".join(_named_present(line) for line in text.split("\n"))
    if " ready " in low:
        text = "\n".join(_ready(line) for line in text.split("\n"))
    if low.startswith("ill ") or " ill " in low:  # not every "will "
        text = _ILL.sub(lambda m: f"{m.group(1)}I'll ", text)
    if "sendin" in low or "tnight" in low:
        text = _SPELLINGS.sub(lambda m: _SPELLED.get(m.group(0).lower(), m.group(0)), text)
    if "l to " in low:  # "will to", "shall to"
        text = _WILL_TO.sub(r"\g<will> ", text)
    if "ing " in low and any(map(low.__contains__, _NO_BE_KEYS)):
        text = _NO_BE.sub(lambda m: f"{m.group('who')} are ", text)
    if " am " in low or "e are " in low:  # "I am send", "we / they are send"
        text = _AM_BASE.sub(_am_base, text)
    if "colleague" in low or "teammate" in low or "worker" in low:
        text = _MY_COLLEAGUE.sub("", text)
    if " for you" in low:
        text = "\n".join(_FOR_YOU.sub(_for_you, line) for line in text.split("\n"))
    if "coming your way" in low or "coming to you" in low:
        text = _COMING.sub(lambda m: f"{m.group('lead')}we'll send you {m.group('thing')}", text)
    if "if that " in low or "if it " in low or "in case it" in low:
        text = _POLITE_IF.sub("", text)
    if " unless " in low:
        text = _UNLESS_TAIL.sub("", text)
    if "?" in text:
        text = "\n".join(_without_tag(line) for line in text.split("\n"))
    return text


def _without_tag(line: str) -> str:
    """A line without the tag question that ends it, if it ends with one."""
    end = line.rstrip()
    if not end.endswith("?"):
        return line
    m = _TAG_QUESTION.search(end, max(0, len(end) - _TAG_REACH))
    return line if m is None else end[: m.start()] + m.group("keep")


def retracted(sentence: str) -> bool:
    """Is a promise taken back later in its own sentence ("I'll send the SOW Thursday...
    actually can't, legal hasn't cleared it", "will send the deck tomorrow — never mind")?"""
    low = sentence.lower()
    if not any(map(low.__contains__, ("actually", "never", "nvm", "jk", "kidding"))):
        return False
    return _RETRACTED.search(sentence) is not None
