"""Calendar feeds → debrief prompts: `/partner calendar …`, deal domains, and the poll at each sweep.

Each sweep of the scheduler (every minute in `serve`; called directly with a FakeClock in
tests and the demo) calls :meth:`CalendarService.poll`: the feeds that are due are read
(:mod:`bot.services.calendar_poll`), then every workspace's meetings are planned
(:mod:`bot.services.calendar_plan`). Every occurrence in any connected feed that matches
exactly one deal channel gets one job (the same exactly-once post job as `/partner
meeting`), due a few minutes after the meeting ends. The job's id comes from the
occurrence's identity (UID, and RECURRENCE-ID for an occurrence of a series), so

* a moved meeting keeps its job and the job's due time moves with it;
* a cancelled meeting (or one every connected owner declined) cancels its pending job;
* the same meeting in two people's feeds is one job, posted once.

A meeting matching deals in several channels is not guessed at: its owner gets a DM with
one button per channel.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bot.calendar_fetch import FetchPolicy
from bot.clock import Clock
from bot.domain import commands as cmd
from bot.domain.calendar import ACTIVE
from bot.domain.calendar_match import (
    DealTarget,
    DomainError,
    FeedUrlError,
    check_feed_url,
    deal_named,
    mask_url,
    match_deals,
    parse_domains,
)
from bot.domain.meetings import prompt_is_stale
from bot.domain.timezones import zone
from bot.domain.zoom_times import zoom_end, zoom_times_problem
from bot.messages import Message
from bot.schedule.jobs import JobStore, parse
from bot.services.calendar_feeds import FeedStore, People, calendar_scope, new_feed, occurrences
from bot.services.calendar_jobs import cancel_post, ensure_post
from bot.services.calendar_plan import (
    POST_DELAY,
    SAME_CALL,
    ZOOM_JOB_PREFIX,
    MeetingPlanner,
    choice_id,
    member_targets,
)
from bot.services.calendar_poll import FeedPoller, Fetcher, stored_refusal
from bot.services.deals import Deals
from bot.services.outcome import Outcome, error, refuse
from bot.services.partner_command import Actor
from bot.store import Scope, Store

log = logging.getLogger(__name__)

MAX_UPCOMING = 5


class CalendarService:
    """The calendar feature as the app sees it: commands, the channel choice, the poll."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        deals: Deals,
        jobs: JobStore,
        directory: People,
        fetch: Fetcher,
        *,
        allow_private: bool,
        poll_seconds: int,
        is_uninstalled: Callable[[str], bool] = lambda workspace: False,
    ) -> None:
        self.feeds = FeedStore(store)
        self.clock = clock
        self._deals = deals
        self._jobs = jobs
        self._directory = directory
        self.allow_private = allow_private
        self._is_uninstalled = is_uninstalled
        self.poller = FeedPoller(self.feeds, jobs, directory, fetch, FetchPolicy.for_settings(allow_private),
                                 timedelta(seconds=poll_seconds))
        self.planner = MeetingPlanner(store, self.feeds, deals, jobs, directory)

    @property
    def policy(self) -> FetchPolicy:
        """How feeds are fetched (tests swap in a shorter deadline or a stricter address check)."""
        return self.poller.policy

    @policy.setter
    def policy(self, policy: FetchPolicy) -> None:
        self.poller.policy = policy

    # ------------------------------------------------------------------ commands

    def command(self, actor: Actor, command: cmd.Calendar) -> Outcome:
        """`/partner calendar [connect <url> | disconnect]`, always answered only to the person."""
        workspace, user = actor.scope.workspace, actor.user
        if command.action == "connect":
            return self.connect(workspace, user, command.url)
        if command.action == "disconnect":
            return self.disconnect(workspace, user)
        return self.status(workspace, user, actor.tz())

    def connect(self, workspace: str, user: str, text: str) -> Outcome:
        """Store the address (replacing any earlier one); it is read at the next sweep."""
        try:
            url = check_feed_url(text, allow_private=self.allow_private)
        except FeedUrlError as exc:
            return refuse(exc.refusal, "calendar")
        now = self.clock.now()
        current = self.feeds.get(workspace, user)
        if current is None or current.get("url") != url:  # the same address again (a retry) keeps its state
            self.feeds.put(workspace, user, new_feed(user, url, now))
        log.info("calendar feed connected for %s/%s (%s)", workspace, user, mask_url(url))
        return Outcome(reply=Message("calendar_connected", {"masked": mask_url(url)}))

    def disconnect(self, workspace: str, user: str) -> Outcome:
        """Forget the address; meetings only this feed showed lose their pending prompts."""
        existed = self.feeds.delete(workspace, user)
        if existed:
            # Only the store, no Slack look-ups, before the ack; the next sweep re-plans the rest.
            self.planner.forget_owner(workspace, user, self.clock.now())
        return Outcome(reply=Message("calendar_disconnected", {"existed": existed}))

    def status(self, workspace: str, user: str, tz: str) -> Outcome:
        """Last read, its problem if any, and the next meetings matched to deals."""
        feed = self.feeds.get(workspace, user)
        if feed is None:
            return Outcome(reply=Message("calendar_status", {"feed": None}))
        now = self.clock.now()
        local = zone(tz)
        internal = self.planner.internal_domains(workspace)
        targets = self.planner.deal_targets(workspace)
        member = self._directory.channels_of(workspace, user)
        upcoming = []
        for occ in occurrences(feed):
            if occ.ends_at <= now or occ.state != ACTIVE:
                continue
            channels = member_targets(match_deals(occ.title, occ.attendees, targets, internal), member)
            if channels:
                upcoming.append({"title": occ.title, "starts_at": occ.starts_at.astimezone(local),
                                 "deals": [{"deal": t.deal, "channel": t.channel} for t in channels]})
            if len(upcoming) >= MAX_UPCOMING:
                break
        when = {k: _local(feed.get(k), local) for k in ("last_success_at", "last_attempt_at", "next_poll_at")}
        return Outcome(reply=Message("calendar_status", {
            "feed": {"masked": mask_url(feed["url"]), "error": feed.get("error"),
                     "problem": stored_refusal(feed) if feed.get("error") else None,
                     "failures": int(feed.get("failures") or 0),
                     **when},
            "upcoming": upcoming, "tz": tz,
        }))

    def set_domains(self, actor: Actor, command: cmd.SetDomains) -> Outcome:
        """`/partner deal <name> domain <domains>`."""
        try:
            domains = parse_domains(command.domains)
        except DomainError as exc:
            return refuse(exc.refusal, "deal")
        deal = self._deals.set_domains(actor.scope, command.deal, domains, actor.user)
        if deal is None:
            return error("deal_missing", usage_of="deal", deal=command.deal)
        return Outcome(reply=Message("deal_domains", {"deal": deal.name, "domains": list(deal.domains)}))

    def choose(self, workspace: str, user: str, value: str) -> Outcome:
        """The owner picked the channel of a meeting that matched several deals."""
        digest, _, channel = (value or "").partition("|")
        record = self.feeds.meeting(workspace, digest) if digest else None
        if record is None or channel not in (record.get("choices") or []):
            return error("calendar_choice_closed")
        if user not in (record.get("owners") or []):
            return error("calendar_choice_not_yours")
        chosen = record.get("chosen_channel")
        if chosen and chosen != channel:
            return error("calendar_choice_taken")
        now = self.clock.now()
        ended = parse(record["due_at"]) - POST_DELAY
        if prompt_is_stale(ended, now):
            return error("calendar_choice_too_late")  # the prompt would never be posted
        self.feeds.put_meeting(workspace, digest, {**record, "chosen_channel": channel})
        due = max(parse(record["due_at"]), now)
        deal = (record.get("deals") or {}).get(channel) or record["prompt"]["topic"]
        ensure_post(self._jobs, Scope(workspace, channel), record["job_id"], due,
                    Message("debrief_prompt", {**record["prompt"], "topic": deal,
                                               "ended_at": ended.isoformat()}),
                    now, allow_new=True)
        dm = choice_id(digest, int(record.get("choice_round") or 0))
        cancel_post(self._jobs, calendar_scope(workspace), dm, now)
        return Outcome(reply=Message("calendar_chosen", {"channel": channel, "title": record["title"]}))

    def poll(self, now: datetime | None = None) -> None:
        """Read every feed that is due (a few at a time), then plan every workspace's meetings."""
        at = now or self.clock.now()
        for workspace in list(self.feeds.workspaces()):
            if self._is_uninstalled(workspace):
                continue
            self.poller.read_due(workspace, at)
            try:
                self.plan(workspace, at)
            except Exception:
                log.exception("planning calendar meetings for %s failed", workspace)

    def zoom_meeting_ended(self, workspace: str, uuid: str, topic: str,
                           ended_at: datetime | None, *, started_at: datetime | None = None) -> list[str]:
        """A Zoom meeting ended (bot.zoom_webhook): the channels whose deal its topic names (none
        when it ended more than six hours ago: Zoom retrying an event the bot missed). With
        exactly one, its debrief is planned once (keyed by the meeting's uuid), unless a calendar
        meeting in that channel ending about then already has one."""
        now = self.clock.now()
        problem = zoom_times_problem(ended_at, started_at, now)
        if problem is not None:
            # Zoom says "ended" about a meeting that, by its own times, hasn't: nothing to ask.
            log.info("a Zoom meeting.ended event is ignored: %s", problem)
            return []
        if ended_at is not None and prompt_is_stale(ended_at, now):
            # Zoom retrying an event the bot missed while down: too late to ask, as for calendars.
            log.info("a Zoom meeting that ended at %s is too long ago to ask about", ended_at.isoformat())
            return []
        ended = zoom_end(ended_at, now)
        named: dict[str, DealTarget] = {}
        for target in sorted(self.planner.deal_targets(workspace), key=lambda t: not t.in_play):
            if deal_named(target.deal, topic):
                named.setdefault(target.channel, target)
        if len(named) != 1:
            return list(named)
        [target] = named.values()
        due = ended + POST_DELAY
        for record in self.feeds.meetings(workspace):
            same_time = abs(parse(record["due_at"]) - due) <= SAME_CALL
            if record.get("channel") == target.channel and same_time:
                return [target.channel]  # the calendar has this meeting: one prompt, not two
        job_id = ZOOM_JOB_PREFIX + hashlib.sha256(uuid.encode()).hexdigest()[:24]
        prompt = {"topic": target.deal, "user": None, "meeting": topic[:200], "people": [],
                  "ended_at": ended.isoformat()}
        if started_at is not None and ended - timedelta(days=1) <= started_at <= ended:
            prompt["started_at"] = started_at.isoformat()  # a debrief logged since answers it
        ensure_post(self._jobs, Scope(workspace, target.channel), job_id, due,
                    Message("debrief_prompt", prompt), now, allow_new=True)
        return [target.channel]

    def plan(self, workspace: str, now: datetime) -> None:
        """Bring the workspace's jobs in line with what its feeds say now (idempotent)."""
        self.planner.plan(workspace, now)


def _local(value: str | None, local: Any) -> datetime | None:
    return datetime.fromisoformat(value).astimezone(local) if value else None
