"""CRM notifications -> stage changes, and the flattening of Slack events they rely on."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.crm import (
    MAX_USER_PATTERN_TEXT,
    StageChange,
    parse_crm_message,
    parse_crm_post,
    validate_pattern,
)
from bot.domain.message_text import clean_mrkdwn, flatten_message
from bot.domain.stages import Stage
from tests.refusals import shown
from tests.timing import LINEAR_SECONDS, cost_ratio

FIXTURES = json.loads(
    (Path(__file__).parent / "fixtures" / "crm_posts.json").read_text(encoding="utf-8")
)
POSITIVE = FIXTURES["positive"]
NEGATIVE = FIXTURES["negative"]


def _as_dict(change: StageChange | None) -> dict[str, Any] | None:
    if change is None:
        return None
    return {
        "deal": change.deal,
        "stage": change.stage.value,
        "from_stage": change.from_stage.value if change.from_stage else None,
    }


# --------------------------------------------------------------------------------------
# Fixtures: full Slack events through flatten_message + parse_crm_post
# --------------------------------------------------------------------------------------


def test_fixture_file_has_enough_shapes() -> None:
    assert len(POSITIVE) >= 30
    assert len(NEGATIVE) >= 15
    events = [case["event"] for case in POSITIVE]
    assert any(e.get("subtype") == "bot_message" for e in events)
    assert sum(1 for e in events if "subtype" not in e) >= 20
    assert any(not e.get("text") and e.get("blocks") for e in events)
    assert any(not e.get("text") and e.get("attachments") for e in events)


@pytest.mark.parametrize("case", POSITIVE, ids=[c["name"] for c in POSITIVE])
def test_positive_fixture(case: dict[str, Any]) -> None:
    text = flatten_message(case["event"])
    assert _as_dict(parse_crm_post(text)) == case["expected"], text


@pytest.mark.parametrize("case", NEGATIVE, ids=[c["name"] for c in NEGATIVE])
def test_negative_fixture(case: dict[str, Any]) -> None:
    text = flatten_message(case["event"])
    assert parse_crm_post(text) is None, text


# --------------------------------------------------------------------------------------
# parse_crm_post on plain text
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "deal", "stage", "from_stage", "raw_stage"),
    [
        (
            "Deal stage changed: Acme Corp moved from Qualified to Negotiation",
            "Acme Corp",
            Stage.NEGOTIATION,
            Stage.QUALIFIED,
            "Negotiation",
        ),
        (
            "Opportunity *Acme – 120 seats* Stage: Proposal/Price Quote → Negotiation/Review",
            "Acme – 120 seats",
            Stage.NEGOTIATION,
            Stage.PROPOSAL,
            "Negotiation/Review",
        ),
        ("Acme Corp deal moved to Won", "Acme Corp", Stage.SIGNED, None, "Won"),
        (
            "Deal 'Globex renewal' was moved to stage Contract Sent in pipeline Sales",
            "Globex renewal",
            Stage.NEGOTIATION,
            None,
            "Contract Sent",
        ),
        ("Stage updated: Initech → Closed Won", "Initech", Stage.SIGNED, None, "Closed Won"),
        ("🎉 Deal won: Umbrella Corp", "Umbrella Corp", Stage.SIGNED, None, "won"),
        ("Deal lost: Hooli (reason: budget)", "Hooli", Stage.LOST, None, "lost"),
        (
            "Opportunity Acme Corp changed stage from Id. Decision Makers to Closed Lost",
            "Acme Corp",
            Stage.LOST,
            Stage.QUALIFIED,
            "Closed Lost",
        ),
        (
            "Deal Stage updated for Acme: Appointment Scheduled → Qualified to Buy",
            "Acme",
            Stage.QUALIFIED,
            Stage.PROSPECTING,
            "Qualified to Buy",
        ),
        (
            "Acme Corp has moved to dealstage closedwon",
            "Acme Corp",
            Stage.SIGNED,
            None,
            "closedwon",
        ),
        (
            "Deal “Naïve Café — Zürich 🇨🇭” moved to Negotiation",
            "Naïve Café — Zürich",
            Stage.NEGOTIATION,
            None,
            "Negotiation",
        ),
    ],
)
def test_parse_examples(
    text: str, deal: str, stage: Stage, from_stage: Stage | None, raw_stage: str
) -> None:
    assert parse_crm_post(text) == StageChange(
        deal=deal, stage=stage, from_stage=from_stage, raw_stage=raw_stage
    )


@pytest.mark.parametrize(
    "text",
    [
        "what stage is the Acme deal in?",
        "we moved the meeting to Friday",
        "we moved the Acme deal to negotiation",  # a person talking, not the CRM
        "Acme deal moved to Texas",  # unknown stage word
        "Deal Acme Corp moved to New York office",
        "Deal stage changed: Acme Corp moved to Stage 7",
        "the deal moved to Won",  # no name
        "",
        "   ",
        "Deal won:",
        "→ → →",
        "Stage: Negotiation",  # a stage without a deal or a change
    ],
)
def test_chatter_and_unknowns_are_none(text: str) -> None:
    assert parse_crm_post(text) is None


def test_from_stage_unknown_still_reports_new_stage() -> None:
    change = parse_crm_post("Cyberdyne: opportunity status changed from Active to Won")
    assert change is not None
    assert (change.deal, change.stage, change.from_stage) == ("Cyberdyne", Stage.SIGNED, None)


def test_non_string_input_is_none() -> None:
    assert parse_crm_post(None) is None  # type: ignore[arg-type]
    assert parse_crm_post(42) is None  # type: ignore[arg-type]


def test_huge_post_is_cheap() -> None:
    text = "Deal stage changed: " + "a " * 50_000 + "moved to Won"
    started = time.perf_counter()
    parse_crm_post(text)
    assert time.perf_counter() - started < 1.0


# --------------------------------------------------------------------------------------
# User patterns
# --------------------------------------------------------------------------------------

IS_NOW_IN = r"(?P<deal>.+?) is now in (?P<stage>.+)"


def test_user_pattern_matches_custom_shape() -> None:
    change = parse_crm_post("Umbrella Corp is now in Contract Sent", [IS_NOW_IN])
    assert change == StageChange("Umbrella Corp", Stage.NEGOTIATION, None, "Contract Sent")


def test_user_pattern_with_from_group() -> None:
    pattern = r"^(?P<deal>[^:]+) :: (?P<from>.{1,60}?) >> (?P<stage>.+)$"
    change = parse_crm_post("Umbrella :: Qualified >> Won", [pattern])
    assert change == StageChange("Umbrella", Stage.SIGNED, Stage.QUALIFIED, "Won")


def test_user_pattern_is_case_insensitive_and_runs_on_clean_text() -> None:
    change = parse_crm_post("*UMBRELLA CORP* IS NOW IN closed won", [IS_NOW_IN])
    assert change is not None and change.stage is Stage.SIGNED
    assert change.deal == "UMBRELLA CORP"


def test_user_pattern_unknown_stage_falls_back_to_builtins() -> None:
    text = "Acme is now in Texas\nDeal won: Acme"
    assert parse_crm_post(text, [IS_NOW_IN]) == StageChange("Acme", Stage.SIGNED, None, "won")


def test_invalid_user_patterns_are_ignored() -> None:
    bad = ["(a+)+", "(?P<deal>x", "(?P<deal>.+) moved"]
    assert parse_crm_post("Acme Corp deal moved to Won", bad) == StageChange(
        "Acme Corp", Stage.SIGNED, None, "Won"
    )


@pytest.mark.parametrize(
    "pattern",
    [
        IS_NOW_IN,
        r"(?P<deal>.+) moved to (?P<stage>.+)",
        r"^(?P<deal>[^:]+) :: (?P<from>.{1,60}?) >> (?P<stage>.+)$",
        r"(?P<deal>[\w ]+) -> (?P<stage>\w+)$",
    ],
)
@pytest.mark.parametrize("filler", ["a ", "moved ", "x", "is now in ", "a -> ", ":: >> "])
def test_accepted_user_patterns_stay_fast_on_hostile_text(pattern: str, filler: str) -> None:
    assert validate_pattern(pattern) is None
    text = (filler * 4000)[: MAX_USER_PATTERN_TEXT - 10]
    text = "\n".join(text[i : i + 490] for i in range(0, len(text), 490))
    started = time.perf_counter()
    parse_crm_post(text, [pattern])
    assert time.perf_counter() - started < LINEAR_SECONDS


def test_user_patterns_not_applied_to_long_text() -> None:
    text = "Umbrella is now in Contract Sent " + "x" * MAX_USER_PATTERN_TEXT
    assert parse_crm_post(text, [IS_NOW_IN]) is None


@pytest.mark.parametrize(
    "pattern",
    [
        IS_NOW_IN,
        r"(?P<deal>[^:]+): (?P<from>.+) -> (?P<stage>.+)",
        r"^Opp (?P<deal>\S+) now (?P<stage>[\w ]{1,40})$",
        r"(?P<deal>.{1,80}) \| (?P<stage>[\w /-]{1,40})",
    ],
)
def test_validate_pattern_accepts_reasonable_patterns(pattern: str) -> None:
    assert validate_pattern(pattern) is None


@pytest.mark.parametrize(
    ("pattern", "fragment"),
    [
        ("", "empty"),
        ("(?P<deal>x", "not a valid regular expression"),
        ("[unclosed", "not a valid regular expression"),
        (r"(?P<deal>.+) moved", "(?P<stage>...)"),
        (r"(?P<stage>.+) moved", "(?P<deal>...)"),
        (r"(.+) moved to (.+)", "(?P<deal>...)` and `(?P<stage>...)"),
        ("(?P<deal>" + "a" * 300 + ")(?P<stage>b)", "300"),
        (r"(?P<deal>\w+)(?=x) (?P<stage>\w+)", "Lookaheads"),
        (r"(?P<deal>(\w)\1) (?P<stage>\w+)", "Backreferences"),
    ],
)
def test_validate_pattern_rejects_with_friendly_message(pattern: str, fragment: str) -> None:
    refusal = validate_pattern(pattern)
    assert refusal is not None
    assert fragment in shown(refusal)


# --------------------------------------------------------------------------------------
# flatten_message / clean_mrkdwn
# --------------------------------------------------------------------------------------


def test_clean_mrkdwn() -> None:
    raw = (
        "*Acme* moved to _Closed Won_ ~old~ <https://x.io/d/1|the deal> <https://y.io> "
        "<@U123> <@U9|bob> <#C1|deals> <!here> 2 * 3 * 4 snake_case_id &amp; &lt;3 `code`"
    )
    assert clean_mrkdwn(raw) == (
        "Acme moved to Closed Won old the deal https://y.io @U123 @bob #deals @here "
        "2 * 3 * 4 snake_case_id & <3 code"
    )


def test_flatten_joins_and_dedupes_text_blocks_and_attachments() -> None:
    event = {
        "type": "message",
        "text": "Deal won: *Acme*",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "Deal won: Acme"}},
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": "*Owner:* Sam"},
                    {"type": "plain_text", "text": "Amount: $5k"},
                ],
            },
            {"type": "context", "elements": [{"type": "image", "alt_text": "logo"}]},
            {
                "type": "rich_text",
                "elements": [
                    {
                        "type": "rich_text_section",
                        "elements": [
                            {"type": "text", "text": "hi "},
                            {"type": "user", "user_id": "U1"},
                            {"type": "text", "text": " "},
                            {"type": "emoji", "name": "tada"},
                            {"type": "link", "url": "https://z.io", "text": "deal"},
                        ],
                    },
                    {
                        "type": "rich_text_list",
                        "elements": [
                            {
                                "type": "rich_text_section",
                                "elements": [{"type": "text", "text": "a"}],
                            },
                            {
                                "type": "rich_text_section",
                                "elements": [{"type": "text", "text": "b"}],
                            },
                        ],
                    },
                ],
            },
            {
                "type": "actions",
                "elements": [{"type": "button", "text": {"type": "plain_text", "text": "View"}}],
            },
        ],
        "attachments": [
            {
                "pretext": "From HubSpot",
                "title": "Acme",
                "fields": [{"title": "Stage", "value": "Won"}, {"title": "", "value": "x"}],
                "fallback": "ignored because there is other text",
            },
            {"fallback": "only fallback here"},
        ],
    }
    assert flatten_message(event).split("\n") == [
        "Deal won: Acme",
        "Owner: Sam",
        "Amount: $5k",
        "hi @U1 :tada:deal",
        "a",
        "b",
        "From HubSpot",
        "Acme",
        "Stage: Won",
        "x",
        "only fallback here",
    ]


def test_flatten_odd_subtype_is_not_fatal() -> None:
    assert flatten_message({"subtype": [], "text": "still readable"}) == "still readable"


def test_flatten_message_changed_uses_nested_message() -> None:
    event = {
        "type": "message",
        "subtype": "message_changed",
        "message": {"text": "new text"},
        "previous_message": {"text": "old text"},
    }
    assert flatten_message(event) == "new text"


@pytest.mark.parametrize(
    "event",
    [
        None,
        "text",
        {},
        {"text": None},
        {"text": 5, "blocks": "nope", "attachments": {"a": 1}},
        {"blocks": [None, 1, {"type": "section", "text": 7}, {"type": "rich_text", "elements": 3}]},
        {
            "blocks": [
                {
                    "type": "rich_text",
                    "elements": [
                        {"type": "rich_text_section", "elements": [None, {"type": "user"}]}
                    ],
                }
            ]
        },
        {"attachments": [None, {"fields": [None, {"title": 1, "value": None}]}]},
        {"subtype": "message_changed", "message": "not a dict"},
    ],
)
def test_flatten_is_total(event: Any) -> None:
    assert isinstance(flatten_message(event), str)


def test_flatten_deeply_nested_rich_text_does_not_recurse_forever() -> None:
    node: dict[str, Any] = {
        "type": "rich_text_section",
        "elements": [{"type": "text", "text": "x"}],
    }
    for _ in range(500):
        node = {"type": "rich_text_quote", "elements": [node]}
    assert isinstance(flatten_message({"blocks": [{"type": "rich_text", "elements": [node]}]}), str)


# --------------------------------------------------------------------------------------
# Totality
# --------------------------------------------------------------------------------------

_CRM_WORDS = st.sampled_from(
    "Deal deal Opportunity stage Stage changed moved from to → -> : won lost Won Closed "
    "Lost Qualified Negotiation/Review Proposal/Price Quote 'Acme' “Globex” *Initech* "
    "( ) reason: $10,000 🎉 :tada: @here Stage: Previous New was marked as in pipeline "
    "status for Lead \n".split(" ")
)

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from(
            ["type", "text", "blocks", "elements", "fields", "attachments", "title", "value",
             "fallback", "pretext", "subtype", "message", "user_id", "url", "name"]
        ),
        children,
        max_size=5,
    ),
    max_leaves=25,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_parse_crm_post_never_raises(text: str) -> None:
    result = parse_crm_post(text, [IS_NOW_IN])
    assert result is None or isinstance(result.stage, Stage)


@settings(max_examples=300, deadline=None)
@given(st.lists(_CRM_WORDS, max_size=25).map(" ".join))
def test_parse_crm_post_never_raises_on_crm_like_noise(text: str) -> None:
    result = parse_crm_post(text)
    assert result is None or (result.deal and isinstance(result.stage, Stage))


@settings(max_examples=300, deadline=None)
@given(_JSON)
def test_flatten_message_never_raises(event: Any) -> None:
    assert isinstance(flatten_message(event), str)
    if isinstance(event, dict):
        assert isinstance(flatten_message({"type": "message", "blocks": [event]}), str)
        assert isinstance(flatten_message({"attachments": [event]}), str)


# --------------------------------------------------------------------------------------
# Shapes from issue 15 (the corpora in tests/domain/corpus cover them at scale)
# --------------------------------------------------------------------------------------


def _bot(text: str = "", **extra: Any) -> dict[str, Any]:
    return {"type": "message", "subtype": "bot_message", "bot_id": "B0CRM", "text": text, **extra}


@pytest.mark.parametrize(
    ("event", "deal", "stage"),
    [
        (_bot("Deal stage changed from *Qualified To Buy* to *Contract Sent*",
              attachments=[{"title": "Acme Corp", "title_link": "https://app.hubspot.com/deal/1"}]),
         "Acme Corp", Stage.NEGOTIATION),
        (_bot(blocks=[{"type": "header", "text": {"type": "plain_text", "text": "Globex"}},
                      {"type": "section",
                       "text": {"type": "mrkdwn", "text": "Deal moved to *Contract sent*"}}]),
         "Globex", Stage.NEGOTIATION),
        (_bot("Opportunity won :tada: <https://app.close.com/lead/1/|Initech> · $12,000"),
         "Initech", Stage.SIGNED),
        (_bot("The following opportunity has changed:\nOpportunity: <https://x/006|Hooli>\n"
              "New Stage: *Negotiation/Review*"),
         "Hooli", Stage.NEGOTIATION),
        (_bot("Opportunity Umbrella updated: Stage = Negotiation/Review"), "Umbrella", Stage.NEGOTIATION),
        (_bot("New deal *Stark* was created in stage *Prospecting* by Jane"), "Stark", Stage.PROSPECTING),
        (_bot("<https://x.pipedrive.com/deal/9|Wayne> was reopened and moved back to *Lead In*"),
         "Wayne", Stage.PROSPECTING),
        (_bot("Deal verschoben nach *Angebot versendet*", attachments=[{"title": "Müller GmbH"}]),
         "Müller GmbH", Stage.PROPOSAL),
        (_bot("L'étape de l'affaire *Café Lumière* est passée de Qualification à Négociation"),
         "Café Lumière", Stage.NEGOTIATION),
        (_bot("A fase do negócio *Lisboa Digital* foi alterada de Proposta para Negociação"),
         "Lisboa Digital", Stage.NEGOTIATION),
        (_bot("Opportunity Stage changed from 5 - Negotiation to 6 - Closed Won",
              attachments=[{"title": "Tyrell Corp"}]), "Tyrell Corp", Stage.SIGNED),
    ],
)
def test_issue_15_shapes(event: dict[str, Any], deal: str, stage: Stage) -> None:
    change = parse_crm_message(event)
    assert change is not None and (change.deal, change.stage) == (deal, stage)


@pytest.mark.parametrize(
    "event",
    [
        _bot("Opportunity Umbrella updated: Amount = $12,000"),
        _bot("Forecast category for *Acme* changed from Best Case to Commit"),
        _bot("Opportunity *Acme* forecast category: Commit → Closed"),
        _bot("Contact *Erin* lifecycle stage changed from Lead to Customer"),
        _bot("⚠️ *Acme* has been stalled in stage *Contract Sent* for 21 days"),
        _bot("Weekly pipeline snapshot",
             attachments=[{"fields": [{"title": "Closed Won", "value": "3 deals"}]}]),
        _bot("Can we get Acme to Negotiation before the end of the month?"),
    ],
)
def test_issue_15_look_alikes_stay_quiet(event: dict[str, Any]) -> None:
    assert parse_crm_message(event) is None


def test_parse_crm_message_never_raises_on_odd_payloads() -> None:
    for event in (None, [], {"attachments": "x"}, {"blocks": [{"type": "header", "text": 3}]},
                  {"subtype": "message_changed", "message": "x"}):
        assert parse_crm_message(event) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("line", ["Deal stage changed: Acme{n} → Negotiatio", "Acme{n} moved to", "deal {n}"])
def test_a_bot_post_of_thousands_of_crm_like_lines_costs_no_more_than_its_first_lines(line: str) -> None:
    """Red team 6: any bot in a channel can post 20,000 characters of lines that look like
    a CRM's and match nothing; each was read, some 340 to 860 times the cost of a real
    CRM post. A CRM notification is a few lines: only a post's first 60 lines are read
    (60 to 140 times a one-line post)."""
    flood = {"bot_id": "B0BOT", "text": "\n".join(line.format(n=n) for n in range(1000))[:20_000]}
    real = {"bot_id": "B0CRM", "text": "Deal stage changed: Acme Corp → Negotiation"}
    assert parse_crm_message(flood) is None
    assert cost_ratio(lambda: parse_crm_message(flood), lambda: parse_crm_message(real)) < 250
