"""What "it" stands for in a promise: "They asked for the rate card again — I'll send it
tomorrow" offers *send the rate card*, not *send it*.

The thing is the last noun phrase said before the promise in the same message, opened by a
determiner ("the rate card", "our W-9", "a certificate of insurance") or a heading before a
colon ("Staffing plan for Castlerock: I'll send it tomorrow"). With nothing to point at ("will
send it tomorrow" as a reply in a thread) the offer keeps "it": the speaker knows what it is,
and a guess would put words in their mouth. Meetings, days and people are not things one
sends, so "Thanks for the call, I'll send it tomorrow" keeps "it" too.
"""

from __future__ import annotations

import re

from bot.domain.listening.detector_vocab import IGNORE

# A determiner, then up to four words of a noun phrase ("of" may join two: "certificate of
# insurance"), ending before a verb, a preposition or punctuation.
_STOP = (
    r"(?:again|is|are|was|were|be|been|has|have|had|needs?|wants?|asked|for|from|with|to|by|and|or|"
    r"but|please|pls|asap|yet|today|tomorrow|tmrw|that|which|who|we|i|they|you|it|he|she|in|on|at|"
    r"as|so|if|when|once|ready|done|here|there|now|still|already|again|too|"
    r"will|would|can|could|should|'ll|just|over|back|up|out|this|next|last|the|a|an|our|their|your|"
    r"his|her|my|mentioned|said|says|told|confirmed|about|said|is|isn't|wasn't)"
)
_NP = re.compile(
    r"\b(?P<det>the|our|their|a|an|your|his|her)\s+"
    rf"(?P<np>(?!{_STOP}\b)[\w/&-]+(?:\s+(?:of\s+)?(?!{_STOP}\b)[\w/&-]+){{0,3}})",
    IGNORE,
)
# "Staffing plan for the Castlerock engagement: I'll send it": the heading is the thing.
_HEADING = re.compile(
    r"(?:^|[.!\n]\s*)(?P<head>[A-Za-z][\w/&-]*(?:\s+[\w/&-]+){0,7})\s*:\s*(?:[\w']+\s*){0,3}$"
)
# Heads of noun phrases that are no deliverable: a meeting, a time, a person or a place.
_NOT_A_THING = frozenset(
    """call calls meeting meetings demo sync chat convo time week weekend day morning afternoon
    evening night update thread channel team side end way moment idea thing things question
    questions feedback notes point issue problem deal account customer client buyer champion
    guy guys folks people person cfo ceo cto coo ciso cio vp gc admin admins office site plant
    lab committee board again it steps items todo todos to-dos agenda status fyi blockers risks
    asks""".split()
)
_IT = re.compile(r"\bit\b", IGNORE)
# "them" is a thing only as the object sent somewhere: "I'll send them to Ferro purchasing"
_THEM = re.compile(r"^(?P<verb>[\w-]+)\s+them(?=\s+(?:to|over|back)\b)", IGNORE)


def thing_before(before: str) -> str | None:
    """The last deliverable-looking noun phrase in ``before`` (the message up to the promise),
    with its determiner ("the rate card"), or None."""
    head = _HEADING.search(before)
    if (
        head is not None
        and len(head.group("head").split()) > 1  # "Mei: we'll send it" names a speaker
        and head.group("head").split()[-1].lower() not in _NOT_A_THING
    ):
        words = head.group("head").split()
        return " ".join([words[0].lower() if words[0][1:].islower() else words[0], *words[1:]])
    found = None
    for m in _NP.finditer(before):
        np = m.group("np")
        if np.split()[-1].lower() in _NOT_A_THING:
            continue
        found = f"{m.group('det').lower()} {np}"
    return found


def resolve_it(what: str, before: str) -> str:
    """``what`` with its "it" replaced by the thing named before the promise, when there is
    one ("send it" -> "send the rate card"); otherwise ``what`` unchanged."""
    if not before.strip():
        return what
    if _IT.search(what) is not None:
        thing = thing_before(before)
        return what if thing is None else _IT.sub(thing.replace("\\", ""), what, count=1)
    them = _THEM.match(what)
    if them is not None:
        thing = thing_before(before)
        # only plural things: "the warranty terms" may be "them", "the CFO" may not
        if thing is not None and thing.split()[-1].lower().endswith("s"):
            return f"{them.group('verb')} {thing}{what[them.end():]}"
    return what
