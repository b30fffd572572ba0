"""Which time zone a channel lives in, for check-ins and digests.

In order: the channel's ``tz`` setting; the time zone of the last person who
configured the digest or signed a deal there (remembered when they did); the time
zone of whoever logged the channel's latest commitment (looked up once, then
remembered); UTC.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from bot.domain.schedule_rules import resolve_tz
from bot.store import Scope, Store

META = "schedule_meta"
TZ_KEY = "tz"
_PERSON = re.compile(r"^[UW][A-Z0-9]{2,20}$")


class ChannelSettingsReader(Protocol):
    """A channel's settings, defaults filled in (``bot.services.channel_settings.ChannelSettings``)."""

    def get(self, scope: Scope) -> dict[str, Any]: ...


class UserZones(Protocol):
    def user_tz(self, workspace: str, user_id: str) -> str: ...


class People(UserZones, Protocol):
    """Time zones and channel membership (the Slack directory)."""

    def is_member(self, workspace: str, channel_id: str, user_id: str) -> bool: ...

    def is_partner(self, workspace: str, channel_id: str, user_id: str) -> bool: ...


class ChannelZones:
    """Resolves and remembers channel time zones."""

    def __init__(self, store: Store, settings: ChannelSettingsReader, directory: UserZones | None) -> None:
        self._store = store
        self._settings = settings
        self._directory = directory

    def learn(self, scope: Scope, user: str, tz: str, source: str = "configured") -> None:
        """Remember ``user``'s zone as the channel's (they configured or signed something).

        Only people count (a CRM webhook or integration signing a deal says nothing about the
        channel's zone), and UTC never replaces a known zone: a failed look-up answers UTC too.
        """
        if not _PERSON.match(user or ""):
            return
        name = resolve_tz(tz) or "UTC"
        current = self._store.get(scope, META, TZ_KEY)
        if name == "UTC" and current and current.get("tz") not in (None, "UTC"):
            return
        doc = {"user": user, "tz": name, "source": source}
        if current != doc:
            self._store.put(scope, META, TZ_KEY, doc)

    def adopt(self, scope: Scope, user: str, tz: str) -> bool:
        """Someone asks when the digest or check-ins come in a channel with no zone yet: theirs
        becomes the channel's, so the times they are told are the times things happen (not
        UTC's, changed without a word once someone logs a commitment). True if adopted."""
        explicit = self._settings.get(scope).get("tz")
        if isinstance(explicit, str) and resolve_tz(explicit):
            return False
        self.channel(scope)  # learns the zone of the ledger's latest author, if there is one
        if self._store.get(scope, META, TZ_KEY) is not None:
            return False
        self.learn(scope, user, tz, source="asked")
        return self._store.get(scope, META, TZ_KEY) is not None

    def channel(self, scope: Scope) -> str:
        """The channel's zone (see the module docstring for the order)."""
        explicit = self._settings.get(scope).get("tz")
        if isinstance(explicit, str) and resolve_tz(explicit):
            return resolve_tz(explicit) or "UTC"
        learned = self._store.get(scope, META, TZ_KEY)
        if learned and learned.get("tz"):
            return str(learned["tz"])
        return self._from_ledger(scope)

    def digest(self, scope: Scope) -> str:
        """The digest's zone: the one given with `digest weekly`, else the channel's."""
        digest = self._settings.get(scope).get("digest") or {}
        given = digest.get("tz")
        if isinstance(given, str) and resolve_tz(given):
            return resolve_tz(given) or "UTC"
        return self.channel(scope)

    def _from_ledger(self, scope: Scope) -> str:
        if self._directory is None:
            return "UTC"
        docs = self._store.find(scope, "commitment")
        creators = [d.get("created_by") for d in sorted(docs, key=lambda d: d.get("number", 0))]
        users = [u for u in creators if isinstance(u, str) and u[:1] in ("U", "W")]
        if not users:
            return "UTC"
        tz = resolve_tz(self._directory.user_tz(scope.workspace, users[-1])) or "UTC"
        if tz != "UTC":  # the directory answers UTC when Slack failed too: don't remember that
            self.learn(scope, users[-1], tz, source="ledger")
        return tz
