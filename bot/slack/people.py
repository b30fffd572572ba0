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


class PeopleMemory:
    """Who was a guest when Slack last said (see the module); cached in this process."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._known: dict[tuple[str, str], bool] = {}
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

    def learn(self, workspace: str, user_id: str, guest: bool) -> None:
        """Slack just said whether the person is a guest; kept if it is news."""
        if self.recall(workspace, user_id) is guest:
            return
        self._store.put(Scope(workspace, CHANNEL), KIND, user_id, {"guest": guest})
        self._remember((workspace, user_id), guest)

    def _remember(self, key: tuple[str, str], guest: bool) -> None:
        with self._lock:
            if len(self._known) > 100_000:
                self._known.clear()
            self._known[key] = guest
