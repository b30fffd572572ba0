"""`/partner meeting`: schedule the debrief prompt for when a meeting ends."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from bot.domain import commands as cmd
from bot.domain.meetings import MeetingError, parse_meeting
from bot.domain.timezones import zone
from bot.services.listening import Listening
from bot.services.outcome import Message, Outcome, refuse
from bot.services.partner_command import Actor, PartnerCommands
from bot.store import Scope

SchedulePost = Callable[[Scope, str, datetime, Message], bool]


class Meetings:
    """Turns `/partner meeting …` into a debrief prompt posted once, when the meeting ends."""

    def __init__(self, partner: PartnerCommands, listening: Listening, schedule_post: SchedulePost) -> None:
        self._partner = partner
        self._listening = listening
        self._schedule_post = schedule_post

    def command(self, actor: Actor, command: cmd.Meeting) -> Outcome:
        """Validate, schedule, and tell the person when the debrief will come."""
        tz = actor.tz()
        try:
            plan = parse_meeting(command.text, self._partner.clock.now(), tz)
        except MeetingError as exc:
            return refuse(exc.refusal, "meeting")
        # The same meeting scheduled twice (a double submit) keeps one debrief.
        digest = hashlib.sha1(f"{plan.topic.casefold()}|{plan.ends_at.isoformat()}".encode()).hexdigest()
        job_id = f"debrief:{digest[:16]}"
        prompt = self._listening.debrief_prompt(plan.topic, actor.user)
        created = self._schedule_post(actor.scope, job_id, plan.ends_at, prompt)
        return Outcome(reply=Message("meeting_scheduled", {
            "topic": plan.topic, "ends_at": plan.ends_at.astimezone(zone(tz)), "tz": tz, "created": created,
        }))
