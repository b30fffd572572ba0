"""A number ending a deal's name stays in the name; a numbered CRM stage is still read."""

from __future__ import annotations

import pytest

from bot.domain.commands import SetStage, parse_command
from bot.domain.stages import Stage


@pytest.mark.parametrize(
    ("typed", "deal", "stage"),
    [("deal Acme 0 qualified", "Acme 0", Stage.QUALIFIED),
     ("deal Project 2 closed won", "Project 2", Stage.SIGNED),
     ("deal Acme Phase 3 negotiation", "Acme", Stage.NEGOTIATION),  # a lead word: a stage's number
     ("deal Acme 6 - Closed Won", "Acme", Stage.SIGNED),
     ("deal Acme Stage 4 - Proposal", "Acme", Stage.PROPOSAL),
     ("deal Acme stage 2 qualified", "Acme", Stage.QUALIFIED)],
)
def test_the_deal_keeps_its_number_unless_a_stage_is_numbered(typed, deal, stage):
    assert parse_command(typed) == SetStage(deal=deal, stage=stage)
