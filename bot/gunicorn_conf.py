"""gunicorn settings for Partner Coach: ``gunicorn -c python:bot.gunicorn_conf``.

Several workers need PostgreSQL (``DATABASE_URL``); set their number with ``--workers``
or ``WEB_CONCURRENCY`` (default 1). Command-line options override what is set here.

* ``wsgi_app``: :func:`bot.wsgi.create_app`, called in each worker after the fork
  (``preload_app`` off, and refused if turned on): no database connection, thread or
  lock is inherited from the master.
* ``gthread``: each worker serves requests on a thread pool, like waitress under `serve`.
  The bot's work is I/O (PostgreSQL, the Slack Web API) under a 3-second ack, and it runs
  its own threads (Bolt's listener pool, the scheduler, the leader election): a sync worker
  would handle one request at a time, and gevent/eventlet would monkey-patch under them.
* ``worker_connections``, ``keepalive`` and a read timeout on each request come from
  ``PARTNER_COACH_HTTP_*`` (:class:`bot.config.HttpLimits`), like waitress's under `serve`.
  A new connection that sends nothing is closed after the idle timeout too. gunicorn
  can't close one trickling its request a byte at a time: run it behind a buffering
  proxy or platform router (which is what they are for).
* The environment is checked while this file loads, before gunicorn starts anything: a
  missing or malformed variable prints the same one line as `serve` and exits 2. Then
  ``on_starting`` (the command line applied) refuses several workers on TinyDB, and
  checks once what every worker would fail on (database, token), closing what it opened,
  so such a problem is one line and exit 2 too, not a worker failing to boot.
"""

from __future__ import annotations

import functools
import time
from typing import Any

import bot.wsgi
from bot.startup import EXIT_CONFIG, StartupError, load_settings, report

try:
    _settings = load_settings()
except StartupError as _exc:
    report(_exc)
    raise SystemExit(EXIT_CONFIG) from None
# With --preload, gunicorn would call create_app here in the master: refused in one line.
bot.wsgi.expect_fork()
# Metrics from several workers meet in one directory (prometheus-client's multiprocess
# mode): the operator's PARTNER_COACH_METRICS_DIR, or one made here for this master's life.
# Workers inherit the environment at fork, so their Settings read the same directory.
_metrics_dir = bot.wsgi.prepare_metrics_dir(_settings)

wsgi_app = "bot.wsgi:create_app()"
proc_name = "partner-coach"
bind = [f"0.0.0.0:{_settings.port}"]
preload_app = False
worker_class = "gthread"
# Per worker; as many as `serve` gives waitress. Raise them, not workers, on TinyDB.
threads = 8
# gthread workers heartbeat from their main loop, so a slow request never trips this;
# only a worker that hangs whole does, and is replaced.
timeout = 30
# SIGTERM: finish requests in flight, then stop the scheduler (a post in hand completes);
# under platforms' usual 30 s before SIGKILL.
graceful_timeout = 20
# No max_requests: recycling workers would only move the scheduler around.
# PARTNER_COACH_HTTP_* (bot.config.HttpLimits), as `serve` gives waitress: connections per
# worker, and how long a keep-alive connection may wait for its next request.
worker_connections = _settings.http.connection_limit
keepalive = _settings.http.idle_timeout


def on_starting(server: Any) -> None:
    """In the master, with the command line applied: refuse what can't work, before forking
    (one line, exit 2; gunicorn has logged only its start line by then)."""
    try:
        bot.wsgi.check_server(_settings, workers=server.cfg.workers)
    except StartupError as exc:
        report(exc)
        raise SystemExit(EXIT_CONFIG) from None


def child_exit(server: Any, worker: Any) -> None:
    """In the master, after a worker exited: forget its live gauges."""
    if _metrics_dir is not None:
        bot.wsgi.forget_worker_metrics(_metrics_dir, worker.pid)


def on_exit(server: Any) -> None:
    """The master is stopping: remove the metrics directory it made (not the operator's)."""
    bot.wsgi.remove_own_metrics_dir()


def post_fork(server: Any, worker: Any) -> None:
    """In the new worker, before the app is built."""
    bot.wsgi.attach_worker(worker)


def post_worker_init(worker: Any) -> None:
    """gthread reads a request on one of its threads with a blocking socket and no timeout:
    a client that stalls mid-headers would hold the thread for good. Give every read the
    request timeout (a stalled client is dropped, quietly)."""
    handle = getattr(worker, "handle", None)
    if handle is None or not hasattr(worker, "enqueue_req"):  # not a gthread worker
        return
    seconds = _settings.http.request_timeout

    def handle_with_timeout(conn: Any) -> Any:
        conn.sock.settimeout(seconds)
        return handle(conn)

    worker.handle = handle_with_timeout
    worker.log.error_log.addFilter(_quiet_read_timeouts)
    _close_silent_connections(worker, _settings.http.idle_timeout)


def _close_silent_connections(worker: Any, seconds: int) -> None:
    """gthread closes a kept-alive connection after ``keepalive`` seconds, but waits forever
    for the first byte of a new one: enough silent sockets would fill ``worker_connections``.
    Sweep them on the worker's loop (the thread that owns the poller), as it sweeps keep-alives."""
    sweep_keepalived = worker.murder_keepalived
    first_seen: dict[int, float] = {}

    def murder_keepalived() -> None:
        sweep_keepalived()
        now = time.monotonic()
        waiting: dict[int, Any] = {}
        for key in list(worker.poller.get_map().values()):
            callback = key.data
            conn = callback.args[0] if isinstance(callback, functools.partial) and callback.args else None
            if conn is not None and getattr(conn, "initialized", True) is False:
                waiting[id(conn)] = conn
        for gone in set(first_seen) - set(waiting):
            del first_seen[gone]
        for ident, conn in waiting.items():
            if now - first_seen.setdefault(ident, now) < seconds:
                continue
            del first_seen[ident]
            with worker._lock:
                worker.poller.unregister(conn.sock)
            worker.nr_conns -= 1
            conn.close()

    worker.murder_keepalived = murder_keepalived


def _quiet_read_timeouts(record: Any) -> bool:
    # gthread logs any socket error with a traceback; a client too slow to send its request
    # is not the server's error.
    exc = record.exc_info[1] if record.exc_info else None
    return not isinstance(exc, TimeoutError)


def worker_exit(server: Any, worker: Any) -> None:
    """The worker is stopping: stop the scheduler (giving the leader lock back at once) and
    close the store (releasing the TinyDB file)."""
    bot.wsgi.close()
