"""A kill at each step of a scheduled post, for a single job and for a batch: after starting
again on the same database (a TinyDB file, or PostgreSQL), exactly one post went out, and
every job is recorded with it.

The kill points are described in :mod:`tests.schedule.crashes`; each test checks the kill
was reached before starting again.
"""

from __future__ import annotations

import pytest

from bot.schedule.jobs import ACTIVE
from tests.schedule.crashes import (
    BATCH_ONLY,
    KILL_POINTS,
    SHAPES,
    Process,
    assert_posted_exactly_once,
    marked_posts,
    read_jobs,
    seed,
    settle,
)


@pytest.fixture(params=["tinydb", "postgresql"])
def database(request, tmp_path):
    """Where the processes keep their jobs: a TinyDB file, or PostgreSQL (skipped without one)."""
    if request.param == "tinydb":
        return tmp_path / "db.json"
    from tests.postgres.support import postgres_for_tests

    test_database = postgres_for_tests()
    test_database.reset()
    return test_database.url


CASES = [(shape, point) for shape in SHAPES for point in KILL_POINTS
         if shape == "batch" or point not in BATCH_ONLY]


@pytest.mark.parametrize(("shape", "point"), CASES, ids=[f"{s}-killed-{p}" for s, p in CASES])
def test_a_kill_at_any_step_ends_in_exactly_one_post_after_a_restart(database, emulator, clock, shape,
                                                                       point):
    first = Process(database, clock, emulator)
    try:
        seed(first, SHAPES[shape])
        KILL_POINTS[point](first, emulator, clock)
        assert first.killed, "the kill point was never reached"
    finally:
        first.close()
    unsettled = [d for d in read_jobs(database, clock, emulator, SHAPES[shape]) if d["status"] in ACTIVE]
    assert unsettled, "the kill left nothing to recover: it tests nothing"
    reports = settle(database, clock, emulator)
    assert_posted_exactly_once(emulator, read_jobs(database, clock, emulator, SHAPES[shape]))
    assert [r.posted + r.recovered for r in reports[1:]] == [[], []]  # settled by the first restart


@pytest.mark.parametrize("shape", SHAPES)
def test_two_kills_in_a_row_at_the_same_step_still_post_once(database, emulator, clock, shape):
    # Killed after the post, then killed again while recording what the history showed.
    first = Process(database, clock, emulator)
    try:
        seed(first, SHAPES[shape])
        KILL_POINTS["after-the-post"](first, emulator, clock)
    finally:
        first.close()
    second = Process(database, clock, emulator)
    try:
        KILL_POINTS["during-the-record"](second, emulator, clock)
        assert second.killed
    finally:
        second.close()
    assert len(marked_posts(emulator)) == 1
    settle(database, clock, emulator)
    assert_posted_exactly_once(emulator, read_jobs(database, clock, emulator, SHAPES[shape]))
