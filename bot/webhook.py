"""`POST /webhooks/deals`: stage changes pushed by a CRM, verified with a shared secret.

Signed the way Slack and Stripe sign theirs, so a captured request can't be played again:
``X-Partner-Coach-Timestamp`` (Unix seconds) and ``X-Partner-Coach-Signature:
v1=<hex HMAC-SHA256 of "v1:{timestamp}:{raw body}">``. A timestamp more than 5 minutes
off is refused; the same signature seen again within those minutes is acknowledged and
changes nothing; an ``id`` is remembered in the store, so a re-signed retry of the same
event changes nothing either; an ``occurred_at`` older than the deal's last change is
acknowledged and changes nothing (a CRM delivering out of order can't move a deal back).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.stages import normalize_stage, stage_names
from bot.domain.visible_text import without_hidden_controls
from bot.domain.workspace import Workspace, workspace_key
from bot.slack.client import token_workspace
from bot.slack.poster import post
from bot.slack.request_shape import loads_json
from bot.timestamped_signature import MAX_SKEW_SECONDS, signature_problem, timestamped_signature
from bot.webhook_receipts import WebhookReceipts

if TYPE_CHECKING:
    from bot.container import Services

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "x-partner-coach-signature"
TIMESTAMP_HEADER = "x-partner-coach-timestamp"
VERSION = "v1"
_MAX_ID = 200
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,20}$")
_TEAM_ID = re.compile(r"^T[A-Z0-9]{2,20}$")
_ENTERPRISE_ID = re.compile(r"^E[A-Z0-9]{2,20}$")


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The ``X-Partner-Coach-Signature`` value for a body sent at ``timestamp``."""
    return timestamped_signature(secret, VERSION, timestamp, body)


def signed_headers(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers a CRM sends with ``body`` (now, unless ``timestamp`` says otherwise)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": "application/json",
        "X-Partner-Coach-Timestamp": str(timestamp),
        "X-Partner-Coach-Signature": sign(secret, timestamp, body),
    }


class DealWebhook:
    """Verifies, validates, then applies ``{"deal", "stage", "channel"}`` like `/partner deal`.

    Which workspace: with one bot token, the token's own (a ``team_id`` in the payload
    must match it). With the OAuth install the payload must name it, ``team_id`` plus
    ``enterprise_id`` on Enterprise Grid, and the bot posts with that installation's token.
    """

    def __init__(
        self, secret: str, services: Services, now: Callable[[], float] = time.time
    ) -> None:
        self._secret = secret
        self._services = services
        self._own_workspace: str | None = None
        # Wall-clock seconds, as the sender's timestamp is (not the bot's injectable clock).
        self._now = now
        self._receipts_made: WebhookReceipts | None = None

    def __call__(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        refused = self._verify(body, headers)
        if refused is not None:
            return 401, {"ok": False, "error": refused}
        signature = headers[SIGNATURE_HEADER].strip()
        # Remembered in the store: a replay within the timestamp's minutes changes nothing,
        # even after a restart or when it reaches another process.
        if not self._receipts.first_signature(signature, datetime.fromtimestamp(self._now(), UTC)):
            return 200, {"ok": True, "duplicate": True, "changed": False}
        try:
            status, answer = self._handle(body)
        except BaseException:
            self._receipts.forget_signature(signature)  # not applied: a retry must get through
            raise
        if status != 200:
            self._receipts.forget_signature(signature)
        return status, answer

    @property
    def _receipts(self) -> WebhookReceipts:
        # Made on first use: checking a signature alone needs no store.
        if self._receipts_made is None:
            self._receipts_made = WebhookReceipts(self._services.store)
        return self._receipts_made

    def _verify(self, body: bytes, headers: dict[str, str]) -> str | None:
        """Why the request is refused (the error code), or None when it is signed and fresh."""
        timestamp, given = headers.get(TIMESTAMP_HEADER, "").strip(), headers.get(SIGNATURE_HEADER, "")
        if not timestamp:
            return "missing_timestamp"
        if not given.strip():
            return "missing_signature"
        return signature_problem(self._secret, VERSION, timestamp, given, body, self._now())

    def _handle(self, body: bytes) -> tuple[int, dict[str, Any]]:
        """A verified request: validate it, then apply it like `/partner deal`."""
        try:
            payload = loads_json(body.decode("utf-8"))  # refuses lone surrogates
        except (UnicodeDecodeError, ValueError, RecursionError):
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
        # One line, as a name typed after `/partner deal` is: a line break or tab in it would
        # break the coaching post's layout and start a fresh line in the log.
        deal = " ".join(without_hidden_controls(deal).split())
        if not any(char.isalnum() for char in deal):  # "\u200b", "***": nothing anyone can read
            return 400, {"ok": False, "error": "invalid_deal", "detail": "a name needs letters or digits"}
        if len(deal) > 80:
            return 400, {"ok": False, "error": "deal_too_long", "detail": "at most 80 characters"}
        stage = normalize_stage(stage_name)
        if stage is None:
            return 400, {"ok": False, "error": "unknown_stage", "known": stage_names()}
        if not _CHANNEL_ID.match(channel):
            return 400, {"ok": False, "error": "invalid_channel"}
        try:
            event_id = _event_id(payload.get("id"))
            occurred_at = _occurred_at(payload.get("occurred_at"), self._services.clock.now())
            workspace, client = self._workspace(payload.get("team_id"), payload.get("enterprise_id"))
            found = client.conversations_info(channel=channel).get("channel") or {}
            # A deal moved where the bot can't post would be acknowledged and then go unsaid.
            if found.get("is_member") is False:
                raise _Refused(400, "not_in_channel")
            if found.get("is_archived"):
                raise _Refused(400, "is_archived")
        except _Refused as refused:
            return refused.status, {"ok": False, "error": refused.error}
        except SlackApiError as exc:
            return 400, {"ok": False, "error": str(exc.response.get("error", "slack_error"))}
        actor = self._services.actor(workspace, channel, "crm-webhook")
        if event_id is not None and not self._receipts.first_event(actor.scope, event_id,
                                                                   self._services.clock.now()):
            return 200, {"ok": True, "duplicate": True, "changed": False}
        try:
            outcome = self._services.partner.set_stage(actor, deal.strip(), stage, source="webhook",
                                                       occurred_at=occurred_at)
        except BaseException:
            if event_id is not None:  # not applied: the CRM's retry must get through
                self._receipts.forget_event(actor.scope, event_id)
            raise
        for name in outcome.signed:
            self._services.on_signed(actor, name)
        for message in outcome.posts:
            post(client, channel, message)
        changed = bool(outcome.posts)
        log.info("webhook: %s → %s in %s (changed=%s)", deal[:40], stage.value, channel, changed)
        answer = {"ok": True, "deal": deal.strip(), "stage": stage.value, "changed": changed}
        if occurred_at is not None and not changed and _is_stale(outcome):
            answer["stale"] = True
        return 200, answer

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


def _event_id(value: Any) -> str | None:
    """The payload's optional ``id``, as a string; refused when not a short string or number."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _Refused(400, "invalid_id")
    text = str(value).strip()
    if not text or len(text) > _MAX_ID:
        raise _Refused(400, "invalid_id")
    return text


def _occurred_at(value: Any, now: datetime) -> datetime | None:
    """The payload's optional ``occurred_at`` (ISO 8601 with a time zone), not in the future:
    a change dated next year would make every real update until then look out of date."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise _Refused(400, "invalid_occurred_at")
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _Refused(400, "invalid_occurred_at") from None
    if when.tzinfo is None:
        raise _Refused(400, "invalid_occurred_at")  # ambiguous: whose 10:00?
    if when > now + timedelta(seconds=MAX_SKEW_SECONDS):  # the clocks may differ a little
        raise _Refused(400, "occurred_at_in_future")
    return when


def _is_stale(outcome: Any) -> bool:
    reply = outcome.reply
    return reply is not None and reply.template == "stage_unchanged" and bool(reply.context.get("stale"))


class _Refused(Exception):
    def __init__(self, status: int, error: str) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
