"""The calendar feature's posts on the exactly-once job machinery: create, move, cancel, revive.

A posted (or posting) job is never touched again: moving or cancelling a meeting only ever
changes a job that is still pending, so nothing is posted twice or half-undone.
"""

from __future__ import annotations

from datetime import datetime

from bot.messages import Message
from bot.schedule.jobs import CANCELLED, PENDING, JobStore, iso, new_job
from bot.schedule.posts import POST, stored_payload
from bot.store import Doc, Scope

CANCELLED_BY_CALENDAR = "calendar"  # the error of a job the calendar cancelled (and may revive)


def create_post(jobs: JobStore, scope: Scope, job_id: str, due: datetime, message: Message, now: datetime,
                target: str | None = None) -> bool:
    """A new pending post; False when the id exists."""
    return jobs.create(scope, new_job(job_id, POST, due, stored_payload(message), now, target=target))


def ensure_post(jobs: JobStore, scope: Scope, job_id: str, due: datetime, message: Message, now: datetime, *,
                allow_new: bool, target: str | None = None) -> None:
    """A pending post with this due time and message: created (when ``allow_new``), moved, or
    revived after the calendar cancelled it; a posted one is never touched again."""
    if jobs.get(scope, job_id) is None:
        if allow_new:
            create_post(jobs, scope, job_id, due, message, now, target=target)
        return
    payload = stored_payload(message)

    def replan(doc: Doc) -> Doc | None:
        revivable = doc["status"] == CANCELLED and doc.get("error") == CANCELLED_BY_CALENDAR
        if doc["status"] != PENDING and not revivable:
            return None  # posting, posted or failed: exactly once means leave it
        if revivable and not allow_new:
            return None
        changed = {**doc, "status": PENDING, "error": None, "due_at": iso(due), "payload": payload,
                   "target": target}
        if changed["due_at"] != doc["due_at"]:
            changed["retry_at"] = None
        return changed

    jobs.change(scope, job_id, replan, now)


def cancel_post(jobs: JobStore, scope: Scope, job_id: str, now: datetime) -> None:
    """Cancel a pending post (a meeting cancelled, moved elsewhere, or gone)."""
    if jobs.get(scope, job_id) is None:
        return

    def cancel(doc: Doc) -> Doc | None:
        if doc["status"] != PENDING:
            return None  # already posting or posted: exactly once, never half-undone
        return {**doc, "status": CANCELLED, "error": CANCELLED_BY_CALENDAR}

    jobs.change(scope, job_id, cancel, now)
