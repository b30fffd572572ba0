"""One process per database file.

The TinyDB store keeps the data in memory and APScheduler keeps its jobs in
memory; a second process on the same file would work from a stale copy and
post every scheduled item twice. An OS-level lock (released by the kernel even
after kill -9) makes the second `serve` stop at once instead.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class DatabaseLocked(RuntimeError):
    """Another process holds the database."""


class ProcessLock:
    """An exclusive, non-blocking ``flock`` on ``<path>.lock``."""

    def __init__(self, path: Path) -> None:
        self.path = Path(str(path) + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise :class:`DatabaseLocked`."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DatabaseLocked(
                f"PARTNER_COACH_DB {self.path.with_suffix('')} is in use by another partner-coach "
                "process; run one process per database (see docs/operations.md)."
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        """Let go of the lock."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
