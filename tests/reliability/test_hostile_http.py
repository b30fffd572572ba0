"""Malformed, replayed and hostile requests: always a 4xx, never a 500, and the server keeps serving."""

from __future__ import annotations

import json
import time

import pytest
import requests

from bot.store import Scope
from tests.conftest import ALICE, DEAL

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def still_serving(bot, slack):
    assert requests.get(bot.base_url + "/healthz", timeout=5).status_code == 200
    assert slack.command("give still here", user=ALICE, channel=DEAL).status_code == 200


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", JSON),
        (b'{"type": "event_callback"}', JSON),  # no event
        (b'{"type": "event_callback", "event": "nope"}', JSON),
        (b"[]", JSON),
        (b"payload=%7Bbroken", FORM),
        (b"payload=%5B%5D", FORM),
        (b"command=%2Fpartner", FORM),  # missing fields
        (b"\xff\xfe\xfa invalid utf-8", FORM),
        (b"\xff\xfe\xfa invalid utf-8", JSON),
        (b"hello", "text/plain"),
        (b"", JSON),
        (b"<xml/>", "application/xml"),
    ],
)
def test_malformed_signed_bodies_get_4xx_not_500(bot, slack, body, content_type):
    response = slack.post_raw(body, content_type)
    assert 400 <= response.status_code < 500, response.status_code
    still_serving(bot, slack)


def test_huge_body_is_refused_with_413(bot, slack):
    body = b"text=" + b"x" * (1024 * 1024 + 10)
    response = slack.post_raw(body, FORM)
    assert response.status_code == 413
    still_serving(bot, slack)


def test_replayed_request_older_than_5_minutes_is_refused_even_when_signed(bot, slack):
    old = int(time.time()) - 6 * 60
    response = slack.command("give replayed", user=ALICE, channel=DEAL, timestamp=old)
    assert response.status_code == 401
    assert bot.runtime.services.ledger.items(Scope("T0001", DEAL)) == []


def test_unsigned_and_badly_signed_requests_are_refused(bot, slack):
    assert requests.post(bot.events_url, data={"command": "/partner", "text": "give x"},
                         timeout=5).status_code == 401
    assert slack.command("give forged", user=ALICE, channel=DEAL, bad_signature=True).status_code == 401
    assert bot.runtime.services.ledger.items(Scope("T0001", DEAL)) == []


def test_same_event_delivered_four_times_is_acted_on_once(bot, slack, emulator):
    event = {"type": "message", "user": ALICE, "channel": DEAL, "ts": "1700000400.000100",
             "text": "I'll send the pricing sheet by Friday"}
    for retry in (None, 1, 2, 3):
        assert slack.event(event, event_id="EvFOURTIMES", retry_num=retry).status_code == 200
    bot.wait_idle()
    assert len(emulator.calls_to("chat.postEphemeral")) == 1


def test_retried_crm_post_prompts_once(bot, slack, emulator):
    event = {"type": "message", "bot_id": "B0HUB", "channel": DEAL, "ts": "1700000401.000100",
             "text": "Deal stage changed: Acme moved from Proposal to Negotiation"}
    for retry in (None, 1, 2, 3):
        slack.event(event, event_id="EvCRMRETRY", retry_num=retry)
    bot.wait_idle()
    assert len(emulator.calls_to("chat.postMessage")) == 1


def test_a_retried_delivery_never_runs_a_listener_again(bot, slack, emulator):
    event = {"type": "message", "user": ALICE, "channel": DEAL, "ts": "1700000402.000100",
             "text": "I'll send the pricing sheet by Friday"}
    slack.event(event, event_id="EvRUNONCE")
    bot.wait_idle()
    runs = bot.runtime.listener_runs
    assert runs >= 1
    for retry in (1, 2, 3):
        assert slack.event(event, event_id="EvRUNONCE", retry_num=retry).status_code == 200
    bot.wait_idle()
    assert bot.runtime.listener_runs == runs and len(emulator.calls_to("chat.postEphemeral")) == 1


def test_url_verification_challenge(bot, slack):
    response = slack.url_verification("challenge-abc")
    assert response.status_code == 200 and "challenge-abc" in response.text


def test_wrong_methods_and_paths(bot):
    assert requests.get(bot.events_url, timeout=5).status_code == 405
    assert requests.get(bot.base_url + "/", timeout=5).status_code == 404
    assert requests.post(bot.base_url + "/healthz", timeout=5).status_code == 200


def test_unknown_action_and_view_ids_are_harmless(bot, slack, emulator):
    # No listener of ours matches (a button or form of an older release): the catch-alls
    # acknowledge it with a short note, where Bolt alone answered 404 (Slack then shows the
    # person a generic error, and a form can't be closed). Nothing is stored.
    store = bot.runtime.services.store
    before = [(scope, store.records(scope)) for scope in store.scopes("T0001")]
    calls = len(emulator.calls)
    assert slack.action("no_such_action", "x", user=ALICE, channel=DEAL).status_code == 200
    form = slack.view_submission("no_such_view", {}, user=ALICE)
    assert form.status_code == 200 and form.json() == {"response_action": "clear"}
    bot.wait_idle()
    notes = emulator.calls[calls:]
    assert [c.method for c in notes] == ["response_url"] and "older version" in notes[0].args["text"]
    assert [(scope, store.records(scope)) for scope in store.scopes("T0001")] == before
    still_serving(bot, slack)


def test_interactivity_payload_with_missing_fields_does_not_500(bot, slack):
    payload = json.dumps({"type": "block_actions", "actions": [{"action_id": "item_done"}]})
    response = slack.post_raw("payload=" + requests.utils.quote(payload), FORM)
    assert response.status_code != 500
    still_serving(bot, slack)
