"""Plays Slack's side of the conversation: signed HTTP requests to the bot's Request URL.

Slash commands, events and interactivity all arrive at one URL, signed with the app's
signing secret (``v0=HMAC-SHA256(secret, "v0:<timestamp>:<raw body>")``).  The payload
shapes below follow what Slack actually sends, trimmed to fields bots commonly read.
Given a :class:`~bot.emulator.slack_api.SlackEmulator`, the driver also keeps the two
sides consistent: response URLs point at the emulator, user messages land in its history,
and actions/submissions carry the message or view the bot really posted.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import secrets
import time
import uuid
from typing import Any, TypedDict, Unpack
from urllib.parse import urlencode

import requests

from bot.emulator.block_kit import command_ack_problems, view_ack_problems
from bot.emulator.slack_api import SlackEmulator, default_user_name, dm_channel_id

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
# The legacy verification token Slack still includes in payloads; Bolt ignores it.
VERIFICATION_TOKEN = "legacy-verification-token"

# Which field carries the chosen value for each interactive element type, as in Slack's
# block_actions ``actions[]`` and view ``state.values`` entries.
_VALUE_FIELDS = {
    "button": "value",
    "plain_text_input": "value",
    "number_input": "value",
    "email_text_input": "value",
    "url_text_input": "value",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "users_select": "selected_user",
    "conversations_select": "selected_conversation",
    "channels_select": "selected_channel",
    "static_select": "selected_option",
    "external_select": "selected_option",
    "radio_buttons": "selected_option",
    "overflow": "selected_option",
    "multi_users_select": "selected_users",
    "multi_conversations_select": "selected_conversations",
    "multi_channels_select": "selected_channels",
    "multi_static_select": "selected_options",
    "checkboxes": "selected_options",
}


class SendOptions(TypedDict, total=False):
    """Transport options accepted by every send method."""

    timestamp: int | None  # X-Slack-Request-Timestamp; pass an old one to test replays
    retry_num: int | None  # adds X-Slack-Retry-Num / X-Slack-Retry-Reason like a redelivery
    retry_reason: str  # X-Slack-Retry-Reason, "http_timeout" by default
    bad_signature: bool  # sign with a wrong secret
    timeout: float  # seconds to wait for the bot (default: the driver's timeout)


def _option(text: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text, "emoji": True}, "value": text}


def state_value(kind: str, value: Any) -> dict[str, Any]:
    """Build one ``state.values[block_id][action_id]`` entry in Slack's shape.

    ``state_value("datepicker", "2024-05-01")`` -> ``{"type": "datepicker",
    "selected_date": "2024-05-01"}``.  Option-based kinds take the option value(s) and
    synthesize the option objects; multi-select kinds take a list.
    """
    field = _VALUE_FIELDS.get(kind)
    if field is None:
        raise ValueError(f"unsupported element type {kind!r}; known: {sorted(_VALUE_FIELDS)}")
    if field == "selected_option":
        value = _option(value)
    elif field == "selected_options":
        value = [_option(v) for v in value]
    return {"type": kind, field: value}


class SlackDriver:
    """Sends Slack-shaped, signed requests to a bot's Request URL."""

    def __init__(
        self,
        bot_url: str,
        signing_secret: str,
        emulator: SlackEmulator | None = None,
        team_id: str = "T0001",
        api_app_id: str = "A0001",
        *,
        timeout: float = 10.0,
        enterprise_id: str | None = None,
        org_wide: bool = False,
        check_acks: bool = True,
    ) -> None:
        """``bot_url`` is the app's Request URL, e.g. ``http://127.0.0.1:3000/slack/events``.

        ``enterprise_id`` makes ``team_id`` a workspace of an Enterprise Grid org;
        ``org_wide`` sends payloads as for an app installed org-wide. ``check_acks=False``
        skips checking acknowledgement bodies as Slack would (see ``_check_ack``): only for
        a load generator, whose CPU must not go to work Slack does on its own servers.
        """
        self.bot_url = bot_url
        self.enterprise_id = enterprise_id
        self.org_wide = org_wide
        self.signing_secret = signing_secret
        self.emulator = emulator
        self.team_id = team_id
        self.api_app_id = api_app_id
        self.timeout = timeout
        self.check_acks = check_acks
        self.team_domain = emulator.domain if emulator else "acme-sales"
        self.bot_user_id = emulator.bot_user_id if emulator else "UBOT"
        self.session = requests.Session()

    def close(self) -> None:
        """Close pooled HTTP connections."""
        self.session.close()

    def __enter__(self) -> SlackDriver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ signing

    def sign(self, body: str | bytes, timestamp: int, *, secret: str | None = None) -> str:
        """Return the ``X-Slack-Signature`` value for a raw body and timestamp."""
        raw = body.encode() if isinstance(body, str) else body
        key = (secret or self.signing_secret).encode()
        digest = hmac.new(key, b"v0:%d:%s" % (timestamp, raw), hashlib.sha256).hexdigest()
        return "v0=" + digest

    def headers_for(
        self,
        body: str | bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        bad_signature: bool = False,
    ) -> dict[str, str]:
        """Return the headers Slack would send with ``body``."""
        timestamp = int(time.time()) if timestamp is None else timestamp
        secret = "wrong-" + self.signing_secret if bad_signature else None
        headers = {
            "Content-Type": content_type,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": self.sign(body, timestamp, secret=secret),
        }
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason
        return headers

    def post_raw(
        self,
        body: bytes | str,
        content_type: str,
        headers: dict[str, str] | None = None,
        **opts: Unpack[SendOptions],
    ) -> requests.Response:
        """POST an arbitrary (possibly malformed) body, correctly signed; ``headers`` win."""
        timeout = opts.pop("timeout", None) or self.timeout
        raw = body.encode() if isinstance(body, str) else body
        all_headers = {**self.headers_for(raw, content_type, **opts), **(headers or {})}
        return self.session.post(self.bot_url, data=raw, headers=all_headers, timeout=timeout)

    def _form(self, fields: dict[str, Any], **opts: Unpack[SendOptions]) -> requests.Response:
        return self.post_raw(urlencode(fields), FORM, **opts)

    def _interactive(
        self, payload: dict[str, Any], **opts: Unpack[SendOptions]
    ) -> requests.Response:
        # Interactivity is a form body with one field holding the JSON payload.
        return self._form({"payload": json.dumps(payload, separators=(",", ":"))}, **opts)

    # ------------------------------------------------------------ slash commands

    def command(
        self,
        text: str,
        *,
        user: str = "U_ALICE",
        channel: str = "C_DEAL",
        command: str = "/partner",
        user_name: str | None = None,
        channel_name: str | None = None,
        **opts: Unpack[SendOptions],
    ) -> requests.Response:
        """Invoke a slash command, form-encoded in the field order Slack uses."""
        fields = {
            "token": VERIFICATION_TOKEN,
            "team_id": self.team_id,
            "team_domain": self.team_domain,
            "channel_id": channel,
            "channel_name": channel_name or self._channel_name(channel),
            "user_id": user,
            "user_name": user_name or self._user_name(user),
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "true" if self.org_wide else "false",
            **({"enterprise_id": self.enterprise_id, "enterprise_name": self.enterprise_id}
               if self.enterprise_id else {}),
            "response_url": self._response_url(),
            "trigger_id": self._trigger_id(),
        }
        response = self._form(fields, **opts)
        if self.check_acks:
            _check_ack(response, command_ack_problems)
        return response

    # -------------------------------------------------------------------- events

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        event_time: int | None = None,
        **opts: Unpack[SendOptions],
    ) -> requests.Response:
        """Deliver ``event`` in an ``event_callback`` envelope (reuse ``event_id`` on retries)."""
        envelope = {
            "token": VERIFICATION_TOKEN,
            "team_id": self.team_id,
            "context_team_id": self.team_id,
            **({"enterprise_id": self.enterprise_id, "context_enterprise_id": self.enterprise_id}
               if self.enterprise_id else {}),
            "api_app_id": self.api_app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or "Ev" + secrets.token_hex(5).upper(),
            "event_time": int(time.time()) if event_time is None else event_time,
            "authorizations": [
                {
                    "enterprise_id": self.enterprise_id,
                    # An org-wide installation belongs to no single workspace.
                    "team_id": None if self.org_wide else self.team_id,
                    "user_id": self.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": self.org_wide,
                }
            ],
            "is_ext_shared_channel": False,
        }
        return self.post_raw(json.dumps(envelope), JSON, **opts)

    def message(
        self,
        text: str,
        *,
        channel: str = "C_DEAL",
        user: str = "U_ALICE",
        ts: str | None = None,
        thread_ts: str | None = None,
        event_id: str | None = None,
        timestamp: int | None = None,
        retry_num: int | None = None,
        bad_signature: bool = False,
        timeout: float | None = None,
        **event_fields: Any,
    ) -> requests.Response:
        """Send a ``message`` event from a user; extra keywords become event fields.

        The transport options are spelled out (rather than ``**opts``) because the
        remaining keywords are taken as event fields.

        With an emulator, a plain message (no ``subtype``) is also added to its history,
        as Slack would show it to conversations.history, and a reply in a thread whose parent
        the emulator knows carries ``parent_user_id``, as Slack's do.
        """
        ts = ts or (self.emulator.next_ts() if self.emulator else _wall_clock_ts())
        event = {
            "type": "message",
            "client_msg_id": str(uuid.uuid4()),
            "channel": channel,
            "user": user,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "team": self.team_id,
            "channel_type": self._channel_type(channel),
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
            parent = self.emulator.find_message(channel, thread_ts) if self.emulator else None
            if parent and parent.get("user") and thread_ts != ts:
                # Slack names the parent message's author on every reply in its thread.
                event["parent_user_id"] = parent["user"]
        event.update(event_fields)
        if self.emulator and "subtype" not in event:
            self.emulator.add_message(channel, text, user=user, ts=ts, thread_ts=thread_ts)
        return self.event(
            event,
            event_id=event_id,
            timestamp=timestamp,
            retry_num=retry_num,
            bad_signature=bad_signature,
            timeout=timeout or self.timeout,
        )

    def app_home_opened(
        self, user: str, tab: str = "home", **opts: Unpack[SendOptions]
    ) -> requests.Response:
        """Send ``app_home_opened`` as when ``user`` opens the app's Home (or Messages) tab."""
        event = {
            "type": "app_home_opened",
            "user": user,
            "channel": dm_channel_id(user),
            "tab": tab,
            "event_ts": _wall_clock_ts(),
        }
        return self.event(event, **opts)

    def url_verification(self, challenge: str, **opts: Unpack[SendOptions]) -> requests.Response:
        """Send the one-time Request URL handshake; the bot must echo ``challenge``."""
        body = {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
        return self.post_raw(json.dumps(body), JSON, **opts)

    # ------------------------------------------------------------- interactivity

    def action(
        self,
        action_id: str,
        value: Any = "",
        *,
        user: str = "U_ALICE",
        channel: str = "C_DEAL",
        message_ts: str | None = None,
        block_id: str = "b",
        action_type: str = "button",
        **opts: Unpack[SendOptions],
    ) -> requests.Response:
        """Click/choose an element in a message (``block_actions``).

        With an emulator and a ``message_ts`` the bot posted, the payload carries that
        message (text, blocks, metadata) exactly like Slack does.
        """
        container: dict[str, Any] = {
            "type": "message",
            "channel_id": channel,
            "is_ephemeral": False,
        }
        payload = self._block_actions(action_id, value, user, block_id, action_type, container)
        payload["channel"] = {"id": channel, "name": self._channel_name(channel)}
        payload["response_url"] = self._response_url()
        if message_ts:
            container["message_ts"] = message_ts
            stored = self.emulator.find_message(channel, message_ts) if self.emulator else None
            payload["message"] = stored or {"type": "message", "ts": message_ts, "text": ""}
        return self._interactive(payload, **opts)

    def home_action(
        self,
        action_id: str,
        value: Any = "",
        *,
        user: str = "U_ALICE",
        block_id: str = "b",
        action_type: str = "button",
        view_id: str | None = None,
        **opts: Unpack[SendOptions],
    ) -> requests.Response:
        """Click/choose an element on the app's Home tab (no channel, no response_url)."""
        home = self.emulator.home_view(user) if self.emulator and not view_id else None
        view = home or self._view(view_id, None, "home")
        container = {"type": "view", "view_id": view["id"]}
        payload = self._block_actions(action_id, value, user, block_id, action_type, container)
        payload["view"] = view
        return self._interactive(payload, **opts)

    def view_submission(
        self,
        callback_id: str,
        values: dict[str, dict[str, dict[str, Any]]],
        *,
        user: str = "U_ALICE",
        private_metadata: str | None = None,
        view_id: str | None = None,
        **opts: Unpack[SendOptions],
    ) -> requests.Response:
        """Submit a modal with ``state.values`` = ``values`` (see :func:`state_value`).

        ``view_id``/``private_metadata`` default to those of the latest view the bot opened
        with ``callback_id`` in the emulator (as Slack echoes them back), else "V123"/"".
        """
        view = self._view(view_id, callback_id, "modal")
        view["state"] = {"values": copy.deepcopy(values)}
        if private_metadata is not None:
            view["private_metadata"] = private_metadata
        payload = {
            "type": "view_submission",
            "user": self._user(user),
            "api_app_id": self.api_app_id,
            "token": VERIFICATION_TOKEN,
            "trigger_id": self._trigger_id(),
            "view": view,
            "response_urls": [],
            **self._interactive_workspace(),
        }
        response = self._interactive(payload, **opts)
        if self.check_acks:
            _check_ack(response, lambda body: view_ack_problems(body, view))
        return response

    # ------------------------------------------------------------------ helpers

    def _block_actions(
        self,
        action_id: str,
        value: Any,
        user: str,
        block_id: str,
        action_type: str,
        container: dict[str, Any],
    ) -> dict[str, Any]:
        if action_type in _VALUE_FIELDS:
            action = state_value(action_type, value)
        else:
            action = {"value": value}
        action.update(
            action_id=action_id, block_id=block_id, type=action_type, action_ts=_wall_clock_ts()
        )
        return {
            "type": "block_actions",
            "user": self._user(user),
            "api_app_id": self.api_app_id,
            "token": VERIFICATION_TOKEN,
            "container": container,
            "trigger_id": self._trigger_id(),
            **self._interactive_workspace(),
            "state": {"values": {}},
            "actions": [action],
        }

    def _view(self, view_id: str | None, callback_id: str | None, kind: str) -> dict[str, Any]:
        """The view a payload refers to: the emulator's copy when it has one."""
        stored = None
        if self.emulator and (view_id or callback_id):
            stored = self.emulator.find_view(view_id=view_id, callback_id=callback_id)
        view = stored or {
            "id": view_id or ("V_HOME" if kind == "home" else "V123"),
            "team_id": self.team_id,
            "type": kind,
            "blocks": [],
            "private_metadata": "",
            "callback_id": callback_id or "",
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "app_id": self.api_app_id,
            "bot_id": "BBOT",
        }
        if self.emulator and stored is None:
            view = self.emulator.add_view(view)  # Slack knows every view its clients show
        view.setdefault("state", {"values": {}})
        return view

    def _interactive_workspace(self) -> dict[str, Any]:
        """Where a button or modal payload says it comes from."""
        team: dict[str, Any] | None = {"id": self.team_id, "domain": self.team_domain}
        if self.enterprise_id:
            team["enterprise_id"] = self.enterprise_id
        if self.org_wide:
            team = None  # org-wide installs get no team here; Bolt reads user.team_id instead
        enterprise = {"id": self.enterprise_id, "name": self.enterprise_id} if self.enterprise_id else None
        return {
            "team": team,
            "enterprise": enterprise,
            "is_enterprise_install": self.org_wide,
        }

    def _user(self, user: str) -> dict[str, str]:
        # Slack names the person's own workspace: another one for a Slack Connect partner.
        known = self.emulator.get_user(user) if self.emulator else None
        name = self._user_name(user)
        return {"id": user, "username": name, "name": name,
                "team_id": known["team_id"] if known else self.team_id}

    def _user_name(self, user: str) -> str:
        known = self.emulator.get_user(user) if self.emulator else None
        return known["name"] if known else default_user_name(user)

    def _channel_name(self, channel: str) -> str:
        if channel.startswith("D"):
            return "directmessage"  # what Slack sends for commands run in a DM
        known = self.emulator.get_channel(channel) if self.emulator else None
        return known["name"] if known else channel.lower().removeprefix("c_")

    def _channel_type(self, channel: str) -> str:
        if channel.startswith("D"):
            return "im"
        known = self.emulator.get_channel(channel) if self.emulator else None
        return "group" if known and known["is_private"] else "channel"

    def _response_url(self) -> str:
        if self.emulator:
            return self.emulator.new_response_url()
        return f"https://hooks.slack.com/actions/{self.team_id}/{secrets.randbelow(10**12)}/x"

    def _trigger_id(self) -> str:
        # Issued by the emulator when there is one: it then opens one view within 3 seconds.
        if self.emulator:
            return self.emulator.new_trigger_id()
        # Slack's shape: "<digits>.<digits>.<hex>"; only uniqueness matters to bots.
        return f"{secrets.randbelow(10**12)}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"


def _check_ack(response: requests.Response, problems_of: Any) -> None:
    """Refuse, as Slack would, an acknowledgement body it can't show (invalid Block Kit, an
    unknown response_action, errors naming no input). Slack shows the person an error and
    drops the body; here the test fails at once, whichever test made the bot send it."""
    if response.status_code != 200 or not response.text:
        return
    try:
        body = response.json()
    except ValueError:
        return  # a plain-text answer
    problems = problems_of(body)
    if problems:
        raise AssertionError(f"Slack would refuse this acknowledgement: {problems}: {response.text[:500]}")


def _wall_clock_ts() -> str:
    return f"{time.time():.6f}"
