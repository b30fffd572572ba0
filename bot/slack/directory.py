"""Who is where, and in which time zone: Slack look-ups with caching.

Slack is the source of truth for time zones and channel membership; we cache
briefly so a burst of commands doesn't become a burst of API calls.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import default_retry_handlers

from bot.domain.mutual_plan import is_external
from bot.domain.workspace import Workspace
from bot.slack.client import CallCounter
from bot.slack.people import PeopleMemory

log = logging.getLogger(__name__)

PROFILE_TTL_SECONDS = 24 * 3600
MEMBERSHIP_TTL_SECONDS = 60
# Slack answered "no such user" (a deleted account, a user id from another workspace): asked
# again after an hour, not on every sweep for every channel that names them.
UNKNOWN_USER_TTL_SECONDS = 3600
UNKNOWN_USER_ERRORS = frozenset({"user_not_found", "user_not_visible"})
DEFAULT_TZ = "UTC"
LOOKUP_TIMEOUT = 1.5
#: After a look-up timed out (or its connection failed), Slack is taken to be slow for this
#: long: look-ups answer from the cache or fall back at once. Without it, every command
#: during a Slack slowdown waited LOOKUP_TIMEOUT for each look-up it makes (two for a fresh
#: `/partner give`: the person's workspace and time zone are asked separately when neither
#: is cached), and missed its 3 seconds.
SLOW_SLACK_SECONDS = 30.0
_USER_ID = re.compile(r"^[UW][A-Z0-9_]{2,30}$")
#: How many members not yet known :meth:`Directory.has_outsiders` asks users.info about at
#: once: it runs before some acks (a stage change), and a big channel's first post after a
#: start would otherwise ask about every member in a row. The rest are asked on later posts.
GUEST_LOOKUPS_PER_CHECK = 5


class _TtlCache:
    def __init__(self, ttl: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._now = monotonic
        self._data: dict[tuple[str, ...], tuple[float, object]] = {}  # key -> (expires, value)
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...]) -> object | None:
        with self._lock:
            hit = self._data.get(key)
            if hit is None or self._now() > hit[0]:
                return None
            return hit[1]

    def forget(self, key: tuple[str, ...]) -> None:
        """Drop ``key``: the next look-up asks Slack."""
        with self._lock:
            self._data.pop(key, None)

    def forget_where(self, doomed: Callable[[tuple[str, ...]], bool]) -> None:
        """Drop every key ``doomed`` says so of."""
        with self._lock:
            for key in [k for k in self._data if doomed(k)]:
                del self._data[key]

    def put(self, key: tuple[str, ...], value: object, ttl: float | None = None) -> None:
        """Keep ``value`` for ``ttl`` seconds (the cache's own TTL by default)."""
        with self._lock:
            if len(self._data) > 50_000:
                self._data.clear()
            self._data[key] = (self._now() + (self._ttl if ttl is None else ttl), value)


class SlackSlow(Exception):
    """A look-up not made: one timed out moments ago (:data:`SLOW_SLACK_SECONDS`)."""


class Directory:
    """Cached answers to "what time zone is this user in" and "who is in this channel"."""

    def __init__(self, client: WebClient, monotonic: Callable[[], float] = time.monotonic) -> None:
        # Look-ups happen before the 3-second ack: a slow Slack must cost at most
        # LOOKUP_TIMEOUT seconds and a fallback, never a retry loop that misses the ack.
        self._client = WebClient(token=client.token, base_url=client.base_url, timeout=LOOKUP_TIMEOUT,
                                 retry_handlers=[CallCounter(), *default_retry_handlers()])
        self._profiles = _TtlCache(PROFILE_TTL_SECONDS)
        self._channels = _TtlCache(MEMBERSHIP_TTL_SECONDS)
        self._emails = _TtlCache(PROFILE_TTL_SECONDS)
        self._unknown = _TtlCache(UNKNOWN_USER_TTL_SECONDS)  # users Slack said don't exist
        # Multi-workspace (OAuth) mode: the bot token of a workspace, by workspace key.
        self.token_for: Callable[[str], str] | None = None
        # Who was a guest when Slack last said, kept in the store (set by build_services):
        # what the directory goes by when users.info fails.
        self.people: PeopleMemory | None = None
        self._now = monotonic
        self._slow_until = float("-inf")

    def _ask(self, call: Callable[..., Any], /, **arguments: Any) -> Any:
        """``call(**arguments)`` against Slack, unless a look-up timed out moments ago
        (then :class:`SlackSlow`, handled like the timeout it stands for)."""
        if self._now() < self._slow_until:
            raise SlackSlow(getattr(call, "__name__", "look-up"))
        try:
            return call(**arguments)
        except SlackApiError:
            raise  # Slack answered: not slow
        except Exception:
            self._slow_until = self._now() + SLOW_SLACK_SECONDS
            raise

    def _auth(self, workspace: str) -> dict[str, str]:
        """Extra call arguments: the workspace's own token in OAuth mode, else nothing."""
        return {} if self.token_for is None else {"token": self.token_for(workspace)}

    def user_tz(self, workspace: str, user_id: str) -> str:
        """The user's IANA time zone, or UTC when Slack can't tell us."""
        return self._profile(workspace, user_id).get("tz") or DEFAULT_TZ

    def _profile(self, workspace: str, user_id: str) -> dict[str, str]:
        """What we keep of users.info: time zone and home workspace ({} when unknown)."""
        if not _USER_ID.match(user_id):
            return {}  # a CRM or webhook acting, not a person
        key = (workspace, user_id)
        cached = self._profiles.get(key)
        if isinstance(cached, dict):
            return cached
        try:
            user = self._ask(self._client.users_info, user=user_id, **self._auth(workspace))["user"]
        except SlackApiError as exc:
            code = exc.response.get("error")
            log.warning("users.info failed for %s: %s", user_id, code)
            if code in UNKNOWN_USER_ERRORS:
                # A definite "no": remembered, or every sweep asks again for every channel.
                # Timeouts and other errors are not cached: the next look-up may work.
                self._profiles.put(key, {}, UNKNOWN_USER_TTL_SECONDS)
                if code == "user_not_found":  # "not visible" is someone, from another organisation
                    self._unknown.put(key, True)
            return {}
        except Exception as exc:  # timeouts and dropped connections
            log.warning("users.info failed for %s: %s", user_id, type(exc).__name__)
            return {}
        profile = {k: str(user[k]) for k in ("tz", "team_id", "real_name") if user.get(k)}
        guest = bool(user.get("is_restricted") or user.get("is_ultra_restricted"))
        if guest:
            profile["guest"] = "1"  # a single- or multi-channel guest of the workspace
        if self.people is not None:
            self.people.learn(workspace, user_id, guest)
        enterprise = (user.get("enterprise_user") or {}).get("enterprise_id")
        if enterprise:
            profile["enterprise_id"] = str(enterprise)
        email = (user.get("profile") or {}).get("email")  # present with users:read.email
        if email:
            profile["email"] = str(email).lower()
        self._profiles.put(key, profile)
        return profile

    def is_local(self, workspace: str, team_id: str | None, user_id: str) -> bool:
        """Does the user belong to this workspace (not a Slack Connect guest from another)?

        Unknown users and failed look-ups count as local: a mention in a deal channel is a
        colleague far more often than a guest.
        """
        profile = self._profile(workspace, user_id)
        home = profile.get("team_id")
        return not (profile.get("guest") or (home and team_id and home != team_id))

    def user_email(self, workspace: str, user_id: str) -> str | None:
        """The user's e-mail address (needs users:read.email), or None."""
        return self._profile(workspace, user_id).get("email") or None

    def user_by_email(self, workspace: str, email: str) -> str | None:
        """The id of the workspace member with that e-mail address (users.lookupByEmail), or None."""
        key = (workspace, "email", email.lower())
        cached = self._emails.get(key)
        if isinstance(cached, str):
            return cached or None
        try:
            user = self._ask(self._client.users_lookupByEmail, email=email, **self._auth(workspace))["user"]
            found = "" if user.get("deleted") or user.get("is_bot") else str(user.get("id") or "")
        except SlackApiError as exc:
            if exc.response.get("error") != "users_not_found":
                log.warning("users.lookupByEmail failed: %s", exc.response.get("error"))
                return None  # not cached: it may work next time
            found = ""
        except Exception as exc:  # timeouts
            log.warning("users.lookupByEmail failed: %s", type(exc).__name__)
            return None
        self._emails.put(key, found)
        return found or None

    def display_name(self, workspace: str, user_id: str) -> str:
        """The person's full name as Slack shows it, for pages outside Slack ("our team" if unknown)."""
        return self._profile(workspace, user_id).get("real_name") or "our team"

    def home_team(self, workspace: str, user_id: str) -> tuple[str | None, str | None]:
        """(team id, enterprise id) of the workspace the person belongs to; None when unknown."""
        profile = self._profile(workspace, user_id)
        return profile.get("team_id"), profile.get("enterprise_id")

    def is_ext_shared(self, workspace: str, channel_id: str, *, if_unknown: bool = False) -> bool:
        """True when the channel is shared with another organisation (Slack Connect);
        ``if_unknown`` when Slack doesn't answer (an error or a timeout, not cached)."""
        key = (workspace, "ext-shared", channel_id)
        cached = self._channels.get(key)
        if isinstance(cached, bool):
            return cached
        try:
            channel = self._ask(self._client.conversations_info, channel=channel_id,
                                **self._auth(workspace))["channel"]
        except SlackApiError as exc:
            log.warning("conversations.info failed for %s: %s", channel_id, exc.response.get("error"))
            return if_unknown
        except Exception as exc:  # timeouts: not cached, asked again next time
            log.warning("conversations.info failed for %s: %s", channel_id, type(exc).__name__)
            return if_unknown
        shared = bool(channel.get("is_ext_shared"))
        self._channels.put(key, shared)
        return shared

    def forget_channel(self, workspace: str, channel_id: str) -> None:
        """Drop what is cached about the channel's sharing and members: it was just shared with
        (or unshared from) another organisation, or a post the partner may read is about to go."""
        self._channels.forget((workspace, "ext-shared", channel_id))
        self._channels.forget((workspace, "members", channel_id))

    def forget_archived(self, workspace: str, channel_id: str) -> None:
        """The channel was archived or unarchived: it leaves (or rejoins) the channel list of
        everyone in it, so every person's cached list of the workspace is asked again."""
        self.forget_channel(workspace, channel_id)
        self._channels.forget_where(lambda key: len(key) == 2 and key[0] == workspace)

    def forget_member(self, workspace: str, channel_id: str, user_id: str) -> None:
        """Someone joined or left the channel: their channels and its members are asked again."""
        self._channels.forget((workspace, user_id))
        self._channels.forget((workspace, "members", channel_id))

    def user_changed(self, workspace: str, user: object) -> None:
        """Slack said a person's account changed (``user_change``: made a guest, a guest made a
        full member, deactivated, moved): what is cached of them is asked again at their next
        look-up, not up to a day later. What the store remembers of someone already described
        follows the event at once (it is what counts while Slack can't answer); strangers (a
        busy workspace sends this for every status emoji) are not written down."""
        user_id = user.get("id") if isinstance(user, dict) else None
        if not isinstance(user, dict) or not isinstance(user_id, str) or not _USER_ID.match(user_id):
            return
        for cache in (self._profiles, self._channels, self._unknown):
            cache.forget((workspace, user_id))
        people = self.people
        if people is not None and "is_restricted" in user and people.recall(workspace, user_id) is not None:
            guest = bool(user.get("is_restricted") or user.get("is_ultra_restricted"))
            people.learn(workspace, user_id, guest)

    def is_partner(self, workspace: str, channel_id: str, user_id: str,
                   payload_team: str | None = None) -> bool:
        """True for a member of another organisation in a channel shared with it (Slack Connect).

        Both must hold: the person's own workspace is not ours (``payload_team``, a button
        payload's ``user.team_id``, else users.info, cached a day), and the channel is externally
        shared (conversations.info, cached a minute). Colleagues never pay for the second look-up.

        Someone Slack doesn't vouch for (users.info slow, failing or "not visible", and no team
        in the payload) is a partner in a shared channel: taken for a colleague, a partner
        read our private items and wrote our side whenever Slack didn't answer.

        Someone Slack says is from another organisation stays a partner while Slack can't say
        whether the channel is shared: they can only be here if it is.

        A guest account of our own workspace (single- or multi-channel guest: how partners were
        invited before Slack Connect, and still often are) is an outsider in every channel,
        shared or not: Slack says so in users.info (cached a day). While Slack can't answer,
        what it said last goes (:mod:`bot.slack.people`); someone it never described is an
        outsider until it does.
        """
        if channel_id and self.is_guest(workspace, user_id) is not False:
            return True  # a guest, or Slack can't say whether they are one
        if payload_team and payload_team == Workspace.from_key(workspace).team_id:
            return False
        team, enterprise = self.home_team(workspace, user_id)
        vouched = bool(team or payload_team)
        if vouched and not is_external(workspace, team or payload_team, enterprise):
            return False
        return bool(channel_id) and self.is_ext_shared(workspace, channel_id, if_unknown=vouched)

    def is_guest(self, workspace: str, user_id: str) -> bool | None:
        """True for a guest account of our workspace, False for anyone else Slack described (a
        colleague, someone of another organisation, a CRM's id), None when Slack can't say now
        and never said before (an error or a timeout, and nothing remembered)."""
        profile = self._profile(workspace, user_id)
        if profile:
            return bool(profile.get("guest"))
        if not _USER_ID.match(user_id) or isinstance(self._profiles.get((workspace, user_id)), dict):
            return False  # not a person, or Slack said who (not found, not visible: not a guest)
        return None if self.people is None else self.people.recall(workspace, user_id)

    def is_unvouched(self, workspace: str, user_id: str) -> bool:
        """Slack can't say now whether this person is on our team, and never said before."""
        return self.is_guest(workspace, user_id) is None

    def has_outsiders(self, workspace: str, channel_id: str) -> bool:
        """Someone outside our team can read the channel: it is shared with another organisation
        (Slack Connect), or a guest account of our workspace is a member. True when Slack can't
        say (an error, a timeout): a post can't be unread."""
        if self.is_ext_shared(workspace, channel_id, if_unknown=True):
            return True
        members = self._members(workspace, channel_id)
        if members is None:
            return True
        asked = 0
        if self.people is not None:
            unread = [member for member in members
                      if not isinstance(self._profiles.get((workspace, member)), dict)]
            self.people.recall_many(workspace, unread)
        for member in sorted(members):
            if isinstance(self._profiles.get((workspace, member)), dict):
                guest = self.is_guest(workspace, member)  # cached: no call
            elif asked < GUEST_LOOKUPS_PER_CHECK:
                asked += 1
                guest = self.is_guest(workspace, member)
            else:  # not asked about yet (on a later post): what Slack said before, if anything
                guest = None if self.people is None else self.people.recall(workspace, member)
            if guest is not False:
                return True  # a guest, or someone nobody can vouch for yet
        return False

    def channels_of(self, workspace: str, user_id: str) -> set[str]:
        """Ids of the conversations the user is a member of."""
        key = (workspace, user_id)
        cached = self._channels.get(key)
        if isinstance(cached, set):
            return cached
        channels: set[str] = set()
        cursor = None
        extra = self._auth(workspace)
        if Workspace.from_key(workspace).org_wide:
            # An org-level token lists one workspace's conversations at a time: the person's own.
            team = self._profile(workspace, user_id).get("team_id")
            if team:
                extra["team_id"] = team
        try:
            while True:
                page = self._ask(
                    self._client.users_conversations,
                    user=user_id,
                    types="public_channel,private_channel",
                    exclude_archived=True,
                    limit=200,
                    cursor=cursor,
                    **extra,
                )
                channels.update(c["id"] for c in page.get("channels", []))
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
        except SlackApiError as exc:
            log.warning("users.conversations failed for %s: %s", user_id, exc.response.get("error"))
            return set()
        except Exception as exc:  # timeouts: show nothing rather than too much
            log.warning("users.conversations failed for %s: %s", user_id, type(exc).__name__)
            return set()
        self._channels.put(key, channels)
        return channels

    def membership(self, workspace: str, channel_id: str, user_id: str) -> str:
        """``"member"`` of the channel, ``"outsider"`` (a person, not in it), ``"unknown"``
        (Slack has no such user) or ``"unsure"`` (Slack didn't answer: assume nothing)."""
        profile = self._profile(workspace, user_id)
        if not profile:
            return "unknown" if self._unknown.get((workspace, user_id)) else "unsure"
        theirs = self._channels.get((workspace, user_id))
        if isinstance(theirs, set):  # their channels, already read for their Home tab or reminders
            return "member" if channel_id in theirs else "outsider"
        # Before the ack: a deal channel's member list is a page or two, where someone's own
        # channels can be dozens of pages.
        members = self._members(workspace, channel_id)
        if members is None:
            return "unsure"
        return "member" if user_id in members else "outsider"

    def _members(self, workspace: str, channel_id: str) -> set[str] | None:
        """Who is in the channel (conversations.members), or None when Slack didn't say."""
        key = (workspace, "members", channel_id)
        cached = self._channels.get(key)
        if isinstance(cached, set):
            return cached
        members: set[str] = set()
        cursor = None
        try:
            while True:
                page = self._ask(self._client.conversations_members, channel=channel_id, limit=200,
                                 cursor=cursor, **self._auth(workspace))
                members.update(str(m) for m in page.get("members", []))
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
        except SlackApiError as exc:
            log.warning("conversations.members failed for %s: %s", channel_id, exc.response.get("error"))
            return None
        except Exception as exc:  # timeouts, Slack slow moments ago: say nothing rather than something wrong
            log.warning("conversations.members failed for %s: %s", channel_id, type(exc).__name__)
            return None
        self._channels.put(key, members)
        return members

    def is_member(self, workspace: str, channel_id: str, user_id: str) -> bool:
        """True when the user belongs to the channel."""
        return channel_id in self.channels_of(workspace, user_id)
