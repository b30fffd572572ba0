"""Wrong plan-page tokens per client: a fixed window on the injectable clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.clock import FakeClock
from bot.web.plan_page import MissLimiter

START = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)


def limiter(allowed: int = 3) -> tuple[MissLimiter, FakeClock]:
    clock = FakeClock(START)
    return MissLimiter(clock, allowed=allowed, window=WINDOW), clock


def test_a_client_is_blocked_at_the_allowed_count_until_its_window_ends():
    misses, clock = limiter()
    for _ in range(2):
        misses.miss("10.0.0.1")
    assert misses.blocked_for("10.0.0.1") == 0  # two of three: still allowed
    misses.miss("10.0.0.1")
    assert misses.blocked_for("10.0.0.1") == 15 * 60  # the window started at the first miss
    clock.advance(timedelta(minutes=10, seconds=30))
    assert misses.blocked_for("10.0.0.1") == 4 * 60 + 30
    assert misses.blocked_for("10.0.0.2") == 0  # another client is not affected


def test_the_last_second_of_a_window_still_blocks_and_its_end_frees():
    misses, clock = limiter()
    for _ in range(3):
        misses.miss("10.0.0.1")
    clock.advance(WINDOW - timedelta(milliseconds=500))
    assert misses.blocked_for("10.0.0.1") == 1  # never 0 while blocked
    clock.advance(timedelta(milliseconds=500))
    assert misses.blocked_for("10.0.0.1") == 0
    misses.miss("10.0.0.1")  # a new window, counting from nothing
    misses.miss("10.0.0.1")
    assert misses.blocked_for("10.0.0.1") == 0
    misses.miss("10.0.0.1")
    assert misses.blocked_for("10.0.0.1") == 15 * 60
