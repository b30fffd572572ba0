"""The mutual plan use cases: share links, the partner's page, co-signing, proposals, export.

The Slack side (`/partner share|export|private|shared`, Accept/Decline buttons, what a
Slack Connect partner may do) and the web side (bot.web.plan_page) both come here.
No Slack imports: results are Outcomes and plain data.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from bot.clock import Clock
from bot.documents import render_markdown
from bot.domain import commands as cmd
from bot.domain.ledger import Commitment
from bot.domain.mutual_plan import (
    LINK_LIFETIME,
    MAX_ORDERED_STEPS,
    NONCE_BYTES,
    PlanView,
    ProposalError,
    link_expires_at,
    link_token,
    partner_may_close,
    partner_visible,
    plan_csv,
    plan_view,
    read_proposal,
    step_index,
    token_hash,
    well_formed,
)
from bot.domain.plan_moves import MoveError, move_step
from bot.domain.refusal import Refusal
from bot.domain.timezones import local_date
from bot.services.deals import Deal, Deals
from bot.services.ledger import Ledger
from bot.services.outcome import FileUpload, Message, Outcome, error, refuse
from bot.services.partner_command import Actor
from bot.services.plan_links import ORDER, ORDER_KEY, SHARE, SHARE_KEY, step_order
from bot.store import Scope, Store

# Where links are found by their hash, whichever workspace and channel they open.
LINKS = Scope("_plans", "_links")
LINK = "plan_link"
PROPOSAL = "plan_proposal"
PAGE_SOURCE = "partner"  # confirmed_by for a confirmation made on the page


@dataclass(frozen=True)
class PlanPage:
    """Everything the partner's page shows."""

    scope: Scope
    deals: list[Deal]
    view: PlanView
    next_checkin: datetime | None
    names: dict[str, str]
    pending: set[int] = field(default_factory=set)  # items with a proposal awaiting our answer


@dataclass(frozen=True)
class LinkState:
    """Where a channel's share link stands: ``none`` (never made, off, or a new server key),
    ``on`` until ``day``, or ``expired`` on ``day`` (a day in the channel's time zone)."""

    state: Literal["none", "on", "expired"]
    day: date | None = None


@dataclass(frozen=True)
class WebResult:
    """What a form on the page did; ``outcome`` also names the notice shown after the redirect."""

    outcome: Literal["confirmed", "already", "proposed", "refused", "not_found"]
    item: Commitment | None = None
    announce: Message | None = None  # to the channel
    direct: tuple[str, Message] | None = None  # (user id, message) to one of ours
    problem: Refusal | None = None  # why it was refused (a text of prompts/_errors.j2)


class MutualPlans:
    """Share links and the partner's side of the ledger."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        ledger: Ledger,
        deals: Deals,
        *,
        key: bytes | None,
        base_url: str | None,
        names: Callable[[str, str], str] = lambda workspace, user: user,
        channel_tz: Callable[[Scope], str] = lambda scope: "UTC",
        next_checkin: Callable[[Scope], datetime | None] = lambda scope: None,
        is_uninstalled: Callable[[str], bool] = lambda workspace: False,
    ) -> None:
        self.store, self.clock, self.ledger, self.deals = store, clock, ledger, deals
        self.key = key
        # Set after construction by whoever knows the public address (LocalBot knows it late).
        self.base_url = base_url.rstrip("/") if base_url else None
        self.names, self.channel_tz = names, channel_tz
        self.next_checkin, self.is_uninstalled = next_checkin, is_uninstalled

    # ------------------------------------------------------------------ Slack: share

    def share(self, actor: Actor, command: cmd.Share) -> Outcome:
        """`/partner share`: show the channel's link, creating it when there is none (or it
        expired); `share new` replaces it with a fresh one; `share off` revokes it."""
        if command.off:
            return Outcome(reply=Message("plan_share", {"link": None, "revoked": self._revoke(actor.scope)}))
        if self.key is None or not self.base_url:
            return error("share_not_configured")
        scope = actor.scope
        now = self.clock.now()
        with self.store.transaction(scope):
            current = self.store.get(scope, SHARE, SHARE_KEY)
            token = self._token(scope, current)
            expired_at = link_expires_at(current) if current is not None else None
            expired = expired_at is not None and now >= expired_at
            replaced = current is not None and command.new and not expired
            created = current is None or token_hash(token) != current["hash"] or expired or command.new
            if current is not None and created:
                # A new key, an expired link, or `share new`: the old link is dead from now on.
                self.store.delete(LINKS, LINK, current["hash"])
            if created:
                nonce = secrets.token_urlsafe(NONCE_BYTES)
                token = link_token(self.key, scope.workspace, scope.channel_id, nonce)
                current = {"nonce": nonce, "hash": token_hash(token), "created_by": actor.user,
                           "created_at": now.isoformat(), "expires_at": (now + LINK_LIFETIME).isoformat()}
                # The look-up record first: a link shown is always a link that opens.
                self.store.put(LINKS, LINK, current["hash"],
                               {"workspace": scope.workspace, "channel": scope.channel_id})
                self.store.put(scope, SHARE, SHARE_KEY, current)
        assert current is not None
        items = self.ledger.items(scope)
        tz = actor.tz()
        context = {
            "link": f"{self.base_url}/plans/{token}",
            "created": created,
            "replaced": replaced,
            "expired_on": local_date(expired_at, tz) if expired and expired_at else None,
            "expires_on": local_date(link_expires_at(current), tz),
            "days": LINK_LIFETIME.days,
            "shared": sum(partner_visible(c) for c in items),
            "private": sum(c.is_private and c.status != "dropped" for c in items),
            "revoked": False,
        }
        return Outcome(reply=Message("plan_share", context))

    def link_state(self, scope: Scope) -> LinkState:
        """Whether the partner's link opens the plan now, and until when (or since when not)."""
        share = self.store.get(scope, SHARE, SHARE_KEY)
        if share is None or self.key is None or not hmac.compare_digest(
                token_hash(self._token(scope, share)), share["hash"]):
            return LinkState("none")
        ends = link_expires_at(share)
        day = local_date(ends, self.channel_tz(scope))
        return LinkState("expired", day) if self.clock.now() >= ends else LinkState("on", day)

    def _token(self, scope: Scope, share: dict | None) -> str:
        """The token a channel's share record stands for under the current server key ("" for none)."""
        if share is None or self.key is None:
            return ""
        return link_token(self.key, scope.workspace, scope.channel_id, share["nonce"])

    def _revoke(self, scope: Scope) -> bool:
        with self.store.transaction(scope):
            current = self.store.get(scope, SHARE, SHARE_KEY)
            if current is None:
                return False
            self.store.delete(LINKS, LINK, current["hash"])
            self.store.delete(scope, SHARE, SHARE_KEY)
            return True

    def set_visibility(self, actor: Actor, command: cmd.SetVisibility) -> Outcome:
        """`/partner private <id>` / `/partner shared <id>`."""
        visibility = "private" if command.private else "shared"
        result = self.ledger.set_visibility(actor.scope, command.number, visibility)
        if result.outcome == "not_found":
            return error("item_missing", number=command.number)
        return Outcome(reply=Message("plan_visibility", {
            "item": result.item, "changed": result.outcome == "ok"}))

    # ------------------------------------------------------------------ Slack: the plan

    def show(self, actor: Actor, command: cmd.ShowPlan) -> Outcome:
        """`/partner plan` for our team: the plan as the partner reads it, and its link's state.

        Changes nothing, `confirm <id>` included: only the partner co-signs their side.
        """
        scope = actor.scope
        page = self.page(scope, today_tz=actor.tz())
        private = sum(c.is_private and c.status != "dropped" for c in self.ledger.items(scope))
        link = self.link_state(scope)
        return Outcome(reply=Message("plan_preview", {
            "view": page.view, "deals": page.deals, "page": max(1, command.page),
            "private": private, "linked": link.state == "on", "link": link, "confirm": command.confirm,
            "ordered": any(step_order(self.store, scope).values()),
        }))

    # ------------------------------------------------------------------ Slack: the order of the steps

    def move(self, actor: Actor, command: cmd.MoveStep) -> Outcome:
        """`/partner plan move <id> <position>`: put a step at a place on its side of the plan.

        The whole side's order is kept from then on, as the plan showed it with this one move;
        steps logged later join the end of their side.
        """
        scope = actor.scope
        item = self.ledger.get(scope, command.number)
        if item is None:
            return error("item_missing", number=command.number)
        if not partner_visible(item):
            return error("plan_move_not_on_plan", number=item.number, private=item.is_private)
        today = local_date(self.clock.now(), actor.tz())
        with self.store.transaction(scope):  # the side as it reads now, and its new order, at once
            order = step_order(self.store, scope)
            view = plan_view(self.ledger.items(scope), today, order)
            steps = view.ours if item.side == "give" else view.theirs
            numbers = [c.number for c in steps]
            try:
                moved = move_step(numbers, item.number, command.target)
            except MoveError as exc:
                return refuse(exc.refusal, "plan")
            if moved != numbers:  # a step already in place leaves the side's order as it was
                order[item.side] = moved[:MAX_ORDERED_STEPS]
                self.store.put(scope, ORDER, ORDER_KEY, order)
        by_number = {c.number: c for c in steps}
        return Outcome(reply=Message("plan_moved", {
            "item": item, "steps": [by_number[n] for n in moved], "position": moved.index(item.number) + 1,
            "changed": moved != numbers, "auto": False,
        }))

    def auto_order(self, actor: Actor, command: cmd.AutoOrder) -> Outcome:
        """`/partner plan order auto`: the plan reads in attention order again, both sides."""
        scope = actor.scope
        with self.store.transaction(scope):
            had = self.store.delete(scope, ORDER, ORDER_KEY)
        return Outcome(reply=Message("plan_moved", {"auto": True, "changed": had}))

    # ------------------------------------------------------------------ Slack: export

    def export(self, actor: Actor, command: cmd.Export) -> Outcome:
        """`/partner export`: the plan as Markdown and CSV files, uploaded after the ack."""
        page = self.page(actor.scope, today_tz=actor.tz())
        if not page.view.items:  # two empty files in the channel help nobody
            return error("plan_export_empty", usage_of="export")
        markdown = render_markdown("plan_export", page=page, view=page.view)
        csv_text = plan_csv(page.view, page.names)
        stem = f"mutual-plan-{page.view.today.isoformat()}"
        files = [FileUpload(f"{stem}.md", "Mutual plan (Markdown)", markdown),
                 FileUpload(f"{stem}.csv", "Mutual plan (CSV)", csv_text)]
        return Outcome(reply=Message("plan_exported", {"count": len(page.view.items)}), files=files)

    # ------------------------------------------------------------------ Slack Connect partners

    def for_partner(self, actor: Actor, command: cmd.Command, *, vouched: bool = True) -> Outcome:
        """What a member of the partner's workspace may do in a Slack Connect channel; also
        anyone Slack can't say is on our team (``vouched`` False), who is told why."""
        if isinstance(command, cmd.ShowPlan) and command.confirm is not None:
            return self.partner_confirm(actor, command.confirm)
        if isinstance(command, cmd.ListItems | cmd.Help | cmd.ShowPlan):
            page = self.page(actor.scope, today_tz=actor.tz())
            number = command.page if isinstance(command, cmd.ListItems | cmd.ShowPlan) else 1
            return Outcome(reply=Message("partner_list", {"view": page.view, "deals": page.deals,
                                                          "page": max(1, number),
                                                          "intro": isinstance(command, cmd.Help)}))
        if isinstance(command, cmd.CloseItem) and command.status == "done":
            return self.partner_close(actor, command.number)
        if not vouched:
            return error("who_unknown")
        if isinstance(command, cmd.AddItem):
            return error("partner_cannot_log")
        return error("partner_commands_only")

    def partner_close(self, actor: Actor, number: int) -> Outcome:
        """A partner marks one of their own shared items done; ours and private ones are refused."""
        item = self.ledger.get(actor.scope, number)
        if item is None or item.is_private:
            return error("plan_item_missing", number=number)
        if not partner_may_close(item):
            return error("plan_item_ours", number=number)
        result = self.ledger.close(actor.scope, number, "done", actor.user, actor.tz())
        if result.outcome == "already_closed":
            return error("item_already_closed", number=number, status=item.status)
        return Outcome(reply=Message("partner_done", {"item": result.item}),
                       posts=[Message("partner_done_announce", {"item": result.item, "user": actor.user})])

    def partner_confirm(self, actor: Actor, number: int) -> Outcome:
        """A partner co-signs one of their own items from Slack, as they would on the page."""
        item = self.ledger.get(actor.scope, number)
        if item is None or not partner_visible(item):
            return error("plan_item_missing", number=number)
        if item.side != "get":
            return error("plan_confirm_theirs_only", number=number)
        result = self.ledger.confirm(actor.scope, number, actor.user)
        if result.outcome == "already_closed":
            return error("item_already_closed", number=number, status=item.status)
        if result.outcome != "ok":
            return Outcome(reply=Message("partner_confirmed", {"item": result.item or item, "again": True}))
        return Outcome(reply=Message("partner_confirmed", {"item": result.item, "again": False}),
                       posts=[Message("plan_confirmed", {"item": result.item, "user": actor.user})])

    # ------------------------------------------------------------------ web: the page

    def open(self, token: str) -> Scope | None:
        """The channel a link token opens, or None (malformed, unknown, revoked, uninstalled)."""
        if not well_formed(token):
            return None
        doc = self.store.get(LINKS, LINK, token_hash(token))
        if doc is None or self.is_uninstalled(doc["workspace"]):
            return None
        scope = Scope(doc["workspace"], doc["channel"])
        # Still the channel's link, derived under the current key (a new key turns old links off).
        if not hmac.compare_digest(self._token(scope, self.store.get(scope, SHARE, SHARE_KEY)), token):
            return None
        return scope

    def page(self, scope: Scope, today_tz: str | None = None) -> PlanPage:
        """The plan as the partner sees it, dated in the channel's time zone."""
        today = local_date(self.clock.now(), today_tz or self.channel_tz(scope))
        view = plan_view(self.ledger.items(scope), today, step_order(self.store, scope))
        owners = {c.owner for c in view.items}
        pending = {int(d["number"]) for d in self.store.find(scope, PROPOSAL) if d.get("status") == "pending"}
        return PlanPage(
            scope=scope, deals=self.deals.all(scope), view=view, next_checkin=self.next_checkin(scope),
            names={u: self.names(scope.workspace, u) for u in owners}, pending=pending,
        )

    def step_index(self, scope: Scope, number: int) -> int | None:
        """Where item ``number`` stands on its side of :meth:`page`'s plan (0 first), or None.

        The same order as the page, worked out without building the page (no names, deals,
        proposals or check-ins): what the page's forms need to redirect to the right page.
        """
        today = local_date(self.clock.now(), self.channel_tz(scope))
        return step_index(self.ledger.items(scope), today, step_order(self.store, scope), number)

    def _their_item(self, scope: Scope, number: int) -> Commitment | None:
        item = self.ledger.get(scope, number)
        return item if item is not None and partner_visible(item) and item.side == "get" else None

    def confirm(self, scope: Scope, number: int) -> WebResult:
        """The partner co-signs one of their items; a second submit changes and announces nothing."""
        if self._their_item(scope, number) is None:
            return WebResult("not_found")
        result = self.ledger.confirm(scope, number, PAGE_SOURCE)
        if result.outcome == "already_closed":
            return WebResult("refused", result.item, problem=Refusal("plan_item_closed"))
        if result.outcome != "ok":
            return WebResult("already" if result.outcome == "unchanged" else "not_found", result.item)
        return WebResult("confirmed", result.item, announce=Message("plan_confirmed", {"item": result.item}))

    def propose(self, scope: Scope, number: int, what: str, due: str) -> WebResult:
        """The partner asks to change an item's wording or date; its owner answers in Slack."""
        item = self._their_item(scope, number)
        if item is None:
            return WebResult("not_found")
        if not item.is_open:
            return WebResult("refused", item, problem=Refusal("plan_item_closed"))
        today = local_date(self.clock.now(), self.channel_tz(scope))
        try:
            proposal = read_proposal(item, what, due, today)
        except ProposalError as exc:
            return WebResult("refused", item, problem=exc.refusal)
        with self.store.transaction(scope):
            waiting = self.store.find(scope, PROPOSAL, lambda d: d.get("number") == number
                                      and d.get("status") == "pending")
            if waiting:
                # One open question per item: the link can't be used to flood someone's DMs.
                return WebResult("refused", item, problem=Refusal("proposal_waiting"))
            proposal_id = secrets.token_hex(8)
            self.store.put(scope, PROPOSAL, proposal_id, {
                "id": proposal_id, "number": number, "status": "pending",
                "what": proposal.what, "due_on": proposal.due_on.isoformat() if proposal.due_on else None,
                "created_at": self.clock.now().isoformat(),
            })
        message = Message("plan_proposal", {"item": item, "proposal": proposal, "proposal_id": proposal_id,
                                            "channel": scope.channel_id, "today": today})
        return WebResult("proposed", item, direct=(item.owner, message))

    # ------------------------------------------------------------------ Slack: answering a proposal

    def decide(self, actor: Actor, proposal_id: str, accept: bool) -> Outcome:
        """The item's owner accepts (the change is applied, co-signed) or declines a proposal."""
        scope = actor.scope
        with self.store.transaction(scope):
            doc = self.store.get(scope, PROPOSAL, proposal_id)
            if doc is None:
                return error("proposal_gone")
            item = self.ledger.get(scope, int(doc["number"]))
            if item is None:
                return error("proposal_item_gone")
            if actor.user != item.owner:
                return error("proposal_not_owner")
            if doc["status"] != "pending":
                return Outcome(reply=Message("plan_proposal_decided", {
                    "item": item, "accepted": doc["status"] == "accepted", "again": True}))
            if accept:
                due_on = date.fromisoformat(doc["due_on"]) if doc.get("due_on") else None
                result = self.ledger.edit(scope, item.number, what=doc.get("what"), due_on=due_on)
                if result.outcome != "ok":
                    return error("item_already_closed", number=item.number, status=item.status)
                confirmed = self.ledger.confirm(scope, item.number, PAGE_SOURCE)
                item = confirmed.item or result.item or item
            self.store.put(scope, PROPOSAL, proposal_id,
                           {**doc, "status": "accepted" if accept else "declined", "decided_by": actor.user,
                            "decided_at": self.clock.now().isoformat()})
        reply = Message("plan_proposal_decided", {"item": item, "accepted": accept, "again": False})
        posts = [Message("plan_proposal_announce", {"item": item, "user": actor.user})] if accept else []
        return Outcome(reply=reply, posts=posts)
