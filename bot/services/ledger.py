"""The per-channel ledger of commitments, on top of the store."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from bot.clock import Clock
from bot.domain.coaching import SideRecord, side_records
from bot.domain.ledger import (
    Commitment,
    Side,
    Status,
    TwinKey,
    Visibility,
    open_items_by_text,
    same_open_item,
    twin_key,
)
from bot.domain.timezones import local_date
from bot.store import Scope, Store

COMMITMENT = "commitment"
COUNTER = "counter"
SOURCE = "source"
# Channels whose items stay parsed in memory (see Ledger.items); a few hundred busy
# channels cover a workspace's working set, and the rest are re-read on demand.
CACHED_CHANNELS = 512


@dataclass(frozen=True)
class ItemResult:
    """What happened when someone tried to change an item."""

    outcome: Literal["ok", "not_found", "already_closed", "unchanged"]
    item: Commitment | None = None


@dataclass(frozen=True)
class _Cached:
    """A channel's parsed items as of a store revision, and its records on one day."""

    revision: int
    items: tuple[Commitment, ...]
    records: tuple[date, tuple[SideRecord, SideRecord]] | None = None
    twins: dict[TwinKey, Commitment] | None = None  # open items by text (open_items_by_text)


class Ledger:
    """Commitments of one workspace's channels; numbers are per channel (#1, #2, …)."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        # Is the partner in this channel (Slack Connect)? Set by the mutual plan feature.
        self.externally_shared: Callable[[Scope], bool] = lambda scope: False
        # Forget what is cached about the channel's sharing, before a post whose wording depends
        # on it and that is rare enough to ask Slack afresh (a debrief prompt). Set by the app.
        self.refresh_sharing: Callable[[Scope], None] = lambda scope: None
        # scope -> its items in number order as of a store revision. Commitments are frozen,
        # so the cached objects can be shared; each caller gets its own list.
        self._cache: OrderedDict[Scope, _Cached] = OrderedDict()
        self._cache_lock = threading.Lock()

    def transaction(self, scope: Scope) -> AbstractContextManager[None]:
        """Hold the channel: what is read inside sees exactly what was written inside, and
        other writers wait. A give reads its balance inside, so on PostgreSQL the items come
        with the write's round trips (or from the cache, without asking) instead of from a
        transaction of their own."""
        return self._store.transaction(scope)

    @contextmanager
    def other_writes(self, scope: Scope) -> Iterator[None]:
        """Inside :meth:`transaction` for ``scope``: the block writes other documents of the
        channel (the coaching log, say) but no commitment, so the channel's cached items and
        records stay valid instead of being read again on the next request.

        This is what lets a give log the advice it shows in the same write as the item: one
        journal line and one sync before the ack instead of two, without the next give in a
        busy channel paying for reading its whole history again.
        """
        before = self._store.revision(scope)
        yield
        after = self._store.revision(scope)
        if before is None or after is None or after == before:
            return
        with self._cache_lock:
            hit = self._cache.get(scope)
            if hit is not None and hit.revision == before:
                self._cache[scope] = replace(hit, revision=after)

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
            before = self._store.revision(scope)
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
            self._cache_change(scope, before, item)
            return item, True

    def get(self, scope: Scope, number: int) -> Commitment | None:
        """One item of this channel, or None (also for other channels' numbers)."""
        doc = self._store.get(scope, COMMITMENT, str(number))
        return Commitment.from_doc(doc) if doc else None

    def items(self, scope: Scope) -> list[Commitment]:
        """Every item of a channel, in creation order.

        Every confirmation shows the channel's balance, so this runs on every request;
        parsing a busy channel's whole history each time made a give cost as much as
        the channel's age. Where the store can tell that nothing changed (its
        revision), the parsed items are reused.
        """
        entry = self._current(scope)
        return list(entry.items) if entry is not None else self._read(scope)

    def snapshot(self, scope: Scope, today: date) -> tuple[list[Commitment], tuple[SideRecord, SideRecord]]:
        """The channel's items and both sides' records on ``today`` (:func:`side_records`).

        A busy channel's records are kept with its items and brought up to date with each
        new item, so a give doesn't count the channel's whole history again.
        """
        entry = self._current(scope)
        if entry is None:
            items = self._read(scope)
            return items, side_records(items, today)
        if entry.records is None or entry.records[0] != today:
            entry = self._complete(scope, replace(entry, records=(today, side_records(entry.items, today))))
        assert entry.records is not None
        return list(entry.items), entry.records[1]

    def open_twin(self, scope: Scope, side: str, what: str, due_on: date | None) -> Commitment | None:
        """The open item that says the same (:func:`bot.domain.ledger.same_open_item`).

        Every give asks; in a busy channel the answer comes from an index kept with the
        cached items and updated with each new item, not from comparing every item.
        """
        entry = self._current(scope)
        if entry is None:
            return same_open_item(self._read(scope), side, what, due_on)
        if entry.twins is None:
            entry = self._complete(scope, replace(entry, twins=open_items_by_text(entry.items)))
        assert entry.twins is not None
        return entry.twins.get(twin_key(side, what, due_on))

    def _complete(self, scope: Scope, entry: _Cached) -> _Cached:
        """Keep ``entry`` (the cached one with a derived part added) unless the channel moved on."""
        with self._cache_lock:
            hit = self._cache.get(scope)
            if hit is not None and hit.revision == entry.revision:
                self._cache[scope] = entry
        return entry

    def _read(self, scope: Scope) -> list[Commitment]:
        return sorted((Commitment.from_doc(d) for d in self._store.find(scope, COMMITMENT)),
                      key=lambda c: c.number)

    def _current(self, scope: Scope) -> _Cached | None:
        """The scope's cache entry, read again if the scope changed; None when the store
        can't tell changes (PostgreSQL: other processes write too)."""
        revision = self._store.revision(scope)  # before reading: a write in between only misses
        if revision is None:
            return None
        with self._cache_lock:
            hit = self._cache.get(scope)
            if hit is not None and hit.revision == revision:
                self._cache.move_to_end(scope)
                return hit
        entry = _Cached(revision, tuple(self._read(scope)))
        self._remember(scope, entry)
        return entry

    def _remember(self, scope: Scope, entry: _Cached) -> None:
        with self._cache_lock:
            self._cache[scope] = entry
            self._cache.move_to_end(scope)
            while len(self._cache) > CACHED_CHANNELS:
                self._cache.popitem(last=False)

    def _cache_change(self, scope: Scope, before: int | None, item: Commitment) -> None:
        """Inside the scope's transaction, after writing ``item``: if the cache held the
        scope as it was before this transaction, bring it up to date instead of dropping it
        (nobody else can have written meanwhile: the transaction holds the scope)."""
        if before is None:
            return
        with self._cache_lock:
            hit = self._cache.get(scope)
        if hit is None or hit.revision != before:
            return
        records = twins = None
        if not hit.items or hit.items[-1].number < item.number:  # a new item: numbers only grow
            items = hit.items + (item,)
            if hit.records is not None and item.is_open:
                day, (ours, theirs) = hit.records
                records = (day, (ours.with_open(item, day), theirs) if item.side == "give"
                           else (ours, theirs.with_open(item, day)))
            twins = hit.twins
            if twins is not None and item.is_open:
                # Added to in place, not copied: a copy per give is a walk over the channel.
                # Whoever still holds the entry before this one only ever looks keys up, and
                # an item that exists is a fair answer for them too.
                twins.setdefault(twin_key(item.side, item.what, item.due_on), item)
        else:  # a change to an existing one (or, defensively, a new one out of order)
            items = tuple(sorted([c for c in hit.items if c.number != item.number] + [item],
                                 key=lambda c: c.number))
        after = self._store.revision(scope)
        assert after is not None
        self._remember(scope, _Cached(after, items, records, twins))

    def channel_items(self, scope: Scope) -> list[Commitment]:
        """The items a message to the whole channel may list: in a channel shared with the
        partner's organisation, everything but private items."""
        items = self.items(scope)
        if any(c.is_private for c in items) and self.externally_shared(scope):
            return [c for c in items if not c.is_private]
        return items

    def close(self, scope: Scope, number: int, status: Status, by: str, tz: str | None = None,
              mutual: bool = False) -> ItemResult:
        """Mark an item done or dropped, once; ``tz``: the closer's time zone, which tells the
        day it was closed on (unknown: the UTC day). ``mutual``: dropped by agreement with the
        partner; an item already dropped can still be marked so ("it was agreed, after all")."""

        def change(item: Commitment) -> Commitment:
            now = self._clock.now()
            closed = item.close(status, by, now, local_date(now, tz) if tz else None)
            return replace(closed, mutual=True) if mutual and status == "dropped" else closed

        result = self._change_open(scope, number, change)
        if mutual and status == "dropped" and result.outcome == "already_closed" \
                and result.item is not None and result.item.status == "dropped":
            return self._mark_agreed(scope, number)
        return result

    def reopen(self, scope: Scope, number: int, by: str) -> ItemResult:
        """Open a done or dropped item again (marked by mistake, or delivered and not accepted):
        "ok", "unchanged" when it is open already, "not_found" for an id this channel lacks."""
        with self._store.transaction(scope):
            before = self._store.revision(scope)
            item = self.get(scope, number)
            if item is None:
                return ItemResult("not_found")
            if item.is_open:
                return ItemResult("unchanged", item)
            changed = item.reopen(by, self._clock.now())
            self._store.put(scope, COMMITMENT, str(number), changed.to_doc())
            self._cache_change(scope, before, changed)
            return ItemResult("ok", changed)

    def _mark_agreed(self, scope: Scope, number: int) -> ItemResult:
        """A dropped item marked as cancelled by agreement ("unchanged" if it was already)."""
        with self._store.transaction(scope):
            before = self._store.revision(scope)
            item = self.get(scope, number)
            if item is None or item.status != "dropped":
                return ItemResult("not_found" if item is None else "already_closed", item)
            if item.mutual:
                return ItemResult("unchanged", item)
            changed = replace(item, mutual=True)
            self._store.put(scope, COMMITMENT, str(number), changed.to_doc())
            self._cache_change(scope, before, changed)
            return ItemResult("ok", changed)

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
            before = self._store.revision(scope)
            item = self.get(scope, number)
            if item is None:
                return ItemResult("not_found")
            if not item.is_open:
                return ItemResult("already_closed", item)
            changed = change(item)
            self._store.put(scope, COMMITMENT, str(number), changed.to_doc())
            self._cache_change(scope, before, changed)
            return ItemResult("ok", changed)
