"""Commitments and finished meetings noticed in deal-channel conversation.

Partner Coach keeps a ledger of what *we* give and what we expect to *get* from the other
side. Salespeople rarely type ``/partner give ...``; they say "I'll send the deck tomorrow" or
"they agreed to intro us to procurement". :func:`detect_commitment` spots those sentences so
the bot can offer to log them; :func:`detect_meeting_end` spots "just got off the call with
Acme" so the bot can ask what was promised.

The approach is deliberately rule-based (no model, no I/O): it runs on every message in a
channel, so it has to be fast, predictable and explainable. A sentence is a commitment when:

1. a *subject* at the start of a clause ("I", "we", "our SE", "they", "their CFO", "Acme",
   or no subject at all as in "will send it tomorrow") is followed by a *future or promise
   marker* ("'ll", "will", "gonna", "going to", "let me", "promised", "agreed to" ...), and
2. what follows is a *deliverable action*: a verb from a curated list (send, share, intro,
   sign, review ...), not a prediction or state ("they'll love it", "I'll be out",
   "we'll see"), and not hedged, negated, conditional, reported in the past or asked.

``side`` follows the subject: first person (and "our ...") is ``give``, anybody else ``get``.
The trade-off is precision over recall: a false "you promised X" annoys people more than a
missed one, and there is always ``/partner give``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

__all__ = ["MAX_TEXT_LENGTH", "Detection", "detect_commitment", "detect_meeting_end"]

Side = Literal["give", "get"]

# Long messages are pasted emails, notes or logs; commitments in them are not conversational
# and scanning them would cost more than everything else combined.
MAX_TEXT_LENGTH = 2000


@dataclass(frozen=True)
class Detection:
    """A commitment noticed in a message.

    ``what`` is the committed action ("send the security questionnaire"), ``due_text`` the
    raw due phrase when there is one ("Friday", "next week", "in 2 weeks"), and ``who`` the
    committing party for gets ("Their CFO", "Acme", "they"); for gives it is None unless a
    named teammate/role of ours made the promise ("Our SE").
    """

    side: Side
    what: str
    due_text: str | None
    who: str | None


# --------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------

# Deliverable actions. Deliberately excludes state/prediction verbs (be, love, want, need,
# see, think, know, hate, lose, miss, find out, take a look) which follow "will" in
# chatter far more often than in promises.
_ACTION_VERBS = frozenset(
    """
    send resend share forward circulate shoot email mail ping text post upload attach
    provide give offer extend waive cover comp throw hold match honour honor discount
    intro introduce loop connect reach put bring cc invite add include
    set setup schedule book arrange organise organize coordinate host run kick plan
    draft write prepare build create make deliver update revise redline fix finalize
    finalise complete finish turn submit return sign countersign approve issue process pay
    fund co-fund cofund sponsor co-present co-promote co-host co-market present walk demo
    show record train onboard migrate pilot test trial review confirm decide commit renew
    expand upgrade buy purchase order procure whitelist allowlist enable grant unlock
    activate configure install deploy integrate implement support help handle prioritise
    prioritize escalate expedite push champion advocate recommend refer vouch join attend
    visit hop follow get circle answer respond reply call phone meet sync dig look
    investigate ask check sort price quote spin stand publish pass hand drop
    reserve lock pull jump fast-track ship refund credit reimburse fly line wire remit work""".split()
)
# Verbs that need a particle/complement to be a deliverable ("take care of", "let us know").
_NEEDS_COMPLEMENT = {
    "take": re.compile(r"^take\s+care\b", re.I),
    "let": re.compile(r"^let\s+(?:us|you|u|me|them|him|her|everyone|the\s+team)\s+know\b", re.I),
    "look": re.compile(r"^look\s+into\b", re.I),
    "dig": re.compile(r"^dig\s+into\b", re.I),
    "check": re.compile(r"^check\s+(?:with|on|in)\b.*\b(?:back|to\s+(?:them|you|u))\b", re.I),
    "get": re.compile(
        r"^get\s+(?!there\b|going\b|started\b|lunch\b|coffee\b|some\s+rest\b|through\b|"
        r"to\s+(?:it|work)\b|it\b(?!\s+(?:to|over|back|done|signed|fixed|sorted|approved)))",
        re.I,
    ),
    "have": re.compile(
        r"^have\s+.{0,60}?\b(?:ready|back|done|over|finished|completed|signed|approved|"
        r"sorted|wrapped|in\s+place|to\s+(?:them|you|u|us|their|your|her|him))\b",
        re.I,
    ),
    "make": re.compile(r"^make\s+(?:sure|it|the|a|an|them|an?\s+intro|time)\b", re.I),
    "call": re.compile(r"^call\s+(?:them|him|her|their|the)\b", re.I),
    "meet": re.compile(r"^meet\s+(?:with\s+)?(?:them|him|her|their|the)\b", re.I),
    "push": re.compile(r"^push\s+(?:for|the|it|our)\b", re.I),
    "stand": re.compile(r"^stand\s+up\b", re.I),
    "work": re.compile(r"^work\s+(?:on|up|through)\b", re.I),
    "spin": re.compile(r"^spin\s+up\b", re.I),
    "do": re.compile(
        r"^do\s+(?:the|an?|our|a\s+quick)\s+(?:intro|introduction|demo|walkthrough|call|"
        r"workshop|training|session|review|deep[\s-]dive|presentation|onsite|kickoff|poc|"
        r"pilot|write-?up)\b",
        re.I,
    ),
    "fly": re.compile(r"^fly\s+(?:out|in|over|to|them)\b", re.I),
    "line": re.compile(r"^line\s+up\b", re.I),
    "pull": re.compile(r"^pull\s+(?:together|in|up)\b", re.I),
    "jump": re.compile(r"^jump\s+on\s+(?:a|the)\s+(?:call|zoom|meeting|sync)\b", re.I),
    "drop": re.compile(r"^drop\s+(?:them|him|her|you|u|off|by|a\s+line|the)\b", re.I),
}
# "can" is mostly ability or permission ("I can see why"); only an offer with these verbs.
_CAN_VERBS = frozenset(
    "get send have share give provide offer intro introduce put prepare turn extend loop "
    "set run walk hop schedule book do throw comp waive cover".split()
)


def _ing_forms(verb: str) -> set[str]:
    """Progressive forms of a verb ("send" -> "sending", "share" -> "sharing", "set" ...)."""
    forms = {verb + "ing"}
    if verb.endswith("e") and not verb.endswith("ee"):
        forms.add(verb[:-1] + "ing")
    if len(verb) >= 3 and verb[-1] in "tpgnm" and verb[-2] in "aeiou" and verb[-3] not in "aeiou":
        forms.add(verb + verb[-1] + "ing")
    return forms


def _typo_variants(word: str) -> set[str]:
    """Single transpositions (and, for longer words, deletions) of a word.

    Salespeople type fast on phones ("sned", "shre the deck"); accepting one slip on the
    verb costs little because the verb slot is already constrained by the modal before it.
    """
    out: set[str] = set()
    if len(word) >= 4:
        for i in range(len(word) - 1):
            out.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    if len(word) >= 5:
        for i in range(len(word)):
            out.add(word[:i] + word[i + 1 :])
    out.discard(word)
    return out


_VERB_BASE: dict[str, str] = {}
for _verb in sorted(_ACTION_VERBS | set(_NEEDS_COMPLEMENT)):
    _VERB_BASE[_verb] = _verb
for _verb in sorted(_ACTION_VERBS):
    for _variant in _typo_variants(_verb):
        _VERB_BASE.setdefault(_variant, _verb)
_ING_BASE: dict[str, str] = {}
for _verb in sorted(_ACTION_VERBS | {"get"}):
    for _form in _ing_forms(_verb):
        _ING_BASE[_form] = _verb
del _verb, _variant, _form

# --------------------------------------------------------------------------------------
# Regexes (all precompiled at import)
# --------------------------------------------------------------------------------------

_I = re.IGNORECASE
_APOS = "'"  # curly apostrophes are normalised to this before matching

_DAYS = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tues?|wed|thu(?:rs?)?|fri)"
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_TOMORROW = r"(?:tomorrow|tmrw|tmr|tmrow|tomorow|tommorow|tommorrow|2morrow|2moro)"
_TIME_CORE = (
    r"(?:"
    rf"(?:eod|eow|eom|eoq|eoy|cob|cop)(?:\s+(?:{_DAYS}|today|{_TOMORROW}))?"
    rf"|end\s+of\s+(?:the\s+)?(?:day|week|wk|month|quarter|year|next\s+week|next\s+month|"
    rf"q[1-4]|{_DAYS}|{_MONTHS})"
    rf"|(?:first\s+thing\s+)?{_TOMORROW}(?:\s+(?:morning|afternoon|evening|night|am|pm|eod))?"
    r"|tonight|(?:later\s+)?today|this\s+(?:morning|afternoon|evening|week|wk|month|quarter|"
    rf"year|{_DAYS})"
    rf"|next\s+(?:week|wk|month|quarter|year|{_DAYS}|business\s+day)"
    rf"|(?:first\s+thing\s+)?{_DAYS}(?:\s+(?:morning|afternoon|evening|eod|am|pm))?"
    rf"|{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}"
    r"|\d{1,2}/\d{1,2}(?:/\d{2,4})?"
    r"|(?:in|within)\s+(?:the\s+next\s+)?(?:(?:a\s+)?(?:few|couple(?:\s+of)?)\s+|\d+\s*|"
    r"one\s+|two\s+|three\s+|a\s+)(?:min|mins|minutes?|hours?|hrs?)"
    r"|within\s+(?:the|an|the\s+next)\s+(?:hour|day)|in\s+the\s+next\s+(?:hour|day)"
    r"|(?:in|within)\s+(?:(?:a\s+)?(?:few|couple(?:\s+of)?)\s+|\d+\s*|one\s+|two\s+|three\s+|"
    r"four\s+|five\s+|six\s+|a\s+)(?:days?|weeks?|wks?|months?|hours?|hrs?|business\s+days?)"
    r"|in\s+a\s+(?:bit|sec|min(?:ute)?|few)|shortly|asap|right\s+away|(?:right\s+)?now"
    r"|(?:right\s+)?after\s+(?:the|this|our|today's|lunch)(?:\s+[\w']+){0,2}?\s*"
    r"(?:call|meeting|demo|sync|lunch)?"
    r")"
)
# The preposition is matched separately so "by Friday" reports "Friday" but "in 2 weeks"
# keeps its "in" (that is how people write the due date back).
_DUE = re.compile(
    rf"(?:\b(?P<prep>by|before|on|until|till|through|thru|no\s+later\s+than)\s+)?"
    rf"\b(?P<due>{_TIME_CORE})(?![\w/'])",
    _I,
)
_WORD_PUNCT = ",.;:!?()[]{}\"'*_~`<>"
_PREP_WORDS = frozenset("by in before until till on early mid late".split())
_CUT_WORDS = frozenset("but because since so although though once lol haha".split())
_SUBJECT_PRONOUNS = frozenset("we i they he she".split())
_COMMA_PRONOUNS = frozenset("we i they he she it that which".split())
_DUE_START = frozenset(
    """by before on until till through thru no eod eow eom eoq eoy cob cop end first tomorrow
    tmrw tmr tmrow tomorow tommorow tommorrow 2morrow 2moro tonight today later this next
    monday tuesday wednesday thursday friday saturday sunday tue tues wed thu thur thurs fri
    jan january feb february mar march apr april may jun june jul july aug august sep sept
    september oct october nov november dec december in within right after early mid
    late shortly asap now""".split()
)
# Quarters, ordinals and bare months are only dates after a preposition: "by Q3", "on the
# 12th", "in March" -- but "the Q4 pricing", "the 5th floor", "may" are not.
_PREP_DUE = re.compile(
    r"\b(?P<prep>by|in|before|until|till|on|early|mid|late)\s+"
    rf"(?P<due>q[1-4](?:\s+\d{{2,4}})?|(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)(?:\s+of\s+{_MONTHS})?"
    rf"|{_MONTHS}(?:\s+\d{{4}})?)(?![\w/'])",
    _I,
)

# Clause starts: beginning of the sentence, after punctuation or a dash, after a
# coordinating conjunction, or after a reporting verb ("she said she'd ..."). The subject
# patterns are only tried at these few positions (``match``, not ``search``), which is what
# keeps the detector fast: a big alternation tried at every character is the slow part of
# Python's ``re``.
_BREAK_WORDS = frozenset(
    "and but so then plus also said says that confirmed mentioned promised promise wrote "
    "emailed".split()
)
_TOLD_VERBS = frozenset({"told", "assured"})
_PRONOUN_STARTS = frozenset(
    {"i", "i'll", "ill", "i'd", "we", "we'll", "we're", "we'd", "they", "they'll", "they're", "they'd"}
)
_TOLD_OBJECTS = frozenset("us me them him her".split())
_DASHES = frozenset({"-", "\u2013", "\u2014", "--"})
_FUT = r"(?:going\s+to|gonna|gona|gunna|planning\s+to|happy\s+to|about\s+to)"
_STRONG = (
    r"(?:promised|promises|promise|committed|commits|commit|agreed|agreeed|agrees|agree|offered|"
    r"offers|intends?|plans?)"
)
_STRONG_PERF = r"(?:(?:have|has|'ve|'s)\s+(?:promised|committed|agreed|offered))"
_CAN = r"(?:\s+can(?!'?t\b|not\b))"
_REPORTED = r"(?:'d|\s+would|\s+was\s+going\s+to|\s+were\s+going\s+to)"
# One more word of a noun phrase ("their *legal team*"), but never a verb or pronoun that
# starts the next clause ("the buyer *confirmed they* will"). Pronouns are matched
# case-sensitively so "their IT team" keeps its IT.
_NP_WORD = (
    r"(?:\s+(?!(?:said|says|told|confirmed|mentioned|promised|agreed|committed|offered|wrote|"
    r"emailed|(?-i:they|he|she|we|i|I|you|it)|will|would|wil|is|are|was|were|has|have|had|can|"
    r"gonna|going|also|just|really|definitely)\b)@?[\w-]+)"
)
_THIRD_NP_MODAL = (
    rf"(?:'ll|\s+(?:will|wil|shall)|\s+(?:is|are)\s+{_FUT}|'s\s+{_FUT}|\s+{_STRONG_PERF}|"
    rf"\s+{_STRONG}|{_REPORTED})"
)
_NAME_STOP = (
    r"(?:I|I'm|We|It|It's|That|This|There|These|Those|What|When|Who|Why|How|Where|Which|"
    r"Thanks|Thank|Let|Will|Would|Could|Should|Can|Maybe|Hopefully|Probably|Also|So|And|But|"
    r"Then|Just|Ok|Okay|Yes|No|Sure|Great|Nice|Cool|Our|My|Your|You|Me|Everyone|Someone|"
    r"Somebody|Anyone|Nobody|Everybody|He|She|They|Their|The|A|An|If|Once|Unless|Please|"
    r"Reminder|Plan|Happy|Sending|Legal|Pricing|Procurement|Finance|Security|Sales|Support|"
    r"Marketing|Product|Engineering|Nothing|Something|Everything|Today|Tomorrow|Next|Time|"
    r"Lunch|Hopefully|Honestly|Meeting|Call|Demo|Deal|Contract|Budget|Nobody|Both|All)"
)
# Said without "the" at the start of a clause, these are still the other side ("client will
# send the logos"); "legal" or "finance" alone could be ours, so they need "their"/"the".
_BARE_ROLE = (
    r"(?:customer|client|buyer|prospect|partner|reseller|distributor|end\s+customer|vendor)"
)
_THEIR_ROLE = (
    r"(?:customer|client|buyer|prospect|champion|partner|vendor|cfo|cto|ceo|coo|ciso|cio|cro|"
    r"vp|svp|evp|procurement|legal|finance|account|decision[\s-]maker|exec|sponsor|reseller|"
    r"distributor|end\s+customer|integrator|"
    r"other\s+side|their\s+side|admin|it\s+team|buying\s+committee)"
)
# "should be able to": a hedged promise is still a promise ("I should be able to send it Friday").
_ABLE = r"(?:\s+should\s+be\s+able\s+to)"
# "Priya from their side", "Sam on our team", "Jen from our end".
_SIDE_OF = (
    r"(?:(?:their|our|my|the\s+customer's|the\s+client's)\s+(?:side|end|team|[\w-]+\s+team))"
)
_COMMIT = re.compile(
    r"(?P<subj>"
    # I / I'll / ill / im going to
    + rf"(?P<i>\bi)(?P<mi>'ll|ll\b|'m\s+{_FUT}|m\s+{_FUT}|\s+am\s+{_FUT}|\s+(?:will|wil|shall)\b"
    + rf"|{_CAN}|\s+{_STRONG}|\s+{_STRONG_PERF}|'ve\s+(?:promised|committed|agreed|offered)"
    + rf"|{_ABLE}|{_REPORTED})"
    # we'll (apostrophe required: "well" is a word), we're going to
    + rf"|(?P<we>\bwe)(?P<mwe>'ll|'l\b|\s+(?:will|wil|shall)\b|'re\s+{_FUT}|\s+are\s+{_FUT}"
    + rf"|{_CAN}|\s+{_STRONG}|\s+{_STRONG_PERF}|{_ABLE}|{_REPORTED})"
    # our SE / our team / our legal team
    + rf"|(?P<our>\bour{_NP_WORD}{{1,4}}?)"
    + rf"(?P<mour>'ll|\s+(?:will|wil|shall)\b|\s+(?:is|are)\s+{_FUT}|\s+{_STRONG})"
    # they'll / theyll / they're gonna
    + rf"|(?P<they>\bthey)(?P<mthey>'ll|ll\b|\s+(?:will|wil|shall)\b|'re\s+{_FUT}|re\s+{_FUT}"
    + rf"|\s+are\s+{_FUT}|\s+{_STRONG}|\s+{_STRONG_PERF}|'ve\s+(?:promised|committed|agreed|"
    + rf"offered)|{_REPORTED})"
    # he'll / she's going to ("hell"/"shell" are words, so 'll needs its apostrophe)
    + rf"|(?P<hs>\b(?:he|she))(?P<mhs>'ll|\s+(?:will|wil|shall)\b|'?s\s+{_FUT}|\s+is\s+{_FUT}"
    + rf"|\s+{_STRONG}|\s+{_STRONG_PERF}|{_REPORTED})"
    # their CFO / the customer / the procurement guy
    + rf"|(?P<np>\btheir{_NP_WORD}{{1,3}}?|\bthe\s+{_THEIR_ROLE}(?:'s)?{_NP_WORD}{{0,2}}?"
    + rf"|\b{_BARE_ROLE}(?:'s)?{_NP_WORD}{{0,2}}?)"
    + rf"(?P<mnp>{_THIRD_NP_MODAL})"
    # Acme / Acme's team / Dana from Acme (case-sensitive: names are capitalised)
    + rf"|(?P<name>(?-i:(?!{_NAME_STOP}\b)[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){{0,2}})"
    + rf"(?:'s{_NP_WORD}{{1,2}}?)?(?:\s+(?:from|at|on)\s+(?:(?-i:[A-Z][\w&.-]*)|{_SIDE_OF}))?)"
    + r"(?P<paren>\s*\([^()]{1,40}\))?"
    + rf"(?P<mname>{_THIRD_NP_MODAL})"
    # a mention: "<@U123> will host the kickoff" (whose side depends on who that is)
    + rf"|(?P<ment>@[\w.-]+)(?P<mment>{_THIRD_NP_MODAL})"
    # no subject: "will send it tomorrow", "gonna share the roadmap", "let me ...", "happy to"
    + r"|(?P<bare>(?:will|wil|gonna|gona|going\s+to|happy\s+to|let\s+me|lemme|"
    + r"(?:(?:the|our|my)\s+)?plan\s+is\s+to|planning\s+to)\b)"
    + r")",
    _I,
)
# Progressive-with-a-date commitments: "Sending the NDA tomorrow", "they're sending the PO".
_PROGRESSIVE = re.compile(
    r"(?:(?P<g>\bi'm|\bim|\bi\s+am|\bwe're|\bwe\s+are)"
    + r"|(?P<t>\bthey're|\btheyre|\bthey\s+are|\bhe's|\bshe's|\bhes|\bshes|\bhe\s+is|\bshe\s+is"
    + rf"|\btheir(?:\s+[\w-]+){{1,3}}?\s+(?:is|are)|\b(?:the\s+)?{_THEIR_ROLE}(?:\s+[\w-]+){{0,2}}?"
    + r"\s+(?:is|are)"
    + rf"|(?-i:(?!{_NAME_STOP}\b)[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){{0,2}})(?:'s\s+[\w-]+)?"
    + rf"(?:\s+(?:from|at|on)\s+(?:(?-i:[A-Z][\w&.-]*)|{_SIDE_OF}))?\s+(?:is|are))"
    + r"|(?P<b>(?=\w+ing\b)))"
    + r"\s*(?P<ing>\w+ing)\b",
    _I,
)
# Substrings without which no rule can fire; checked with ``in`` on the lowered text, which
# is far cheaper than any regex and rejects most chatter outright.
_QUICK = (
    "'ll", "\u2019ll", "ill", "wil", "theyll", "gonna", "gona", "gunna", "going to", "happy to",
    "let me", "lemme", "plan", "promis", "commit", "agree", "offer", "intend", "can ",
    "'d ", "\u2019d ", "would", "ing", "able to",
)  # fmt: skip

# Sentence-level rejections.
_QUESTION_START = re.compile(
    r"^(?:(?:will|wil|would|can|could|should|shall|do|does|did|are|is|was|were|have|has|had|"
    r"may|might|must|won't|wont|didn't|isn't|aren't|wouldn't|shouldn't|any\s+chance)\s+"
    r"(?:you|u|ya|they|we|i|he|she|it|their|the|our|your|this|that|anyone|someone|everyone|"
    r"(?-i:[A-Z])[\w&.-]*)\b"
    r"|(?:what|when|who|who's|whos|where|why|how|which|whose|anyone|any\s+idea)\b)",
    _I,
)
_CONDITIONAL_START = re.compile(
    r"^(?:if|unless|in\s+case|assuming|provided|as\s+long\s+as|what\s+if|even\s+if|only\s+if|"
    r"whether|should\s+(?:they|we|you|i|he|she|it|the|their))\b",
    _I,
)
# Keyword checks below run on ``_padded`` text (lowercased, punctuation -> spaces, padded
# with spaces) with plain ``in``: much faster than regex alternations scanned over the text.
_PUNCT_TO_SPACE = str.maketrans({c: " " for c in ',.;:!?()[]{}"*_~`<>\u2013\u2014'})
# Said before the subject: "I think they'll sign" is a guess, not their promise.
_HEDGE_KEYS = tuple(
    f" {k} "
    for k in (
        "i think", "i guess", "i hope", "hopefully", "maybe", "probably", "not sure", "i doubt",
        "i bet", "i feel like", "seems like", "sounds like", "wonder", "unclear", "no idea",
        "do you think", "if", "unless", "whether", "in case", "doubt", "hoping",
        "fingers crossed", "assume", "assuming", "expect",
    )
)  # fmt: skip
_REPORT_VERBS = frozenset(
    "said says confirmed mentioned promised wrote emailed replied texted".split()
)
_PAST_KEYS = tuple(
    f" {k} "
    for k in (
        "yesterday", "ago", "never did", "but never", "didn't", "did not", "already",
        "earlier today", "last week", "last wk", "last month", "last quarter", "last year",
        "last time", "last night", "last monday", "last tuesday", "last wednesday",
        "last thursday", "last friday",
    )
)  # fmt: skip
# A promise reported together with its breaking: "they promised X and delivered nothing".
_BROKEN_KEYS = tuple(
    f" {k} "
    for k in (
        "never", "nothing", "didn't", "did not", "haven't", "hasn't", "yet to", "fell through",
        "backed out", "reneged", "walked back",
    )
)  # fmt: skip
_IF_KEYS = tuple(
    f" {k} " for k in ("if", "unless", "as long as", "assuming", "provided", "in case")
)


def _padded(text: str) -> str:
    """Lowercased, punctuation-free, space-padded copy of ``text`` (same offsets + 1)."""
    return " " + text.lower().translate(_PUNCT_TO_SPACE) + " "


def _has_any(padded: str, keys: tuple[str, ...]) -> bool:
    # map() keeps the loop in C; this runs several times per candidate clause.
    return any(map(padded.__contains__, keys))


# Hedges about one's own delivery still promise it ("I think I can have it ready by Fri"); the
# others ("maybe", "if", "not sure") withdraw the promise.
_SELF_HEDGE_KEYS = tuple(
    f" {k} " for k in ("i think", "i believe", "i guess", "pretty sure", "i reckon", "i'm sure")
)
_HARD_HEDGE_KEYS = tuple(
    f" {k} "
    for k in (
        "maybe", "not sure", "doubt", "whether", "hoping", "i hope", "hopefully", "if", "unless",
        "in case", "wonder", "probably", "no idea", "unclear", "fingers crossed",
    )
)  # fmt: skip


def _self_hedge_only(prefix: str) -> bool:
    padded = _padded(prefix)
    return _has_any(padded, _SELF_HEDGE_KEYS) and not _has_any(padded, _HARD_HEDGE_KEYS)


def _reported_before(prefix: str) -> bool:
    """Does ``prefix`` end with a reporting verb ("she said (that)", "told us")?"""
    words = prefix.lower().split()
    if words and words[-1] == "that":
        words.pop()
    if not words:
        return False
    if words[-1].strip(",:") in _REPORT_VERBS:
        return True
    # "told us", "told their procurement team (that)"
    return any(word in ("told", "assured", "promised") for word in words[-4:-1])


_OUTER_SUBJECT = re.compile(
    r"(?P<who>\b(?:they|he|she|their(?:\s+[\w-]+){1,3}?|the\s+" + _THEIR_ROLE + r"(?:\s+[\w-]+)"
    r"{0,2}?|(?-i:(?!" + _NAME_STOP + r"\b)[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,2})"
    r"(?:'s(?:\s+[\w-]+){1,2}?)?))\s+(?:said|says|told\s+\w+|confirmed|mentioned|promised|"
    r"assured\s+\w+|wrote|emailed|replied)(?:\s+that)?\s*$",
    _I,
)
_LEAD_ADVERBS = re.compile(
    r"^(?:(?:also|just|definitely|def|totally|personally|then|quickly|still|gladly|happily|"
    r"certainly|absolutely|for\s+sure|asap|actually|first|now|be\s+sure\s+to|try\s+and|"
    r"go\s+ahead\s+and|circle\s+back\s+and)\s+)+",
    _I,
)
_VP_REJECT = re.compile(
    r"^(?:not|n't|never|no\b|nothing|probably|prob|likely|maybe|possibly|hopefully|perhaps|"
    r"try\s+to|be\s+able|rather|need|have\s+to|want|wanna|see|think|know|eventually|"
    r"always|someday|both|all|either)\b",
    _I,
)
_REPORTED_CLAUSE = re.compile(r"^(?:that\s+)?(?:they|he|she|we|i|it)(?:'|\s)", _I)
_STRONG_OK_OBJECT = re.compile(
    r"^(?!(?:that|with|it|this|we|they|but|and|on\s+it|so|too|as|if|about)\b)\w", _I
)

# Text normalisation.
_SLACK_ANGLE = re.compile(r"<([^<>|\n]{1,500})(?:\|([^<>\n]{0,500}))?>")
# A mention that opens a message addresses someone ("@sam I'll send it") unless a modal follows
# it, which makes it the subject ("@sam will send it").
_MENTION_IS_SUBJECT = r"(?!\s*(?:'ll|will|wil|is\s+going|is\s+gonna|gonna|is\s+sending|can)\b)"
_LEADING_MENTION = re.compile(r"^(?:\s*@[\w.-]+(?![\w.-])[,:]?)+" + _MENTION_IS_SUBJECT + r"\s*")
# Openers that carry no content. Some need punctuation after them to count as openers
# ("update: they'll send..." but not "update the deck"); others are safe with just a space.
_FILLER = re.compile(
    r"^(?:(?:(?:ok(?:ay)?|sure|yep|yes|yeah|yup|cool|great|perfect|awesome|nice|"
    r"sounds\s+good|thanks(?:\s+(?:all|team|everyone))?|thank\s+you|ty|update|quick\s+update|"
    r"heads\s+up|np|no\s+worries|on\s+it|will\s+do|can\s+do|got\s+it|noted|done|absolutely|"
    r"makes\s+sense|sure\s+thing|good\s+(?:point|call|idea)|thx|totally|alright|roger|agreed|"
    r"of\s+course|for\s+sure|re\s+[\w-]+)\s*[,:!.\-\u2013\u2014]+\s*)"
    r"|(?:@[\w.-]+(?![\w.-])(?!\s*(?:'ll|will|wil|is\s+going|gonna|can)\b)|ok(?:ay)?|k|fyi|btw|also|"
    r"and|so|fwiw|ps|heads\s+up)(?:\s*[,:!.\-]+\s*|\s+)"
    # "in the meeting their CTO agreed ...": where it was said, not who said it
    r"|(?:in|on|during|after)\s+(?:the|our|today's|this|that)\s+(?:call|meeting|demo|sync|convo|"
    r"chat|session|zoom|qbr)\s*,?\s+)+",
    _I,
)
# A sentence ends at . ! ? followed by space/end (so "2.5" and "docs.google.com" survive).
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n+")
_EMOJI_CODE = re.compile(r":[a-z0-9_+\-]{2,30}:", _I)
_KEEP_AT_END = frozenset(")]\"'%$€£")
_DANGLING = frozenset(
    "to for and with at on by in through thru until starting from the of a an".split()
)
_MARKS = re.compile(r"(?<![\w])[*_~`]+|[*_~`]+(?![\w])")


def _angle(m: re.Match[str]) -> str:
    # A user mention stays as "@U123" (it may be the subject: "<@U1> will send it"); other
    # markup (<!channel>, bare links) is not content, and a link's label is.
    inner = m.group(1)
    if inner[:1] == "@":
        return "@" + inner[1:].split("|", 1)[0]
    return m.group(2) or ""


# "their" mistyped: transposed letters, or the sound-alikes before a role ("there CFO will").
_THEIR_TYPO = re.compile(
    r"\b(?:thier|theri|ther|thie|thir)\b|\b(?:there|they'?re)(?=\s+(?:legal|procurement|finance|"
    r"security|it|cfo|ceo|cto|coo|ciso|cio|vp|team|admin|champion|sponsor|head|ops|data|pm|"
    r"counsel|buyer|exec|board|side)\b)",
    _I,
)


def _normalise(text: str) -> str:
    """Plain single-spaced text: mrkdwn and links removed, mentions kept as ``@U123``."""
    if "<" in text:
        # <@U123> mentions and bare links are not content; a link label is.
        text = _SLACK_ANGLE.sub(_angle, text)
    if "’" in text or "‘" in text:
        text = text.replace("’", _APOS).replace("‘", _APOS)
    if "*" in text or "_" in text or "~" in text or "`" in text:
        text = _MARKS.sub("", text)
    if ":" in text:
        text = _EMOJI_CODE.sub("", text)
    if "th" in text or "Th" in text:
        text = _THEIR_TYPO.sub(lambda m: "Their" if m.group(0)[0] == "T" else "their", text)
    return text


# --------------------------------------------------------------------------------------
# Verb phrases, due dates
# --------------------------------------------------------------------------------------


def _words(text: str) -> list[tuple[int, str]]:
    """(offset, lowercased word without surrounding punctuation) for a single-spaced text."""
    out: list[tuple[int, str]] = []
    pos = 0
    for raw in text.split(" "):
        if raw:
            word = raw.strip(_WORD_PUNCT)
            if word:
                out.append((pos + raw.find(word[0]), word.lower()))
        pos += len(raw) + 1
    return out


def _extract_due(vp: str, words: list[tuple[int, str]] | None = None) -> tuple[str, str | None]:
    """Split a verb phrase into (phrase without the due part, raw due text).

    A date introduced by "by/before/until/on" wins over a bare one ("hold the Q4 pricing
    until end of January" is due "end of January"). "by X" reports "X"; "in 2 weeks" and
    "in March" keep their "in", which is how people say them.
    """
    bare: re.Match[str] | None = None
    prep_only: re.Match[str] | None = None
    for start, word in _words(vp) if words is None else words:
        if start >= len(vp):
            break
        if word not in _DUE_START and not word[0].isdigit():
            continue  # dates can only start at these words; skip the regex elsewhere
        m = _DUE.match(vp, start)
        if m is not None:
            if m.group("prep"):
                return vp[: m.start()] + vp[m.end() :], m.group("due").strip()
            if bare is None:
                bare = m
            continue
        if prep_only is None and word in _PREP_WORDS:
            prep_only = _PREP_DUE.match(vp, start)
    if prep_only is not None:
        due = prep_only.group("due")
        if prep_only.group("prep").lower() in ("in", "early", "mid", "late") and not due[
            :1
        ].lower().startswith("q"):
            due = prep_only.group(0)  # "in March", "early January"
        return vp[: prep_only.start()] + vp[prep_only.end() :], due.strip()
    if bare is None:
        return vp, None
    return vp[: bare.start()] + vp[bare.end() :], bare.group("due").strip()


def _cut_clause(vp: str, words: list[tuple[int, str]]) -> str:
    """Keep the committed clause only: stop at "but/because/so/once ...", ", we ...",
    "and they ..." (a new subject), so "what" does not swallow the rest of the message."""
    for k in range(1, len(words)):
        start, word = words[k]
        nxt = words[k + 1][1] if k + 1 < len(words) else ""
        if (
            word in _CUT_WORDS
            or (word == "then" and nxt == "we")
            or (
                word == "and"
                and nxt in _SUBJECT_PRONOUNS
                and not (k + 2 < len(words) and words[k + 2][1] == "will")
                and not nxt.endswith("'ll")
            )
            or (word in _COMMA_PRONOUNS and vp[:start].rstrip().endswith(","))
            or (
                word.isdigit()
                and len(word) <= 2
                and vp[start + len(word) : start + len(word) + 1] == ")"
            )
        ):
            return vp[:start]
    return vp


def _sentences(text: str) -> list[str]:
    """Split on sentence punctuation followed by space, and on newlines."""
    if "." not in text and "!" not in text and "?" not in text and "\n" not in text:
        return [text]
    out: list[str] = []
    last = 0
    for m in _SENTENCE_END.finditer(text):
        out.append(text[last : m.end()])
        last = m.end()
    if last < len(text):
        out.append(text[last:])
    return out


def _rstrip_junk(text: str) -> str:
    """Drop trailing punctuation, emoji and spaces (keeps closing brackets, quotes, %)."""
    end = len(text)
    while end and not (text[end - 1].isalnum() or text[end - 1] in _KEEP_AT_END):
        end -= 1
    if end and text[end - 1] in "\"'" and text[: end - 1].count(text[end - 1]) % 2 == 0:
        end -= 1  # unbalanced trailing quote
        while end and not (text[end - 1].isalnum() or text[end - 1] in _KEEP_AT_END):
            end -= 1
    return text[:end]


def _tidy(what: str) -> str:
    """Trim the committed phrase: junk at the end and words left dangling by the date cut."""
    words = _rstrip_junk(what).split()
    while words and words[-1].lower() in _DANGLING:
        words.pop()
        if words:
            words[-1] = _rstrip_junk(words[-1]) or words[-1]
    return " ".join(words)


def _first_word(vp: str) -> str:
    end = 0
    n = len(vp)
    while end < n and (vp[end].isalnum() or vp[end] in "-'"):
        end += 1
    return vp[:end].lower()


def _action_ok(vp: str) -> bool:
    """Is this verb phrase a deliverable action (not a state, prediction or filler)?"""
    word = _first_word(vp)
    if not word:
        return False
    base = _VERB_BASE.get(word)
    if base is None:
        return False
    rule = _NEEDS_COMPLEMENT.get(base)
    if rule is not None:
        fixed = base + vp[len(word) :] if base != word else vp
        if rule.match(fixed):
            return True
        if base in ("have", "get", "ask"):
            return _delegated(fixed)
        return False
    return True


_OBJECT_WORDS = frozenset("the a an their them your you it this that these those".split())
_PERSON_FILLERS = frozenset("from on in at our my to".split())


def _delegated(vp: str) -> bool:
    """Delegation on our side: "have Sam from our support team configure SSO for them"."""
    words = vp.split(" ", 8)
    if len(words) < 3:
        return False
    person = words[1]
    if not (person[:1].isupper() or person[:1] == "@" or person.lower() in ("someone", "somebody")):
        return False
    for word in words[2:8]:
        low = word.lower().strip(",")
        if low in _OBJECT_WORDS:
            return False
        if low in _PERSON_FILLERS or low in ("team", "support", "side", "end") or word[:1].isupper():
            continue
        return _VERB_BASE.get(low) in _ACTION_VERBS
    return False


def _conjoined_action(vp: str) -> bool:
    """'grab the list and send it to Dana': a deliverable verb right after 'and'."""
    for m in re.finditer(r"\band\s+(?:then\s+)?", vp[:80], _I):
        if _action_ok(vp[m.end() :]):
            return True
    return False


# Our own housekeeping is not something we give the other side: "I'll update the deal in
# HubSpot", "I'll ping Sam about the discount approval", "will share the recap in #deals".
_INTERNAL_KEYS = tuple(
    f" {k} "
    for k in (
        "in the crm", "in crm", "to the crm", "to crm", "the crm", "in hubspot",
        "in salesforce", "in sfdc", "in pipedrive", "in close", "forecast", "pipeline review",
        "deal review", "deal desk", "internally", "internal", "reminder", "my manager",
        "approval from", "sign off from", "the opp", "this opp", "opp stage", "deal stage",
    )
)  # fmt: skip
# Verbs that are as often internal as external; for gives they need the other side in the
# phrase ("ping their admin", "ask our CEO to join the call with them").
_INTERNAL_LEANING = frozenset(
    "ping ask check review sync update add plan look dig investigate sort escalate push "
    "prioritise prioritize test text email call meet".split()
)
_EXTERNAL = re.compile(
    r"\b(?:them|they|their|theirs|you|u|your|him|her|over|the\s+(?:customer|client|buyer|"
    r"prospect|champion|partner))\b",
    _I,
)


def _internal_only(vp: str, padded: str) -> bool:
    """Is this our own housekeeping rather than something for the other side?"""
    if "#" in vp or _has_any(padded, _INTERNAL_KEYS):
        return True
    base = _VERB_BASE.get(_first_word(vp))
    if base not in _INTERNAL_LEANING or _EXTERNAL.search(vp):
        return False
    # "update the proposal and send it back": a later outward verb rescues it.
    for m in re.finditer(r"\band\s+(?:then\s+)?", vp[:80], _I):
        rest = vp[m.end() :]
        if _action_ok(rest) and _VERB_BASE.get(_first_word(rest)) not in _INTERNAL_LEANING:
            return False
    return True


def _verb_phrase(
    rest: str, *, strong: bool, can: bool, reported: bool, side: Side = "give"
) -> str | None:
    """Validate the words after the modal; returns the committed phrase or None."""
    vp = _LEAD_ADVERBS.sub("", rest.strip())
    if not vp or _VP_REJECT.match(vp):
        return None
    padded = _padded(vp)
    if reported and _has_any(padded, _PAST_KEYS):
        return None  # "they said they'd sign last quarter and never did"
    if strong:
        if _has_any(padded, _BROKEN_KEYS):
            return None
        if vp[:3].lower() in ("to ", "on "):
            vp = vp[3:].lstrip()
        if _REPORTED_CLAUSE.match(vp) or not _STRONG_OK_OBJECT.match(vp):
            return None  # "he promised they'd ..." is handled by the reported clause
        if _VP_REJECT.match(vp):
            return None
        padded = _padded(vp)  # offsets shift by one: the leading pad eats the key's space
        cuts = [i for i in (padded.find(key) for key in _IF_KEYS) if i >= 0]
        return vp[: min(cuts)] if cuts else vp
    if _has_any(padded, _IF_KEYS):
        return None  # conditional promise: "we'll extend the trial if they ask"
    word = _first_word(vp)
    if word == "be":
        # "I'll be sending it over" is a promise; "I'll be out", "be honest" are not.
        m = re.match(r"be\s+(\w+ing)\b", vp, _I)
        if not m or m.group(1).lower() not in _ING_BASE:
            return None
        vp = _ING_BASE[m.group(1).lower()] + vp[m.end(1) :]
    elif can and word not in _CAN_VERBS:
        return None
    if not (_action_ok(vp) or _conjoined_action(vp)):
        return None
    if side == "give" and _internal_only(vp, padded):
        return None
    return vp


def _finish(side: Side, vp: str, who: str | None) -> Detection | None:
    words = _words(vp)
    core, due = _extract_due(_cut_clause(vp, words), words)
    what = _tidy(core)
    if not what:
        return None
    return Detection(side=side, what=what, due_text=due, who=who)


# --------------------------------------------------------------------------------------
# Sentence analysis
# --------------------------------------------------------------------------------------


def _outer_who(prefix: str) -> str | None:
    m = _OUTER_SUBJECT.match(prefix) or _OUTER_SUBJECT.search(prefix)
    return m.group("who").strip() if m else None


def _from_commit_match(
    sentence: str, m: re.Match[str], is_ours: Callable[[str], bool] | None = None
) -> Detection | None:
    prefix = sentence[: m.start()]
    hedged = bool(prefix) and _has_any(_padded(prefix), _HEDGE_KEYS)
    if hedged and not (
        (m.group("i") is not None or m.group("we") is not None) and _self_hedge_only(prefix)
    ):
        return None  # "I think they'll sign" is a guess; "I think I can send it Friday" is not
    reported_ctx = bool(prefix) and _reported_before(prefix)
    groups = m.groupdict()
    rest = sentence[m.end() :]

    side: Side
    who: str | None = None
    if groups["i"] is not None:
        modal, side = groups["mi"], "give"
    elif groups["we"] is not None:
        modal, side = groups["mwe"], "give"
    elif groups["our"] is not None:
        modal, side, who = groups["mour"], "give", groups["our"].strip()
    elif groups["they"] is not None:
        modal, side, who = groups["mthey"], "get", groups["they"].strip()
    elif groups["hs"] is not None:
        modal, side, who = groups["mhs"], "get", groups["hs"].strip()
    elif groups["np"] is not None:
        modal, side, who = groups["mnp"], "get", groups["np"].strip()
    elif groups["name"] is not None:
        modal, side, who = groups["mname"], "get", groups["name"].strip()
        paren = (groups["paren"] or "").lower()
        if re.search(r"\b(?:our|my)\b", paren + " " + who.lower()):
            side = "give"  # "Sam (our SE) will run the demo", "Jen from our side will send"
    elif groups["ment"] is not None:
        # A mention of someone in this workspace is one of us; an outside (Slack Connect)
        # user is the other side. Without a directory, assume a colleague.
        modal, who = groups["mment"], groups["ment"]
        side = "give" if is_ours is None or is_ours(who[1:]) else "get"
    else:
        modal, side = groups["bare"], "give"

    low = modal.strip().lower()
    is_reported_modal = (
        low in ("'d", "would") or low.endswith("going to") and low.startswith(("was", "were"))
    )
    if is_reported_modal and not reported_ctx:
        return None  # "I'd love to", "we would" are hypotheticals, not promises
    last = low.rsplit(None, 1)[-1] if low else ""
    has_to = rest.lstrip()[:3].lower() == "to "
    if last in ("plan", "plans", "intend", "intends"):
        # "we plan to send" is a promise; "we plan our week" is not.
        if not has_to:
            return None
        rest = rest.lstrip()[3:]
    strong = last.startswith(("promis", "commit", "agree", "offer"))
    if last.startswith(("agree", "commit", "offer")) and not (
        has_to or rest.lstrip()[:3].lower() == "on "
    ):
        return None  # "they agreed pricing is high", "we offered them a discount" (past)
    vp = _verb_phrase(
        rest,
        strong=strong,
        can=low.endswith("can"),
        reported=is_reported_modal or reported_ctx,
        side=side,
    )
    if vp is None:
        return None
    if reported_ctx and side == "get":
        who = _outer_who(prefix) or who
    return _finish(side, vp, who)


_PROGRESSIVE_OBJECT = re.compile(
    r"\s+(?:the|a|an|them|you|u|him|her|it|this|that|these|those|their|our|my|over|out|back|"
    r"up|along|across|\d)\b",
    _I,
)


def _clause_starts(sentence: str) -> list[int]:
    """Offsets where a clause may begin (the sentence is single-spaced)."""
    starts = [0]
    pos = 0
    prev = prev2 = ""
    for tok in sentence.split(" "):
        if pos and tok:
            low_prev = prev.lower()
            if (
                prev[-1:] in ",;:("
                or prev in _DASHES
                or prev in ("\u2022", "*")
                or (len(prev) <= 3 and prev[:-1].isdigit() and prev[-1] in ".)")
                or low_prev in _BREAK_WORDS
                or (low_prev in _TOLD_OBJECTS and prev2.lower() in _TOLD_VERBS)
            ):
                starts.append(pos)
            elif tok[0] == "(":
                starts.append(pos + 1)
            elif tok.lower() in _PRONOUN_STARTS:
                # "told their CEO we'll ship it", "I think I can have it ready": a new
                # subject mid-sentence starts a clause of its own.
                starts.append(pos)
        pos += len(tok) + 1
        prev2, prev = prev, tok
    return starts


def _from_progressive(sentence: str, starts: list[int]) -> Detection | None:
    for pos in starts:
        m = _PROGRESSIVE.match(sentence, pos)
        if m is None:
            continue
        ing = m.group("ing").lower()
        if ing not in _ING_BASE:
            continue
        if m.group("b") is not None and (
            m.start() != 0 or not _PROGRESSIVE_OBJECT.match(sentence, m.end("ing"))
        ):
            # Subjectless only at the very start and followed by an object, so "Sending the
            # NDA tomorrow" counts but "Meeting moved to Thursday" (a noun) does not.
            continue
        prefix = sentence[: m.start()]
        if prefix and _has_any(_padded(prefix), _HEDGE_KEYS):
            continue
        rest = sentence[m.end("ing") :]
        due = _extract_due(rest)[1]
        # Without a date "they're reviewing it (now)" is a status report, not a promise;
        # "sending them the pricing now" is us doing it.
        if due is None or (m.group("t") is not None and due.lower() in ("now", "right now")):
            continue
        vp = _ING_BASE[ing] + rest
        if m.group("t") is None and _internal_only(vp, _padded(vp)):
            continue
        if m.group("t") is not None:
            subject = m.group("t")
            pron = re.match(r"^(they|he|she)(?:'re|re|'s|s)?(?:\s+(?:is|are))?$", subject, _I)
            who = pron.group(1) if pron else re.sub(r"\s+(?:is|are)$", "", subject, flags=_I)
            if re.search(r"\b(?:our|my)\b", who, _I):
                return _finish("give", vp, who.strip())  # "Jen from our team is sending it"
            return _finish("get", vp, who.strip() or None)
        return _finish("give", vp, None)
    return None


def _detect_sentence(sentence: str, is_ours: Callable[[str], bool] | None = None) -> Detection | None:
    filler = _FILLER.match(sentence)
    s = sentence[filler.end() :].strip() if filler else sentence
    if len(s) < 6 or s.endswith("?"):
        return None
    if _QUESTION_START.match(s) or _CONDITIONAL_START.match(s):
        return None
    # Most commitments start the sentence; only look for later clauses when that fails.
    m = _COMMIT.match(s)
    if m is not None:
        found = _from_commit_match(s, m, is_ours)
        if found is not None:
            return found
    starts = _clause_starts(s)
    for pos in starts[1:]:
        m = _COMMIT.match(s, pos)
        if m is not None:
            found = _from_commit_match(s, m, is_ours)
            if found is not None:
                return found
    if "ing" in s:
        return _from_progressive(s, starts)
    return None


def detect_commitment(
    text: str, *, is_ours: Callable[[str], bool] | None = None
) -> Detection | None:
    """Find a commitment in a chat message: something we will give or they will give us.

    Returns the first commitment found (one per message is plenty for a nudge), or None for
    chatter, questions, past facts, hypotheticals, negations and texts over 2,000 characters.
    ``is_ours(user_id)`` says whether a mentioned user ("<@U123> will send it") belongs to
    this workspace (our side, a give) or not (a guest from the other side, a get); without
    it a mention counts as ours. A plain name ("Sam will send it") is the other side's.
    Never raises.
    """
    if not isinstance(text, str) or not text or len(text) > MAX_TEXT_LENGTH:
        return None
    low = text.lower()
    if not any(map(low.__contains__, _QUICK)):
        return None  # most chat lines have no future marker at all: bail out cheaply
    text = _normalise(text)
    for raw in _sentences(text):
        sentence = raw.strip()
        if not sentence or sentence.endswith("?"):
            continue
        if sentence[0] == "@":
            sentence = _LEADING_MENTION.sub("", sentence)
        sentence = " ".join(sentence.split())
        found = _detect_sentence(sentence.rstrip(".! "), is_ours)
        if found is not None:
            return found
    return None


# --------------------------------------------------------------------------------------
# Meetings that just ended
# --------------------------------------------------------------------------------------

_MEETING_NOUN = (
    r"(?:call|phone|meeting|demo|sync|zoom|teams\s+call|hangout|chat|convo|conversation|"
    r"session|qbr|workshop|kickoff|kick-off|catch[\s-]?up|check[\s-]?in|"
    r"discovery(?:\s+call)?|intro(?:\s+call)?|onsite|review|presentation|pitch|lunch|dinner|"
    r"coffee)"
)
_TOPIC_STOP = (
    r"(?:today|tonight|this|went|was|is|just|and|but|earlier|yesterday|about|on|for|at|to|"
    r"re|so|were|are|has|had|team|folks|guys|people|crew|lol|all|this|that)"
)
_TOPIC = (
    rf"(?P<topic>(?:the\s+)?(?!{_TOPIC_STOP}\b)[^\s,.!?;:()]+"
    rf"(?:\s+(?!{_TOPIC_STOP}\b|[-\u2013\u2014])[^\s,.!?;:()]+){{0,3}})"
)
_MEETING_PATTERNS = (
    re.compile(
        r"\b(?:just\s+)?(?:got\s+off|hopped\s+off|jumped\s+off|off|out\s+of|back\s+from|"
        r"finished|wrapped(?:\s+up)?|done\s+with|came\s+out\s+of|left|ended)\s+"
        rf"(?:the|a|our|my|an)?\s*(?:[\w-]+\s+)?{_MEETING_NOUN}\s+(?:with|w/|at)\s+{_TOPIC}",
        _I,
    ),
    re.compile(
        rf"\b(?:just\s+)?(?:had|did|ran|held)\s+(?:a|the|our|an)?\s*(?:[\w-]+\s+)?{_MEETING_NOUN}"
        rf"\s+(?:with|w/|at)\s+{_TOPIC}",
        _I,
    ),
    re.compile(
        r"\b(?:great|good|solid|productive|awesome|rough|tough|quick|nice|long|amazing|"
        r"excellent|positive|fantastic|strong|promising|interesting|useful|helpful|fun|"
        r"brutal|tricky|decent|ok|okay)\s+"
        rf"{_MEETING_NOUN}\s+(?:with|w/|at)\s+{_TOPIC}",
        _I,
    ),
    re.compile(
        rf"\b{_MEETING_NOUN}\s+(?:with|w/|at)\s+{_TOPIC}\s+(?:went|was|is\s+done|just\s+ended|"
        r"wrapped|ended|finished|is\s+over|done)\b",
        _I,
    ),
    re.compile(rf"\bjust\s+met\s+with\s+{_TOPIC}", _I),
    re.compile(
        rf"(?-i:(?!{_NAME_STOP}\b)(?P<topic>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){{0,2}}))\s+"
        rf"{_MEETING_NOUN}\s+(?:went|was|is\s+done|just\s+ended|wrapped|ended|finished|"
        r"is\s+over)\b",
        _I,
    ),
)
_MEETING_FUTURE = re.compile(
    rf"\b(?:{_TOMORROW}|tonight|next|later|upcoming|soon|in\s+\d+|at\s+\d|on\s+{_DAYS}|"
    r"scheduled|booked|will|'ll|going\s+to|gonna|prep(?:ping|are)?|before|ahead\s+of|"
    r"reschedul\w*|moved|postponed|cancel\w*|need\s+to|should|let's|lets|looking\s+forward)\b",
    _I,
)
# Where the clause around the meeting mention ends: "got off the call with Acme, they'll
# send the PO tomorrow" is a finished meeting followed by a separate (future) clause.
_CLAUSE_EDGE = re.compile(r"[,;:\u2013\u2014]|\s-\s|\s(?:and|but|so)\s", _I)
_TOPIC_LEAD = re.compile(r"^the\s+", _I)
_TOPIC_TAIL = re.compile(r"(?:'s)?\s+(?:team|folks|guys|people|crew)$", _I)
_NOT_TOPICS = frozenset({"them", "him", "her", "the", "you", "us", "a", "everyone", "it"})


def _meeting_clause(sentence: str, start: int, end: int) -> str:
    """The text of the clause containing sentence[start:end]."""
    before = sentence[:start]
    edges = list(_CLAUSE_EDGE.finditer(before))
    left = edges[-1].end() if edges else 0
    after = _CLAUSE_EDGE.search(sentence, end)
    right = after.start() if after else len(sentence)
    return sentence[left:right]


def detect_meeting_end(text: str) -> str | None:
    """The deal/topic of a meeting the message says just happened, or None.

    "just got off the call with Acme" -> "Acme", "meeting with Globex went well" ->
    "Globex". Future meetings ("call with Acme tomorrow at 3"), questions, meetings with
    people rather than an account ("call with them", "with their CFO") and chatter give None.
    Never raises.
    """
    if not isinstance(text, str) or not text or len(text) > MAX_TEXT_LENGTH:
        return None
    text = _normalise(text)
    for raw in _sentences(text):
        sentence = " ".join(raw.split())
        if not sentence or sentence.endswith("?") or _QUESTION_START.match(sentence):
            continue
        for pattern in _MEETING_PATTERNS:
            m = pattern.search(sentence)
            if m is None:
                continue
            if _MEETING_FUTURE.search(_meeting_clause(sentence, m.start(), m.end())):
                return None
            topic = _rstrip_junk(m.group("topic").strip())
            topic = _TOPIC_TAIL.sub("", _TOPIC_LEAD.sub("", topic)).strip()
            if " from " in topic:
                topic = topic.rsplit(" from ", 1)[1]  # "Priya from Acme" -> "Acme"
            first = topic.split(" ", 1)[0].lower() if topic else ""
            if not topic or topic.lower() in _NOT_TOPICS or first in ("their", "our", "my"):
                return None
            return topic
    return None
