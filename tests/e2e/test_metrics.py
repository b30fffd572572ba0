"""Prometheus metrics at GET /metrics: off by default, behind a bearer token when one is set,
and counting what really happens (requests, failures, scheduled posts, Slack API calls)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import requests

from bot import metrics
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import reply_text
from tests.e2e.metrics_support import TOKEN, scrape, value
from tests.e2e.serve_process import ServeProcess


def wait_for(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


@pytest.fixture
def counting(monkeypatch):
    """Metrics on in this test process (an in-memory registry, gone after the test)."""
    recorder = metrics.PrometheusMetrics(None)
    monkeypatch.setattr(metrics, "_current", recorder)
    return recorder


@pytest.fixture
def served(emulator, tmp_path):
    """`partner-coach serve` as a subprocess with metrics on and a token."""
    process = ServeProcess(emulator, tmp_path / "db.json", PARTNER_COACH_METRICS="1",
                           PARTNER_COACH_METRICS_TOKEN=TOKEN).wait_ready()
    yield process
    process.terminate()


def test_metrics_are_off_by_default(bot):
    response = requests.get(bot.base_url + "/metrics", timeout=5)
    assert response.status_code == 404
    assert "partner_coach" not in response.text


def test_metrics_answer_only_the_bearer_token(served):
    missing = requests.get(served.url + "/metrics", timeout=5)
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert "partner_coach" not in missing.text
    for wrong in ("Bearer not-the-token", f"Basic {TOKEN}", "Bearer", f"Bearer {TOKEN}x"):
        refused = requests.get(served.url + "/metrics", headers={"Authorization": wrong}, timeout=5)
        assert refused.status_code == 403, wrong
        assert "partner_coach" not in refused.text
    assert requests.post(served.url + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"},
                         timeout=5).status_code == 405
    assert "partner_coach_ack_seconds" in scrape(served.url)


def test_counters_move_when_slack_traffic_flows(served, emulator):
    before = scrape(served.url)
    assert value(before, "partner_coach_ack_seconds_count", kind="command") == 0
    slack = served.driver
    given = slack.command("give pilot workspace by Friday", user=ALICE, channel=DEAL)
    assert "Logged #1" in reply_text(given), served.output()
    assert slack.message("just a chat about lunch", user=ALICE, channel=DEAL).status_code == 200
    # The stage prompt is posted after the ack; Slack rate-limits the first try once.
    emulator.fail_next("chat.postMessage", "ratelimited", retry_after=1)
    slack.command("deal Acme negotiation", user=ALICE, channel=DEAL)
    wait_for(lambda: [m for m in emulator.messages(DEAL) if "Acme" in str(m)])
    after = wait_for(lambda: (text := scrape(served.url)) and value(
        text, "partner_coach_slack_api_calls_total", method="chat.postMessage", status="200") >= 1 and text)
    assert value(after, "partner_coach_ack_seconds_count", kind="command") == 2
    assert value(after, "partner_coach_ack_seconds_count", kind="event") == 1
    assert value(after, "partner_coach_ack_seconds_sum", kind="command") > 0
    # Every ack of this test was well inside Slack's 3 seconds.
    assert value(after, "partner_coach_ack_seconds_bucket", kind="command", le="3.0") == 2
    assert value(after, "partner_coach_slack_api_calls_total", method="chat.postMessage", status="429") == 1
    assert value(after, "partner_coach_slack_api_calls_total", method="users.info", status="200") >= 1
    assert value(after, "partner_coach_listener_errors_total", kind="command") == 0


def test_a_failing_listener_is_counted_and_the_user_gets_an_apology(bot, counting, monkeypatch):
    def broken(actor, command):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(bot.runtime.services.partner, "handle", broken)
    text = reply_text(bot.driver.command("give pilot", user=ALICE, channel=DEAL))
    assert "went wrong" in text
    scraped = scrape(bot.base_url, token=None)
    assert value(scraped, "partner_coach_listener_errors_total", kind="command") == 1
    assert value(scraped, "partner_coach_ack_seconds_count", kind="command") == 1


def test_an_uncaught_listener_error_is_counted_by_kind(bot, counting, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("home tab exploded")

    monkeypatch.setattr(bot.runtime.services, "publish_home", broken)
    assert bot.driver.app_home_opened(user=ALICE).status_code == 200
    scraped = wait_for(lambda: (text := scrape(bot.base_url, token=None)) and value(
        text, "partner_coach_listener_errors_total", kind="event") >= 1 and text)
    assert value(scraped, "partner_coach_listener_errors_total", kind="event") == 1
    assert value(scraped, "partner_coach_listener_errors_total", kind="command") == 0


def test_scheduled_posts_count_sent_failed_lateness_and_pending(bot, counting, clock, emulator):
    slack = bot.driver
    slack.command("deal Acme signed", user=ALICE, channel=DEAL)
    schedule = bot.runtime.services.schedule
    wait_for(lambda: len([d for _, d in schedule.jobs.all_active() if d["type"] == "checkin"]) == 3)
    # The 7-day check-in is due Monday 2026-11-30 15:00 UTC; the bot was down until 17:00.
    clock.set(clock.now() + timedelta(days=7, hours=2))
    report = schedule.run_due()
    assert "checkin:acme:7" in report.posted
    scraped = scrape(bot.base_url, token=None)
    sent = len(report.posted)
    assert value(scraped, "partner_coach_scheduled_posts_total", result="sent") == sent
    assert value(scraped, "partner_coach_scheduled_post_lateness_seconds_count") == sent
    assert value(scraped, "partner_coach_scheduled_post_lateness_seconds_sum") >= 2 * 3600
    assert value(scraped, "partner_coach_scheduled_post_lateness_seconds_bucket", le="3600.0") < sent
    pending = sum(1 for _ in schedule.jobs.all_active())
    assert pending >= 2  # the 30- and 90-day check-ins at least
    assert value(scraped, "partner_coach_jobs_pending") == pending
    # A post Slack refuses for good counts as failed.
    emulator.fail_next("chat.postMessage", "channel_not_found")
    clock.set(clock.now() + timedelta(days=23))
    report = schedule.run_due()
    assert "checkin:acme:30" in report.failed
    assert value(scrape(bot.base_url, token=None), "partner_coach_scheduled_posts_total",
                 result="failed") == len(report.failed)
