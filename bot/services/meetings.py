"""`/partner meeting`: schedule the debrief prompt for when a meeting ends, move it when the
meeting moves, cancel it when the meeting is off."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from bot.domain import commands as cmd
from bot.domain.meetings import MeetingError, cancelled_topic, parse_meeting, topic_key
from bot.domain.timezones import zone
from bot.schedule.jobs import CANCELLED, PENDING, JobStore, parse
from bot.schedule.posts import POST
from bot.services.listening import Listening
from bot.services.outcome import Message, Outcome, error, refuse
from bot.services.partner_command import Actor, PartnerCommands
from bot.store import Doc, Scope

SchedulePost = Callable[[Scope, str, datetime, Message], bool]

# Debriefs someone asked for with `/partner meeting` (calendar ones are `calendar:…`/`zoom:…`
# and follow their calendar instead).
_JOB_PREFIX = "debrief:"
MOVED = "moved"  # the error of a debrief job replaced by the same meeting at a new time
CANCELLED_BY_USER = "cancelled by /partner meeting cancel"
_LIST_LIMIT = 15  # `/partner meeting` lists this many waiting debriefs, soonest first


class Meetings:
    """Turns `/partner meeting …` into a debrief prompt posted once, when the meeting ends."""

    def __init__(self, partner: PartnerCommands, listening: Listening, schedule_post: SchedulePost,
                 jobs: JobStore) -> None:
        self._partner = partner
        self._listening = listening
        self._schedule_post = schedule_post
        self._jobs = jobs

    def command(self, actor: Actor, command: cmd.Meeting) -> Outcome:
        """Validate, schedule (or cancel), and tell the person when the debrief will come."""
        tz = actor.tz()
        now = self._partner.clock.now()
        if not command.text.strip():
            return self.waiting(actor, tz)
        cancel = cancelled_topic(command.text, now, tz)
        if cancel is not None:
            return self.cancel(actor, cancel, now, tz)
        try:
            plan = parse_meeting(command.text, now, tz)
        except MeetingError as exc:
            return refuse(exc.refusal, "meeting")
        # The same meeting scheduled twice (a double submit) keeps one debrief.
        digest = hashlib.sha1(f"{topic_key(plan.topic)}|{plan.ends_at.isoformat()}".encode()).hexdigest()
        job_id = f"{_JOB_PREFIX}{digest[:16]}"
        earlier = [doc for doc in self._waiting(actor.scope, plan.topic) if doc["id"] != job_id]
        prompt = self._listening.debrief_prompt(plan.topic, actor.user)
        prompt = Message(prompt.template, {**prompt.context, "ended_at": plan.ends_at.isoformat()})
        created = self._schedule_post(actor.scope, job_id, plan.ends_at, prompt) or self._revive(
            actor.scope, job_id, now)
        # The same topic asked for at another time is the meeting moving, not a second one:
        # one debrief, at the new time (the reply says so, in case they were two meetings).
        for doc in earlier:
            self._stop(actor.scope, doc["id"], MOVED, now)
        moved_from = min((parse(doc["due_at"]) for doc in earlier), default=None)
        local = zone(tz)
        return Outcome(reply=Message("meeting_scheduled", {
            "topic": plan.topic, "ends_at": plan.ends_at.astimezone(local), "tz": tz, "created": created,
            "moved_from": moved_from.astimezone(local) if moved_from else None,
        }))

    def cancel(self, actor: Actor, topic: str, now: datetime, tz: str) -> Outcome:
        """`/partner meeting cancel <topic>`: no debrief for a meeting that won't happen."""
        if not topic:
            return error("meeting_cancel_needs_topic", usage_of="meeting")
        waiting = self._waiting(actor.scope, topic)
        if not waiting:
            return error("meeting_not_waiting", usage_of="meeting", topic=topic[:120])
        for doc in waiting:
            self._stop(actor.scope, doc["id"], CANCELLED_BY_USER, now)
        local = zone(tz)
        return Outcome(reply=Message("meeting_cancelled", {
            "topic": waiting[0]["payload"]["context"]["topic"],
            "ends_at": [parse(doc["due_at"]).astimezone(local) for doc in waiting],
        }))

    def waiting(self, actor: Actor, tz: str) -> Outcome:
        """`/partner meeting` alone: the debriefs this channel is waiting for, or how to ask for one."""
        docs = self._pending(actor.scope)
        if not docs:
            return error("meeting_needs_topic", usage_of="meeting")
        local = zone(tz)
        return Outcome(reply=Message("meeting_list", {"tz": tz, "meetings": [
            {"topic": str(doc["payload"]["context"].get("topic", "")),
             "ends_at": parse(doc["due_at"]).astimezone(local)} for doc in docs[:_LIST_LIMIT]],
            "more": max(0, len(docs) - _LIST_LIMIT)}))

    def _pending(self, scope: Scope) -> list[Doc]:
        """This channel's `/partner meeting` debriefs that haven't been posted yet, soonest first."""
        docs = self._jobs.find(scope, lambda doc: (
            doc.get("type") == POST and str(doc.get("id", "")).startswith(_JOB_PREFIX)
            and doc.get("status") == PENDING))
        return sorted(docs, key=lambda doc: doc["due_at"])

    def _waiting(self, scope: Scope, topic: str) -> list[Doc]:
        """The pending debriefs (:meth:`_pending`) for ``topic``."""
        key = topic_key(topic)
        return [doc for doc in self._pending(scope)
                if topic_key(str(((doc.get("payload") or {}).get("context") or {}).get("topic", ""))) == key]

    def _stop(self, scope: Scope, job_id: str, reason: str, now: datetime) -> None:
        """Cancel a debrief that is still pending; one already posting or posted stays as is."""
        self._jobs.change(scope, job_id, lambda doc: {**doc, "status": CANCELLED, "error": reason}
                          if doc["status"] == PENDING else None, now)

    def _revive(self, scope: Scope, job_id: str, now: datetime) -> bool:
        """Asked for again after it was cancelled or moved away: pending again. True if revived."""
        doc = self._jobs.get(scope, job_id)
        if doc is None or doc["status"] != CANCELLED:
            return False  # still waiting, or already posted: exactly once
        self._jobs.change(scope, job_id, lambda doc: {**doc, "status": PENDING, "error": None}
                          if doc["status"] == CANCELLED else None, now)
        return True
