"""Reject Slack-shaped requests whose structure Bolt would choke on (Bolt answers those with 500)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

COMMAND_FIELDS = ("command", "team_id", "channel_id", "user_id")
# Slack's payloads nest a dozen levels at most (rich text lists in blocks in a message in
# an event); far deeper would only make the listeners' recursive walks hit Python's limit.
MAX_DEPTH = 64


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested past Python's limit
        return None
    if not isinstance(value, dict) or _deeper_than(value, MAX_DEPTH):
        return None
    return value


def _deeper_than(value: Any, limit: int) -> bool:
    """True when containers nest more than ``limit`` levels (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item if isinstance(v, (dict, list)))
    return False


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


@dataclass(frozen=True)
class Inspected:
    """What :func:`inspect` found: why the body can't be a Slack request (None when it can),
    what kind of request it is, and the body parsed the way Bolt reads it."""

    problem: str | None
    kind: str
    payload: dict[str, Any]


def inspect(text: str, content_type: str) -> Inspected:
    """Parse a Slack request body once and say whether Bolt and the listeners can take it.

    The parsed ``payload`` is what Bolt's own parser would make of it (a JSON object, the
    ``payload`` field of an interactivity form, or a slash command's form fields), so Bolt
    is handed it instead of parsing the body a second time. Bolt's parser also reads a
    slash command whose text contains the word "payload" as an empty body: this one
    doesn't.
    """
    if "json" in content_type or text.startswith("{"):
        payload = _json_object(text)
        if payload is None:
            return Inspected(f"expected a JSON object nested at most {MAX_DEPTH} deep", "other", {})
        if payload.get("type") == "event_callback":
            event = payload.get("event")
            if not isinstance(event, dict) or not isinstance(event.get("type"), str):
                return Inspected("event_callback without an event object", "event", payload)
        return Inspected(None, kind_of(payload), payload)
    form = dict(parse_qsl(text, keep_blank_values=True))  # the last of repeated fields, as Bolt
    if "payload" in form:
        payload = _json_object(form["payload"])
        if payload is None or not isinstance(payload.get("type"), str):
            return Inspected("interactivity payload is not a JSON object with a type", "other", {})
        return Inspected(_interactive_problem(payload), kind_of(payload), payload)
    if "command" in form:
        missing = [f for f in COMMAND_FIELDS if not form.get(f)]
        if missing:
            return Inspected("slash command without " + ", ".join(missing), "command", form)
        return Inspected(None, "command", form)
    return Inspected(None, "other", form)


def _interactive_problem(payload: dict[str, Any]) -> str | None:
    """What Bolt and the listeners index into without checking: ``actions[0]``, the view,
    ``state.values`` as a mapping of mappings."""
    kind = payload["type"]
    if kind == "block_actions":
        actions = payload.get("actions")
        if not isinstance(actions, list) or not actions:
            return "block_actions without actions"
        if not all(isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions):
            return "block_actions with an action that has no action_id"
        if not all(isinstance(a.get("value", ""), str) for a in actions):
            return "block_actions with a value that is not a string"
        state = payload.get("state")
        if state is not None and (not isinstance(state, dict) or not _values_ok(state.get("values"))):
            return "block_actions whose state.values is not an object of objects"
        container = payload.get("container")
        if isinstance(container, dict) and container.get("type") == "message" and not isinstance(
            payload.get("response_url"), str
        ):
            return "block_actions on a message without a response_url"
    if kind in ("block_actions", "view_submission", "view_closed") and "view" in payload:
        view = payload["view"]
        if kind != "block_actions" and not isinstance(view, dict):
            return f"{kind} without a view object"
        if isinstance(view, dict):
            state = view.get("state")
            if state is not None and (not isinstance(state, dict) or not _values_ok(state.get("values"))):
                return "view whose state.values is not an object of objects"
            if not isinstance(view.get("private_metadata", ""), str):
                return "view whose private_metadata is not a string"
        elif view is not None:
            return "block_actions with a view that is not an object"
    if kind in ("view_submission", "view_closed") and not isinstance(payload.get("view"), dict):
        return f"{kind} without a view object"
    user = payload.get("user")
    if user is not None and not isinstance(user, dict):
        return "interactivity payload whose user is not an object"
    return None


def _values_ok(values: Any) -> bool:
    """``state.values``: absent, or {block_id: {action_id: {…}}}."""
    if values is None:
        return True
    return isinstance(values, dict) and all(
        isinstance(block, dict) and all(isinstance(v, dict) for v in block.values())
        for block in values.values()
    )
