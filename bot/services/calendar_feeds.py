"""Connected calendar feeds in the store: one per person, with what the last read found.

A feed lives in the workspace's ``_calendar`` pseudo-channel (never shown in a channel),
keyed by the person's user id. Its address is a secret: it is kept here and handed only to
the fetcher; everything shown or logged uses :func:`~bot.domain.calendar_match.mask_url`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.domain.calendar import Occurrence
from bot.domain.meetings import PROMPT_LATEST
from bot.store import Doc, Scope, Store

CALENDAR_SCOPE = "_calendar"
FEED = "calendar_feed"
MEETING = "calendar_meeting"
# Failures in a row after which the owner hears about it (the first read failing counts at once).
FAILURES_BEFORE_DM = 3
MAX_BACKOFF = timedelta(hours=6)
LOOKBACK = PROMPT_LATEST  # a meeting that ended while the bot was down is still asked about
HORIZON = timedelta(days=14)  # how far ahead feeds are expanded and jobs planned


class People(Protocol):
    """What the feature asks Slack about people (bot.slack.directory.Directory answers)."""

    def user_tz(self, workspace: str, user_id: str) -> str: ...

    def user_email(self, workspace: str, user_id: str) -> str | None: ...

    def user_by_email(self, workspace: str, email: str) -> str | None: ...

    def channels_of(self, workspace: str, user_id: str) -> set[str]: ...


def calendar_scope(workspace: str) -> Scope:
    """Where a workspace's feeds and meeting records live."""
    return Scope(workspace, CALENDAR_SCOPE)


def new_feed(user: str, url: str, now: datetime) -> Doc:
    """A feed just connected: read it at the next sweep."""
    return {
        "user": user, "url": url, "connected_at": now.isoformat(), "next_poll_at": now.isoformat(),
        "etag": None, "last_modified": None, "parsed_at": None, "last_success_at": None,
        "last_attempt_at": None, "failures": 0, "error": None, "error_refusal": None,
        "alerted": False, "occurrences": [], "calendar_email": None,
    }


def backoff(poll: timedelta, failures: int) -> timedelta:
    """The wait after ``failures`` failed reads in a row: doubling from the poll interval, capped."""
    return min(poll * (2 ** max(failures - 1, 0)), MAX_BACKOFF)


def occurrences(feed: Doc) -> list[Occurrence]:
    """What the last successful read found."""
    return [Occurrence.from_doc(d) for d in feed.get("occurrences") or []]


class FeedStore:
    """The feeds and calendar-meeting records over the :class:`~bot.store.Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, workspace: str, user: str) -> Doc | None:
        return self.store.get(calendar_scope(workspace), FEED, user)

    def put(self, workspace: str, user: str, doc: Doc) -> None:
        self.store.put(calendar_scope(workspace), FEED, user, doc)

    def delete(self, workspace: str, user: str) -> bool:
        return self.store.delete(calendar_scope(workspace), FEED, user)

    def update_if_same_url(self, workspace: str, user: str, url: str, changes: dict[str, Any]) -> Doc | None:
        """Apply a read's results unless the feed was disconnected or replaced meanwhile."""

        def apply(current: Doc | None) -> Doc | None:
            if current is None or current.get("url") != url:
                return current
            return {**current, **changes}

        return self.store.update(calendar_scope(workspace), FEED, user, apply)

    def feeds(self, workspace: str) -> list[Doc]:
        return self.store.find(calendar_scope(workspace), FEED)

    def workspaces(self) -> Iterator[str]:
        """Workspaces with anything calendar-related stored."""
        for scope in list(self.store.scopes()):
            if scope.channel_id == CALENDAR_SCOPE:
                yield scope.workspace

    def meeting(self, workspace: str, digest: str) -> Doc | None:
        return self.store.get(calendar_scope(workspace), MEETING, digest)

    def put_meeting(self, workspace: str, digest: str, doc: Doc) -> None:
        self.store.put(calendar_scope(workspace), MEETING, digest, doc)

    def meetings(self, workspace: str) -> list[Doc]:
        return self.store.find(calendar_scope(workspace), MEETING)

    def delete_meeting(self, workspace: str, digest: str) -> None:
        self.store.delete(calendar_scope(workspace), MEETING, digest)
