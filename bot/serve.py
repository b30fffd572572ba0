"""`partner-coach serve`: validate config, build the bot, serve until SIGTERM."""

from __future__ import annotations

import logging
import signal
from types import FrameType

from bot.startup import EXIT_CONFIG, StartupError, build, load_settings, report

log = logging.getLogger(__name__)

__all__ = ["EXIT_CONFIG", "run_serve"]


class _Stop(SystemExit):
    """Raised in the main thread by SIGTERM/SIGINT.

    A SystemExit, not an Exception: the signal interrupts whatever the main thread runs,
    and when that is one of waitress's socket handlers (a connection closing, a request
    arriving), waitress logs and swallows any Exception there and serves on, so the stop
    was lost. It re-raises SystemExit, and its own ``run()`` then returns.
    """


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    # One stop is enough: a second signal must not interrupt the shutdown it started.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise _Stop(0)


def run_serve() -> int:
    """Run until SIGTERM/SIGINT; exit 2 with one line on a configuration problem."""
    try:
        settings = load_settings()
        if settings.metrics and settings.metrics_dir is not None:
            from bot import metrics

            metrics.clear_directory(settings.metrics_dir)  # one process: earlier runs' files are stale
        runtime = build(settings)
    except StartupError as exc:
        report(exc)
        return EXIT_CONFIG

    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    try:
        runtime.start_background()
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

            server = serve_http(runtime.wsgi, settings.port, limits=settings.http)
            # The bound port, not the setting: PORT=0 takes any free one (tests read it here).
            log.info("serving HTTP on port %s", server.effective_port)
            try:
                server.run()  # returns on a stop signal: waitress catches the SystemExit
            finally:
                # Request threads still in hand finish first (waitress gives them the same
                # 5 s when it catches the stop; a second shutdown returns at once).
                server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
                server.close()
    except _Stop:
        pass  # Socket Mode, or a signal outside waitress's loop
    finally:
        log.info("stopping")
        runtime.close()
    return 0
