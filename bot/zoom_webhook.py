"""`POST /webhooks/zoom`: Zoom's `meeting.ended`, so a Zoom call with a deal's company gets its
debrief prompt like a calendar meeting does (:mod:`bot.services.calendar`).

Verified with Zoom's own scheme, keyed on the event subscription's Secret Token
(``ZOOM_WEBHOOK_SECRET_TOKEN``): ``x-zm-signature: v0=<hex HMAC-SHA256 of
"v0:{x-zm-request-timestamp}:{raw body}">``, the timestamp at most 5 minutes off. Zoom's
``endpoint.url_validation`` challenge is answered with ``{"plainToken", "encryptedToken"}``
(the hex HMAC-SHA256 of the plain token), and only when the challenge itself is signed and
its token looks like Zoom's: otherwise the answer would hand anyone a signature for a body
of their choosing.

Zoom's payload names no attendees, so the meeting matches a deal by its name in the topic
(as in :func:`bot.domain.calendar_match.deal_named`); a topic naming deals in several
channels is left alone. Single-workspace installs only (one bot token): the token's
workspace is where the deals are.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.domain.zoom_times import zoom_times_problem
from bot.slack.client import token_workspace
from bot.slack.request_shape import loads_json
from bot.timestamped_signature import signature_problem, timestamped_signature

if TYPE_CHECKING:
    from bot.container import Services

ZOOM_PATH = "/webhooks/zoom"
SIGNATURE_HEADER = "x-zm-signature"
TIMESTAMP_HEADER = "x-zm-request-timestamp"
_PLAIN_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_UUID = 200
#: Zoom caps a topic at 200 characters. Read whole, a body-sized one (up to 1 MB) was split
#: into words once for every deal of the workspace, holding one of the webhook's two slots.
MAX_TOPIC = 300


def zoom_signature(secret: str, timestamp: int | str, body: bytes) -> str:
    """The ``x-zm-signature`` value Zoom sends with ``body`` at ``timestamp``."""
    return timestamped_signature(secret, "v0", timestamp, body)


class ZoomWebhook:
    """The route's handler: ``(raw body, headers) -> (status, JSON body)``."""

    def __init__(self, secret: str, services: Services, now: Callable[[], float] = time.time) -> None:
        self._secret = secret
        self._services = services
        self._now = now  # wall-clock seconds, as Zoom's timestamp is
        self._workspace: str | None = None

    def __call__(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        refused = self._verify(body, headers)
        if refused is not None:
            return 401, {"ok": False, "error": refused}
        try:
            payload = loads_json(body.decode("utf-8"))  # refuses lone surrogates
        except (UnicodeDecodeError, ValueError, RecursionError):
            return 400, {"ok": False, "error": "invalid_json"}
        if not isinstance(payload, dict):
            return 400, {"ok": False, "error": "invalid_json"}
        event = payload.get("event")
        inner = payload.get("payload") if isinstance(payload.get("payload"), dict) else {}
        if event == "endpoint.url_validation":
            plain = inner.get("plainToken")
            if not isinstance(plain, str) or not _PLAIN_TOKEN.match(plain):
                return 400, {"ok": False, "error": "invalid_plain_token"}
            encrypted = hmac.new(self._secret.encode(), plain.encode(), hashlib.sha256).hexdigest()
            return 200, {"plainToken": plain, "encryptedToken": encrypted}
        if event != "meeting.ended":
            return 200, {"ok": True, "ignored": str(event)[:40]}
        meeting = inner.get("object") if isinstance(inner.get("object"), dict) else {}
        uuid, topic = meeting.get("uuid"), meeting.get("topic")
        if not isinstance(uuid, str) or not uuid or len(uuid) > MAX_UUID or not isinstance(topic, str):
            return 400, {"ok": False, "error": "missing_fields", "fields": ["object.uuid", "object.topic"]}
        ended_at = _ended_at(meeting.get("end_time"))
        calendar = self._services.calendar
        if calendar is None:
            return 404, {"ok": False, "error": "calendar_disabled"}
        started_at = _ended_at(meeting.get("start_time"))
        problem = zoom_times_problem(ended_at, started_at, calendar.clock.now())
        if problem is not None:  # answered 200: Zoom retrying the same body changes nothing
            return 200, {"ok": True, "planned": False, "ignored": problem}
        if self._workspace is None:
            self._workspace = token_workspace(self._services.client)
        channels = calendar.zoom_meeting_ended(self._workspace, uuid, topic[:MAX_TOPIC], ended_at,
                                               started_at=started_at)
        return 200, {"ok": True, "matched": len(channels), "planned": len(channels) == 1}

    def _verify(self, body: bytes, headers: dict[str, str]) -> str | None:
        timestamp = headers.get(TIMESTAMP_HEADER, "").strip()
        given = headers.get(SIGNATURE_HEADER, "").strip()
        if not timestamp or not given:
            return "missing_signature"
        return signature_problem(self._secret, "v0", timestamp, given, body, self._now())


def _ended_at(value: Any) -> datetime | None:
    """Zoom's ``end_time`` or ``start_time`` ("2026-11-23T16:30:00Z"), or None (unreadable)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed.astimezone(UTC) if parsed.tzinfo else None
    except (ValueError, OverflowError):  # OverflowError: year 9999 at -14:00 is past year 9999 UTC
        return None
