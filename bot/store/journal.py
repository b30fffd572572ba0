"""An append-only, fsync'd journal of shard snapshots: the durable half of the TinyDB store.

Why not TinyDB's JSONStorage: it truncates and rewrites the whole file on every
write, so a kill in the middle leaves a broken file, and each write costs as
much as the whole database. Here each write appends one line holding the new
state of one small shard (one channel) and fsyncs it before returning. A kill
can only tear the last line, which was never acknowledged and is skipped on
load. The file is compacted (rewritten to a temp file, fsync'd, atomically
renamed) when it has grown to several times its live size, so the amortised
cost of a write stays proportional to the shard, not the database.

A running bot compacts in two steps so that writes never wait for the rewrite
(at 100,000 commitments it takes seconds): :meth:`Journal.write_snapshot` writes
the live data to the temp file while writers carry on, then
:meth:`Journal.swap_in` appends the lines written meanwhile and renames the
file into place, which is short (docs/performance.md).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

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
        """Rewrite the journal with one line per live shard, atomically (and durably), at once:
        the caller holds off every writer meanwhile (as at load)."""
        size = self.write_snapshot(shards.items())
        retired = self.swap_in(size, since=self.mark())
        if retired is not None:
            retired.close()

    def mark(self) -> int:
        """Where the lines written from now on start (take it under the store's lock, before
        the states handed to :meth:`write_snapshot`, and give it to :meth:`swap_in`).

        A state taken later than the mark may already hold changes whose lines come after
        it; replaying those lines over it again ends in the same documents, since each line
        holds whole documents (or their deletion)."""
        return self._file_bytes

    def write_snapshot(self, shards: Iterable[tuple[str, dict[str, Any]]]) -> int:
        """Write each shard's state (one line each) to the temp file beside the journal and
        make it durable; its size in bytes. Writers may go on appending to the journal
        meanwhile: each state need only be taken after the mark given to :meth:`swap_in`."""
        size = 0
        with open(self._temp_path(), "wb") as fh:
            for key, state in shards:
                data = _line({"s": key, "d": state})
                fh.write(data)
                size += len(data)
            fh.flush()
            os.fsync(fh.fileno())
        return size

    def swap_in(self, size: int, since: int) -> BinaryIO | None:
        """Put the snapshot written by :meth:`write_snapshot` (``size`` bytes) in the journal's
        place, with every line appended since the mark ``since`` copied after it, so nothing
        written meanwhile is lost. Call it under the store's lock (no append may run).

        Returns the old file's handle for the caller to close once the lock is let go:
        closing it frees the old file's blocks, which took 16-80 ms at 100,000 commitments.
        """
        temp = self._temp_path()
        with self._sync_lock:
            tail = b""
            if self._file is not None:
                with open(self.path, "rb") as old:  # every append was flushed
                    old.seek(since)
                    tail = old.read()
            if tail:
                with open(temp, "ab") as fh:
                    fh.write(tail)
                    fh.flush()
                    os.fsync(fh.fileno())
            os.replace(temp, self.path)  # until here a failure leaves the journal as it was
            _fsync_dir(self.path.parent)
            retired, self._file = self._file, open(self.path, "ab")  # the old one is unlinked
            self._compacted_bytes = size
            self._file_bytes = size + len(tail)
            self._synced = self._written  # every line so far is in the fsync'd file
        return retired

    def postpone_compaction(self) -> None:
        """After a failed compaction: don't try again until the file has grown as much again."""
        self._compacted_bytes = max(self._compacted_bytes, self._file_bytes)

    def _temp_path(self) -> Path:
        return self.path.with_name(self.path.name + ".tmp")

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
