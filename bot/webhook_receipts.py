"""What the CRM webhook has taken, remembered in the store for as long as it matters.

Two memories, each bounded:

* **signatures**, for the minutes a request's timestamp is accepted (5 minutes either way,
  so 10): the same request again within them, a replay of a captured one or the CRM's own
  retry, changes nothing, even after a restart or on another process sharing a PostgreSQL
  database. Past them the timestamp refuses it, so the memory can go.
* **event ids** (the payload's optional ``id``), per channel, for 30 days: a re-signed retry
  of an event changes nothing. CRMs retry for a day or three; after 30 days only someone
  holding the secret can send that id again, and a captured request is refused by its
  timestamp long before. A channel keeps at most the 10,000 most recent ids (ids younger
  than the replay window are never dropped); older ones go at the next hourly clean-up.

Before this, every id was kept forever: one document per webhook, growing without end.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from bot.store import Scope, Store
from bot.timestamped_signature import MAX_SKEW_SECONDS

#: Where request signatures are kept (not a channel: no sweep or page reads it).
SIGNATURES = Scope("_webhooks", "_signatures")
SIGNATURE_KIND = "webhook-signature"
#: Where event ids are kept, in the channel's own scope (as since ids were introduced).
EVENT_KIND = "webhook-event"
#: A signature matters while its timestamp could still be accepted: 5 minutes either way.
SIGNATURES_KEPT = timedelta(seconds=2 * MAX_SKEW_SECONDS)
EVENT_IDS_KEPT = timedelta(days=30)
EVENT_IDS_PER_CHANNEL = 10_000
PRUNE_EVERY = timedelta(hours=1)


class WebhookReceipts:
    """The webhook's durable memory of signatures and event ids (see the module)."""

    def __init__(self, store: Store, *, ids_kept: timedelta = EVENT_IDS_KEPT,
                 ids_per_channel: int = EVENT_IDS_PER_CHANNEL) -> None:
        self._store = store
        self._ids_kept = ids_kept
        self._ids_per_channel = ids_per_channel
        self._pruned: dict[Scope, datetime] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ signatures

    def first_signature(self, signature: str, now: datetime) -> bool:
        """True the first time this request signature is seen (``now``: the wall clock, which
        the request's timestamp is checked against)."""
        first = self._store.add_once(SIGNATURES, SIGNATURE_KIND, signature, {"at": _iso(now)})
        if self._due(SIGNATURES, now, every=SIGNATURES_KEPT):
            self._prune(SIGNATURES, SIGNATURE_KIND, now - SIGNATURES_KEPT, keep_at_most=None, now=now)
        return first

    def forget_signature(self, signature: str) -> None:
        """The request wasn't applied: its retry must get through."""
        self._store.delete(SIGNATURES, SIGNATURE_KIND, signature)

    # ------------------------------------------------------------------ event ids

    def first_event(self, scope: Scope, event_id: str, now: datetime) -> bool:
        """True the first time the channel's webhook sees ``event_id`` (within its 30 days)."""
        first = self._store.add_once(scope, EVENT_KIND, event_id, {"at": _iso(now)})
        if self._due(scope, now, every=PRUNE_EVERY):
            self._prune(scope, EVENT_KIND, now - self._ids_kept, keep_at_most=self._ids_per_channel, now=now)
        return first

    def forget_event(self, scope: Scope, event_id: str) -> None:
        """The event wasn't applied: the CRM's retry must get through."""
        self._store.delete(scope, EVENT_KIND, event_id)

    # ------------------------------------------------------------------ clean-up

    def _due(self, scope: Scope, now: datetime, every: timedelta) -> bool:
        with self._lock:
            last = self._pruned.get(scope)
            if last is not None and timedelta(0) <= now - last < every:
                return False
            if len(self._pruned) > 10_000:  # one entry per channel that gets webhooks
                self._pruned.clear()
            self._pruned[scope] = now
            return True

    def _prune(self, scope: Scope, kind: str, before: datetime, *, keep_at_most: int | None,
               now: datetime) -> int:
        """Forget receipts older than ``before`` and, past ``keep_at_most``, the oldest ones,
        never one young enough that its request could still be replayed. One transaction."""
        with self._store.transaction(scope):
            receipts = sorted(((_at(doc), key) for kind_, key, doc in self._store.records(scope)
                               if kind_ == kind), reverse=True)  # newest first
            replayable = now - SIGNATURES_KEPT
            gone = [key for index, (at, key) in enumerate(receipts)
                    if at < before or (keep_at_most is not None and index >= keep_at_most
                                       and at < replayable)]
            for key in gone:
                self._store.delete(scope, kind, key)
        return len(gone)


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds")


def _at(doc: dict) -> datetime:
    """When a receipt was written; one without a readable time counts as very old."""
    try:
        when = datetime.fromisoformat(str(doc.get("at")))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return when if when.tzinfo else when.replace(tzinfo=UTC)
