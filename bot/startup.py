"""Start-up shared by `partner-coach serve` and the gunicorn workers (:mod:`bot.wsgi`).

Read the settings, set up logging and build the runtime, turning every problem an
operator has to fix (a missing variable, a rejected token, a database in use or not
migrated) into one line, ``partner-coach: …``, instead of a traceback.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from bot import logging_setup
from bot.config import ConfigError, Settings

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

#: Exit code of `serve` (and of a gunicorn master refusing its settings) on such a problem.
EXIT_CONFIG = 2
#: How often a worker waiting for the TinyDB file lock tries again.
LOCK_RETRY_SECONDS = 0.25


class StartupError(Exception):
    """Something the operator has to fix; the message is the one line to show."""


def report(exc: BaseException) -> None:
    """Print the one line on stderr."""
    print(f"partner-coach: {exc}", file=sys.stderr, flush=True)


def load_settings() -> Settings:
    """The validated settings (no I/O besides the environment)."""
    try:
        return Settings.from_env()
    except ConfigError as exc:
        raise StartupError(str(exc)) from None


def build(
    settings: Settings,
    *,
    lock_wait: float = 0.0,
    keep_waiting: Callable[[], bool] | None = None,
) -> Runtime:
    """Set up logging, open the store and build the runtime; nothing is started yet.

    ``lock_wait``: with TinyDB, how long to wait for another process to let go of the
    file lock (a gunicorn worker being replaced overlaps its successor for a moment);
    ``keep_waiting`` is asked between tries and stops the wait when it says no.
    """
    logging_setup.configure(settings.secrets())

    from slack_bolt.error import BoltError

    from bot import runtime as rt
    from bot.store.lock import DatabaseLocked

    deadline = time.monotonic() + lock_wait
    waiting = False
    while True:
        try:
            store = rt.open_store(settings)
            break
        except DatabaseLocked as exc:
            # PostgreSQL raises a subclass when unreachable or unmigrated: never worth waiting for.
            waitable = settings.database_url is None and time.monotonic() < deadline
            if not waitable or (keep_waiting is not None and not keep_waiting()):
                raise StartupError(str(exc)) from None
            if not waiting:
                waiting = True
                log.info("PARTNER_COACH_DB is locked by another process; waiting up to %.0f s "
                         "for it to stop", lock_wait)
            time.sleep(LOCK_RETRY_SECONDS)
    try:
        with _quiet_slack_sdk():
            return rt.build_runtime(settings, store=store)
    except BoltError as exc:
        store.close()
        raise _token_rejected(type(exc).__name__) from None
    except OSError as exc:  # Bolt's auth.test at start: Slack (or SLACK_API_URL) can't be reached
        store.close()
        raise _unreachable(settings, exc) from None
    except BaseException:
        store.close()
        raise


def preflight(settings: Settings) -> None:
    """Fail as :func:`build` would, but keep nothing open: for a process that forks the
    ones that build (the gunicorn master), so a problem every worker would meet shows once,
    before any worker starts. The database file's lock is taken and released, PostgreSQL's
    schema checked over a connection that is closed again, the token checked with auth.test.
    """
    from bot.store.lock import DatabaseLocked, ProcessLock

    try:
        if settings.database_url:
            from bot.store.postgres_store import PostgresStore

            PostgresStore(settings.database_url).close()  # disposes its pool: nothing survives
        else:
            lock = ProcessLock(settings.db_path)
            lock.acquire()
            lock.release()
    except DatabaseLocked as exc:
        raise StartupError(str(exc)) from None
    if settings.bot_token is None:  # OAuth: each workspace's token comes from its install
        return
    from slack_sdk.errors import SlackApiError

    from bot.slack.client import build_client

    try:
        with _quiet_slack_sdk():
            build_client(settings.bot_token, settings.api_url).auth_test()
    except SlackApiError as exc:
        raise _token_rejected(str(exc.response.get("error") or exc.response.status_code)) from None
    except OSError as exc:  # URLError, timeouts: Slack (or SLACK_API_URL) can't be reached
        raise _unreachable(settings, exc) from None


@contextmanager
def _quiet_slack_sdk() -> Iterator[None]:
    """While starting, slack_sdk's own lines (an ERROR and an INFO per connection retry) say
    nothing the one line about SLACK_API_URL doesn't; keep them out of the operator's way."""
    sdk = logging.getLogger("slack_sdk")
    level = sdk.level
    sdk.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        sdk.setLevel(level)


def _unreachable(settings: Settings, exc: OSError) -> StartupError:
    return StartupError(
        f"SLACK_API_URL {settings.api_url} is not reachable ({exc}); check it and the network."
    )


def _token_rejected(detail: str) -> StartupError:
    return StartupError(
        f"SLACK_BOT_TOKEN was not accepted by Slack ({detail}); check the token and SLACK_API_URL."
    )
