"""Calendar feeds → debrief prompts: `/partner calendar …`, deal domains, polling and planning.

Each sweep of the scheduler (every minute in `serve`; called directly with a FakeClock in
tests and the demo) asks :meth:`CalendarService.poll` to read the feeds that are due, then
plans: every occurrence in any connected feed that matches exactly one deal channel gets
one job (the same exactly-once post job as `/partner meeting`), due a few minutes after the
meeting ends. The job's id comes from the occurrence's identity (UID, and RECURRENCE-ID for
an occurrence of a series), so

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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.calendar_fetch import FetchError, FetchPolicy, FetchResult
from bot.clock import Clock
from bot.domain import commands as cmd
from bot.domain.calendar import ACTIVE, CANCELLED, FeedFormatError, Occurrence, key_digest, read_feed
from bot.domain.calendar_match import (
    PUBLIC_MAIL_DOMAINS,
    DealTarget,
    DomainError,
    FeedUrlError,
    check_feed_url,
    email_domain,
    mask_url,
    match_deals,
    parse_domains,
)
from bot.domain.timezones import zone
from bot.schedule.jobs import CANCELLED as JOB_CANCELLED
from bot.schedule.jobs import PENDING, JobStore, iso, new_job, parse
from bot.schedule.posts import POST
from bot.services.calendar_feeds import (
    FAILURES_BEFORE_DM,
    FeedStore,
    backoff,
    calendar_scope,
    new_feed,
    occurrences,
)
from bot.services.deals import Deals
from bot.services.outcome import Message, Outcome, error
from bot.services.partner_command import Actor
from bot.store import Doc, Scope, Store

log = logging.getLogger(__name__)

POST_DELAY = timedelta(minutes=5)  # after the end: people are back at their desks
LOOKBACK = timedelta(hours=6)  # a meeting that ended while the bot was down is still asked about
HORIZON = timedelta(days=14)  # how far ahead feeds are expanded and jobs planned
FULL_READ_EVERY = timedelta(hours=12)  # a 304 can't tell us about occurrences that entered the window
MEETING_KEPT = timedelta(days=3)
MAX_PEOPLE = 8
MAX_UPCOMING = 5
FETCH_WORKERS = 4
CANCELLED_BY_CALENDAR = "calendar"

Fetcher = Callable[..., FetchResult]


class People(Protocol):
    """What the feature asks Slack about people (bot.slack.directory.Directory answers)."""

    def user_tz(self, workspace: str, user_id: str) -> str: ...

    def user_email(self, workspace: str, user_id: str) -> str | None: ...

    def user_by_email(self, workspace: str, email: str) -> str | None: ...

    def channels_of(self, workspace: str, user_id: str) -> set[str]: ...


class CalendarService:
    """Everything the calendar feature does, over the store, the directory and the job store."""

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
        self._store = store
        self.clock = clock
        self._deals = deals
        self._jobs = jobs
        self._directory = directory
        self._fetch = fetch
        self.allow_private = allow_private
        self.policy = FetchPolicy.for_settings(allow_private)
        self.poll_interval = timedelta(seconds=poll_seconds)
        self._is_uninstalled = is_uninstalled

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
            return error(str(exc), cmd.USAGE["calendar"])
        now = self.clock.now()
        self.feeds.put(workspace, user, new_feed(user, url, now))
        log.info("calendar feed connected for %s/%s (%s)", workspace, user, mask_url(url))
        return Outcome(reply=Message("calendar_connected", {"masked": mask_url(url)}))

    def disconnect(self, workspace: str, user: str) -> Outcome:
        """Forget the address; meetings only this feed showed lose their pending prompts."""
        existed = self.feeds.delete(workspace, user)
        if existed:
            self.plan(workspace, self.clock.now())
        return Outcome(reply=Message("calendar_disconnected", {"existed": existed}))

    def status(self, workspace: str, user: str, tz: str) -> Outcome:
        """Last read, its problem if any, and the next meetings matched to deals."""
        feed = self.feeds.get(workspace, user)
        if feed is None:
            return Outcome(reply=Message("calendar_status", {"feed": None}))
        now = self.clock.now()
        local = zone(tz)
        internal = self._internal_domains(workspace)
        targets = self._deal_targets(workspace)
        member = self._directory.channels_of(workspace, user)
        upcoming = []
        for occ in occurrences(feed):
            if occ.ends_at <= now or occ.state != ACTIVE:
                continue
            channels = _channels(match_deals(occ.title, occ.attendees, targets, internal), member)
            if channels:
                upcoming.append({"title": occ.title, "starts_at": occ.starts_at.astimezone(local),
                                 "deals": [{"deal": t.deal, "channel": t.channel} for t in channels]})
            if len(upcoming) >= MAX_UPCOMING:
                break
        when = {k: _local(feed.get(k), local) for k in ("last_success_at", "last_attempt_at", "next_poll_at")}
        return Outcome(reply=Message("calendar_status", {
            "feed": {"masked": mask_url(feed["url"]), "error": feed.get("error"),
                     "error_message": feed.get("error_message"), "failures": int(feed.get("failures") or 0),
                     **when},
            "upcoming": upcoming, "tz": tz,
        }))

    def set_domains(self, actor: Actor, command: cmd.SetDomains) -> Outcome:
        """`/partner deal <name> domain <domains>`."""
        try:
            domains = parse_domains(command.domains)
        except DomainError as exc:
            return error(str(exc), cmd.USAGE["deal"])
        deal = self._deals.set_domains(actor.scope, command.deal, domains, actor.user)
        if deal is None:
            return error(f"There's no deal “{command.deal}” in this channel yet. Set its stage first, "
                         f"e.g. `/partner deal {command.deal} prospecting`.", cmd.USAGE["deal"])
        return Outcome(reply=Message("deal_domains", {"deal": deal.name, "domains": list(deal.domains)}))

    def choose(self, workspace: str, user: str, value: str) -> Outcome:
        """The owner picked the channel of a meeting that matched several deals."""
        digest, _, channel = (value or "").partition("|")
        record = self.feeds.meeting(workspace, digest) if digest else None
        if record is None or channel not in (record.get("choices") or []):
            return error("That choice isn't open any more.")
        if user not in (record.get("owners") or []):
            return error("Only someone whose calendar has this meeting can choose.")
        chosen = record.get("chosen_channel")
        if chosen and chosen != channel:
            return error("The debrief channel for this meeting was already chosen.")
        now = self.clock.now()
        self.feeds.put_meeting(workspace, digest, {**record, "chosen_channel": channel})
        due = max(parse(record["due_at"]), now)
        self._ensure_job(Scope(workspace, channel), record["job_id"], due,
                         Message("debrief_prompt", record["prompt"]), now, allow_new=True)
        self._cancel_job(calendar_scope(workspace), _choice_id(digest), now)
        return Outcome(reply=Message("calendar_chosen", {"channel": channel, "title": record["title"]}))

    # ------------------------------------------------------------------ polling

    def poll(self, now: datetime | None = None) -> None:
        """Read every feed that is due (a few at a time), then plan every workspace's meetings."""
        at = now or self.clock.now()
        for workspace in list(self.feeds.workspaces()):
            if self._is_uninstalled(workspace):
                continue
            due = [f for f in self.feeds.feeds(workspace) if parse(f["next_poll_at"]) <= at]
            if due:
                with ThreadPoolExecutor(max_workers=min(FETCH_WORKERS, len(due)),
                                        thread_name_prefix="calendar-fetch") as pool:
                    results = list(pool.map(self._read, [workspace] * len(due), due, [at] * len(due)))
                for feed, changes in zip(due, results, strict=True):
                    self._apply(workspace, feed, changes, at)
            try:
                self.plan(workspace, at)
            except Exception:
                log.exception("planning calendar meetings for %s failed", workspace)

    def _read(self, workspace: str, feed: Doc, now: datetime) -> dict[str, Any]:
        """Fetch and parse one feed; the changes to store (never raises)."""
        user, url = feed["user"], feed["url"]
        parsed_at = feed.get("parsed_at")
        conditional = bool(parsed_at) and now - parse(parsed_at) < FULL_READ_EVERY
        base = {"last_attempt_at": now.isoformat()}
        try:
            result = self._fetch(url, etag=feed.get("etag") if conditional else None,
                                 last_modified=feed.get("last_modified") if conditional else None,
                                 policy=self.policy)
            if result.body is None:
                return {**base, **_success(now, self.poll_interval)}
            email = self._directory.user_email(workspace, user)
            parsed = read_feed(result.body, owner_emails=[email] if email else [],
                               local_tz=self._directory.user_tz(workspace, user),
                               window_start=now - LOOKBACK, window_end=now + HORIZON)
        except (FetchError, FeedFormatError) as exc:
            return {**base, "error": exc.code, "error_message": str(exc)}
        except Exception:  # noqa: BLE001 - one bad feed must not stop the others
            # No address in the message: it is a secret.
            log.exception("reading the calendar feed of %s/%s failed", workspace, user)
            return {**base, "error": "internal", "error_message": "Something went wrong on my side."}
        return {**base, **_success(now, self.poll_interval), "etag": result.etag,
                "last_modified": result.last_modified, "parsed_at": now.isoformat(),
                "calendar_email": parsed.calendar_email,
                "occurrences": [o.to_doc() for o in parsed.occurrences]}

    def _apply(self, workspace: str, feed: Doc, changes: dict[str, Any], now: datetime) -> None:
        user = feed["user"]
        if "error" in changes and changes["error"] is not None:
            failures = int(feed.get("failures") or 0) + 1
            changes = {**changes, "failures": failures,
                       "next_poll_at": (now + backoff(self.poll_interval, failures)).isoformat()}
            log.warning("calendar feed of %s/%s (%s) failed: %s (%d in a row)", workspace, user,
                        mask_url(feed["url"]), changes["error"], failures)
        stored = self.feeds.update_if_same_url(workspace, user, feed["url"], changes)
        if stored is None or stored.get("url") != feed["url"] or not stored.get("error"):
            return
        keeps_failing = int(stored.get("failures") or 0) >= FAILURES_BEFORE_DM
        if stored.get("alerted") or not (keeps_failing or stored.get("last_success_at") is None):
            return
        # One DM per failing spell: the id names the connection and the last success.
        spell_of = f"{stored['connected_at']}|{stored.get('last_success_at')}"
        spell = hashlib.sha256(spell_of.encode()).hexdigest()
        message = Message("calendar_failing", {"masked": mask_url(stored["url"]),
                                               "message": stored.get("error_message") or "",
                                               "failures": int(stored.get("failures") or 0)})
        self._create_job(calendar_scope(workspace), f"calendar-failing:{user}:{spell[:16]}", now, message,
                         now, target=user)
        self.feeds.update_if_same_url(workspace, user, feed["url"], {"alerted": True})

    # ------------------------------------------------------------------ planning

    def plan(self, workspace: str, now: datetime) -> None:
        """Bring the jobs in line with what the feeds say now (idempotent)."""
        grouped: dict[str, list[tuple[str, Occurrence]]] = {}
        for feed in self.feeds.feeds(workspace):
            connected = parse(feed["connected_at"])
            for occ in occurrences(feed):
                if occ.ends_at >= connected:  # nothing that had ended before the person connected
                    grouped.setdefault(occ.key, []).append((feed["user"], occ))
        internal = self._internal_domains(workspace)
        targets = self._deal_targets(workspace)
        memberships: dict[str, set[str]] = {}

        def member_channels(users: list[str]) -> set[str]:
            found: set[str] = set()
            for owner in users:
                if owner not in memberships:
                    memberships[owner] = self._directory.channels_of(workspace, owner)
                found |= memberships[owner]
            return found

        seen = set()
        for key, entries in grouped.items():
            digest = key_digest(key)
            seen.add(digest)
            self._plan_meeting(workspace, digest, entries, internal, targets, member_channels, now)
        for record in self.feeds.meetings(workspace):
            if record["digest"] in seen:
                continue
            # Gone from every feed (deleted, EXDATE'd, moved out of the window, feed disconnected).
            self._unplan(workspace, record, now)
            if parse(record["due_at"]) < now - MEETING_KEPT:
                self.feeds.delete_meeting(workspace, record["digest"])

    def _plan_meeting(self, workspace: str, digest: str, entries: list[tuple[str, Occurrence]],
                      internal: set[str], targets: list[DealTarget],
                      member_channels: Callable[[list[str]], set[str]], now: datetime) -> None:
        entries.sort(key=lambda e: e[0])
        active = [(u, o) for u, o in entries if o.state == ACTIVE]
        cancelled = any(o.state == CANCELLED for _, o in entries)
        occ = (active or entries)[0][1]
        # Outlook's published feeds leave attendees out; another owner's Google feed may have them.
        attendees = tuple(dict.fromkeys(a for _, o in entries for a in o.attendees))
        occ = replace(occ, attendees=attendees)
        owners = [u for u, _ in active]
        record = self.feeds.meeting(workspace, digest) or {}
        due = occ.ends_at + POST_DELAY
        channels: list[DealTarget] = []
        if owners and not cancelled:
            channels = _channels(match_deals(occ.title, occ.attendees, targets, internal),
                                 member_channels(owners))
        chosen = record.get("chosen_channel")
        single = None
        if len(channels) == 1:
            single = channels[0]
        elif chosen and any(t.channel == chosen for t in channels):
            single = next(t for t in channels if t.channel == chosen)
        job_id = f"calendar:{digest}"
        fresh = occ.ends_at >= now - LOOKBACK  # never start asking about an old meeting
        prompt = record.get("prompt")
        if (single or len(channels) > 1) and (prompt is None or prompt.get("meeting") != occ.title
                                              or (single and prompt.get("topic") != single.deal)):
            deal = single.deal if single else channels[0].deal
            prompt = self._prompt(workspace, occ, deal, owners, internal)
        old_channel = record.get("channel")
        if old_channel and (single is None or old_channel != single.channel):
            self._cancel_job(Scope(workspace, old_channel), job_id, now)
        if single is not None and prompt is not None:
            prompt = {**prompt, "topic": single.deal}
            self._ensure_job(Scope(workspace, single.channel), job_id, due, Message("debrief_prompt", prompt),
                             now, allow_new=fresh)
        choices = [t.channel for t in channels] if single is None and len(channels) > 1 else []
        if choices:
            options = [{"channel": t.channel, "deal": t.deal, "value": f"{digest}|{t.channel}"}
                       for t in channels]
            message = Message("calendar_choice", {"title": occ.title, "options": options[:5],
                                                  "ends_at": occ.ends_at.isoformat()})
            self._ensure_job(calendar_scope(workspace), _choice_id(digest), due, message, now,
                             allow_new=fresh, target=owners[0])
        else:
            self._cancel_job(calendar_scope(workspace), _choice_id(digest), now)
        new_record = {
            "digest": digest, "key": occ.key, "title": occ.title, "due_at": iso(due), "job_id": job_id,
            "channel": single.channel if single else None, "choices": choices, "owners": owners,
            "chosen_channel": chosen, "prompt": prompt,
        }
        if new_record != record:
            self.feeds.put_meeting(workspace, digest, new_record)

    def _unplan(self, workspace: str, record: Doc, now: datetime) -> None:
        if record.get("channel"):
            self._cancel_job(Scope(workspace, record["channel"]), record["job_id"], now)
        self._cancel_job(calendar_scope(workspace), _choice_id(record["digest"]), now)
        if record.get("channel") or record.get("choices"):
            self.feeds.put_meeting(workspace, record["digest"], {**record, "channel": None, "choices": []})

    def _prompt(self, workspace: str, occ: Occurrence, deal: str, owners: list[str],
                internal: set[str]) -> dict[str, Any]:
        """The debrief prompt's context: the deal, the meeting, and our people who were in it."""
        people = list(owners)
        for address in occ.attendees:
            if len(people) >= MAX_PEOPLE:
                break
            if email_domain(address) in internal:
                found = self._directory.user_by_email(workspace, address)
                if found and found not in people:
                    people.append(found)
        return {"topic": deal, "user": None, "meeting": occ.title, "people": people}

    # ------------------------------------------------------------------ jobs

    def _create_job(self, scope: Scope, job_id: str, due: datetime, message: Message, now: datetime,
                    target: str | None = None) -> bool:
        payload = {"template": message.template, "context": message.context}
        return self._jobs.create(scope, new_job(job_id, POST, due, payload, now, target=target))

    def _ensure_job(self, scope: Scope, job_id: str, due: datetime, message: Message, now: datetime, *,
                    allow_new: bool, target: str | None = None) -> None:
        """A pending job with this due time and message; a posted one is never touched again."""
        current = self._jobs.get(scope, job_id)
        if current is None:
            if allow_new:
                self._create_job(scope, job_id, due, message, now, target=target)
            return
        payload = {"template": message.template, "context": message.context}

        def replan(doc: Doc) -> Doc | None:
            revivable = doc["status"] == JOB_CANCELLED and doc.get("error") == CANCELLED_BY_CALENDAR
            if doc["status"] != PENDING and not revivable:
                return None  # posting, posted or failed: exactly once means leave it
            if revivable and not allow_new:
                return None
            changed = {**doc, "status": PENDING, "error": None, "due_at": iso(due), "payload": payload,
                       "target": target}
            if changed["due_at"] != doc["due_at"]:
                changed["retry_at"] = None
            return changed

        self._jobs.change(scope, job_id, replan, now)

    def _cancel_job(self, scope: Scope, job_id: str, now: datetime) -> None:
        if self._jobs.get(scope, job_id) is None:
            return

        def cancel(doc: Doc) -> Doc | None:
            if doc["status"] != PENDING:
                return None  # already posting or posted: exactly once, never half-undone
            return {**doc, "status": JOB_CANCELLED, "error": CANCELLED_BY_CALENDAR}

        self._jobs.change(scope, job_id, cancel, now)

    # ------------------------------------------------------------------ context

    def _internal_domains(self, workspace: str) -> set[str]:
        """Our own domains: those of every connected owner's Slack and calendar addresses."""
        domains = set()
        for feed in self.feeds.feeds(workspace):
            for address in (self._directory.user_email(workspace, feed["user"]), feed.get("calendar_email")):
                if address:
                    domains.add(email_domain(address))
        return domains - PUBLIC_MAIL_DOMAINS

    def _deal_targets(self, workspace: str) -> list[DealTarget]:
        targets = []
        for scope in list(self._store.scopes(workspace)):
            if scope.channel_id.startswith("_"):
                continue
            for deal in self._deals.all(scope):
                targets.append(DealTarget(channel=scope.channel_id, deal=deal.name, domains=deal.domains))
        return targets


def _choice_id(digest: str) -> str:
    return f"calendar-choice:{digest}"


def _channels(matches: list[DealTarget], member: set[str]) -> list[DealTarget]:
    """One target per channel, only channels an owner belongs to (a channel's data stays with it)."""
    found: dict[str, DealTarget] = {}
    for target in matches:
        if target.channel in member and target.channel not in found:
            found[target.channel] = target
    return list(found.values())


def _success(now: datetime, poll: timedelta) -> dict[str, Any]:
    return {"last_success_at": now.isoformat(), "failures": 0, "error": None, "error_message": None,
            "alerted": False, "next_poll_at": (now + poll).isoformat()}


def _local(value: str | None, local: Any) -> datetime | None:
    return datetime.fromisoformat(value).astimezone(local) if value else None

