"""Deal stage changes read from CRM notifications posted into Slack.

HubSpot, Salesforce, Pipedrive, Close, Zoho, Copper and home-grown Zapier flows all announce
"deal X moved to stage Y" differently: one sentence, a header plus fields, an arrow between
two stage names, a celebratory "Deal won: X". :func:`parse_crm_post` recognises those shapes
in already-flattened text (see :mod:`bot.domain.message_text`) and returns a
:class:`StageChange`, or None for anything else.

Design notes:

* Every candidate stage must map to a known :class:`Stage` through
  :func:`bot.domain.stages.normalize_stage`. That is what keeps "Deal amount changed from $10k
  to $12k" or "we moved the meeting to Friday" from turning into stage changes: the regexes
  find *where* a stage would be, the synonym table decides whether it is one.
* Lines that read like a person talking (start with a pronoun, end with "?") are skipped for
  the built-in shapes, so chatter about deals does not move the pipeline.
* Channel-specific user patterns run first, on RE2 (:mod:`bot.domain.user_patterns`), which
  matches in linear time whatever a channel member writes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain import user_patterns
from bot.domain.message_text import clean_mrkdwn
from bot.domain.stages import Stage, normalize_stage

__all__ = [
    "MAX_PATTERN_LENGTH",
    "MAX_USER_PATTERN_TEXT",
    "StageChange",
    "parse_crm_post",
    "validate_pattern",
]

MAX_PATTERN_LENGTH = user_patterns.MAX_PATTERN_LENGTH
MAX_USER_PATTERN_TEXT = user_patterns.MAX_TEXT
validate_pattern = user_patterns.validate_pattern
# Built-in parsing is linear-ish, but there is no reason to scan a novel.
_MAX_TEXT = 20_000
_MAX_DEAL_LEN = 150
# Notification lines are short; a longer line is prose (or an attack on the lazy patterns,
# whose backtracking grows with line length), so the line shapes skip it.
_MAX_LINE = 500
_MAX_STAGE_WORDS = 6


@dataclass(frozen=True)
class StageChange:
    """A deal moved to ``stage`` (from ``from_stage`` when the post says so).

    ``raw_stage`` is the stage name exactly as the CRM wrote it, for display and debugging.
    """

    deal: str
    stage: Stage
    from_stage: Stage | None
    raw_stage: str


# --------------------------------------------------------------------------------------
# Stage words
# --------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
_HAS_LETTER = re.compile(r"[^\W\d_]")
# Words CRMs put in front of the stage name: "to stage Contract Sent", "to dealstage won".
_STAGE_LEAD = frozenset({"the", "stage", "status", "dealstage", "deal"})
# Words that may directly follow a stage name without being part of it
# ("moved to Won by Jane", "Contract Sent in pipeline Sales", "from Qualified to ...").
_STAGE_STOP = frozenset(
    {
        "in", "on", "by", "for", "at", "from", "via", "with", "within", "pipeline", "and",
        "after", "stage", "today", "yesterday", "to", "probability", "amount", "owner",
        "was", "is", "has", "reason", "because", "due", "since", "as", "of", "just", "now",
        "value", "close", "expected", "prob", "weighted", "previous", "previously", "old",
        "new", "deal", "opportunity", "opp", "status", "pct", "percent", "automatically",
    }
)  # fmt: skip


def _stage_at(text: str, *, exact: bool = False) -> tuple[Stage, str] | None:
    """Find a stage name at the start of ``text``: (stage, raw text of the name).

    Tries the longest run of words first, so "Closed Lost" wins over "Closed". A shorter run
    only counts when what follows cannot be part of a name (punctuation, emoji, a number, or
    a stop word), so "moved to New York" does not read as stage "New". With ``exact`` the
    name must be all there is, apart from decoration and a percentage.
    """
    words = list(_WORD.finditer(text, 0, min(len(text), 400)))
    start = 0
    while start < len(words) - 1 and start < 3 and words[start].group().lower() in _STAGE_LEAD:
        start += 1
    if start >= len(words):
        return None
    limit = min(_MAX_STAGE_WORDS, len(words) - start)
    for n in range(limit, 0, -1):
        chunk = words[start : start + n]
        stage = normalize_stage(" ".join(w.group() for w in chunk))
        if stage is None:
            continue
        end = chunk[-1].end()
        after = start + n
        if exact:
            # Only decoration may follow: "Qualified (40%)", "Won 🎉", "'Contract Sent'".
            if _HAS_LETTER.search(text, end):
                continue
        elif after < len(words):
            nxt = words[after]
            nxt_word = nxt.group().lower()
            gap = text[end : nxt.start()]
            if gap.strip(" ") == "" and nxt_word not in _STAGE_STOP and not nxt_word.isdigit():
                continue
        raw = text[chunk[0].start() : end]
        return stage, raw
    return None


def _stage_exact(text: str) -> Stage | None:
    found = _stage_at(text, exact=True)
    return found[0] if found else None


# --------------------------------------------------------------------------------------
# Deal names
# --------------------------------------------------------------------------------------

_CRM_NAMES = (
    r"(?:hubspot|salesforce|sfdc|pipedrive|close(?:\.com|\.io)?|zoho(?:\s+crm)?|copper|crm)"
)
_DEAL_NOUN = r"(?:deal|opportunity|opp|potential)"
_CHANGE_VERB = r"(?:changed?|updated?|moved|alert|notification|progressed|advanced)"

# "HubSpot: Deal stage changed:", "[Salesforce] Opportunity Stage Change —", "Stage updated:".
_DEAL_HEAD = re.compile(
    rf"^(?:\[?{_CRM_NAMES}\]?\s*[:\-–—|]?\s*)?"
    rf"(?:{_DEAL_NOUN}\s+)?(?:(?:stage|status)\s+)?{_CHANGE_VERB}"
    r"(?:\s+(?:for|on|of))?\s*[:\-–—|]\s*",
    re.IGNORECASE,
)
_DEAL_HEAD_WORDY = re.compile(
    rf"^(?:{_DEAL_NOUN}\s+)?(?:stage|status)\s+(?:has\s+been\s+|was\s+)?"
    rf"(?:changed|updated|moved|set)\s+(?:for|on|of)\s+",
    re.IGNORECASE,
)
_DEAL_LEAD = re.compile(
    rf"^(?:(?:the|a)\s+)?(?:{_DEAL_NOUN}|lead|account)(?:\s+name)?\b\s*[:\-–—]?\s*",
    re.IGNORECASE,
)
_DEAL_TRAIL = re.compile(
    r"(?:\s*[:\-–—|·]\s*|\s+|['’]s\s+)"
    rf"(?:(?:{_DEAL_NOUN}|deal['’]s)\s*)?(?:(?:stage|status)\s*)?$",
    re.IGNORECASE,
)
_DEAL_TRAIL_CHANGE = re.compile(
    r"\s*[:\-–—|·]?\s*(?:(?:deal\s*)?stage|status)\s+(?:has\s+been\s+|was\s+)?"
    r"(?:changed|updated|moved)\s*$",
    re.IGNORECASE,
)
_DEAL_REASON = re.compile(
    r"\s*(?:[(\[]|[-–—|:,]\s*|\s)\s*(?:lost\s+)?(?:reason|because|due\s+to)\b.*$",
    re.IGNORECASE,
)
_DEAL_AMOUNT = re.compile(
    r"\s*(?:[(\[]\s*|[-–—|·,]\s*|\s(?:for|worth)\s+)[$€£¥]\s?[\d.,]+\s*[kKmM]?\s*[)\]]?\s*$"
)
_DEAL_IN_PIPELINE = re.compile(r"\s+in\s+(?:the\s+)?[\w -]{1,40}pipeline\s*$", re.IGNORECASE)
_QUOTES = "'\"“”‘’„«»`"
# Emoji, bullets and punctuation around a name, but not quotes: those are handled in pairs.
_EDGE_LEAD = re.compile(r"^[^\w'\"“”‘’„«»`]+")
_EDGE_TRAIL = re.compile(r"[^\w'\"“”‘’„«»`]+$")
_EDGE_SHORTCODE = re.compile(r"^(?:\s*:[a-z0-9_+\-]+:)+\s*|(?:\s*:[a-z0-9_+\-]+:)+\s*$", re.I)
_NOT_DEALS = frozenset(
    {
        "", "it", "this", "that", "the deal", "deal", "deals", "we", "i", "they", "you",
        "he", "she", "stage", "deal stage", "status", "opportunity", "the meeting",
        "meeting", "call", "the call", "everything", "something", "anything", "one",
        "moved", "updated", "changed", "update", "stage changed", "stage updated",
        "deal moved", "deal update", "deal updated", "notification", "alert",
    }
)  # fmt: skip


def _strip_edges(text: str) -> str:
    """Drop emoji, bullets, punctuation and wrapping quotes around a name.

    A closing bracket that balances one inside the name stays: "Acme (EMEA)".
    """
    core = _EDGE_LEAD.sub("", _EDGE_SHORTCODE.sub("", text))
    trail = _EDGE_TRAIL.search(core)
    if trail:
        tail, core = core[trail.start() :], core[: trail.start()]
        for closer, opener in ((")", "("), ("]", "[")):
            if tail.startswith(closer) and core.count(opener) > core.count(closer):
                core += closer
                break
    # Quotes go only as a wrapping pair, so '"Acme" – Phase 2' keeps its own quotes.
    while (
        len(core) >= 2
        and core[0] in _QUOTES
        and core[-1] in _QUOTES
        and not any(q in core[1:-1] for q in (core[0], core[-1]) if q != "'")
    ):
        core = _strip_edges(core[1:-1])
    if core and core[0] in _QUOTES and core[0] != "'" and core.count(core[0]) == 1:
        core = core[1:]  # a lone opening quote: "“Acme Corp"
    if core and core[-1] in _QUOTES and core[-1] != "'" and core.count(core[-1]) == 1:
        core = core[:-1]
    return core


def _clean_deal(raw: str) -> str | None:
    """Normalise a deal name captured by a pattern, or None when it is not a name."""
    deal = raw.strip()
    for _ in range(3):
        before = deal
        deal = _strip_edges(deal)
        deal = _DEAL_HEAD.sub("", deal)
        deal = _DEAL_HEAD_WORDY.sub("", deal)
        deal = _DEAL_LEAD.sub("", deal)
        deal = _DEAL_REASON.sub("", deal)
        deal = _DEAL_AMOUNT.sub("", deal)
        deal = _DEAL_IN_PIPELINE.sub("", deal)
        deal = _DEAL_TRAIL_CHANGE.sub("", deal)
        deal = _DEAL_TRAIL.sub("", deal)
        if deal == before:
            break
    deal = _strip_edges(deal)
    deal = " ".join(deal.split())
    if deal.lower() in _NOT_DEALS or len(deal) > _MAX_DEAL_LEN:
        return None
    if not any(ch.isalnum() for ch in deal):
        return None
    return deal


# --------------------------------------------------------------------------------------
# Line shapes
# --------------------------------------------------------------------------------------

_FLAGS = re.IGNORECASE
_TO = r"(?:to|into|→|->|=>|⇒|➡️?|➔)"
_FROM = r"(?:from\s+(?:stage\s+)?(?P<from>.+?)\s+)?"
_MOVE_VERB = (
    r"(?:moved|changed|progressed|advanced|updated|went|moves|transitioned|promoted|set|"
    r"pushed|dropped|regressed|was\s+moved|has\s+moved)"
)
_WONLOST = r"(?:closed[\s-]*won|closed[\s-]*lost|won|lost)"

# Human chatter starts like this; CRM notifications never do.
_CHATTER_START = re.compile(
    r"^(?:i|i['’]m|im|i['’]ll|we|we['’]re|we['’]ll|you|you['’]re|they|they['’]re|he|she|it|"
    r"let['’]?s|can|could|should|would|will|did|does|do|has|have|had|is|are|was|were|what|"
    r"when|where|who|why|how|which|hey|hi|hello|ok|okay|so|btw|fyi|lol|please|pls|maybe|"
    r"anyone|any|does|don['’]t|not|our|my|your|their|just)\b",
    _FLAGS,
)
# Tool names, emoji shortcodes, @-mentions (deal owners, @here) and brackets that CRM bots
# prefix their posts with.
_LINE_PREFIX = re.compile(
    rf"^(?:\s*(?::[a-z0-9_+\-]+:|@[\w.-]+[,:]?|[^\w\s'\"“‘*(\[]+|\[[^\]]{{1,30}}\]|{_CRM_NAMES}\s*[:|\-–—]"
    r"|(?:new\s+)?notification\s*[:|\-–—]))+\s*",
    _FLAGS,
)
_ARROW = re.compile(r"\s*(?:→|⟶|⇒|➡️?|➔|—>|-->|->|=>|»|\s>)\s*")

# "Deal won: Umbrella Corp", "Opportunity Closed Won - Acme", "Deal marked as lost: Hooli".
_HEAD_WONLOST = re.compile(
    rf"^(?:{_DEAL_NOUN}\s+(?:(?:was|has\s+been)\s+)?(?:marked\s+(?:as\s+)?)?|marked\s+(?:as\s+)?)"
    rf"(?P<rest>{_WONLOST}|closed)\b(?:\s*[:!\-–—|]+\s*|\s+)(?P<deal>\S.*)$",
    _FLAGS,
)
# "Won deal: Acme", "Closed won opportunity – Acme".
_HEAD_WONLOST2 = re.compile(
    rf"^(?P<rest>{_WONLOST})\s+{_DEAL_NOUN}\s*[:!\-–—|]\s*(?P<deal>\S.*)$",
    _FLAGS,
)
# "Acme Corp was marked as won", "Acme Corp deal marked Closed Lost", "Acme deal won!".
_TAIL_WONLOST = re.compile(
    rf"^(?P<deal>.+?)\s+(?:(?:{_DEAL_NOUN})\s+)?(?:(?:was|has\s+been|is|got)\s+)?"
    rf"(?:(?:marked|set|closed)\s+(?:as\s+)?)?(?P<rest>{_WONLOST})\b(?P<tail>.*)$",
    _FLAGS,
)
# "Jane moved deal Acme from Demo Scheduled to Proposal Made".
_ACTOR_MOVE = re.compile(
    rf"^(?P<actor>[^:]+?)\s+(?:moved|changed|updated|set|progressed|advanced)\s+(?:the\s+)?"
    rf"{_DEAL_NOUN}\s+(?P<deal>.+?)(?:['’]s\s+stage)?\s+{_FROM}{_TO}\s+(?P<rest>.+)$",
    _FLAGS,
)
# Zoho: "Stage of the deal 'Acme Renewal' has been updated from X to Y".
# "Sam Lee changed the stage of Acme Corp - Renewal to Closed Won".
_ACTOR_STAGE_OF = re.compile(
    rf"^(?P<actor>[^:]+?)\s+(?:changed|updated|set|moved)\s+the\s+(?:deal\s+)?stage\s+"
    rf"(?:of|on|for)\s+(?:the\s+)?(?:{_DEAL_NOUN}\s+)?(?P<deal>.+?)\s+{_FROM}{_TO}\s+"
    r"(?P<rest>.+)$",
    _FLAGS,
)
_STAGE_OF = re.compile(
    rf"^(?:the\s+)?(?:{_DEAL_NOUN}\s+)?(?:stage|status)\s+of\s+(?:the\s+)?(?:{_DEAL_NOUN}\s+)?"
    rf"(?P<deal>.+?)\s+(?:has\s+been\s+|was\s+|is\s+|got\s+)?(?:changed|updated|moved|set)\s+"
    rf"{_FROM}{_TO}\s+(?P<rest>.+)$",
    _FLAGS,
)
# Close: "Opportunity status changed to Won for Lead Acme";
# HubSpot workflow: "Deal stage changed to Closed Won for Acme Corp".
_STATUS_FOR = re.compile(
    rf"^(?:{_DEAL_NOUN}\s+)?(?:stage|status)\s+(?:has\s+been\s+|was\s+)?"
    rf"(?:changed|updated|moved|set)\s+{_FROM}{_TO}\s+(?P<rest>.+?)\s+(?:for|on)\s+"
    rf"(?:(?:lead|{_DEAL_NOUN}|account)\s+)?(?P<deal>.+)$",
    _FLAGS,
)
# "Deal stage changed for Acme Corp: Negotiation", "Stage updated on Acme to Proposal".
_CHANGED_FOR = re.compile(
    rf"^(?:{_DEAL_NOUN}\s+)?(?:stage|status)\s+(?:has\s+been\s+|was\s+)?"
    rf"(?:changed|updated|moved|set)\s+(?:for|on|of)\s+(?P<deal>.+?)"
    rf"(?:\s*[:\-–—|]\s*|\s+{_FROM}{_TO}\s+)(?P<rest>.+)$",
    _FLAGS,
)
# The workhorse: "<deal> (was) moved/changed (stage) (from X) to Y".
_MOVE = re.compile(
    rf"^(?P<deal>.+?)\s+(?:(?:was|has\s+been|has|had|got|is\s+now|just)\s+)?{_MOVE_VERB}\s+"
    r"(?:(?:its|their|the|deal)\s+)?(?:stages?\s+|status\s+)?"
    rf"{_FROM}{_TO}\s+(?P<rest>.+)$",
    _FLAGS,
)
_DANGLING_TAIL = re.compile(
    r"\b(?:to|into|from|moved|changed|updated|stage|status|is|was|as|the)$", _FLAGS
)
_LINE_SHAPES = (_ACTOR_MOVE, _ACTOR_STAGE_OF, _STAGE_OF, _STATUS_FOR, _CHANGED_FOR, _MOVE)

# Lines that say the stage changed without saying to what (header of a fields layout).
_CHANGE_TRIGGER = re.compile(
    r"\b(?:stage|status|dealstage)\b[^\n]{0,60}?\b(?:changed?|updated?|moved|progressed|"
    r"advanced)\b|\b(?:changed?|updated?|moved)\b[^\n]{0,20}?\b(?:stage|status)\b|"
    rf"\b{_DEAL_NOUN}\s+moved\b",
    _FLAGS,
)
_KEY_VALUE = re.compile(r"^\s*(?P<key>[A-Za-z][A-Za-z .'’/()_-]{0,40}?)\s*[:=]\s*(?P<val>.+?)\s*$")
_DEAL_KEYS = {
    "deal": 0, "deal name": 0, "opportunity": 0, "opportunity name": 0, "opp": 0,
    "opp name": 0, "potential": 0, "potential name": 0, "name": 1, "record": 1,
    "account": 2, "account name": 2, "company": 2, "lead": 2, "organization": 2,
    "organisation": 2,
}  # fmt: skip
_STAGE_KEYS = frozenset(
    {
        "stage", "deal stage", "new stage", "current stage", "stage to", "to stage", "to",
        "new value", "opportunity stage", "pipeline stage", "status", "new status",
        "dealstage", "stage name", "moved to", "changed to", "updated to", "now", "stage now",
        "opportunity status", "deal status",
    }
)  # fmt: skip
_FROM_KEYS = frozenset(
    {
        "previous stage", "old stage", "prior stage", "from", "from stage", "stage from",
        "was", "old value", "previous value", "previous status", "old status", "moved from",
        "changed from", "last stage", "previously", "previous deal stage", "old deal stage",
    }
)  # fmt: skip
# Keys that announce a change; their value is usually the deal name ("Stage changed: Acme").
_HEADER_KEY = re.compile(
    rf"^(?:{_CRM_NAMES}\s+)?(?:(?:{_DEAL_NOUN}\s+)?(?:stage|status)|{_DEAL_NOUN})\s+"
    r"(?:change[sd]?|update[sd]?|moved)(?:\s+(?:for|on|of))?$",
    _FLAGS,
)
# Title-ish lines that are chrome, not the deal's name.
_NOT_TITLE = re.compile(
    rf"^(?:{_CRM_NAMES}|view\b.*|open\b.*|see\b.*|sales\s+pipeline|pipeline\b.*|"
    rf"{_DEAL_NOUN}\s+update[sd]?|{_DEAL_NOUN}\s+alert)$",
    _FLAGS,
)


def _key(raw: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", raw.lower()).split())


_FROM_TO_SPLIT = re.compile(rf"\s+{_TO}\s+|\s*(?:→|->|=>|⇒|➡️?|➔)\s*")


def _resplit(from_raw: str, rest: str) -> tuple[str, str]:
    """Fix a lazy "from X to Y" split when X itself contains "to" ("Qualified to Buy")."""
    if _stage_exact(from_raw) is not None and _stage_at(rest) is not None:
        return from_raw, rest
    joined = f"{from_raw} to {rest}"
    for m in _FROM_TO_SPLIT.finditer(joined):
        left, right = joined[: m.start()], joined[m.end() :]
        if _stage_exact(left) is not None and _stage_at(right) is not None:
            return left, right
    return from_raw, rest


def _build(deal_raw: str, rest: str, from_raw: str | None) -> StageChange | None:
    deal = _clean_deal(deal_raw)
    if deal is None:
        return None
    if from_raw:
        from_raw, rest = _resplit(from_raw, rest)
    found = _stage_at(rest)
    if found is None:
        return None
    stage, raw_stage = found
    from_stage = _stage_exact(from_raw) if from_raw else None
    return StageChange(deal=deal, stage=stage, from_stage=from_stage, raw_stage=raw_stage)


def _from_arrow(line: str) -> StageChange | None:
    """Shapes with an arrow: "Stage updated: Initech → Closed Won", "Acme: Qualified → Won"."""
    parts = _ARROW.split(line, maxsplit=1)
    if len(parts) != 2:
        return None
    left, right = parts[0].strip(), parts[1]
    found = _stage_at(right)
    if found is None:
        return None
    stage, raw_stage = found
    deal_raw: str | None = None
    from_stage: Stage | None = None

    # "Opportunity *Acme – 120 seats* Stage: Proposal/Price Quote"
    m = re.search(r"^(?P<head>.*?)\b(?:stage|status)\b\s*[:=]?\s*(?P<from>[^:]*)$", left, _FLAGS)
    if m and m.group("head").strip():
        from_stage = _stage_exact(m.group("from"))
        if from_stage is not None or not m.group("from").strip():
            deal_raw = m.group("head")
    if deal_raw is None and ":" in left:
        head, _, after = left.rpartition(":")
        from_stage = _stage_exact(after)
        if from_stage is not None:
            # "Deal Stage updated for Acme: Appointment Scheduled"; a bare header such as
            # "Deal moved:" has no name in it and is left to the fields pass.
            deal_raw = head
        elif _DEAL_HEAD.match(head + ":") or _HEADER_KEY.match(_key(head)):
            deal_raw = after  # "Stage updated: Initech"
    if deal_raw is None:
        # "Acme Corp - Qualified", "Acme Corp | Qualified"
        sep = re.match(r"^(?P<head>.+?)\s+[-–—|·]\s+(?P<from>[^-–—|·]+)$", left)
        if sep and (fs := _stage_exact(sep.group("from"))) is not None:
            deal_raw, from_stage = sep.group("head"), fs
        elif _DEAL_LEAD.match(left) and not _CHATTER_START.match(left):
            deal_raw = left  # "Opportunity Acme Corp → Closed Won"
    if deal_raw is None:
        return None
    deal = _clean_deal(deal_raw)
    if deal is None:
        return None
    return StageChange(deal=deal, stage=stage, from_stage=from_stage, raw_stage=raw_stage)


def _from_line(line: str) -> StageChange | None:
    """Try the one-line shapes on one line of a post."""
    if not line or line.endswith("?") or _CHATTER_START.match(line):
        return None
    for shape in (_HEAD_WONLOST, _HEAD_WONLOST2):
        m = shape.match(line)
        if m:
            rest = m.group("rest")
            if _key(rest) == "closed":
                rest = "closed won"
            change = _build(m.group("deal"), rest, None)
            if change is not None:
                return change
    if _ARROW.search(line):
        change = _from_arrow(line)
        if change is not None:
            return change
    for shape in _LINE_SHAPES:
        m = shape.match(line)
        if m is None:
            continue
        change = _build(m.group("deal"), m.group("rest"), m.groupdict().get("from"))
        if change is not None:
            return change
    m = _TAIL_WONLOST.match(line)
    if m and re.search(rf"\b(?:{_DEAL_NOUN}|marked|closed)\b", line, _FLAGS):
        # Only trust a trailing "won"/"lost" when the tail is decoration, not a sentence.
        if not re.search(r"[A-Za-z]{3,}", m.group("tail")) or m.group("tail").lstrip()[:1] in (
            "(",
            "-",
            "–",
            "—",
            "|",
            ":",
            "!",
            ".",
        ):
            deal_raw = m.group("deal").rstrip()
            # "the deal moved to Won" is the movement shape without a name, not a deal
            # called "moved to".
            if not _DANGLING_TAIL.search(deal_raw):
                change = _build(deal_raw, m.group("rest"), None)
                if change is not None:
                    return change
    return None


_HEADER_LINE = re.compile(
    rf"^(?:{_DEAL_NOUN}\s+)?(?:stage|status)\s+(?:changed|updated|moved)\s+(?:for|on|of)\s+"
    r"(?P<deal>.+)$"
    r"|^(?P<deal2>.+?)\s*[-–—|:]\s*(?:deal\s+)?(?:stage|status)\s+(?:changed|updated|moved)\s*$"
    rf"|^(?:{_DEAL_NOUN}\s+)(?P<deal3>.+?)(?:['’]s)?\s+(?:deal\s+)?(?:stage|status)\s+"
    r"(?:changed|updated|moved)\s*$",
    _FLAGS,
)


def _from_fields(lines: list[str]) -> StageChange | None:
    """Header + fields layouts: "Deal stage changed" / "Deal: Acme" / "Stage: Negotiation"."""
    deal_raw: str | None = None
    deal_rank = 99  # lower is more specific: deal/opportunity keys beat account/company
    stage_val: str | None = None
    from_val: str | None = None
    triggered = False
    titles: list[str] = []
    for line in lines:
        is_trigger = bool(_CHANGE_TRIGGER.search(line))
        triggered = triggered or is_trigger
        m = _KEY_VALUE.match(line)
        if m is None:
            header = _HEADER_LINE.match(line) if is_trigger else None
            if header:
                name = header.group("deal") or header.group("deal2") or header.group("deal3")
                if deal_rank > 0 and _clean_deal(name) is not None:
                    deal_raw, deal_rank = name, 0
            elif not is_trigger:
                titles.append(line)
            continue
        key, val = _key(m.group("key")), m.group("val")
        if key in _STAGE_KEYS and stage_val is None:
            if key not in ("stage", "status", "deal stage", "dealstage", "opportunity stage"):
                triggered = True  # "New stage:", "Moved to:" announce a change by themselves
            stage_val = val
        elif key in _FROM_KEYS and from_val is None:
            triggered = True
            from_val = val
        elif key in _DEAL_KEYS and _DEAL_KEYS[key] < deal_rank:
            deal_raw, deal_rank = val, _DEAL_KEYS[key]
        elif _HEADER_KEY.match(key):
            triggered = True
            # "Deal moved: Proposal Made → Negotiations Started" carries the stages;
            # "Stage changed: Acme Corp" carries the deal.
            if stage_val is None and (_ARROW.search(val) or _stage_exact(val) is not None):
                stage_val = val
            elif deal_rank > 0 and _clean_deal(val) is not None:
                deal_raw, deal_rank = val, 0
    if not triggered or stage_val is None:
        return None
    if deal_rank >= 1:
        # The attachment title (first free-standing line) names the record itself, which
        # beats an account/company field: an account can have many opportunities.
        for line in titles:
            if (
                len(line) <= 100
                and not line.endswith("?")
                and not _CHATTER_START.match(line)
                and not _NOT_TITLE.match(line)
            ):
                deal_raw = line
                break
    if deal_raw is None:
        return None
    if _ARROW.search(stage_val):
        left, right = _ARROW.split(stage_val, maxsplit=1)
        from_val = from_val or left
        stage_val = right
    return _build(deal_raw, stage_val, from_val)


def _prepare_lines(text: str) -> list[str]:
    """Clean, de-prefix and split a post into lines; re-join "Key:" with its value line."""
    lines: list[str] = []
    pending_key: str | None = None
    for raw in clean_mrkdwn(text[:_MAX_TEXT]).split("\n"):
        line = _LINE_PREFIX.sub("", raw).strip()
        if not line or len(line) > _MAX_LINE:
            continue
        if pending_key is not None:
            lines[-1] = f"{pending_key} {line}"
            pending_key = None
            continue
        if line.endswith(":") and len(line) <= 40 and _KEY_VALUE.match(line + " x"):
            # Block Kit fields render as "*Stage:*\nNegotiation": key and value on two lines.
            pending_key = line
        lines.append(line)
    return lines


# --------------------------------------------------------------------------------------
# User patterns
# --------------------------------------------------------------------------------------

def _from_user_patterns(text: str, patterns: Sequence[str]) -> StageChange | None:
    """Apply channel patterns (on RE2: :mod:`bot.domain.user_patterns`) line by line,
    first match naming a known stage wins."""
    lines = clean_mrkdwn(text).split("\n")
    for found in user_patterns.matches(text, patterns, lines):
        change = _build(found.deal, found.stage, found.from_stage)
        if change is not None:
            return change
    return None


# --------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------


def parse_crm_post(text: str, extra_patterns: Sequence[str] = ()) -> StageChange | None:
    """Read a deal stage change out of a CRM notification's (flattened) text.

    ``extra_patterns`` are channel-specific RE2 patterns (see :func:`validate_pattern`) tried
    before the built-in shapes, case-insensitively, on each line of the cleaned text; invalid
    ones are ignored, and none are applied to texts longer than Slack's 40,000 characters.
    Returns None for anything that is not a stage change, including unknown stage names and
    ordinary conversation about deals.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    if extra_patterns:
        change = _from_user_patterns(text, extra_patterns)
        if change is not None:
            return change
    lines = _prepare_lines(text)
    for line in lines:
        change = _from_line(line)
        if change is not None:
            return change
    return _from_fields(lines)
