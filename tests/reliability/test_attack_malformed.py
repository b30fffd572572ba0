"""Garbage gets a 4xx (or a usage reply), never a 500 or a logged traceback, from a real `serve`.

Unsigned requests with malformed signature headers, and signed ones whose payload is
nested 50,000 deep, has no actions, or carries ``state.values`` as a list; a meeting so
far away that the date overflows. After each, `serve`'s log must show no ERROR and no
traceback, and the bot keeps serving.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
import requests

from bot.webhook import signed_headers
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import reply_text
from tests.e2e.serve_process import ServeProcess

SECRET = "crm-shared-secret-for-tests"
FORM = "application/x-www-form-urlencoded"
DEEP = 50_000


@pytest.fixture
def served(emulator, tmp_path) -> Iterator[ServeProcess]:
    proc = ServeProcess(emulator, tmp_path / "db.json", DEAL_WEBHOOK_SECRET=SECRET).wait_ready()
    yield proc
    proc.close()


def quiet_log(proc: ServeProcess) -> str:
    """Stop `serve` and return its log, having checked it logged no error or traceback.

    `serve` lets every listener it acknowledged finish before it exits (Runtime.close), so
    whatever a request made it log is in the log by then."""
    assert proc.terminate() == 0
    log = proc.output()
    assert "Traceback" not in log, log[-3000:]
    assert " ERROR " not in log, log[-3000:]
    return log


def still_serving(proc: ServeProcess) -> None:
    assert requests.get(proc.url + "/healthz", timeout=5).status_code == 200
    listed = proc.driver.command("give still here", user=ALICE, channel=DEAL)
    assert listed.status_code == 200 and "still here" in listed.text


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=abc"},
        {"X-Slack-Request-Timestamp": "abc"},
        {"X-Slack-Request-Timestamp": "", "X-Slack-Signature": "v0=abc"},
        {"X-Slack-Request-Timestamp": "1e9", "X-Slack-Signature": "v0=abc"},
        {"X-Slack-Request-Timestamp": "-5", "X-Slack-Signature": "v0=abc"},
        {"X-Slack-Request-Timestamp": "9" * 400, "X-Slack-Signature": "v0=abc"},
        {"X-Slack-Request-Timestamp": "12 3", "X-Slack-Signature": "v0=abc"},
        {"X-Slack-Signature": "v0=abc"},
        {},
    ],
)
def test_unsigned_garbage_headers_are_401_without_a_traceback(served, headers):
    for _ in range(3):
        response = requests.post(served.driver.bot_url, data="command=%2Fpartner&text=give+x",
                                 headers={"Content-Type": FORM, **headers}, timeout=5)
        assert response.status_code == 401
    still_serving(served)
    quiet_log(served)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_json_nested_50000_deep_is_a_400_everywhere(served, emulator):
    driver = served.driver
    event = '{"type": "event_callback", "event": ' + nested(DEEP) + "}"
    assert driver.post_raw(event, "application/json").status_code == 400
    payload = '{"type": "block_actions", "actions": ' + nested(DEEP) + "}"
    assert driver.post_raw(urlencode({"payload": payload}), FORM).status_code == 400
    body = ('{"deal": "Acme", "stage": "signed", "channel": "' + DEAL + '", "x": '
            + nested(DEEP) + "}").encode()
    hook = requests.post(served.url + "/webhooks/deals", data=body,
                         headers=signed_headers(SECRET, body), timeout=10)
    assert hook.status_code == 400 and hook.json()["error"] == "invalid_json"
    still_serving(served)
    assert emulator.messages(DEAL) == []
    quiet_log(served)


def block_actions(driver, actions: object, state_values: object = None) -> dict:
    payload = driver._block_actions("item_done", "C0DEAL:1", ALICE, "b", "button",
                                    {"type": "message", "channel_id": DEAL, "message_ts": "1.2"})
    payload["actions"] = actions
    payload["channel"] = {"id": DEAL, "name": "deal-acme"}
    if state_values is not None:
        payload["state"] = {"values": state_values}
    return payload


@pytest.mark.parametrize(
    "mangle",
    [
        lambda d: block_actions(d, []),
        lambda d: block_actions(d, {}),
        lambda d: block_actions(d, [None]),
        lambda d: block_actions(d, ["item_done"]),
        lambda d: block_actions(d, [{"action_id": "item_done", "value": "C0DEAL:1"}]),  # no response_url
        lambda d: block_actions(d, [{"action_id": "record_give", "value": 7}]),
        lambda d: block_actions(d, [{"action_id": "item_done", "value": "1"}], state_values=[]),
        lambda d: block_actions(d, [{"action_id": "item_done", "value": "1"}], state_values=["x"]),
        lambda d: {"type": "view_submission", "user": {"id": ALICE, "team_id": "T0001"},
                   "team": {"id": "T0001"}, "view": {"callback_id": "record_modal", "id": "V1",
                                                     "state": {"values": []}, "private_metadata": ""}},
        lambda d: {"type": "view_submission", "user": {"id": ALICE, "team_id": "T0001"},
                   "team": {"id": "T0001"}, "view": {"callback_id": "debrief_modal", "id": "V1",
                                                     "state": {"values": [[]]}, "private_metadata": ""}},
        lambda d: {"type": "view_submission", "user": {"id": ALICE, "team_id": "T0001"},
                   "team": {"id": "T0001"}, "view": []},
    ],
)
def test_signed_but_malformed_interactivity_is_answered_without_a_traceback(served, emulator, mangle):
    payload = mangle(served.driver)
    response = served.driver.post_raw(urlencode({"payload": json.dumps(payload)}), FORM)
    assert response.status_code < 500
    still_serving(served)
    quiet_log(served)


@pytest.mark.parametrize(
    "text",
    [
        "meeting Acme in 99999999 days for 999999 hours",
        "meeting Acme in 99999999999999999999 minutes",
        "meeting Acme at 3pm for 999999999999 hours",
        "meeting Acme in 99999999.5 days",
    ],
)
def test_absurd_durations_get_a_usage_reply(served, emulator, text):
    response = served.driver.command(text, user=ALICE, channel=DEAL)
    assert response.status_code == 200
    answer = reply_text(response)
    assert ":warning:" in answer and "Usage" in answer, answer
    still_serving(served)
    quiet_log(served)


@pytest.mark.parametrize("text", ["give a pilot by 99999999 days from now",
                                  "give a pilot in 99999999999 weeks",
                                  "get the budget by 31/12/99999", "give a pilot in 1e309 days"])
def test_absurd_due_dates_never_crash(served, text):
    response = served.driver.command(text, user=ALICE, channel=DEAL)
    assert response.status_code == 200 and reply_text(response)
    still_serving(served)
    quiet_log(served)


@pytest.mark.parametrize("text", ["list \u00b2", "list page \u00b2", "crm remove \u00b2", "done \u00b2",
                                  "drop #\u00b9", "edit \u00b2 a new text"])
def test_digits_int_cannot_read_get_a_usage_reply(served, text):
    """"²" is a digit to str.isdigit() but not to int(): it must not reach int()."""
    response = served.driver.command(text, user=ALICE, channel=DEAL)
    assert response.status_code == 200 and ":warning:" in reply_text(response)
    quiet_log(served)


def test_a_button_value_int_cannot_read_is_refused(served, emulator):
    served.driver.action("item_done", "\u00b2", user=ALICE, channel=DEAL)
    emulator.wait_for(lambda calls: len(emulator.responses()) >= 1)
    assert ":warning:" in json.dumps(emulator.responses()[-1])
    quiet_log(served)
