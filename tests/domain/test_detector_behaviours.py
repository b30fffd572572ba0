"""What the commitment detector reads out of sentences it has never seen: each case is one
rule of bot/domain/listening/ (typing habits, where the promise stops, who promised, what
is only a report or a guess), stated as the Detection a user would expect, or None.

(side, what, due_text, who) tuples keep the table readable; None means "not a commitment".
"""

from __future__ import annotations

import pytest

from bot.domain.detector import Detection, detect_commitment, detect_meeting_end

Expected = tuple[str, str, str | None, str | None] | None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I’ll send the deck by Friday", ("give", "send the deck", "Friday", None)),
        ("I‘ll send the deck by Friday", ("give", "send the deck", "Friday", None)),
        ("I'll send the `SOW` by Friday", ("give", "send the SOW", "Friday", None)),
        # struck-out words were taken back (round 4): the promise is the corrected one
        ("I'll send the ~old~ new deck by Friday", ("give", "send the new deck", "Friday", None)),
        ("I'll send the _final_ deck by Friday", ("give", "send the final deck", "Friday", None)),
        ("I'll send the deck by Friday :rocket:", ("give", "send the deck", "Friday", None)),
        ("Thier CFO will sign the MSA next week", ("get", "sign the MSA", "next week", "Their CFO")),
        (
            "thier legal team will send the redlines Monday",
            ("get", "send the redlines", "Monday", "their legal team"),
        ),
        ("there CFO will sign the MSA next week", ("get", "sign the MSA", "next week", "their CFO")),
        ("<@U123|sam> will send the deck Friday", ("give", "send the deck", "Friday", "@U123")),
        (
            "I'll send <https://docs.example.com/d|the pricing doc> tomorrow",
            ("give", "send the pricing doc", "tomorrow", None),
        ),
        (
            "I'll send the deck <https://docs.example.com/d> tomorrow",
            ("give", "send the deck", "tomorrow", None),
        ),
        (
            "I'll send the deck tomorrow but they need to sign first",
            ("give", "send the deck", "tomorrow", None),
        ),
        (
            "I'll send the contract Friday then we review it together",
            ("give", "send the contract", "Friday", None),
        ),
        ("I'll send the quote and they sign it Friday", ("give", "send the quote", None, None)),
        (
            "I'll send the quote and they'll sign it Friday",
            ("give", "send the quote and they'll sign it", "Friday", None),
        ),
        ("I'll send the deck Friday, we need their logo first", ("give", "send the deck", "Friday", None)),
        ("I'll send the deck Friday, which has the new pricing", ("give", "send the deck", "Friday", None)),
        ("I'll send the deck 2) Sam reviews it", ("give", "send the deck", None, None)),
        (
            "I'll have Sam from our support team configure SSO for them",
            ("give", "have Sam from our support team configure SSO for them", None, None),
        ),
        ("I'll have @U123 send the W-9 tomorrow", ("give", "have @U123 send the W-9", "tomorrow", None)),
        ("I'll have someone send the W-9 tomorrow", ("give", "have someone send the W-9", "tomorrow", None)),
        ("I'll have Sam review the deck", ("give", "have Sam review the deck", None, None)),
        ("I'll get Sam to send the invoice", ("give", "get Sam to send the invoice", None, None)),
        ("I'll have Sam", None),
        ("I'll have Sam on the call", None),
        ("I'll have Sam from our end set up SSO", ("give", "have Sam from our end set up SSO", None, None)),
        ("she said they'll sign the order form Friday", ("get", "sign the order form", "Friday", "she")),
        ("she said that they'll sign the order form Friday", ("get", "sign the order form", "Friday", "she")),
        ("Dana told us they'd send the PO next week", ("get", "send the PO", "next week", "Dana")),
        ("Dana assured us they would send the PO next week", ("get", "send the PO", "next week", "Dana")),
        ("they said they'd send the PO last quarter", None),
        ('I\'ll send the "Q4 deck" tomorrow', ("give", 'send the "Q4 deck"', "tomorrow", None)),
        ("I'll send the deck (v2)", ("give", "send the deck (v2)", None, None)),
        ("I'll send the deck!!! 🎉", ("give", "send the deck", None, None)),
        ("I'll send the proposal to them by", ("give", "send the proposal to them", None, None)),
        ("Sending the NDA tomorrow", ("give", "send the NDA", "tomorrow", None)),
        ("sending them the pricing now", ("give", "send them the pricing", "now", None)),
        ("They're reviewing the MSA this week", ("get", "review the MSA", "this week", "They")),
        ("they're reviewing it now", None),
        (
            "Jen from our team is sending the SOW Friday",
            ("give", "send the SOW", "Friday", "Jen from our team"),
        ),
        ("Acme is sending the PO next week", ("get", "send the PO", "next week", "Acme")),
        ("Meeting moved to Thursday", None),
        ("I think they're sending the PO Friday", None),
        ("Updating the deal in HubSpot tomorrow", None),
        ("we are sending the order form on Monday", ("give", "send the order form", "Monday", None)),
        ("He's sending the signed copy Friday", ("get", "send the signed copy", "Friday", "He")),
        ("she is sending the W-9 tomorrow", ("get", "send the W-9", "tomorrow", "she")),
        ("Their CFO is signing the MSA Monday", ("get", "sign the MSA", "Monday", "Their CFO")),
        ("lol I'll send the deck Friday", ("give", "send the deck", "Friday", None)),
        ("Will you send the deck Friday", None),
        ("If they sign, we'll send the kickoff deck", None),
        ("Sure! I'll send the deck Friday. Thanks!", ("give", "send the deck", "Friday", None)),
        ("first line\nI'll send the deck Friday", ("give", "send the deck", "Friday", None)),
        (
            "we'll update the proposal and send it back Friday",
            ("give", "update the proposal and send it back", "Friday", None),
        ),
        ("I'll update the deal in HubSpot Friday", None),
        ("I'll ping Sam about the discount approval", None),
        ("will share the recap in #deals", None),
        ("I'll update the proposal Friday", None),
        (
            "I'll update the proposal for them Friday",
            ("give", "update the proposal for them", "Friday", None),
        ),
        ("I'll be sending the proposal Friday", ("give", "send the proposal", "Friday", None)),
        ("I'll be out Friday", None),
        ("I can send the proposal Friday", ("give", "send the proposal", "Friday", None)),
        ("I can see the proposal Friday", None),
        ("I think I can have the deck ready by Friday", ("give", "have the deck ready", "Friday", None)),
        ("I think they'll sign Friday", None),
        ("maybe I'll send the deck Friday", None),
        ("we plan to send the proposal Friday", ("give", "send the proposal", "Friday", None)),
        ("we plan our week on Monday", None),
        ("they agreed to send the PO Friday", ("get", "send the PO", "Friday", "they")),
        ("they agreed pricing is high", None),
        ("we offered them a discount", None),
        ("I'd love to send the deck", None),
        ("she said she'd send the PO Friday", ("get", "send the PO", "Friday", "she")),
        ("they were going to send the PO Friday", None),
        ("she told me they were going to send the PO Friday", ("get", "send the PO", "Friday", "she")),
        ("Sam (our SE) will run the demo Friday", ("give", "run the demo", "Friday", "Sam")),
        (
            "Jen from our side will send the SOW Friday",
            ("give", "send the SOW", "Friday", "Jen from our side"),
        ),
        ("Sam will send the SOW Friday", ("get", "send the SOW", "Friday", "Sam")),
    ],
)
def test_reads_what_was_promised(text: str, expected: Expected) -> None:
    found = detect_commitment(text)
    assert found == (Detection(*expected) if expected is not None else None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("just got off the call with Acme", "Acme"),
        ("Just got off the call with Acme, went well", "Acme"),
        ("just got off the call with Priya from Globex", "Globex"),
        ("just wrapped the demo with Initech!", "Initech"),
        ("had a great call with Acme today. They want pricing", "Acme"),
        ("great meeting with Acme. next call with Globex tomorrow", "Acme"),
    ],
)
def test_a_meeting_that_just_ended_names_its_account(text: str, topic: str) -> None:
    assert detect_meeting_end(text) == topic


@pytest.mark.parametrize(
    "text",
    [
        "call with Acme tomorrow at 3",
        "just got off the call with them",
        "just got off the call with their CFO",
        "just got off the call with our SE",
    ],
)
def test_future_meetings_and_meetings_with_people_are_not_debriefed(text: str) -> None:
    assert detect_meeting_end(text) is None
