"""The CRM webhook's memory of signatures and event ids is bounded, and never forgets one
while a captured request carrying it could still be replayed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.store import Scope
from bot.store.tinydb_store import TinyDBStore
from bot.webhook_receipts import EVENT_KIND, SIGNATURE_KIND, SIGNATURES, WebhookReceipts

T0 = datetime(2026, 11, 23, 15, tzinfo=UTC)
CHANNEL = Scope("T0001", "C0DEAL")


@pytest.fixture
def store(tmp_path):
    opened = TinyDBStore(tmp_path / "db.json")
    yield opened
    opened.close()


def kept(store, scope, kind) -> set[str]:
    return {key for kind_, key, _ in store.records(scope) if kind_ == kind}


def test_a_signature_is_taken_once_and_forgotten_after_its_ten_minutes(store):
    receipts = WebhookReceipts(store)
    assert receipts.first_signature("v1=a", T0)
    assert not receipts.first_signature("v1=a", T0 + timedelta(minutes=9))
    receipts.forget_signature("v1=a")  # refused, not applied: its retry gets through
    assert receipts.first_signature("v1=a", T0 + timedelta(minutes=9))
    # Past the window the timestamp refuses the request anyway: the memory can go.
    receipts.first_signature("v1=b", T0 + timedelta(minutes=30))
    assert kept(store, SIGNATURES, SIGNATURE_KIND) == {"v1=b"}


def test_a_signature_is_remembered_across_a_restart(store, tmp_path):
    assert WebhookReceipts(store).first_signature("v1=a", T0)
    assert not WebhookReceipts(store).first_signature("v1=a", T0 + timedelta(minutes=1))


def test_event_ids_are_kept_thirty_days_then_forgotten(store):
    receipts = WebhookReceipts(store)
    assert receipts.first_event(CHANNEL, "evt_1", T0)
    assert not receipts.first_event(CHANNEL, "evt_1", T0 + timedelta(days=29))  # a late CRM retry
    receipts.first_event(CHANNEL, "evt_2", T0 + timedelta(days=31))
    assert kept(store, CHANNEL, EVENT_KIND) == {"evt_2"}


def test_a_channel_keeps_at_most_its_newest_ids_but_none_still_replayable(store):
    receipts = WebhookReceipts(store, ids_per_channel=2)
    receipts.first_event(CHANNEL, "first", T0)  # the hourly clean-up runs here
    for n in range(5):
        receipts.first_event(CHANNEL, f"old_{n}", T0 + timedelta(minutes=1))
    for n in range(4):
        receipts.first_event(CHANNEL, f"young_{n}", T0 + timedelta(minutes=55))
    # An hour on, the clean-up keeps the 2 newest, and every id young enough that a captured
    # request carrying it could still be replayed (10 minutes), however many.
    receipts.first_event(CHANNEL, "last", T0 + timedelta(minutes=61))
    assert kept(store, CHANNEL, EVENT_KIND) == {"last", *(f"young_{n}" for n in range(4))}
    assert not receipts.first_event(CHANNEL, "young_0", T0 + timedelta(minutes=62))


def test_clean_up_leaves_every_other_record_of_the_channel_alone(store):
    store.put(CHANNEL, "item", "1", {"what": "a pilot"})
    receipts = WebhookReceipts(store)
    receipts.first_event(CHANNEL, "evt_1", T0)
    receipts.first_event(CHANNEL, "evt_2", T0 + timedelta(days=40))
    assert store.get(CHANNEL, "item", "1") == {"what": "a pilot"}


def test_a_receipt_written_by_an_older_release_is_read(store):
    # Older releases wrote "at" with microseconds; an unreadable one counts as very old.
    store.put(CHANNEL, EVENT_KIND, "legacy", {"at": "2026-11-20T10:00:00.123456+00:00"})
    store.put(CHANNEL, EVENT_KIND, "garbled", {"at": "yesterday"})
    receipts = WebhookReceipts(store)
    assert not receipts.first_event(CHANNEL, "legacy", T0)
    assert kept(store, CHANNEL, EVENT_KIND) == {"legacy"}
