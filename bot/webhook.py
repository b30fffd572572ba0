"""`POST /webhooks/deals`: stage changes pushed by a CRM, verified with a shared secret."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.stages import normalize_stage, stage_names
from bot.domain.workspace import Workspace, workspace_key
from bot.slack.client import token_workspace
from bot.slack.poster import post

if TYPE_CHECKING:
    from bot.container import Services

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "x-partner-coach-signature"
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,20}$")
_TEAM_ID = re.compile(r"^T[A-Z0-9]{2,20}$")
_ENTERPRISE_ID = re.compile(r"^E[A-Z0-9]{2,20}$")


def sign(secret: str, body: bytes) -> str:
    """The hex HMAC-SHA256 a CRM must send in ``X-Partner-Coach-Signature``."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class DealWebhook:
    """Verifies, validates, then applies ``{"deal", "stage", "channel"}`` like `/partner deal`.

    Which workspace: with one bot token, the token's own (a ``team_id`` in the payload
    must match it). With the OAuth install the payload must name it, ``team_id`` plus
    ``enterprise_id`` on Enterprise Grid, and the bot posts with that installation's token.
    """

    def __init__(self, secret: str, services: Services) -> None:
        self._secret = secret
        self._services = services
        self._own_workspace: str | None = None

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
        named = payload.get("team_id") or payload.get("enterprise_id")
        if self._services.client_for is not None and not named:
            missing.append("team_id")  # or, for an org-wide Grid install, enterprise_id
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
            workspace, client = self._workspace(payload.get("team_id"), payload.get("enterprise_id"))
            client.conversations_info(channel=channel)
        except _Refused as refused:
            return refused.status, {"ok": False, "error": refused.error}
        except SlackApiError as exc:
            return 400, {"ok": False, "error": str(exc.response.get("error", "slack_error"))}
        actor = self._services.actor(workspace, channel, "crm-webhook")
        outcome = self._services.partner.set_stage(actor, deal.strip(), stage, source="webhook")
        for name in outcome.signed:
            self._services.on_signed(actor, name)
        for message in outcome.posts:
            post(client, channel, message)
        log.info("webhook: %s → %s in %s (changed=%s)", deal[:40], stage.value, channel, bool(outcome.posts))
        return 200, {"ok": True, "deal": deal.strip(), "stage": stage.value, "changed": bool(outcome.posts)}

    def _workspace(self, team_id: Any, enterprise_id: Any) -> tuple[str, WebClient]:
        """The workspace key the payload names (or the token's own) and the client posting there."""
        for value, pattern in ((team_id, _TEAM_ID), (enterprise_id, _ENTERPRISE_ID)):
            if value is not None and (not isinstance(value, str) or not pattern.match(value)):
                raise _Refused(400, "invalid_workspace")
        client_for = self._services.client_for
        if client_for is None:
            if self._own_workspace is None:  # asked once: the token never changes while we run
                self._own_workspace = token_workspace(self._services.client)
            own = Workspace.from_key(self._own_workspace)
            other_team = team_id is not None and team_id != own.team_id and not own.org_wide
            if other_team or (enterprise_id is not None and enterprise_id != own.enterprise_id):
                raise _Refused(400, "wrong_workspace")
            return self._own_workspace, self._services.client
        # An org-wide install serves every workspace of its org; else the workspace's own.
        candidates = [workspace_key(team_id, enterprise_id)]
        if enterprise_id:
            candidates.insert(0, workspace_key(None, enterprise_id, org_wide=True))
        for key in candidates:
            try:
                return key, client_for(key)
            except LookupError:
                continue
        raise _Refused(404, "workspace_not_installed")


class _Refused(Exception):
    def __init__(self, status: int, error: str) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
