"""Whose "we" it is when the message quotes or names its speaker.

- A speaker before a colon ("Karl (Halden): we'll have the approval by Friday", "Anika from
  Tessera: we'll get you the SOW Monday") speaks for the company in the brackets or after
  "from"; "(our SE)" or "(SE)" is one of us. A bare name ("Mei: we'll send it tomorrow") is a
  colleague quoted, unless what they promise is a buyer's act or is for "you" ("Ferro: we'll
  sign it Friday", "Brightpath: we'll get the PO to you Monday"): said to us, so theirs.
- A message that opens by naming its writer as the other side's ("Jonas here (Quillon side)",
  "@anika here from Tessera", "Speaking for Castlerock:") makes the message's "we" theirs.
- A plain name we can't look up doing something *for them* ("Sam will walk their admins
  through SSO", "Mei will send them the deck", "Lena is going to send Tessera the quote") is
  one of us: the other side does not deliver things to itself. Firms named by their trade and
  tools are left to the older rules.
"""

from __future__ import annotations

import re

from bot.domain.listening.detector_vocab import BUYER_VERBS, IGNORE

# A colleague's role in brackets: "Raj (SE):", "Mei (AE)".
_OUR_ROLES = frozenset(
    "se ae sa csm am sdr bdr pm tam ae/se se/ae solutions sales support cs presales rev revops "
    "ops success onboarding".split()
)
_OURS = re.compile(r"\b(?:our|my|us|we|internal)\b", IGNORE)
# Headings look like speakers: "Recap: we'll send ...".
_HEADINGS = frozenset(
    """recap update note notes summary action actions next status fyi heads re me us quote
    agenda outcome decision ask asks tldr tl owner owners todo todos blocker blockers risk risks
    goal goals plan timeline context reminder important edit ps update""".split()
)
SPEAKER = re.compile(
    r"^(?P<name>(?-i:[A-Z])[\w&.'-]*(?:\s+(?-i:[A-Z])[\w&.'-]*){0,2})"
    r"(?:\s*\((?P<paren>[^()]{1,40})\)"
    r"|\s+(?:from|at|@)\s+(?P<org>(?-i:[A-Z])[\w&.-]*(?:\s+(?-i:[A-Z])[\w&.-]*)?))?"
    r"\s*:\s*$"
)
_TO_YOU = re.compile(r"\b(?:you|your|u|ur)\b", IGNORE)


def colon_speaker_side(prefix: str, what: str) -> str | None:
    """"give" or "get" for a first-person promise after ``prefix`` ("Karl (Halden):"), or
    None when ``prefix`` names no speaker."""
    m = SPEAKER.match(prefix.strip())
    if m is None or m.group("name").split()[0].lower() in _HEADINGS:
        return None
    tag = f"{m.group('paren') or ''} {m.group('org') or ''}".strip()
    if tag:
        if _OURS.search(tag) or tag.lower() in _OUR_ROLES:
            return "give"
        return "get"  # "(Halden)", "(Oakline CMO)", "from Tessera"
    verb = what.split(" ", 1)[0].lower()
    if verb in BUYER_VERBS or _TO_YOU.search(what):
        return "get"  # a bare name signing, or promising something to "you": said to us
    return None


SELF_NAMED = re.compile(
    r"^\s*(?:(?:@[\w.-]+|(?-i:[A-Z])[\w.'-]*)\s+here\b[\s,]*"
    r"(?:(?:from|at|with)\s+(?P<org>(?-i:[A-Z])[\w&.-]*)"
    r"|\((?P<paren>[^()]{1,40})\))"
    r"|(?:speaking\s+for|on\s+behalf\s+of)\s+(?P<org2>(?-i:[A-Z])[\w&.-]*))",
    IGNORE,
)


def self_named_other_side(text: str) -> str | None:
    """The other side's company when the message opens by naming its writer as theirs
    ("Jonas here (Quillon side) — ..."), else None."""
    m = SELF_NAMED.match(text)
    if m is None:
        return None
    org = m.group("org") or m.group("org2") or m.group("paren") or ""
    if _OURS.search(org):
        return None
    return re.sub(r"\s+side$", "", org.strip(" .,:;"), flags=IGNORE) or None


# "send them", "walk their admins", "send Tessera the quote", "install ... at their plant"
# ("share their Q3 forecast" is a company's own: a plain "their" after the verb is left alone,
# except where the verb's object is people: "walk their admins through SSO")
_FOR_THEM = re.compile(
    r"^[\w-]+(?:\s+(?:over|out|up|back))?\s+(?:them|(?-i:[A-Z])[\w&.-]*\s+(?:the|a|an|our|their)\b)"
    r"|^(?:walk|train|onboard|help|guide|brief|coach|show)\s+their\b"
    r"|\b(?:to|for|at|with)\s+(?:them|their)\b",
    IGNORE,
)
_FOR_US = re.compile(r"\b(?:us|we|me|you|your|u)\b", IGNORE)


def plain_name_is_ours(what: str) -> bool:
    """Is a plain name's promise something done *for the other side* (so the name is ours)?"""
    verb = what.split(" ", 1)[0].lower()
    return verb not in BUYER_VERBS and _FOR_THEM.search(what) is not None and not _FOR_US.search(what)
