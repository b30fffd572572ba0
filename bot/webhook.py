"""`POST /webhooks/deals`: stage changes pushed by a CRM, verified with a shared secret."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError

from bot.domain.stages import normalize_stage, stage_names
from bot.slack.poster import post

if TYPE_CHECKING:
    from bot.app import Services

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "x-partner-coach-signature"
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,20}$")


def sign(secret: str, body: bytes) -> str:
    """The hex HMAC-SHA256 a CRM must send in ``X-Partner-Coach-Signature``."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class DealWebhook:
    """Verifies, validates, then applies ``{"deal", "stage", "channel"}`` like `/partner deal`."""

    def __init__(self, secret: str, services: Services) -> None:
        self._secret = secret
        self._services = services
        self._team_id: str | None = None

    def _team(self) -> str:
        # Single-workspace mode: the token's own workspace, asked once.
        if self._team_id is None:
            self._team_id = str(self._services.client.auth_test()["team_id"])
        return self._team_id

    def __call__(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        given = headers.get(SIGNATURE_HEADER, "").removeprefix("sha256=")
        if not hmac.compare_digest(given.encode(), sign(self._secret, body).encode()):
            return 401, {"ok": False, "error": "invalid_signature"}
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return 400, {"ok": False, "error": "invalid_json"}
        if not isinstance(payload, dict):
            return 400, {"ok": False, "error": "invalid_json", "detail": "expected a JSON object"}
        deal, stage_name, channel = (payload.get(k) for k in ("deal", "stage", "channel"))
        missing = [k for k, v in (("deal", deal), ("stage", stage_name), ("channel", channel))
                   if not isinstance(v, str) or not v.strip()]
        if missing:
            return 400, {"ok": False, "error": "missing_fields", "fields": missing}
        assert isinstance(deal, str) and isinstance(stage_name, str) and isinstance(channel, str)
        if len(deal) > 80:
            return 400, {"ok": False, "error": "deal_too_long", "detail": "at most 80 characters"}
        stage = normalize_stage(stage_name)
        if stage is None:
            return 400, {"ok": False, "error": "unknown_stage", "known": stage_names()}
        if not _CHANNEL_ID.match(channel):
            return 400, {"ok": False, "error": "invalid_channel"}
        try:
            self._services.client.conversations_info(channel=channel)
            team = self._team()
        except SlackApiError as exc:
            return 400, {"ok": False, "error": str(exc.response.get("error", "slack_error"))}
        actor = self._services.actor(team, channel, "crm-webhook")
        outcome = self._services.partner.set_stage(actor, deal.strip(), stage, source="webhook")
        for name in outcome.signed:
            self._services.on_signed(actor, name)
        for message in outcome.posts:
            post(self._services.client, channel, message)
        log.info("webhook: %s → %s in %s (changed=%s)", deal[:40], stage.value, channel, bool(outcome.posts))
        return 200, {"ok": True, "deal": deal.strip(), "stage": stage.value, "changed": bool(outcome.posts)}
