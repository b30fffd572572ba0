"""The ledger reuses a channel's parsed items only while the store says nothing changed."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

from bot.clock import FakeClock
from bot.domain.coaching import side_records
from bot.domain.ledger import same_open_item
from bot.services.ledger import COMMITMENT, Ledger
from bot.store import Scope, TinyDBStore
from tests.conftest import ALICE, START

DEAL = Scope("T1", "C1")
OTHER = Scope("T1", "C2")


def _ledger(tmp_path):
    store = TinyDBStore(tmp_path / "db.json")
    return store, Ledger(store, FakeClock(START))


def _add(ledger, scope, what, side="give"):
    item, _ = ledger.add(scope, side=side, what=what, owner=ALICE, created_by=ALICE)
    return item


def test_items_follow_adds_closes_and_edits(tmp_path):
    store, ledger = _ledger(tmp_path)
    _add(ledger, DEAL, "pilot")
    assert [c.what for c in ledger.items(DEAL)] == ["pilot"]  # now cached
    _add(ledger, DEAL, "intro", side="get")
    ledger.close(DEAL, 1, "done", ALICE)
    ledger.edit(DEAL, 2, what="intro to the CFO", due_on=date(2026, 12, 1))
    items = ledger.items(DEAL)
    assert [(c.number, c.what, c.status, c.due_on) for c in items] == [
        (1, "pilot", "done", None), (2, "intro to the CFO", "open", date(2026, 12, 1))]
    store.close()
    # What the cache showed is what is stored: a fresh process reads the same.
    fresh = Ledger(TinyDBStore(tmp_path / "db.json"), FakeClock(START))
    assert fresh.items(DEAL) == items


def test_a_write_that_bypasses_the_ledger_is_seen(tmp_path):
    store, ledger = _ledger(tmp_path)
    _add(ledger, DEAL, "pilot")
    assert len(ledger.items(DEAL)) == 1
    doc = store.get(DEAL, COMMITMENT, "1")
    store.put(DEAL, COMMITMENT, "1", {**doc, "what": "changed elsewhere"})
    assert [c.what for c in ledger.items(DEAL)] == ["changed elsewhere"]
    store.delete(DEAL, COMMITMENT, "1")
    assert ledger.items(DEAL) == []


def test_other_writes_in_the_transaction_keep_the_cached_items(tmp_path):
    store, ledger = _ledger(tmp_path)
    _add(ledger, DEAL, "pilot")
    ledger.items(DEAL)  # a channel in use: its items are cached
    with ledger.transaction(DEAL):  # a give: the item, then the advice it shows, logged
        _add(ledger, DEAL, "intro")
        with ledger.other_writes(DEAL):
            store.put(DEAL, "coaching", "given", {"ids": {"benefit": []}})
    reads = []
    find = store.find
    store.find = lambda *args: reads.append(args) or find(*args)
    assert [c.what for c in ledger.items(DEAL)] == ["pilot", "intro"]
    assert reads == []  # from the cache
    store.put(DEAL, "coaching", "given", {"ids": {}})  # not declared: the channel is read again
    assert [c.what for c in ledger.items(DEAL)] == ["pilot", "intro"]
    assert len(reads) == 1


def test_callers_cannot_change_the_cached_list(tmp_path):
    _, ledger = _ledger(tmp_path)
    _add(ledger, DEAL, "pilot")
    ledger.items(DEAL).clear()
    assert len(ledger.items(DEAL)) == 1


def test_channels_are_cached_apart(tmp_path):
    _, ledger = _ledger(tmp_path)
    _add(ledger, DEAL, "pilot")
    _add(ledger, OTHER, "security review")
    assert [c.what for c in ledger.items(DEAL)] == ["pilot"]
    assert [c.what for c in ledger.items(OTHER)] == ["security review"]
    _add(ledger, OTHER, "reference call")
    assert [c.what for c in ledger.items(DEAL)] == ["pilot"]
    assert [c.number for c in ledger.items(OTHER)] == [1, 2]


def test_snapshot_records_always_match_counting_the_items_again(tmp_path):
    # Kept with the items and updated for each new one: after any mix of gives, gets with
    # due dates, closes, drops, edits, writes that bypass the ledger and a new day, the
    # records must be what counting the stored items from scratch says.
    store, ledger = _ledger(tmp_path)
    rng = random.Random(7)
    days = [date(2026, 11, 20), date(2026, 11, 23), date(2026, 12, 2)]
    today = days[0]
    for step in range(300):
        roll = rng.random()
        numbers = [c.number for c in ledger.items(DEAL)]
        if roll < 0.5 or not numbers:
            due = rng.choice([None, date(2026, 11, 18), date(2026, 11, 24), date(2026, 12, 9)])
            ledger.add(DEAL, side=rng.choice(["give", "get"]), what=f"thing {step}", owner=ALICE,
                       created_by=ALICE, due_on=due)
        elif roll < 0.7:
            ledger.close(DEAL, rng.choice(numbers), rng.choice(["done", "dropped"]), ALICE)
        elif roll < 0.8:
            due = date(2026, 11, 10) + timedelta(days=rng.randrange(30))
            ledger.edit(DEAL, rng.choice(numbers), what=None, due_on=due)
        elif roll < 0.85:
            doc = store.get(DEAL, COMMITMENT, str(rng.choice(numbers)))
            store.put(DEAL, COMMITMENT, str(doc["number"]), {**doc, "status": "open", "closed_at": None})
        elif roll < 0.9:
            today = rng.choice(days)
        items, records = ledger.snapshot(DEAL, today)
        assert items == ledger.items(DEAL)
        assert records == side_records(items, today), step
    assert sum(r.promised + r.dropped for r in records) == len(items)


def test_the_twin_of_a_give_is_always_what_comparing_every_item_finds(tmp_path):
    # The index of open items by text is kept with the cached items and updated with each
    # new one: after any mix of adds (the same texts again, in other cases), closes, edits
    # and writes that bypass the ledger, it must answer what a walk over the items answers.
    store, ledger = _ledger(tmp_path)
    rng = random.Random(11)
    texts = ["pilot", "Pilot", "a case study", "A CASE STUDY", "intro to the CFO"]
    dues = [None, date(2026, 11, 24), date(2026, 12, 9)]
    for step in range(300):
        roll = rng.random()
        numbers = [c.number for c in ledger.items(DEAL)]
        if roll < 0.5 or not numbers:
            ledger.add(DEAL, side=rng.choice(["give", "get"]), what=rng.choice(texts), owner=ALICE,
                       created_by=ALICE, due_on=rng.choice(dues))
        elif roll < 0.7:
            ledger.close(DEAL, rng.choice(numbers), rng.choice(["done", "dropped"]), ALICE)
        elif roll < 0.8:
            ledger.edit(DEAL, rng.choice(numbers), what=rng.choice(texts), due_on=rng.choice(dues))
        elif roll < 0.85:
            doc = store.get(DEAL, COMMITMENT, str(rng.choice(numbers)))
            store.put(DEAL, COMMITMENT, str(doc["number"]), {**doc, "status": "open", "closed_at": None})
        items = ledger.items(DEAL)
        for side, what, due in itertools.product(("give", "get"), texts, dues):
            assert ledger.open_twin(DEAL, side, what, due) == same_open_item(items, side, what, due), step
