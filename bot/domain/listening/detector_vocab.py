"""Vocabulary of promises and meetings in deal-channel chat: the tables the detectors apply.

Deliverable verbs and the complements some of them need, due-date phrases, subjects and their
modals (who promises), hedges, past and conditional markers, our own housekeeping, and the
patterns of a meeting that just ended. The code that applies them is in
:mod:`bot.domain.listening.commitments` and :mod:`bot.domain.listening.meetings`.
"""

from __future__ import annotations

import re

from bot.domain.timezones import ZONE_WORDS

# --------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------

# Deliverable actions. Deliberately excludes state/prediction verbs (be, love, want, need,
# see, think, know, hate, lose, miss, find out, take a look) which follow "will" in
# chatter far more often than in promises.
ACTION_VERBS = frozenset(
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
    reserve lock pull jump fast-track ship refund credit reimburse fly line wire remit work
    prep chase nudge tee kick speak file talk wrap polish feature promote list highlight
    showcase provision register nominate designate staff socialize socialise fill grab cut
    swing stop pop tailor generate release raise revert knock come roll collect
    dispatch place
    countersign notarize notarise apply export request pitch screen-share screenshare
    act open start switch courier scope""".split()
)
# Verbs that need a particle/complement to be a deliverable ("take care of", "let us know").
NEEDS_COMPLEMENT = {
    # "take care of it", "their EVP will take the meeting" (not "take a look", "take a while")
    "take": re.compile(r"^take\s+(?:care\b|(?:the|a|our)\s+(?:meeting|call|demo)\b)", re.I),
    # "act as exec sponsor", not "act fast"
    "act": re.compile(r"^act\s+as\b", re.I),
    # "open the firewall ticket", "open an account for us", not "open to it"
    "open": re.compile(r"^open\s+(?:up\s+)?(?:a|an|the|our|their|us)\b", re.I),
    # "apply the credits to their account", not "apply for the grant"
    "apply": re.compile(r"^apply\s+(?!for\b|to\s+(?:the|a|an)\s+(?:job|role|program))", re.I),
    "let": re.compile(
        # "let you know how the call goes / if they sign / what they say" reports back news
        r"^let\s+(?:us|you|u|me|them|him|her|everyone|the\s+team)\s+know\b"
        r"(?!\s+(?:how|if|whether|when)\b|\s+what\s+(?:they|he|she)\b"
        r"|\s+what\s+(?:[\w'-]+\s+){1,3}?(?:says?|said|thinks?|decides?|hears?|heard|comes\s+back)\b)",
        re.I),
    "look": re.compile(r"^look\s+into\b", re.I),
    "dig": re.compile(r"^dig\s+into\b", re.I),
    "check": re.compile(r"^check\s+(?:with|on|in)\b.*\b(?:back|to\s+(?:them|you|u))\b", re.I),
    "get": re.compile(
        r"^get\s+(?!there\b|going\b|started\b|lunch\b|coffee\b|some\s+rest\b|through\b|"
        r"to\s+(?:it|work)\b|it\b(?!\s+(?:to|over|back|done|signed|fixed|sorted|approved)))",
        re.I,
    ),
    "have": re.compile(
        r"^have\s+.{0,60}?\b(?:ready|back|done|over|finished|completed|signed|countersigned|approved|drafted|"
        r"written|prepared|updated|deployed|configured|provisioned|live|filled\s+(?:in|out)|submitted|"
        r"uploaded|reviewed|"
        r"sorted|wrapped|in\s+place|lined\s+up|set\s+up|scheduled|booked|confirmed|"
        r"to\s+(?:them|you|u|us|their|your|her|him|@[\w.-]+|(?-i:[A-Z][a-z][\w-]*))|"
        # "have the proposal in their inbox", "have the PO number for us"
        r"in\s+(?:their|your|his|her)\s+(?:inbox|hands)|for\s+(?:us|them|you|u))\b"
        r"|^have\s+(?:comments|feedback|redlines|approval|sign-?off|budget\s+(?:approval|sign-?off)|"
        r"an?\s+(?:answer|decision|update|response|reply|view|"
        r"markup|mark-up|redline|draft|first\s+draft|proposal|quote))\b"
        # "we'll have the pricing approval by Friday"
        r"|^have\s+(?:the|their|our)\s+(?:[\w-]+\s+)?(?:approval|sign-?off|decision|answer)\b",
        re.I,
    ),
    "make": re.compile(r"^make\s+(?:sure|it|the|a|an|them|an?\s+intro|time)\b", re.I),
    "call": re.compile(r"^call\s+(?:them|him|her|their|the)\b", re.I),
    "meet": re.compile(r"^meet\s+(?:with\s+)?(?:them|him|her|their|the)\b", re.I),
    "push": re.compile(r"^push\s+(?:for|the|it|our)\b", re.I),
    "stand": re.compile(r"^stand\s+up\b", re.I),
    "work": re.compile(r"^work\s+(?:on|up|through)\b", re.I),
    "tee": re.compile(r"^tee\s+up\b", re.I),
    # "their IT will free up rack space", not "free of charge"
    "free": re.compile(r"^free\s+up\b", re.I),
    # "swing by their office", "stop by the site": a visit to the other side
    "swing": re.compile(r"^swing\s+(?:by|over|past)\b", re.I),
    "stop": re.compile(r"^stop\s+by\b", re.I),
    "pop": re.compile(r"^pop\s+(?:by|over|in)\b", re.I),
    # "fill out their questionnaire", not "fill the gap"
    "fill": re.compile(r"^fill\s+(?:out|in\b|(?:our|the|their|your|my)\s+(?:[\w-]+\s+){0,2}?(?:form|"
                       r"questionnaire|survey|template|sheet|spreadsheet|rfp|rfi)s?)\b", re.I),
    # "grab 30 min with their CTO": time with the other side, not "grab lunch"
    "grab": re.compile(
        r"^grab\s+(?:(?:some\s+)?time|\d+\s*(?:min|mins|minutes)|an?\s+(?:call|slot|meeting|"
        r"few\s+min\w*))\s+(?:with|for)\s+(?:their|them|him|her|the\s+(?:customer|client|buyer|"
        r"prospect|champion|partner))\b",
        re.I,
    ),
    # "cut the PO", "cut us a check": a payment or an order, not "cut the deck down"
    "cut": re.compile(
        r"^cut\s+(?:us\s+|them\s+|you\s+)?(?:the|a|an|our|their)\s+(?:check|cheque|po|"
        r"purchase\s+order|invoice|order)\b",
        re.I,
    ),
    "kick": re.compile(r"^kick\s+off\b", re.I),
    # "place the order", "place a PO" (round 8), not "place a bet"
    "place": re.compile(r"^place\s+(?:the|their|an?|our|both)\s+(?:[\w-]+\s+){0,2}?"
                        r"(?:orders?|pos?|purchase\s+orders?)\b", re.I),
    # "start the rollout for them", not "start thinking about it"
    "start": re.compile(r"^start\s+(?:(?:the|their|a|an|our|on\s+the)\s+(?:[\w-]+\s+){0,2}?)?"
                        r"(?:uat\b|rollout|roll-out|"
                        r"pilot|onboarding|migration|implementation|trial|poc|kickoff|integration|training|"
                        r"project|deployment|build|setup|configuration)\b", re.I),
    # "switch on SSO for their tenant", not "switch vendors"
    "switch": re.compile(r"^switch\s+(?:on|over)\b", re.I),
    # "ask our CEO to join", not "they'll ask for another discount" (a guess about them)
    "ask": re.compile(r"^ask\s+(?!for\b|about\b|around\b)", re.I),
    # "raise the PO" (an order or an invoice), not "raise concerns"
    "raise": re.compile(r"^raise\s+(?:us\s+|them\s+)?(?:the|a|an|our|their)\s+(?:po|purchase\s+order|"
                        r"invoice|requisition|req|order)\b", re.I),
    # "revert with feedback" (Indian English for "reply"), not "revert the change"
    "revert": re.compile(r"^revert\s+(?:back\s+)?(?:with|to\s+(?:us|them|you|u))\b", re.I),
    "knock": re.compile(r"^knock\s+out\b", re.I),
    # "collect signatures", not "collect my thoughts"
    "collect": re.compile(r"^collect\s+(?:the\s+|all\s+|their\s+)?(?:signatures?|sign-?offs?|approvals?|"
                          r"feedback|requirements|references)\b", re.I),
    "roll": re.compile(r"^roll\s+(?:it\s+|this\s+)?out\b", re.I),
    # "come back to us (by Friday) with a decision", not "come back from vacation"
    "come": re.compile(r"^come\s+back\s+(?:to\s+(?:us|them|you|u)\s+)?(?:(?!from\b)[\w']+\s+){0,3}?with\b"
                       # "we will come for installation" (non-native English): a visit to them
                       r"|^come\s+(?:for|to\s+do)\s+(?:the\s+)?(?:installation|install|training|demo|"
                       r"onsite|visit|kickoff|setup|workshop)\b", re.I),
    # "their vendor-risk team will clear us", not "clear the air"
    "clear": re.compile(r"^clear\s+(?:us|our\s+\w+|the\s+(?:security|vendor|risk|compliance|legal)\b)", re.I),
    # "leave feedback in the doc", not "leave early"
    "leave": re.compile(r"^leave\s+(?:us\s+|them\s+)?(?:their\s+|our\s+|some\s+|a\s+)?(?:feedback|"
                        r"comments?|notes?|review)\b", re.I),
    # "circle back with pricing"; a bare "will circle back" promises nothing in particular
    "circle": re.compile(r"^circle\s+back\s+(?:with|to|on(?!\s+(?:this|that|it)\b))\b", re.I),
    "speak": re.compile(r"^speak\s+(?:(?:to|with)\s+(?:their|the|them|him|her|(?-i:[A-Z]))|at\s)", re.I),
    "talk": re.compile(r"^talk\s+(?:(?:to|with)\s+)?(?:their|the|them|him|her|(?-i:[A-Z]))", re.I),
    "wrap": re.compile(r"^wrap\s+up\s+(?:the|their|our|a|an|this|that)\b", re.I),
    "spin": re.compile(r"^spin\s+up\b", re.I),
    "do": re.compile(
        r"^do\s+(?:the|an?|our|a\s+quick)\s+(?:[\w-]+\s+){0,2}?(?:intro|introduction|demo|walkthrough|call|"
        r"workshop|training|session|review|deep[\s-]dive|presentation|onsite|kickoff|poc|"
        r"pilot|write-?up|payment|transfer|wire|signing|signature|paperwork|onboarding|setup|"
        r"installation|migration|handover|questionnaire|assessment|form|survey|audit|sizing|site\s+visit|"
        r"scoping|estimate|install)\b",
        re.I,
    ),
    "fly": re.compile(r"^fly\s+(?:out|in|over|to|them)\b", re.I),
    "line": re.compile(r"^line\s+up\b", re.I),
    "pull": re.compile(r"^pull\s+(?:together|in|up)\b", re.I),
    "jump": re.compile(r"^jump\s+on\s+(?:a|the)\s+(?:call|zoom|meeting|sync)\b", re.I),
    "drop": re.compile(r"^drop\s+(?:them|him|her|you|u|off|by|a\s+line|the|a\s+(?:loom|video|note|link|"
                       r"recording|deck|summary|recap))\b", re.I),
}
# "can" is mostly ability or permission ("I can see why"); only an offer with these verbs.
CAN_VERBS = frozenset(
    "get send have share give provide offer intro introduce put prepare turn extend loop "
    "set run walk hop schedule book do throw comp waive cover".split()
)


def ing_forms(verb: str) -> set[str]:
    """Progressive forms of a verb ("send" -> "sending", "share" -> "sharing", "set" ...)."""
    forms = {verb + "ing"}
    if verb.endswith("e") and not verb.endswith("ee"):
        forms.add(verb[:-1] + "ing")
    if len(verb) >= 3 and verb[-1] in "tpgnm" and verb[-2] in "aeiou" and verb[-3] not in "aeiou":
        forms.add(verb + verb[-1] + "ing")
    return forms


def typo_variants(word: str) -> set[str]:
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


VERB_BASE: dict[str, str] = {}
for _verb in sorted(ACTION_VERBS | set(NEEDS_COMPLEMENT)):
    VERB_BASE[_verb] = _verb
for _verb in sorted(ACTION_VERBS):
    for _variant in typo_variants(_verb):
        VERB_BASE.setdefault(_variant, _verb)
# Slips on the short verbs that ``typo_variants`` leaves alone ("we'll hve it ready").
VERB_BASE.update({"hve": "have", "hav": "have", "snd": "send"})
# The past form after "will" (non-native English): "we will sent you the documentation".
PAST_BASE = {"sent": "send", "gave": "give"}
VERB_BASE.update(PAST_BASE)
ING_BASE: dict[str, str] = {}
for _verb in sorted(ACTION_VERBS | {"get"}):
    for _form in ing_forms(_verb):
        ING_BASE[_form] = _verb
del _verb, _variant, _form


# --------------------------------------------------------------------------------------
# Regexes (all precompiled at import)
# --------------------------------------------------------------------------------------

IGNORE = re.IGNORECASE
APOS = "'"  # curly apostrophes are normalised to this before matching

DAYS = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri)"
MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
TOMORROW = r"(?:tomorrow|tmrw|tmr|tmrow|tomorow|tommorow|tommorrow|2morrow|2moro)"
# A time of day and the zone it is said in: "noon PT", "4pm ET", "9:30am CET", "17:00".
ZONE_WORD = "|".join(sorted(ZONE_WORDS, key=len, reverse=True))
CLOCK = (
    r"(?:noon|midday|\d{1,2}(?::\d{2})?\s?(?:am|pm)|\d{1,2}:\d{2})"
    rf"(?:\s+(?:{ZONE_WORD})(?![\w/']))?"
)
AT_CLOCK = rf"(?:,?\s+(?:at\s+|@\s*)?{CLOCK})"
TIME_CORE = (
    r"(?:"
    rf"(?:eod|eow|eom|eoq|eoy|cob|cop)(?:\s+(?:{DAYS}|today|{TOMORROW}))?"
    # "end of day tomorrow" before "end of day"
    rf"|end\s+of\s+(?:the\s+)?day\s+(?:{TOMORROW}|{DAYS})"
    # "by close of business", "end of business Thursday"
    rf"|(?:close|end)\s+of\s+(?:business|play)(?:\s+(?:today|{TOMORROW}|{DAYS}))?"
    # "first thing in the morning", "on coming Monday" (non-native English)
    r"|(?:first\s+thing\s+)?in\s+the\s+morning"
    rf"|(?:this\s+)?coming\s+{DAYS}"
    rf"|end\s+of\s+(?:the\s+)?(?:day|week|wk|month|quarter|year|next\s+week|next\s+month|next\s+quarter|"
    rf"q[1-4]|h[12]|{DAYS}|{MONTHS})"
    # "at the start of Q4", "start of next quarter" (round 8)
    r"|(?:start|beginning)\s+of\s+(?:the\s+)?(?:q[1-4]|h[12]|next\s+(?:week|month|quarter|year))"
    # "the day after tomorrow" before "tomorrow" (round 8: it was read as tomorrow)
    rf"|day\s+after\s+{TOMORROW}"
    rf"|(?:first\s+thing\s+)?{TOMORROW}(?:\s+(?:morning|afternoon|evening|night|am|pm|eod))?"
    rf"{AT_CLOCK}?"
    r"|(?:this|over\s+the|before\s+the)\s+weekend|the\s+last\s+day\s+of\s+the\s+month|\d{4}-\d{2}-\d{2}"
    rf"|(?:early|mid|late)[\s-]+{MONTHS}"
    r"|tonight|tonite|2nite|tnight|(?:later\s+)?today|this\s+(?:morning|afternoon|evening|week|wk|month|quarter|"
    rf"year|{DAYS})"
    rf"|(?:(?:early|mid|late)[\s-]+)?next\s+(?:week|wk|month|quarter|year|{DAYS}|business\s+day)"
    # "a fortnight from tomorrow", "two weeks from Monday": before the bare day below
    rf"|(?:a|one|two|three|\d)\s+(?:fortnight|weeks?|wks?)\s+from\s+(?:{DAYS}|{TOMORROW}|today|now)"
    # "Friday next week", "Thursday the 18th", "Friday 3pm CET", "Monday 9am AEST"
    rf"|(?:first\s+thing\s+)?{DAYS}(?:\s+(?:next\s+week|after\s+next|week|morning|afternoon|"
    r"evening|eod|am|pm))?(?:,?\s+(?:the\s+)?\d{1,2}(?:st|nd|rd|th))?"
    # "Fri June 11": the weekday with its date
    rf"(?:,?\s+{MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d))?"
    rf"{AT_CLOCK}?"
    # a time alone or before its day: "noon PT", "5pm PT today", "10am ET tomorrow"
    rf"|{CLOCK}(?:\s+(?:today|tonight|{TOMORROW}|{DAYS}))?"
    # "ETA 2 weeks": an estimate given as a duration
    r"|eta:?\s+(?:\d+\s*|a\s+|one\s+|two\s+|three\s+|a\s+couple(?:\s+of)?\s+)"
    r"(?:days?|weeks?|wks?|hours?|hrs?|months?)"
    rf"|{MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTHS}"
    r"|\d{1,2}/\d{1,2}(?:/\d{2,4})?"
    r"|(?:in|within)\s+(?:the\s+next\s+)?(?:(?:a\s+)?(?:few|couple(?:\s+of)?)\s+|\d+\s*|"
    r"one\s+|two\s+|three\s+|a\s+)(?:min|mins|minutes?|hours?|hrs?)|(?:in|within)\s+\d+h\b"
    r"|within\s+(?:the|an|the\s+next)\s+(?:hour|day)|in\s+the\s+next\s+(?:hour|day)"
    r"|(?:in|within)\s+(?:(?:a\s+)?(?:few|couple(?:\s+of)?)\s+|\d+\s*|one\s+|two\s+|three\s+|"
    r"four\s+|five\s+|six\s+|seven\s+|eight\s+|nine\s+|ten\s+|a\s+)(?:days?|weeks?|wks?|months?|hours?|hrs?|business\s+days?|"
    r"fortnights?)"
    r"|in\s+a\s+(?:bit|sec|min(?:ute)?|few)|shortly|asap|right\s+away|(?:right\s+)?now"
    r"|(?:right\s+)?after\s+(?:the|this|our|today's|lunch)(?:\s+[\w']+){0,2}?\s*"
    r"(?:call|meeting|demo|sync|lunch)?"
    r")"
)
# The preposition is matched separately so "by Friday" reports "Friday" but "in 2 weeks"
# keeps its "in" (that is how people write the due date back).
DUE = re.compile(
    rf"(?:\b(?P<prep>by|before(?!\s+the\s+weekend)|on|until|till|through|thru|no\s+later\s+than)\s+)?"
    # a zone after the day ("EOD Thursday PT") belongs to the date
    rf"\b(?P<due>{TIME_CORE}(?:\s+(?:{ZONE_WORD})(?![\w/']))?)(?![\w/'])",
    IGNORE,
)
WORD_PUNCT = ",.;:!?()[]{}\"'*_~`<>"
PREP_WORDS = frozenset("by in before until till on early mid late".split())
CUT_WORDS = frozenset("but because since so although though once lol haha".split())
SUBJECT_PRONOUNS = frozenset("we i they he she".split())
COMMA_PRONOUNS = frozenset("we i they he she it that which".split())
DUE_START = frozenset(
    """by before on until till through thru no eod eow eom eoq eoy cob cop end first tomorrow
    a one two three mon
    tmrw tmr tmrow tomorow tommorow tommorrow 2morrow 2moro tonight today later this next
    monday tuesday wednesday thursday friday saturday sunday tue tues wed thu thur thurs fri
    jan january feb february mar march apr april may jun june jul july aug august sep sept
    september oct october nov november dec december in within right after early mid
    late shortly asap now noon midday eta tonite 2nite tnight close coming""".split()
)
# Quarters, ordinals and bare months are only dates after a preposition: "by Q3", "on the
# 12th", "in March" -- but "the Q4 pricing", "the 5th floor", "may" are not.
PREP_DUE = re.compile(
    r"\b(?P<prep>by|in|before|until|till|on|early|mid|late)\s+"
    rf"(?P<due>q[1-4](?:\s+\d{{2,4}})?|(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)(?:\s+of\s+{MONTHS})?"
    rf"|{MONTHS}(?:\s+\d{{4}})?|christmas(?:\s+eve)?|xmas|thanksgiving|new\s+year'?s?(?:\s+(?:day|eve))?"
    r"|(?:month|quarter|year)[\s-]end|lunch(?:time)?)(?![\w/'])",
    IGNORE,
)

# Clause starts: beginning of the sentence, after punctuation or a dash, after a
# coordinating conjunction, or after a reporting verb ("she said she'd ..."). The subject
# patterns are only tried at these few positions (``match``, not ``search``), which is what
# keeps the detector fast: a big alternation tried at every character is the slow part of
# Python's ``re``.
BREAK_WORDS = frozenset(
    "and but so then plus also said says that confirmed mentioned promised promise wrote "
    "emailed".split()
)
TOLD_VERBS = frozenset({"told", "assured"})
PRONOUN_STARTS = frozenset(
    {"i", "i'll", "ill", "i'd", "i'm", "im", "we", "we'll", "we're", "we'd", "they", "they'll", "they're",
     "they'd", "their"}
)  # fmt: skip
TOLD_OBJECTS = frozenset("us me them him her".split())
DASHES = frozenset({"-", "\u2013", "\u2014", "--"})
FUT = (
    r"(?:going\s+to|gonna|gona|gunna|planning\s+to|happy\s+to|about\s+to|on\s+the\s+hook\s+to|"
    r"on\s+track\s+to)"
)
# "Vandelay expects to have the order form signed by Friday": a plan stated with its date is a
# promise (the caller requires the date); "expects to sign" alone stays a forecast.
EXPECT_HAVE = r"(?:expects?|expecting)\s+to(?=\s+have\s)"
STRONG = (
    r"(?:promised|promises|promise|committed|commits|commit|agreed|agreeed|agrees|agree|offered|"
    r"offers|intends?|plans?)"
)
STRONG_PERF = r"(?:(?:have|has|'ve|'s)\s+(?:promised|committed|agreed|offered))"
CAN = r"(?:\s+can(?!'?t\b|not\b))"
REPORTED = r"(?:'d|\s+would|\s+was\s+going\s+to|\s+were\s+going\s+to)"
# One more word of a noun phrase ("their *legal team*"), but never a verb or pronoun that
# starts the next clause ("the buyer *confirmed they* will"). Pronouns are matched
# case-sensitively so "their IT team" keeps its IT.
NP_WORD = (
    r"(?:\s+(?!(?:said|says|told|confirmed|mentioned|promised|agreed|committed|offered|wrote|"
    r"emailed|(?-i:they|he|she|we|i|I|you|it)|will|would|wil|is|are|was|were|has|have|had|can|"
    r"gonna|going|also|just|really|definitely)\b)@?[\w&-]+)"
)
THIRD_NP_MODAL = (
    rf"(?:'ll|\s+(?:will|wil|shall)|\s+(?:is|are|r)\s+{FUT}|'s\s+{FUT}|\s+{STRONG_PERF}|"
    # chat drops the "is": "their IT gonna do the questionnaire"
    rf"\s+(?:gonna|gona|gunna)|\s+{EXPECT_HAVE}|"
    r"\s+should\s+be\s+able\s+to|"
    rf"\s+{STRONG}|{REPORTED})"
)
NAME_STOP = (
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
BARE_ROLE = (
    r"(?:customer|client|buyer|prospect|partner|reseller|distributor|end\s+customer|vendor)"
)
THEIR_ROLE = (
    r"(?:customer|client|buyer|prospect|champion|partner|vendor|cfo|cto|ceo|coo|ciso|cio|cro|"
    r"vp|svp|evp|procurement|legal|finance|account|decision[\s-]maker|exec|sponsor|reseller|"
    r"distributor|end\s+customer|integrator|"
    r"other\s+side|their\s+side|admin|it\s+team|buying\s+committee)"
)
# A department named with its company: "Acme legal will ...", "Procurement at Hooli will ...".
COMPANY_TEAM = (
    r"(?:legal|procurement|finance|security|infosec|ops|counsel|purchasing|leadership|marketing|"
    r"compliance|hr|engineering|accounting|payables|facilities|analytics)"
)
# "should be able to": a hedged promise is still a promise ("I should be able to send it Friday").
ABLE = (
    r"(?:\s+should\s+be\s+able\s+to"
    # "I should have the diagram to them by Friday" (not "should have sent it")
    r"|\s+should(?=\s+have\s+(?:the|a|an|it|them|everything|something|our|their|this|that|"
    r"these|those|all)\b))"
)
# "Priya from their side", "Sam on our team", "Jen from our end".
SIDE_OF = (
    r"(?:(?:their|our|my|the\s+customer's|the\s+client's)\s+(?:side|end|team|[\w-]+\s+team))"
)
COMMIT = re.compile(
    r"(?P<subj>"
    # I / I'll / ill / im going to
    # "me will send" (non-native English)
    + rf"(?P<i>\bi|\bme(?=\s+(?:will|wil|shall)\b))(?P<mi>'ll|ll\b|'m\s+{FUT}|m\s+{FUT}|\s+am\s+{FUT}"
    + rf"|\s+(?:will|wil|shall)\b|\s+{EXPECT_HAVE}"
    + rf"|{CAN}|\s+{STRONG}|\s+{STRONG_PERF}|'ve\s+(?:promised|committed|agreed|offered)"
    + rf"|{ABLE}|{REPORTED})"
    # we'll (apostrophe required: "well" is a word), we're going to
    # "me + Sam", "Sam and I": we
    + r"|(?P<we>\bwe|\b(?:me|i)\s*(?:\+|&|and)\s*(?-i:[A-Z])[\w.-]*"
    + r"|(?:(?-i:[A-Z])|@)[\w.-]*\s*(?:\+|&|and)\s*(?:me|i)\b)"
    + rf"(?P<mwe>'ll|'l\b|\s+(?:will|wil|shall)\b|'re\s+{FUT}|\s+(?:are|r)\s+{FUT}"
    + rf"|{CAN}|\s+{STRONG}|\s+{STRONG_PERF}|{ABLE}|\s+{EXPECT_HAVE}|{REPORTED})"
    # our SE / our team / our legal team
    + rf"|(?P<our>\bour{NP_WORD}{{1,4}}?|\b(?:eng|engineering|devs?|dev\s+team|product\s+team|"
    + r"solutions\s+engineering|support|customer\s+success|onboarding\s+team|implementation\s+team)\b)"
    + rf"(?P<mour>'ll|\s+(?:will|wil|shall)\b|\s+(?:is|are)\s+{FUT}|\s+{STRONG}|\s+{EXPECT_HAVE})"
    # they'll / theyll / they're gonna
    + rf"|(?P<they>\bthey)(?P<mthey>'ll|ll\b|\s+(?:will|wil|shall)\b|'re\s+{FUT}|re\s+{FUT}"
    + rf"|\s+(?:are|r)\s+{FUT}|\s+(?:gonna|gona)|\s+should\s+be\s+able\s+to|\s+{STRONG}|\s+{STRONG_PERF}"
    + rf"|\s+{EXPECT_HAVE}"
    + r"|'ve\s+(?:promised|committed|agreed|"
    + rf"offered)|{REPORTED})"
    # he'll / she's going to ("hell"/"shell" are words, so 'll needs its apostrophe)
    + rf"|(?P<hs>\b(?:he|she))(?P<mhs>'ll|\s+(?:will|wil|shall)\b|'?s\s+{FUT}|\s+is\s+{FUT}"
    + rf"|\s+should\s+be\s+able\s+to|\s+{STRONG}|\s+{STRONG_PERF}|{REPORTED})"
    # their CFO / the customer / the procurement guy
    + rf"|(?P<np>\b(?:their|his|her){NP_WORD}{{1,5}}?"
    + rf"|\bthe\s+(?:[\w-]+\s+)?{THEIR_ROLE}(?:'s)?{NP_WORD}{{0,2}}?"
    + rf"|\b{BARE_ROLE}(?:'s)?{NP_WORD}{{0,2}}?)"
    + rf"(?P<mnp>{THIRD_NP_MODAL})"
    # Acme / Acme's team / Acme legal / Dana from Acme / Lisa @ Umbrella / Legal at Hooli
    # (case-sensitive: names are capitalised)
    + rf"|(?P<name>(?:(?-i:(?!{NAME_STOP}\b)[A-Z][\w&.-]*(?:\s+(?!I\b)(?:&\s+)?[A-Z][\w&.-]*){{0,2}})"
    + rf"|(?={COMPANY_TEAM}\s+(?:from|at|@)\s+(?-i:[A-Z]))[\w]+)"
    # "Acme's team", "Acme legal", "Fabrikam data team"
    + rf"(?:'s{NP_WORD}{{1,2}}?|\s+(?-i:{COMPANY_TEAM})|(?:\s+(?-i:[a-z][\w-]*)){{0,2}}"
    + r"\s+(?-i:team|folks|people|group))?"
    + rf"(?:\s+(?:from|at|on|@)\s+(?:(?-i:[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)?)|{SIDE_OF}))?)"
    + r"(?P<paren>\s*\([^()]{1,40}\))?"
    + rf"(?P<mname>{THIRD_NP_MODAL})"
    # a mention: "<@U123> will host the kickoff" (whose side depends on who that is)
    + rf"|(?P<ment>@[\w.-]+)(?P<mment>{THIRD_NP_MODAL})"
    # "you'll have our signed copy by tomorrow": said to the other side, a delivery of ours
    + r"|(?P<you>\byou)(?P<myou>'ll|\s+will)\s+(?=(?:have|get|receive)\s)"
    # no subject: "will send it tomorrow", "gonna share the roadmap", "let me ...", "happy to"
    + r"|(?P<bare>(?:will|wil|gonna|gona|going\s+to|happy\s+to|let\s+me|lemme|"
    + r"(?:(?:the|our|my)\s+)?plan\s+is\s+to|planning\s+to)\b)"
    + r")",
    IGNORE,
)
# What the other side hands over, said without "is" in chat ("Oakline sending the logos Friday").
_HANDING_OVER = (
    r"(?-i:sending|sharing|emailing|forwarding|shipping|delivering|submitting|confirming|returning|signing)\b"
)
# A team of a named company after its name (round 8): "Ostara procurement is cutting the PO",
# "Redfern legal returning the DPA fri", "Hollins AP cutting the PO thurs".
_NAMED_TEAM = (
    r"(?:\s+(?-i:legal|procurement|finance|AP|IT|ops|security|facilities|analytics|HR|QA|counsel|"
    r"purchasing|accounts\s+payable)(?:\s+team)?)?"
)
# A bare team name opening the sentence is ours ("Legal will send the redlines back to
# Quillon"); the other side's is "their legal" or "Acme legal". Read as "our legal will ...".
OUR_TEAM_START = re.compile(
    r"(?:Legal|Marketing|Finance|Design|Creative|RevOps|Deal desk|Sales ops|Ops)(?= will\b)"
)
TEAM_INITIALS = frozenset("LMFDCRSO")
# Progressive-with-a-date commitments: "Sending the NDA tomorrow", "they're sending the PO".
PROGRESSIVE = re.compile(
    r"(?:(?P<g>\bi'm|\bim|\bi\s+am|\bwe're|\bwe\s+are|\b(?:eng|engineering|support|our(?:\s+[\w-]+){1,2})"
    r"\s+(?:is|are))"
    + r"|(?P<t>\bthey're|\btheyre|\bthey\s+are|\bhe's|\bshe's|\bhes|\bshes|\bhe\s+is|\bshe\s+is"
    + rf"|\btheir(?:\s+[\w-]+){{1,3}}?\s+(?:is|are)|\b(?:the\s+)?{THEIR_ROLE}(?:\s+[\w-]+){{0,2}}?"
    + r"\s+(?:is|are)"
    # chat drops the "is": "their ops sending the CSV Monday", "Oakline sending the logos Friday"
    + rf"|\btheir(?:\s+[\w&-]+){{1,2}}?(?=\s+{_HANDING_OVER})"
    + rf"|(?-i:(?!{NAME_STOP}\b|(?:Not|Stop|Still|Keep|Already|Now|Quit|Avoid|Re)\b)[A-Z][\w&-]*)"
    + rf"{_NAMED_TEAM}(?=\s+(?:{_HANDING_OVER}|cutting\b))"
    + rf"|(?-i:(?!{NAME_STOP}\b)[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){{0,2}})(?:'s(?:\s+[\w-]+){{1,2}}?)?"
    + _NAMED_TEAM
    # "Lena (their training lead) is sending ...": the bracket says whose side
    + r"(?:\s*\([^()]{1,40}\))?"
    + rf"(?:\s+(?:from|at|on)\s+(?:(?-i:[A-Z][\w&.-]*)|{SIDE_OF}))?\s+(?:is|are))"
    + r"|(?P<b>(?=\w+ing\b)))"
    + r"\s*(?P<ing>\w+ing)\b",
    IGNORE,
)
# The outward verbs a promise in the present tense is read with (non-native English).
PRESENT_VERBS = (
    "send", "share", "deliver", "provide", "forward", "return", "give", "prepare", "submit", "make", "revert",
)  # fmt: skip
# Substrings without which no rule can fire; checked with ``in`` on the lowered text, which
# is far cheaper than any regex and rejects most chatter outright.
QUICK = (
    "'ll", "\u2019ll", "ill", "wil", "sendin",  # round 8: "sendin sow tmrw"
    "on it", "am send", "are send", "am shar", "are shar",  # round 8: "I am send"
    "s us ", "s our ", "signs ", "sends ", "shares ", "returns ",  # round 8: "Halvard signs it Friday"
    "theyll", "shall", "gonna", "gona", "gunna", "going to", "happy to",
    "let me", "lemme", "plan", "promis", "commit", "agree", "offer", "intend", "can ",
    "'d ", "\u2019d ", "would", "ing", "able to", "should", "owe", "expect", "hook",
    "\u2018ll", "\u2018d ",  # normalise() reads a left quote as an apostrophe too ("I‘ll")
    "track to",  # "we're on track to deliver SSO by June 15"
) + tuple(  # a promise in the present tense: "I send you the proposal today evening"
    f"{who} {verb}" for who in ("i", "we") for verb in PRESENT_VERBS
)  # fmt: skip
# Action items ("Acme to send redlines by Fri") have no marker of their own; " to " is in most
# chat, so they are looked for only in messages that look like a list of next steps.
ITEM_MARKS = (
    "next step", "action item", "ai:", "ais:", "a/i", "to-do", "todo", "to do:", "follow-up",
    "follow up:", "owner", "\n-", "\n\u2022", "\n*", "\n1.", "- ", "\u2022 ",
)  # fmt: skip

# Sentence-level rejections.
QUESTION_START = re.compile(
    r"^(?:(?:will|wil|would|can|could|should|shall|do|does|did|are|is|was|were|have|has|had|"
    r"may|might|must|won't|wont|didn't|isn't|aren't|wouldn't|shouldn't|any\s+chance)\s+"
    r"(?:you|u|ya|they|we|i|he|she|it|their|the|our|your|this|that|anyone|someone|everyone|"
    r"(?-i:[A-Z])[\w&.-]*)\b"
    r"|(?:what|when|who|who's|whos|where|why|how|which|whose|anyone|any\s+idea)\b)",
    IGNORE,
)
CONDITIONAL_START = re.compile(
    r"^(?:if|unless|in\s+case|assuming|provided|as\s+long\s+as|what\s+if|even\s+if|only\s+if|"
    r"whether|should\s+(?:they|we|you|i|he|she|it|the|their)"
    # "As soon as they pay, we'll ship the units": a promise that waits on the other side
    r"|as\s+soon\s+as|whenever)\b",
    IGNORE,
)
# Keyword checks below run on ``_padded`` text (lowercased, punctuation -> spaces, padded
# with spaces) with plain ``in``: much faster than regex alternations scanned over the text.
PUNCT_TO_SPACE = str.maketrans({c: " " for c in ',.;:!?()[]{}"*_~`<>\u2013\u2014'})
# Said before the subject: "I think they'll sign" is a guess, not their promise.
HEDGE_KEYS = tuple(
    f" {k} "
    for k in (
        "i think", "i guess", "i hope", "hopefully", "maybe", "probably", "not sure", "i doubt",
        "i bet", "i feel like", "seems like", "sounds like", "wonder", "unclear", "no idea",
        "do you think", "if", "unless", "whether", "in case", "doubt", "hoping",
        "fingers crossed", "assume", "assuming", "expect", "pretty sure", "i'm sure", "im sure",
        # someone else's guess: "Sam thinks they'll sign", "we believe they'll renew"
        "thinks", "we think", "believes", "we believe", "reckons", "hopes", "guesses", "expects",
        "don't think", "dont think", "do not think", "not convinced",
        # a promise denied before it is made: "no way we'll have SSO ready by the 15th"
        "no way", "no chance",
    )
)  # fmt: skip
# Said with the other side's expectation, these make it their statement, not our forecast:
# "Initech expects to have everything signed by end of Q1, their CFO confirmed it in writing".
CONFIRMED_KEYS = tuple(
    f" {k} " for k in ("confirmed", "confirms", "committed", "in writing", "told us", "told me", "assured us",
                       "promised", "on record")
)  # fmt: skip
REPORT_VERBS = frozenset(
    "said says saying confirmed mentioned promised wrote emailed replied texted".split()
)
PAST_KEYS = tuple(
    f" {k} "
    for k in (
        "yesterday", "ago", "never did", "but never", "didn't", "did not", "already",
        "earlier today", "last week", "last wk", "last month", "last quarter", "last year",
        "last time", "last night", "last monday", "last tuesday", "last wednesday",
        "last thursday", "last friday",
    )
)  # fmt: skip
# A promise reported together with its breaking: "they promised X and delivered nothing".
BROKEN_KEYS = tuple(
    f" {k} "
    for k in (
        "never", "nothing", "didn't", "did not", "haven't", "hasn't", "yet to", "fell through",
        "backed out", "reneged", "walked back", "still waiting", "still no",
    )
)  # fmt: skip
# A promise reported together with its delivery is news, not an open item: "I promised them
# the deck and sent it an hour ago".
DONE_KEYS = tuple(
    f" and {k} " for k in ("sent", "shared", "delivered", "gave", "handed", "did", "already")
)
IF_KEYS = tuple(
    f" {k} " for k in ("if", "unless", "as long as", "assuming", "provided", "in case", "whenever",
                       # "I'll set up a reference call once they ask": an offer, on request
                       "once they ask", "when they ask", "if asked", "once asked")
)


SELF_HEDGE_KEYS = tuple(
    f" {k} " for k in ("i think", "i believe", "i guess", "pretty sure", "i reckon", "i'm sure")
)
HARD_HEDGE_KEYS = tuple(
    f" {k} "
    for k in (
        "maybe", "not sure", "doubt", "whether", "hoping", "i hope", "hopefully", "if", "unless",
        "in case", "wonder", "probably", "no idea", "unclear", "fingers crossed", "no way",
        "no chance",
    )
)  # fmt: skip


OUTER_SUBJECT = re.compile(
    r"(?P<who>\b(?:they|he|she|their(?:\s+[\w-]+){1,3}?|the\s+" + THEIR_ROLE + r"(?:\s+[\w-]+)"
    r"{0,2}?|(?-i:(?!" + NAME_STOP + r"\b)[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,2})"
    r"(?:'s(?:\s+[\w-]+){1,2}?)?))\s+(?:just\s+|also\s+)?(?:said|says|told\s+\w+|confirmed|mentioned|promised|"
    r"assured\s+\w+|wrote|emailed|replied)(?:\s+that)?\s*:?\s*$",
    IGNORE,
)
LEAD_ADVERBS = re.compile(
    r"^(?:(?:also|just|definitely|def|totally|personally|then|quickly|still|gladly|happily|"
    r"certainly|absolutely|for\s+sure|asap|actually|first|now|be\s+sure\s+to|try\s+and|"
    r"go\s+ahead\s+and|circle\s+back\s+and)\s+)+",
    IGNORE,
)
VP_REJECT = re.compile(
    r"^(?:not|n't|never|no\b|nothing|probably|prob|likely|maybe|possibly|hopefully|perhaps|"
    r"try\s+to|be\s+able|rather|need|have\s+to|want|wanna|see|think|know|eventually|"
    r"always|someday|both|all|either)\b",
    IGNORE,
)
REPORTED_CLAUSE = re.compile(r"^(?:that\s+)?(?:they|he|she|we|i|it)(?:'|\s)", IGNORE)
STRONG_OK_OBJECT = re.compile(
    r"^(?!(?:that|with|it|this|we|they|but|and|on\s+it|so|too|as|if|about|myself|ourselves|"
    r"themselves|himself|herself)\b)\w", IGNORE
)

# Text normalisation.
SLACK_ANGLE = re.compile(r"<([^<>|\n]{1,500})(?:\|([^<>\n]{0,500}))?>")
# A mention that opens a message addresses someone ("@sam I'll send it") unless a modal follows
# it, which makes it the subject ("@sam will send it").
MENTION_IS_SUBJECT = (
    r"(?!\s*(?:'ll|will|wil|is\s+going|is\s+gonna|gonna|is\s+sending|can)\b|\s*(?:\+|&|and)\s*(?:me|i)\b)"
)
LEADING_MENTION = re.compile(r"^(?:\s*@[\w.-]+(?![\w.-])[,:]?)+" + MENTION_IS_SUBJECT + r"\s*")
# Openers that carry no content. Some need punctuation after them to count as openers
# ("update: they'll send..." but not "update the deck"); others are safe with just a space.
FILLER = re.compile(
    r"^(?:(?:(?:ok(?:ay)?|sure|yep|yes|yeah|yup|cool|great|perfect|awesome|nice|"
    r"sounds\s+good|thanks(?:\s+(?:all|team|everyone))?|thank\s+you|ty|update|quick\s+update|"
    r"heads\s+up|np|no\s+worries|on\s+it|will\s+do|can\s+do|got\s+it|noted|done|absolutely|"
    r"makes\s+sense|sure\s+thing|good\s+(?:point|call|idea)|thx|totally|alright|roger|agreed|"
    r"of\s+course|for\s+sure|re\s+[\w-]+)\s*[,:!.\-\u2013\u2014]+\s*)"
    r"|(?:@[\w.-]+(?![\w.-])(?!\s*(?:'ll|will|wil|is\s+going|gonna|can)\b|\s*(?:\+|&|and)\s*(?:me|i)\b)"
    r"|ok(?:ay)?|k|fyi|btw|also|"
    r"and|so|fwiw|ps|heads\s+up)(?:\s*[,:!.\-]+\s*|\s+)"
    # "in the meeting their CTO agreed ...": where it was said, not who said it
    r"|(?:in|on|during|after)\s+(?:the|our|today's|this|that)\s+(?:call|meeting|demo|sync|convo|"
    r"chat|session|zoom|qbr)\s*,?\s+)+",
    IGNORE,
)
# A sentence ends at . ! ? followed by space/end (so "2.5" and "docs.google.com" survive).
SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n+")
# ... but a title's dot ends no sentence: "Mr. Weber", "Dr. Lee" (used only when one is there)
TITLED_SENTENCE_END = re.compile(r"(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bMrs)(?<!\bSt)[.!?]+(?=\s|$)|\n+")
TITLES = ("Mr.", "Ms.", "Dr.", "Mrs.", "St.")
EMOJI_CODE = re.compile(r":[a-z0-9_+\-]{2,30}:", IGNORE)
KEEP_AT_END = frozenset(")]\"'%$€£")
DANGLING = frozenset(
    "to for and with at on by in through thru until starting from the of a an latest".split()
)
MARKS = re.compile(r"(?<![\w])[*_~`]+|[*_~`]+(?![\w])")


THEIR_TYPO = re.compile(
    r"\b(?:thier|theri|ther|thie|thir)\b|\b(?:there|they'?re)(?=\s+(?:legal|procurement|finance|"
    r"security|it|cfo|ceo|cto|coo|ciso|cio|vp|team|admin|champion|sponsor|head|ops|data|pm|"
    r"counsel|buyer|exec|board|side)\b)",
    IGNORE,
)


OBJECT_WORDS = frozenset("the a an their them your you it this that these those".split())
PERSON_FILLERS = frozenset("from on in at our my to".split())

INTERNAL_KEYS = tuple(
    f" {k} "
    for k in (
        "in the crm", "in crm", "to the crm", "to crm", "the crm", "in hubspot",
        "in salesforce", "in sfdc", "in pipedrive", "in close", "forecast", "pipeline review",
        "deal review", "deal desk", "internally", "internal", "reminder", "my manager",
        "approval from", "sign off from", "the opp", "this opp", "opp stage", "deal stage",
        # marketing automation: "add their contacts to the nurture sequence"
        "nurture", "to the sequence", "drip",
    )
)  # fmt: skip
# Verbs that are as often internal as external; for gives they need the other side in the
# phrase ("ping their admin", "ask our CEO to join the call with them").
INTERNAL_LEANING = frozenset(
    "ping ask check review sync update add plan look dig investigate sort escalate push "
    "prioritise prioritize test text email call meet chase nudge prep file talk "
    # as often our own chores as something for them: "register for Dreamforce", "fill out
    # the expense report", "stop by the office"
    "register nominate designate staff provision fill stop pop swing socialize socialise "
    "apply export request pitch open".split()
)
EXTERNAL = re.compile(
    r"\b(?:them|they|their|theirs|you|u|your|him|her|over|the\s+(?:customer|client|buyer|"
    r"prospect|champion|partner))\b",
    IGNORE,
)


PROGRESSIVE_OBJECT = re.compile(
    r"\s+(?:the|a|an|them|you|u|him|her|it|this|that|these|those|their|our|my|over|out|back|"
    r"up|along|across|\d)\b"
    # "Sending Tom the pricing": a person, then the thing
    r"|\s+(?-i:[A-Z][\w-]+)\s+(?:the|a|an|our|their|his|her|it|this|that|over|back)\b",
    IGNORE,
)
# Verbs that are never nouns take a bare object too: "sending pricing to their buyer by 5pm"
# (while "Meeting moved to Thursday", "Pricing approved" are nouns).
PLAIN_OBJECT_ING = frozenset(
    "sending resending sharing emailing forwarding shipping delivering circulating submitting".split()
)
# ... when it is sent somewhere: "sending pricing to their buyer", not "sending good vibes"
BARE_OBJECT = re.compile(r"\s+(?-i:[a-z])[\w-]+(?:\s+[\w-]+){0,2}?\s+(?:to|over|with)\b")
# A time alone is a due date only after "by/before/until": "at 2am" is when, not a deadline.
CLOCK_ONLY = re.compile(CLOCK, IGNORE)
# "we're sending too many discounts": an opinion about what we do, not a delivery
PROGRESSIVE_OPINION = re.compile(r"\s+(?:too|so|way\s+too)\s+(?:many|much)\b", IGNORE)
# Said anywhere in the sentence, these make it an opinion: "... this quarter imo"
OPINION_KEYS = (" imo ", " imho ", " in my opinion ", " in my humble opinion ")
# Standing terms of a contract are not a new promise: "per the contract, they will pay within
# 30 days of invoice".
TERMS_KEYS = tuple(
    f" {k} " for k in ("per the contract", "per our contract", "per the msa", "per the agreement",
                       "per the terms", "under the contract", "under the msa", "under the agreement",
                       "days of invoice", "days of receipt", "per the sow", "per our sow", "per the sla",
                       "per our sla", "per our terms", "per the order form", "under the sow")
)  # fmt: skip
# Said with the other side's promise, these doubt it: "they'll send the PO next week like they
# have for a month". Only read once a promise of theirs is found (they are rare, the check
# is not free).
SKEPTIC_KEYS = (" like they have ", " like they did ", " like last time ", " yeah right ",
                " yeah sure ", " believe it when ", " as if ", " any day now ", " as always ",
                " pigs fly ", " hell freezes over ")
# So does an eye-roll: "sure, they'll sign by Friday 🙄". Our own promises keep it ("I'll send
# the deck again by Monday 🙄").
DOUBT_MARKS = ("\U0001f644", "\U0001f643", "\U0001f612", ":roll_eyes:", ":upside_down_face:",
               ":unamused:")
# A clause after these is a condition, a time or denied, not a promise: "not sending the
# discount until they commit to the 3-year term", "not going to send it".
SUBORDINATE_ENDS = frozenset("until till unless once when whenever after before not never".split())
# A note to colleagues about news still to come is not a commitment to the other side:
# "I'll ping you once they reply", "will post here as soon as they sign", "I'll let you know
# once legal signs off". Unless the other side is the one pinged before the "once".
NOTIFY_WHEN = re.compile(
    r"^(?:ping|update|post|loop\s+back|circle\s+back|follow\s+up|report\s+back|shout|holler|"
    r"flag\s+it|tell|drop\s+a\s+(?:note|line|msg|message)|let\s+(?:\S+\s+){1,2}?know|"
    r"give\s+\S+\s+a\s+(?:shout|heads[\s-]?up|ping|holler|nudge)|"
    r"keep\s+\S+\s+(?:posted|updated|in\s+the\s+loop))"
    r"(?P<between>(?:\s+\S+){0,6}?)\s+(?:once|when|whenever|as\s+soon\s+as|the\s+moment|after)\b",
    IGNORE,
)
WHEN_KEYS = (" once ", " when ", " whenever ", " as soon as ", " the moment ", " after ")
OUTWARD = re.compile(
    r"\b(?:them|they|their|theirs|the\s+(?:customer|client|buyer|prospect|champion|partner))\b",
    IGNORE,
)
# Struck-out text (Slack ``~…~``) was taken back: "~I'll send the SOW tomorrow~ holding".
STRIKE = re.compile(r"(?<![\w~])~[^~\n]+~(?![\w~])")
# Code blocks quote logs and configs, not people: "```// TODO: we'll send the header```".
CODE_FENCE = re.compile(r"```.*?(?:```|\Z)", re.DOTALL)
# "proposal going out to Globex EOD today", "contract going out to @U1 for signature
# tomorrow": a deliverable of ours leaving, said without a subject. The thing is a few words
# of a noun phrase; where it goes is the other side (a name, a mention, them), never lunch.
GOING_OUT = re.compile(
    r"^(?:the\s+|our\s+|a\s+)?(?P<thing>(?!(?:i|we|they|he|she|you|it|everyone|team)\b)"
    r"[\w/-]+(?:\s+(?!is\b|are\b|going\b|goes\b)[\w/-]+){0,3}?)\s+(?:is\s+|are\s+)?"
    # "Retainer agreement for Oakline goes out Monday", "hours report goes to Tessera's PMO Friday"
    r"(?:(?:going|heading|goes)\s+out|goes(?=\s+to\s+(?:@[\w.-]+|them|their\s|(?-i:[A-Z]))))"
    r"(?P<rest>(?:\s+to\s+(?:@[\w.-]+|them|their\s+[\w-]+|(?-i:[A-Z])[\w&.'-]*(?:\s+[\w-]+)?))?\b.*)$",
    IGNORE,
)
GOING_OUT_NOT = re.compile(r"\b(?:lunch|dinner|drinks|office|site|onsite|hq|visit|town)\b", IGNORE)
# "at Friday's budget review", "in tomorrow's call": the day of a meeting the thing is due at.
MEETING_DAY = re.compile(
    rf"\b(?:at|in|during|on|by|before)\s+(?P<due>{DAYS}|{TOMORROW}|today)'s\s+(?:[\w-]+\s+){{0,2}}?"
    r"(?:call|meeting|review|sync|demo|session|standup|workshop|qbr|kickoff|board)\b",
    IGNORE,
)
# "their" people who are not the other side: "their competitor will undercut us", "their old
# vendor promised to migrate the data".
THIRD_PARTY = re.compile(
    r"^(?:their|the)\s+(?:[\w-]+\s+)?(?:competitors?|competition|incumbent|(?:(?:old|previous|"
    r"current|existing|former|other)\s+|ex-?)(?:vendors?|providers?|suppliers?)|auditors?|"
    r"investors?|landlord|customers|clients)\b",
    IGNORE,
)
# Who opens a quote with a colon: 'Per their CFO: "we'll ..."', 'Dana from Acme: "we'll ..."'.
COLON_SPEAKER = re.compile(
    r"(?:^|\b(?:per|from|quoting)\s+)(?P<who>they|their(?:\s+[\w-]+){1,3}|the\s+"
    + THEIR_ROLE
    # a name, not a heading ("Recap:", "Next steps:")
    + rf"|(?-i:(?!{NAME_STOP}\b|(?:Recap|Update|Note|Notes|Summary|Action|Next|Status|FYI|Fyi|"
    r"Heads|Re|Me|Us|Quote|Quoting|Agenda|Outcome|Decision|Ask|Asks|TLDR|TL)\b)"
    r"[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,2})"
    r"(?:\s+(?:from|at|@)\s+(?-i:[A-Z])[\w&.-]*)?)"
    # "From Anna's email:", "quoting their GC from the thread:"
    r"(?:'s\s+(?:email|e-mail|note|message|reply|mail|text))?"
    r"(?:\s+(?:from|in|on)\s+the\s+(?:thread|email|call|chat|doc))?\s*:\s*$",
    IGNORE,
)
# Said after a promise, a new date replaces its own: "I'll send it Thursday — scratch that, Wednesday".
CORRECTION = re.compile(
    r"(?:scratch\s+that|no\s+wait|wait\s+no|make\s+(?:that|it)|correction|i\s+mean"
    # round 8: "I'll send it Wednesday — actually Thursday", "tomorrow, sorry, Friday"
    r"|[,\u2014\u2013]\s*(?:actually|sorry|no(?=,)))\s*[,:;\u2014\u2013-]?\s*"
    r"(?P<due>[^,;.!?]{2,30}?)\s*[.!]*$"
    # "over Thursday, Friday at the latest", "tonight, or tomorrow morning latest", "I'm out
    # Friday, Thursday then": the day said last
    r"|,\s*(?:or\s+)?(?P<last>[^,;.!?]{2,30}?)\s+(?:(?:at\s+the\s+)?latest|then)\s*[.!]*$",
    IGNORE,
)
# Cheap gate for shorthand without a verb of promise ("sow to them by eow"): a due word.
SHORTHAND_GATE = (
    "tmrw", "tomorrow", "today", "tonight", "eod", "eow", "eom", "cob", "mon", "tue", "wed", "thu", "fri",
    "week", "month", " by ", "noon", "eta", "due", "\u2192", "->",
)  # fmt: skip
# ... and one of the shapes it takes; both are needed before the full reading is tried.
SHORTHAND_MARKS = (
    " to ", " from ", " out", "\u2192", "->", " on me", " on us", " on them", "eta", "\n-", "\n\u2022", "\n*",
    "- ", "\u2022 ",
)  # fmt: skip
# An action item: "Acme to send redlines by Fri", "me to send the revised SOW by Monday",
# "AI: their IT team to whitelist our IPs" (said at the start of a clause or a list item).
ACTION_ITEM = re.compile(
    r"(?:(?P<ours>me|us|our(?:\s+[\w-]+){1,2}?)|(?P<ment>@[\w.-]+)"
    r"|(?P<theirs>they|them|their(?:\s+[\w-]+){1,3}?|the\s+(?:[\w-]+\s+)?" + THEIR_ROLE
    + r"|" + BARE_ROLE
    + rf"|(?-i:(?!{NAME_STOP}\b)[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){{0,2}})"
    r"(?:\s+(?:from|at|@)\s+(?-i:[A-Z])[\w&.-]*)?))\s+to\s+(?=\w)",
    IGNORE,
)
# "we owe them the pricing by Friday", "they owe us the signed MSA by Friday": a debt with a date.
OWE = re.compile(
    r"(?:(?P<ours>we|i)|(?P<theirs>they|their(?:\s+[\w-]+){1,3}?|the\s+(?:[\w-]+\s+)?"
    + THEIR_ROLE + r"))\s+(?:still\s+)?owes?\s+(?:them|us|you|u|(?-i:[A-Z])[\w&.-]*)\s+(?P<thing>.+)",
    IGNORE,
)
# "expect the SOW from us by Friday": our delivery announced to them ("expect delays from
# them" is a forecast, so only our side).
EXPECT_FROM = re.compile(
    r"(?:you\s+can\s+)?expect\s+(?P<thing>.{1,60}?)\s+from\s+(?:us|me|our\s+[\w-]+)\b(?P<rest>.*)",
    IGNORE,
)
# Tools, analysts and vendors named as a subject are neither side: "SFDC will send the
# reminder email tomorrow", "Gartner will publish the MQ next month".
NOT_A_PARTY = frozenset(
    """sfdc salesforce hubspot gong chorus clari outreach salesloft zoom slack okta aws gcp azure
    jira zapier gmail outlook calendly docusign pandadoc gartner forrester idc google microsoft
    linkedin deloitte accenture kpmg pwc ey mckinsey bain bcg capgemini fedex ups dhl usps
    docusign's""".split()
)
# Said after a promise, these take it back: "I'll send it. jk, Sam is sending it".
RETRACT_KEYS = tuple(
    f" {k} " for k in ("jk", "just kidding", "scratch that", "nvm", "never mind", "nevermind",
                       "ignore that", "disregard that")
)  # fmt: skip
# After "and", a subjectless "will" keeps the subject before it: "their legal team is reviewing
# the DPA and will send comments by Friday" is theirs.
THIRD_START = re.compile(
    rf"^(?:they|he|she|their|the\s+(?:[\w-]+\s+)?{THEIR_ROLE}|{BARE_ROLE})\b"
    rf"|^(?-i:(?!{NAME_STOP}\b)[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){{0,2}})(?:\s+(?-i:{COMPANY_TEAM}))?"
    r"(?:\s+(?:from|at|@)\s+\S+)?\s+(?:is|are|has|have)\b",
    IGNORE,
)
# "our champion at Acme", "our contact over at Globex": our friend, on the other side.
OUR_MAN_THERE = re.compile(
    r"^our\s+(?:main\s+|key\s+|best\s+)?(?:champion|contact|sponsor|buyer|friend|guy|gal|person|"
    r"coach|insider|ally|poc)\s+(?:at|from|@|over\s+at|in)\s+(?-i:[A-Z])",
    IGNORE,
)
# Someone named doing a job for the other side rather than for us: "Accenture will deliver the
# implementation plan to Acme", "FedEx will deliver the hardware to their site", "Deloitte will
# finish their audit of Acme". A named subject is read as the other side; with the other side
# as the receiver, it is a third party.
SERVES_OTHERS = re.compile(
    rf"\b(?:to|for|of|at)\s+(?:their\b|them\b|(?!{DAYS}\b|{MONTHS}\b)(?-i:[A-Z][a-z&])[\w&.-]*"
    r"(?:'s)?(?:\s|$))",
    IGNORE,
)
# A firm named by what it does is a third party (an adviser, a carrier, a law firm), not the
# buyer: "Crestview Advisory will wrap up the audit by end of June". The buyer's own acts
# (BUYER_VERBS) and anything for us still count: "Sapphire Hosting will send us the PO".
FIRM_SUFFIXES = frozenset(
    """Advisory Advisors Advisers Consulting Consultants Consultancy Partners LLP Freight Logistics
    Shipping Couriers Movers Analytics Research Hosting Law Audit Auditors Associates Accountants
    Staffing Recruiting""".split()
)
BUYER_VERBS = frozenset(
    "sign countersign pay approve buy purchase renew expand order procure wire remit fund raise "
    "issue confirm decide commit cut".split()
)
# A named subject working on our own numbers is a colleague: "Sam will present our Q2 numbers".
COLLEAGUE_KEYS = tuple(
    f" {k} " for k in ("our numbers", "our forecast", "our pipeline", "our quota", "our q1", "our q2",
                       "our q3", "our q4", "our leadership", "our team meeting", "our kickoff")
)  # fmt: skip
FOR_US = re.compile(r"\b(?:us|our|we|you|u|your|me|my)\b", IGNORE)
# Whose words open a line with a colon, without quotes: "Their buyer: we'll send it Friday".
# Only the other side named as such; a bare name may be ours ("Marta: we'll send it").
THEIR_SPEAKER = re.compile(
    rf"^(?:they|their\s+[\w-]+(?:\s+[\w-]+){{0,2}}|the\s+(?:[\w-]+\s+)?{THEIR_ROLE})$", IGNORE
)
# An action item with its owner before a colon, in a list: "- me: send pricing by Thurs",
# "- Kenji (Acme): confirm the seat count".
OWNER_COLON = re.compile(
    r"^[-*\u2022\u2013\u2014]\s*(?:(?P<ours>me|us|our\s+[\w-]+)|(?P<ment>@[\w.-]+)"
    r"|(?P<theirs>they|them|their\s+[\w-]+|"
    rf"(?-i:(?!{NAME_STOP}\b|(?:Recap|Update|Note|Notes|Summary|Action|Next|Status|FYI|Heads|Re|"
    r"Agenda|Outcome|Decision|Ask|Asks|TLDR|Timeline|Owner|Due|Todo|Blocker|Blockers|Risk|Risks|"
    r"Goal|Goals|Scope|Q|A|Pros|Cons|Context|Why|Who)\b)[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)?)))"
    r"(?:\s*\([^()]{1,40}\))?\s*:\s*(?=\w)",
    IGNORE,
)
# Non-native English often promises in the present: "I send you the proposal today evening",
# "we deliver the docs on Friday". Only a few outward verbs, with an object, with a date.
PRESENT_PROMISE = re.compile(
    rf"^(?P<subj>i|we)\s+(?P<verb>{'|'.join(PRESENT_VERBS)})\s+"
    r"(?=(?:you|u|them|him|her|it|the|our|a|an|this|these|those|over|back)\b)",
    IGNORE,
)
# ... or after the date it is for: "Tomorrow we send technical doc to Herr Müller".
PRESENT_AFTER_DATE = re.compile(
    rf"^(?P<lead>(?:first\s+thing\s+)?(?:{TOMORROW}|today|tonight|(?:on\s+)?{DAYS}|this\s+(?:evening|afternoon)))"
    rf"\s*,?\s+(?P<subj>i|we)\s+(?P<verb>{'|'.join(PRESENT_VERBS)})\s+(?=\w)",
    IGNORE,
)
# ... but not a habit: "we send them a report every Friday"
HABITUAL_KEYS = tuple(
    f" {k} " for k in ("every", "each", "usually", "always", "normally", "typically", "often", "weekly",
                       "monthly", "daily")
)  # fmt: skip
# A report that denies the promise: "they never said they would sign"
# A quoted line in Slack: "> text" (mrkdwn), or "&gt; text" as the raw event carries it.
QUOTE_LINE = re.compile(r"^\s*(?:>|&gt;)")
DENIED_REPORT_KEYS = tuple(
    f" {k} "
    for k in ("never", "didn't", "did not", "not", "hasn't", "haven't", "doesn't", "don't",
              "nobody", "no one", "keep saying", "keeps saying", "kept saying")
)  # fmt: skip
# An appositive between a subject and its modal: "Their champion, Lisa, is gonna ..." or
# "Sam, our SE, will ...". The first is read without the name, the second with the role
# in brackets, which is how the subject patterns read a side marker after a name.
_APPOS_MODAL = (
    r"(?=(?:will|wil|shall|'ll|is\s+(?:going\s+to|gonna)|are\s+(?:going\s+to|gonna)|promised|"
    r"agreed|committed|has\s+(?:promised|agreed|committed)|said|says|confirmed|mentioned)\b)"
)
APPOS_NP_NAME = re.compile(
    r"\b(?P<np>(?:their|our|the)\s+[\w-]+(?:\s+[\w-]+){0,2}),\s+"
    r"(?-i:[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,2}),\s+" + _APPOS_MODAL,
    IGNORE,
)
# A neutral aside between commas ("their team, honestly, will send it") is dropped so the
# subject before it still counts; hedges ("their team, probably, will") are left to the
# hedge check, which reads them before the modal.
APPOS_ASIDE = re.compile(
    r",\s+(?:honestly|actually|definitely|for\s+sure|again|also|btw|fyi|in\s+fact|"
    r"as\s+(?:promised|agreed|discussed)),\s+" + _APPOS_MODAL,
    IGNORE,
)
APPOS_NAME_NP = re.compile(
    r"(?P<name>(?-i:\b[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,2})),\s+"
    r"(?P<np>(?:their|our|my|the)\s+[^,()]{1,40}?),\s+" + _APPOS_MODAL,
    IGNORE,
)


# --------------------------------------------------------------------------------------
# Meetings that just ended
# --------------------------------------------------------------------------------------

MEETING_NOUN = (
    r"(?:call|phone|meeting|demo|sync|zoom|teams\s+call|hangout|chat|convo|conversation|"
    r"session|qbr|workshop|kickoff|kick-off|catch[\s-]?up|check[\s-]?in|"
    r"discovery(?:\s+call)?|intro(?:\s+call)?|onsite|review|presentation|pitch|lunch|dinner|"
    r"coffee)"
)
TOPIC_STOP = (
    r"(?:today|tonight|this|went|was|is|just|and|but|earlier|yesterday|about|on|for|at|to|"
    r"re|so|were|are|has|had|team|folks|guys|people|crew|lol|all|this|that)"
)
TOPIC = (
    rf"(?P<topic>(?:the\s+)?(?!{TOPIC_STOP}\b)[^\s,.!?;:()]+"
    rf"(?:\s+(?!{TOPIC_STOP}\b|[-\u2013\u2014])[^\s,.!?;:()]+){{0,3}})"
)
MEETING_PATTERNS = (
    re.compile(
        r"\b(?:just\s+)?(?:got\s+off|hopped\s+off|jumped\s+off|off|out\s+of|back\s+from|"
        r"finished|wrapped(?:\s+up)?|done\s+with|came\s+out\s+of|left|ended)\s+"
        rf"(?:the|a|our|my|an)?\s*(?:[\w-]+\s+)?{MEETING_NOUN}\s+(?:with|w/|at)\s+{TOPIC}",
        IGNORE,
    ),
    re.compile(
        rf"\b(?:just\s+)?(?:had|did|ran|held)\s+(?:a|the|our|an)?\s*(?:[\w-]+\s+)?{MEETING_NOUN}"
        rf"\s+(?:with|w/|at)\s+{TOPIC}",
        IGNORE,
    ),
    re.compile(
        r"\b(?:great|good|solid|productive|awesome|rough|tough|quick|nice|long|amazing|"
        r"excellent|positive|fantastic|strong|promising|interesting|useful|helpful|fun|"
        r"brutal|tricky|decent|ok|okay)\s+"
        rf"{MEETING_NOUN}\s+(?:with|w/|at)\s+{TOPIC}",
        IGNORE,
    ),
    re.compile(
        rf"\b{MEETING_NOUN}\s+(?:with|w/|at)\s+{TOPIC}\s+(?:went|was|is\s+done|just\s+ended|"
        r"wrapped|ended|finished|is\s+over|done)\b",
        IGNORE,
    ),
    re.compile(rf"\bjust\s+met\s+with\s+{TOPIC}", IGNORE),
    # The topic starts a word: tried at every capital inside one (2,000 capitals in a row),
    # the search was quadratic, a third of a second per message with the interpreter held.
    re.compile(
        rf"(?-i:(?<![\w&.-])(?!{NAME_STOP}\b)(?P<topic>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){{0,2}}))\s+"
        rf"{MEETING_NOUN}\s+(?:went|was|is\s+done|just\s+ended|wrapped|ended|finished|"
        r"is\s+over)\b",
        IGNORE,
    ),
)
MEETING_FUTURE = re.compile(
    rf"\b(?:{TOMORROW}|tonight|next|later|upcoming|soon|in\s+\d+|at\s+\d|on\s+{DAYS}|"
    r"scheduled|booked|will|'ll|going\s+to|gonna|prep(?:ping|are)?|before|ahead\s+of|"
    r"reschedul\w*|moved|postponed|cancel\w*|need\s+to|should|let's|lets|looking\s+forward)\b",
    IGNORE,
)
# Where the clause around the meeting mention ends: "got off the call with Acme, they'll
# send the PO tomorrow" is a finished meeting followed by a separate (future) clause.
CLAUSE_EDGE = re.compile(r"[,;:\u2013\u2014]|\s-\s|\s(?:and|but|so)\s", IGNORE)
TOPIC_LEAD = re.compile(r"^the\s+", IGNORE)
TOPIC_TAIL = re.compile(r"(?:'s)?\s+(?:team|folks|guys|people|crew)$", IGNORE)
NOT_TOPICS = frozenset({"them", "him", "her", "the", "you", "us", "a", "everyone", "it"})


