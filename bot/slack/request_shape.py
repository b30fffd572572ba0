"""Reject Slack-shaped requests whose structure Bolt would choke on (Bolt answers those with 500)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

COMMAND_FIELDS = ("command", "team_id", "channel_id", "user_id")


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def shape_problem(body: bytes, content_type: str) -> str | None:
    """Why this body can't be a Slack request, or None when it looks like one."""
    text = body.decode("utf-8")  # the caller already refused invalid UTF-8
    if "json" in content_type:
        payload = _json_object(text)
        if payload is None:
            return "expected a JSON object"
        if payload.get("type") == "event_callback":
            event = payload.get("event")
            if not isinstance(event, dict) or not isinstance(event.get("type"), str):
                return "event_callback without an event object"
        return None
    form = parse_qs(text, keep_blank_values=True)
    if "payload" in form:
        payload = _json_object(form["payload"][0])
        if payload is None or not isinstance(payload.get("type"), str):
            return "interactivity payload is not a JSON object with a type"
        return None
    if "command" in form:
        missing = [f for f in COMMAND_FIELDS if not (form.get(f) or [""])[0]]
        if missing:
            return "slash command without " + ", ".join(missing)
    return None
