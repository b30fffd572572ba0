"""A give on the default store (TinyDB): what is acknowledged is on disk, in one write."""

from __future__ import annotations

from bot.services.coach import COACHING, GIVEN_KEY
from bot.services.ledger import Ledger
from bot.store import Scope
from bot.store import journal as journal_module
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import reply_text


def test_a_give_and_the_advice_it_shows_are_one_durable_write(slack, bot, tmp_path, monkeypatch):
    # Each acknowledged give waits for its journal line to reach the disk. The advice shown
    # with it is logged too (so it isn't repeated for days); written apart, that would be a
    # second line and a second sync before the ack. (The giver's first give also notes who
    # Slack says they are, in a line of its own, but in the same sync: bot.slack.people.)
    syncs: list[int] = []
    sync_data = journal_module._sync_data
    monkeypatch.setattr(journal_module, "_sync_data", lambda fd: (syncs.append(fd), sync_data(fd)))
    journal = tmp_path / "db.json"
    scope = Scope("T0001", DEAL)
    logged_with_advice = 0
    for n, text in enumerate(["a pilot workspace", "a case study", "an intro to our CTO",
                              "the security review", "a discount on seats"], start=1):
        lines, synced = journal.read_bytes().count(b"\n"), len(syncs)
        advice = bot.runtime.store.get(scope, COACHING, GIVEN_KEY)
        assert f"Logged *#{n}*" in reply_text(slack.command(f"give {text}", user=ALICE, channel=DEAL))
        bot.wait_idle()
        assert len(syncs) == synced + 1, f"give #{n}"
        assert journal.read_bytes().count(b"\n") == lines + (2 if n == 1 else 1), f"give #{n}"
        logged_with_advice += bot.runtime.store.get(scope, COACHING, GIVEN_KEY) != advice
    assert logged_with_advice, "some of these gives should have logged advice"
    # The channel's cached items survived the advice log: they are what a fresh read finds.
    fresh = Ledger(bot.runtime.store, bot.clock)
    assert bot.runtime.services.ledger.items(scope) == fresh.items(scope)
