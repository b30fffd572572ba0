"""Behaviour every store implementation must have (parametrised over implementations)."""

from __future__ import annotations

import os
import threading

import pytest

from bot.store import Scope, TinyDBStore
from bot.store.base import move_workspace
from bot.store.journal import Journal
from bot.store.lock import DatabaseLocked

A = Scope("T1", "C1")
B = Scope("T1", "C2")
OTHER_TEAM = Scope("T2", "C1")


def test_put_get_roundtrip_and_copies(make_store):
    store = make_store()
    store.put(A, "thing", "1", {"name": "Ünïcode 🤝", "n": 1})
    got = store.get(A, "thing", "1")
    assert got == {"name": "Ünïcode 🤝", "n": 1}
    got["n"] = 99
    assert store.get(A, "thing", "1")["n"] == 1


def test_scopes_are_isolated(make_store):
    store = make_store()
    store.put(A, "thing", "1", {"v": "a"})
    store.put(B, "thing", "1", {"v": "b"})
    store.put(OTHER_TEAM, "thing", "1", {"v": "t2"})
    assert store.get(A, "thing", "1") == {"v": "a"}
    assert store.get(B, "thing", "1") == {"v": "b"}
    assert store.get(OTHER_TEAM, "thing", "1") == {"v": "t2"}
    assert set(store.scopes("T1")) == {A, B}
    assert set(store.scopes()) == {A, B, OTHER_TEAM}


def test_records_list_a_scope_and_a_workspace_moves_whole(make_store, tmp_path):
    store = make_store()
    store.put(A, "commitment", "1", {"what": "pilot"})
    store.put(A, "commitment", "2", {"what": "intro"})
    store.put(A, "deal", "acme", {"stage": "signed"})
    store.put(B, "job", "digest:1", {"status": "pending"})
    store.put(OTHER_TEAM, "commitment", "1", {"what": "not ours"})
    assert store.records(A) == [("commitment", "1", {"what": "pilot"}),
                                ("commitment", "2", {"what": "intro"}), ("deal", "acme", {"stage": "signed"})]
    # A record already under the new key (written after the upgrade) wins over the old copy.
    store.put(Scope("E1:T1", "C1"), "commitment", "2", {"what": "newer"})
    assert move_workspace(store, "T1", "E1:T1") == 4
    assert set(store.scopes("T1")) == set()
    assert [d["what"] for d in store.find(Scope("E1:T1", "C1"), "commitment")] == ["newer", "pilot"]
    assert store.get(Scope("E1:T1", "C2"), "job", "digest:1") == {"status": "pending"}
    assert store.get(OTHER_TEAM, "commitment", "1") == {"what": "not ours"}
    assert move_workspace(store, "T1", "E1:T1") == 0  # done: running it again is harmless


def test_add_once_is_idempotent(make_store):
    store = make_store()
    assert store.add_once(A, "seen", "ev1", {"at": 1}) is True
    assert store.add_once(A, "seen", "ev1", {"at": 2}) is False
    assert store.get(A, "seen", "ev1") == {"at": 1}


def test_update_and_delete(make_store):
    store = make_store()
    assert store.update(A, "c", "k", lambda d: {"n": (d or {"n": 0})["n"] + 1}) == {"n": 1}
    assert store.update(A, "c", "k", lambda d: {"n": d["n"] + 1}) == {"n": 2}
    assert store.update(A, "c", "k", lambda d: None) is None
    assert store.get(A, "c", "k") is None
    assert store.delete(A, "c", "k") is False


def test_find_filters_in_insertion_order(make_store):
    store = make_store()
    for i in range(5):
        store.put(A, "c", str(i), {"i": i})
    assert [d["i"] for d in store.find(A, "c", lambda d: d["i"] % 2 == 0)] == [0, 2, 4]
    assert store.find(B, "c") == []


def test_reopen_keeps_every_write(make_store, tmp_path):
    path = tmp_path / "reopen.json"
    store = make_store(path)
    for i in range(50):
        store.put(Scope("T1", f"C{i % 5}"), "c", str(i), {"i": i})
    store.delete(Scope("T1", "C0"), "c", "0")
    store.close()
    again = make_store(path)
    assert sum(len(again.find(s, "c")) for s in again.scopes()) == 49


def test_concurrent_writers_lose_nothing(make_store):
    store = make_store()

    def worker(n: int) -> None:
        for i in range(25):
            store.update(A, "counter", "x", lambda d: {"n": (d or {"n": 0})["n"] + 1})
            store.put(Scope("T1", f"C{n}"), "c", str(i), {"i": i})

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.get(A, "counter", "x") == {"n": 200}
    assert sum(len(store.find(Scope("T1", f"C{n}"), "c")) for n in range(8)) == 200


def test_replacing_keeps_position_and_reinserting_goes_last(make_store):
    store = make_store()
    for key in "abc":
        store.put(A, "c", key, {"k": key})
    store.put(A, "c", "a", {"k": "a2"})
    assert [d["k"] for d in store.find(A, "c")] == ["a2", "b", "c"]
    store.delete(A, "c", "b")
    store.put(A, "c", "b", {"k": "b2"})
    assert [d["k"] for d in store.find(A, "c")] == ["a2", "c", "b2"]


def test_update_passes_a_copy_so_in_place_edits_are_stored(make_store):
    store = make_store()
    store.put(A, "c", "k", {"n": 1, "tags": ["x"]})

    def bump(doc):
        doc["n"] += 1
        return doc

    assert store.update(A, "c", "k", bump) == {"n": 2, "tags": ["x"]}
    assert store.get(A, "c", "k") == {"n": 2, "tags": ["x"]}


def test_transaction_makes_read_then_write_atomic(make_store):
    store = make_store()
    store.put(A, "c", "n", {"n": 0})

    def worker() -> None:
        for _ in range(20):
            with store.transaction(A):
                n = store.get(A, "c", "n")["n"]
                store.put(A, "c", "n", {"n": n + 1})

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.get(A, "c", "n") == {"n": 80}


def test_nested_transactions_and_calls_inside_them(make_store):
    store = make_store()
    with store.transaction(A):
        store.put(A, "c", "1", {"v": 1})
        assert store.get(A, "c", "1") == {"v": 1}  # sees its own write
        with store.transaction(B):
            store.update(B, "c", "1", lambda d: {"v": 2})
            assert store.add_once(A, "c", "2", {"v": 3}) is True
        assert [d["v"] for d in store.find(A, "c")] == [1, 3]
    assert store.get(B, "c", "1") == {"v": 2}
    assert set(store.scopes()) == {A, B}


def test_second_process_on_same_db_is_refused(make_store, tmp_path):
    if make_store.kind != "tinydb":
        pytest.skip("one process per file is TinyDB's rule; PostgreSQL is shared by design")
    path = tmp_path / "locked.json"
    make_store(path)
    with pytest.raises(DatabaseLocked, match="PARTNER_COACH_DB"):
        TinyDBStore(path)


def test_torn_last_line_is_ignored(tmp_path):
    path = tmp_path / "torn.json"
    store = TinyDBStore(path)
    store.put(A, "c", "1", {"kept": True})
    store.close()
    with open(path, "ab") as fh:
        fh.write(b'{"s":"T1/C1","d":{"c":{"2":{"half')  # a write killed mid-way
    store = TinyDBStore(path)
    assert store.get(A, "c", "1") == {"kept": True}
    assert store.get(A, "c", "2") is None
    store.put(A, "c", "3", {"after": True})
    store.close()
    store = TinyDBStore(path)
    assert store.get(A, "c", "3") == {"after": True}
    store.close()


def test_write_cost_does_not_grow_with_database_size(tmp_path):
    """Bytes appended per write depend on the channel written, not on the whole database."""
    path = tmp_path / "big.json"
    store = TinyDBStore(path)
    store.put(A, "c", "0", {"what": "first"})
    size = os.path.getsize(path)
    store.put(A, "c", "1", {"what": "x" * 20})
    small_db_cost = os.path.getsize(path) - size
    for ch in range(300):
        for i in range(20):
            store.put(Scope("T1", f"CB{ch}"), "c", str(i), {"what": "y" * 100})
    store.delete(A, "c", "1")
    size = os.path.getsize(path)
    store.put(A, "c", "1", {"what": "x" * 20})
    big_db_cost = os.path.getsize(path) - size
    store.close()
    assert big_db_cost == small_db_cost


def test_compaction_keeps_live_data_and_shrinks_file(tmp_path, monkeypatch):
    monkeypatch.setattr("bot.store.journal.MIN_COMPACT_BYTES", 10_000)
    path = tmp_path / "compact.json"
    store = TinyDBStore(path)
    for i in range(500):
        store.put(A, "c", "same", {"i": i, "pad": "z" * 50})
    store.wait_for_compaction()
    assert os.path.getsize(path) < 20_000
    store.close()
    store = TinyDBStore(path)
    assert store.get(A, "c", "same")["i"] == 499
    store.close()


def test_journal_load_skips_garbage_lines(tmp_path):
    path = tmp_path / "j.json"
    path.write_text('not json\n{"s":"T/C","d":{"k":{"1":{"a":1}}}}\n{"s": 5}\n')
    journal = Journal(path)
    assert journal.load() == {"T/C": {"k": {"1": {"a": 1}}}}
    journal.close()


def test_reads_do_not_share_nested_values_with_the_store(make_store):
    store = make_store()
    store.put(A, "c", "k", {"tags": ["x"], "meta": {"n": 1}})
    got = store.get(A, "c", "k")
    got["tags"].append("leak")
    got["meta"]["n"] = 99
    store.find(A, "c")[0]["tags"].append("leak")
    assert store.get(A, "c", "k") == {"tags": ["x"], "meta": {"n": 1}}


def test_revision_moves_with_every_write_to_its_scope_only(make_store):
    store = make_store()
    seen = [store.revision(A)]  # PostgreSQL: None until the scope's first write
    store.put(A, "c", "1", {"n": 1})
    seen.append(store.revision(A))
    assert store.add_once(A, "c", "1", {"n": 2}) is False  # nothing written: no new revision
    assert store.revision(A) == seen[-1]
    store.update(A, "c", "1", lambda d: {"n": 3})
    seen.append(store.revision(A))
    store.delete(A, "c", "1")
    seen.append(store.revision(A))
    before_b = store.revision(B)
    store.put(B, "c", "1", {"n": 1})
    assert store.revision(A) == seen[-1]
    assert store.revision(B) != before_b
    assert len(set(seen)) == len(seen)


def test_writes_keep_no_reference_to_the_callers_documents(make_store, tmp_path):
    store = make_store()
    doc = {"what": "pilot", "tags": ["a"]}
    store.put(A, "c", "1", doc)
    doc["what"] = "changed after the write"
    doc["tags"].append("b")
    assert store.get(A, "c", "1") == {"what": "pilot", "tags": ["a"]}
    store.close()
    assert make_store(tmp_path / "db.json").get(A, "c", "1") == {"what": "pilot", "tags": ["a"]}


def test_a_tinydb_write_returns_only_after_its_line_is_synced_to_disk(tmp_path, monkeypatch):
    import bot.store.journal as journal

    synced_sizes: list[int] = []
    real_sync = journal._sync_data

    def recording_sync(fd: int) -> None:
        real_sync(fd)
        synced_sizes.append(os.fstat(fd).st_size)

    monkeypatch.setattr(journal, "_sync_data", recording_sync)
    store = TinyDBStore(tmp_path / "db.json")
    for i in range(3):
        store.put(A, "c", str(i), {"n": i})
        # Everything written so far was covered by a sync before put() returned.
        assert synced_sizes and synced_sizes[-1] == (tmp_path / "db.json").stat().st_size
    with store.transaction(A):
        store.put(A, "c", "x", {"n": 1})
        store.put(A, "c", "y", {"n": 2})
        during = len(synced_sizes)
    assert len(synced_sizes) == during + 1  # one sync for the whole transaction, at its end
    store.close()


def test_a_note_is_kept_once_and_survives_a_restart(make_store, tmp_path):
    path = tmp_path / "notes.json"
    store = make_store(path)
    assert store.note(A, "seen", "trigger-1", {"at": "first"}) is True
    assert store.note(A, "seen", "trigger-1", {"at": "again"}) is False
    store.close()
    store = make_store(path)
    assert store.note(A, "seen", "trigger-1", {"at": "after a restart"}) is False
    assert store.find(A, "seen") == [{"at": "first"}]


def test_a_note_leaves_the_scopes_revision_alone(make_store):
    # Caches of a channel's items are keyed by its revision: a note must not throw them away.
    store = make_store()
    store.put(A, "c", "1", {"n": 1})
    before = store.revision(A)
    assert store.note(A, "seen", "trigger-1", {}) is True
    assert store.revision(A) == before


def test_a_note_rides_the_next_writes_journal_line_and_survives_a_kill(tmp_path):
    path = tmp_path / "killed.json"
    store = TinyDBStore(path)
    lines = path.read_bytes().count(b"\n")
    store.note(A, "seen", "trigger-1", {"at": "x"})
    assert path.read_bytes().count(b"\n") == lines  # nothing written for the note alone
    store.put(A, "c", "1", {"what": "pilot"})
    assert path.read_bytes().count(b"\n") == lines + 1  # one line (one sync) for both
    store._process_lock.release()  # killed: never closed
    reopened = TinyDBStore(path)
    assert reopened.get(A, "seen", "trigger-1") == {"at": "x"}
    reopened.close()
