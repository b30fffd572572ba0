"""The storage interface every backend implements.

Records are JSON documents grouped by *scope* (workspace key, channel id) and by
*kind* (commitment, deal, settings, job, …), each under a key unique within its
scope and kind. Keeping the interface this small is what lets a PostgreSQL
backend slot in later without touching the domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any, NamedTuple, Protocol

Doc = dict[str, Any]


class Scope(NamedTuple):
    """Where a record lives: a workspace and a channel (or a pseudo-channel like `_team`).

    ``workspace`` is a workspace key (bot.domain.workspace): the team id, with the
    enterprise id in front on Enterprise Grid.
    """

    workspace: str
    channel_id: str


class Store(Protocol):
    """Durable, thread-safe document storage.

    Every write is durable when the method returns: a crash afterwards never
    loses it. Reads return copies; mutating them changes nothing stored.
    """

    def get(self, scope: Scope, kind: str, key: str) -> Doc | None:
        """The document, or None."""
        ...

    def find(
        self, scope: Scope, kind: str, where: Callable[[Doc], bool] | None = None
    ) -> list[Doc]:
        """All documents of a kind in a scope, optionally filtered, in insertion order."""
        ...

    def put(self, scope: Scope, kind: str, key: str, doc: Doc) -> None:
        """Insert or replace a document."""
        ...

    def add_once(self, scope: Scope, kind: str, key: str, doc: Doc) -> bool:
        """Insert unless the key exists; True when inserted. The idempotency primitive."""
        ...

    def note(self, scope: Scope, kind: str, key: str, doc: Doc) -> bool:
        """:meth:`add_once` for memories of requests seen (a replayed command's id), which the
        caller doesn't wait on the disk for: kept across a restart of the process, and lost
        in a crash of the machine only if nothing written after it was acknowledged. TinyDB
        writes it with the next write's journal line and sync; PostgreSQL commits it without
        waiting for its log to reach the disk. It changes no revision: nothing is derived
        from notes. True when inserted."""
        ...

    def update(
        self, scope: Scope, kind: str, key: str, change: Callable[[Doc | None], Doc | None]
    ) -> Doc | None:
        """Atomically replace a document by ``change(current)``; None from change deletes it.

        Returns what was stored.
        """
        ...

    def delete(self, scope: Scope, kind: str, key: str) -> bool:
        """Remove a document; True when it existed."""
        ...

    def scopes(self, workspace: str | None = None) -> Iterator[Scope]:
        """Every scope holding data, optionally for one workspace."""
        ...

    def records(self, scope: Scope) -> list[tuple[str, str, Doc]]:
        """Everything in a scope as (kind, key, document), each kind in insertion order."""
        ...

    def revision(self, scope: Scope) -> int | None:
        """A number that changes whenever anything in ``scope`` is written, by any process, so
        what is derived from the scope's records can be cached; never the same number for two
        states of the scope. None when the store can't tell (PostgreSQL: a scope not written
        since revisions were added)."""
        ...

    def transaction(self, scope: Scope) -> AbstractContextManager[None]:
        """Hold the scope exclusively, so a read-then-write sequence is atomic."""
        ...

    def close(self) -> None:
        """Flush and release files."""
        ...


def move_workspace(store: Store, old: str, new: str) -> int:
    """File every record of workspace key ``old`` under ``new``; how many moved.

    One transaction per channel (one fsync for TinyDB, one commit for PostgreSQL), copy
    then delete, so a crash halfway loses nothing and running it again finishes the move
    (a record already under ``new`` wins over the old copy).
    """
    return sum(move_scope(store, scope, Scope(new, scope.channel_id)) for scope in list(store.scopes(old)))


def move_scope(store: Store, source: Scope, target: Scope) -> int:
    """File every record of ``source`` under ``target`` (a channel whose id Slack changed); how
    many moved. One transaction, copy then delete; a record already under ``target`` wins."""
    moved = 0
    with store.transaction(source), store.transaction(target):
        for kind, key, doc in store.records(source):
            store.add_once(target, kind, key, doc)
            store.delete(source, kind, key)
            moved += 1
    return moved


def read_modify_write(
    store: Store, scope: Scope, kind: str, key: str, change: Callable[[Doc | None], Doc | None]
) -> Doc | None:
    """The ``update()`` algorithm every store shares; call it inside the store's transaction."""
    current = store.get(scope, kind, key)
    # change() may edit its argument in place: give it a copy to compare against.
    new = change(clone_doc(current) if current is not None else None)
    if new is None:
        if current is not None:
            store.delete(scope, kind, key)
        return None
    if new != current:
        store.put(scope, kind, key, new)
    return clone_doc(new)


def clone_doc(doc: Doc) -> Doc:
    """A deep copy of a JSON document (dicts, lists, scalars), so that no caller shares nested
    values with the store. Much cheaper than ``copy.deepcopy``, which handles arbitrary
    objects: most values are scalars, so copy the dict at C speed and descend only into
    containers."""
    copied = dict(doc)
    for key, value in copied.items():
        if isinstance(value, dict | list):
            copied[key] = _clone_value(value)
    return copied


def _clone_value(value: Any) -> Any:
    if isinstance(value, dict):
        return clone_doc(value)
    if isinstance(value, list):
        return [_clone_value(v) for v in value]
    return value
