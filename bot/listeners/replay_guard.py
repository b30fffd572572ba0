"""Before any button or form listener runs: a click or form submission this bot has already
taken is answered, not run again.

Slack gives every click and every form submission its own ``trigger_id``, as it does each
slash command (bot.request_receipts). The same trigger twice is the same interaction
delivered again: a proxy resending, or someone replaying a captured request within its
5 signed minutes, to this process, another one, or after a restart. Only the first runs;
the second is told so where it happened (under the clicked message, on the Home tab, or on
the form) and changes nothing. Two clicks of a button are two triggers: each listener
answers the second as the state it finds (an item already closed, an offer already
logged).

A repeated click is answered once per process, after the ack (each answer is a Slack call:
made before the ack, a captured click replayed in a loop while Slack was slow held a request
thread per replay); later repeats of it are acknowledged and nothing more.

The trigger is noted in the click's channel (a Home tab's or a form's: the workspace's
``_clicks`` scope), so the write the click makes carries it in the same journal line and
sync. Slash commands never reach this guard's work: it looks at the payload's type only.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltRequest, BoltResponse, Respond
from slack_sdk import WebClient

from bot.action_ids import base_action_id
from bot.domain.refusal import Refusal
from bot.listeners import actions, views
from bot.listeners.payload import workspace_of
from bot.services.outcome import refuse
from bot.slack.poster import form_errors, rendered
from bot.store import Scope

if TYPE_CHECKING:
    from bot.container import Services

log = logging.getLogger(__name__)

Later = Callable[[Callable[[], None]], Any]  # runs a function after the ack

CLICKED_AGAIN = Refusal("click_repeated")
SUBMITTED_AGAIN = Refusal("form_repeated")
#: The payload types a person makes by clicking or submitting.
INTERACTIVE = frozenset({"block_actions", "view_submission"})
#: Where triggers of clicks outside a channel (the Home tab, forms) are noted.
NO_CHANNEL = "_clicks"
# A channel id as Slack writes them; anything else (made up with the signing secret) is
# noted under NO_CHANNEL rather than becoming a scope of its own.
_CHANNEL_ID = re.compile(r"[CDG][A-Z0-9]{1,31}")
# Slack's trigger ids are some 40 characters; a longer one is cut, not refused.
_TRIGGER_LIMIT = 200


def make_replay_guard(services: Services, later: Later | None = None) -> Callable[..., Any]:
    """The Bolt middleware (see the module). ``later(fn)`` runs ``fn`` after the ack (the
    listener pool); without it, the note is sent before."""
    answered = _Answered()

    def replay_guard(req: BoltRequest, next: Callable[[], Any]) -> Any:  # noqa: A002 - Bolt's name for it
        # Takes the request alone: a slash command (every `/partner give`) costs one look at
        # its payload's type, nothing Bolt would build for it.
        body, receipts = req.body, services.receipts
        if receipts is None or not isinstance(body, dict) or body.get("type") not in INTERACTIVE:
            return next()
        context = req.context
        client, respond = context.client, context.respond
        trigger = body.get("trigger_id")
        if not isinstance(trigger, str) or not trigger or not _ours(body):
            return next()  # no listener of ours takes it (bot.listeners.unknown): nothing to note
        scope, trigger = Scope(workspace_of(context), _scope_channel(body)), trigger[:_TRIGGER_LIMIT]
        if not receipts.first(scope, trigger):
            log.info("ignored a %s delivered again (trigger seen before) in %s",
                     body["type"], scope.channel_id)
            if body["type"] == "view_submission":
                return _answer_form(body.get("view"))
            if answered.first(scope, trigger):
                answer = partial(_answer_click, services, body, client, scope.workspace, respond)
                if later is None:
                    answer()
                else:
                    later(answer)
            return BoltResponse(status=200, body="")
        response = next()
        # Forgetting old triggers costs a sync, once per channel per window: after the answer.
        tidy = partial(receipts.tidy, scope)
        if later is None:
            tidy()
        else:
            later(tidy)
        return response

    return replay_guard


def _ours(body: dict[str, Any]) -> bool:
    """A listener of ours takes it: Bolt routes a click by its first action's id, a form by
    its callback id."""
    if body["type"] == "view_submission":
        view = body.get("view")
        return isinstance(view, dict) and view.get("callback_id") in views.HANDLERS
    clicked = body.get("actions")
    first = clicked[0] if isinstance(clicked, list) and clicked and isinstance(clicked[0], dict) else {}
    return base_action_id(first.get("action_id")) in actions.HANDLERS


def _scope_channel(body: dict[str, Any]) -> str:
    """The channel of the clicked message, else :data:`NO_CHANNEL`."""
    channel = body.get("channel")
    named = channel.get("id") if isinstance(channel, dict) else None
    return named if isinstance(named, str) and _CHANNEL_ID.fullmatch(named) else NO_CHANNEL


class _Answered:
    """Repeated triggers already answered by this process (the latest ``limit``)."""

    def __init__(self, limit: int = 10_000) -> None:
        self._seen: OrderedDict[tuple[Scope, str], None] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def first(self, scope: Scope, trigger: str) -> bool:
        """True the first time this process answers ``trigger`` as repeated."""
        with self._lock:
            if (scope, trigger) in self._seen:
                return False
            self._seen[(scope, trigger)] = None
            if len(self._seen) > self._limit:
                self._seen.popitem(last=False)
            return True


def _answer_click(services: Services, body: dict[str, Any], client: WebClient,
                  workspace: str, respond: Respond) -> None:
    """Say so where the click happened: on the Home tab, or under the clicked message."""
    person, view = body.get("user"), body.get("view")
    user = person.get("id") if isinstance(person, dict) else None
    try:
        if isinstance(view, dict) and view.get("type") == "home" and isinstance(user, str) and user:
            services.publish_home(client, workspace, user, CLICKED_AGAIN)
            return
        reply = refuse(CLICKED_AGAIN).reply
        if reply is not None and isinstance(body.get("response_url"), str):
            respond(replace_original=False, **rendered(reply))
    except Exception as exc:  # Slack failing to show the note: the click still changed nothing
        log.warning("couldn't answer a repeated click (%s)", type(exc).__name__)


def _answer_form(view: Any) -> BoltResponse:
    """Show the note on the form's first input (Slack shows errors only on inputs)."""
    blocks = view.get("blocks") if isinstance(view, dict) else None
    first_input = next((b.get("block_id") for b in blocks or []
                        if isinstance(b, dict) and b.get("type") == "input"
                        and isinstance(b.get("block_id"), str) and b.get("block_id")), None)
    answer = form_errors({first_input: SUBMITTED_AGAIN}) if first_input else {"response_action": "clear"}
    return BoltResponse(status=200, body=json.dumps(answer), headers={"content-type": "application/json"})
