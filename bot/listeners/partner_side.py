"""Who is on the partner's side of a Slack Connect channel."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.container import Services


def is_partner(
    services: Services, workspace: str, channel: str, user: str, payload_team: str | None = None
) -> bool:
    """True for a member of another organisation in a channel shared with it (Slack Connect);
    see :meth:`bot.slack.directory.Directory.is_partner`."""
    return services.directory.is_partner(workspace, channel, user, payload_team)
