"""Reading the connected feeds that are due: fetch, parse, record the outcome, DM about failures."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from bot.calendar_fetch import FetchError, FetchPolicy, FetchResult
from bot.domain.calendar import FeedFormatError, read_feed
from bot.domain.calendar_match import mask_url
from bot.domain.refusal import Refusal
from bot.messages import Message
from bot.schedule.jobs import JobStore, parse
from bot.services.calendar_feeds import (
    FAILURES_BEFORE_DM,
    HORIZON,
    LOOKBACK,
    FeedStore,
    People,
    backoff,
    calendar_scope,
)
from bot.services.calendar_jobs import create_post
from bot.store import Doc

log = logging.getLogger(__name__)

FULL_READ_EVERY = timedelta(hours=12)  # a 304 can't tell us about occurrences that entered the window
FETCH_WORKERS = 4

Fetcher = Callable[..., FetchResult]


class FeedPoller:
    """Reads a workspace's due feeds a few at a time; one slow or hostile feed stops nothing."""

    def __init__(self, feeds: FeedStore, jobs: JobStore, directory: People, fetch: Fetcher,
                 policy: FetchPolicy, poll_interval: timedelta) -> None:
        self.feeds = feeds
        self._jobs = jobs
        self._directory = directory
        self._fetch = fetch
        self.policy = policy
        self.poll_interval = poll_interval

    def read_due(self, workspace: str, now: datetime) -> int:
        """Read the feeds whose time has come; how many."""
        due = [f for f in self.feeds.feeds(workspace) if parse(f["next_poll_at"]) <= now]
        if not due:
            return 0
        with ThreadPoolExecutor(max_workers=min(FETCH_WORKERS, len(due)),
                                thread_name_prefix="calendar-fetch") as pool:
            results = list(pool.map(self._read, [workspace] * len(due), due, [now] * len(due)))
        for feed, changes in zip(due, results, strict=True):
            self._apply(workspace, feed, changes, now)
        return len(due)

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
            # Servers without ETag/Last-Modified send the same bytes again: parsing is the costly
            # part (bench/calendar_feeds.py), so unchanged bytes count as "not modified".
            body_sha = hashlib.sha256(result.body).hexdigest()
            if conditional and body_sha == feed.get("body_sha"):
                return {**base, **_success(now, self.poll_interval), "etag": result.etag,
                        "last_modified": result.last_modified}
            email = self._directory.user_email(workspace, user)
            parsed = read_feed(result.body, owner_emails=[email] if email else [],
                               local_tz=self._directory.user_tz(workspace, user),
                               window_start=now - LOOKBACK, window_end=now + HORIZON)
        except (FetchError, FeedFormatError) as exc:
            return {**base, "error": exc.code, "error_refusal": exc.refusal.to_json()}
        except Exception:  # noqa: BLE001 - one bad feed must not stop the others
            # No address in the message: it is a secret.
            log.exception("reading the calendar feed of %s/%s failed", workspace, user)
            return {**base, "error": "internal", "error_refusal": Refusal("feed_internal").to_json()}
        return {**base, **_success(now, self.poll_interval), "etag": result.etag,
                "last_modified": result.last_modified, "parsed_at": now.isoformat(), "body_sha": body_sha,
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
                                               "problem": stored_refusal(stored).to_json(),
                                               "failures": int(stored.get("failures") or 0)})
        create_post(self._jobs, calendar_scope(workspace), f"calendar-failing:{user}:{spell[:16]}", now,
                    message, now, target=user)
        self.feeds.update_if_same_url(workspace, user, feed["url"], {"alerted": True})


def _success(now: datetime, poll: timedelta) -> dict[str, Any]:
    return {"last_success_at": now.isoformat(), "failures": 0, "error": None, "error_refusal": None,
            "alerted": False, "next_poll_at": (now + poll).isoformat()}


def stored_refusal(feed: Doc) -> Refusal:
    """Why the feed's last read failed; documents written before refusals were stored say it generically."""
    stored = feed.get("error_refusal")
    return Refusal.from_json(stored) if stored else Refusal("feed_failed")
