"""The bot as a WSGI app for gunicorn: ``gunicorn -c python:bot.gunicorn_conf``.

:func:`create_app` is the app factory (``bot.wsgi:create_app()``, what
:mod:`bot.gunicorn_conf` names as ``wsgi_app``). gunicorn calls it in each worker
*after* forking (``preload_app`` stays off), so every worker builds its own runtime:
its own database connections, threads and locks, none inherited across the fork. Each
worker then starts its background work; on PostgreSQL that is a
:class:`~bot.schedule.leader.LeaderElection`, so however many workers (and machines)
run, one of them runs the scheduler. On TinyDB only one worker can open the file.

With :mod:`bot.gunicorn_conf`, the master checks the settings, the database and the token
before forking (:func:`check_server`). Whatever still goes wrong in a worker (say the
database went away meanwhile) prints the same one line as `partner-coach serve` and ends
the worker with gunicorn's "worker failed to boot" code, on which gunicorn stops
altogether instead of starting replacement workers that fail the same way.

Importing this module builds nothing: the gunicorn master imports it for the hooks.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import METRICS_DIR_VAR, Settings
from bot.startup import EXIT_CONFIG, StartupError, build, load_settings, preflight, report

if TYPE_CHECKING:
    from bot.runtime import Runtime
    from bot.server import WsgiApp

log = logging.getLogger(__name__)

#: gunicorn's Arbiter.WORKER_BOOT_ERROR: a worker exiting with it makes gunicorn halt.
WORKER_BOOT_ERROR = 3
#: With TinyDB, a worker replacing another (SIGHUP) waits this much longer than
#: gunicorn's graceful_timeout for the old one to let go of the file.
LOCK_WAIT_MARGIN = 10.0

_lock = threading.Lock()
_runtime: Runtime | None = None
_owner_pid: int | None = None
# Set by attach_worker (gunicorn's post_fork hook): how long, and while what, to wait for
# the TinyDB lock. Without the hook (another config), a locked file fails at once.
_lock_wait = 0.0
_keep_waiting: Callable[[], bool] | None = None
# bot.gunicorn_conf sets _expect_fork in the master; post_fork sets _worker in each worker
# (gunicorn's Worker). create_app called with the first and not the second runs in the
# master: --preload.
_expect_fork = False
_worker: Any = None


def create_app() -> WsgiApp:
    """Build this worker's bot, start its background work and return its WSGI app."""
    global _runtime, _owner_pid
    in_master = _expect_fork and _worker is None
    with _lock:
        if _runtime is not None and _owner_pid == os.getpid():
            return _runtime.wsgi
        try:
            if in_master:
                raise StartupError(
                    "gunicorn's preload_app is on: the bot must be built in each worker after "
                    "the fork (database connections, threads and locks can't cross it); remove "
                    "--preload."
                )
            settings = load_settings()
            check_http(settings)
            runtime = build(settings, lock_wait=_lock_wait, keep_waiting=_keep_waiting)
        except StartupError as exc:
            if _worker is not None and not _worker.alive:
                raise SystemExit(0) from None  # told to stop while waiting to start: no failure
            report(exc)
            raise SystemExit(EXIT_CONFIG if in_master else WORKER_BOOT_ERROR) from None
        _runtime, _owner_pid = runtime, os.getpid()
    # Without gunicorn's worker_exit hook (another config), still close on the way out.
    atexit.register(close)
    if _worker is not None:
        _retire_on_sigterm(runtime)
    runtime.start_background()
    log.info("worker %s serving HTTP", os.getpid())
    return runtime.wsgi


def close() -> None:
    """Stop this worker's background work and release the store; safe to call again."""
    global _runtime
    with _lock:
        runtime, _runtime = _runtime, None
    if runtime is not None and _owner_pid == os.getpid():
        runtime.close()


def _retire_on_sigterm(runtime: Runtime) -> None:
    """On SIGTERM (gunicorn stopping this worker), stop running for scheduler leader at once,
    then let gunicorn's handler finish the requests in flight as usual."""
    previous = signal.getsignal(signal.SIGTERM)
    if not callable(previous):
        return

    def on_sigterm(signum: int, frame: Any) -> None:
        for worker in runtime.background:
            worker.retire()
        previous(signum, frame)

    signal.signal(signal.SIGTERM, on_sigterm)
    signal.siginterrupt(signal.SIGTERM, False)  # as gunicorn set it: don't disturb requests


def expect_fork() -> None:
    """Called by bot.gunicorn_conf in the master: the app must be created in forked workers."""
    global _expect_fork
    _expect_fork = True


def attach_worker(worker: Any) -> None:
    """gunicorn ``post_fork`` hook (in the new worker): wait for a TinyDB file lock as long as
    the worker it replaces may take to finish, telling the master we are alive meanwhile."""
    global _lock_wait, _keep_waiting, _worker
    _worker = worker
    _lock_wait = float(worker.cfg.graceful_timeout) + LOCK_WAIT_MARGIN

    def keep_waiting() -> bool:
        worker.notify()  # the boot would otherwise count against gunicorn's timeout
        return bool(worker.alive)  # False once gunicorn told this worker to stop

    _keep_waiting = keep_waiting


_own_metrics_dir: Path | None = None


def prepare_metrics_dir(settings: Settings) -> Path | None:
    """In the gunicorn master: the multiprocess metrics directory, emptied of an earlier run's
    files (None when metrics are off). Without PARTNER_COACH_METRICS_DIR, a temporary one is
    made and named in the environment the workers inherit."""
    global _own_metrics_dir
    if not settings.metrics:
        return None
    from bot import metrics

    directory = settings.metrics_dir
    if directory is None:
        directory = _own_metrics_dir = Path(tempfile.mkdtemp(prefix="partner-coach-metrics-"))
        os.environ[METRICS_DIR_VAR] = str(directory)
    metrics.clear_directory(directory)
    return directory


def forget_worker_metrics(directory: Path, pid: int) -> None:
    """In the gunicorn master, when a worker exits: drop its live gauges."""
    from bot import metrics

    try:
        metrics.process_gone(directory, pid)
    except OSError:
        log.warning("could not drop the metrics of worker %s", pid, exc_info=True)


def remove_own_metrics_dir() -> None:
    """Remove the metrics directory :func:`prepare_metrics_dir` made, if it made one."""
    if _own_metrics_dir is not None:
        shutil.rmtree(_own_metrics_dir, ignore_errors=True)


def check_http(settings: Settings) -> None:
    """Refuse Socket Mode: gunicorn serves HTTP, and a Socket Mode bot serves none."""
    if settings.socket_mode:
        raise StartupError(
            "SLACK_APP_TOKEN is set, but gunicorn serves Slack over HTTP: unset SLACK_APP_TOKEN "
            "(HTTP needs SLACK_SIGNING_SECRET), or run `partner-coach serve` for Socket Mode."
        )


def check_server(settings: Settings, *, workers: int) -> None:
    """What the gunicorn master checks before forking (``on_starting``): what can't work with
    this many workers, then what every worker would fail on (:func:`bot.startup.preflight`)."""
    check_http(settings)
    if workers > 1 and settings.database_url is None:
        raise StartupError(
            f"gunicorn was asked for {workers} workers, but PARTNER_COACH_DB (TinyDB) allows one "
            "process: run 1 worker (set --workers / WEB_CONCURRENCY to 1, raise --threads "
            "instead), or set DATABASE_URL (PostgreSQL) to run several."
        )
    preflight(settings)
