"""`app_uninstalled` and `tokens_revoked`: the workspace removed the app, or its bot token."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext

from bot.listeners.payload import event_time, workspace_of

if TYPE_CHECKING:
    from bot.container import Services


def make_uninstalled_handler(services: Services) -> Callable[..., None]:
    """Stop everything scheduled for the workspace and forget its token (records are kept)."""

    def handle_app_uninstalled(body: dict[str, Any], context: BoltContext) -> None:
        services.workspaces.uninstalled(workspace_of(context), "app_uninstalled", event_time(body))

    return handle_app_uninstalled


def make_tokens_revoked_handler(services: Services) -> Callable[..., None]:
    """A revoked bot token is an uninstall for us: the bot can no longer post there."""

    def handle_tokens_revoked(
        event: dict[str, Any], body: dict[str, Any], context: BoltContext, logger: Any
    ) -> None:
        tokens = event.get("tokens") if isinstance(event.get("tokens"), dict) else {}
        if tokens.get("bot"):
            services.workspaces.uninstalled(workspace_of(context), "tokens_revoked", event_time(body))
        else:
            # Only people's tokens: the bot asks for none, so there is nothing of ours to drop.
            logger.info("tokens_revoked for users only in %s; nothing to do", workspace_of(context))

    return handle_tokens_revoked
