"""The Slack Web API emulator, exercised through the real slack_sdk WebClient."""

from __future__ import annotations

import dataclasses
import json
import re
import threading
import types
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from bot.emulator import Call, SlackEmulator

TS = re.compile(r"^\d{10}\.\d{6}$")


@pytest.fixture
def emu() -> Iterator[SlackEmulator]:
    with SlackEmulator() as emulator:
        emulator.add_user("U_ALICE", real_name="Alice Archer", tz="Europe/Paris")
        emulator.add_user("U_BOB")
        emulator.add_channel("C_DEAL", "deal-acme", members=["U_ALICE", "U_BOB"])
        emulator.add_channel("C_OLD", "old-deal", is_archived=True)
        emulator.add_channel("C_OUT", "not-joined", is_member=False)
        emulator.add_channel("G_SECRET", "secret", is_member=False, is_private=True)
        yield emulator


@pytest.fixture
def client(emu: SlackEmulator) -> WebClient:
    return WebClient(token="xoxb-test", base_url=emu.api_url, timeout=5)


def slack_error(method: Callable[..., Any], /, *args: Any, **kwargs: Any) -> str:
    """Call a WebClient method that must fail and return Slack's error code."""
    with pytest.raises(SlackApiError) as info:
        method(*args, **kwargs)
    return info.value.response["error"]


# ---------------------------------------------------------------- lifecycle & auth


def test_urls_and_lifecycle() -> None:
    emulator = SlackEmulator()
    with pytest.raises(RuntimeError):
        _ = emulator.api_url
    with emulator:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api/", emulator.api_url)
        assert emulator.api_url == emulator.base_url + "/api/"
    emulator.stop()  # a second stop is harmless


def test_auth_test(client: WebClient) -> None:
    resp = client.auth_test()
    assert resp.data == {
        "ok": True,
        "url": "https://acme-sales.slack.com/",
        "team": "Acme Sales",
        "user": "partner-coach",
        "team_id": "T0001",
        "user_id": "UBOT",
        "bot_id": "BBOT",
        "is_enterprise_install": False,
    }


def test_wrong_or_missing_token(emu: SlackEmulator) -> None:
    wrong = WebClient(token="xoxb-wrong", base_url=emu.api_url)
    assert slack_error(wrong.auth_test) == "invalid_auth"
    anonymous = WebClient(base_url=emu.api_url)
    assert slack_error(anonymous.auth_test) == "not_authed"


def test_token_as_form_field_and_get_requests(emu: SlackEmulator) -> None:
    posted = requests.post(emu.api_url + "users.info", data={"token": "xoxb-test", "user": "U_BOB"})
    assert posted.status_code == 200 and posted.json()["user"]["name"] == "bob"
    with urllib.request.urlopen(emu.api_url + "auth.test?token=xoxb-test") as resp:
        assert json.load(resp)["ok"] is True
    # The token is never part of what is recorded.
    assert all("token" not in call.args for call in emu.calls)


def test_any_token_accepted_when_unconfigured() -> None:
    with SlackEmulator(token=None) as emulator:
        assert WebClient(base_url=emulator.api_url).auth_test()["ok"] is True


def test_unknown_method_and_malformed_json(emu: SlackEmulator, client: WebClient) -> None:
    assert slack_error(client.api_call, "pins.add") == "unknown_method"
    resp = requests.post(
        emu.api_url + "chat.postMessage",
        data=b"{not json",
        headers={"Content-Type": "application/json", "Authorization": "Bearer xoxb-test"},
    )
    assert resp.status_code == 200 and resp.json() == {"ok": False, "error": "invalid_json"}


# ---------------------------------------------------------------------- messages


def test_post_message_shape_history_and_recording(emu: SlackEmulator, client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]
    metadata = {"event_type": "deal_nudge", "event_payload": {"deal": "acme"}}
    first = client.chat_postMessage(channel="C_DEAL", text="hi", blocks=blocks, metadata=metadata)
    second = client.chat_postMessage(channel="C_DEAL", text="reply", thread_ts=first["ts"])
    third = client.chat_postMessage(channel="C_DEAL", text="again")

    assert first["channel"] == "C_DEAL" and TS.match(first["ts"])
    message = first["message"]
    assert message["text"] == "hi" and message["blocks"] == blocks
    assert message["user"] == "UBOT" and message["bot_id"] == "BBOT"
    assert message["ts"] == first["ts"] and message["metadata"] == metadata
    assert second["message"]["thread_ts"] == first["ts"]
    stamps = [float(r["ts"]) for r in (first, second, third)]
    assert stamps == sorted(set(stamps))

    assert [m["text"] for m in emu.messages("C_DEAL")] == ["hi", "reply", "again"]
    assert emu.messages("C_OTHER") == []
    assert emu.calls_to("auth.test") == []
    recorded = emu.calls_to("chat.postMessage")[0]
    assert isinstance(recorded, Call) and recorded.response["ts"] == first["ts"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        recorded.method = "x"  # type: ignore[misc]


def test_blocks_and_metadata_sent_as_json_strings_are_decoded(
    emu: SlackEmulator, client: WebClient
) -> None:
    blocks = [{"type": "divider"}]
    client.api_call(
        "chat.postMessage",
        data={
            "channel": "C_DEAL",
            "blocks": json.dumps(blocks),
            "metadata": json.dumps({"event_type": "x", "event_payload": {}}),
            "text": "[not decoded: text is not a structured field]",
        },
    )
    [args] = emu.messages()
    assert args["blocks"] == blocks
    assert args["metadata"] == {"event_type": "x", "event_payload": {}}
    assert args["text"].startswith("[not decoded")


def test_posting_errors(emu: SlackEmulator, client: WebClient) -> None:
    assert slack_error(client.chat_postMessage, channel="C_NOPE", text="x") == "channel_not_found"
    assert slack_error(client.chat_postMessage, channel="C_OLD", text="x") == "is_archived"
    assert slack_error(client.chat_postMessage, channel="C_OUT", text="x") == "not_in_channel"
    # Slack hides private channels the bot is not in.
    assert slack_error(client.chat_postMessage, channel="G_SECRET", text="x") == "channel_not_found"
    no_text = {"channel": "C_DEAL"}
    assert slack_error(client.api_call, "chat.postMessage", json=no_text) == "no_text"
    assert emu.messages() == []  # failed posts are not messages...
    assert len(emu.calls_to("chat.postMessage")) == 5  # ...but they are recorded


def test_direct_messages_are_allowed(emu: SlackEmulator, client: WebClient) -> None:
    resp = client.chat_postMessage(channel="U_ALICE", text="psst")
    assert resp["channel"] == "D_ALICE"
    client.chat_postMessage(channel="D_BOB", text="hey")
    assert [m["text"] for m in emu.messages("U_ALICE")] == ["psst"]
    assert [m["text"] for m in emu.messages("D_ALICE")] == ["psst"]
    history = client.conversations_history(channel="D_ALICE")
    assert [m["text"] for m in history["messages"]] == ["psst"]


def test_ephemeral(emu: SlackEmulator, client: WebClient) -> None:
    resp = client.chat_postEphemeral(channel="C_DEAL", user="U_ALICE", text="only you")
    assert TS.match(resp["message_ts"])
    assert (
        slack_error(client.chat_postEphemeral, channel="C_DEAL", user="U_EVE", text="x")
        == "user_not_in_channel"
    )
    assert [e["text"] for e in emu.ephemerals(channel="C_DEAL", user="U_ALICE")] == ["only you"]
    assert emu.ephemerals(user="U_BOB") == []
    assert emu.messages() == [] and client.conversations_history(channel="C_DEAL")["messages"] == []


def test_update_delete_permalink(emu: SlackEmulator, client: WebClient) -> None:
    ts = client.chat_postMessage(channel="C_DEAL", text="draft")["ts"]
    updated = client.chat_update(channel="C_DEAL", ts=ts, text="final", blocks=[])
    assert updated["ts"] == ts and updated["message"]["text"] == "final"
    assert emu.find_message("C_DEAL", ts)["text"] == "final"

    link = client.chat_getPermalink(channel="C_DEAL", message_ts=ts)["permalink"]
    assert link == f"https://acme-sales.slack.com/archives/C_DEAL/p{ts.replace('.', '')}"

    assert client.chat_delete(channel="C_DEAL", ts=ts)["ts"] == ts
    assert emu.find_message("C_DEAL", ts) is None
    for call in (
        lambda: client.chat_update(channel="C_DEAL", ts=ts, text="x"),
        lambda: client.chat_delete(channel="C_DEAL", ts=ts),
        lambda: client.chat_getPermalink(channel="C_DEAL", message_ts="1.000000"),
    ):
        assert slack_error(call) == "message_not_found"

    human = emu.add_message("C_DEAL", "mine", user="U_ALICE")
    assert (
        slack_error(client.chat_update, channel="C_DEAL", ts=human["ts"], text="x")
        == "cant_update_message"
    )


def test_reactions(emu: SlackEmulator, client: WebClient) -> None:
    ts = client.chat_postMessage(channel="C_DEAL", text="deal!")["ts"]
    assert client.reactions_add(channel="C_DEAL", timestamp=ts, name="tada")["ok"]
    assert emu.find_message("C_DEAL", ts)["reactions"] == [
        {"name": "tada", "users": ["UBOT"], "count": 1}
    ]
    assert (
        slack_error(client.reactions_add, channel="C_DEAL", timestamp=ts, name="tada")
        == "already_reacted"
    )
    assert (
        slack_error(client.reactions_add, channel="C_DEAL", timestamp="1.000000", name="x")
        == "message_not_found"
    )


# ------------------------------------------------------------------------- views


DIVIDER = [{"type": "divider"}]


def test_views(emu: SlackEmulator, client: WebClient) -> None:
    modal = {
        "type": "modal",
        "callback_id": "record",
        "private_metadata": '{"deal": "acme"}',
        "title": {"type": "plain_text", "text": "Record"},
        "blocks": DIVIDER,
    }
    opened = client.views_open(trigger_id=emu.new_trigger_id(), view=modal)["view"]
    assert re.fullmatch(r"V[0-9A-Z]+", opened["id"])
    assert opened["callback_id"] == "record" and opened["private_metadata"] == '{"deal": "acme"}'
    assert opened["title"] == modal["title"] and opened["state"] == {"values": {}}

    pushed = client.views_push(trigger_id=emu.new_trigger_id(), view={**modal, "callback_id": "step2"})
    assert pushed["view"]["id"] != opened["id"]
    section = [{"type": "section", "text": {"type": "mrkdwn", "text": "saved"}}]
    updated = client.views_update(view_id=opened["id"], view={**modal, "blocks": section})
    assert updated["view"]["id"] == opened["id"] and updated["view"]["blocks"] == section
    assert emu.find_view(callback_id="record")["blocks"] == section
    # A view id Slack never issued is not found (the driver registers the views it makes up).
    assert slack_error(client.views_update, view_id="V123", view=modal) == "not_found"
    emu.add_view({**modal, "id": "V123"})
    assert client.views_update(view_id="V123", view=modal)["view"]["id"] == "V123"

    home = client.views_publish(user_id="U_ALICE", view={"type": "home", "blocks": DIVIDER})["view"]
    again = client.views_publish(user_id="U_ALICE", view={"type": "home", "blocks": DIVIDER})["view"]
    assert home["type"] == "home" and again["id"] == home["id"]
    assert emu.home_view("U_ALICE")["id"] == home["id"] and emu.home_view("U_BOB") is None

    assert slack_error(client.views_open, trigger_id="", view=modal) == "invalid_arguments"
    assert slack_error(client.api_call, "views.push", json={"view": modal}) == "invalid_arguments"
    assert slack_error(client.views_publish, user_id="", view=modal) == "invalid_arguments"


def test_view_sent_as_form_string_is_decoded(emu: SlackEmulator, client: WebClient) -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "T"}, "blocks": DIVIDER}
    client.api_call("views.open", data={"trigger_id": emu.new_trigger_id(), "view": json.dumps(view)})
    assert emu.calls_to("views.open")[0].args["view"] == view


# ------------------------------------------------------------ users & channels


def test_users_info(client: WebClient) -> None:
    alice = client.users_info(user="U_ALICE")["user"]
    assert alice["id"] == "U_ALICE" and alice["name"] == "alice"
    assert alice["real_name"] == "Alice Archer" and alice["is_bot"] is False
    assert alice["tz"] == "Europe/Paris" and alice["tz_offset"] in (3600, 7200)
    assert alice["tz_label"] in ("CET", "CEST")
    assert client.users_info(user="UBOT")["user"]["is_bot"] is True
    assert slack_error(client.users_info, user="U_NOBODY") == "user_not_found"


def test_conversations_info_and_join(emu: SlackEmulator, client: WebClient) -> None:
    info = client.conversations_info(channel="C_DEAL")["channel"]
    assert info == {
        "id": "C_DEAL",
        "name": "deal-acme",
        "is_channel": True,
        "is_group": False,
        "is_im": False,
        "is_private": False,
        "is_archived": False,
        "is_member": True,
        "num_members": 2,
        "is_ext_shared": False,
        "is_shared": False,
    }
    assert client.conversations_info(channel="D_ALICE")["channel"]["is_im"] is True
    assert slack_error(client.conversations_info, channel="C_NOPE") == "channel_not_found"

    joined = client.conversations_join(channel="C_OUT")
    assert joined["channel"]["is_member"] is True and "warning" not in joined
    assert client.conversations_join(channel="C_OUT")["warning"] == "already_in_channel"
    assert client.chat_postMessage(channel="C_OUT", text="now I can")["ok"]
    assert slack_error(client.conversations_join, channel="C_OLD") == "is_archived"


def test_conversations_members_pagination(emu: SlackEmulator, client: WebClient) -> None:
    members = [f"U{i:03d}" for i in range(5)]
    emu.add_channel("C_BIG", "big", members=members)
    pages, cursor = [], None
    while True:
        resp = client.conversations_members(channel="C_BIG", limit=2, cursor=cursor)
        pages.append(resp["members"])
        cursor = resp["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert pages == [members[0:2], members[2:4], members[4:5]]
    assert (
        slack_error(client.conversations_members, channel="C_BIG", cursor="bogus!")
        == "invalid_cursor"
    )
    assert slack_error(client.conversations_members, channel="C_NOPE") == "channel_not_found"


def test_users_conversations(emu: SlackEmulator, client: WebClient) -> None:
    emu.add_channel("C_TWO", "deal-two", members=["U_ALICE"])
    emu.add_channel("G_PRIV", "private-deal", members=["U_ALICE"], is_private=True)
    first = client.users_conversations(user="U_ALICE", limit=1)
    assert [c["id"] for c in first["channels"]] == ["C_DEAL"]
    cursor = first["response_metadata"]["next_cursor"]
    second = client.users_conversations(user="U_ALICE", limit=1, cursor=cursor)
    assert [c["id"] for c in second["channels"]] == ["C_TWO"]
    assert second["response_metadata"]["next_cursor"] == ""
    both = client.users_conversations(user="U_ALICE", types="public_channel,private_channel")
    assert [c["id"] for c in both["channels"]] == ["C_DEAL", "C_TWO", "G_PRIV"]
    # Without `user`, Slack answers for the token's owner: the bot.
    mine = client.users_conversations(exclude_archived=True)
    assert [c["id"] for c in mine["channels"]] == ["C_DEAL", "C_TWO"]


def test_conversations_history(emu: SlackEmulator, client: WebClient) -> None:
    metadata = {"event_type": "deal_nudge", "event_payload": {"n": 1}}
    first = client.chat_postMessage(channel="C_DEAL", text="one", metadata=metadata)["ts"]
    client.chat_postMessage(channel="C_DEAL", text="reply", thread_ts=first)
    emu.add_message("C_DEAL", "from alice", user="U_ALICE")
    client.chat_postMessage(channel="C_DEAL", text="three")

    history = client.conversations_history(channel="C_DEAL")
    assert [m["text"] for m in history["messages"]] == ["three", "from alice", "one"]
    assert "metadata" not in history["messages"][-1]  # only returned when asked for
    assert history["has_more"] is False

    with_meta = client.conversations_history(channel="C_DEAL", include_all_metadata=True)
    assert with_meta["messages"][-1]["metadata"] == metadata

    newer = client.conversations_history(channel="C_DEAL", oldest=first)
    assert [m["text"] for m in newer["messages"]] == ["three", "from alice"]
    page = client.conversations_history(channel="C_DEAL", limit=1)
    assert [m["text"] for m in page["messages"]] == ["three"] and page["has_more"] is True
    rest = client.conversations_history(
        channel="C_DEAL", limit=5, cursor=page["response_metadata"]["next_cursor"]
    )
    assert [m["text"] for m in rest["messages"]] == ["from alice", "one"]

    assert slack_error(client.conversations_history, channel="C_OUT") == "not_in_channel"


# ---------------------------------------------------------------- failure injection


def test_ratelimited_then_retry_succeeds(emu: SlackEmulator, monkeypatch) -> None:
    slept: list[float] = []
    # The handler sleeps Retry-After + random() seconds; record instead of waiting.
    monkeypatch.setattr(builtin_handlers, "time", types.SimpleNamespace(sleep=slept.append))
    client = WebClient(
        token="xoxb-test",
        base_url=emu.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    emu.fail_next("chat.postMessage", retry_after=0)

    assert client.chat_postMessage(channel="C_DEAL", text="eventually")["ok"] is True
    attempts = emu.calls_to("chat.postMessage")
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[0].response == {"ok": False, "error": "ratelimited"}
    assert attempts[0].args == attempts[1].args
    assert len(slept) == 1 and 0 <= slept[0] < 1  # Retry-After: 0 was honoured
    assert len(emu.messages()) == 1


def test_ratelimited_without_retry_handler(emu: SlackEmulator, client: WebClient) -> None:
    emu.fail_next("users.info", retry_after=7)
    with pytest.raises(SlackApiError) as info:
        client.users_info(user="U_ALICE")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "7"
    assert info.value.response["error"] == "ratelimited"
    assert client.users_info(user="U_ALICE")["ok"]  # only the next call failed


def test_server_error_injection(emu: SlackEmulator, client: WebClient) -> None:
    emu.fail_next("chat.postMessage", "internal_error", status=500, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as info:
            client.chat_postMessage(channel="C_DEAL", text="x")
        assert info.value.response.status_code == 500
        assert "non-JSON" in info.value.response["error"]  # like Slack's edge pages
    assert client.chat_postMessage(channel="C_DEAL", text="x")["ok"]
    assert [c.status for c in emu.calls_to("chat.postMessage")] == [500, 500, 200]


def test_json_error_injection_and_queueing(emu: SlackEmulator, client: WebClient) -> None:
    emu.fail_next("conversations.info", "fatal_error")
    emu.fail_next("conversations.info", "internal_error", status=503)
    assert slack_error(client.conversations_info, channel="C_DEAL") == "fatal_error"
    with pytest.raises(SlackApiError):
        client.conversations_info(channel="C_DEAL")
    assert client.conversations_info(channel="C_DEAL")["ok"]


def test_delay_causes_client_timeout(emu: SlackEmulator) -> None:
    emu.fail_next("auth.test", None, delay=0.2)
    slow = WebClient(token="xoxb-test", base_url=emu.api_url, timeout=0.05)
    with pytest.raises(TimeoutError):
        slow.auth_test()


# ------------------------------------------------------------------- recordings


def test_wait_for_returns_when_calls_arrive(emu: SlackEmulator, client: WebClient) -> None:
    timer = threading.Timer(0.05, lambda: client.chat_postMessage(channel="C_DEAL", text="late"))
    timer.start()
    calls = emu.wait_for("chat.postMessage", timeout=2)
    assert calls[-1].args["text"] == "late"
    timer.join()

    poster = threading.Thread(
        target=lambda: [client.chat_postMessage(channel="C_DEAL", text=str(i)) for i in range(3)]
    )
    poster.start()
    assert len(emu.wait_for_count("chat.postMessage", 4, timeout=2)) >= 4
    assert emu.wait_for(lambda calls: len(calls) >= 4, timeout=0.1)
    poster.join()


def test_wait_for_timeout_raises_with_summary(emu: SlackEmulator, client: WebClient) -> None:
    client.chat_postMessage(channel="C_DEAL", text="something else")
    with pytest.raises(AssertionError) as info:
        emu.wait_for("views.open", timeout=0.1)
    message = str(info.value)
    assert "views.open" in message and "chat.postMessage" in message and "something else" in message
    with pytest.raises(AssertionError, match="2 call"):
        emu.wait_for_count("chat.postMessage", 2, timeout=0.05)


def test_reset_keeps_configuration(emu: SlackEmulator, client: WebClient) -> None:
    client.chat_postMessage(channel="C_DEAL", text="before")
    emu.reset()
    assert emu.calls == []
    assert client.users_info(user="U_ALICE")["ok"]
    assert [m["text"] for m in client.conversations_history(channel="C_DEAL")["messages"]] == [
        "before"
    ]


def test_response_urls(emu: SlackEmulator) -> None:
    url = emu.new_response_url()
    other = emu.new_response_url()
    assert url.startswith(emu.base_url + "/response/") and url != other

    resp = WebhookClient(url).send(text="done", response_type="ephemeral", replace_original=True)
    assert resp.status_code == 200 and resp.body == "ok"
    requests.post(other, json={"text": "fallback", "blocks": [{"type": "divider"}]}, timeout=5)
    assert emu.responses() == [
        {"text": "done", "response_type": "ephemeral", "replace_original": True},
        {"text": "fallback", "blocks": [{"type": "divider"}]},
    ]
    assert emu.responses(url=other) == [{"text": "fallback", "blocks": [{"type": "divider"}]}]
    assert emu.calls_to("response_url")[0].response["response_url"] == url

    empty = requests.post(url, json={"response_type": "ephemeral"}, timeout=5)
    assert (empty.status_code, empty.text) == (400, "no_text")
    assert len(emu.responses()) == 2  # rejected payloads are recorded, not returned


def test_response_url_failure_injection(emu: SlackEmulator) -> None:
    emu.fail_next("response_url", "internal_error", status=500)
    url = emu.new_response_url()
    assert requests.post(url, json={"text": "x"}, timeout=5).status_code == 500
    assert requests.post(url, json={"text": "x"}, timeout=5).status_code == 200
    assert [c.status for c in emu.calls_to("response_url")] == [500, 200]


def test_files_upload_v2_runs_its_three_steps_and_shares_the_files(
    emu: SlackEmulator, client: WebClient
) -> None:
    client.files_upload_v2(channel="C_DEAL", initial_comment="the plan", file_uploads=[
        {"filename": "plan.md", "title": "Plan", "content": "# Plan ✓"},
        {"filename": "plan.csv", "title": "Plan (CSV)", "content": "id,what\r\n1,x\r\n"},
    ])
    assert [c.method for c in emu.calls] == ["files.getUploadURLExternal", "files.getUploadURLExternal",
                                             "file_upload", "file_upload", "files.completeUploadExternal"]
    files = emu.uploaded_files("C_DEAL")
    assert [(f["name"], f["title"], f["content"]) for f in files] == [
        ("plan.md", "Plan", "# Plan ✓"), ("plan.csv", "Plan (CSV)", "id,what\r\n1,x\r\n")]
    [shared] = [m for m in client.conversations_history(channel="C_DEAL")["messages"] if m.get("files")]
    assert shared["text"] == "the plan" and len(shared["files"]) == 2


def test_files_upload_v2_refuses_channels_the_bot_cannot_post_in(
    emu: SlackEmulator, client: WebClient
) -> None:
    error = slack_error(client.files_upload_v2, channel="C_OUT", content="x", filename="x.txt")
    assert error == "not_in_channel"
    assert emu.uploaded_files() == []
    assert slack_error(client.files_completeUploadExternal, files=[{"id": "F_NOPE"}]) == "file_not_found"


def test_users_of_another_workspace_and_shared_channels(emu: SlackEmulator, client: WebClient) -> None:
    emu.add_user("U_DANA", team_id="T_PARTNER")
    emu.add_channel("C_SHARED", "shared", members=["U_ALICE", "U_DANA"], is_ext_shared=True)
    assert client.users_info(user="U_DANA")["user"]["team_id"] == "T_PARTNER"
    assert client.users_info(user="U_ALICE")["user"]["team_id"] == emu.team_id
    assert client.conversations_info(channel="C_SHARED")["channel"]["is_ext_shared"] is True


# ------------------------------------------------------- refusing what Slack refuses


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(action_id: str) -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": "Go"}}


def modal(title: str = "Record", blocks: list | None = None) -> dict[str, Any]:
    return {"type": "modal", "title": {"type": "plain_text", "text": title},
            "blocks": [section("hi")] if blocks is None else blocks}


@pytest.mark.parametrize(
    ("blocks", "text", "error"),
    [
        ([{"type": "no_such_block"}], "x", "invalid_blocks"),
        ([section("x")] * 51, "x", "invalid_blocks"),
        ([section("x" * 3001)], "x", "invalid_blocks"),
        ([{"type": "actions", "elements": [button("a"), button("a")]}], "x", "invalid_blocks"),
        ([{**section("a"), "block_id": "b"}, {**section("b"), "block_id": "b"}], "x", "invalid_blocks"),
        ([{**section("x"), "colour": "red"}], "x", "invalid_blocks"),
        ([{"type": "actions", "elements": []}], "x", "invalid_blocks"),
        ("not a list", "x", "invalid_blocks_format"),
        (None, "x" * 40_001, "msg_too_long"),
    ],
    ids=["unknown-type", "51-blocks", "long-section", "duplicate-action-id", "duplicate-block-id",
         "unknown-field", "empty-actions", "blocks-not-a-list", "text-over-40000"],
)
def test_messages_slack_would_refuse_are_refused(emu, client, blocks, text, error):
    extra = {} if blocks is None else {"blocks": blocks}
    assert slack_error(client.chat_postMessage, channel="C_DEAL", text=text, **extra) == error
    assert slack_error(client.chat_postEphemeral, channel="C_DEAL", user="U_ALICE", text=text,
                       **extra) == error
    [call, _] = emu.calls
    assert call.response["error"] == error and emu.messages() == []


def test_a_refusal_says_why_in_response_metadata(client):
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C_DEAL", text="x", blocks=[section("x")] * 51)
    assert info.value.response["response_metadata"]["messages"] == [
        "no more than 50 items allowed [json-pointer:/blocks]"]


def test_limits_themselves_are_accepted(emu, client):
    client.chat_postMessage(channel="C_DEAL", text="x" * 40_000, blocks=[section("y")] * 50)
    # A section's 3,000 at most, and as much as a message's blocks hold together: their text
    # plus 125 a block within 12,000 (msg_blocks_too_long, bot/emulator/block_kit_structure.py).
    client.chat_postMessage(channel="C_DEAL", text="x", blocks=[section("y" * 3000)] * 3
                            + [section("z" * (3000 - 500))])
    client.chat_postMessage(channel="C_DEAL", text="x", blocks=[
        {"type": "actions", "elements": [button("a"), button("b")]},
        {"type": "actions", "elements": [button("c")]}])
    assert len(emu.messages()) == 3


def test_blocks_heavier_together_than_slack_takes_are_refused(emu, client):
    assert slack_error(client.chat_postMessage, channel="C_DEAL", text="x",
                       blocks=[section("y" * 3000)] * 4) == "msg_blocks_too_long"
    assert emu.messages() == []


def test_an_action_id_is_unique_across_the_whole_message(emu, client):
    """Stricter than Slack's reference (unique per block): listeners route by action_id alone."""
    assert slack_error(client.chat_postMessage, channel="C_DEAL", text="x", blocks=[
        {"type": "actions", "elements": [button("a"), button("b")]},
        {"type": "actions", "elements": [button("a")]}]) == "invalid_blocks"
    assert emu.messages() == []


def test_chat_update_is_checked_too(emu, client):
    ts = client.chat_postMessage(channel="C_DEAL", text="x")["ts"]
    assert slack_error(client.chat_update, channel="C_DEAL", ts=ts, text="x",
                       blocks=[{"type": "bogus"}]) == "invalid_blocks"
    assert emu.find_message("C_DEAL", ts)["text"] == "x"


@pytest.mark.parametrize(
    "view",
    [modal(title="x" * 25), modal(blocks=[section("x")] * 101), modal(blocks=[{"type": "nope"}]),
     modal(blocks=[{"type": "actions", "elements": [button("a"), button("a")]}]),
     {**modal(), "type": "popup"}],
    ids=["title-over-24", "101-blocks", "unknown-block", "duplicate-action-id", "unknown-view-type"],
)
def test_views_slack_would_refuse_are_refused(emu, client, view):
    assert slack_error(client.views_open, trigger_id=emu.new_trigger_id(), view=view) == "invalid_arguments"
    assert emu.find_view() is None


def test_a_view_of_100_blocks_and_a_24_character_title_is_fine(emu, client):
    client.views_open(trigger_id=emu.new_trigger_id(), view=modal("x" * 24, [section("x")] * 100))
    assert emu.find_view() is not None


def test_a_trigger_id_opens_one_view_within_three_seconds(emu, client):
    trigger = emu.new_trigger_id()
    client.views_open(trigger_id=trigger, view=modal())
    assert slack_error(client.views_open, trigger_id=trigger, view=modal()) == "expired_trigger_id"
    late = emu.new_trigger_id()
    emu.advance(3.1)
    assert slack_error(client.views_open, trigger_id=late, view=modal()) == "expired_trigger_id"
    assert slack_error(client.views_open, trigger_id="1.2.never-issued", view=modal()) == "invalid_trigger_id"
    assert len(emu.calls_to("views.open")) == 4 and len([c for c in emu.calls if c.response["ok"]]) == 1


def test_views_update_of_an_unknown_view_is_not_found(client):
    assert slack_error(client.views_update, view_id="V0NEVER", view=modal()) == "not_found"
    assert slack_error(client.views_update, external_id="nope", view=modal()) == "not_found"


def test_a_response_url_takes_five_posts_within_thirty_minutes(emu):
    url = emu.new_response_url()
    statuses = [requests.post(url, json={"text": f"#{n}"}, timeout=5) for n in range(6)]
    assert [r.status_code for r in statuses] == [200] * 5 + [404] and statuses[-1].text == "used_url"
    late = emu.new_response_url()
    emu.advance(30 * 60 + 1)
    answer = requests.post(late, json={"text": "late"}, timeout=5)
    assert (answer.status_code, answer.text) == (404, "expired_url")
    refused = requests.post(emu.new_response_url(), json={"text": "x", "blocks": [{"type": "?"}]}, timeout=5)
    assert (refused.status_code, refused.text) == (400, "invalid_blocks")
    assert len(emu.responses()) == 5


def test_conversations_replies_lists_a_thread_parent_first(emu, client):
    parent = client.chat_postMessage(channel="C_DEAL", text="parent")["ts"]
    first = client.chat_postMessage(channel="C_DEAL", text="one", thread_ts=parent)["ts"]
    client.chat_postMessage(channel="C_DEAL", text="elsewhere")
    second = client.chat_postMessage(channel="C_DEAL", text="two", thread_ts=parent,
                                     metadata={"event_type": "x", "event_payload": {"k": 1}})["ts"]
    replies = client.conversations_replies(channel="C_DEAL", ts=parent)["messages"]
    assert [m["ts"] for m in replies] == [parent, first, second]
    assert "metadata" not in replies[2]
    with_metadata = client.conversations_replies(channel="C_DEAL", ts=parent, include_all_metadata=True)
    assert with_metadata["messages"][2]["metadata"]["event_payload"] == {"k": 1}
    newer = client.conversations_replies(channel="C_DEAL", ts=parent, oldest=first)["messages"]
    assert [m["ts"] for m in newer] == [parent, second]
    assert slack_error(client.conversations_replies, channel="C_DEAL", ts="1.000001") == "thread_not_found"
    # History shows the parent only.
    history = client.conversations_history(channel="C_DEAL")["messages"]
    assert [m["text"] for m in history] == ["elsewhere", "parent"]


def test_the_bots_own_posts_come_back_as_message_events(emu, client):
    echoed: list[dict[str, Any]] = []
    emu.echo = echoed.append
    ts = client.chat_postMessage(channel="C_DEAL", text="hello", blocks=[section("hello")])["ts"]
    client.chat_postEphemeral(channel="C_DEAL", user="U_ALICE", text="only you")  # never echoed
    [event] = echoed
    assert (event["type"], event["channel"], event["ts"], event["text"]) == ("message", "C_DEAL", ts, "hello")
    assert (event["bot_id"], event["user"]) == (emu.bot_id, emu.bot_user_id)


def test_users_lookup_by_email(emu: SlackEmulator, client: WebClient) -> None:
    emu.add_user("U_DANA", name="dana", email="Dana@OurCo.example")
    assert client.users_lookupByEmail(email="dana@ourco.example")["user"]["id"] == "U_DANA"
    assert client.users_info(user="U_DANA")["user"]["profile"]["email"] == "Dana@OurCo.example"
    with pytest.raises(SlackApiError) as raised:
        client.users_lookupByEmail(email="nobody@ourco.example")
    assert raised.value.response["error"] == "users_not_found"
