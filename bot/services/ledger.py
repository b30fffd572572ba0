"""The per-channel ledger of commitments, on top of the store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from bot.clock import Clock
from bot.domain.ledger import Commitment, Side, Status, Visibility
from bot.store import Scope, Store

COMMITMENT = "commitment"
COUNTER = "counter"
SOURCE = "source"


@dataclass(frozen=True)
class ItemResult:
    """What happened when someone tried to change an item."""

    outcome: Literal["ok", "not_found", "already_closed", "unchanged"]
    item: Commitment | None = None


class Ledger:
    """Commitments of one workspace's channels; numbers are per channel (#1, #2, …)."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def _next_number(self, scope: Scope) -> int:
        doc = self._store.update(
            scope, COUNTER, COMMITMENT, lambda d: {"next": (d or {"next": 0})["next"] + 1}
        )
        assert doc is not None
        return int(doc["next"])

    def add(
        self,
        scope: Scope,
        *,
        side: Side,
        what: str,
        owner: str,
        created_by: str,
        due_on: date | None = None,
        counterpart: str | None = None,
        deal: str | None = None,
        source: str = "command",
        source_key: str | None = None,
        visibility: Visibility = "shared",
    ) -> tuple[Commitment, bool]:
        """Record a commitment; returns it and whether it is new.

        ``source_key`` makes the call idempotent: a retried Slack delivery or a
        double-clicked button carrying the same key returns the first item.
        """
        with self._store.transaction(scope):
            if source_key is not None:
                seen = self._store.get(scope, SOURCE, source_key)
                if seen is not None:
                    existing = self.get(scope, int(seen["number"]))
                    if existing is not None:
                        return existing, False
            item = Commitment(
                number=self._next_number(scope),
                side=side,
                what=what,
                owner=owner,
                created_by=created_by,
                created_at=self._clock.now(),
                due_on=due_on,
                counterpart=counterpart,
                deal=deal,
                source=source,
                visibility=visibility,
            )
            self._store.put(scope, COMMITMENT, str(item.number), item.to_doc())
            if source_key is not None:
                self._store.put(scope, SOURCE, source_key, {"number": item.number})
            return item, True

    def get(self, scope: Scope, number: int) -> Commitment | None:
        """One item of this channel, or None (also for other channels' numbers)."""
        doc = self._store.get(scope, COMMITMENT, str(number))
        return Commitment.from_doc(doc) if doc else None

    def items(self, scope: Scope) -> list[Commitment]:
        """Every item of a channel, in creation order."""
        docs = self._store.find(scope, COMMITMENT)
        return sorted((Commitment.from_doc(d) for d in docs), key=lambda c: c.number)

    def close(self, scope: Scope, number: int, status: Status, by: str) -> ItemResult:
        """Mark an item done or dropped, once."""
        return self._change_open(scope, number, lambda item: item.close(status, by, self._clock.now()))

    def edit(
        self, scope: Scope, number: int, *, what: str | None, due_on: date | None
    ) -> ItemResult:
        """Change an open item's text and/or due date.

        A co-signed item that changes needs signing again: the partner agreed to the old version.
        """

        def change(item: Commitment) -> Commitment:
            changed = replace(item, what=what or item.what, due_on=due_on or item.due_on)
            if (changed.what, changed.due_on) != (item.what, item.due_on):
                changed = replace(changed, confirmed_at=None, confirmed_by=None)
            return changed

        return self._change_open(scope, number, change)

    def set_visibility(self, scope: Scope, number: int, visibility: Visibility) -> ItemResult:
        """Mark an item shared with the partner or private to our team (closed items too)."""
        with self._store.transaction(scope):
            item = self.get(scope, number)
            if item is None:
                return ItemResult("not_found")
            if item.visibility == visibility:
                return ItemResult("unchanged", item)
            changed = replace(item, visibility=visibility)
            self._store.put(scope, COMMITMENT, str(number), changed.to_doc())
            return ItemResult("ok", changed)

    def confirm(self, scope: Scope, number: int, by: str) -> ItemResult:
        """Record that the other side co-signed an open item: "ok" the first time, then "unchanged"."""
        with self._store.transaction(scope):
            item = self.get(scope, number)
            if item is None:
                return ItemResult("not_found")
            if not item.is_open:
                return ItemResult("already_closed", item)
            if item.is_confirmed:
                return ItemResult("unchanged", item)
            changed = item.confirm(by, self._clock.now())
            self._store.put(scope, COMMITMENT, str(number), changed.to_doc())
            return ItemResult("ok", changed)

    def _change_open(
        self, scope: Scope, number: int, change: Callable[[Commitment], Commitment]
    ) -> ItemResult:
        """Apply ``change`` to an open item of this channel; closed and unknown items stay as they are."""
        with self._store.transaction(scope):
            item = self.get(scope, number)
            if item is None:
                return ItemResult("not_found")
            if not item.is_open:
                return ItemResult("already_closed", item)
            changed = change(item)
            self._store.put(scope, COMMITMENT, str(number), changed.to_doc())
            return ItemResult("ok", changed)
