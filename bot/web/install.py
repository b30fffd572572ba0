"""The mutual plan feature assembled: the use cases, `/partner share|export|private|shared`,
and the ``/plans/`` pages the HTTP server routes to."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain import commands as cmd
from bot.schedule.jobs import parse
from bot.services.outcome import Message
from bot.services.plans import MutualPlans
from bot.slack.poster import post
from bot.store import Scope
from bot.web.plan_page import PlanPages

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.container import Services
    from bot.services.scheduled import Schedule


def plan_key(settings: Settings) -> bytes | None:
    """The server key behind link tokens and form tokens; None when there is no secret to use.

    ``PARTNER_COACH_PLAN_KEY`` when set, else derived from the signing secret (or the OAuth
    client secret): rotating that secret turns every share link off.
    """
    secret = settings.plan_key or settings.signing_secret or settings.client_secret
    if not secret:
        return None
    return hmac.new(secret.encode(), b"partner-coach mutual plan links", hashlib.sha256).digest()


def install_plans(services: Services, schedule: Schedule, settings: Settings) -> PlanPages:
    """Build the feature over the app's services; returns the WSGI handler for ``/plans/``."""

    def next_checkin(scope: Scope) -> datetime | None:
        pending = schedule.checkins.pending(scope)
        return parse(pending[0]["due_at"]) if pending else None

    plans = MutualPlans(
        services.store, services.clock, services.ledger, services.deals,
        key=plan_key(settings), base_url=settings.public_url,
        names=services.directory.display_name, channel_tz=schedule.zones.channel,
        next_checkin=next_checkin, is_uninstalled=services.workspaces.is_uninstalled,
    )
    services.plans = plans
    # Messages to a channel the partner's organisation shares, or where a guest account is a
    # member, leave private items out, and so do those to a channel Slack can't say about at
    # the moment: a post can't be unread.
    services.ledger.externally_shared = lambda scope: services.directory.has_outsiders(
        scope.workspace, scope.channel_id)
    services.partner.register(cmd.Share, plans.share)
    services.partner.register(cmd.Export, plans.export)
    services.partner.register(cmd.ShowPlan, plans.show)
    services.partner.register(cmd.MoveStep, plans.move)
    services.partner.register(cmd.AutoOrder, plans.auto_order)
    schedule.digests.plan_link = plans.link_state
    services.partner.register(cmd.SetVisibility, plans.set_visibility)

    def send(scope: Scope, target: str, message: Message) -> None:
        client = services.client_for(scope.workspace) if services.client_for else services.client
        post(client, target, message)  # logs a failure; the partner's answer is stored either way

    return PlanPages(plans, services.clock, send)
