"""Run e2e scenarios with every bot on PostgreSQL instead of a TinyDB file."""

from __future__ import annotations

import pytest

from bot.store.postgres_store import PostgresStore
from tests.postgres.support import postgres_for_tests


@pytest.fixture
def database():
    """The test database, emptied."""
    db = postgres_for_tests()
    db.reset()
    return db


@pytest.fixture
def postgres_bots(monkeypatch):
    """Every runtime built during the test (restarts included) opens the same, emptied PostgreSQL."""
    database = postgres_for_tests()
    database.reset()
    monkeypatch.setattr("bot.runtime.open_store", lambda settings: PostgresStore(database.url))
    return database


@pytest.fixture
def bot(postgres_bots, bot):
    # Overrides the top-level `bot`, which builds its runtime through open_store, patched above.
    return bot
