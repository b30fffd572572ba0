"""Killing the dispatcher at a chosen step of a scheduled post, then starting again.

A :class:`Process` is what one run of ``serve`` holds for scheduled posts: a store on the
database (a TinyDB file, or PostgreSQL) and a dispatcher over it. A kill is :class:`Killed`,
raised at the chosen step: a ``BaseException``, so no ``except Exception`` in the bot can
swallow it, as nothing survives a ``kill -9``. The killed process's store is closed without
another write, and the next :class:`Process` reads the database again, as a restart does.

The steps of one attempt, and where :data:`KILL_POINTS` strike:

    lease (intent stored) → post (Slack takes it, answers) → record (ts stored)
                                  └ failure → retry (pending, retry_at) → next attempt
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from slack_sdk import WebClient

from bot.clock import FakeClock
from bot.emulator import SlackEmulator
from bot.emulator.slack_api import Call
from bot.schedule.dispatcher import EVENT_TYPE, Dispatcher, RunReport
from bot.schedule.jobs import DONE, PENDING, SENDING, JobStore, new_job
from bot.schedule.limiter import PostLimiter
from bot.schedule.posts import POST, render_post
from bot.services.outcome import Message
from bot.store import Doc, Scope, Store, TinyDBStore
from bot.store.postgres_store import PostgresStore
from tests.conftest import ALICE, DEAL, OTHER

NUDGE = "nudge"  # a job type sent in batches, as reminders are
SCOPE = Scope("T0001", DEAL)
SECOND = Scope("T0001", OTHER)
# A single job: a one-off post in the deal channel. A batch: three nudges for Alice due at
# the same moment, from two channels, sent as one DM.
SINGLE = [(SCOPE, "solo", POST, None)]
BATCH = [(SCOPE, "n1", NUDGE, ALICE), (SECOND, "n2", NUDGE, ALICE), (SCOPE, "n3", NUDGE, ALICE)]
SHAPES = {"single": SINGLE, "batch": BATCH}


class Killed(BaseException):
    """The process dies here (not an ``Exception``: nothing in the bot may catch it)."""


def combine(parts: list[tuple[Scope, Message]]) -> Message:
    """The batch's one message: its members' titles, in order."""
    titles = sorted(message.context["title"] for _, message in parts)
    return Message("calendar_chosen", {"channel": DEAL, "title": " + ".join(titles)})


class KillableClient:
    """The Web API client, with a kill or a lost answer at the next ``chat.postMessage``.

    ``kill_before_post``: die before the post leaves. ``kill_after_post``: Slack takes the
    post, the process dies before reading the answer. ``lose_answer``: Slack takes the post
    and the answer times out (the process lives on, unsure).
    """

    def __init__(self, client: WebClient) -> None:
        self._client = client
        self.kill_before_post = False
        self.kill_after_post = False
        self.lose_answer = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def chat_postMessage(self, **kwargs: Any) -> Any:  # noqa: N802 - slack_sdk's name
        if self.kill_before_post:
            raise Killed("before the post")
        response = self._client.chat_postMessage(**kwargs)
        if self.kill_after_post:
            raise Killed("after Slack took the post")
        if self.lose_answer:
            self.lose_answer = False
            raise TimeoutError("read timed out")
        return response


class KillableJobs(JobStore):
    """Job records, with a kill at the write of a chosen record.

    ``kill_at_write(new)`` is asked before each change is written; True kills the process
    there, so that write never lands (the writes before it did: each one is durable).
    """

    kill_at_write: Callable[[Doc], bool] | None = None

    def change(self, scope: Scope, job_id: str, change: Callable[[Doc], Doc | None], now: Any) -> Doc | None:
        def guarded(doc: Doc) -> Doc | None:
            new = change(doc)
            if new is not None and self.kill_at_write is not None and self.kill_at_write(new):
                raise Killed(f"writing {job_id} as {new.get('status')}")
            return new

        return super().change(scope, job_id, guarded, now)


Database = Path | str  # a TinyDB file, or a PostgreSQL URL


def open_store(database: Database) -> Store:
    """The store a process opens on ``database`` (the test database's schema is migrated
    once for the run: checking it at every restart would cost a tenth of a second each)."""
    if isinstance(database, Path):
        return TinyDBStore(database)
    return PostgresStore(database, check_schema=False)


class Process:
    """One start of the bot on the database, as far as scheduled posts go."""

    def __init__(self, database: Database, clock: FakeClock, emulator: SlackEmulator) -> None:
        self.store = open_store(database)
        self.jobs = KillableJobs(self.store)
        self.client = KillableClient(WebClient(token="xoxb-test", base_url=emulator.api_url, timeout=5))
        limiter = PostLimiter(sleep=lambda seconds: None, monotonic=lambda: 0.0)
        self.dispatcher = Dispatcher(self.jobs, clock, self.client, limiter=limiter)  # type: ignore[arg-type]
        self.dispatcher.register(POST, render_post)
        self.dispatcher.register(NUDGE, render_post)
        self.dispatcher.register_batch(NUDGE, combine)
        self.killed = False

    def run(self) -> RunReport | None:
        """One pass over the due jobs; None when the process was killed during it."""
        try:
            return self.dispatcher.run_due()
        except Killed:
            self.killed = True
            return None

    def close(self) -> None:
        """Let go of the database: after a kill, without another write (no one is left to make it)."""
        self.store.close()


def seed(process: Process, shape: list[tuple[Scope, str, str, str | None]]) -> None:
    """Store the shape's jobs, due now."""
    now = process.dispatcher.clock.now()
    for scope, job_id, kind, target in shape:
        payload = {"template": "calendar_chosen", "context": {"channel": scope.channel_id, "title": job_id}}
        assert process.jobs.create(scope, new_job(job_id, kind, now, payload, now, target=target))


def nth_write(count: int, status: str, **fields: Any) -> Callable[[Doc], bool]:
    """True at the ``count``-th write storing a job in ``status`` (with ``fields``)."""
    seen = [0]

    def matches(doc: Doc) -> bool:
        if doc.get("status") != status or any(doc.get(k) != v for k, v in fields.items()):
            return False
        seen[0] += 1
        return seen[0] == count

    return matches


def _after_the_lease(process: Process, emulator: SlackEmulator, clock: FakeClock) -> None:
    # Every intent stored, the post never left.
    process.client.kill_before_post = True
    process.run()


def _during_the_lease(process: Process, emulator: SlackEmulator, clock: FakeClock) -> None:
    # A batch: the first member's intent is stored, the process dies storing the next one's.
    process.jobs.kill_at_write = nth_write(2, SENDING)
    process.run()


def _after_the_post(process: Process, emulator: SlackEmulator, clock: FakeClock) -> None:
    # Slack took the post; the process dies before reading the answer.
    process.client.kill_after_post = True
    process.run()


def _during_the_record(process: Process, emulator: SlackEmulator, clock: FakeClock) -> None:
    # Killed writing the first done record (a batch: none of its members recorded).
    process.jobs.kill_at_write = nth_write(1, DONE)
    process.run()


def _during_a_later_record(process: Process, emulator: SlackEmulator, clock: FakeClock) -> None:
    # A batch: one member recorded as posted, the process dies recording the next one.
    process.jobs.kill_at_write = nth_write(2, DONE)
    process.run()


def _during_the_retry_after_an_error(process: Process, emulator: SlackEmulator, clock: FakeClock) -> None:
    # Slack answers 500 (nothing posted, which the bot can't know): killed writing the retry.
    emulator.fail_next("chat.postMessage", "internal_error", status=500)
    process.jobs.kill_at_write = nth_write(1, PENDING, uncertain=True)
    process.run()


def _during_the_retry_after_a_lost_answer(process: Process, emulator: SlackEmulator,
                                          clock: FakeClock) -> None:
    # Slack took the post and its answer timed out: killed writing the retry.
    process.client.lose_answer = True
    process.jobs.kill_at_write = nth_write(1, PENDING, uncertain=True)
    process.run()


def _after_the_post_of_a_retry(process: Process, emulator: SlackEmulator, clock: FakeClock) -> None:
    # The first attempt got a 500 and was put back; the retry's post lands and the process
    # dies before recording it.
    emulator.fail_next("chat.postMessage", "internal_error", status=500)
    report = process.run()
    assert report is not None and report.retrying, report
    clock.advance(timedelta(minutes=10))
    process.client.kill_after_post = True
    process.run()


def _during_the_lookup_of_a_retry(process: Process, emulator: SlackEmulator, clock: FakeClock) -> None:
    # Slack took the post, its answer timed out; the retry reads the history first, which
    # finds the post, and the process dies recording what it found.
    process.client.lose_answer = True
    report = process.run()
    assert report is not None and report.retrying, report
    clock.advance(timedelta(minutes=10))
    process.jobs.kill_at_write = nth_write(1, DONE)
    process.run()


# Each drives the first process from the jobs being due to its kill.
KILL_POINTS: dict[str, Callable[[Process, SlackEmulator, FakeClock], None]] = {
    "after-the-lease": _after_the_lease,
    "during-the-lease": _during_the_lease,
    "after-the-post": _after_the_post,
    "during-the-record": _during_the_record,
    "during-a-later-record": _during_a_later_record,
    "during-the-retry-after-an-error": _during_the_retry_after_an_error,
    "during-the-retry-after-a-lost-answer": _during_the_retry_after_a_lost_answer,
    "after-the-post-of-a-retry": _after_the_post_of_a_retry,
    "during-the-lookup-of-a-retry": _during_the_lookup_of_a_retry,
}
# Kill points between the writes of two members: a batch only.
BATCH_ONLY = frozenset({"during-the-lease", "during-a-later-record"})


def _upgraded_after_a_lost_answer(process: Process, emulator: SlackEmulator, clock: FakeClock) -> None:
    # Slack took the post, its answer timed out, the retry was stored; then the upgrade.
    process.client.lose_answer = True
    process.run()


def _upgraded_after_an_error(process: Process, emulator: SlackEmulator, clock: FakeClock) -> None:
    # Slack answered 500 (nothing posted), the retry was stored; then the upgrade.
    emulator.fail_next("chat.postMessage", "internal_error", status=500)
    process.run()


def _upgraded_while_history_was_unavailable(process: Process, emulator: SlackEmulator,
                                            clock: FakeClock) -> None:
    # Killed after the post; the restart couldn't read the history, so the job still waits
    # to be checked (``sending`` with a ``retry_at``); then the upgrade.
    process.client.kill_after_post = True
    process.run()
    process.client.kill_after_post = False
    emulator.fail_next("conversations.history", "internal_error", status=500)
    process.run()


# Where a process may stop with posts unsettled: killed, or upgraded while a retry waits.
# ``data/release_records.json`` holds what the release before the unified dispatcher left.
STOPS: dict[str, Callable[[Process, SlackEmulator, FakeClock], None]] = {
    "killed-after-the-lease": KILL_POINTS["after-the-lease"],
    "killed-after-the-post": KILL_POINTS["after-the-post"],
    "killed-during-the-lease": KILL_POINTS["during-the-lease"],
    "killed-during-a-later-record": KILL_POINTS["during-a-later-record"],
    "upgraded-with-a-retry-after-a-lost-answer": _upgraded_after_a_lost_answer,
    "upgraded-with-a-retry-after-an-error": _upgraded_after_an_error,
    "upgraded-while-history-was-unavailable": _upgraded_while_history_was_unavailable,
}


def stops_for(shape: str) -> list[str]:
    """The :data:`STOPS` that apply to ``shape`` (those between two members need a batch)."""
    return [stop for stop in STOPS if shape == "batch" or stop.removeprefix("killed-") not in BATCH_ONLY]


def marked_posts(emulator: SlackEmulator) -> list[Call]:
    """Every scheduled post Slack took (they carry the dispatcher's metadata)."""
    return [c for c in emulator.calls_to("chat.postMessage")
            if c.response.get("ok") and EVENT_TYPE in str(c.args.get("metadata"))]


def settle(database: Database, clock: FakeClock, emulator: SlackEmulator, *, restarts: int = 3,
           ) -> list[RunReport]:
    """Start again ``restarts`` times, each a while later (past any retry), running what is due."""
    reports = []
    for _ in range(restarts):
        clock.advance(timedelta(minutes=10))
        process = Process(database, clock, emulator)
        try:
            report = process.run()
            assert report is not None
            reports.append(report)
        finally:
            process.close()
    return reports


def read_jobs(database: Database, clock: FakeClock, emulator: SlackEmulator,
              shape: list[tuple[Scope, str, str, str | None]]) -> list[Doc]:
    """The shape's job records as the database holds them."""
    process = Process(database, clock, emulator)
    try:
        docs = [process.jobs.get(scope, job_id) for scope, job_id, _, _ in shape]
    finally:
        process.close()
    assert all(doc is not None for doc in docs)
    return [doc for doc in docs if doc is not None]


def assert_posted_exactly_once(emulator: SlackEmulator, docs: list[Doc]) -> None:
    """One message for all of ``docs``, naming each of them, and each job recorded with it."""
    [post] = marked_posts(emulator)
    for doc in docs:
        assert doc["id"] in post.args["text"], (doc["id"], post.args["text"])
        landed = (DONE, post.response["ts"], post.response["channel"])
        assert (doc["status"], doc["posted_ts"], doc["posted_channel"]) == landed, doc
