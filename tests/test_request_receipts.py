"""The store's memory of Slack trigger ids: kept while a replay could be accepted, then gone."""

from __future__ import annotations

from bot.request_receipts import KEPT, KIND, RequestReceipts
from bot.store import Scope, TinyDBStore

DEAL = Scope("T1", "C1")
OTHER = Scope("T1", "C2")


def test_a_trigger_is_first_once_even_for_a_new_process(tmp_path):
    store = TinyDBStore(tmp_path / "db.json")
    assert RequestReceipts(store).first(DEAL, "trig-1")
    assert not RequestReceipts(store).first(DEAL, "trig-1")  # another process, the same store
    assert RequestReceipts(store).first(OTHER, "trig-2")
    store.close()


def test_triggers_are_forgotten_once_too_old_to_replay_and_tidying_is_rare(tmp_path):
    store = TinyDBStore(tmp_path / "db.json")
    now = [1_800_000_000.0]
    receipts = RequestReceipts(store, wall=lambda: now[0])
    receipts.first(DEAL, "old")
    now[0] += KEPT - 1
    receipts.first(DEAL, "recent")
    assert receipts.tidy(DEAL) == 0  # "old" could still be replayed: kept
    now[0] += 2
    assert receipts.tidy(DEAL) == 0  # tidied moments ago: not again yet
    now[0] += KEPT
    receipts.first(DEAL, "new")
    assert receipts.tidy(DEAL) == 2
    assert [doc["trigger"] for doc in store.find(DEAL, KIND)] == ["new"]
    store.close()


def test_a_trigger_exactly_one_window_old_is_kept(tmp_path):
    # Seen at `at`, a request may carry a timestamp up to 5 minutes later and be replayed
    # until 5 minutes after that: at `at + KEPT` it could still be accepted.
    store = TinyDBStore(tmp_path / "db.json")
    now = [1_800_000_000.0]
    receipts = RequestReceipts(store, wall=lambda: now[0])
    receipts.first(DEAL, "edge")
    now[0] += KEPT
    assert receipts.tidy(DEAL) == 0
    assert not receipts.first(DEAL, "edge")
    now[0] += 1
    other = RequestReceipts(store, wall=lambda: now[0])  # a process that hasn't tidied yet
    assert other.tidy(DEAL) == 1
    assert other.first(DEAL, "edge")
    store.close()


def test_tidying_again_at_the_same_instant_does_nothing(tmp_path):
    store = TinyDBStore(tmp_path / "db.json")
    receipts = RequestReceipts(store, wall=lambda: 1_800_000_000.0)
    assert receipts.tidy(DEAL) == 0
    # A receipt another process wrote with a stale clock: left for the next window.
    store.note(DEAL, KIND, "stale", {"trigger": "stale", "at": 1})
    assert receipts.tidy(DEAL) == 0
    assert [doc["trigger"] for doc in store.find(DEAL, KIND)] == ["stale"]
    store.close()


def test_a_channel_is_tidied_again_once_a_full_window_has_passed(tmp_path):
    store = TinyDBStore(tmp_path / "db.json")
    now = [1_800_000_000.0]
    receipts = RequestReceipts(store, wall=lambda: now[0])
    receipts.first(DEAL, "old")
    assert receipts.tidy(DEAL) == 0
    now[0] += KEPT  # exactly one window after the last tidy: due again
    store.note(DEAL, KIND, "stale", {"trigger": "stale", "at": 1})
    assert receipts.tidy(DEAL) == 1
    assert [doc["trigger"] for doc in store.find(DEAL, KIND)] == ["old"]
    store.close()
