"""bot.slack.coalesce: one run at a time per key, the asks meanwhile folded into one more run."""

from __future__ import annotations

import threading

import pytest

from bot.slack.coalesce import Coalescer


def test_asks_during_a_run_make_exactly_one_more_run_and_other_keys_run_at_once():
    coalescer, runs, inside, go = Coalescer(), [], threading.Event(), threading.Event()

    def slow():
        runs.append("alice")
        if len(runs) == 1:
            inside.set()
            go.wait(5)

    first = threading.Thread(target=coalescer.run, args=("alice", slow))
    first.start()
    assert inside.wait(5)
    assert [coalescer.run("alice", slow) for _ in range(5)] == [False] * 5
    assert coalescer.run("bob", lambda: runs.append("bob")) is True
    go.set()
    first.join(5)
    assert runs == ["alice", "bob", "alice"]
    assert coalescer.run("alice", slow) is True  # the key is free again


def test_a_run_that_fails_frees_its_key():
    coalescer = Coalescer()
    with pytest.raises(RuntimeError):
        coalescer.run("alice", lambda: (_ for _ in ()).throw(RuntimeError("slack down")))
    assert coalescer.run("alice", lambda: None) is True
