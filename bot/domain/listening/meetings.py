"""Finished meetings noticed in deal-channel conversation ("just got off the call with Acme").

The patterns are in :mod:`bot.domain.listening.detector_vocab`.
"""

from __future__ import annotations

from bot.domain.listening.commitments import MAX_TEXT_LENGTH, normalise, rstrip_junk, sentences
from bot.domain.listening.detector_vocab import (
    CLAUSE_EDGE,
    MEETING_FUTURE,
    MEETING_PATTERNS,
    NOT_TOPICS,
    QUESTION_START,
    TOPIC_LEAD,
    TOPIC_TAIL,
)


def _meeting_clause(sentence: str, start: int, end: int) -> str:
    """The text of the clause containing sentence[start:end]."""
    before = sentence[:start]
    edges = list(CLAUSE_EDGE.finditer(before))
    left = edges[-1].end() if edges else 0
    after = CLAUSE_EDGE.search(sentence, end)
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
    text = normalise(text)
    for raw in sentences(text):
        sentence = " ".join(raw.split())
        if not sentence or sentence.endswith("?") or QUESTION_START.match(sentence):
            continue
        for pattern in MEETING_PATTERNS:
            m = pattern.search(sentence)
            if m is None:
                continue
            if MEETING_FUTURE.search(_meeting_clause(sentence, m.start(), m.end())):
                return None
            topic = rstrip_junk(m.group("topic").strip())
            topic = TOPIC_TAIL.sub("", TOPIC_LEAD.sub("", topic)).strip()
            if " from " in topic:
                topic = topic.rsplit(" from ", 1)[1]  # "Priya from Acme" -> "Acme"
            first = topic.split(" ", 1)[0].lower() if topic else ""
            if not topic or topic.lower() in NOT_TOPICS or first in ("their", "our", "my"):
                return None
            return topic
    return None
