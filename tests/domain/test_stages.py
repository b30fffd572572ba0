"""Stage synonyms: what people and CRMs call a stage -> our Stage."""

from __future__ import annotations

import pytest

from bot.domain.stages import _SYNONYMS, Stage, _key, normalize_stage, stage_names

P, Q, PR, N, S, L = (
    Stage.PROSPECTING,
    Stage.QUALIFIED,
    Stage.PROPOSAL,
    Stage.NEGOTIATION,
    Stage.SIGNED,
    Stage.LOST,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # our own names, any case/spacing
        ("prospecting", P),
        ("Qualified", Q),
        ("  PROPOSAL ", PR),
        ("negotiation", N),
        ("Signed", S),
        ("lost", L),
        # prospecting
        ("Prospect", P),
        ("Lead", P),
        ("Lead In", P),
        ("lead-in", P),
        ("New", P),
        ("Discovery", P),
        ("Contact Made", P),
        ("Appointment scheduled", P),
        ("appointmentscheduled", P),
        # qualified
        ("Qualification", Q),
        ("Qualified to Buy", Q),
        ("qualifiedtobuy", Q),
        ("Needs Analysis", Q),
        ("Value Proposition", Q),
        ("Id. Decision Makers", Q),
        ("Perception Analysis", Q),
        ("Demo", Q),
        ("Demo Scheduled", Q),
        ("Presentation Scheduled", Q),
        ("presentationscheduled", Q),
        # proposal
        ("Decision maker bought-in", PR),
        ("decisionmakerboughtin", PR),
        ("Proposal Made", PR),
        ("Proposal/Price Quote", PR),
        ("Quote", PR),
        ("Quote sent", PR),
        # negotiation
        ("Contract Sent", N),
        ("contractsent", N),
        ("Negotiation/Review", N),
        ("Negotiations Started", N),
        ("negotiating", N),
        ("Commit", N),
        ("Legal", N),
        ("Verbal", N),
        ("Verbal commit", N),
        # signed
        ("Closed Won", S),
        ("closed-won", S),
        ("closedwon", S),
        ("Won", S),
        ("Closed", S),
        ("Contract signed", S),
        # lost
        ("Closed Lost", L),
        ("Closed-Lost", L),
        ("closedlost", L),
        ("Dead", L),
        ("Churned", L),
        ("Closed Lost to Competition", L),
    ],
)
def test_normalize_stage_synonyms(raw: str, expected: Stage) -> None:
    assert normalize_stage(raw) is expected


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "Friday", "New York", "budget", "amount", "closed won yesterday", "stage 2"],
)
def test_unknown_stage_names_are_none(raw: str) -> None:
    assert normalize_stage(raw) is None


def test_synonym_keys_are_normalised() -> None:
    # A key that _key() would rewrite could never be looked up.
    for key in _SYNONYMS:
        assert _key(key) == key, key


def test_every_stage_has_its_own_name_and_a_synonym() -> None:
    for stage in Stage:
        assert normalize_stage(stage.value) is stage
        assert sum(1 for value in _SYNONYMS.values() if value is stage) > 1


def test_stage_names_in_pipeline_order() -> None:
    assert stage_names() == [
        "prospecting",
        "qualified",
        "proposal",
        "negotiation",
        "signed",
        "renewal",
        "lost",
        "on hold",
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Négociation", N),
        ("NEGOCIAÇÃO", N),
        ("Négociation / Révision", N),
        ("Fechado Ganho", S),
        ("Perdida", L),
    ],
)
def test_accented_stage_names_match_their_plain_spelling(raw: str, expected: Stage) -> None:
    assert normalize_stage(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("4 - Proposal", PR),
        ("Stage 4 - Proposal", PR),
        ("6 - Closed Won", S),
        ("Phase 2: Qualified", Q),
        ("10 Negotiation", N),
        ("Step 3 – Proposal sent", PR),
        ("Etapa 5: Fechado Ganho", S),
    ],
)
def test_numbered_custom_stages_are_read_by_their_name(raw: str, expected: Stage) -> None:
    assert normalize_stage(raw) == expected


@pytest.mark.parametrize("raw", ["Stage 4", "4", "Stage 9 - Unknown stuff", "12 monkeys"])
def test_a_number_without_a_known_stage_name_is_no_stage(raw: str) -> None:
    assert normalize_stage(raw) is None
