"""An append-only, fsync'd journal of shard snapshots: the durable half of the TinyDB store.

Why not TinyDB's JSONStorage: it truncates and rewrites the whole file on every
write, so a kill in the middle leaves a broken file, and each write costs as
much as the whole database. Here each write appends one line holding the new
state of one small shard (one channel) and fsyncs it before returning. A kill
can only tear the last line, which was never acknowledged and is skipped on
load. The file is compacted (rewritten to a temp file, fsync'd, atomically
renamed) when it has grown to several times its live size, so the amortised
cost of a write stays proportional to the shard, not the database.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Compact when the file is this many times larger than the live data ...
GROWTH_FACTOR = 4
# ... but never bother below this size.
MIN_COMPACT_BYTES = 4 * 1024 * 1024


class Journal:
    """Line-oriented journal: each line is ``{"s": shard_key, "d": shard_state}``.

    ``append`` and ``compact`` are serialised by the store's lock. ``sync`` is
    called outside it: a group commit, where one fsync makes every line written
    so far durable, so concurrent writers share fsyncs instead of queueing for them.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file: Any = None
        self._file_bytes = 0
        self._compacted_bytes = 0
        self._written = 0  # lines appended so far
        self._synced = 0  # lines known to be on disk
        self._sync_lock = threading.Lock()

    def load(self) -> dict[str, dict[str, Any]]:
        """Replay the journal, compact it, and return the state of every shard."""
        shards = read_shards(self.path)
        self.compact(shards)
        return shards

    def append(self, key: str, changes: dict[str, dict[str, Any]]) -> int:
        """Write one shard's changed documents (None deletes one); returns the line's sequence.

        The line is in the OS's hands but not yet durable: call :meth:`sync` with
        the returned sequence before acknowledging the write to anyone.
        """
        data = _line({"s": key, "u": changes})
        self._file.write(data)
        self._file.flush()
        self._written += 1
        self._file_bytes += len(data)
        return self._written

    def sync(self, sequence: int) -> None:
        """Block until line ``sequence`` is on disk; one fsync covers every line before it."""
        with self._sync_lock:
            if self._synced >= sequence:
                return  # another writer's fsync already covered us
            target = self._written
            _sync_data(self._file.fileno())
            self._synced = target

    def needs_compaction(self) -> bool:
        """True when the file has grown well past its size at the last compaction."""
        return self._file_bytes > max(MIN_COMPACT_BYTES, GROWTH_FACTOR * self._compacted_bytes)

    def compact(self, shards: dict[str, dict[str, Any]]) -> None:
        """Rewrite the journal with one line per live shard, atomically (and durably)."""
        with self._sync_lock:
            self._compact(shards)
            self._synced = self._written

    def _compact(self, shards: dict[str, dict[str, Any]]) -> None:
        if self._file is not None:
            self._file.close()
        tmp = self.path.with_name(self.path.name + ".tmp")
        size = 0
        with open(tmp, "wb") as fh:
            for key, state in shards.items():
                data = _line({"s": key, "d": state})
                fh.write(data)
                size += len(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        _fsync_dir(self.path.parent)
        self._file_bytes = self._compacted_bytes = size
        self._file = open(self.path, "ab")

    def close(self) -> None:
        """Close the file handle."""
        if self._file is not None:
            self._file.close()
            self._file = None


def _line(entry: dict[str, Any]) -> bytes:
    """One journal line. A string UTF-8 can't hold (a lone surrogate) is written as a JSON
    escape rather than failing the write: a failed line stays pending and would fail every
    later write too."""
    line = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    try:
        return (line + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(entry, separators=(",", ":")) + "\n").encode("ascii")


def read_shards(path: Path) -> dict[str, dict[str, Any]]:
    """Every shard's state in a journal file, without changing the file."""
    shards: dict[str, dict[str, Any]] = {}
    if not Path(path).exists():
        return shards
    with open(path, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                key = entry["s"]
                if "d" in entry:
                    shards[key] = {t: dict(docs) for t, docs in entry["d"].items()}
                else:
                    changes = entry["u"]
                    _apply(shards.setdefault(key, {}), changes)
            except (ValueError, KeyError, TypeError, AttributeError):
                # Only an unacknowledged, torn last line can look like this.
                log.warning("journal %s: skipping unreadable line %d", path, number)
                continue
            if not any(shards.get(key, {}).values()):
                shards.pop(key, None)
    return shards


def _apply(state: dict[str, dict[str, Any]], changes: dict[str, dict[str, Any]]) -> None:
    for table, docs in changes.items():
        target = state.setdefault(table, {})
        for doc_id, doc in docs.items():
            if doc is None:
                target.pop(doc_id, None)
            else:
                target[doc_id] = doc
        if not target:
            del state[table]


def _sync_data(fd: int) -> None:
    """Make appended bytes durable. fdatasync flushes the data and the metadata needed to
    read it back (the file's new size) but not its timestamps: the same promise for an
    append-only file, for about a quarter less time on a busy disk (docs/performance.md)."""
    sync = getattr(os, "fdatasync", os.fsync)  # macOS has no fdatasync
    sync(fd)


def _fsync_dir(directory: Path) -> None:
    # The rename is only durable once the directory entry is on disk.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
