"""Debrief prompts at the moment they are posted: late ones dropped, ones already answered
dropped, the wording fitted to the channel (shared with the partner or not) and to the deal
(lost or in play).

Prompts are planned hours or days ahead (a calendar meeting next week, `/partner meeting … at
3pm`), and a channel can be shared with the partner, or a deal lost, in between: so these are
decided when the job comes due, not when it was planned. Whether the partner reads the channel
is asked of Slack afresh for each prompt (the directory's answer is cached for a minute, and a
channel shared in that minute must not get our internal coaching).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.domain.calendar_match import deal_named
from bot.domain.debrief_rounds import answered_since, reminder_is_late
from bot.domain.ledger import Commitment
from bot.domain.meetings import prompt_is_stale
from bot.domain.stages import Stage
from bot.messages import Message
from bot.schedule.jobs import DONE, JobStore, parse
from bot.schedule.posts import render_post
from bot.services.deals import Deals, deal_key
from bot.store import Doc, Scope

DEBRIEF_PROMPT = "debrief_prompt"
DEBRIEF_REMINDER = "debrief_reminder"  # the one reminder in an unanswered calendar prompt's thread
HOUR = timedelta(hours=1)


class DebriefPrompts:
    """The renderer of post jobs: debrief prompts get their last look, other posts go as stored."""

    def __init__(self, deals: Deals, externally_shared: Callable[[Scope], bool], *,
                 refresh_sharing: Callable[[Scope], None] = lambda scope: None,
                 items: Callable[[Scope], list[Commitment]] = lambda scope: [],
                 jobs: JobStore | None = None,
                 replied: Callable[[Scope, str], bool] = lambda scope, thread_ts: False,
                 forget_reply: Callable[[Scope, str], None] = lambda scope, thread_ts: None) -> None:
        self._deals = deals
        self._replied = replied
        self._forget_reply = forget_reply
        self._externally_shared = externally_shared
        self._refresh_sharing = refresh_sharing
        self._items = items
        self._jobs = jobs

    def render(self, scope: Scope, job: Doc, now: datetime) -> Message | None:
        """The message to post, or None to skip a prompt whose meeting ended too long ago, or
        whose meeting was debriefed while it was still going on."""
        message = render_post(scope, job, now)
        if message.template == DEBRIEF_REMINDER:
            return self._reminder(scope, job, message, now)
        if message.template != DEBRIEF_PROMPT:
            return message
        context = dict(message.context)
        # A prompt put back as it was posted (bot.services.prompt_edits): its words as of then.
        restoring = bool(job.get("update_ts"))
        as_of = datetime.fromisoformat(str(context.pop("as_of"))) if context.get("as_of") else now
        ended = context.get("ended_at")
        if ended:
            ended_at = datetime.fromisoformat(ended)
            if prompt_is_stale(ended_at, now) and not restoring:
                return None  # the bot was down for days: a debrief that late is noise
            # Posted late (the bot was down): say when, instead of "just ended".
            context["hours_ago"] = max(0, int((as_of - ended_at) / HOUR))
        topic = str(context.get("topic") or "")
        started = context.get("started_at")
        if (started and not restoring
                and self._debriefed_since(scope, job, topic, datetime.fromisoformat(started))):
            return None
        deal = next((d for d in self._deals.all(scope) if deal_key(d.name) == deal_key(topic)), None)
        context["lost"] = deal is not None and deal.stage is Stage.LOST
        # Signed (or up for renewal): the debrief is about delivering what was promised.
        context["signed"] = deal is not None and deal.stage in (Stage.SIGNED, Stage.RENEWAL)
        asked_before = context.get("asked_before")
        if asked_before:
            asked_at = datetime.fromisoformat(str(asked_before))
            context["asked_unix"] = int(asked_at.timestamp())
            context["asked_text"] = asked_at.astimezone(UTC).strftime("%a %-d %b, %H:%M UTC")
        self._refresh_sharing(scope)
        context["partner_reads"] = self._externally_shared(scope)
        return Message(DEBRIEF_PROMPT, context)

    def _reminder(self, scope: Scope, job: Doc, message: Message, now: datetime) -> Message | None:
        """The reminder in an unanswered prompt's thread; None once someone answered in the
        thread, or anything was logged on the channel's ledger since the meeting began (the
        form, a typed give), or when it comes due hours late (the bot was down)."""
        context = dict(message.context)
        started = context.get("started_at")
        if not started or reminder_is_late(parse(job["due_at"]), now):
            return None
        if job.get("thread_ts") and self._replied(scope, str(job["thread_ts"])):
            self._forget_reply(scope, str(job["thread_ts"]))  # its one reminder is settled
            return None
        logged = [item.created_at for item in self._items(scope) if item.created_at is not None]
        if answered_since(logged, datetime.fromisoformat(str(started))):
            return None
        context["partner_reads"] = self._externally_shared(scope)
        return Message(DEBRIEF_REMINDER, context)

    def _debriefed_since(self, scope: Scope, job: Doc, topic: str, started_at: datetime) -> bool:
        """Someone logged a debrief of this deal in this channel after the meeting began (they
        left early and said "just got off the call"), and no other planned prompt for the deal
        went out meanwhile (back-to-back meetings: that debrief answered the earlier one)."""
        logged = [i for i in self._items(scope) if i.source == "debrief" and i.deal
                  and _same_deal(i.deal, topic) and i.created_at >= started_at]
        if not logged:
            return False
        if self._jobs is None:
            return True

        def earlier_prompt(doc: Doc) -> bool:
            payload = doc.get("payload") or {}
            return (doc.get("id") != job.get("id") and doc.get("status") == DONE and not doc.get("update_ts")
                    and payload.get("template") == DEBRIEF_PROMPT
                    and _same_deal(str((payload.get("context") or {}).get("topic") or ""), topic)
                    and parse(doc.get("updated_at") or doc["due_at"]) >= started_at)

        return not self._jobs.find(scope, earlier_prompt)


def _same_deal(one: str, other: str) -> bool:
    """The same deal, however it was named: "Acme" (what someone typed) is "Acme Corp"."""
    return deal_key(one) == deal_key(other) or deal_named(one, other) or deal_named(other, one)
