"""The "{version}:{timestamp}:{raw body}" HMAC-SHA256 scheme (Slack's), which our CRM webhook
(``v1``) and Zoom's webhook (``v0``) both use: one place that signs and checks it."""

from __future__ import annotations

import hashlib
import hmac

#: How far a request's timestamp may be from our clock, either way (as Slack's).
MAX_SKEW_SECONDS = 5 * 60


def timestamped_signature(secret: str, version: str, timestamp: int | str, body: bytes) -> str:
    """``{version}=<hex HMAC-SHA256 of "{version}:{timestamp}:{body}">``."""
    message = f"{version}:{timestamp}:".encode() + body
    return f"{version}=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_problem(secret: str, version: str, timestamp: str, given: str, body: bytes,
                      now: float) -> str | None:
    """Why a present timestamp and signature are refused (an error code), or None when fresh
    and correct. Only ASCII digits count: ``"²".isdigit()`` is true but ``int()`` refuses it."""
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        return "invalid_timestamp"
    if abs(now - int(timestamp)) > MAX_SKEW_SECONDS:
        return "stale_timestamp"
    expected = timestamped_signature(secret, version, timestamp, body)
    if not hmac.compare_digest(given.strip().encode(), expected.encode()):
        return "invalid_signature"
    return None
