"""Refuse Block Kit payloads the way Slack does, judged by slack_sdk's own models.

Each block is parsed with :mod:`slack_sdk.models.blocks` and validated (its length limits,
element counts, required fields); a field or element the models don't know is a problem
too, since Slack refuses what it doesn't know. On top come the rules the models leave to
the server: how many blocks a message or view holds, unique ``block_id`` s, unique
``action_id`` s within a block, the message ``text`` limit. Slack's limits:
https://docs.slack.dev/reference/block-kit/blocks (50 blocks in a message, 100 in a view,
3,000 characters in a section's text) and chat.postMessage (text truncated past 40,000
characters; ``msg_too_long``).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_TEXT = 40_000
SERVER_FIELDS = {"id", "team_id", "app_id", "bot_id", "state", "hash", "root_view_id", "previous_view_id"}

# slack_sdk warns (and drops the field) when a payload has a key it doesn't model; we
# report that ourselves, so its log lines would only be noise.
logging.getLogger("slack_sdk.models").setLevel(logging.ERROR)


def message_problems(args: dict[str, Any]) -> tuple[str, list[str]] | None:
    """Why Slack would refuse a message's ``text``/``blocks``: (error code, details), or None."""
    text = args.get("text")
    if isinstance(text, str) and len(text) > MAX_MESSAGE_TEXT:
        return "msg_too_long", [f"text is {len(text)} characters (limit {MAX_MESSAGE_TEXT})"]
    if "blocks" not in args:
        return None
    blocks = args["blocks"]
    if not isinstance(blocks, list):
        return "invalid_blocks_format", ["blocks must be a JSON array"]
    problems = blocks_problems(blocks, MAX_MESSAGE_BLOCKS)
    return ("invalid_blocks", problems) if problems else None


def view_problems(view: Any) -> list[str]:
    """Why Slack would refuse a view (views.open/push/update/publish answer invalid_arguments)."""
    if not isinstance(view, dict):
        return ["view must be a JSON object"]
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        return ["view.blocks must be a JSON array"]
    problems = blocks_problems(blocks, MAX_VIEW_BLOCKS)
    # What views.open takes (what Slack adds to a stored view - id, hash, state - is left out).
    fields = {k: v for k, v in view.items() if k in View.attributes and k not in SERVER_FIELDS}
    unknown = sorted(set(view) - View.attributes - SERVER_FIELDS - {"app_installed_team_id"})
    problems += [f"view has an unknown field {name!r}" for name in unknown]
    try:
        View(**fields).validate_json()
    except (SlackObjectFormationError, TypeError, AttributeError) as exc:
        problems.append(f"view: {exc}")
    return problems


def blocks_problems(blocks: list[Any], limit: int) -> list[str]:
    """Every reason a list of blocks would be refused (empty when Slack would take it)."""
    problems = []
    if len(blocks) > limit:
        problems.append(f"no more than {limit} items allowed [json-pointer:/blocks]")
    block_ids: set[str] = set()
    for n, raw in enumerate(blocks):
        where = f"[json-pointer:/blocks/{n}]"
        if not isinstance(raw, dict):
            problems.append(f"a block must be an object {where}")
            continue
        try:
            parsed = Block.parse(raw)
            if parsed is None or type(parsed) is Block:
                problems.append(f"unsupported block type {raw.get('type')!r} {where}")
                continue
            parsed.validate_json()
            problems += [f"{p} {where}" for p in _unknown_fields(raw, parsed.to_dict())]
        except (SlackObjectFormationError, TypeError, AttributeError, KeyError, ValueError) as exc:
            problems.append(f"{exc} {where}")
            continue
        block_id = raw.get("block_id")
        if block_id is not None:
            if block_id in block_ids:
                problems.append(f"duplicate block_id {block_id!r} {where}")
            block_ids.add(block_id)
        action_ids = [e.get("action_id") for e in _elements(raw) if e.get("action_id") is not None]
        for action_id in sorted({a for a in action_ids if action_ids.count(a) > 1}):
            problems.append(f"duplicate action_id {action_id!r} {where}")
    return problems


def _elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    """The interactive elements of a block (actions/context elements, an accessory, an input's)."""
    found = [e for e in block.get("elements") or [] if isinstance(e, dict)]
    for key in ("accessory", "element"):
        if isinstance(block.get(key), dict):
            found.append(block[key])
    return found


def _unknown_fields(raw: Any, parsed: Any, path: str = "") -> list[str]:
    """Fields of ``raw`` that slack_sdk's model dropped: Slack doesn't know them either."""
    if isinstance(raw, dict) and isinstance(parsed, dict):
        problems = []
        for key, value in raw.items():
            if key not in parsed:
                problems.append(f"{'empty' if value in ([], {}, '') else 'unknown'} field {path}/{key}")
            else:
                problems += _unknown_fields(value, parsed[key], f"{path}/{key}")
        return problems
    if isinstance(raw, list) and isinstance(parsed, list):
        if len(raw) != len(parsed):
            return [f"unsupported items in {path or '/'}"]
        return [p for n, (r, q) in enumerate(zip(raw, parsed, strict=True))
                for p in _unknown_fields(r, q, f"{path}/{n}")]
    return []


RESPONSE_TYPES = {"ephemeral", "in_channel"}
RESPONSE_ACTIONS = {"errors", "update", "push", "clear"}


def command_ack_problems(body: Any) -> list[str]:
    """Why Slack would refuse a slash command's acknowledgement body (a message)."""
    if not isinstance(body, dict):
        return []  # plain text is a message too
    problems = []
    if body.get("response_type", "ephemeral") not in RESPONSE_TYPES:
        problems.append(f"unknown response_type {body.get('response_type')!r}")
    problem = message_problems(body)
    if problem is not None:
        problems += [f"{problem[0]}: {p}" for p in problem[1]]
    return problems


def view_ack_problems(body: Any, submitted: dict[str, Any]) -> list[str]:
    """Why Slack would refuse a view_submission's acknowledgement body.

    ``errors`` must name input blocks of the submitted view, each with a message;
    ``update``/``push`` carry a view judged like views.update/views.push.
    """
    if not isinstance(body, dict) or not body:
        return [] if body in ({}, None) else ["a view_submission ack must be a JSON object"]
    action = body.get("response_action")
    if action not in RESPONSE_ACTIONS:
        return [f"unknown response_action {action!r}"]
    if action in ("update", "push"):
        return view_problems(body.get("view"))
    if action == "errors":
        errors = body.get("errors")
        if not isinstance(errors, dict) or not errors:
            return ["response_action errors needs a non-empty errors object"]
        inputs = {b.get("block_id") for b in submitted.get("blocks") or []
                  if isinstance(b, dict) and b.get("type") == "input"}
        problems = [f"errors names {key!r}, not an input block of the view"
                    for key in errors if submitted.get("blocks") and key not in inputs]
        problems += [f"errors[{key!r}] must be a non-empty string" for key, text in errors.items()
                     if not isinstance(text, str) or not text.strip()]
        return problems
    return []
