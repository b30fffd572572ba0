"""Planning: what the connected feeds say now, turned into debrief posts (and DMs asking where).

Idempotent: run at every sweep, it creates, moves, cancels or revives jobs only where the
feeds, the deals or the memberships changed. See :mod:`bot.services.calendar` for the rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from bot.domain.calendar import ACTIVE, CANCELLED, Occurrence, key_digest
from bot.domain.calendar_match import PUBLIC_MAIL_DOMAINS, DealTarget, email_domain, match_deals
from bot.domain.debrief_rounds import (
    MAX_ASKS_KEPT,
    REMIND_AFTER,
    already_asked,
    reminder_is_late,
    reminder_job_id,
    round_job_id,
)
from bot.domain.stages import Stage
from bot.messages import Message
from bot.schedule.jobs import CANCELLED as JOB_CANCELLED
from bot.schedule.jobs import DONE, FAILED, FINISHED, SKIPPED, JobStore, iso, new_job, parse
from bot.schedule.posts import POST, stored_payload
from bot.services.calendar_feeds import LOOKBACK, FeedStore, People, calendar_scope, occurrences
from bot.services.calendar_jobs import cancel_post, ensure_post
from bot.services.deals import Deals
from bot.services.debrief_prompts import DEBRIEF_REMINDER
from bot.services.prompt_edits import CHOICE, needs_edit, show, snapshot, wanted_state
from bot.store import Doc, Scope, Store

POST_DELAY = timedelta(minutes=5)  # after the end: people are back at their desks
MEETING_KEPT = timedelta(days=3)
JOBS_KEPT = timedelta(days=60)
MAX_PEOPLE = 8
CHOICES_SHOWN = 5  # channels offered for one meeting; the DM counts the rest
MEMBERSHIP_KEPT = timedelta(minutes=10)
ZOOM_JOB_PREFIX = "zoom:"
SAME_CALL = timedelta(minutes=20)  # a Zoom call and a calendar meeting ending this close are one call


class MeetingPlanner:
    """Matches every meeting of a workspace's feeds to deals and keeps one job per meeting."""

    def __init__(self, store: Store, feeds: FeedStore, deals: Deals, jobs: JobStore,
                 directory: People) -> None:
        self._store = store
        self.feeds = feeds
        self._deals = deals
        self._jobs = jobs
        self._directory = directory
        # Channel memberships, by (workspace, user): planning runs every minute, and Slack's
        # users.conversations is rate-limited, so a membership is trusted for a few minutes.
        self._members: dict[tuple[str, str], tuple[datetime, set[str]]] = {}

    def _channels_of(self, workspace: str, user: str, now: datetime) -> set[str]:
        cached = self._members.get((workspace, user))
        if cached is not None and timedelta(0) <= now - cached[0] < MEMBERSHIP_KEPT:
            return cached[1]
        channels = self._directory.channels_of(workspace, user)
        if channels:  # empty may be a failed look-up: ask again next time
            if len(self._members) > 10_000:
                self._members.clear()
            self._members[(workspace, user)] = (now, channels)
        return channels

    def forget_memberships(self, workspace: str) -> None:
        """Ask Slack afresh who is in which channel (a channel was archived or unarchived)."""
        for key in [k for k in self._members if k[0] == workspace]:
            self._members.pop(key, None)

    def plan(self, workspace: str, now: datetime) -> None:
        """Bring the jobs in line with what the feeds say now (idempotent)."""
        grouped: dict[str, list[tuple[str, Occurrence]]] = {}
        for feed in self.feeds.feeds(workspace):
            connected = parse(feed["connected_at"])
            for occ in occurrences(feed):
                if occ.ends_at >= connected:  # nothing that had ended before the person connected
                    grouped.setdefault(occ.key, []).append((feed["user"], occ))
        internal = self.internal_domains(workspace)
        targets = self.deal_targets(workspace)

        def member_channels(users: list[str]) -> set[str]:
            found: set[str] = set()
            for owner in users:
                found |= self._channels_of(workspace, owner, now)
            return found

        seen = set()
        # One read of every record, not one per meeting: a busy calendar has thousands.
        records = {record["digest"]: record for record in self.feeds.meetings(workspace)}
        for key, entries in grouped.items():
            digest = key_digest(key)
            seen.add(digest)
            self._plan_meeting(workspace, digest, entries, internal, targets, member_channels, now,
                               records.get(digest) or {})
        self._prune_jobs(workspace, now)
        for record in records.values():
            if record["digest"] in seen:
                continue
            # Gone from every feed (deleted, EXDATE'd, moved out of the window, feed disconnected).
            self._unplan(workspace, record, now)
            if parse(record["due_at"]) < now - MEETING_KEPT:
                self.feeds.delete_meeting(workspace, record["digest"])

    def _plan_meeting(self, workspace: str, digest: str, entries: list[tuple[str, Occurrence]],
                      internal: set[str], targets: list[DealTarget],
                      member_channels: Callable[[list[str]], set[str]], now: datetime,
                      record: Doc) -> None:
        entries.sort(key=lambda e: e[0])
        if record.get("choices"):
            # Its owner may be choosing the channel right now: read their choice fresh.
            record = self.feeds.meeting(workspace, digest) or {}
        active = [(u, o) for u, o in entries if o.state == ACTIVE]
        cancelled = any(o.state == CANCELLED for _, o in entries)
        # Two feeds read at different times may disagree (one still has the meeting where it was
        # before the organiser moved it): the newer version (higher SEQUENCE) says when it is.
        occ = max(active or entries, key=lambda entry: entry[1].sequence)[1]
        # Outlook's published feeds leave attendees out; another owner's Google feed may have them.
        attendees = tuple(dict.fromkeys(a for _, o in entries for a in o.attendees))
        occ = replace(occ, attendees=attendees)
        owners = [u for u, _ in active]
        due = occ.ends_at + POST_DELAY
        channels: list[DealTarget] = []
        matches = match_deals(occ.title, occ.attendees, targets, internal) if owners and not cancelled else []
        if matches:  # memberships are asked only about meetings that match a deal
            channels = member_targets(matches, member_channels(owners))
        chosen = record.get("chosen_channel")
        single = None
        if len(channels) == 1:
            single = channels[0]
        elif chosen and any(t.channel == chosen for t in channels):
            single = next(t for t in channels if t.channel == chosen)
        asks = Asks.of(record)
        job_id = asks.job_id(digest)
        asked = asks.note_finished(self._jobs, workspace, job_id)
        shown = self._posted(workspace, record, asks, job_id)
        # Asked about once it had begun (dragged to an earlier slot, or its end corrected after
        # the prompt): settled, no new round, and a round planned for a later slot is cancelled.
        settled = already_asked(asks.times(), occ.starts_at)
        if asked is not None and not settled:
            # The prompt went out before the meeting, as the calendar now has it, began: it was
            # moved after we asked. The meeting that really happens gets a prompt of its own,
            # and the earlier one no reminder.
            cancel_post(self._jobs, Scope(workspace, asks.channel or ""), reminder_job_id(digest, asks.round),
                        now)
            asks.round += 1
            job_id = asks.job_id(digest)
        fresh = occ.ends_at >= now - LOOKBACK  # never start asking about an old meeting
        prompt = record.get("prompt")
        if (single or len(channels) > 1) and (prompt is None or prompt.get("meeting") != occ.title
                                              or (single and prompt.get("topic") != single.deal)
                                              or prompt.get("asked_before") != asks.last()):
            deal = single.deal if single else channels[0].deal
            prompt = self._prompt(workspace, occ, deal, owners, internal)
            if asks.last():
                prompt["asked_before"] = asks.last()
        old_channel = record.get("channel")
        if old_channel and (single is None or old_channel != single.channel):
            cancel_post(self._jobs, Scope(workspace, old_channel), job_id, now)
        if asks.posted_ts and settled and single is not None and single.channel == asks.channel:
            self._plan_reminder(workspace, digest, asks, prompt or {}, now)
        elif asks.channel:
            # Cancelled or gone after its prompt went out: it didn't happen, nothing to remind of.
            cancel_post(self._jobs, Scope(workspace, asks.channel), reminder_job_id(digest, asks.round), now)
        if single is not None and prompt is not None:
            asks.channel = single.channel
            prompt = {**prompt, "topic": single.deal, "ended_at": occ.ends_at.isoformat(),
                      "started_at": occ.starts_at.isoformat()}
            scope = Scope(workspace, single.channel)
            if settled:
                cancel_post(self._jobs, scope, job_id, now)
            else:
                # Zoom and copies are looked for only before the job exists: the scan isn't paid
                # every sweep.
                new = fresh and (self._jobs.get(scope, job_id) is not None
                                 or not self._asked_already(scope, job_id, due, occ.title))
                ensure_post(self._jobs, scope, job_id, due, Message("debrief_prompt", prompt), now,
                            allow_new=new)
        if shown is not None:
            state = wanted_state(shown, asks.round, settled, cancelled=cancelled or not owners)
            # Only where the bot can still post: an archived channel's prompt stays as it was.
            if needs_edit(shown, state, occ.starts_at) and shown["channel"] in member_channels(
                    owners or list(record.get("owners") or [])):
                shown = show(self._jobs, workspace, digest, shown, state, occ.starts_at, now)
        ask_where = single is None and len(channels) > 1 and not settled
        choices = [t.channel for t in channels] if ask_where else []
        choice_round, choice_asked, dm_shown = self._choice_round(workspace, digest, record, occ.starts_at,
                                                                  choices)
        # An earlier DM went out once the meeting had begun (it was moved back to that slot): asked.
        dm_settled = choice_asked is not None and parse(choice_asked) >= occ.starts_at
        if dm_shown is not None:  # the latest DM that went out before a move: kept true
            state = wanted_state(dm_shown, choice_round, dm_settled, cancelled=cancelled or not owners)
            dm_shown = show(self._jobs, workspace, digest, dm_shown, state, occ.starts_at, now)
        if choices and not dm_settled:
            options = [{"channel": t.channel, "deal": t.deal, "value": f"{digest}|{t.channel}"}
                       for t in channels]
            context = {"title": occ.title, "options": options[:CHOICES_SHOWN],
                       "more": max(0, len(options) - CHOICES_SHOWN), "ends_at": occ.ends_at.isoformat()}
            if choice_asked:
                context["asked_before"] = choice_asked
            ensure_post(self._jobs, calendar_scope(workspace), choice_id(digest, choice_round), due,
                        Message("calendar_choice", context), now, allow_new=fresh, target=owners[0])
        else:
            cancel_post(self._jobs, calendar_scope(workspace), choice_id(digest, choice_round), now)
        new_record = {
            "digest": digest, "key": occ.key, "title": occ.title, "due_at": iso(due), "job_id": job_id,
            "channel": single.channel if single else None, "choices": choices, "owners": owners,
            "deals": {t.channel: t.deal for t in channels} if choices else {},
            "chosen_channel": chosen, "prompt": prompt, **asks.to_doc(),
        }
        if shown is not None:
            new_record["shown"] = shown
        if choice_round:  # records of meetings never moved after their DM keep their old shape
            new_record.update(choice_round=choice_round, choice_asked=choice_asked, dm_shown=dm_shown)
        if not record and single is None and not choices and not asks.asked:
            # Matches no deal channel (an internal meeting, most of a busy calendar) and never
            # did: nothing to remember. A record each cost a synced write: a calendar of 5,000
            # meetings spent seconds in fsync on its first read.
            return
        if new_record != record:
            self.feeds.put_meeting(workspace, digest, new_record)

    def _posted(self, workspace: str, record: Doc, asks: Asks, job_id: str) -> Doc | None:
        """The meeting's latest posted prompt (bot.services.prompt_edits), noted once it is out."""
        shown = record.get("shown")
        if asks.posted_ts and asks.channel and (shown is None or shown.get("ts") != asks.posted_ts):
            doc = self._jobs.get(Scope(workspace, asks.channel), job_id) or {}
            context = (doc.get("payload") or {}).get("context") or {}
            shown = snapshot(asks.posted_ts, asks.channel, asks.round, context, asks.posted_at)
        return shown

    def _choice_round(self, workspace: str, digest: str, record: Doc, starts_at: datetime,
                      choices: list[str]) -> tuple[int, str | None, Doc | None]:
        """Which DM asking where the meeting goes is current, and when the one before went out.

        A DM that went out before the meeting, as the calendar now has it, began (the owner
        hadn't answered, and the call was postponed) asked about a meeting that hadn't happened:
        the owner is asked again after its new end, like a prompt moved after it was posted.
        """
        current = int(record.get("choice_round") or 0)
        asked, shown = record.get("choice_asked"), record.get("dm_shown")
        if not choices:
            return current, asked, shown
        scope = calendar_scope(workspace)
        doc = self._jobs.get(scope, choice_id(digest, current))
        if doc is None or doc.get("status") != DONE:
            return current, asked, shown
        went_out = doc.get("updated_at") or doc["due_at"]
        if parse(went_out) >= starts_at:
            return current, asked, shown  # asked once the meeting had begun: that DM still stands
        if doc.get("posted_ts"):
            shown = snapshot(str(doc["posted_ts"]), scope.channel_id, current,
                             (doc.get("payload") or {}).get("context") or {}, None, kind=CHOICE,
                             target=doc.get("target"))
        return current + 1, went_out, shown

    def _plan_reminder(self, workspace: str, digest: str, asks: Asks, prompt: Doc, now: datetime) -> None:
        """The one reminder in the thread of a prompt that went out; it checks at its time
        whether anything was logged since the meeting began (bot.services.debrief_prompts)."""
        due = (asks.posted_at or now) + REMIND_AFTER
        if reminder_is_late(due, now):
            return  # the bot was down, or upgraded, long after the prompt went out
        context = {key: prompt.get(key) for key in ("topic", "meeting", "people", "started_at")}
        message = Message(DEBRIEF_REMINDER, context)
        scope, job_id = Scope(workspace, asks.channel or ""), reminder_job_id(digest, asks.round)
        existing = self._jobs.get(scope, job_id)
        if existing is None:
            self._jobs.create(scope, new_job(job_id, POST, due, stored_payload(message), now,
                                             thread_ts=asks.posted_ts))
        elif existing["status"] == JOB_CANCELLED:
            # Cancelled while the meeting was missing from a read (feeds glitch): back again.
            ensure_post(self._jobs, scope, job_id, due, message, now, allow_new=True)

    def _asked_already(self, scope: Scope, job_id: str, due: datetime, title: str) -> bool:
        """This call already has a prompt in the channel, planned or out. Zoom told us it ended
        (the feed was read after the call: a meeting put in the calendar at the last minute), or
        the same meeting, same title and time, came under another UID (a sync tool's copy, an
        invitation forwarded into a second calendar). One call, one prompt."""
        same_title = " ".join(title.casefold().split())

        def same_call(doc: Doc) -> bool:
            if doc.get("status") == JOB_CANCELLED or doc.get("id") == job_id:
                return False
            job = str(doc.get("id", ""))
            if job.startswith(ZOOM_JOB_PREFIX):
                return abs(parse(doc["due_at"]) - due) <= SAME_CALL
            context = (doc.get("payload") or {}).get("context") or {}
            return (job.startswith("calendar:") and parse(doc["due_at"]) == due
                    and " ".join(str(context.get("meeting") or "").casefold().split()) == same_title)

        return bool(self._jobs.find(scope, same_call))

    def forget_owner(self, workspace: str, user: str, now: datetime) -> None:
        """A feed was disconnected: meetings it alone had lose their pending prompts now."""
        for record in self.feeds.meetings(workspace):
            if record.get("owners") == [user]:
                self._unplan(workspace, record, now)

    def _prune_jobs(self, workspace: str, now: datetime) -> None:
        """Finished DMs of the ``_calendar`` scope (the sweep prunes channels' jobs, not ours)."""
        scope = calendar_scope(workspace)
        cutoff = now - JOBS_KEPT
        for doc in self._jobs.find(scope, lambda d: d.get("status") in FINISHED
                                   and parse(d.get("updated_at") or d["due_at"]) < cutoff):
            self._jobs.delete(scope, doc["id"])

    def _unplan(self, workspace: str, record: Doc, now: datetime) -> None:
        dm_shown = record.get("dm_shown")
        if dm_shown is not None:
            state = wanted_state(dm_shown, int(record.get("choice_round") or 0), False, missing=True)
            changed = show(self._jobs, workspace, record["digest"], dm_shown, state, None, now)
            if changed is not dm_shown:
                record = {**record, "dm_shown": changed}
                self.feeds.put_meeting(workspace, record["digest"], record)
        shown = record.get("shown")
        if shown is not None:
            # Gone after it moved past its prompt: the note must not promise another prompt.
            state = wanted_state(shown, int(record.get("round") or 0), False, missing=True)
            owners = record.get("owners") or []
            reachable = needs_edit(shown, state, None) and any(
                shown["channel"] in self._channels_of(workspace, owner, now) for owner in owners)
            changed = shown
            if reachable:
                changed = show(self._jobs, workspace, record["digest"], shown, state, None, now)
            if changed is not shown:
                record = {**record, "shown": changed}
                self.feeds.put_meeting(workspace, record["digest"], record)
        if record.get("channel"):
            cancel_post(self._jobs, Scope(workspace, record["channel"]), record["job_id"], now)
        asks = Asks.of(record)
        if asks.channel:
            reminder = reminder_job_id(record["digest"], asks.round)
            cancel_post(self._jobs, Scope(workspace, asks.channel), reminder, now)
        cancel_post(self._jobs, calendar_scope(workspace),
                    choice_id(record["digest"], int(record.get("choice_round") or 0)), now)
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
        return {"topic": deal, "user": None, "meeting": occ.title, "people": people,
                "started_at": occ.starts_at.isoformat()}

    def internal_domains(self, workspace: str) -> set[str]:
        """Our own domains: those of every connected owner's Slack and calendar addresses."""
        domains = set()
        for feed in self.feeds.feeds(workspace):
            for address in (self._directory.user_email(workspace, feed["user"]), feed.get("calendar_email")):
                if address:
                    domains.add(email_domain(address))
        return domains - PUBLIC_MAIL_DOMAINS

    def deal_targets(self, workspace: str) -> list[DealTarget]:
        targets = []
        for scope in list(self._store.scopes(workspace)):
            if scope.channel_id.startswith("_"):
                continue
            for deal in self._deals.all(scope):
                targets.append(DealTarget(channel=scope.channel_id, deal=deal.name, domains=deal.domains,
                                          in_play=deal.stage is not Stage.LOST))
        return targets


class Asks:
    """A meeting's prompts so far: which round is current, where its job lives, and when the
    earlier rounds went out (see :mod:`bot.domain.debrief_rounds`)."""

    def __init__(self, round_number: int, channel: str | None, asked: list[str]) -> None:
        self.round = round_number
        self.channel = channel
        self.asked = asked
        self.posted_ts: str | None = None  # the current round's prompt, once posted
        self.posted_at: datetime | None = None

    @classmethod
    def of(cls, record: Doc) -> Asks:
        """As stored in the meeting's record (records from before rounds: round 0, none asked)."""
        return cls(int(record.get("round") or 0), record.get("job_channel") or record.get("channel"),
                   list(record.get("asked") or []))

    def job_id(self, digest: str) -> str:
        """The current round's job id."""
        return round_job_id(f"calendar:{digest}", self.round)

    def note_finished(self, jobs: JobStore, workspace: str, job_id: str) -> datetime | None:
        """When the current round's job went out (posted, skipped or failed for good), noted
        among the asks; None while it is pending or was cancelled."""
        if not self.channel:
            return None
        doc = jobs.get(Scope(workspace, self.channel), job_id)
        if doc is None or doc.get("status") not in (DONE, SKIPPED, FAILED):
            return None
        at = doc.get("updated_at") or doc["due_at"]
        if doc.get("status") == DONE and doc.get("posted_ts"):
            self.posted_ts, self.posted_at = str(doc["posted_ts"]), parse(at)
        if at not in self.asked:
            self.asked = [*self.asked, at][-MAX_ASKS_KEPT:]
        return parse(at)

    def times(self) -> list[datetime]:
        """When each earlier round went out."""
        return [parse(at) for at in self.asked]

    def last(self) -> str | None:
        """When the latest earlier round went out (ISO), if any."""
        return max(self.asked, key=parse) if self.asked else None

    def to_doc(self) -> dict[str, Any]:
        """The fields of the meeting's record."""
        return {"round": self.round, "job_channel": self.channel, "asked": self.asked}


def choice_id(digest: str, round_number: int = 0) -> str:
    """The id of the DM asking a meeting's owner which channel it was for (its
    ``round_number``-th, when the meeting moved after the earlier ones went out)."""
    return round_job_id(f"calendar-choice:{digest}", round_number)


def member_targets(matches: list[DealTarget], member: set[str]) -> list[DealTarget]:
    """One target per channel, only channels an owner belongs to (a channel's data stays with it).

    A channel whose deal for the company is lost gives way to one where a deal is still in play:
    the meeting is the live deal's, and asking the owner to choose would be a needless question.
    """
    found: dict[str, DealTarget] = {}
    for target in matches:
        if target.channel in member and target.channel not in found:
            found[target.channel] = target
    live = [t for t in found.values() if t.in_play]
    return live or list(found.values())
