"""A real PostgreSQL for tests: one private schema per test process, emptied per test.

Which server: ``PARTNER_COACH_TEST_DATABASE_URL``, else the role and database
that ``.ci/run`` creates on 127.0.0.1. When none answers, PostgreSQL tests are
skipped, unless ``PARTNER_COACH_REQUIRE_PG`` is set (CI sets it): then they
fail, so a broken database setup can never turn into a green, untested run.
"""

from __future__ import annotations

import atexit
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from bot.store.migrations import upgrade
from bot.store.postgres_store import make_engine, normalise_url

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
            conn.execute(sa.text("TRUNCATE documents RESTART IDENTITY"))
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
