"""Settings read once from the environment: frozen, validated, never printing a secret."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_DB = "./data/partner-coach.json"
DEFAULT_PORT = 3000
DEFAULT_CALENDAR_POLL_SECONDS = 300


class ConfigError(Exception):
    """A missing or malformed variable; the message names it and says what to do."""


@dataclass(frozen=True)
class HttpLimits:
    """How many connections the HTTP server holds, and for how long (waitress and gunicorn).

    Slack gives up on a request after 3 seconds, so a client that takes longer than a few
    seconds to send its headers and body is not Slack; and a connection that sends nothing
    is only holding a slot. Closing both keeps idle or trickling sockets from filling the
    server (the defaults were 100 connections held for 2 minutes).
    """

    #: Open connections served at once; more wait in the listen backlog.
    connection_limit: int = 1000
    #: Seconds a request may take to arrive whole, headers and body.
    request_timeout: int = 5
    #: Seconds a connection may sit with no request (a keep-alive between requests, or a
    #: fresh connection that sends nothing).
    idle_timeout: int = 10

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> HttpLimits:
        """``PARTNER_COACH_HTTP_*`` over the defaults; :class:`ConfigError` when malformed."""
        env = os.environ if env is None else env
        return cls(
            connection_limit=_whole_number(env, "PARTNER_COACH_HTTP_CONNECTION_LIMIT",
                                           cls.connection_limit, 10, 100_000),
            request_timeout=_whole_number(env, "PARTNER_COACH_HTTP_REQUEST_TIMEOUT",
                                          cls.request_timeout, 1, 300),
            idle_timeout=_whole_number(env, "PARTNER_COACH_HTTP_IDLE_TIMEOUT",
                                       cls.idle_timeout, 1, 3600),
        )


def _whole_number(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdecimal() or not low <= int(text) <= high:
        raise ConfigError(
            f"{name} is malformed ({text[:20]!r}): give a whole number from {low} to {high} "
            f"(or unset it for {default})."
        )
    return int(text)


def _secret(value: str) -> str:
    # Only the shape is ever shown, so a pasted token never reaches a log.
    return f"<{len(value)} characters>"


@dataclass(frozen=True)
class Settings:
    """Everything `serve` needs, validated up front."""

    # None only in OAuth (multi-workspace) mode, where each workspace's token comes from its install.
    bot_token: str | None = field(repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    app_token: str | None = field(default=None, repr=False)
    api_url: str = DEFAULT_API_URL
    db_path: Path = Path(DEFAULT_DB)
    port: int = DEFAULT_PORT
    deal_webhook_secret: str | None = field(default=None, repr=False)
    # PostgreSQL instead of the TinyDB file when set; normalised to the psycopg driver.
    database_url: str | None = field(default=None, repr=False)
    # Both set: multi-workspace OAuth install (bot.slack.oauth); DATABASE_URL is then required.
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    # PARTNER_COACH_SENDING_LEASE_SECONDS; None: the default lease (bot.schedule.dispatcher).
    sending_lease: timedelta | None = None
    # Prometheus metrics at GET /metrics (bot.metrics): off unless PARTNER_COACH_METRICS=1.
    metrics: bool = False
    # PARTNER_COACH_METRICS_TOKEN: when set, /metrics answers only "Authorization: Bearer <token>".
    metrics_token: str | None = field(default=None, repr=False)
    # PARTNER_COACH_METRICS_DIR: prometheus-client's multiprocess directory (several workers).
    metrics_dir: Path | None = None
    # Calendar feeds (bot.services.calendar): PARTNER_COACH_CALENDAR_ALLOW_PRIVATE=1 lets them use
    # http and private/loopback hosts (tests and the demo only); how often they are read.
    calendar_allow_private: bool = False
    calendar_poll_seconds: int = DEFAULT_CALENDAR_POLL_SECONDS
    # ZOOM_WEBHOOK_SECRET_TOKEN: enables POST /webhooks/zoom (meeting.ended → debrief prompt).
    zoom_webhook_secret: str | None = field(default=None, repr=False)
    # PARTNER_COACH_HTTP_*: connection limit and timeouts of the HTTP server.
    http: HttpLimits = field(default_factory=HttpLimits)
    # PARTNER_COACH_PUBLIC_URL: where partners reach this server (share links); None: no links.
    public_url: str | None = None
    # PARTNER_COACH_PLAN_KEY: the key behind share links; None: derived from the signing secret.
    plan_key: str | None = field(default=None, repr=False)

    @property
    def oauth(self) -> bool:
        """True when the OAuth install flow serves many workspaces (SLACK_CLIENT_ID/SECRET set)."""
        return self.client_id is not None and self.client_secret is not None

    @property
    def socket_mode(self) -> bool:
        """True when an app-level token is set: connect out instead of listening on HTTP."""
        return self.app_token is not None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and validate the environment; raise :class:`ConfigError` on the first problem."""
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        client_id, client_secret = get("SLACK_CLIENT_ID"), get("SLACK_CLIENT_SECRET")
        if (client_id is None) != (client_secret is None):
            missing = "SLACK_CLIENT_SECRET" if client_secret is None else "SLACK_CLIENT_ID"
            raise ConfigError(
                f"{missing} is not set: the OAuth install needs both SLACK_CLIENT_ID and "
                "SLACK_CLIENT_SECRET from your Slack app's Basic Information page (or unset both "
                "to run in one workspace with SLACK_BOT_TOKEN)."
            )
        oauth = client_id is not None
        bot_token = get("SLACK_BOT_TOKEN")
        if bot_token is None and not oauth:
            raise ConfigError(
                "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from your "
                "Slack app's OAuth & Permissions page (or run `partner-coach demo` to try it "
                "without Slack)."
            )
        if bot_token is not None and not bot_token.startswith("xoxb-"):
            raise ConfigError(
                f"SLACK_BOT_TOKEN is malformed ({_secret(bot_token)}, expected it to start with "
                "xoxb-): use the Bot User OAuth Token, not a user or app token."
            )
        app_token = get("SLACK_APP_TOKEN")
        if app_token is not None and not app_token.startswith("xapp-"):
            raise ConfigError(
                f"SLACK_APP_TOKEN is malformed ({_secret(app_token)}, expected xapp-…): create an "
                "app-level token with the connections:write scope, or unset it to serve HTTP."
            )
        signing_secret = get("SLACK_SIGNING_SECRET")
        if app_token is None and signing_secret is None:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is not set: HTTP mode needs the Signing Secret from your "
                "Slack app's Basic Information page (or set SLACK_APP_TOKEN for Socket Mode)."
            )
        if signing_secret is not None and not re.fullmatch(r"[0-9a-fA-F]{16,128}", signing_secret):
            raise ConfigError(
                f"SLACK_SIGNING_SECRET is malformed ({_secret(signing_secret)}, expected a hex "
                "string): copy it again from the Basic Information page."
            )
        api_url = get("SLACK_API_URL") or DEFAULT_API_URL
        if not re.match(r"^https?://[^\s/]+", api_url):
            raise ConfigError(
                "SLACK_API_URL is malformed: expected an http(s) URL such as "
                "https://slack.com/api/ (or unset it)."
            )
        if not api_url.endswith("/"):
            api_url += "/"
        port_text = get("PORT") or str(DEFAULT_PORT)
        # 0 takes any free port; `serve` logs the one it got ("serving HTTP on port N").
        if not port_text.isdecimal() or not 0 <= int(port_text) < 65536:
            raise ConfigError(f"PORT is malformed ({port_text!r}): use a number from 0 to 65535.")
        db_path = Path(get("PARTNER_COACH_DB") or DEFAULT_DB)
        if db_path.exists() and db_path.is_dir():
            raise ConfigError(
                f"PARTNER_COACH_DB points to a directory ({db_path}): give a file path such as "
                "./data/partner-coach.json."
            )
        database_url = database_url_from_env(env)
        public_url = get("PARTNER_COACH_PUBLIC_URL")
        if public_url is not None and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", public_url):
            raise ConfigError(
                "PARTNER_COACH_PUBLIC_URL is malformed: give the address partners open, such as "
                "https://coach.example.com (or unset it to turn share links off)."
            )
        plan_key = get("PARTNER_COACH_PLAN_KEY")
        if plan_key is not None and len(plan_key) < 32:
            raise ConfigError(
                f"PARTNER_COACH_PLAN_KEY is too short ({_secret(plan_key)}): use at least 32 random "
                "characters, e.g. from `python -c 'import secrets; print(secrets.token_hex(32))'`."
            )
        if oauth and app_token is not None:
            raise ConfigError(
                "SLACK_APP_TOKEN is set, but the OAuth install (SLACK_CLIENT_ID/SLACK_CLIENT_SECRET) "
                "serves /slack/install over HTTP: unset SLACK_APP_TOKEN and set SLACK_SIGNING_SECRET."
            )
        if oauth and database_url is None:
            raise ConfigError(
                "DATABASE_URL is not set: the OAuth install (SLACK_CLIENT_ID/SLACK_CLIENT_SECRET) "
                "keeps installations in PostgreSQL; set it, e.g. postgresql://user:password@host/dbname."
            )
        if oauth and get("ZOOM_WEBHOOK_SECRET_TOKEN"):
            raise ConfigError(
                "ZOOM_WEBHOOK_SECRET_TOKEN is set, but POST /webhooks/zoom serves one workspace "
                "(SLACK_BOT_TOKEN) and this is the OAuth install for many: unset it."
            )
        return cls(
            bot_token=bot_token,
            signing_secret=signing_secret,
            app_token=app_token,
            api_url=api_url,
            db_path=db_path,
            port=int(port_text),
            deal_webhook_secret=get("DEAL_WEBHOOK_SECRET"),
            database_url=database_url,
            client_id=client_id,
            client_secret=client_secret,
            sending_lease=sending_lease_from_env(env),
            **metrics_from_env(get),
            calendar_allow_private=_flag(env, "PARTNER_COACH_CALENDAR_ALLOW_PRIVATE"),
            calendar_poll_seconds=calendar_poll_seconds_from_env(env),
            zoom_webhook_secret=get("ZOOM_WEBHOOK_SECRET_TOKEN"),
            http=HttpLimits.from_env(env),
            public_url=public_url.rstrip("/") if public_url else None,
            plan_key=plan_key,
        )

    def secrets(self) -> list[str]:
        """Every secret value held, so log filters can redact them."""
        values = [self.bot_token, self.signing_secret, self.app_token, self.deal_webhook_secret,
                  self.client_secret, self.zoom_webhook_secret, self.plan_key, self.metrics_token]
        values += _url_secrets(self.database_url)
        return [v for v in values if v]


_ENVIRONMENT_LOCK = threading.Lock()


@contextmanager
def slack_environment_hidden() -> Iterator[None]:
    """Hide every ``SLACK_*`` variable while Bolt's objects are built from :class:`Settings`.

    Bolt falls back on the environment for whatever it isn't given, and takes a variable
    that is set but empty as set: the ``SLACK_CLIENT_ID=`` of a loaded ``.env.sample``
    turned on its file-based OAuth mode, which ignores the bot token and answers every
    command with an empty 200. Settings are the one reading of the environment.
    """
    with _ENVIRONMENT_LOCK:
        hidden = {name: os.environ.pop(name) for name in list(os.environ) if name.startswith("SLACK_")}
        try:
            yield
        finally:
            os.environ.update(hidden)


def database_url_from_env(env: Mapping[str, str] | None = None) -> str | None:
    """``DATABASE_URL``, validated and normalised to SQLAlchemy's psycopg 3 driver; None when unset.

    Separate from :meth:`Settings.from_env` because `partner-coach db …` needs the
    database but no Slack tokens.
    """
    env = os.environ if env is None else env
    url = env.get("DATABASE_URL", "").strip()
    if not url:
        return None
    # Heroku-style postgres:// too: that is what managed databases hand out.
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix) and len(url) > len(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    # Only the scheme is shown: the rest may hold a password.
    shown = url.split("://", 1)[0] + "://…" if "://" in url else "no scheme"
    raise ConfigError(
        f"DATABASE_URL is malformed ({shown}, expected postgresql://user:password@host/dbname): "
        "give a PostgreSQL URL, or unset it to use the TinyDB file (PARTNER_COACH_DB)."
    )


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{name} is malformed ({value[:20]!r}): use 1 to turn it on, or unset it.")


CALENDAR_POLL_VAR = "PARTNER_COACH_CALENDAR_POLL_SECONDS"


def calendar_poll_seconds_from_env(env: Mapping[str, str]) -> int:
    """How often calendar feeds are read; at least 60 s (the scheduler's sweep runs every minute)."""
    text = env.get(CALENDAR_POLL_VAR, "").strip()
    if not text:
        return DEFAULT_CALENDAR_POLL_SECONDS
    if not text.isdecimal() or not 60 <= int(text) <= 86400:
        raise ConfigError(
            f"{CALENDAR_POLL_VAR} is malformed ({text[:20]!r}): give a number of seconds from 60 to "
            f"86400 (or unset it for the default {DEFAULT_CALENDAR_POLL_SECONDS})."
        )
    return int(text)


SENDING_LEASE_VAR = "PARTNER_COACH_SENDING_LEASE_SECONDS"


def sending_lease_from_env(env: Mapping[str, str] | None = None) -> timedelta | None:
    """Test/ops knob: ``PARTNER_COACH_SENDING_LEASE_SECONDS`` replaces the 2-minute ``sending``
    lease that `serve` applies on PostgreSQL (:mod:`bot.schedule.leader`); None when unset.

    The end-to-end test of a leader killed mid-post sets a few seconds so it needn't wait
    minutes. In production, shorter than a slow post (Slack's answer plus the client's
    retries) risks two processes posting one job.
    """
    env = os.environ if env is None else env
    text = env.get(SENDING_LEASE_VAR, "").strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < float("inf"):
        raise ConfigError(
            f"{SENDING_LEASE_VAR} is malformed ({text!r}): give a number of seconds above 0 "
            "(or unset it for the default 2 minutes)."
        )
    return timedelta(seconds=seconds)


METRICS_VAR, METRICS_TOKEN_VAR, METRICS_DIR_VAR = (
    "PARTNER_COACH_METRICS", "PARTNER_COACH_METRICS_TOKEN", "PARTNER_COACH_METRICS_DIR")


def metrics_from_env(get: Callable[[str], str | None]) -> dict[str, Any]:
    """The metrics settings: on/off, the bearer token and the multiprocess directory."""
    switch = (get(METRICS_VAR) or "0").lower()
    if switch not in ("0", "1", "false", "true", "off", "on"):
        raise ConfigError(
            f"{METRICS_VAR} is malformed ({switch[:20]!r}): set it to 1 to serve Prometheus metrics "
            "at /metrics, or unset it."
        )
    token = get(METRICS_TOKEN_VAR)
    if token is not None and len(token) < 16:
        raise ConfigError(
            f"{METRICS_TOKEN_VAR} is too short ({_secret(token)}): use at least 16 random "
            "characters, e.g. from `openssl rand -hex 20`."
        )
    directory = get(METRICS_DIR_VAR)
    path = Path(directory) if directory else None
    if path is not None and path.exists() and not path.is_dir():
        raise ConfigError(f"{METRICS_DIR_VAR} is not a directory ({path}): give a directory path.")
    return {"metrics": switch in ("1", "true", "on"), "metrics_token": token, "metrics_dir": path}


def _url_secrets(url: str | None) -> list[str]:
    # The password inside DATABASE_URL, raw and percent-decoded, so logs can redact either form.
    if not url:
        return []
    from urllib.parse import unquote, urlsplit

    try:
        password = urlsplit(url).password
    except ValueError:
        return []
    return [password, unquote(password)] if password else []
