"""Debrief prompts at the moment they are posted: late ones dropped, the wording fitted to the
channel (shared with the partner or not) and to the deal (lost or in play).

Prompts are planned hours or days ahead (a calendar meeting next week, `/partner meeting … at
3pm`), and a channel can be shared with the partner, or a deal lost, in between: so these are
decided when the job comes due, not when it was planned.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from bot.domain.meetings import prompt_is_stale
from bot.domain.stages import Stage
from bot.messages import Message
from bot.schedule.posts import render_post
from bot.services.deals import Deals, deal_key
from bot.store import Doc, Scope

DEBRIEF_PROMPT = "debrief_prompt"
HOUR = timedelta(hours=1)


class DebriefPrompts:
    """The renderer of post jobs: debrief prompts get their last look, other posts go as stored."""

    def __init__(self, deals: Deals, externally_shared: Callable[[Scope], bool]) -> None:
        self._deals = deals
        self._externally_shared = externally_shared

    def render(self, scope: Scope, job: Doc, now: datetime) -> Message | None:
        """The message to post, or None to skip a prompt whose meeting ended too long ago."""
        message = render_post(scope, job, now)
        if message.template != DEBRIEF_PROMPT:
            return message
        context = dict(message.context)
        ended = context.get("ended_at")
        if ended:
            ended_at = datetime.fromisoformat(ended)
            if prompt_is_stale(ended_at, now):
                return None  # the bot was down for days: a debrief that late is noise
            # Posted late (the bot was down): say when, instead of "just ended".
            context["hours_ago"] = int((now - ended_at) / HOUR)
        topic = str(context.get("topic") or "")
        deal = next((d for d in self._deals.all(scope) if deal_key(d.name) == deal_key(topic)), None)
        context["lost"] = deal is not None and deal.stage is Stage.LOST
        context["partner_reads"] = self._externally_shared(scope)
        return Message(DEBRIEF_PROMPT, context)
