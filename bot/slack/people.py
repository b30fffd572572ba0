"""Whether each person Slack described was a guest of our workspace, kept in the store.

Slack's users.info is the only place that says someone is a guest (``is_restricted``), and
the directory caches its answers in memory only. When Slack then can't answer (an error, a
rate limit, a timeout, often right after a restart when nothing is cached), the bot goes by
what it last heard, here: a colleague keeps our team's view, a guest keeps the partner's.
Someone Slack never described gets the partner's view until it does (the safe side: taken
for a colleague, a guest read our private items and wrote our side whenever Slack failed).

Written only when Slack's answer differs from what is kept (a person's first look-up ever,
or a colleague made a guest), so a `/partner give` normally writes nothing here.
"""

from __future__ import annotations

import threading

from bot.store import Scope, Store

CHANNEL = "_people"  # a pseudo-channel of each workspace: no sweep or page reads it
KIND = "person"
#: Past this many people not at hand, :meth:`PeopleMemory.recall_many` reads the workspace's
#: whole memory at once (once per process).
BULK_FROM = 8


class PeopleMemory:
    """Who was a guest when Slack last said (see the module); cached in this process."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._known: dict[tuple[str, str], bool] = {}
        self._loaded: set[str] = set()  # workspaces read whole (recall_many)
        self._lock = threading.Lock()

    def recall(self, workspace: str, user_id: str) -> bool | None:
        """True: a guest when Slack last said; False: one of us; None: Slack never said."""
        key = (workspace, user_id)
        with self._lock:
            if key in self._known:
                return self._known[key]
        doc = self._store.get(Scope(workspace, CHANNEL), KIND, user_id)
        guest = None if doc is None else bool(doc.get("guest"))
        if guest is not None:
            self._remember(key, guest)
        return guest

    def recall_many(self, workspace: str, user_ids: list[str]) -> None:
        """Have what the store keeps of ``user_ids`` at hand, in one read when there are many
        (a big channel's first post after a start; one read each would be a round trip each
        on PostgreSQL)."""
        with self._lock:
            unknown = [user for user in user_ids if (workspace, user) not in self._known]
        if len(unknown) <= BULK_FROM or workspace in self._loaded:
            return
        self._loaded.add(workspace)
        for doc in self._store.find(Scope(workspace, CHANNEL), KIND):
            if isinstance(doc.get("user"), str):
                self._remember((workspace, doc["user"]), bool(doc.get("guest")))

    def learn(self, workspace: str, user_id: str, guest: bool) -> None:
        """Slack just said whether the person is a guest; kept if it is news.

        Someone new is noted (:meth:`bot.store.base.Store.note`): it rides the request's own
        write and sync, so a person's first `/partner give` syncs once, like every other.
        A change (a colleague made a guest, or back) is written at once."""
        known = self.recall(workspace, user_id)
        if known is guest:
            return
        doc = {"user": user_id, "guest": guest}
        if known is None:
            self._store.note(Scope(workspace, CHANNEL), KIND, user_id, doc)
        else:
            self._store.put(Scope(workspace, CHANNEL), KIND, user_id, doc)
        self._remember((workspace, user_id), guest)

    def _remember(self, key: tuple[str, str], guest: bool) -> None:
        with self._lock:
            if len(self._known) > 100_000:
                self._known.clear()
            self._known[key] = guest
