"""A real PostgreSQL for tests: one private schema per test process, emptied per test.

Which server: ``PARTNER_COACH_TEST_DATABASE_URL``, else the role and database
that ``.ci/run`` creates on 127.0.0.1. When none answers, PostgreSQL tests are
skipped, unless ``PARTNER_COACH_REQUIRE_PG`` is set (CI sets it): then they
fail, so a broken database setup can never turn into a green, untested run.

Also helpers for tests running several `serve` processes on one schema: seed a due post,
read a job record, see who holds the scheduler lock, wait for a condition.
"""

from __future__ import annotations

import atexit
import os
import secrets
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from bot.clock import SystemClock
from bot.container import build_services, install_schedule
from bot.schedule.jobs import JOB
from bot.schedule.leader import APPLICATION_NAME, LEADER_LOCK_KEY
from bot.services.outcome import Message
from bot.slack.client import build_client
from bot.store import Scope
from bot.store.migrations import upgrade
from bot.store.postgres_store import PostgresStore, make_engine, normalise_url
from tests.conftest import ALICE, BOB, DEAL
from tests.e2e.helpers import all_text
from tests.e2e.serve_process import BOT_TOKEN

TEAM = "T0001"
DEFAULT_URL = "postgresql://partner_coach:partner_coach@127.0.0.1:5432/partner_coach_test"


def with_search_path(url: str, schema: str) -> str:
    """``url`` with every connection's search_path set to ``schema``."""
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote(f'-csearch_path={schema}')}"


class TestDatabase:
    """A schema of its own on the test server, migrated with the real Alembic revision."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    def __init__(self, base_url: str) -> None:
        self.base_url = normalise_url(base_url)
        self.schema = f"pc_test_{os.getpid()}_{secrets.token_hex(3)}"
        admin = make_engine(self.base_url, poolclass=sa.NullPool)
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{self.schema}"'))
        admin.dispose()
        # search_path on every connection: the store and Alembic see only our schema, so
        # several test runs (or developers) can share one server without meeting.
        self.url = with_search_path(self.base_url, self.schema)
        engine = make_engine(self.url, poolclass=sa.NullPool)
        upgrade(engine)
        engine.dispose()

    def reset(self) -> None:
        """Empty every table (fast), keeping the migrated schema."""
        engine = make_engine(self.url, poolclass=sa.NullPool)
        with engine.begin() as conn:
            conn.execute(sa.text("TRUNCATE documents, scope_revisions RESTART IDENTITY"))
        engine.dispose()

    @contextmanager
    def empty_schema(self) -> Iterator[str]:
        """The URL of another, empty (unmigrated) schema, dropped afterwards."""
        name = f"{self.schema}_{secrets.token_hex(2)}"
        engine = make_engine(self.base_url, poolclass=sa.NullPool)
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
        try:
            yield with_search_path(self.base_url, name)
        finally:
            with engine.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
            engine.dispose()

    def drop(self) -> None:
        """Remove the schema and everything in it."""
        engine = make_engine(self.base_url, poolclass=sa.NullPool)
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
        engine.dispose()


_database: TestDatabase | None = None
_unavailable: str | None = None


def postgres_for_tests() -> TestDatabase:
    """The process's test database, created on first use; skips (or fails, in CI) without a server."""
    global _database, _unavailable
    if _database is None and _unavailable is None:
        url = os.environ.get("PARTNER_COACH_TEST_DATABASE_URL") or DEFAULT_URL
        try:
            _database = TestDatabase(url)
            atexit.register(_database.drop)
        except sa.exc.OperationalError as exc:
            _unavailable = str(exc.orig or exc).strip().splitlines()[0]
    if _database is None:
        message = f"no PostgreSQL reachable for tests ({_unavailable})"
        if os.environ.get("PARTNER_COACH_REQUIRE_PG"):
            pytest.fail(f"{message}, and PARTNER_COACH_REQUIRE_PG is set", pytrace=False)
        pytest.skip(message)
    return _database


# ------------------------------------------------------------ several `serve` processes


def seed_due_post(url: str, emulator: Any, text: str, *, team: str = TEAM, channel: str = DEAL,
                  job_id: str | None = None, user: str = ALICE) -> None:
    """A debrief prompt about ``text`` that came due a minute ago, stored as `serve` would store it
    (job id ``debrief:<text>`` unless given)."""
    store = PostgresStore(url)
    try:
        clock = SystemClock()
        services = build_services(store, clock, build_client(BOT_TOKEN, emulator.api_url))
        schedule = install_schedule(services)
        message = Message("debrief_prompt", {"topic": text, "user": user})
        assert schedule.schedule_post(Scope(team, channel), job_id or f"debrief:{text}",
                                      clock.now() - timedelta(minutes=1), message)
    finally:
        store.close()


def read_job(url: str, team: str, channel: str, job_id: str) -> dict[str, Any] | None:
    """The job record as the database holds it now (a fresh connection, nothing cached)."""
    store = PostgresStore(url)
    try:
        return store.get(Scope(team, channel), JOB, job_id)
    finally:
        store.close()


def posts_about(emulator: Any, topic: str, channel: str = DEAL) -> list:
    """The bot's posts in ``channel`` mentioning ``topic``."""
    return [m for m in emulator.messages(channel) if topic in all_text(m)]


def application_pids(url: str, sql: str, **params: object) -> set[int]:
    """OS pids named by ``sql``, a query of pg_stat_activity's application names
    ("partner-coach scheduler <pid>")."""
    engine = make_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            names = conn.execute(sa.text(sql), params).scalars().all()
    finally:
        engine.dispose()
    return {int(n.rsplit(" ", 1)[1]) for n in names if n and n.startswith(APPLICATION_NAME)}


def leader_pids(url: str) -> set[int]:
    """OS pids of the processes holding this schema's scheduler lock."""
    return application_pids(url, (
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = :k "
        "AND l.objid::bigint = (hashtext(current_schema())::bigint & 4294967295)"), k=LEADER_LOCK_KEY)


def a_later_pass_ran(url: str, emulator: Any, tag: str, timeout: float = 20.0) -> bool:
    """Seed a job due now and wait until it is posted: a whole scheduler pass over the due
    jobs has then run after everything before it (a pass takes due jobs oldest first), so
    a duplicate of an earlier job would already be recorded."""
    topic = f"later pass {tag}"
    seed_due_post(url, emulator, topic)
    return wait_until(lambda: len(posts_about(emulator, topic)) == 1, timeout)


def wait_until(predicate: Callable[[], Any], timeout: float, step: float = 0.1) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds have passed; its last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())


def concurrent_gives(driver: Any, count: int, channel: str = DEAL) -> list:
    """`give item-<i>` for i < count, sent concurrently by two users (as a busy channel does);
    the responses in order."""
    users = [ALICE, BOB]
    with ThreadPoolExecutor(max_workers=12) as pool:
        return list(pool.map(
            lambda i: driver.command(f"give item-{i}", user=users[i % 2], channel=channel),
            range(count)))
