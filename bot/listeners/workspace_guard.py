"""Before any listener runs: a request must come from the workspace (or Enterprise Grid org)
the bot is installed in.

Bolt authorizes a request from its token: in single-token mode the token's own ``auth.test``
answer, whatever workspace the payload names. A request naming another workspace (Slack
never sends one to a single-workspace app: a partner's clicks and events in a Slack Connect
channel carry our workspace, and the person's own team apart) would otherwise be filed
under that workspace's key: a ledger nobody of ours can see, written by someone the partner
checks then take for a colleague of that workspace, while the posts go to our channel. So
it changes nothing: a slash command is told why, anything else is acknowledged and dropped.
With the OAuth install Bolt finds the installation by the payload's own ids: nothing to check.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext, BoltResponse

from bot.domain.refusal import Refusal
from bot.services.outcome import refuse
from bot.slack.poster import rendered

if TYPE_CHECKING:
    from bot.container import Services

log = logging.getLogger(__name__)

FOREIGN_WORKSPACE = Refusal("wrong_workspace")


def foreign(context: BoltContext) -> bool:
    """The request names a workspace or org other than the one the bot's token serves."""
    installed = context.authorize_result
    if installed is None:
        return False  # nothing authorized (a URL check): nothing to compare
    own_team, own_org = installed.team_id, installed.enterprise_id
    team, org = context.team_id, context.enterprise_id
    if own_org and org == own_org:
        return False  # another workspace of the same Grid org: the install serves the org
    if own_team and team and team != own_team:
        return True
    return bool(org and org != own_org)


def make_workspace_guard(services: Services) -> Callable[..., Any]:
    """The Bolt middleware: drop, with a clear answer to a person, a request from elsewhere.

    Single-token mode only: with the OAuth install (``services.client_for``) Bolt finds the
    installation by the payload's own ids, and refuses a workspace that has none."""

    def workspace_guard(body: dict[str, Any], context: BoltContext,
                        next: Callable[[], Any]) -> Any:  # noqa: A002 - Bolt's name for it
        if services.client_for is not None or not foreign(context):
            return next()
        log.warning("ignored a request from workspace %s (enterprise %s): the bot serves %s",
                    str(context.team_id)[:32], str(context.enterprise_id)[:32],
                    str(context.authorize_result.team_id if context.authorize_result else "")[:32])
        if isinstance(body, dict) and "command" in body:
            reply = refuse(FOREIGN_WORKSPACE).reply
            return BoltResponse(status=200, body=rendered(reply) if reply else "")
        return BoltResponse(status=200, body="")

    return workspace_guard
