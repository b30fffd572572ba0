"""Words and patterns of CRM notifications: the tables that :mod:`crm_lines` applies.

To teach the bot a new CRM wording, add to a table here; stage *names* live in one table,
:data:`bot.domain.stages.STAGE_NAMES`.
"""

from __future__ import annotations

import re

# Built-in parsing is linear-ish, but there is no reason to scan a novel.
MAX_TEXT = 20_000
#: The lines of a post read for a stage change. A CRM's notification is a few lines (a card's
#: fields a few dozen); any bot could post thousands of CRM-like lines, each costing a read
#: (red team 6: 20,000 characters cost hundreds of times a real post).
MAX_LINES = 60
MAX_DEAL_LEN = 150
# Notification lines are short; a longer line is prose (or an attack on the lazy patterns,
# whose backtracking grows with line length), so the line shapes skip it.
MAX_LINE = 500
MAX_STAGE_WORDS = 6

# --------------------------------------------------------------------------------------
# Stage words
# --------------------------------------------------------------------------------------

WORD = re.compile(r"[^\W_]+")
HAS_LETTER = re.compile(r"[^\W\d_]")
# Words CRMs put in front of the stage name: "to stage Contract Sent", "to dealstage won".
STAGE_LEAD = frozenset({"the", "stage", "status", "dealstage", "deal", "now"})
# Words that may directly follow a stage name without being part of it
# ("moved to Won by Jane", "Contract Sent in pipeline Sales", "from Qualified to ...").
STAGE_STOP = frozenset(
    {
        "in", "on", "by", "for", "at", "from", "via", "with", "within", "pipeline", "and",
        "after", "stage", "today", "yesterday", "to", "probability", "amount", "owner",
        "was", "is", "has", "reason", "because", "due", "since", "as", "of", "just", "now",
        "value", "close", "expected", "prob", "weighted", "previous", "previously", "old",
        "new", "deal", "opportunity", "opp", "status", "pct", "percent", "automatically",
    }
)  # fmt: skip


# --------------------------------------------------------------------------------------
# Deal names
# --------------------------------------------------------------------------------------

CRM_NAMES = (
    r"(?:hubspot|salesforce|sfdc|pipedrive|close(?:\.com|\.io)?|zoho(?:\s+crm)?|copper|crm)"
)
DEAL_NOUN = r"(?:deal|opportunity|opp|potential)"
CHANGE_VERB = r"(?:changed?|updated?|moved|alert|notification|progressed|advanced)"

# "HubSpot: Deal stage changed:", "[Salesforce] Opportunity Stage Change —", "Stage updated:".
DEAL_HEAD = re.compile(
    rf"^(?:\[?{CRM_NAMES}\]?\s*[:\-–—|]?\s*)?"
    rf"(?:(?:{DEAL_NOUN}|pipeline)\s+)?(?:(?:stage|status)\s+)?{CHANGE_VERB}"
    r"(?:\s+(?:for|on|of))?\s*[:\-–—|]\s*",
    re.IGNORECASE,
)
DEAL_HEAD_WORDY = re.compile(
    rf"^(?:{DEAL_NOUN}\s+)?(?:stage|status)\s+(?:has\s+been\s+|was\s+)?"
    rf"(?:changed?|updated|moved|set)\s+(?:for|on|of)\s+",
    re.IGNORECASE,
)
DEAL_LEAD = re.compile(
    rf"^(?:(?:the|a)\s+)?(?:{DEAL_NOUN}|lead|account)(?:\s+name)?\b\s*[:\-–—]?\s*",
    re.IGNORECASE,
)
DEAL_TRAIL = re.compile(
    r"(?:\s*[:\-–—|·]\s*|\s+|['’]s\s+)"
    rf"(?:(?:{DEAL_NOUN}|deal['’]s)\s*)?(?:(?:stage|status)\s*)?$",
    re.IGNORECASE,
)
DEAL_TRAIL_CHANGE = re.compile(
    r"\s*[:\-–—|·]?\s*(?:(?:deal\s*)?stage(?:\s*name)?|status)\s+(?:has\s+been\s+|was\s+)?"
    r"(?:changed|updated|moved)\s*$",
    re.IGNORECASE,
)
DEAL_REASON = re.compile(
    r"\s*(?:[(\[]|[-–—|:,]\s*|\s)\s*(?:lost\s+)?(?:reason|because|due\s+to)\b.*$",
    re.IGNORECASE,
)
DEAL_AMOUNT = re.compile(
    r"\s*(?:[(\[]\s*|[-–—|·,]\s*|\s(?:for|worth)\s+)[$€£¥]\s?[\d.,]+\s*[kKmM]?\s*[)\]]?\s*$"
)
DEAL_IN_PIPELINE = re.compile(r"\s+in\s+(?:the\s+)?[\w -]{1,40}pipeline\s*$", re.IGNORECASE)
QUOTES = "'\"“”‘’„«»`"
# Emoji, bullets and punctuation around a name, but not quotes: those are handled in pairs.
EDGE_LEAD = re.compile(r"^[^\w'\"“”‘’„«»`]+")
EDGE_TRAIL = re.compile(r"[^\w'\"“”‘’„«»`]+$")
EDGE_SHORTCODE = re.compile(r"^(?:\s*:[a-z0-9_+\-]+:)+\s*|(?:\s*:[a-z0-9_+\-]+:)+\s*$", re.I)
NOT_DEALS = frozenset(
    {
        "", "it", "this", "that", "the deal", "deal", "deals", "we", "i", "they", "you",
        "he", "she", "stage", "deal stage", "status", "opportunity", "the meeting",
        "meeting", "call", "the call", "everything", "something", "anything", "one",
        "moved", "updated", "changed", "update", "stage changed", "stage updated",
        "deal moved", "deal update", "deal updated", "notification", "alert", "x",
        "previous", "new", "old", "back",
    }
)  # fmt: skip


# --------------------------------------------------------------------------------------
# Line shapes
# --------------------------------------------------------------------------------------

FLAGS = re.IGNORECASE
TO = r"(?:to|into|→|->|=>|⇒|➡️?|➔|➜|➞|⮕)"
FROM = r"(?:from\s+(?:stage\s+)?(?P<from>.+?)\s+)?"
MOVE_VERB = (
    r"(?:moved|changed|progressed|advanced|updated|went|moves|transitioned|promoted|set|"
    r"pushed|dropped|regressed|was\s+moved|has\s+moved)"
)
WONLOST = r"(?:closed[\s-]*won|closed[\s-]*lost|won|lost)"

# Human chatter starts like this; CRM notifications never do.
CHATTER_START = re.compile(
    r"^(?:i|i['’]m|im|i['’]ll|we|we['’]re|we['’]ll|you|you['’]re|they|they['’]re|he|she|it|"
    r"let['’]?s|can|could|should|would|will|did|does|do|has|have|had|is|are|was|were|what|"
    r"when|where|who|why|how|which|hey|hi|hello|ok|okay|so|btw|fyi|lol|please|pls|maybe|"
    r"anyone|any|does|don['’]t|not|our|my|your|their|just)\b",
    FLAGS,
)
# Tool names, emoji shortcodes, @-mentions (deal owners, @here) and brackets that CRM bots
# prefix their posts with.
LINE_PREFIX = re.compile(
    rf"^(?:\s*(?::[a-z0-9_+\-]+:|@[\w.-]+[,:]?|[^\w\s'\"“‘*(\[]+|\[[^\]]{{1,30}}\]|{CRM_NAMES}(?:\s+(?:workflow|flow|alert|bot))?\s*[:|\-–—]"
    r"|(?:new\s+)?notification\s*[:|\-–—]))+\s*",
    FLAGS,
)
ARROW = re.compile(r"\s*(?:→|⟶|⇒|➡️?|➔|➜|➞|⮕|—>|-->|->|=>|»|\s>)\s*")

# "Deal won: Umbrella Corp", "Opportunity Closed Won - Acme", "Deal marked as lost: Hooli".
HEAD_WONLOST = re.compile(
    rf"^(?:{DEAL_NOUN}\s+(?:(?:was|has\s+been)\s+)?(?:marked\s+(?:as\s+)?)?|marked\s+(?:as\s+)?)"
    rf"(?P<rest>{WONLOST}|closed)\b(?:\s*[:!\-–—|]+\s*|\s+)(?P<deal>\S.*)$",
    FLAGS,
)
# "Won deal: Acme", "Closed won opportunity – Acme".
HEAD_WONLOST2 = re.compile(
    rf"^(?P<rest>{WONLOST})\s+{DEAL_NOUN}\s*[:!\-–—|]\s*(?P<deal>\S.*)$",
    FLAGS,
)
# "Acme Corp was marked as won", "Acme Corp deal marked Closed Lost", "Acme deal won!".
TAIL_WONLOST = re.compile(
    rf"^(?P<deal>.+?)\s+(?:(?:{DEAL_NOUN})\s+)?(?:(?:was|has\s+been|is|got)\s+)?"
    rf"(?:(?:marked|set|closed)\s+(?:as\s+)?)?(?P<rest>{WONLOST})\b(?P<tail>.*)$",
    FLAGS,
)
# "Jane moved deal Acme from Demo Scheduled to Proposal Made".
ACTOR_MOVE = re.compile(
    rf"^(?P<actor>[^:]+?)\s+(?:moved|changed|updated|set|progressed|advanced)\s+(?:the\s+)?"
    rf"{DEAL_NOUN}\s+(?P<deal>(?!(?:stage|status)\b).+?)(?:['’]s\s+stage)?\s+{FROM}{TO}\s+(?P<rest>.+)$",
    FLAGS,
)
# Zoho: "Stage of the deal 'Acme Renewal' has been updated from X to Y".
# "Sam Lee changed the stage of Acme Corp - Renewal to Closed Won".
ACTOR_STAGE_OF = re.compile(
    rf"^(?P<actor>[^:]+?)\s+(?:changed|updated|set|moved)\s+(?:the\s+)?(?:{DEAL_NOUN}\s+)?(?:stage|status)\s+"
    rf"(?:of|on|for)\s+(?:the\s+)?(?:{DEAL_NOUN}\s+)?(?P<deal>.+?)\s+{FROM}{TO}\s+"
    r"(?P<rest>.+)$",
    FLAGS,
)
STAGE_OF = re.compile(
    rf"^(?:the\s+)?(?:{DEAL_NOUN}\s+)?(?:stage|status)\s+of\s+(?:the\s+)?(?:{DEAL_NOUN}\s+)?"
    rf"(?P<deal>.+?)\s+(?:has\s+been\s+|was\s+|is\s+|got\s+)?(?:changed|updated|moved|set)\s+"
    rf"{FROM}{TO}\s+(?P<rest>.+)$",
    FLAGS,
)
# Close: "Opportunity status changed to Won for Lead Acme";
# HubSpot workflow: "Deal stage changed to Closed Won for Acme Corp".
STATUS_FOR = re.compile(
    rf"^(?:{DEAL_NOUN}\s+)?(?:stage|status)\s+(?:has\s+been\s+|was\s+)?"
    rf"(?:changed|updated|moved|set)\s+{FROM}{TO}\s+(?P<rest>.+?)\s+(?:for|on)\s+"
    rf"(?:(?:lead|{DEAL_NOUN}|account)\s+)?(?P<deal>.+)$",
    FLAGS,
)
# "Deal stage changed for Acme Corp: Negotiation", "Stage updated on Acme to Proposal".
CHANGED_FOR = re.compile(
    rf"^(?:{DEAL_NOUN}\s+)?(?:stage|status)\s+(?:has\s+been\s+|was\s+)?"
    rf"(?:changed|updated|moved|set)\s+(?:for|on|of)\s+(?P<deal>.+?)"
    rf"(?:\s*[:\-–—|]\s*|\s+{FROM}{TO}\s+)(?P<rest>.+)$",
    FLAGS,
)
# The workhorse: "<deal> (was) moved/changed (stage) (from X) to Y".
MOVE = re.compile(
    rf"^(?P<deal>.+?)\s+(?:(?:was|has\s+been|has|had|got|is\s+now|just)\s+)?{MOVE_VERB}\s+"
    r"(?:(?:its|their|the|deal)\s+)?(?:stages?\s+|status\s+)?"
    rf"{FROM}{TO}\s+(?P<rest>.+)$",
    FLAGS,
)
DANGLING_TAIL = re.compile(
    r"\b(?:to|into|from|moved|changed|updated|stage|status|is|was|as|the)$", FLAGS
)
LINE_SHAPES = (ACTOR_MOVE, ACTOR_STAGE_OF, STAGE_OF, STATUS_FOR, CHANGED_FOR, MOVE)

# Lines that say the stage changed without saying to what (header of a fields layout).
CHANGE_TRIGGER = re.compile(
    r"\b(?:stage|status|dealstage)\b[^\n]{0,60}?\b(?:changed?|updated?|moved|progressed|"
    r"advanced)\b|\b(?:changed?|updated?|moved)\b[^\n]{0,20}?\b(?:stage|status)\b|"
    rf"\b{DEAL_NOUN}\s+moved\b|\bfollowing\s+{DEAL_NOUN}\s+has\s+changed\b",
    FLAGS,
)
# A post that says some *other* field changed: its "Stage:" field is context, not news.
OTHER_CHANGE = re.compile(
    r"\b(?:amount|value|wert|valeur|valor|owner|close\s+date|type|name)\b[^\n]{0,40}?"
    r"\b(?:changed|updated|ge[äa]ndert|modifi[ée]e?|alterad[oa])\b",
    FLAGS,
)
KEY_VALUE = re.compile(r"^\s*(?P<key>[A-Za-z][A-Za-z .'’/()_-]{0,40}?)\s*[:=]\s*(?P<val>.+?)\s*$")
DEAL_KEYS = {
    "deal": 0, "deal name": 0, "opportunity": 0, "opportunity name": 0, "opp": 0,
    "opp name": 0, "potential": 0, "potential name": 0, "name": 1, "record": 1,
    "account": 2, "account name": 2, "company": 2, "lead": 2, "organization": 2,
    "organisation": 2, "geschaft": 0, "affaire": 0, "negocio": 0, "oportunidade": 0,
    "opportunite": 0,
}  # fmt: skip
STAGE_KEYS = frozenset(
    {
        "stage", "deal stage", "new stage", "current stage", "stage to", "to stage", "to",
        "new value", "opportunity stage", "pipeline stage", "status", "new status",
        "dealstage", "stage name", "moved to", "changed to", "updated to", "now", "stage now",
        "opportunity status", "deal status", "stagename", "moved to stage", "phase",
        "neue phase", "etape", "nouvelle etape", "etapa", "nova etapa", "fase", "nova fase",
    }
)  # fmt: skip
FROM_KEYS = frozenset(
    {
        "previous stage", "old stage", "prior stage", "from", "from stage", "stage from",
        "was", "old value", "previous value", "previous status", "old status", "moved from",
        "changed from", "last stage", "previously", "previous deal stage", "old deal stage",
        "previous", "old", "vorherige phase", "alte phase", "etape precedente",
        "etapa anterior", "fase anterior",
    }
)  # fmt: skip
# Keys that announce a change; their value is usually the deal name ("Stage changed: Acme").
HEADER_KEY = re.compile(
    rf"^(?:{CRM_NAMES}\s+)?(?:(?:{DEAL_NOUN}\s+)?(?:stage|status)|{DEAL_NOUN})\s+"
    r"(?:change[sd]?|update[sd]?|moved)(?:\s+(?:for|on|of))?$"
    r"|^(?:phase|etape|etapa|fase)\s+(?:geandert|aktualisiert|modifiee|changee|alterada|atualizada)$"
    rf"|^(?:{CRM_NAMES}\s+)?pipeline\s+stage\s+change[sd]?$",
    FLAGS,
)
# Title-ish lines that are chrome, not the deal's name.
NOT_TITLE = re.compile(
    rf"^(?:{CRM_NAMES}|view\b.*|open\b.*|see\b.*|sales\s+pipeline|pipeline\b.*|"
    rf"{DEAL_NOUN}\s+update[sd]?|{DEAL_NOUN}\s+alert)$",
    FLAGS,
)


FROM_TO_SPLIT = re.compile(rf"\s+{TO}\s+|\s*(?:→|->|=>|⇒|➡️?|➔|➜|➞|⮕)\s*")


HEADER_LINE = re.compile(
    rf"^(?:{DEAL_NOUN}\s+)?(?:stage|status)\s+(?:changed|updated|moved)\s+(?:for|on|of)\s+"
    r"(?P<deal>.+)$"
    r"|^(?P<deal2>.+?)\s*[-–—|:]\s*(?:deal\s+)?(?:stage|status)\s+(?:changed|updated|moved)\s*$"
    rf"|^(?:{DEAL_NOUN}\s+)(?P<deal3>.+?)(?:['’]s)?\s+(?:deal\s+)?(?:stage|status)\s+"
    r"(?:changed|updated|moved)\s*$"
    # "Jane updated Deal stage on Acme" (Attio, monday), the stages on the next line
    r"|^[^:]{1,60}?\s+(?:updated|changed)\s+(?:the\s+)?(?:deal\s+)?(?:stage|status)\s+(?:on|of|for)\s+"
    r"(?P<deal4>.+)$",
    FLAGS,
)




# --------------------------------------------------------------------------------------
# Event shapes: won/lost announced as news, creation in a stage, reopening, posts without
# the deal's name in the sentence, Zapier/Make field updates, German/French/Portuguese.
# Groups: ``deal`` (may be missing: the name is then read from the attachment title, the
# Block Kit header or a link label), ``rest`` (text starting with the new stage), ``from``.
# --------------------------------------------------------------------------------------

DEAL_NOUN_ANY = (
    r"(?:deal|opportunity|opp|potential|record|affaire|opportunit[ée]|neg[oó]cio|oportunidade|"
    r"gesch[aä]ft)"
)
WON_WORD = r"(?:closed[\s-]*won|won|gewonnen|gagn[ée]e?|ganh[oa])"
LOST_WORD = r"(?:closed[\s-]*lost|lost|verloren|perdue?|perdid[oa])"
_MOVE_WORD = (
    r"(?:changed|updated|moved|verschoben|ge[äa]ndert|d[ée]plac[ée]e?|modifi[ée]e?|movid[oa]|"
    r"alterad[oa])"
)
_TO_WORD = r"(?:to|into|nach|auf|vers|à|a|para)"

# "Deal won: Acme", "Opportunity Won!", "New Deal Closed", "Deal lost :x:", "Deal gewonnen: X",
# "Affaire gagnée : X", "Negócio perdido: X", "Opportunity won 🎉 Acme · $12,000".
WONLOST_EVENT = re.compile(
    rf"^(?:(?:new|a|the)\s+)?{DEAL_NOUN_ANY}\s+(?:(?:was|has\s+been|got|just|is)\s+)?"
    rf"(?:marked\s+(?:as\s+)?)?(?P<r>{WON_WORD}|{LOST_WORD}|closed)(?![\w-])"
    r"(?:\s*[!:.\-–—|·]+\s*|\s+|$)(?P<deal>.*)$",
    FLAGS,
)
# "✅ Won: Helios Solar", "Closed Lost: Acme": the outcome as a heading, the name after the colon.
WONLOST_HEADING = re.compile(
    rf"^(?P<r>{WON_WORD}|{LOST_WORD})(?:\s*:|\s+[—–-])\s*(?P<deal>\S.*)$", FLAGS
)
# "Closed Won!" or "Deal Closed! 🎉" alone on a line: the name is elsewhere in the post.
WONLOST_ALONE = re.compile(rf"^(?P<r>{WON_WORD}|{LOST_WORD})\s*[!.]*$", FLAGS)
# "Jane won a deal: Acme", "We successfully closed the deal Acme!", "Priya a gagné une
# affaire : Acme", "We just closed the deal with Acme!".
ACTOR_WON = re.compile(
    r"^(?P<who>.{1,80}?)\s+(?:(?:just|successfully|have|has)\s+)*"
    rf"(?:won|closed|a\s+gagn[ée]|hat\s+gewonnen|ganhou|fechou)\s+(?:a|an|the|une?|den|o)?\s*"
    rf"{DEAL_NOUN_ANY}\s*[:\-–—]?\s*(?:with\s+)?(?P<deal>[^!]*)!?.*$",
    FLAGS,
)
# "Deal stage changed from X to Y", "Deal moved to X", "Deal verschoben nach X",
# "Affaire déplacée vers X : Acme", "Deal reopened and moved back to X: Acme".
DEALLESS_MOVE = re.compile(
    rf"^(?:{DEAL_NOUN_ANY}\s+)?(?:(?:stage|status|phase|[ée]tape|etapa|fase)\s+)?"
    r"(?:(?:was|has\s+been|got)\s+)?(?:reopened\s+and\s+)?"
    rf"{_MOVE_WORD}\s+(?:back\s+)?(?:(?:from|von|de)\s+(?P<from>.+?)\s+)?{_TO_WORD}\s+"
    r"(?:(?:the|a)\s+)?(?:(?:stage|etapa|phase)\s+)?(?P<rest>.+?)(?:\s*:\s*(?P<deal>.+))?$",
    FLAGS,
)
CREATED_SHAPES = (
    # "New deal Acme was created in stage Prospecting by Jane"
    re.compile(
        rf"^new\s+{DEAL_NOUN_ANY}\s+(?P<deal>.+?)\s+(?:was\s+|has\s+been\s+)?(?:created|added)\s+"
        r"in\s+(?:the\s+)?(?:stage\s+)?(?P<rest>.+?)(?:\s+by\s+.+)?$",
        FLAGS,
    ),
    # "New deal added to Qualified stage: Acme", "New deal in Demo: Acme"
    re.compile(
        rf"^new\s+{DEAL_NOUN_ANY}\s+(?:(?:was\s+)?(?:created|added)\s+)?(?:in|to|into)\s+"
        r"(?:the\s+)?(?:stage\s+)?(?P<rest>.+?)(?:\s+stage)?\s*:\s*(?P<deal>.+)$",
        FLAGS,
    ),
    # "New deal: Acme in stage Lead In"
    re.compile(
        rf"^new\s+{DEAL_NOUN_ANY}\s*:\s*(?P<deal>.+?)\s+in\s+(?:the\s+)?stage\s+(?P<rest>.+)$",
        FLAGS,
    ),
    # "Jane created the deal Acme in stage Demo"
    re.compile(
        rf"^(?P<who>[^:]{{1,60}}?)\s+created\s+(?:the|a|an)\s+(?:new\s+)?{DEAL_NOUN_ANY}\s+"
        r"(?P<deal>.+?)\s+in\s+(?:the\s+)?(?:stage\s+)?(?P<rest>.+)$",
        FLAGS,
    ),
)
EVENT_SHAPES = (
    # "Acme was reopened and moved back to Lead In"
    re.compile(
        r"^(?P<deal>.+?)\s+(?:was\s+|has\s+been\s+)?reopened\s+and\s+moved\s+(?:back\s+)?to\s+"
        r"(?:stage\s+)?(?P<rest>.+)$",
        FLAGS,
    ),
    # Close: "Jane changed opportunity status to Won on Acme"
    re.compile(
        r"^(?P<who>[^:]{1,60}?)\s+(?:changed|updated|set)\s+(?:the\s+)?"
        rf"(?:{DEAL_NOUN_ANY}\s+)?(?:status|stage)\s+to\s+(?P<rest>.+?)\s+(?:on|for)\s+(?P<deal>.+)$",
        FLAGS,
    ),
    # Close: "Jane marked opportunity on Acme as Lost"
    re.compile(
        rf"^(?P<who>[^:]{{1,60}}?)\s+marked\s+(?:the\s+)?(?:{DEAL_NOUN_ANY}\s+)?(?:on\s+)?(?P<deal>.+?)"
        r"\s+as\s+(?P<rest>.+)$",
        FLAGS,
    ),
    # "Acme entered the Contract Sent stage", "Acme has reached Negotiation"
    re.compile(
        r"^(?P<deal>.+?)\s+(?:has\s+|just\s+)?(?:entered|reached|hit|landed\s+in)\s+(?:the\s+)?"
        r"(?:stage\s+)?(?P<rest>.+?)(?:\s+stage)?$",
        FLAGS,
    ),
    # "Opportunity Acme is now Negotiation/Review" (the record named as one, so that "Jane is
    # now a customer" stays chatter)
    re.compile(
        rf"^{DEAL_NOUN_ANY}\s+(?P<deal>.+?)\s+is\s+now\s+(?!in\b)(?:at\s+)?(?:stage\s+)?(?P<rest>.+?)"
        r"(?:\s+stage)?$",
        FLAGS,
    ),
    # "Acme is now in Proposal (was Demo)"
    re.compile(
        r"^(?P<deal>.+?)\s+is\s+now\s+in\s+(?:the\s+)?(?:stage\s+)?(?P<rest>.+?)"
        r"(?:\s*\((?:was|previously|from)\s+(?P<from>[^)]+)\))?$",
        FLAGS,
    ),
    # "Deal update — Acme: stage set to RFP"
    re.compile(
        rf"^(?:{DEAL_NOUN_ANY}\s+update\s*[—–:\-]\s*)?(?P<deal>[^:]+?)\s*:\s*(?:deal\s+)?"
        r"(?:stage|status)\s+(?:set|changed|moved|updated)\s+to\s+(?P<rest>.+)$",
        FLAGS,
    ),
    # Freshsales: "Jane moved Acme to the Demo stage"; HubSpot: "Jane moved Acme from X to Y"
    re.compile(
        r"^(?P<who>[^:]{1,60}?)\s+moved\s+(?P<deal>(?!(?:from|to|back)\b).+?)\s+(?:from\s+(?P<from>.+?)\s+)?to\s+"
        r"(?:the\s+)?(?:stage\s+)?(?P<rest>.+?)(?:\s+stage)?$",
        FLAGS,
    ),
    # German: "Jane hat den Deal Acme von X nach Y verschoben"
    re.compile(
        r"^(?:.{1,60}?\s+)?hat\s+(?:den|das|die)\s+(?:deal|gesch[äa]ft|opportunity)\s+(?P<deal>.+?)\s+"
        r"(?:von\s+(?P<from>.+?)\s+)?(?:nach|in|auf)\s+(?P<rest>.+?)\s+(?:verschoben|ge[äa]ndert|gesetzt)$",
        FLAGS,
    ),
    # "Die Phase des Geschäfts Acme wurde von X in Y geändert"
    re.compile(
        r"^(?:die\s+)?phase\s+(?:des\s+(?:gesch[äa]fts|deals)|von)\s+(?P<deal>.+?)\s+(?:wurde\s+)?"
        r"von\s+(?P<from>.+?)\s+(?:in|nach|auf)\s+(?P<rest>.+?)\s+ge[äa]ndert$",
        FLAGS,
    ),
    # "Phase von Acme geändert: X → Y", "Phase des Geschäfts Acme geändert auf Y"
    re.compile(
        r"^(?:die\s+)?phase\s+(?:des\s+(?:gesch[äa]fts|deals)|von)\s+(?P<deal>.+?)\s+(?:wurde\s+)?"
        r"ge[äa]ndert\s*(?::|auf|in|nach)\s*(?P<rest>.+)$",
        FLAGS,
    ),
    # French: "L'étape de l'affaire Acme est passée de X à Y", "Étape de l'affaire Acme modifiée : Y"
    re.compile(
        r"^(?:l['’]\s*)?[ée]tape\s+de\s+l['’]\s*(?:affaire|opportunit[ée])\s+(?P<deal>.+?)\s+"
        r"(?:est\s+pass[ée]e|a\s+[ée]t[ée]\s+(?:modifi[ée]e|chang[ée]e)|modifi[ée]e|chang[ée]e)\s*"
        r"(?:de\s+(?P<from>.+?)\s+)?(?:à|en|vers|:|pour)\s*(?P<rest>.+)$",
        FLAGS,
    ),
    # Portuguese: "A fase do negócio Acme foi alterada de X para Y"
    re.compile(
        r"^(?:a\s+)?(?:fase|etapa)\s+do\s+neg[oó]cio\s+(?P<deal>.+?)\s+(?:foi\s+)?"
        r"(?:alterada|mudou|movida)\s+(?:de\s+(?P<from>.+?)\s+)?para\s+(?:a\s+)?(?P<rest>.+)$",
        FLAGS,
    ),
    # "Negócio Acme movido para a etapa Y"
    re.compile(
        r"^neg[oó]cio\s+(?P<deal>.+?)\s+(?:foi\s+)?movido\s+para\s+(?:a\s+)?(?:etapa\s+|fase\s+)?"
        r"(?P<rest>.+)$",
        FLAGS,
    ),
)
# Zapier/Make field updates: "Opportunity Acme updated: Stage = Negotiation/Review" is a stage
# change; the same wording with "Amount = ..." is not.
FIELD_UPDATE = re.compile(
    rf"^{DEAL_NOUN_ANY}\s+(?P<deal>.+?)\s+updated\s*:\s*(?P<key>[A-Za-z][\w .()%/-]{{0,40}}?)\s*"
    r"(?:=|:|→|->)\s*(?P<val>.+)$",
    FLAGS,
)
# "[Make] Opportunity "Acme" → StageName: Won" and "Opportunity 'Acme' StageName → Won".
STAGE_FIELD_ARROW = re.compile(
    rf"^(?:{DEAL_NOUN_ANY}\s+)?(?P<deal>.+?)\s*(?:(?:→|->)\s*)?(?:stage\s*name|deal\s*stage|dealstage|stage)"
    r"\s*(?:[:=]|→|->)\s*(?P<rest>.+)$",
    FLAGS,
)
# "Deal stage: Presentation Scheduled (was Qualified To Buy)": the old stage in brackets.
WAS_STAGE = re.compile(r"^(?P<to>.+?)\s*\((?:was|previously|from)\s+(?P<from>[^()]+)\)\s*$", FLAGS)
# "Opportunity Update" over "Name:" and "Stage:" fields: the record posted for its stage.
RECORD_HEADER = re.compile(rf"^{DEAL_NOUN}\s+update[sd]?[^\w]*$", FLAGS)
# Key: value records on one line: "Pipedrive deal updated: Acme | Stage: Won | Value: $5k".
PIPE_SPLIT = re.compile(r"\s+[|·•]\s+")
# Where a deal name from an event line ends: " · $12,000 · Jane", " — Reason: Budget".
DEAL_TAIL = re.compile(
    r"\s+[·|•]\s+.*$|\s+[—–-]\s+(?:reason|grund|raison|motivo|owner|by|closed\s+by)\b.*$", FLAGS
)
# A deal "name" that is only a numbered stage prefix ("Stage 5").
NUMBER_ONLY = re.compile(r"^(?:stage|phase|step|etapa|fase)?\s*\d{1,2}$", FLAGS)

# --------------------------------------------------------------------------------------
# Look-alikes: CRM posts about deals that are not stage changes.
# --------------------------------------------------------------------------------------

# Lines skipped before any shape is tried: forecast categories, lifecycle and lead status,
# stalled-deal warnings, close dates, probabilities, pipeline counts, reminders.
LOOKALIKE_LINE = re.compile(
    r"\bforecast\b|\bcategory\b|\bkategorie\b|\bcat[ée]gorie\b|\blifecycle\b|"
    r"\blead\s+status\b|^lead\s+\S.*\bstatus\b|\bstalled\b|\bstuck\b|\brotting\b|"
    r"\bno\s+activity\b|\bstill\s+in\b|\bpast\s+its\s+close\b|\bhas\s+been\s+in\b|"
    r"\bfor\s+\d+\s+days\b|\bslipped\b|\bpushed\s+close\b|\bclos(?:e|ing)\s+date\b|"
    r"\b\d+\s+deals?\b|^reminder\b|\bprobability\b|\bconfidence\b|\bpriority\b|\bowner\s+changed\b",
    FLAGS,
)
# Posts that summarise a pipeline rather than report one change: refused as a whole.
LOOKALIKE_POST = re.compile(
    r"\bpipeline\s+(?:snapshot|summary|report)\b|\bweekly\s+pipeline\b|\bdigest\b|"
    r"\bforecast\s+call\b",
    FLAGS,
)
# A line that says a record was created, with its name elsewhere ("New deal created").
NEW_RECORD_LINE = re.compile(
    rf"^(?:new\s+{DEAL_NOUN_ANY}(?:\s+(?:created|added))?|{DEAL_NOUN_ANY}\s+created)\s*[!.]*$", FLAGS
)
# Slack emoji shortcodes (":tada:"), dropped from CRM lines before any shape is tried.
SHORTCODE = re.compile(r"(?<![\w:]):[a-z0-9_+\-]{2,40}:(?![\w:])", FLAGS)
