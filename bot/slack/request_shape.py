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


ACTION_TYPES = frozenset({"block_actions", "interactive_message", "shortcut", "message_action",
                          "block_suggestion", "dialog_submission"})
VIEW_TYPES = frozenset({"view_submission", "view_closed"})


def kind_of(payload: dict[str, Any]) -> str:
    """What a parsed Slack request is, for the metrics: command, action, view, event or other."""
    if "command" in payload:
        return "command"
    kind = payload.get("type")
    if kind in ACTION_TYPES:
        return "action"
    if kind in VIEW_TYPES:
        return "view"
    if kind == "event_callback":
        return "event"
    return "other"


def shape_problem(body: bytes, content_type: str) -> str | None:
    """Why this body can't be a Slack request, or None when it looks like one."""
    return inspect(body, content_type)[0]


def inspect(body: bytes, content_type: str) -> tuple[str | None, str]:
    """(why this body can't be a Slack request or None, what kind of request it is)."""
    text = body.decode("utf-8")  # the caller already refused invalid UTF-8
    if "json" in content_type:
        payload = _json_object(text)
        if payload is None:
            return "expected a JSON object", "other"
        if payload.get("type") == "event_callback":
            event = payload.get("event")
            if not isinstance(event, dict) or not isinstance(event.get("type"), str):
                return "event_callback without an event object", "event"
        return None, kind_of(payload)
    form = parse_qs(text, keep_blank_values=True)
    if "payload" in form:
        payload = _json_object(form["payload"][0])
        if payload is None or not isinstance(payload.get("type"), str):
            return "interactivity payload is not a JSON object with a type", "other"
        return None, kind_of(payload)
    if "command" in form:
        missing = [f for f in COMMAND_FIELDS if not (form.get(f) or [""])[0]]
        if missing:
            return "slash command without " + ", ".join(missing), "command"
        return None, "command"
    return None, "other"
