"""Slack's Web API answering slowly (rate limits, an outage) can't make the bot miss its acks.

Every listener posts after its ack (a stage prompt, an offer to log a commitment). When
Slack holds those posts (429 with a long Retry-After, or answers that take seconds), the
listener threads wait on them: the next request's ack must not wait behind them.
The emulator holds the posts here (``hold_next``) and lets them go at the end, so the test
ends without threads left sleeping.
"""

from __future__ import annotations

import time

import pytest

from bot.store import Scope
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import reply_text
from tests.timing import RESPONSIVE_SECONDS

#: More posts held at once than the bot has listener threads (16).
STUCK = 24


def answered_in_time(send):
    began = time.monotonic()
    response = send()
    spent = time.monotonic() - began
    assert response.status_code == 200, response.text
    assert spent < RESPONSIVE_SECONDS, f"answered after {spent:.1f}s"
    return response


def stage_by_command(slack, n: int) -> None:
    answer = answered_in_time(lambda: slack.command(f"deal Deal{n} negotiation", user=ALICE, channel=DEAL))
    assert "Negotiation" in reply_text(answer)


def stage_by_crm_post(slack, n: int) -> None:
    answered_in_time(lambda: slack.event({
        "type": "message", "bot_id": "B0HUB", "channel": DEAL, "ts": f"1700000{n:03d}.000100",
        "text": f"Deal stage changed: Deal{n} moved to Negotiation"}))


@pytest.mark.parametrize("move", [stage_by_command, stage_by_crm_post], ids=["commands", "crm-posts"])
def test_posts_slack_holds_do_not_delay_the_next_ack(bot, slack, emulator, move):
    holds = [emulator.hold_next("chat.postMessage") for _ in range(STUCK)]
    try:
        for n in range(STUCK):
            move(slack, n)
        assert holds[0].wait_arrived(timeout=10)  # Slack is holding the bot's posts by now
        answer = answered_in_time(lambda: slack.command("give a pilot by Friday", user=ALICE, channel=DEAL))
        assert "Logged" in reply_text(answer)
    finally:
        for hold in holds:
            hold.release()
    bot.wait_idle(timeout=30)
    deals = bot.runtime.services.deals.all(Scope("T0001", DEAL))
    assert sorted(d.name for d in deals) == sorted(f"Deal{n}" for n in range(STUCK))
    assert len(emulator.messages(DEAL)) == STUCK  # each stage prompt posted once
    assert [i.what for i in bot.runtime.services.ledger.items(Scope("T0001", DEAL))] == ["a pilot"]
