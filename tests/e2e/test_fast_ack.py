"""Slack gets its answer as soon as a listener acks; what comes after the ack still runs."""

from __future__ import annotations

import time

from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import all_text, reply_text


def _wait_for(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def test_the_answer_does_not_wait_for_posts_after_the_ack(slack, emulator):
    hold = emulator.hold_next("chat.postMessage", record=False)
    try:
        # The stage prompt is posted after the ack; Slack's side of that post is held.
        response = slack.command("deal Acme negotiation", user=ALICE, channel=DEAL)
        assert response.status_code == 200
        assert "Acme" in reply_text(response)
        assert hold.wait_arrived()  # the post is in flight, unanswered, after the answer came
        assert emulator.messages(DEAL) == []
    finally:
        hold.release()
    # The held attempt got no answer; the post still goes out (the client retries it).
    _wait_for(lambda: any("Acme" in all_text(m) for m in emulator.messages(DEAL)))


def test_many_requests_at_once_are_each_answered_with_their_own_reply(slack):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=10) as pool:
        replies = list(pool.map(
            lambda i: reply_text(slack.command(f"give item number {i}", user=ALICE, channel=DEAL)),
            range(30)))
    for i, text in enumerate(replies):
        assert f"item number {i}" in text  # nobody got another request's answer
    numbers = sorted(int(t.split("#", 1)[1].split()[0].rstrip(":*")) for t in replies)
    assert numbers == list(range(1, 31))

