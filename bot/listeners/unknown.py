"""The last listeners: whatever no other one takes is acknowledged with a clear answer.

Bolt answers a request no listener matches with a 404, which Slack shows as an error on
the button ("⚠️"), as "We had some trouble connecting" in a form that then can't be
closed, or as a failed slash command. What reaches here: a button or form of an older
release (its id since renamed), a link button's click (Slack sends those too), a slash
command an admin added to the app under another name, a shortcut or options request the
manifest never asked for. None of them changes anything.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, Respond

from bot.action_ids import SEPARATOR
from bot.domain.refusal import Refusal
from bot.listeners.actions import HANDLERS as ACTION_HANDLERS
from bot.listeners.commands import COMMAND
from bot.listeners.views import HANDLERS as VIEW_HANDLERS
from bot.services.outcome import refuse
from bot.slack.poster import form_errors, rendered

if TYPE_CHECKING:
    from bot.container import Services

ANYTHING = re.compile(".*")


def _anything_but(names: list[str], repeats: bool = False) -> re.Pattern[str]:
    """Any id except ``names`` (and, with ``repeats``, their numbered repeats).

    Bolt hands a request whose listener hasn't acked within its 3 seconds to the next
    listener that matches. Were that a catch-all, a `/partner` command slowed by a busy
    machine would be answered "I answer `/partner`, not /partner", and a slow button
    "retired", while its own listener goes on to do the work.
    """
    ours = "|".join(re.escape(name) for name in names)
    suffix = rf"(?:{SEPARATOR}\d+)?" if repeats else ""
    return re.compile(rf"^(?!(?:{ours}){suffix}$)")


OTHER_COMMANDS = _anything_but([COMMAND])
OTHER_ACTIONS = _anything_but(list(ACTION_HANDLERS), repeats=True)
OTHER_FORMS = _anything_but(list(VIEW_HANDLERS))
RETIRED_BUTTON = Refusal("button_retired")
RETIRED_FORM = Refusal("form_retired")


def register(app: App, services: Services) -> None:
    """Wire the catch-alls; registered after every other listener, so they only get the rest."""
    del services  # nothing of ours is touched
    app.command(OTHER_COMMANDS)(_other_command)
    app.action(OTHER_ACTIONS)(_other_action)
    app.view(OTHER_FORMS)(_other_form)
    app.view_closed(ANYTHING)(_just_ack)
    app.shortcut(ANYTHING)(_just_ack)
    app.options(ANYTHING)(_no_options)


def _other_command(ack: Ack, command: dict[str, Any]) -> None:
    reply = refuse(Refusal("command_unknown", {"command": str(command.get("command", ""))[:40]})).reply
    if reply is None:
        ack()
        return
    ack(**rendered(reply))


def _other_action(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    ack()
    actions = body.get("actions") or [{}]
    if actions[0].get("url"):
        return  # a link button: the browser opened the link, there is nothing to answer
    reply = refuse(RETIRED_BUTTON).reply
    if reply is not None and isinstance(body.get("response_url"), str):
        respond(replace_original=False, **rendered(reply))


def _other_form(ack: Ack, view: dict[str, Any]) -> None:
    """Show the note on the form's first input (Slack shows errors only there), else close it."""
    first_input = next((b.get("block_id") for b in view.get("blocks") or []
                        if isinstance(b, dict) and b.get("type") == "input" and b.get("block_id")), None)
    if first_input:
        ack(**form_errors({first_input: RETIRED_FORM}))
    else:
        ack(response_action="clear")


def _just_ack(ack: Ack) -> None:
    ack()


def _no_options(ack: Ack) -> None:
    ack(options=[])
