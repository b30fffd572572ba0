"""Prometheus metrics: what an operator watches to see the 3-second ack budget kept.

Off unless ``PARTNER_COACH_METRICS=1``. While off, every recording call below is a
no-op on a plain object and ``prometheus_client`` is never imported, so the bot pays
nothing for it. When on, :func:`enable` builds the real metrics once per process and
``GET /metrics`` serves them (:mod:`bot.server`).

Several gunicorn workers each count their own requests, so the values live in
prometheus-client's *multiprocess* mode: every process writes its samples to files in
one directory (``PARTNER_COACH_METRICS_DIR``; under gunicorn the master makes a
temporary one when it is unset) and a scrape of any worker sums them all. That mode
has to be chosen before ``prometheus_client`` is first imported, which is why the
import happens here, after the directory is known.

Names (all prefixed ``partner_coach_``):

* ``ack_seconds{kind}`` histogram: time from a Slack request arriving to its answer,
  kind = command | action | view | event | other;
* ``listener_errors_total{kind}``: listeners that failed (the user got an apology);
* ``scheduled_posts_total{result}``: scheduled posts (check-ins, digests, reminders,
  debrief prompts) by result = sent | failed;
* ``scheduled_post_lateness_seconds`` histogram: how long after its due time a post went out;
* ``jobs_pending``: scheduled jobs waiting (set by the process running the scheduler);
* ``slack_api_calls_total{method,status}``: every Web API attempt, by method and HTTP
  status (``429`` is Slack's rate limit; ``connection_error`` when no answer came).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

PREFIX = "partner_coach_"
KINDS = ("command", "action", "view", "event", "other")
# Around Slack's 3-second budget: fine steps below 100 ms (a healthy ack), coarse above.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
# A post due at 09:00 should go at 09:00; minutes late is a restart, hours late an outage.
LATENESS_BUCKETS = (1, 5, 15, 60, 300, 900, 3600, 6 * 3600, 24 * 3600, 7 * 24 * 3600)
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


class Metrics:
    """The recording calls, doing nothing: what runs while metrics are off."""

    enabled = False

    def ack(self, kind: str, seconds: float) -> None:
        """A Slack request of ``kind`` was answered after ``seconds``."""

    def listener_error(self, kind: str) -> None:
        """A listener failed while handling a request of ``kind``."""

    def post_sent(self, lateness_seconds: float) -> None:
        """A scheduled post went out ``lateness_seconds`` after it was due (0 when on time)."""

    def post_failed(self) -> None:
        """A scheduled post failed for good."""

    def jobs_pending(self, count: int) -> None:
        """How many scheduled jobs are waiting."""

    def slack_call(self, method: str, status: str) -> None:
        """One Web API attempt and its HTTP status (or ``connection_error``)."""

    def exposition(self) -> tuple[bytes, str]:
        """The scrape body and its content type."""
        raise RuntimeError("metrics are off")


class PrometheusMetrics(Metrics):
    """The recording calls on prometheus-client metrics (multiprocess when a directory is set)."""

    enabled = True

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
            os.environ[MULTIPROC_ENV] = str(directory)
        import prometheus_client as prom
        from prometheus_client import values

        if directory is not None and values.ValueClass is values.MutexValue:
            # prometheus_client was imported before the directory was known: pick the
            # file-backed values now, before any metric below is created.
            values.ValueClass = values.get_value_class()
        self._prom = prom
        self.registry = prom.CollectorRegistry(auto_describe=True)
        reg = self.registry
        self._ack = prom.Histogram(f"{PREFIX}ack_seconds", "Time from a Slack request to its answer.",
                                   ["kind"], buckets=ACK_BUCKETS, registry=reg)
        self._errors = prom.Counter(f"{PREFIX}listener_errors", "Listeners that failed.", ["kind"],
                                    registry=reg)
        self._posts = prom.Counter(f"{PREFIX}scheduled_posts", "Scheduled posts by result.", ["result"],
                                   registry=reg)
        self._lateness = prom.Histogram(f"{PREFIX}scheduled_post_lateness_seconds",
                                        "How long after its due time a scheduled post went out.",
                                        buckets=LATENESS_BUCKETS, registry=reg)
        self._pending = prom.Gauge(f"{PREFIX}jobs_pending", "Scheduled jobs waiting.", registry=reg,
                                   multiprocess_mode="livemostrecent")
        self._calls = prom.Counter(f"{PREFIX}slack_api_calls", "Slack Web API attempts.",
                                   ["method", "status"], registry=reg)
        for kind in KINDS:  # every series exists from the start, at 0
            self._ack.labels(kind)
            self._errors.labels(kind)
        for result in ("sent", "failed"):
            self._posts.labels(result)

    def ack(self, kind: str, seconds: float) -> None:
        self._ack.labels(kind if kind in KINDS else "other").observe(seconds)

    def listener_error(self, kind: str) -> None:
        self._errors.labels(kind if kind in KINDS else "other").inc()

    def post_sent(self, lateness_seconds: float) -> None:
        self._posts.labels("sent").inc()
        self._lateness.observe(max(0.0, lateness_seconds))

    def post_failed(self) -> None:
        self._posts.labels("failed").inc()

    def jobs_pending(self, count: int) -> None:
        self._pending.set(count)

    def slack_call(self, method: str, status: str) -> None:
        self._calls.labels(method, status).inc()

    def exposition(self) -> tuple[bytes, str]:
        prom = self._prom
        if self.directory is None:
            return prom.generate_latest(self.registry), prom.CONTENT_TYPE_LATEST
        from prometheus_client import multiprocess

        # Every process's files, summed: whichever worker is scraped answers for all.
        merged = prom.CollectorRegistry()
        multiprocess.MultiProcessCollector(merged, path=str(self.directory))
        return prom.generate_latest(merged), prom.CONTENT_TYPE_LATEST


_current: Metrics = Metrics()
_lock = threading.Lock()


def current() -> Metrics:
    """The process's metrics (the no-op ones while off)."""
    return _current


def enable(directory: Path | None) -> Metrics:
    """Turn metrics on in this process (once; later calls return the same object)."""
    global _current
    with _lock:
        if not _current.enabled:
            _current = PrometheusMetrics(directory)
        return _current


def clear_directory(directory: Path) -> None:
    """Remove the sample files of earlier runs (the gunicorn master, before forking):
    prometheus-client's multiprocess mode expects an empty directory at start."""
    directory.mkdir(parents=True, exist_ok=True)
    for entry in directory.glob("*.db"):
        entry.unlink(missing_ok=True)


def process_gone(directory: Path, pid: int) -> None:
    """A worker exited: drop its live gauges (the pending-jobs count it may have set)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid, path=str(directory))


def bearer_ok(header: str | None, token: str) -> bool | None:
    """None: no credentials given; True/False: the right or a wrong token."""
    import hmac

    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return False
    return hmac.compare_digest(value.strip().encode(), token.encode())
