"""Store fixtures: ``make_store`` opens the implementation under test (TinyDB or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import TinyDBStore
from bot.store.postgres_store import PostgresStore
from tests.postgres.support import postgres_for_tests


@pytest.fixture(params=["tinydb", "postgres"])
def make_store(request, tmp_path):
    """A factory of stores; calling it again reopens the same database (a restart)."""
    opened = []
    if request.param == "postgres":
        database = postgres_for_tests()
        database.reset()

        def make(path: Path | None = None):
            # The path is TinyDB's; on PostgreSQL every store of a test shares one database.
            store = PostgresStore(database.url)
            opened.append(store)
            return store

    else:

        def make(path: Path | None = None):
            store = TinyDBStore(path or tmp_path / "db.json")
            opened.append(store)
            return store

    make.kind = request.param  # type: ignore[attr-defined]
    yield make
    for store in opened:
        try:
            store.close()
        except Exception:
            pass
