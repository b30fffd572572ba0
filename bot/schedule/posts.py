"""Generic one-off posts (meeting debriefs, …) on the same exactly-once machinery."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.messages import Message
from bot.schedule.jobs import JobStore, new_job
from bot.store import Doc, Scope

POST = "post"


def schedule_post(
    jobs: JobStore,
    scope: Scope,
    job_id: str,
    due_at: datetime,
    message: Message,
    now: datetime,
    thread_ts: str | None = None,
) -> bool:
    """Store a job that posts ``message`` in the scope's channel when due; False if the id exists.

    ``message.context`` is stored, so it must be JSON-safe (strings, numbers, lists, dicts).
    """
    job = new_job(job_id, POST, due_at, stored_payload(message), now, thread_ts=thread_ts)
    return jobs.create(scope, job)


def stored_payload(message: Message) -> dict[str, Any]:
    """What a post job stores of ``message``: its template and a JSON copy of its context.

    A value JSON can't hold (a date, a dataclass) is refused here, where the caller can see
    why, not later in the store, where one bad document would break the writes after it.
    """
    try:
        context = json.loads(json.dumps(message.context))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"the context of {message.template!r} isn't JSON-safe: {exc}") from exc
    return {"template": message.template, "context": context}


def render_post(scope: Scope, job: Doc, now: datetime) -> Message:
    """A stored post is posted as stored."""
    return Message(job["payload"]["template"], job["payload"]["context"])
