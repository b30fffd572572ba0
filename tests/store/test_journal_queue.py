"""The journal writes its lines in the group commit, outside the store's lock.

Writing a line is a system call, which lets go of the interpreter lock; under load, a thread
waits a switch interval or more to get it back. Done under the store's lock, every request
waiting for that lock waited with it (docs/performance.md, item 13).
"""

from __future__ import annotations

import threading

import pytest

from bot.store import Scope, TinyDBStore
from bot.store.journal import Journal, read_shards

A = Scope("T1", "C1")


class FlakyFile:
    """A journal file whose next write fails, as on a full disk, and later ones work."""

    def __init__(self, real, failures: int = 1) -> None:
        self.real = real
        self.failures = failures

    def write(self, data: bytes) -> int:
        if self.failures:
            self.failures -= 1
            raise OSError(28, "No space left on device")
        return self.real.write(data)

    def __getattr__(self, name):
        return getattr(self.real, name)


class WatchedFile:
    """A journal file that notes, on each write, whether another thread could take the store."""

    def __init__(self, real, store: TinyDBStore) -> None:
        self.real = real
        self.store = store
        self.free_while_writing: list[bool] = []

    def write(self, data: bytes) -> int:
        taken = threading.Event()

        def another_request() -> None:
            if self.store._lock.acquire(timeout=0.5):
                taken.set()
                self.store._lock.release()

        helper = threading.Thread(target=another_request)
        helper.start()
        helper.join()
        self.free_while_writing.append(taken.is_set())
        return self.real.write(data)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_the_store_lock_is_free_while_a_write_reaches_the_file(tmp_path):
    store = TinyDBStore(tmp_path / "db.json")
    watched = store._journal._file = WatchedFile(store._journal._file, store)
    store.put(A, "c", "1", {"n": 1})
    with store.transaction(A):
        store.put(A, "c", "2", {"n": 2})
        store.put(A, "c", "3", {"n": 3})
    assert watched.free_while_writing == [True, True]
    store.close()
    assert read_shards(tmp_path / "db.json")["T1/C1"]["c"] == {"1": {"n": 1}, "2": {"n": 2}, "3": {"n": 3}}


def test_a_failed_write_is_not_acknowledged_and_the_next_sync_writes_it(tmp_path):
    path = tmp_path / "journal"
    journal = Journal(path)
    journal.load()
    journal._file = FlakyFile(journal._file)
    first = journal.append("s", {"t": {"1": {"n": 1}}})
    with pytest.raises(OSError):
        journal.sync(first)
    second = journal.append("s", {"t": {"2": {"n": 2}}})
    journal.sync(second)
    journal.close()
    assert read_shards(path) == {"s": {"t": {"1": {"n": 1}, "2": {"n": 2}}}}


def test_lines_reach_the_file_in_the_order_they_were_appended(tmp_path):
    path = tmp_path / "journal"
    journal = Journal(path)
    journal.load()
    sequences = [journal.append("s", {"t": {"k": {"n": n}}}) for n in range(5)]
    journal.sync(sequences[2])  # one sync covers every line before it, and the later ones queued
    assert read_shards(path) == {"s": {"t": {"k": {"n": 4}}}}
    journal.sync(sequences[4])  # already covered: nothing more to do
    later = journal.append("s", {"t": {"k": {"n": 5}}})
    journal.close()  # a clean close writes what is queued
    assert later == 6
    assert read_shards(path) == {"s": {"t": {"k": {"n": 5}}}}


def test_concurrent_writers_each_find_their_own_line_after_a_reopen(tmp_path):
    path = tmp_path / "db.json"
    store = TinyDBStore(path)

    def writer(w: int) -> None:
        for n in range(50):
            store.put(Scope("T1", f"C{w}"), "c", str(n), {"w": w, "n": n})

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.close()
    again = TinyDBStore(path)
    for w in range(8):
        assert len(again.find(Scope("T1", f"C{w}"), "c")) == 50
    again.close()
