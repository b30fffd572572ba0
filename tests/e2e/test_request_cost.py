"""Per-request work that isn't needed: a Slack request's signature is checked once, by the
server, before Bolt sees it; a request that fails the check never reaches Bolt."""

from __future__ import annotations

import pytest
from slack_bolt.middleware.request_verification import RequestVerification
from slack_sdk.signature import SignatureVerifier

from bot.store import Scope
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import reply_text

SCOPE = Scope("T0001", DEAL)


@pytest.fixture
def checks(monkeypatch) -> list[bytes]:
    """Every signature check in this process (the real check, counted)."""
    seen: list[bytes] = []
    real = SignatureVerifier.is_valid

    def counted(self, body, timestamp, signature):
        seen.append(body if isinstance(body, bytes) else str(body).encode())
        return real(self, body, timestamp, signature)

    monkeypatch.setattr(SignatureVerifier, "is_valid", counted)
    return seen


def test_a_signed_command_has_its_signature_checked_once(slack, bot, checks):
    assert "Logged" in reply_text(slack.command("give pilot workspace", user=ALICE, channel=DEAL))
    bot.wait_idle()
    assert len(checks) == 1
    assert b"pilot+workspace" in checks[0] or b"pilot%20workspace" in checks[0]


def test_a_bad_signature_is_refused_before_bolt(slack, bot, checks):
    response = slack.command("give pilot workspace", user=ALICE, channel=DEAL, bad_signature=True)
    assert response.status_code == 401 and len(checks) == 1
    bot.wait_idle()
    assert bot.runtime.listener_runs == 0 and bot.runtime.services.ledger.items(SCOPE) == []


def test_the_bolt_app_is_built_without_its_own_check_only_behind_the_server(bot):
    served = bot.runtime.app
    assert not any(isinstance(m, RequestVerification) for m in served._middleware_list)
