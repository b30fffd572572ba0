"""Reading the parts of Slack interactivity payloads that every listener needs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext

from bot.domain.workspace import workspace_key

if TYPE_CHECKING:
    from bot.container import Services
    from bot.services.partner_command import Actor


def workspace_of(context: BoltContext) -> str:
    """The workspace key the request's records are filed under (bot.domain.workspace).

    Bolt has already read the team, enterprise and org-wide flag from whichever
    place this payload type keeps them (they differ between commands, events,
    buttons and modals, and again for org-wide installs).
    """
    return workspace_key(context.team_id, context.enterprise_id, bool(context.is_enterprise_install))


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


def event_time(body: dict[str, Any]) -> datetime | None:
    """When Slack says an Events API event happened (None if missing or mangled)."""
    stamp = body.get("event_time")
    if not isinstance(stamp, int | float) or isinstance(stamp, bool) or not 0 < stamp < 2**33:
        return None
    return datetime.fromtimestamp(stamp, UTC)


def modal_actor(
    services: Services, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> tuple[Actor, dict[str, Any]]:
    """Who submitted a modal, in the channel its metadata names ("" when lost), and that metadata."""
    meta = view_metadata(view)
    actor = services.actor(workspace_of(context), str(meta.get("channel") or ""), body["user"]["id"])
    return actor, meta
