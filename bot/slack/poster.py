"""Posting rendered messages, with one place that logs and explains Web API failures."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.refusal import Refusal
from bot.messages import Message, render

log = logging.getLogger(__name__)

def rendered(message: Message) -> dict[str, Any]:
    """The Slack payload (text + blocks, or a view) of a message."""
    return render(message.template, **message.context)


def form_errors(problems: dict[str, Refusal]) -> dict[str, Any]:
    """The answer to a modal submission that shows each refusal under the input of its block id."""
    return rendered(Message("form_errors", {"problems": problems}))


def post(
    client: WebClient, channel: str, message: Message, **extra: Any
) -> tuple[str | None, str | None]:
    """Post to a channel; returns (ts, None) or (None, Slack's error code). Never raises."""
    try:
        payload = rendered(message)
        response = client.chat_postMessage(channel=channel, unfurl_links=False, **payload, **extra)
        return response.get("ts"), None
    except SlackApiError as exc:
        code = str(exc.response.get("error", "unknown_error"))
        log.warning("chat.postMessage to %s failed (%s, template %s)", channel, code, message.template)
        return None, code
    except Exception as exc:  # network failures after retries: report, don't crash the listener
        log.warning("chat.postMessage to %s failed (%s, template %s)", channel, type(exc).__name__,
                    message.template)
        return None, type(exc).__name__


def post_ephemeral(client: WebClient, channel: str, user: str, message: Message) -> bool:
    """Show a message to one person in a channel; False when Slack refused."""
    try:
        client.chat_postEphemeral(channel=channel, user=user, **rendered(message))
        return True
    except SlackApiError as exc:
        log.warning("chat.postEphemeral in %s failed (%s)", channel, exc.response.get("error"))
        return False
    except Exception as exc:  # timeouts, a template that can't render: report, don't crash
        log.warning("chat.postEphemeral in %s failed (%s, template %s)", channel, type(exc).__name__,
                    message.template)
        return False


def open_modal(client: WebClient, trigger_id: str, view: dict[str, Any], *, channel: str, user: str) -> bool:
    """Open a modal for a click; when Slack refuses (an expired trigger, an outage), tell
    the person who clicked, ephemerally, instead of leaving the button dead. Never raises."""
    try:
        client.views_open(trigger_id=trigger_id, view=view)
        return True
    except SlackApiError as exc:
        code = str(exc.response.get("error", "unknown_error"))
    except Exception as exc:  # network failures after retries
        code = type(exc).__name__
    log.warning("views.open for %s in %s failed (%s)", user, channel or "-", code)
    if channel and user:
        post_ephemeral(client, channel, user, Message("modal_failed", {"error": code}))
    return False
