"""`/partner …`: parse, run the use case, answer within the 3-second ack, then post."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot import metrics
from bot.domain.commands import Command, UsageError, needs_the_channel, parse_command
from bot.listeners.payload import workspace_of
from bot.services.outcome import FileUpload, Message, Outcome, error, refuse
from bot.slack.files import upload_files
from bot.slack.poster import post, rendered

if TYPE_CHECKING:
    from bot.container import Services
    from bot.services.partner_command import Actor

# What a partner may use (bot.services.plans.for_partner); None: a word with no guess at all.
PARTNER_SUBCOMMANDS = (None, "list", "done", "plan", "help")
# Slips in `plan` commands only our team may use (the order of the steps).
OUR_PLAN_REFUSALS = frozenset({"plan_move_shape", "plan_order_shape"})


def make_partner_handler(services: Services) -> Callable[..., None]:
    """The listener for `/partner`, closed over the app's services."""

    def handle_partner(
        ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond, logger: Any,
        context: BoltContext,
    ) -> None:
        actor = services.actor(workspace_of(context), command["channel_id"], command["user_id"])
        trigger = command.get("trigger_id")
        receipts = services.receipts
        if trigger and receipts is not None and not receipts.first(actor.scope, str(trigger)):
            # The same invocation again (each gets its own trigger id): a redelivery or a
            # replay of a captured request, even after a restart. Answered the first time.
            ack()
            return
        posts: list[Message] = []
        files: list[FileUpload] = []
        parsed: Command | None = None
        try:
            parsed = parse_command(command.get("text", ""))
            directory, workspace = services.directory, actor.scope.workspace
            # Asked first: when Slack answers the next look-up, they're whoever it says.
            vouched = not directory.is_unvouched(workspace, actor.user)
            if services.plans is not None and directory.is_partner(workspace, actor.scope.channel_id,
                                                                   actor.user):
                # A Slack Connect partner sees the mutual plan, never our private items or
                # coaching; so does anyone Slack can't say is on our team (told why).
                outcome = services.plans.for_partner(actor, parsed, vouched=vouched)
            else:
                outcome = services.partner.handle(actor, parsed)
            # Check-ins are planned before the ack, so an acknowledged signature has them.
            for deal in outcome.signed:
                services.on_signed(actor, deal)
            reply = rendered(outcome.reply) if outcome.reply else {}
            posts, files = outcome.posts, outcome.files
        except UsageError as exc:
            reply = rendered(_usage_refusal(services, actor, exc).reply)
        except Exception:
            logger.exception("/partner failed in %s", command.get("channel_id"))
            metrics.current().listener_error("command")
            reply = rendered(error("internal").reply)
        # The write is durable before this ack: what Slack acknowledges is stored.
        ack(**reply)
        if trigger and receipts is not None:
            receipts.tidy(actor.scope)  # after the ack: forgetting old triggers costs a sync
        if parsed is not None and needs_the_channel(parsed, actor.scope.channel_id) and \
                services.directory.bot_in_channel(actor.scope.workspace, actor.scope.channel_id) is False:
            # Slack runs a command in any channel, but only a member can post there: say so
            # once, instead of a failed post per message, and post nothing.
            respond(**rendered(Message("bot_not_in_channel", {})))
            return
        for message in posts:
            _, failure = post(client, actor.scope.channel_id, message)
            if failure:
                respond(**rendered(Message("post_failed", {"error": failure})))
        failure = upload_files(client, actor.scope.channel_id, files)
        if failure:
            respond(**rendered(Message("plan_export_failed", {"error": failure})))

    return handle_partner


def _usage_refusal(services: Services, actor: Actor, exc: UsageError) -> Outcome:
    """The answer to a command that didn't parse; a partner is told what they can do instead
    of the shape of a command of ours ("type `/partner give …`" to someone who may not give)."""
    adds = exc.subcommand in ("give", "get") or exc.refusal.key == "plan_add_side"
    ours = exc.subcommand not in PARTNER_SUBCOMMANDS or exc.refusal.key in OUR_PLAN_REFUSALS
    # `plan`'s usage names `plan move`, ours too: a partner's slip with `plan` gets the words alone.
    if ((adds or ours or exc.subcommand == "plan") and services.plans is not None
            and services.directory.is_partner(actor.scope.workspace, actor.scope.channel_id, actor.user)):
        if exc.subcommand == "plan" and not (adds or ours):
            return refuse(exc.refusal, None)
        return error("partner_cannot_log" if adds else "partner_commands_only")
    return refuse(exc.refusal, exc.subcommand)
