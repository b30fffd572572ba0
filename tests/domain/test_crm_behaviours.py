"""CRM posts the parser has never seen, one shape or look-alike each (bot/domain/listening/
crm_lines.py through :func:`parse_crm_post` and :func:`parse_crm_message`), stated as the
(deal, stage, from stage) a sales team would expect, or None.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.crm import StageChange, parse_crm_message, parse_crm_post

Expected = tuple[str, str, str | None] | None


def _seen(change: StageChange | None) -> Expected:
    if change is None:
        return None
    return (change.deal, change.stage.value, change.from_stage.value if change.from_stage else None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Deal stage changed: Acme Corp → Negotiation", ("Acme Corp", "negotiation", None)),
        ("Deal stage changed: Acme Corp -> Negotiation", ("Acme Corp", "negotiation", None)),
        ("Acme Corp: Proposal → Negotiation", ("Acme Corp", "negotiation", "proposal")),
        ("Acme Corp: Proposal -> Negotiation", ("Acme Corp", "negotiation", "proposal")),
        ("Acme Corp moved from Qualified to Proposal", ("Acme Corp", "proposal", "qualified")),
        ("Acme Corp moved to Closed Won", ("Acme Corp", "signed", None)),
        ("Umbrella Ltd was moved to Contract Sent", ("Umbrella Ltd", "negotiation", None)),
        ("Deal won: Globex", ("Globex", "signed", None)),
        ("Deal lost: Initech", ("Initech", "lost", None)),
        (":tada: Deal won: Globex Inc!", ("Globex Inc", "signed", None)),
        ("*Globex Inc* moved to *Negotiation*", ("Globex Inc", "negotiation", None)),
        ("Stage updated\nDeal: Hooli\nStage: Negotiation", ("Hooli", "negotiation", None)),
        (
            "Stage updated\nDeal: Hooli\nPrevious stage: Proposal\nNew stage: Negotiation",
            ("Hooli", "negotiation", "proposal"),
        ),
        ("Deal updated\nDeal name: Hooli\nStage: Qualified → Proposal", ("Hooli", "proposal", "qualified")),
        ("Opportunity: Stark Industries\nStage: Closed Lost", ("Stark Industries", "lost", None)),
        ('Deal "Wayne Enterprises" moved to Negotiation', ("Wayne Enterprises", "negotiation", None)),
        (
            "Wayne Enterprises (Enterprise) moved to Negotiation",
            ("Wayne Enterprises (Enterprise)", "negotiation", None),
        ),
        ("Wayne Enterprises – $50,000 moved to Negotiation", ("Wayne Enterprises", "negotiation", None)),
        ("Deal amount changed from $10k to $12k", None),
        ("Acme forecast category changed to Commit", None),
        ("I moved Acme to Negotiation?", None),
        ("we moved Acme to negotiation yesterday", None),
        ("Acme Corp is now in Negotiation", ("Acme Corp", "negotiation", None)),
        ("Stage: Negotiation", None),
        ("Acme Corp → Banana", None),
        ("Deal Soylent Corp changed stage to Qualified", ("Soylent Corp", "qualified", None)),
        ("Soylent Corp: stage changed from Qualified to Proposal", ("Soylent Corp", "proposal", "qualified")),
        ("[Pipedrive] Soylent Corp moved to Proposal Made", ("Soylent Corp", "proposal", None)),
    ],
)
def test_reads_the_stage_change_in_a_post(text: str, expected: Expected) -> None:
    assert _seen(parse_crm_post(text)) == expected


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (
            {"text": "", "attachments": [{"title": "Acme Corp", "text": "Deal moved to *Negotiation*"}]},
            ("Acme Corp", "negotiation", None),
        ),
        (
            {
                "text": "",
                "attachments": [
                    {"title": "<https://crm.example.com/d/1|Acme Corp>", "text": "Stage changed to Proposal"}
                ],
            },
            ("Acme Corp", "proposal", None),
        ),
        (
            {
                "text": "Deal moved to Contract sent",
                "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "Globex Inc"}}],
            },
            ("Globex Inc", "negotiation", None),
        ),
        (
            {"text": "<https://app.hubspot.com/deal/9|Initech> moved to Closed Won"},
            ("Initech", "signed", None),
        ),
        (
            {
                "text": "Deal moved to *Closed lost*",
                "attachments": [{"fields": [{"title": "Deal", "value": "Hooli"}]}],
            },
            ("Hooli", "lost", None),
        ),
        (
            {
                "text": "Deal moved to Negotiation",
                "attachments": [{"title_link": "https://x", "title": "Deal: Stark Industries"}],
            },
            ("Stark Industries", "negotiation", None),
        ),
        (
            {
                "text": "",
                "blocks": [
                    {
                        "type": "section",
                        "text": {
                            "type": "mrkdwn",
                            "text": "*<https://crm/x|Soylent Corp>* moved to *Negotiation*",
                        },
                    }
                ],
            },
            ("Soylent Corp", "negotiation", None),
        ),
        (
            {
                "subtype": "message_changed",
                "message": {
                    "text": "Deal moved to Negotiation",
                    "attachments": [{"title": "Vandelay Industries"}],
                },
            },
            ("Vandelay Industries", "negotiation", None),
        ),
        # a stage change that names no deal anywhere is not reported
        ({"text": "Deal moved to Negotiation"}, None),
        ({"text": "Deal moved to Negotiation", "attachments": [{"title": "Weekly pipeline report"}]}, None),
    ],
)
def test_finds_the_deal_wherever_the_integration_put_it(event: dict[str, Any], expected: Expected) -> None:
    assert _seen(parse_crm_message(event)) == expected
