"""Who is on the partner's side of a Slack Connect channel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.domain.mutual_plan import is_external
from bot.domain.workspace import Workspace

if TYPE_CHECKING:
    from bot.container import Services


def is_partner(
    services: Services, workspace: str, channel: str, user: str, payload_team: str | None = None
) -> bool:
    """True for a member of another organisation in a channel shared with it (Slack Connect).

    Both must hold: the person's own workspace is not ours (``user.team_id`` of a button
    payload, else users.info, cached a day), and the channel is externally shared
    (conversations.info, cached a minute). Colleagues never pay for the second look-up.

    Someone Slack doesn't vouch for (users.info slow, failing or "not visible", and no team
    in the payload) is a partner in a shared channel: taken for a colleague, a partner
    read our private items and wrote our side whenever Slack didn't answer.

    Someone Slack says is from another organisation stays a partner while Slack can't say
    whether the channel is shared: they can only be here if it is.
    """
    if payload_team and payload_team == Workspace.from_key(workspace).team_id:
        return False
    team, enterprise = services.directory.home_team(workspace, user)
    vouched = bool(team or payload_team)
    if vouched and not is_external(workspace, team or payload_team, enterprise):
        return False
    return bool(channel) and services.directory.is_ext_shared(workspace, channel, if_unknown=vouched)
