"""The embedded default store: one TinyDB per channel, journaled to a single file.

Each (workspace, channel) scope is its own small TinyDB whose tables are the
record kinds. Its :class:`ShardStorage` keeps the data in memory; the store
changes that memory one document at a time and, when a write section ends,
appends the changed documents to the shared :class:`Journal` with an fsync. So a
write costs as much as the documents it changes, survives ``kill -9`` once the
call returns, and reads never touch the disk.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from bot.store.base import Doc, Scope, clone_doc, read_modify_write
from bot.store.journal import Journal
from bot.store.lock import ProcessLock

log = logging.getLogger(__name__)

# Shards whose tables a journal rewrite copies per hold of the lock (bench/compaction_stall.py).
COMPACTION_BATCH = 100


class KeyedTable(Table):
    """A TinyDB table whose document ids are our string keys."""

    document_id_class = str

    def _get_next_id(self) -> str:  # pragma: no cover - we always give explicit keys
        raise RuntimeError("KeyedTable documents need an explicit key")


Changes = dict[str, dict[str, Any]]  # table -> document id -> document (None: deleted)


class ShardStorage(Storage):
    """TinyDB storage for one shard: memory for reads; changes are journaled by the store.

    The store writes single documents into :meth:`state` itself. ``write`` serves
    TinyDB's own Table API: it works out which documents TinyDB changed and hands
    only those to the store, which journals them once when its write section ends.
    Either way a use case that changes a shard three times costs one short journal
    line and one fsync.
    """

    def __init__(
        self, key: str, changed: Callable[[str, Changes], None], initial: dict[str, Any] | None = None
    ) -> None:
        self._key = key
        self._changed = changed
        self._memory: dict[str, Any] = initial or {}

    def read(self) -> dict[str, Any] | None:
        # TinyDB mutates what read() returns before calling write(); handing out
        # copies means a failed journal write leaves memory untouched.
        return {
            table: {doc_id: dict(doc) for doc_id, doc in docs.items()}
            for table, docs in self._memory.items()
        }

    def write(self, data: dict[str, Any]) -> None:
        new = {table: docs for table, docs in data.items() if docs}
        changes: Changes = {}
        for table in new.keys() | self._memory.keys():
            before, after = self._memory.get(table, {}), new.get(table, {})
            diff = {doc_id: doc for doc_id, doc in after.items() if before.get(doc_id) != doc}
            diff.update({doc_id: None for doc_id in before.keys() - after.keys()})
            if diff:
                changes[table] = diff
        self._memory = new
        if changes:
            self._changed(self._key, changes)

    def state(self) -> dict[str, Any]:
        """The shard's data as it should be journaled (not a copy: journal it at once)."""
        return self._memory

    def is_empty(self) -> bool:
        return not self._memory


def _shard_key(scope: Scope) -> str:
    return f"{scope.workspace}/{scope.channel_id}"


class _WriteSection:
    """:meth:`TinyDBStore._writing` as a plain context manager. A give enters about ten,
    nested; a generator-based one cost more than most of the work done inside it."""

    __slots__ = ("_store",)

    def __init__(self, store: TinyDBStore) -> None:
        self._store = store

    def __enter__(self) -> None:
        store = self._store
        store._lock.acquire()
        store._depth += 1

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        store = self._store
        sequence = 0
        try:
            store._depth -= 1
            if store._depth == 0 and store._pending:
                sequence = store._journal_pending()
        finally:
            store._lock.release()
        if sequence and kind is None:  # a write that raised was never acknowledged
            store._journal.sync(sequence)


class TinyDBStore:
    """:class:`bot.store.base.Store` on TinyDB; safe to share between threads."""

    def __init__(self, path: Path | str) -> None:
        self._process_lock = ProcessLock(Path(path))
        self._process_lock.acquire()
        self._journal = Journal(Path(path))
        self._lock = threading.RLock()
        self._shards: dict[str, TinyDB] = {}
        self._pending: dict[str, Changes] = {}  # journal lines to write when the section ends
        self._depth = 0  # nesting of write sections, under self._lock
        self._revisions: dict[str, int] = {}  # shard -> writes so far (see revision())
        self._compaction: threading.Thread | None = None  # rewriting the journal meanwhile
        self._closing = False
        for key, state in self._journal.load().items():
            self._shards[key] = self._open(key, state)

    def _open(self, key: str, state: dict[str, Any] | None = None) -> TinyDB:
        db = TinyDB(key, self._note_changes, state, storage=ShardStorage)
        db.table_class = KeyedTable
        return db

    def _note_changes(self, key: str, changes: Changes) -> None:
        pending = self._pending.setdefault(key, {})
        for table, docs in changes.items():
            pending.setdefault(table, {}).update(docs)

    def _writing(self) -> _WriteSection:
        """A write section: changed shards are journaled once at the end, then fsync'd.

        The fsync happens after the lock is released (group commit), but before
        the outermost write method returns, so every write is durable on return.
        """
        return _WriteSection(self)

    def _journal_pending(self) -> int:
        """Append the section's changes, one line per shard (under the lock); the last line's
        sequence number, which the caller syncs up to once the lock is released."""
        sequence = 0
        for key, changes in self._pending.items():
            sequence = self._journal.append(key, changes)
        self._pending.clear()
        if self._compaction is None and not self._closing and self._journal.needs_compaction():
            self._compact_aside()
        return sequence

    def _compact(self) -> None:
        """Rewrite the journal now, holding every writer off until it is done."""
        self._journal.compact(dict(self._states(list(self._shards))))

    def _shard_copy(self, key: str) -> dict[str, Any]:
        """A shard's tables as they are now (call under the lock): only the tables are copied,
        since documents are never changed in place, only replaced."""
        db = self._shards.get(key)
        return {table: dict(docs) for table, docs in db.storage.state().items()} if db is not None else {}

    def _compact_aside(self) -> None:
        """Start rewriting the journal on a thread of its own (call under the lock).

        At 100,000 commitments the rewrite takes seconds, and under the lock every Slack
        request would wait for it, past Slack's 3 seconds. Here the lock is held only for
        moments: to copy a few shards' tables at a time and, at the end, to copy over the
        lines written meanwhile and rename the file (bench/compaction_stall.py).
        """
        since, keys = self._journal.mark(), list(self._shards)
        self._compaction = threading.Thread(
            target=self._finish_compaction, args=(keys, since), name="journal-compaction",
            daemon=True)  # a kill mid-way leaves the journal whole: it is renamed over only when done
        self._compaction.start()

    def _states(self, keys: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each shard's live state, copied under the lock a batch at a time."""
        for start in range(0, len(keys), COMPACTION_BATCH):
            with self._lock:
                batch = [(key, self._shard_copy(key)) for key in keys[start:start + COMPACTION_BATCH]]
            yield from ((key, state) for key, state in batch if any(state.values()))

    def _finish_compaction(self, keys: list[str], since: int) -> None:
        try:
            size = self._journal.write_snapshot(self._states(keys))
            with self._lock:
                retired = self._journal.swap_in(size, since)
            if retired is not None:
                retired.close()
        except Exception:  # a full disk, or a bug: either way the journal stays whole
            log.exception("compacting the journal failed; it stays as it was and grows")
            with self._lock:
                self._journal.postpone_compaction()
        finally:
            with self._lock:
                self._compaction = None

    def wait_for_compaction(self, timeout: float | None = None) -> None:
        """Return once a journal rewrite under way (if any) has finished."""
        compaction = self._compaction
        if compaction is not None:
            compaction.join(timeout)

    def _docs(self, scope: Scope, kind: str, create: bool) -> dict[str, Any] | None:
        """The live documents of a kind in a scope (call under the lock)."""
        key = _shard_key(scope)
        db = self._shards.get(key)
        if db is None:
            if not create:
                return None
            db = self._shards[key] = self._open(key)
        memory = db.storage.state()
        docs = memory.get(kind)
        if docs is None and create:
            docs = memory[kind] = {}
        return docs

    def _changed(self, scope: Scope, kind: str, key: str, doc: Doc | None) -> None:
        # Writes change the shard's memory in place, one document at a time: TinyDB's
        # Table would copy and diff the whole shard on every write, so a give in a busy
        # channel would cost as much as the channel's history (docs/performance.md).
        shard = _shard_key(scope)
        self._revisions[shard] = self._revisions.get(shard, 0) + 1
        self._note_changes(shard, {kind: {key: doc}})

    def _live_docs(self, scope: Scope, kind: str) -> dict[str, Any]:
        # Reads skip TinyDB's Table, which copies the whole shard on every call;
        # callers copy just the documents they return.
        db = self._shards.get(_shard_key(scope))
        return db.storage.state().get(kind, {}) if db is not None else {}

    def revision(self, scope: Scope) -> int:
        """A number that changes whenever anything in ``scope`` is written (this process is
        the only writer: the file is locked), so callers can cache what they derive from it."""
        with self._lock:
            return self._revisions.get(_shard_key(scope), 0)

    def get(self, scope: Scope, kind: str, key: str) -> Doc | None:
        with self._lock:
            doc = self._live_docs(scope, kind).get(key)
            return clone_doc(doc) if doc is not None else None

    def find(
        self, scope: Scope, kind: str, where: Callable[[Doc], bool] | None = None
    ) -> list[Doc]:
        with self._lock:
            docs = [clone_doc(doc) for doc in self._live_docs(scope, kind).values()]
        return [d for d in docs if where is None or where(d)]

    def put(self, scope: Scope, kind: str, key: str, doc: Doc) -> None:
        stored = clone_doc(doc)  # the caller keeps its dict; ours is never mutated, only replaced
        with self._writing():
            docs = self._docs(scope, kind, create=True)
            assert docs is not None
            docs[key] = stored
            self._changed(scope, kind, key, stored)

    def add_once(self, scope: Scope, kind: str, key: str, doc: Doc) -> bool:
        stored = clone_doc(doc)
        with self._writing():
            docs = self._docs(scope, kind, create=True)
            assert docs is not None
            if key in docs:
                return False
            docs[key] = stored
            self._changed(scope, kind, key, stored)
            return True

    def note(self, scope: Scope, kind: str, key: str, doc: Doc) -> bool:
        stored = clone_doc(doc)
        with self._lock:
            docs = self._docs(scope, kind, create=True)
            assert docs is not None
            if key in docs:
                return False
            docs[key] = stored
            # Pending, not journaled: the next write section's line (and sync) carries it, so
            # a command that then writes its channel costs no extra line. No revision bump:
            # caches of the channel's items stay good.
            self._note_changes(_shard_key(scope), {kind: {key: stored}})
            return True

    def update(
        self, scope: Scope, kind: str, key: str, change: Callable[[Doc | None], Doc | None]
    ) -> Doc | None:
        with self._writing():
            return read_modify_write(self, scope, kind, key, change)

    def delete(self, scope: Scope, kind: str, key: str) -> bool:
        with self._writing():
            docs = self._docs(scope, kind, create=False)
            if docs is None or key not in docs:
                return False
            del docs[key]
            if not docs:
                del self._shards[_shard_key(scope)].storage.state()[kind]
            self._changed(scope, kind, key, None)
            return True

    def scopes(self, workspace: str | None = None) -> Iterator[Scope]:
        with self._lock:
            keys = [k for k, db in self._shards.items() if not db.storage.is_empty()]
        for key in keys:
            ws, _, channel = key.partition("/")
            if workspace is None or ws == workspace:
                yield Scope(ws, channel)

    def records(self, scope: Scope) -> list[tuple[str, str, Doc]]:
        with self._lock:
            db = self._shards.get(_shard_key(scope))
            state = db.storage.state() if db is not None else {}
            return [(kind, str(key), clone_doc(doc))
                    for kind, docs in state.items() for key, doc in docs.items()]

    def transaction(self, scope: Scope) -> AbstractContextManager[None]:
        # One lock for everything (a single lock cannot deadlock across scopes); the
        # whole transaction becomes one journal line per shard and one fsync.
        return self._writing()

    def close(self) -> None:
        with self._lock:
            self._closing = True  # no rewrite starts now; one under way is let finish
        self.wait_for_compaction()
        with self._lock:
            if self._pending:  # notes no write has carried yet
                self._journal.sync(self._journal_pending())
            self._journal.close()
            self._process_lock.release()
