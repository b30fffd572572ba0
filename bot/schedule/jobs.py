"""Scheduled posts as records in the store: the single source of truth for what is due.

A job is a document of kind ``job`` in the channel's scope, keyed by a stable id
(``checkin:<deal>:<days>``, ``digest:<iso week>``, ``reminder:<n>:<due date>:<state>``,
or any id a caller of ``schedule_post`` chooses). Its life:

    pending ──(intent recorded)──▶ sending ──(posted, ts recorded)──▶ done
       ▲  │                          │
       │  └▶ cancelled / skipped     ├─(429, 5xx, timeout)─▶ pending, retry_at later
       └──────── snooze (arm + 1)    └─(channel gone, …)───▶ failed

Jobs sent together in one message (a person's reminders due at the same moment) each
carry that message's mark in ``batch`` while being sent (see the dispatcher).

APScheduler never holds the truth: it only gets an alarm per pending job, rebuilt
from these records on start-up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from bot.store import Doc, Scope, Store

JOB = "job"

PENDING = "pending"
SENDING = "sending"
DONE = "done"
CANCELLED = "cancelled"
SKIPPED = "skipped"  # came due but had nothing to say (a quiet week, a closed item)
FAILED = "failed"  # Slack refused for good (channel gone, bot removed, …)

ACTIVE = (PENDING, SENDING)
FINISHED = (DONE, CANCELLED, SKIPPED, FAILED)

Listener = Callable[[Scope, Doc], None]


def iso(when: datetime) -> str:
    """UTC ISO-8601, the only way instants are stored."""
    if when.tzinfo is None:
        raise ValueError("scheduled times must be time-zone aware")
    return when.astimezone(UTC).isoformat()


def parse(value: str) -> datetime:
    """Inverse of :func:`iso`."""
    return datetime.fromisoformat(value)


def new_job(
    job_id: str,
    type_: str,
    due_at: datetime,
    payload: dict[str, Any],
    now: datetime,
    *,
    target: str | None = None,
    thread_ts: str | None = None,
) -> Doc:
    """A fresh pending job. ``target`` defaults to the scope's channel (a user id means a DM)."""
    return {
        "id": job_id,
        "type": type_,
        "due_at": iso(due_at),
        "status": PENDING,
        "payload": payload,
        "target": target,
        "thread_ts": thread_ts,
        "attempts": 0,
        "arm": 0,
        "intent_at": None,
        "retry_at": None,
        "uncertain": False,
        "posted_ts": None,
        "posted_channel": None,
        "error": None,
        "created_at": iso(now),
        "updated_at": iso(now),
    }


def ready_at(doc: Doc) -> datetime:
    """When the job may next be attempted: its due time, or later after a failed attempt."""
    due = parse(doc["due_at"])
    retry = doc.get("retry_at")
    return max(due, parse(retry)) if retry else due


def is_ready(doc: Doc, now: datetime) -> bool:
    """Active and due (a job left in ``sending`` needs recovering as soon as possible)."""
    if doc.get("status") == SENDING:
        retry = doc.get("retry_at")
        return retry is None or parse(retry) <= now
    return doc.get("status") == PENDING and ready_at(doc) <= now


class JobStore:
    """Jobs over the :class:`~bot.store.Store`, telling listeners (the alarm clock) of changes."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(scope, doc)`` after every change to a job."""
        with self._lock:
            self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def _notify(self, scope: Scope, doc: Doc | None) -> None:
        if doc is None:
            return
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(scope, doc)

    def get(self, scope: Scope, job_id: str) -> Doc | None:
        return self.store.get(scope, JOB, job_id)

    def find(self, scope: Scope, where: Callable[[Doc], bool] | None = None) -> list[Doc]:
        return self.store.find(scope, JOB, where)

    def create(self, scope: Scope, doc: Doc) -> bool:
        """Add a job unless one with that id exists (in any state); True when added."""
        added = self.store.add_once(scope, JOB, doc["id"], doc)
        if added:
            self._notify(scope, doc)
        return added

    def change(self, scope: Scope, job_id: str, change: Callable[[Doc], Doc | None],
               now: datetime) -> Doc | None:
        """Atomically change an existing job; ``change`` returning None leaves it as is."""
        changed: list[Doc] = []

        def apply(current: Doc | None) -> Doc | None:
            if current is None:
                return None
            new = change(dict(current))
            if new is None or new == current:
                return current
            new["updated_at"] = iso(now)
            changed.append(new)
            return new

        stored = self.store.update(scope, JOB, job_id, apply)
        if changed:
            self._notify(scope, stored)
        return stored

    def delete(self, scope: Scope, job_id: str) -> bool:
        return self.store.delete(scope, JOB, job_id)

    def active(self, scope: Scope) -> list[Doc]:
        return self.find(scope, lambda d: d.get("status") in ACTIVE)

    def all_active(self) -> Iterator[tuple[Scope, Doc]]:
        """Every pending or sending job of every scope."""
        for scope in list(self.store.scopes()):
            for doc in self.active(scope):
                yield scope, doc
