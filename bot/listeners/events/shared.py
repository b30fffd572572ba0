"""Who reads a channel changed: `channel_shared` / `channel_unshared` (it joined or left Slack
Connect), `member_left_channel` (someone left it) and `channel_archive` / `group_archive` and
their `…_unarchive` (nobody can post in it any more, or again).

What the bot says in a channel depends on whether the partner's organisation reads it
(private items and our coaching stay out of shared channels), and that answer is cached
for a minute: the event drops it, so the next post asks Slack again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext

from bot.listeners.payload import workspace_of

if TYPE_CHECKING:
    from bot.container import Services


def make_sharing_handler(services: Services) -> Callable[..., None]:
    """Forget the channel's cached sharing and members (a redelivery just forgets again)."""

    def handle_sharing_changed(event: dict[str, Any], context: BoltContext) -> None:
        channel = event.get("channel")
        if isinstance(channel, str) and channel:
            services.directory.forget_channel(workspace_of(context), channel)

    return handle_sharing_changed


def make_member_left_handler(services: Services) -> Callable[..., None]:
    """Forget the leaver's cached channels and the channel's members: what the bot shows them, and
    whose calendar meetings are asked about in the channel, follow at once, not a minute later."""

    def handle_member_left(event: dict[str, Any], context: BoltContext) -> None:
        channel, user = event.get("channel"), event.get("user")
        if isinstance(channel, str) and channel and isinstance(user, str) and user:
            services.directory.forget_member(workspace_of(context), channel, user)

    return handle_member_left


def make_archive_handler(services: Services) -> Callable[..., None]:
    """A channel was archived or unarchived: forget who is in which channel, so the next
    planning drops (or brings back) the calendar prompts planned there, instead of trying to
    post in an archived channel until the cached memberships run out."""

    def handle_archive_changed(event: dict[str, Any], context: BoltContext) -> None:
        channel = event.get("channel")
        if isinstance(channel, str) and channel:
            workspace = workspace_of(context)
            services.directory.forget_archived(workspace, channel)
            if services.calendar is not None:
                services.calendar.planner.forget_memberships(workspace)

    return handle_archive_changed
