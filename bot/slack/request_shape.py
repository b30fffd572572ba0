"""Reject Slack-shaped requests whose structure Bolt would choke on (Bolt answers those with 500)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from bot.action_ids import base_action_id

COMMAND_FIELDS = ("command", "team_id", "channel_id", "user_id")
# Where a message event keeps the message it edits, and the one before the edit.
_MESSAGE_FIELDS = ("message", "previous_message")
# Fields of a message (the event, or the message it edits) that Slack sends as text, and the
# listeners read as such: a user id of {"id": …} was stored as the owner of a commitment.
_MESSAGE_TEXT_FIELDS = ("user", "channel", "ts", "thread_ts", "text", "subtype", "bot_id", "deleted_ts",
                        "team", "user_team", "source_team")
# Slack's payloads nest a dozen levels at most (rich text lists in blocks in a message in
# an event); far deeper would only make the listeners' recursive walks hit Python's limit.
MAX_DEPTH = 64


# A JSON escape of a UTF-16 surrogate (paired ones are fine: an emoji may come as two).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def loads_json(text: str) -> Any:
    """``json.loads``, refusing (ValueError) a string holding a lone UTF-16 surrogate or NUL.

    ``"\\ud800"`` and ``"\\u0000"`` are valid JSON, but UTF-8 can't encode the first and
    PostgreSQL can't store the second in a JSON value: stored, either makes the write fail
    (on TinyDB the surrogate failed every later write too); posted, Slack refuses them.
    Slack never sends them; whoever does gets a 400 before any of it reaches a listener.
    """
    value = json.loads(text)
    if _SURROGATE_ESCAPE.search(text):  # rare: only then look at every string
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError("a string holds a lone UTF-16 surrogate") from exc
    if "\\u0000" in text and _holds_nul(value):
        raise ValueError("a string holds NUL")
    return value


def _holds_nul(value: Any) -> bool:
    """Some string (or key) inside ``value`` contains NUL (walked without recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = loads_json(text)
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


def _nests_too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON text opens more than ``limit`` arrays or objects inside each other.

    Button values and modal metadata are JSON the listeners parse again; nested thousands
    deep, ``json.loads`` dies of Python's recursion limit in the listener. A linear scan
    (brackets inside strings don't count) tells without parsing.
    """
    if text.count("[") + text.count("{") <= limit:
        return False
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


ACTION_TYPES = frozenset({"block_actions", "interactive_message", "shortcut", "message_action",
                          "block_suggestion", "dialog_submission"})
VIEW_TYPES = frozenset({"view_submission", "view_closed"})
# Buttons that only ever sit on messages (offers, reminder and proposal DMs) and answer
# through the message's response_url: clicked anywhere else, there is nowhere to answer.
MESSAGE_ONLY_ACTIONS = frozenset({"listen_log_give", "listen_log_get", "listen_ignore", "listen_undo",
                                  "reminder_done", "reminder_snooze", "plan_accept", "plan_decline",
                                  "calendar_choose"})


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
            return Inspected(f"expected a JSON object of UTF-8 text nested at most {MAX_DEPTH} deep",
                             "other", {})
        if payload.get("type") == "event_callback":
            event = payload.get("event")
            if not isinstance(event, dict) or not isinstance(event.get("type"), str):
                return Inspected("event_callback without an event object", "event", payload)
            # An edit or deletion carries the message as an object; the listeners read its fields.
            if not all(isinstance(event.get(key), dict | None) for key in _MESSAGE_FIELDS):
                return Inspected("event whose message is not an object", "event", payload)
            odd = _odd_message_fields(event) if event["type"] == "message" else None
            if odd:
                return Inspected(f"message event whose {odd} is not text", "event", payload)
        if "command" in payload:  # Slack sends commands as a form; a JSON one is read alike
            problem = _command_problem(payload)
            if problem:
                return Inspected(problem, "command", payload)
        odd = _odd_ids(payload)
        if odd:
            return Inspected(odd, kind_of(payload), payload)
        return Inspected(None, kind_of(payload), payload)
    form = dict(parse_qsl(text, keep_blank_values=True))  # the last of repeated fields, as Bolt
    if "payload" in form:
        payload = _json_object(form["payload"])
        if payload is None or not isinstance(payload.get("type"), str):
            return Inspected("interactivity payload is not a JSON object (of UTF-8 text) with a type",
                             "other", {})
        return Inspected(_interactive_problem(payload) or _odd_ids(payload), kind_of(payload), payload)
    if "command" in form:
        return Inspected(_command_problem(form), "command", form)
    return Inspected(None, "other", form)


def _odd_message_fields(event: dict[str, Any]) -> str | None:
    """The first field of a message event (or of the message it edits) that should be text
    and isn't, or None."""
    for where, message in (("", event), *((f"{key}.", event.get(key)) for key in _MESSAGE_FIELDS)):
        if not isinstance(message, dict):
            continue
        for field in _MESSAGE_TEXT_FIELDS:
            if not isinstance(message.get(field), str | None):
                return where + field
    return None


def _command_problem(fields: dict[str, Any]) -> str | None:
    """Why a slash command can't be handled: a field the listener needs missing, or (in a
    JSON body, which Bolt takes as well as Slack's form) not text."""
    missing = [f for f in COMMAND_FIELDS if not fields.get(f)]
    if missing:
        return "slash command without " + ", ".join(missing)
    odd = [f for f in (*COMMAND_FIELDS, "text", "trigger_id", "response_url")
           if not isinstance(fields.get(f, ""), str)]
    if odd:
        return "slash command whose " + ", ".join(odd) + " is not text"
    return None


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
        if any(_nests_too_deep(a.get("value") or "") for a in actions):
            return f"block_actions with a value nested more than {MAX_DEPTH} deep"
        state = payload.get("state")
        if state is not None and (not isinstance(state, dict) or not _values_ok(state.get("values"))):
            return "block_actions whose state.values is not an object of objects"
        container = payload.get("container")
        if isinstance(container, dict) and container.get("type") == "message" and not isinstance(
            payload.get("response_url"), str
        ):
            return "block_actions on a message without a response_url"
        if any(base_action_id(a["action_id"]) in MESSAGE_ONLY_ACTIONS for a in actions) and not isinstance(
            payload.get("response_url"), str
        ):
            return "block_actions for a message's button without a response_url"
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
            if _nests_too_deep(view.get("private_metadata") or ""):
                return f"view whose private_metadata is nested more than {MAX_DEPTH} deep"
            if not isinstance(view.get("callback_id", ""), str):
                return "view whose callback_id is not a string"
        elif view is not None:
            return "block_actions with a view that is not an object"
    if kind in ("view_submission", "view_closed") and not isinstance(payload.get("view"), dict):
        return f"{kind} without a view object"
    if kind == "workflow_step_edit" and not isinstance(payload.get("workflow_step"), dict):
        return "workflow_step_edit without a workflow_step object"  # Bolt reads it unchecked
    user = payload.get("user")
    if user is not None and not isinstance(user, dict):
        return "interactivity payload whose user is not an object"
    if kind in ("block_actions", "view_submission") and not (
            isinstance(user, dict) and isinstance(user.get("id"), str) and user["id"]):
        return f"{kind} without a user id"  # every listener answers someone
    # Slack sends these as objects; the listeners and the seal guard read fields of them.
    for key in ("channel", "container", "message"):
        if not isinstance(payload.get(key), dict | None):
            return f"interactivity payload whose {key} is not an object"
    if isinstance(payload.get("channel"), dict) and not isinstance(payload["channel"].get("id", ""), str):
        return "interactivity payload whose channel id is not a string"
    return None


# Where Bolt looks for the team, user and channel of a request (slack_bolt.request.internals):
# each a string or an object, in the payload, its event, the message an event edits ...
_ID_FIELDS = ("user", "channel", "team", "enterprise")
_ID_HOLDERS = ("event", "message", "previous_message", "item", "assistant_thread")


def _odd_ids(payload: dict[str, Any]) -> str | None:
    """Why Bolt would fail reading the ids of ``payload`` (a number where it expects a string
    or an object; authorizations that aren't a list of objects), or None."""
    authorizations = payload.get("authorizations")
    if authorizations is not None and not (
            isinstance(authorizations, list) and all(isinstance(a, dict) for a in authorizations)):
        return "authorizations is not a list of objects"
    stack: list[tuple[str, dict[str, Any]]] = [("payload", payload)]
    while stack:
        where, holder = stack.pop()
        for key in _ID_FIELDS:
            if not isinstance(holder.get(key), str | dict | None):
                return f"{where}.{key} is neither a string nor an object"
        stack.extend((f"{where}.{key}", holder[key]) for key in _ID_HOLDERS
                     if isinstance(holder.get(key), dict))
    return None


def _values_ok(values: Any) -> bool:
    """``state.values``: absent, or {block_id: {action_id: {…}}}."""
    if values is None:
        return True
    return isinstance(values, dict) and all(
        isinstance(block, dict) and all(isinstance(v, dict) for v in block.values())
        for block in values.values()
    )
