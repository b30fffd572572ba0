"""Rewriting the TinyDB journal while the bot runs: writers never wait for it, nothing is lost.

The rewrite takes seconds at 100,000 commitments (bench/compaction_stall.py). It used to
run inside the write that found the file too big, holding the store's lock, so every Slack
request waited for it. Here the snapshot's lines are held back mid-rewrite (``_line`` is
where each is made) and other writes must still finish.
"""

from __future__ import annotations

import threading

import pytest

from bot.store import Scope, TinyDBStore
from bot.store import journal as journal_module
from bot.store.journal import read_shards

A = Scope("T1", "C1")
B = Scope("T1", "C2")


@pytest.fixture
def held_rewrite(monkeypatch):
    """Snapshot lines (``"d"``) wait for ``gate``; ``rewriters`` names the threads that wrote one."""
    monkeypatch.setattr(journal_module, "MIN_COMPACT_BYTES", 4_000)
    gate = threading.Event()
    rewriters: list[str] = []
    real_line = journal_module._line

    def line(entry):
        if "d" in entry:
            rewriters.append(threading.current_thread().name)
            assert gate.wait(10), "the test never let the rewrite go on"
        return real_line(entry)

    monkeypatch.setattr(journal_module, "_line", line)
    yield gate, rewriters
    gate.set()


def _fill_until_rewriting(store: TinyDBStore, rewriters: list[str]) -> dict[str, int]:
    """Write until a rewrite has begun; the values written."""
    written = {}
    for i in range(1_000):
        store.put(A, "c", f"k{i % 5}", {"i": i, "pad": "z" * 60})
        written[f"k{i % 5}"] = i
        if rewriters:
            return written
    raise AssertionError("the journal was never rewritten")


def _write_aside(store: TinyDBStore, count: int) -> threading.Thread:
    def writes():
        for i in range(count):
            store.put(B, "c", str(i), {"n": i})
        store.delete(A, "c", "k0")

    thread = threading.Thread(target=writes, name="writer")
    thread.start()
    return thread


def test_writes_finish_while_the_journal_is_being_rewritten(tmp_path, held_rewrite):
    gate, rewriters = held_rewrite
    store = TinyDBStore(tmp_path / "db.json")
    written = _fill_until_rewriting(store, rewriters)
    writer = _write_aside(store, 50)
    writer.join(5)
    done_while_held = not writer.is_alive()
    gate.set()
    writer.join(10)
    store.wait_for_compaction()
    assert done_while_held, "a write waited for the journal's rewrite"
    assert "writer" not in rewriters and "MainThread" not in rewriters  # rewritten aside
    store.close()
    reopened = TinyDBStore(tmp_path / "db.json")
    assert reopened.get(A, "c", "k0") is None  # deleted during the rewrite
    assert {k: reopened.get(A, "c", k)["i"] for k in ("k1", "k2", "k3", "k4")} == {
        k: written[k] for k in ("k1", "k2", "k3", "k4")}
    assert [reopened.get(B, "c", str(i)) for i in range(50)] == [{"n": i} for i in range(50)]
    reopened.close()


def test_a_kill_during_or_after_the_rewrite_loses_no_acknowledged_write(tmp_path, held_rewrite):
    gate, rewriters = held_rewrite
    path = tmp_path / "db.json"
    store = TinyDBStore(path)
    written = _fill_until_rewriting(store, rewriters)
    writer = _write_aside(store, 20)
    writer.join(5)
    expected = {
        "T1/C1": {"c": {k: {"i": v, "pad": "z" * 60} for k, v in written.items() if k != "k0"}},
        "T1/C2": {"c": {str(i): {"n": i} for i in range(20)}},
    }
    # Killed now, mid-rewrite: the journal on disk is what a restart reads.
    assert read_shards(path) == expected
    gate.set()
    store.wait_for_compaction()
    assert not path.with_name(path.name + ".tmp").exists()
    assert read_shards(path) == expected  # killed right after the rename
    store.put(B, "c", "after", {"n": -1})
    expected["T1/C2"]["c"]["after"] = {"n": -1}
    assert read_shards(path) == expected  # later writes land in the new file
    store.close()


def test_a_failed_rewrite_leaves_the_journal_as_it_was_and_waits_before_trying_again(
        tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(journal_module, "MIN_COMPACT_BYTES", 4_000)
    attempts = []

    def full_disk(self, shards):
        attempts.append(shards)
        raise OSError(28, "No space left on device")

    path = tmp_path / "db.json"
    store = TinyDBStore(path)  # opening rewrites the journal too: the disk fills after that
    monkeypatch.setattr(journal_module.Journal, "write_snapshot", full_disk)
    sizes = []
    for i in range(300):
        store.put(A, "c", str(i), {"i": i, "pad": "z" * 60})
        store.wait_for_compaction()
        if len(attempts) > len(sizes):
            sizes.append(path.stat().st_size)
    # Not again on every write while the disk is full: once the file has grown fourfold.
    assert len(sizes) == 2 and sizes[1] > 4 * sizes[0] > 4 * 4_000
    assert "compacting the journal failed" in caplog.text
    assert read_shards(path) == {"T1/C1": {"c": {str(i): {"i": i, "pad": "z" * 60} for i in range(300)}}}
    store.close()
