"""Promises said in the passive voice: "the contract will be sent by us tomorrow", "the PO
will be issued by their procurement on Friday", "two demo units will be shipped to Ferro by
Friday".

Who acts is the agent after "by" ("by us", "by our PMO" are ours; "by their IT", "by Acme"
are theirs), which has to be told apart from a date after "by" ("by Friday"). Without an
agent, only a deliverable that leaves us ("will be sent / shipped / delivered ...") is read,
as ours. Like every promise without a person in front, it counts only with a due date (the
caller checks): "the deck will be reviewed internally" is nobody's promise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.domain.listening.detector_vocab import DUE, FIRM_SUFFIXES, IGNORE, NOT_A_PARTY

Side = Literal["give", "get"]

# Participles of deliverable verbs, and the verb the offer names ("send the contract").
PARTICIPLES = {
    "sent": "send", "shared": "share", "delivered": "deliver", "shipped": "ship", "issued": "issue",
    "returned": "return", "signed": "sign", "countersigned": "countersign", "provided": "provide",
    "raised": "raise", "made": "make", "granted": "grant", "arranged": "arrange",
    "finalised": "finalise", "finalized": "finalize", "completed": "complete", "submitted": "submit",
    "approved": "approve", "uploaded": "upload", "emailed": "email", "installed": "install",
    "configured": "configure", "couriered": "courier", "wired": "wire", "paid": "pay",
    "processed": "process", "presented": "present", "handed": "hand", "released": "release",
    "prepared": "prepare", "drafted": "draft", "forwarded": "forward", "mailed": "mail",
    "dispatched": "dispatch", "deployed": "deploy", "provisioned": "provision", "enabled": "enable",
    "scheduled": "schedule", "booked": "book", "confirmed": "confirm",
}  # fmt: skip
# With no agent named, these leave us for the other side ("a revised quote will be sent to
# Lumen"); the rest ("will be approved", "will be signed") say nothing of who does it.
OUTWARD = frozenset(
    "send share deliver ship provide upload email courier dispatch forward mail present issue "
    "release install configure deploy provision enable prepare draft".split()
)

PASSIVE = re.compile(
    # the thing: a noun phrase, never a pronoun ("it will be sent" is read by the caller's rules)
    r"^(?P<thing>(?!(?:it|this|that|there|we|i|they|he|she|you|what|which|who|nothing|everything)\b)"
    r"[\w$#/&+.'-]+(?:\s+[\w$#/&+,.'-]+){0,9}?)"
    r"\s+(?:will|'ll|shall|is\s+going\s+to|are\s+going\s+to)\s+be\s+"
    r"(?:(?P<pp>[a-z]+ed|sent|made|paid|set\s+up)\b|(?P<where>with|in)\s+(?=(?:their|(?-i:[A-Z])[\w&.-]*'s)\s))"
    r"(?P<rest>.*)$",
    IGNORE,
)
# "by us", "by our PMO", "by their procurement", "by Brightpath", "by Halden's front desk"
_AGENT_WORD = (
    r"(?:\s+(?!(?:on|by|in|at|for|to|within|before|until|next|this|tomorrow|today|and|but|so)\b)[\w&-]+)"
)
# "by Ferro facilities", "by Acme legal": a company's department
_TEAM = (
    r"(?:facilities|legal|procurement|purchasing|finance|ops|it|security|ap|hr|team|engineering|counsel)\b"
)
AGENT = re.compile(
    rf"\bby\s+(?P<agent>(?P<ours>us|me|we|our{_AGENT_WORD}{{1,3}})(?=\s|$|[,.;])"
    rf"|(?P<theirs>their{_AGENT_WORD}{{1,3}}|the\s+(?:customer|client|buyer|prospect)"
    rf"|(?-i:[A-Z])[\w&.-]*(?:\s+(?-i:[A-Z])[\w&.-]*)?(?:'s{_AGENT_WORD}{{1,2}}|\s+{_TEAM})?)(?=\s|$|[,.;]))",
    IGNORE,
)


_EMPTY = frozenset("the a an our their your my this that these those".split())


@dataclass(frozen=True)
class Passive:
    """A promise read from a passive sentence: its side, the phrase to offer (a verb first,
    the date still in it), and who acts when it is the other side."""

    side: Side
    phrase: str
    who: str | None


def _agent(rest: str) -> tuple[re.Match[str] | None, str]:
    """The agent after "by" in ``rest`` (not a date: "by Friday", "by June 30") and ``rest``
    without it."""
    for m in AGENT.finditer(rest):
        if DUE.fullmatch(m.group("agent")) or DUE.match(m.group("agent")):
            continue  # "by Friday", "by EOD": a date, not who does it
        return m, rest[: m.start()] + rest[m.end() :]
    return None, rest


def read_passive(clause: str) -> Passive | None:
    """``clause`` as a passive promise, or None. The caller requires a due date."""
    m = PASSIVE.match(clause)
    if m is None:
        return None
    thing = m.group("thing").strip(" ,")
    if all(word.lower() in _EMPTY for word in thing.split()):
        return None  # "The <!here> will be sent ...": the markup was the only thing
    first, _, tail = thing.partition(" ")
    if first[1:].islower() and "'" not in first:
        thing = f"{first.lower()} {tail}".strip()  # "send the contract", not "send The contract"
    rest = m.group("rest")
    if m.group("where"):
        # "the mood board will be in Priyanka's inbox by Friday": ours, arriving there
        where = "to" if m.group("where").lower() == "with" else "into"
        return Passive("give", f"get {thing} {where} {rest}", None)
    pp = m.group("pp").lower()
    verb = "set up" if pp.startswith("set") else PARTICIPLES.get(pp)
    if verb is None:
        return None
    agent, rest = _agent(rest)
    phrase = " ".join(f"{verb} {thing}{rest}".split())
    if agent is None:
        return Passive("give", phrase, None) if verb in OUTWARD else None
    if agent.group("ours"):
        return Passive("give", phrase, None)
    who = agent.group("theirs")
    first = who.split()[0].lower().removesuffix("'s")
    if first in NOT_A_PARTY or who.split()[-1] in FIRM_SUFFIXES:
        return None  # "will be delivered by FedEx": a carrier's job, nobody's promise
    return Passive("get", phrase, who)
