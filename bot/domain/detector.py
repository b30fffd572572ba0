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

A few shapes without a future marker count only when they carry a due date: action items
("Acme to send redlines by Fri"), debts ("we owe them the pricing by Friday"), "expect the SOW
from us by Friday", "you'll have our signed copy by tomorrow" and "proposal going out to Globex
EOD today".

``side`` follows the subject: first person (and "our ...") is ``give``, anybody else ``get``.
The trade-off is precision over recall: a false "you promised X" annoys people more than a
missed one, and there is always ``/partner give``.

The code lives in :mod:`bot.domain.listening`: the vocabulary (verbs, subjects, hedges, due
phrases, meeting patterns) in ``detector_vocab``, the code that applies it in ``commitments``
and ``meetings``. This module is the stable public face.
"""

from __future__ import annotations

from bot.domain.listening.commitments import MAX_TEXT_LENGTH, Detection, Side, detect_commitment
from bot.domain.listening.meetings import detect_meeting_end

__all__ = ["MAX_TEXT_LENGTH", "Detection", "Side", "detect_commitment", "detect_meeting_end"]
