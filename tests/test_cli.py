"""The command line: help texts, the manifest, and the demo."""

from __future__ import annotations

import json
import subprocess
import sys
import typing

import pytest
from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.util.utils import get_name_for_callable

from bot.domain.commands import Command, parse_command
from bot.listeners.events import SUBSCRIBED_EVENTS
from bot.manifest import BOT_SCOPES, build_manifest


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("command", ["serve", "demo", "manifest"])
def test_each_subcommand_has_help(command):
    result = run(command, "--help")
    assert result.returncode == 0 and len(result.stdout) > 100


def test_manifest_is_valid_json_with_command_events_interactivity_and_home():
    result = run("manifest", "--url", "https://coach.example.com/slack/events")
    manifest = json.loads(result.stdout)
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/partner" and command["should_escape"] is True
    assert command["url"] == "https://coach.example.com/slack/events"
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == set(BOT_SCOPES)
    assert manifest["oauth_config"]["redirect_urls"] == ["https://coach.example.com/slack/oauth_redirect"]


SAMPLE_EVENTS = {
    "app_home_opened": {"type": "app_home_opened", "user": "U0ALICE", "tab": "home"},
    "message": {"type": "message", "user": "U0ALICE", "channel": "C0DEAL", "text": "hello",
                "ts": "1700000000.000100", "channel_type": "channel"},
    "member_joined_channel": {"type": "member_joined_channel", "user": "U0BOB", "channel": "C0DEAL"},
    "app_uninstalled": {"type": "app_uninstalled"},
    "tokens_revoked": {"type": "tokens_revoked", "tokens": {"oauth": ["U0ALICE"]}},
    "channel_shared": {"type": "channel_shared", "connected_team_id": "T0PARTNER", "channel": "C0DEAL"},
    "channel_unshared": {"type": "channel_unshared", "previously_connected_team_id": "T0PARTNER",
                         "channel": "C0DEAL", "is_ext_shared": False},
    "member_left_channel": {"type": "member_left_channel", "user": "U0BOB", "channel": "C0DEAL",
                            "channel_type": "C"},
    "channel_archive": {"type": "channel_archive", "channel": "C0DEAL", "user": "U0ALICE"},
    "group_archive": {"type": "group_archive", "channel": "G0DEAL"},
    "channel_unarchive": {"type": "channel_unarchive", "channel": "C0DEAL", "user": "U0ALICE"},
    "group_unarchive": {"type": "group_unarchive", "channel": "G0DEAL"},
    "channel_id_changed": {"type": "channel_id_changed", "old_channel_id": "G0DEAL",
                           "new_channel_id": "C0DEAL", "event_ts": "1700000000.000100"},
    "user_change": {"type": "user_change", "user": {"id": "U0BOB", "is_restricted": True},
                    "event_ts": "1700000000.000100"},
}


def test_manifest_subscribes_exactly_the_events_with_listeners():
    events = build_manifest()["settings"]["event_subscriptions"]["bot_events"]
    assert {e.split(".")[0] for e in events} == set(SUBSCRIBED_EVENTS)


def _handler_of(bot, event: dict) -> str:
    """The name of the listener Bolt runs for ``event`` (the first whose matchers accept it)."""
    body = {"type": "event_callback", "team_id": "T0001", "api_app_id": "A0001", "event": event,
            "event_id": "Ev0001", "event_time": 1700000000}
    request = BoltRequest(body=json.dumps(body), headers={"content-type": ["application/json"]})
    response = BoltResponse(status=200)
    matching = [x for x in bot.runtime.app._listeners if x.matches(req=request, resp=response)]
    return get_name_for_callable(matching[0].ack_function) if matching else "none"


@pytest.mark.parametrize("event", SUBSCRIBED_EVENTS)
def test_every_subscribed_event_is_handled_not_just_acknowledged(slack, bot, event):
    assert slack.event(SAMPLE_EVENTS[event]).status_code == 200
    assert _handler_of(bot, SAMPLE_EVENTS[event]) not in ("_ignore", "none")


def test_every_subcommand_has_a_handler_once_the_app_is_built(bot):
    partner = bot.runtime.services.partner
    assert len(typing.get_args(Command)) >= 12  # the check below has something to check
    assert partner.unhandled() == []
    with pytest.raises(ValueError, match="already has a handler"):
        partner.register(type(parse_command("digest")), lambda actor, command: None)


def test_an_event_nobody_subscribed_is_acknowledged_and_ignored(slack, bot):
    # Proves the test above can fail: an event without its own listener reaches only the
    # catch-all, which acks it (a 404 would make Slack retry, then disable the subscription).
    event = {"type": "reaction_added", "user": "U0ALICE"}
    assert slack.event(event).status_code == 200
    assert _handler_of(bot, event) == "_ignore"


def test_org_deploy_manifest_for_enterprise_grid():
    out = subprocess.run([sys.executable, "-m", "bot", "manifest", "--org-deploy"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0
    assert json.loads(out.stdout)["settings"]["org_deploy_enabled"] is True
    assert build_manifest()["settings"]["org_deploy_enabled"] is False


def test_socket_mode_manifest_has_no_urls():
    manifest = build_manifest(socket_mode=True)
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in manifest["settings"]["event_subscriptions"]


def test_demo_prints_a_readable_story_and_exits_0():
    result = run("demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for expected in ["/partner help", "Logged *#1*", "what are you giving to receive",
                     "(in #deal-acme)", "Kept *#1*", "HubSpot (app)", "That sounds like a commitment",
                     "Debrief logged", "is *signed*", "7-DAY CHECK-IN", "WEEKLY PARTNERSHIP DIGEST",
                     "_Pilot check-in_ just ended", "The partner confirmed #2"]:
        assert expected in out
    # The coaching reads like a seasoned partner manager: one thing at a time, true to the numbers.
    for moment in ["A generous start", "What's in it for *them*?", "Nothing new from me",
                   "They delivered", "don't switch off", "One of *our* promises has slipped",
                   "Kept since the signature (3)", "Something they promised is late"]:
        assert moment in out, moment
    for wrong in ["walk away", "walking away", "brave conversation", "one-way", "keeps delivering"]:
        assert wrong not in out.lower(), wrong
    assert "Traceback" not in result.stderr
