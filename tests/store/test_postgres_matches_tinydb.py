"""The PostgreSQL store, with its queued writes, per-write revisions and the documents it
remembers between transactions, behaves like the TinyDB store: random sequences of calls,
inside and outside transactions and from two processes, give the same answers, and a
revision changes exactly when the other store's does."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.store import Scope, TinyDBStore
from bot.store.postgres_store import PostgresStore
from tests.postgres.support import postgres_for_tests

SCOPES = [Scope("T1", "C1"), Scope("T1", "C2")]
KEYS = ["a", "b"]

scope_ = st.sampled_from(range(len(SCOPES)))
kind_ = st.sampled_from(["x", "y"])
key_ = st.sampled_from(KEYS)
value_ = st.one_of(st.integers(-3, 3), st.text(max_size=5).filter(lambda t: "\x00" not in t))
call_ = st.one_of(
    st.tuples(st.just("put"), scope_, kind_, key_, value_),
    st.tuples(st.just("add_once"), scope_, kind_, key_, value_),
    st.tuples(st.just("delete"), scope_, kind_, key_),
    st.tuples(st.just("update"), scope_, kind_, key_, value_),
    st.tuples(st.just("get"), scope_, kind_, key_),
    st.tuples(st.just("find"), scope_, kind_),
    st.tuples(st.just("records"), scope_),
)
# A block of calls, by one of two processes, run in one transaction (on the scope of its
# first call) or one by one.
block_ = st.tuples(st.sampled_from([0, 1]), st.booleans(), st.lists(call_, min_size=1, max_size=6))


def run(store, call: tuple) -> object:
    name, scope, *rest = call
    scope = SCOPES[scope]
    if name == "put":
        kind, key, value = rest
        return store.put(scope, kind, key, {"v": value, "at": f"2026-0{len(key)}"})
    if name == "add_once":
        kind, key, value = rest
        return store.add_once(scope, kind, key, {"v": value, "at": "2026-02"})
    if name == "update":
        kind, key, value = rest
        return store.update(scope, kind, key, lambda d: None if value == 0 else {**(d or {}), "v": value})
    if name == "records":  # each kind in insertion order; the order of kinds is the store's own
        return sorted(store.records(scope), key=lambda record: record[0])
    return getattr(store, name)(scope, *rest)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(block_, min_size=1, max_size=8))
def test_postgres_answers_like_tinydb(blocks):
    database = postgres_for_tests()
    database.reset()
    with tempfile.TemporaryDirectory() as tmp:
        tiny = TinyDBStore(Path(tmp) / "db.json")
        # Two PostgreSQL stores taking turns stand in for two processes: what one remembers
        # of a scope must not outlive the other's writes.
        pgs = [PostgresStore(database.url), PostgresStore(database.url)]
        try:
            for process, in_transaction, calls in blocks:
                pg = pgs[process]
                answers: list[tuple[list, list[bool]]] = []
                for store in (tiny, pg):
                    seen, moved = [], []
                    revisions = [store.revision(s) for s in SCOPES]

                    def step(call: tuple) -> None:
                        seen.append(run(store, call))  # noqa: B023
                        now = [store.revision(s) for s in SCOPES]  # noqa: B023
                        moved.append([a != b for a, b in zip(revisions, now, strict=True)])  # noqa: B023
                        revisions[:] = now  # noqa: B023

                    if in_transaction:
                        with store.transaction(SCOPES[calls[0][1]]):
                            for call in calls:
                                step(call)
                    else:
                        for call in calls:
                            step(call)
                    answers.append((seen, moved))
                assert answers[1] == answers[0], (in_transaction, calls)
            for scope in range(len(SCOPES)):  # and what was committed is the same
                assert run(pgs[0], ("records", scope)) == run(tiny, ("records", scope))
        finally:
            tiny.close()
            for pg in pgs:
                pg.close()
