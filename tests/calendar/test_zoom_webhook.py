"""`POST /webhooks/zoom` (optional): Zoom's meeting.ended, signed Zoom's way, becomes one debrief."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
import requests

from bot.emulator.local_bot import LocalBot
from bot.zoom_webhook import ZOOM_PATH, zoom_signature
from tests.conftest import ALICE, CAROL, DEAL, OTHER
from tests.e2e.helpers import all_text

SECRET = "zoom-secret-token-0123"


@pytest.fixture
def zoom_bot(emulator, clock, tmp_path):
    local = LocalBot(emulator, tmp_path / "db.json", clock)
    local.settings = dataclasses.replace(local.settings, zoom_webhook_secret=SECRET)
    local.start()
    yield local
    local.stop()


def send(bot, payload, *, secret=SECRET, timestamp=None, signed=True):
    body = json.dumps(payload).encode()
    ts = str(int(time.time()) if timestamp is None else timestamp)
    headers = {"Content-Type": "application/json", "x-zm-request-timestamp": ts}
    if signed:
        headers["x-zm-signature"] = zoom_signature(secret, ts, body)
    return requests.post(bot.base_url + ZOOM_PATH, data=body, headers=headers, timeout=10)


def ended(topic="Acme Corp renewal", uuid="4444AAAiAAAAAiAiAiiAii==", end_time="2026-11-23T15:00:00Z"):
    return {"event": "meeting.ended", "event_ts": 1, "payload": {"account_id": "abc", "object": {
        "uuid": uuid, "id": "85012345678", "host_id": "z8yCxjabcdEFGHfp8uQ", "topic": topic, "type": 2,
        "start_time": "2026-11-23T14:30:00Z", "end_time": end_time, "duration": 30, "timezone": "UTC"}}}


def debriefs(emulator, channel=DEAL):
    return [m for m in emulator.messages(channel) if "Debrief" in all_text(m)]


def test_the_url_validation_challenge_is_answered_with_the_tokens_hmac(zoom_bot):
    challenge = {"event": "endpoint.url_validation", "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"}}
    response = send(zoom_bot, challenge)
    assert response.status_code == 200
    expected = hmac.new(SECRET.encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
    assert response.json() == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": expected}


def test_the_challenge_is_no_signing_oracle(zoom_bot):
    challenge = {"event": "endpoint.url_validation", "payload": {"plainToken": "abc"}}
    unsigned = send(zoom_bot, challenge, signed=False)
    assert unsigned.status_code == 401
    forged_body = 'v0:1700000000:{"event": "meeting.ended"}'
    shaped = send(zoom_bot, {"event": "endpoint.url_validation", "payload": {"plainToken": forged_body}})
    assert shaped.status_code == 400 and "encryptedToken" not in shaped.text


def test_a_meeting_with_the_deal_in_its_topic_gets_one_debrief_even_if_zoom_retries(
        zoom_bot, emulator, clock):
    zoom_bot.driver.command("deal Acme Corp qualified", user=ALICE, channel=DEAL)
    first = send(zoom_bot, ended())
    assert first.json() == {"ok": True, "matched": 1, "planned": True}
    assert send(zoom_bot, ended()).status_code == 200  # Zoom's retry
    schedule = zoom_bot.runtime.services.schedule
    schedule.run_due()
    assert debriefs(emulator) == []  # due five minutes after the end
    clock.advance(timedelta(minutes=6))
    schedule.run_due()
    schedule.sweep()
    [post] = debriefs(emulator)
    assert "Acme Corp renewal" in all_text(post) and "Debrief: Acme Corp" in all_text(post)


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"secret": "wrong"}, "invalid_signature"),
    ({"signed": False}, "missing_signature"),
    ({"timestamp": 1000}, "stale_timestamp"),
    ({"timestamp": "²"}, "invalid_timestamp"),  # a digit to str.isdigit(), not to int()
])
def test_unsigned_forged_or_stale_requests_are_refused_and_change_nothing(
        zoom_bot, emulator, clock, kwargs, error):
    zoom_bot.driver.command("deal Acme Corp qualified", user=ALICE, channel=DEAL)
    response = send(zoom_bot, ended(), **kwargs)
    assert response.status_code == 401 and response.json()["error"] == error
    clock.advance(timedelta(hours=1))
    zoom_bot.runtime.services.schedule.sweep()
    assert debriefs(emulator) == []


def test_a_topic_naming_deals_in_two_channels_or_none_posts_nothing(zoom_bot, emulator, clock):
    zoom_bot.driver.command("deal Acme Corp qualified", user=ALICE, channel=DEAL)
    zoom_bot.driver.command("deal Acme qualified", user=CAROL, channel=OTHER)
    assert send(zoom_bot, ended()).json()["matched"] == 2
    assert send(zoom_bot, ended(topic="Team lunch", uuid="other")).json()["matched"] == 0
    clock.advance(timedelta(hours=1))
    zoom_bot.runtime.services.schedule.sweep()
    assert debriefs(emulator) == [] and debriefs(emulator, OTHER) == []


@pytest.mark.parametrize("body", [b"not json", b"[]", json.dumps({"event": "meeting.ended"}).encode()])
def test_malformed_events_are_400(zoom_bot, body):
    ts = str(int(time.time()))
    response = requests.post(zoom_bot.base_url + ZOOM_PATH, data=body, timeout=10, headers={
        "x-zm-request-timestamp": ts, "x-zm-signature": zoom_signature(SECRET, ts, body)})
    assert response.status_code == 400


def test_without_the_secret_the_route_does_not_exist(bot):
    assert requests.post(bot.base_url + ZOOM_PATH, data=b"{}", timeout=10).status_code == 404


def test_a_zoom_call_the_calendar_already_knows_is_asked_about_once(team, zoom_bot, emulator, clock, feeds):
    from datetime import UTC, datetime

    from tests.calendar.feed_server import Route, fixture

    slack, schedule = zoom_bot.driver, zoom_bot.runtime.services.schedule
    slack.command("deal Acme Corp qualified", user=ALICE, channel=DEAL)
    slack.command("deal Acme Corp domain acme.com", user=ALICE, channel=DEAL)
    url = feeds.serve("/alice.ics", Route(fixture("google_alice.ics")))
    slack.command(f"calendar connect {url}", user=ALICE, channel=DEAL)
    schedule.sweep()
    clock.set(datetime(2026, 11, 23, 16, 31, tzinfo=UTC))
    assert send(zoom_bot, ended(topic="Acme Corp pilot review", end_time="2026-11-23T16:31:00Z")).ok
    clock.advance(timedelta(minutes=10))
    schedule.sweep()
    assert len(debriefs(emulator)) == 1


def test_only_the_first_300_characters_of_a_topic_are_read(zoom_bot):
    # Zoom's own limit is 200; a body-sized topic was read once per deal of the workspace.
    zoom_bot.driver.command("deal Acme Corp qualified", user=ALICE, channel=DEAL)
    buried = send(zoom_bot, ended(topic="filler " * 60_000 + "Acme Corp", uuid="buried=="))
    assert buried.json() == {"ok": True, "matched": 0, "planned": False}
    first = send(zoom_bot, ended(topic="Acme Corp renewal " + "x" * 400_000, uuid="first=="))
    assert first.json() == {"ok": True, "matched": 1, "planned": True}
