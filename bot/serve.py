"""`partner-coach serve`: validate config, build the bot, serve until SIGTERM."""

from __future__ import annotations

import logging
import signal
from types import FrameType

from bot.startup import EXIT_CONFIG, StartupError, build, load_settings, report

log = logging.getLogger(__name__)

__all__ = ["EXIT_CONFIG", "run_serve"]


class _Stop(Exception):
    pass


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop()


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

            server = serve_http(runtime.wsgi, settings.port, limits=settings.http)
            # The bound port, not the setting: PORT=0 takes any free one (tests read it here).
            log.info("serving HTTP on port %s", server.effective_port)
            try:
                server.run()
            finally:
                # waitress stops its request threads itself only on SystemExit or
                # KeyboardInterrupt; one still in hand would then pull the closed trigger
                # (EBADF, a traceback in the log on every SIGTERM). Let them finish first.
                server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
                server.close()
    except _Stop:
        log.info("stopping")
    finally:
        runtime.close()
    return 0
