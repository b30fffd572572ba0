"""The signed-request driver: exact wire format, and a round trip through a real Bolt app."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.emulator import SlackDriver, SlackEmulator, state_value

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TRIGGER_ID = re.compile(r"^\d+\.\d+\.[0-9a-f]+$")


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode(), keep_blank_values=True).items()}

    def payload(self) -> dict[str, Any]:
        return json.loads(self.form()["payload"])


class Recorder(ThreadingHTTPServer):
    """A stand-in bot that records every request and answers 200."""

    def __init__(self) -> None:
        self.received: list[Received] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(handler) -> None:  # noqa: N802, N805
                body = handler.rfile.read(int(handler.headers["Content-Length"]))
                self.received.append(Received(handler.path, dict(handler.headers), body))
                handler.send_response(200)
                handler.send_header("Content-Length", "0")
                handler.end_headers()

            def log_message(handler, *args: Any) -> None:  # noqa: N805
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def last(self) -> Received:
        return self.received[-1]


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def emu() -> Iterator[SlackEmulator]:
    with SlackEmulator() as emulator:
        emulator.add_user("U_ALICE", real_name="Alice Archer")
        emulator.add_channel("C_DEAL", "deal-acme", members=["U_ALICE"])
        yield emulator


@pytest.fixture
def driver(recorder: Recorder, emu: SlackEmulator) -> Iterator[SlackDriver]:
    url = f"http://127.0.0.1:{recorder.server_address[1]}/slack/events"
    with SlackDriver(url, SECRET, emulator=emu) as slack:
        yield slack


def verified(request: Received, secret: str = SECRET) -> bool:
    return SignatureVerifier(secret).is_valid_request(request.body, request.headers)


# ---------------------------------------------------------------------- signing


def test_signature_matches_slack_sdk() -> None:
    driver = SlackDriver("http://unused", SECRET)
    body, ts = "token=x&text=hello+world", 1531420618
    expected = SignatureVerifier(SECRET).generate_signature(timestamp=str(ts), body=body)
    assert driver.sign(body, ts) == expected
    assert driver.sign(body.encode(), ts) == expected
    assert re.fullmatch(r"v0=[0-9a-f]{64}", expected)

    headers = driver.headers_for(body, "application/x-www-form-urlencoded", timestamp=ts)
    assert headers["X-Slack-Request-Timestamp"] == str(ts)
    assert headers["X-Slack-Signature"] == expected
    assert "X-Slack-Retry-Num" not in headers


def test_requests_verify_with_slack_sdk(driver: SlackDriver, recorder: Recorder) -> None:
    assert driver.command("hello").status_code == 200
    assert recorder.last.path == "/slack/events"
    assert verified(recorder.last)
    assert not verified(recorder.last, secret="another-secret")


def test_bad_signature_fails_verification(driver: SlackDriver, recorder: Recorder) -> None:
    driver.message("hi", bad_signature=True)
    assert not verified(recorder.last)
    driver.action("pick", bad_signature=True)
    assert not verified(recorder.last)


def test_old_timestamp_is_signed_but_rejected(driver: SlackDriver, recorder: Recorder) -> None:
    old = int(time.time()) - 600
    driver.command("replay", timestamp=old)
    request = recorder.last
    assert request.headers["X-Slack-Request-Timestamp"] == str(old)
    # The signature is right for that timestamp; only the 5-minute window rejects it.
    assert request.headers["X-Slack-Signature"] == driver.sign(request.body, old)
    assert not verified(request)


def test_retry_headers(driver: SlackDriver, recorder: Recorder) -> None:
    driver.event({"type": "app_mention", "text": "hi"}, event_id="Ev1", retry_num=2)
    assert recorder.last.headers["X-Slack-Retry-Num"] == "2"
    assert recorder.last.headers["X-Slack-Retry-Reason"] == "http_timeout"
    assert json.loads(recorder.last.body)["event_id"] == "Ev1"
    assert verified(recorder.last)


def test_post_raw_signs_arbitrary_bodies(driver: SlackDriver, recorder: Recorder) -> None:
    driver.post_raw(b"{not json", "application/json", headers={"X-Extra": "1"})
    assert recorder.last.body == b"{not json"
    assert recorder.last.headers["Content-Type"] == "application/json"
    assert recorder.last.headers["X-Extra"] == "1"
    assert verified(recorder.last)


# ------------------------------------------------------------------ payload shapes


def test_command_is_form_encoded_like_slack(
    driver: SlackDriver, recorder: Recorder, emu: SlackEmulator
) -> None:
    driver.command("log deal acme & co", channel="C_DEAL")
    request = recorder.last
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert b"text=log+deal+acme+%26+co" in request.body
    form = request.form()
    assert form["trigger_id"] and TRIGGER_ID.match(form.pop("trigger_id"))
    assert form.pop("response_url").startswith(emu.base_url + "/response/")
    assert form == {
        "token": "legacy-verification-token",
        "team_id": "T0001",
        "team_domain": "acme-sales",
        "channel_id": "C_DEAL",
        "channel_name": "deal-acme",
        "user_id": "U_ALICE",
        "user_name": "alice",
        "command": "/partner",
        "text": "log deal acme & co",
        "api_app_id": "A0001",
        "is_enterprise_install": "false",
    }


def test_command_without_emulator(recorder: Recorder) -> None:
    url = f"http://127.0.0.1:{recorder.server_address[1]}/slack/events"
    SlackDriver(url, SECRET).command("x", user="U_BOB", channel="D_BOB", user_name="bobby")
    form = recorder.last.form()
    assert form["user_name"] == "bobby" and form["channel_name"] == "directmessage"
    assert form["response_url"].startswith("https://hooks.slack.com/")


def test_event_envelope(driver: SlackDriver, recorder: Recorder) -> None:
    driver.event({"type": "app_mention", "text": "hi"}, event_time=1700000000)
    assert recorder.last.headers["Content-Type"] == "application/json"
    envelope = json.loads(recorder.last.body)
    assert re.fullmatch(r"Ev[0-9A-F]+", envelope.pop("event_id"))
    assert envelope == {
        "token": "legacy-verification-token",
        "team_id": "T0001",
        "context_team_id": "T0001",
        "api_app_id": "A0001",
        "event": {"type": "app_mention", "text": "hi"},
        "type": "event_callback",
        "event_time": 1700000000,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": "T0001",
                "user_id": "UBOT",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }


def test_message_event_lands_in_emulator_history(
    driver: SlackDriver, recorder: Recorder, emu: SlackEmulator
) -> None:
    driver.message("we gave them a demo", thread_ts="1700000000.000100", files=[])
    event = json.loads(recorder.last.body)["event"]
    assert event["type"] == "message" and event["channel"] == "C_DEAL"
    assert event["user"] == "U_ALICE" and event["text"] == "we gave them a demo"
    assert event["ts"] == event["event_ts"] and event["channel_type"] == "channel"
    assert event["thread_ts"] == "1700000000.000100" and event["files"] == []
    assert emu.find_message("C_DEAL", event["ts"])["user"] == "U_ALICE"

    driver.message("edited", subtype="message_changed", ts="1.000001")
    assert emu.find_message("C_DEAL", "1.000001") is None  # not a new message


def test_app_home_opened_and_url_verification(driver: SlackDriver, recorder: Recorder) -> None:
    driver.app_home_opened("U_ALICE")
    event = json.loads(recorder.last.body)["event"]
    assert event["type"] == "app_home_opened" and event["tab"] == "home"
    assert event["user"] == "U_ALICE" and event["channel"] == "D_ALICE"

    driver.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
    body = json.loads(recorder.last.body)
    assert body["type"] == "url_verification" and body["challenge"].startswith("3eZ")
    assert verified(recorder.last)


def test_block_action_payload_carries_the_posted_message(
    driver: SlackDriver, recorder: Recorder, emu: SlackEmulator
) -> None:
    client = WebClient(token="xoxb-test", base_url=emu.api_url)
    blocks = [{"type": "actions", "block_id": "deal", "elements": [
        {"type": "button", "action_id": "pick", "text": {"type": "plain_text", "text": "Gold"},
         "value": "gold"}]}]
    ts = client.chat_postMessage(channel="C_DEAL", text="pick one", blocks=blocks)["ts"]

    driver.action("pick", "gold", message_ts=ts, block_id="deal")
    assert recorder.last.headers["Content-Type"] == "application/x-www-form-urlencoded"
    payload = recorder.last.payload()
    assert payload["type"] == "block_actions" and payload["api_app_id"] == "A0001"
    assert payload["user"] == {
        "id": "U_ALICE",
        "username": "alice",
        "name": "alice",
        "team_id": "T0001",
    }
    assert payload["team"] == {"id": "T0001", "domain": "acme-sales"}
    assert payload["channel"] == {"id": "C_DEAL", "name": "deal-acme"}
    assert payload["container"] == {
        "type": "message",
        "channel_id": "C_DEAL",
        "is_ephemeral": False,
        "message_ts": ts,
    }
    assert payload["message"]["ts"] == ts and payload["message"]["blocks"] == blocks
    assert TRIGGER_ID.match(payload["trigger_id"])
    assert payload["response_url"].startswith(emu.base_url + "/response/")
    [action] = payload["actions"]
    assert action.pop("action_ts")
    assert action == {"action_id": "pick", "block_id": "deal", "value": "gold", "type": "button"}


def test_select_action_and_home_action(
    driver: SlackDriver, recorder: Recorder, emu: SlackEmulator
) -> None:
    driver.action("choose", "silver", action_type="static_select")
    assert recorder.last.payload()["actions"][0]["selected_option"]["value"] == "silver"
    assert "message" not in recorder.last.payload()

    client = WebClient(token="xoxb-test", base_url=emu.api_url)
    home = client.views_publish(user_id="U_ALICE",
                                view={"type": "home", "blocks": [{"type": "divider"}]})["view"]
    driver.home_action("refresh", "1")
    payload = recorder.last.payload()
    assert payload["container"] == {"type": "view", "view_id": home["id"]}
    assert payload["view"]["id"] == home["id"] and payload["view"]["type"] == "home"
    assert "response_url" not in payload and "channel" not in payload


def test_view_submission_payload(
    driver: SlackDriver, recorder: Recorder, emu: SlackEmulator
) -> None:
    values = {
        "when": {"date": state_value("datepicker", "2024-05-01")},
        "who": {"partner": state_value("users_select", "U_BOB")},
        "what": {"kind": state_value("static_select", "intro")},
        "note": {"text": state_value("plain_text_input", "coffee")},
    }
    driver.view_submission("record", values, private_metadata="deal=acme", view_id="V9")
    payload = recorder.last.payload()
    assert payload["type"] == "view_submission" and TRIGGER_ID.match(payload["trigger_id"])
    view = payload["view"]
    assert (view["id"], view["callback_id"], view["private_metadata"]) == (
        "V9",
        "record",
        "deal=acme",
    )
    assert view["state"]["values"] == values
    assert values["when"]["date"] == {"type": "datepicker", "selected_date": "2024-05-01"}
    assert values["what"]["kind"]["selected_option"]["value"] == "intro"

    # By default the submission echoes the view the bot opened, as Slack does.
    client = WebClient(token="xoxb-test", base_url=emu.api_url)
    opened = client.views_open(
        trigger_id=emu.new_trigger_id(),
        view={"type": "modal", "callback_id": "record", "private_metadata": "p=1",
              "title": {"type": "plain_text", "text": "Record"}, "blocks": [{"type": "divider"}]},
    )["view"]
    driver.view_submission("record", {})
    view = recorder.last.payload()["view"]
    assert view["id"] == opened["id"] and view["private_metadata"] == "p=1"

    driver.view_submission("never_opened", {})
    view = recorder.last.payload()["view"]
    assert (view["id"], view["private_metadata"]) == ("V123", "")


def test_state_value_rejects_unknown_kinds() -> None:
    assert state_value("multi_users_select", ["U1", "U2"])["selected_users"] == ["U1", "U2"]
    with pytest.raises(ValueError, match="unsupported"):
        state_value("rich_text_input", "x")


# ------------------------------------------------------------- round trip with Bolt


class _QuietWSGIHandler(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def bolt(emu: SlackEmulator) -> Iterator[tuple[SlackDriver, dict[str, Any]]]:
    """A real Bolt app behind WSGI, talking to the emulator and driven by the driver."""
    seen: dict[str, Any] = {}
    logger = logging.getLogger("test-bolt")
    logger.addHandler(logging.NullHandler())
    logger.propagate = False  # invalid-signature tests would otherwise log warnings
    app = App(
        signing_secret=SECRET,
        client=WebClient(token="xoxb-test", base_url=emu.api_url),
        process_before_response=True,
        logger=logger,
    )

    @app.command("/partner")
    def on_command(ack, command, respond, client) -> None:
        ack()
        respond(f"noted: {command['text']}")
        client.views_open(
            trigger_id=command["trigger_id"],
            view={
                "type": "modal",
                "callback_id": "record",
                "private_metadata": command["channel_id"],
                "title": {"type": "plain_text", "text": "Record"},
                "blocks": [{"type": "divider"}],
            },
        )

    @app.view("record")
    def on_submit(ack, view) -> None:
        ack()
        seen["submitted"] = view

    @app.action("pick")
    def on_pick(ack, body, respond) -> None:
        ack()
        seen["picked"] = body
        respond(text="picked", replace_original=True)

    @app.event("message")
    def on_message(event, say) -> None:
        say(f"heard {event['text']}")

    handler = SlackRequestHandler(app)
    server = make_server("127.0.0.1", 0, handler, handler_class=_QuietWSGIHandler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/slack/events"
    with SlackDriver(url, SECRET, emulator=emu) as slack:
        yield slack, seen
    server.shutdown()
    server.server_close()


def test_bolt_round_trip(bolt: tuple[SlackDriver, dict[str, Any]], emu: SlackEmulator) -> None:
    slack, seen = bolt
    assert slack.command("gave intro to Bob").status_code == 200
    assert emu.responses() == [{"text": "noted: gave intro to Bob"}]
    assert slack.view_submission("record", {"b": {"a": state_value("plain_text_input", "x")}}).ok
    assert seen["submitted"]["private_metadata"] == "C_DEAL"  # echoed from views.open

    ts = WebClient(token="xoxb-test", base_url=emu.api_url).chat_postMessage(
        channel="C_DEAL", text="choose"
    )["ts"]
    assert slack.action("pick", "gold", message_ts=ts).status_code == 200
    assert seen["picked"]["message"]["text"] == "choose"
    assert emu.responses()[-1] == {"text": "picked", "replace_original": True}

    assert slack.message("hello").status_code == 200
    assert emu.wait_for(lambda calls: any(c.args.get("text") == "heard hello" for c in calls))


def test_bolt_rejects_bad_and_stale_signatures(bolt: tuple[SlackDriver, dict[str, Any]]) -> None:
    slack, _ = bolt
    assert slack.command("x", bad_signature=True).status_code == 401
    assert slack.command("x", timestamp=int(time.time()) - 600).status_code == 401
    challenge = slack.url_verification("abc")
    assert challenge.status_code == 200 and challenge.json() == {"challenge": "abc"}


# ------------------------------------------------------------- acknowledgement bodies


class Answering(ThreadingHTTPServer):
    """A stand-in bot that acknowledges every request with ``self.answer`` (JSON)."""

    def __init__(self) -> None:
        self.answer: dict[str, Any] = {}

        class Handler(BaseHTTPRequestHandler):
            def do_POST(handler) -> None:  # noqa: N802, N805
                handler.rfile.read(int(handler.headers["Content-Length"]))
                body = json.dumps(self.answer).encode()
                handler.send_response(200)
                handler.send_header("Content-Type", "application/json")
                handler.send_header("Content-Length", str(len(body)))
                handler.end_headers()
                handler.wfile.write(body)

            def log_message(handler, *args: Any) -> None:  # noqa: N805
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture
def answering() -> Iterator[Answering]:
    server = Answering()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


RECORD_VIEW = {"type": "modal", "callback_id": "record", "title": {"type": "plain_text", "text": "R"},
               "blocks": [{"type": "input", "block_id": "what", "label": {"type": "plain_text", "text": "W"},
                           "element": {"type": "plain_text_input", "action_id": "value"}}]}


@pytest.mark.parametrize("answer", [
    {"text": "hi", "blocks": [{"type": "section"}]},  # a section needs text or fields
    {"text": "hi", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]},
    {"text": "hi", "response_type": "everyone"},
])
def test_a_command_ack_slack_would_refuse_fails_the_test(emu: SlackEmulator, answering: Answering,
                                                         answer: dict[str, Any]) -> None:
    answering.answer = answer
    with SlackDriver(f"http://127.0.0.1:{answering.server_port}/slack/events", SECRET, emu) as slack:
        with pytest.raises(AssertionError, match="Slack would refuse this acknowledgement"):
            slack.command("give x")
        answering.answer = {"text": "fine", "blocks": [{"type": "section",
                                                        "text": {"type": "mrkdwn", "text": "ok"}}]}
        assert slack.command("give x").status_code == 200


def test_a_load_generator_can_skip_the_ack_check(emu: SlackEmulator, answering: Answering) -> None:
    answering.answer = {"text": "hi", "blocks": [{"type": "section"}]}
    url = f"http://127.0.0.1:{answering.server_port}/slack/events"
    with SlackDriver(url, SECRET, emu, check_acks=False) as load:
        assert load.command("give x").json() == answering.answer


@pytest.mark.parametrize("answer", [
    {"response_action": "errors", "errors": {"nowhere": "not a block of the form"}},
    {"response_action": "errors", "errors": {"what": ""}},
    {"response_action": "update", "view": {"type": "modal", "blocks": []}},  # no title
    {"response_action": "close"},
])
def test_a_view_submission_ack_slack_would_refuse_fails_the_test(emu: SlackEmulator, answering: Answering,
                                                                 answer: dict[str, Any]) -> None:
    emu.add_view(dict(RECORD_VIEW, id="VREC"))
    with SlackDriver(f"http://127.0.0.1:{answering.server_port}/slack/events", SECRET, emu) as slack:
        answering.answer = answer
        with pytest.raises(AssertionError, match="Slack would refuse this acknowledgement"):
            slack.view_submission("record", {}, view_id="VREC")
        answering.answer = {"response_action": "errors", "errors": {"what": "Please describe it."}}
        assert slack.view_submission("record", {}, view_id="VREC").status_code == 200
