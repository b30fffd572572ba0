"""Reading the parts of Slack interactivity payloads that every listener needs."""

from __future__ import annotations

import json
from typing import Any


def team_id(body: dict[str, Any]) -> str:
    """The workspace of a block action or view submission."""
    team = body.get("team") or {}
    return str(team.get("id") or body["user"].get("team_id", ""))


def channel_id(body: dict[str, Any]) -> str:
    """The channel a button was clicked in ("" for the Home tab and modals)."""
    return str((body.get("channel") or {}).get("id", ""))


def view_metadata(view: dict[str, Any]) -> dict[str, Any]:
    """The JSON we stored in a modal's private_metadata ({} if missing or mangled)."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}
