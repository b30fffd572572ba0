"""A string UTF-8 can't encode must not wedge the TinyDB journal.

Inputs are refused before they get here (tests/reliability/test_attack_odd_payloads.py);
this is the store's own guard: a journal line that failed to encode stayed pending, so
every later write, in every channel, failed the same way until a restart.
"""

from __future__ import annotations

from bot.store import Scope, TinyDBStore

LONE = "Acme\ud800"


def test_a_lone_surrogate_is_stored_and_later_writes_and_compaction_still_work(tmp_path):
    path = tmp_path / "db.json"
    store = TinyDBStore(path)
    store.put(Scope("T1", "C1"), "deal", "acme", {"name": LONE})
    store.put(Scope("T1", "C2"), "deal", "globex", {"name": "Globex"})
    store.close()
    again = TinyDBStore(path)
    assert again.get(Scope("T1", "C1"), "deal", "acme") == {"name": LONE}
    assert again.get(Scope("T1", "C2"), "deal", "globex") == {"name": "Globex"}
    again._compact()  # rewriting the whole file hits the same string
    again.put(Scope("T1", "C2"), "deal", "initech", {"name": "Initech"})
    again.close()
    reopened = TinyDBStore(path)
    assert reopened.get(Scope("T1", "C1"), "deal", "acme") == {"name": LONE}
    assert reopened.get(Scope("T1", "C2"), "deal", "initech") == {"name": "Initech"}
    reopened.close()
