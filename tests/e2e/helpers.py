"""Small helpers for reading what the bot answered."""

from __future__ import annotations

import json
from typing import Any


def all_text(payload: dict[str, Any]) -> str:
    """Every string inside a message or view, joined: what a reader would see."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(payload)
    return "\n".join(out)


def reply(response) -> dict[str, Any]:
    """The JSON body Bolt acked a command with."""
    assert response.status_code == 200, response.text
    return json.loads(response.text) if response.text else {}


def reply_text(response) -> str:
    return all_text(reply(response))


def action_values(payload: dict[str, Any], action_id: str) -> list[str]:
    """Values of every button with that action id."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("action_id") == action_id and "value" in node:
                found.append(node["value"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(payload)
    return found


HIDDEN_KEYS = ("value", "private_metadata", "action_id", "block_id", "callback_id")


def visible(payload: Any) -> Any:
    """The payload without fields Slack never renders (button values, metadata)."""
    if isinstance(payload, dict):
        return {k: visible(v) for k, v in payload.items() if k not in HIDDEN_KEYS}
    if isinstance(payload, list):
        return [visible(v) for v in payload]
    return payload
