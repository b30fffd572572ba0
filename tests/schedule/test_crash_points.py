"""A kill at each step of a scheduled post, for a single job and for a batch: after starting
again on the same file, exactly one post went out, and every job is recorded with it.

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

CASES = [(shape, point) for shape in SHAPES for point in KILL_POINTS
         if shape == "batch" or point not in BATCH_ONLY]


@pytest.mark.parametrize(("shape", "point"), CASES, ids=[f"{s}-killed-{p}" for s, p in CASES])
def test_a_kill_at_any_step_ends_in_exactly_one_post_after_a_restart(tmp_path, emulator, clock, shape,
                                                                       point):
    path = tmp_path / "db.json"
    first = Process(path, clock, emulator)
    try:
        seed(first, SHAPES[shape])
        KILL_POINTS[point](first, emulator, clock)
        assert first.killed, "the kill point was never reached"
    finally:
        first.close()
    unsettled = [d for d in read_jobs(path, clock, emulator, SHAPES[shape]) if d["status"] in ACTIVE]
    assert unsettled, "the kill left nothing to recover: it tests nothing"
    reports = settle(path, clock, emulator)
    assert_posted_exactly_once(emulator, read_jobs(path, clock, emulator, SHAPES[shape]))
    assert [r.posted + r.recovered for r in reports[1:]] == [[], []]  # settled by the first restart


@pytest.mark.parametrize("shape", SHAPES)
def test_two_kills_in_a_row_at_the_same_step_still_post_once(tmp_path, emulator, clock, shape):
    # Killed after the post, then killed again while recording what the history showed.
    path = tmp_path / "db.json"
    first = Process(path, clock, emulator)
    try:
        seed(first, SHAPES[shape])
        KILL_POINTS["after-the-post"](first, emulator, clock)
    finally:
        first.close()
    second = Process(path, clock, emulator)
    try:
        KILL_POINTS["during-the-record"](second, emulator, clock)
        assert second.killed
    finally:
        second.close()
    assert len(marked_posts(emulator)) == 1
    settle(path, clock, emulator)
    assert_posted_exactly_once(emulator, read_jobs(path, clock, emulator, SHAPES[shape]))
