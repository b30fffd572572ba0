"""Generic one-off posts (meeting debriefs, …) on the same exactly-once machinery."""

from __future__ import annotations

import json
from datetime import datetime

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
    try:
        context = json.loads(json.dumps(message.context))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"schedule_post: the context of {message.template!r} isn't JSON-safe: {exc}") from exc
    payload = {"template": message.template, "context": context}
    return jobs.create(scope, new_job(job_id, POST, due_at, payload, now, thread_ts=thread_ts))


def render_post(scope: Scope, job: Doc, now: datetime) -> Message:
    """A stored post is posted as stored."""
    return Message(job["payload"]["template"], job["payload"]["context"])
