"""Telling someone, once, that a channel's scheduled posts can't reach it any more.

When the bot is removed from a channel (or the channel is archived or deleted), a check-in,
digest or debrief prompt due there fails for good (``not_in_channel``, ``is_archived``,
``channel_not_found``), and so will every later one: the team stops getting them without
anyone knowing why. The person the post was for learns it by DM, once per removal:

* a debrief prompt: whoever asked for the debrief (``/partner meeting``);
* a check-in: whoever marked the deal signed;
* anything else (a digest, a calendar meeting's prompt): whoever logged the channel's
  latest commitment.

Never someone of the other side (a Slack Connect partner, a guest account): an automatic
log of a partner's own promise names them its author, so the next person is taken.

Nobody else is told (a channel's business stays with the people who worked in it); with
nobody to tell, the failure is only logged, as before. The DM goes out on the same
exactly-once job machinery as any post. The notice is remembered in the channel, so the
posts that fail after it send nothing more; when the bot is invited back (its own
``member_joined_channel``), it is forgotten, so a later removal is told again.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator
from datetime import datetime

from bot.domain.ledger import Commitment
from bot.messages import Message
from bot.schedule.jobs import JobStore, iso
from bot.schedule.posts import POST
from bot.services.calendar_jobs import create_post
from bot.services.checkins import CHECKIN, SIGNATURE
from bot.store import Doc, Scope, Store

log = logging.getLogger(__name__)

#: Slack's final answers that mean the channel itself is out of reach.
GONE = frozenset({"not_in_channel", "is_archived", "channel_not_found"})
NOTICE = "removal-notice"  # kind of the channel's one record: who was told, when
_KEY = "notice"
TEMPLATE = "bot_removed"
DEBRIEF_PROMPT = "debrief_prompt"
#: People looked at (each a users.info, cached a day) before giving up on telling anyone.
CANDIDATES = 10


class RemovalNotices:
    """Decides who hears that a channel is out of reach, and sends them one DM."""

    def __init__(self, store: Store, jobs: JobStore, items: Callable[[Scope], list[Commitment]],
                 now: Callable[[], datetime],
                 is_partner: Callable[[str, str, str], bool] = lambda workspace, channel, user: False,
                 ) -> None:
        self._store = store
        self._jobs = jobs
        self._items = items
        self._now = now
        # (workspace, channel, user): someone of the other side (Slack Connect, a guest), who
        # is never the one told (an automatic log of their own promise names them its author).
        self._is_partner = is_partner

    def on_failed(self, scope: Scope, job: Doc, error: str) -> bool:
        """A job failed for good with Slack's ``error``: DM the person it was for, the first
        time the channel is out of reach. True when a DM was planned."""
        if error not in GONE or _is_person(job.get("target")):
            return False  # a DM that failed is about that person, not the channel
        person = self.recipient(scope, job)
        if person is None:
            log.warning("nobody to tell that %s/%s is out of reach (%s)", scope.workspace,
                        scope.channel_id, error)
            return False
        now = self._now()
        notice = {"to": person, "error": error, "job": str(job.get("id", ""))[:200], "at": iso(now)}
        with self._store.transaction(scope):
            if not self._store.add_once(scope, NOTICE, _KEY, notice):
                return False  # told already since the bot was last invited
            create_post(self._jobs, scope, f"removal-notice:{iso(now)}", now,
                        Message(TEMPLATE, {"channel": scope.channel_id, "error": error, **_what(job)}),
                        now, target=person)
        log.info("telling %s that %s/%s is out of reach (%s)", person, scope.workspace,
                 scope.channel_id, error)
        return True

    def recipient(self, scope: Scope, job: Doc) -> str | None:
        """The person the failed post was for (see the module), or None."""
        for person in self._candidates(scope, job):
            if not self._is_partner(scope.workspace, scope.channel_id, person):
                return person
        return None

    def _candidates(self, scope: Scope, job: Doc) -> Iterator[str]:
        """Who the post was for, then who logged the channel's commitments, latest first
        (the first :data:`CANDIDATES` people)."""
        named: str | None = None
        payload = _payload(job)
        debrief = _debrief_context(job)
        if debrief is not None and _is_person(debrief.get("user")):
            named = str(debrief["user"])
        if job.get("type") == CHECKIN and isinstance(payload.get("deal_key"), str):
            signature = self._store.get(scope, SIGNATURE, payload["deal_key"]) or {}
            if _is_person(signature.get("signed_by")):
                named = str(signature["signed_by"])
        loggers = (item.created_by for item in sorted(self._items(scope), key=lambda i: -i.number))
        seen: set[str] = set()
        for person in itertools.chain([named] if named else [], loggers):
            if _is_person(person) and person not in seen:
                seen.add(person)
                yield person
                if len(seen) >= CANDIDATES:
                    return


def forget_notice(store: Store, scope: Scope) -> bool:
    """The bot is in the channel again: a later removal is told again. True when one was kept."""
    return store.delete(scope, NOTICE, _KEY)


def _is_person(value: object) -> bool:
    """A Slack user id (a job's target is a channel id otherwise)."""
    return isinstance(value, str) and value[:1] in ("U", "W") and 2 <= len(value) <= 32


def _payload(job: Doc) -> Doc:
    """The job's stored payload ({} when it has none)."""
    payload = job.get("payload")
    return payload if isinstance(payload, dict) else {}


def _debrief_context(job: Doc) -> Doc | None:
    """The context of a debrief prompt's job ({} without one); None for any other job."""
    payload = _payload(job)
    if job.get("type") != POST or payload.get("template") != DEBRIEF_PROMPT:
        return None
    context = payload.get("context")
    return context if isinstance(context, dict) else {}


def _what(job: Doc) -> dict[str, object]:
    """What couldn't be posted, in the DM's words (JSON-safe: it is stored with the job)."""
    payload = _payload(job)
    if job.get("type") == CHECKIN:
        return {"kind": "checkin", "deal": str(payload.get("deal") or "")[:200],
                "days": payload.get("days") if isinstance(payload.get("days"), int) else None}
    debrief = _debrief_context(job)
    if debrief is not None:
        return {"kind": "debrief", "topic": str(debrief.get("topic") or "")[:200]}
    return {"kind": str(job.get("type") or "post")[:40]}
