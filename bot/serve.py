"""`partner-coach serve`: validate config, build the bot, serve until SIGTERM."""

from __future__ import annotations

import logging
import signal
import sys
from types import FrameType

from slack_bolt.error import BoltError

from bot import logging_setup
from bot.config import ConfigError, Settings

log = logging.getLogger(__name__)

EXIT_CONFIG = 2


class _Stop(Exception):
    pass


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop()


def run_serve() -> int:
    """Run until SIGTERM/SIGINT; exit 2 with one line on a configuration problem."""
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"partner-coach: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    logging_setup.configure(settings.secrets())

    from bot.runtime import build_runtime
    from bot.store.lock import DatabaseLocked

    try:
        runtime = build_runtime(settings)
    except DatabaseLocked as exc:
        print(f"partner-coach: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except BoltError as exc:
        print(
            "partner-coach: SLACK_BOT_TOKEN was not accepted by Slack "
            f"({type(exc).__name__}); check the token and SLACK_API_URL.",
            file=sys.stderr,
        )
        return EXIT_CONFIG

    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    runtime.start_background()
    try:
        if settings.socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            assert settings.app_token is not None
            handler = SocketModeHandler(runtime.app, settings.app_token)
            log.info("serving over Socket Mode")
            try:
                handler.start()
            finally:
                handler.close()
        else:
            from bot.server import serve_http

            server = serve_http(runtime.wsgi, settings.port)
            log.info("serving HTTP on port %s", settings.port)
            try:
                server.run()
            finally:
                server.close()
    except _Stop:
        log.info("stopping")
    finally:
        runtime.close()
    return 0
