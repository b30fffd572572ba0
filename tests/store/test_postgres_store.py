"""What only the PostgreSQL store promises: atomicity across connections (processes), rollback."""

from __future__ import annotations

import secrets
import threading
from datetime import UTC, datetime

import psycopg
import pytest
import sqlalchemy as sa

from bot.clock import FakeClock
from bot.services.ledger import Ledger
from bot.store import Scope
from bot.store.postgres_store import DatabaseNotReady, PostgresStore, make_engine, normalise_url
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


def test_another_process_s_write_changes_the_revision(database):
    """What a process caches against a revision is dropped when any process writes the scope."""
    first, second = PostgresStore(database.url), PostgresStore(database.url)
    try:
        assert first.revision(A) is None  # never written
        first.put(A, "c", "1", {"v": 1})
        mine = first.revision(A)
        assert mine is not None and second.revision(A) == mine
        second.put(A, "c", "2", {"v": 2})
        assert first.revision(A) not in (None, mine)
        before = first.revision(A)
        first.get(A, "c", "1"), first.find(A, "c"), first.records(A)  # reads change nothing
        with first.transaction(A):  # nor does holding the scope without writing
            first.get(A, "c", "1")
        assert first.add_once(A, "c", "1", {"v": 9}) is False and first.delete(A, "c", "missing") is False
        assert second.revision(A) == before
        assert first.revision(Scope("T1", "C2")) is None  # scopes have revisions of their own
    finally:
        first.close()
        second.close()


def test_every_write_in_a_transaction_moves_the_revision_and_a_rolled_back_one_never_returns(database):
    store, other = PostgresStore(database.url), PostgresStore(database.url)
    try:
        store.put(A, "c", "1", {"v": 1})
        committed = store.revision(A)
        seen = []
        with pytest.raises(RuntimeError), store.transaction(A):
            assert store.revision(A) == committed
            store.put(A, "c", "1", {"v": 2})
            seen.append(store.revision(A))
            store.put(A, "c", "1", {"v": 3})  # what was derived after the first write is stale now
            seen.append(store.revision(A))
            assert other.revision(A) == committed  # nothing is visible before the commit
            raise RuntimeError("boom")
        assert len(set(seen)) == 2 and committed not in seen
        assert store.revision(A) == committed and store.get(A, "c", "1") == {"v": 1}
        other.put(A, "c", "1", {"v": 4})
        assert other.revision(A) not in (committed, *seen)  # numbers are never reused
    finally:
        store.close()
        other.close()


def test_writes_queued_in_a_transaction_are_read_back_and_a_failing_one_rolls_everything_back(database):
    store = PostgresStore(database.url)
    try:
        with store.transaction(A):
            store.put(A, "c", "1", {"text": "100% <@U1> ✅"})  # queued until the next round trip
            store.put(A, "c", "2", {"text": "it's"})
            assert store.get(A, "c", "1") == {"text": "100% <@U1> ✅"}
            assert [d["text"] for d in store.find(A, "c")] == ["100% <@U1> ✅", "it's"]
        # PostgreSQL refuses \u0000 in JSONB: the queued write fails at the commit, and takes
        # the transaction's other writes with it.
        with pytest.raises(psycopg.Error), store.transaction(A):
            store.put(A, "c", "3", {"v": 3})
            store.put(A, "c", "4", {"text": "nul \x00 byte"})
        assert store.get(A, "c", "3") is None and store.get(A, "c", "4") is None
        with pytest.raises(psycopg.Error):  # outside a transaction, put() itself raises
            store.put(A, "c", "5", {"text": "\x00"})
        assert store.get(A, "c", "5") is None
        store.put(A, "c", "6", {"v": 6})  # and the store works on
        assert len(store.find(A, "c")) == 3
    finally:
        store.close()


def test_pooled_connections_that_died_are_replaced_without_failing_a_call(database):
    """PostgreSQL restarted (or a proxy dropped idle connections): the next calls still work."""
    name = f"pc-test-{secrets.token_hex(4)}"
    store = PostgresStore(f"{database.url}&application_name={name}")
    admin = make_engine(database.url, poolclass=sa.NullPool)
    try:
        store.put(A, "c", "1", {"v": 1})
        threads = [threading.Thread(target=lambda: store.get(A, "c", "1")) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with admin.connect() as conn:
            killed = conn.execute(sa.text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                          "WHERE application_name = :n"), {"n": name}).scalar()
        assert killed >= 1
        assert store.get(A, "c", "1") == {"v": 1}  # a read
        with store.transaction(A):  # and a transaction, on whatever connection is pooled next
            store.put(A, "c", "2", {"v": 2})
        assert [d["v"] for d in store.find(A, "c")] == [1, 2]
    finally:
        store.close()
        admin.dispose()


def test_the_ledger_s_cache_sees_another_process_s_items(database):
    """Two ledgers on two stores stand in for two gunicorn workers sharing a channel."""
    clock = FakeClock(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))
    stores = [PostgresStore(database.url), PostgresStore(database.url)]
    ledgers = [Ledger(store, clock) for store in stores]
    try:
        ledgers[0].add(A, side="give", what="pilot", owner="U1", created_by="U1")
        assert [c.what for c in ledgers[0].items(A)] == ["pilot"]  # cached
        ledgers[1].add(A, side="get", what="intro", owner="U2", created_by="U2")
        assert [c.what for c in ledgers[0].items(A)] == ["pilot", "intro"]
        with ledgers[0].transaction(A):  # a give reads its balance inside its transaction
            item, _ = ledgers[0].add(A, side="give", what="case study", owner="U1", created_by="U1")
            assert [c.number for c in ledgers[0].items(A)] == [1, 2, 3] and item.number == 3
        ledgers[1].close(A, 1, "done", "U2")
        assert [c.status for c in ledgers[0].items(A)] == ["done", "open", "open"]
        assert [c.number for c in ledgers[1].items(A)] == [1, 2, 3]
    finally:
        for store in stores:
            store.close()


def test_what_a_transaction_remembers_is_not_used_after_another_process_wrote(database):
    """A transaction starts from the documents the last one of this process left, only while
    the scope is still at the revision that one committed."""
    first, second = PostgresStore(database.url), PostgresStore(database.url)
    bump = lambda d: {"n": (d or {"n": 0})["n"] + 1}  # noqa: E731
    try:
        assert first.update(A, "counter", "n", bump) == {"n": 1}
        assert first.update(A, "counter", "n", bump) == {"n": 2}  # from what it remembered
        assert second.update(A, "counter", "n", bump) == {"n": 3}
        assert first.update(A, "counter", "n", bump) == {"n": 4}  # read again: second wrote
        second.delete(A, "counter", "n")
        assert first.update(A, "counter", "n", bump) == {"n": 1}
        with pytest.raises(RuntimeError), first.transaction(A):  # a rolled-back write
            first.put(A, "counter", "n", {"n": 99})
            raise RuntimeError("boom")
        assert first.update(A, "counter", "n", bump) == {"n": 2}
        with first.transaction(A):
            got = first.get(A, "counter", "n")
            got["n"] = 1000  # the caller's copy: what is remembered doesn't change
        assert first.get(A, "counter", "n") == {"n": 2}
        with first.transaction(A):
            assert first.get(A, "counter", "n") == {"n": 2}
    finally:
        first.close()
        second.close()
