"""Multi-workspace install: Bolt's OAuth flow over slack-sdk's SQLAlchemy stores.

Used only when SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set (then DATABASE_URL is
required). Installations and OAuth states live in the same PostgreSQL database as the
records; `partner-coach db upgrade` creates their tables (:func:`create_tables`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import sqlalchemy as sa
from slack_bolt import BoltResponse
from slack_bolt.oauth.callback_options import CallbackOptions, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.domain.workspace import Workspace, workspace_key
from bot.slack.client import build_client
from bot.slack.scopes import BOT_SCOPES

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_EXPIRATION_SECONDS = 600

ClientFor = Callable[[str], WebClient]


def installation_store(engine: sa.Engine, client_id: str) -> SQLAlchemyInstallationStore:
    """Installations (one bot token per workspace) in the bot's database."""
    return SQLAlchemyInstallationStore(client_id=client_id, engine=engine)


def state_store(engine: sa.Engine) -> SQLAlchemyOAuthStateStore:
    """The one-time OAuth `state` values, shared by every process."""
    return SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine)


def create_tables(engine: sa.Engine) -> None:
    """Create the installation and state tables if missing (idempotent)."""
    installation_store(engine, client_id="-").create_tables()
    state_store(engine).create_tables()


def oauth_settings(
    engine: sa.Engine, client_id: str, client_secret: str, on_installed: Callable[[str], object],
) -> OAuthSettings:
    """Bolt's OAuth settings: install at /slack/install, callback at /slack/oauth_redirect.

    ``on_installed(workspace key)`` runs after an installation is saved (a reinstall
    clears the workspace's "uninstalled" mark), before Bolt's usual success page.
    """

    def success(args: SuccessArgs) -> BoltResponse:
        key = installation_key(args.installation)
        try:
            on_installed(key)
        except Exception:  # the install is saved; the person must still see it succeed
            log.exception("clearing the uninstalled mark of %s failed; it stays paused", key)
        return args.default.success(args)

    settings = OAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=sorted(BOT_SCOPES),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=installation_store(engine, client_id),
        state_store=state_store(engine),
        callback_options=CallbackOptions(success=success, failure=lambda args: args.default.failure(args)),
    )
    # Bolt asks Slack's auth.test about the workspace's token before every ack unless it
    # remembers the answer (per token: a new install's token is asked once). Slack
    # rate-limits auth.test like any method, and the client waits out the Retry-After
    # before the ack: every request of the workspace missed its 3 seconds. An uninstall
    # still takes effect at once: the installation is looked up first, on every request.
    settings.authorize.cache_enabled = True  # type: ignore[attr-defined]
    return settings


def installation_key(installation: Installation) -> str:
    """The workspace key records of this installation are filed under."""
    return workspace_key(installation.team_id, installation.enterprise_id,
                         bool(installation.is_enterprise_install))


def forget_installation(store: SQLAlchemyInstallationStore) -> Callable[[str], None]:
    """An uninstall hook: delete the workspace's installations and bot tokens (idempotent)."""

    def forget(key: str) -> None:
        workspace = Workspace.from_key(key)
        store.delete_all(enterprise_id=workspace.enterprise_id, team_id=workspace.team_id)

    return forget


def client_for(store: SQLAlchemyInstallationStore, api_url: str) -> ClientFor:
    """A callable giving the bot client of a workspace (its key), from its installation.

    Raises LookupError when the workspace has no installation (uninstalled).
    """

    def client(key: str) -> WebClient:
        workspace = Workspace.from_key(key)
        bot = store.find_bot(
            enterprise_id=workspace.enterprise_id,
            team_id=workspace.team_id,
            is_enterprise_install=workspace.org_wide,
        )
        if bot is None or not bot.bot_token:
            raise LookupError(f"no installation for workspace {key}")
        return build_client(bot.bot_token, api_url)

    return client
