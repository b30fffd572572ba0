"""What only the PostgreSQL store promises: atomicity across connections (processes), rollback."""

from __future__ import annotations

import threading

import pytest

from bot.store import Scope
from bot.store.postgres_store import DatabaseNotReady, PostgresStore, normalise_url
from tests.postgres.support import postgres_for_tests

A = Scope("T1", "C1")


@pytest.fixture
def database():
    db = postgres_for_tests()
    db.reset()
    return db


def test_update_is_atomic_across_connections(database):
    """Two stores with their own engines stand in for two processes: no update is lost."""
    stores = [PostgresStore(database.url), PostgresStore(database.url)]
    start = threading.Barrier(4)

    def worker(store: PostgresStore) -> None:
        start.wait()
        for _ in range(50):
            # The row does not exist for the first update: FOR UPDATE alone would lose one.
            store.update(A, "counter", "x", lambda d: {"n": (d or {"n": 0})["n"] + 1})

    threads = [threading.Thread(target=worker, args=(stores[i % 2],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert stores[0].get(A, "counter", "x") == {"n": 200}
        assert stores[1].get(A, "counter", "x") == {"n": 200}
    finally:
        for store in stores:
            store.close()


def test_transaction_holds_the_scope_against_another_connection(database):
    first, second = PostgresStore(database.url), PostgresStore(database.url)
    inside, release, done = threading.Event(), threading.Event(), threading.Event()

    def other_writer() -> None:
        inside.wait()
        second.put(A, "c", "k", {"by": "second"})  # must wait for the transaction to end
        done.set()

    thread = threading.Thread(target=other_writer)
    thread.start()
    try:
        with first.transaction(A):
            first.put(A, "c", "k", {"by": "first"})
            inside.set()
            assert not done.wait(0.5), "a writer got into a held scope"
            release.set()
        thread.join(10)
        assert done.is_set()
        assert first.get(A, "c", "k") == {"by": "second"}
    finally:
        first.close()
        second.close()


def test_other_scopes_are_not_blocked(database):
    first, second = PostgresStore(database.url), PostgresStore(database.url)
    try:
        with first.transaction(A):
            finished = threading.Event()
            t = threading.Thread(
                target=lambda: (second.put(Scope("T1", "C2"), "c", "k", {}), finished.set())
            )
            t.start()
            assert finished.wait(10)
            t.join()
    finally:
        first.close()
        second.close()


def test_failed_transaction_rolls_back_everything(database):
    store = PostgresStore(database.url)
    try:
        with pytest.raises(RuntimeError), store.transaction(A):
            store.put(A, "c", "1", {"v": 1})
            store.add_once(A, "seen", "e1", {})
            raise RuntimeError("boom")
        assert store.get(A, "c", "1") is None
        assert store.add_once(A, "seen", "e1", {}) is True
    finally:
        store.close()


def test_unicode_and_nesting_roundtrip(database):
    store = PostgresStore(database.url)
    doc = {"text": "<@U1> & *bold* ✅ 🤝", "list": [1, 2.5, None, True], "nested": {"a": {"b": []}}}
    store.put(A, "c", "k/with/slashes", doc)
    assert store.get(A, "c", "k/with/slashes") == doc
    store.close()


def test_missing_schema_is_one_clear_error():
    db = postgres_for_tests()
    # The server's default schema search path, without our migrated schema in it.
    url = db.base_url + ("&" if "?" in db.base_url else "?") + "options=-csearch_path%3Dpc_nothing_here"
    with pytest.raises(DatabaseNotReady, match="partner-coach db upgrade"):
        PostgresStore(url)


def test_unreachable_server_is_one_clear_error_without_the_password():
    with pytest.raises(DatabaseNotReady, match="not reachable") as info:
        PostgresStore("postgresql://someone:s3cret-pw@127.0.0.1:1/nope")
    assert "s3cret-pw" not in str(info.value)


def test_url_normalisation():
    assert normalise_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_url("postgresql+psycopg://u@h/d") == "postgresql+psycopg://u@h/d"
    with pytest.raises(ValueError):
        normalise_url("mysql://u@h/d")
