"""`/partner` use cases: each parsed command becomes an :class:`Outcome`."""

from __future__ import annotations

import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.clock import Clock
from bot.domain import commands as cmd
from bot.domain.coaching import stage_prompt
from bot.domain.dates import DueDateError, split_due
from bot.domain.ledger import paginate, select
from bot.domain.stages import Stage
from bot.domain.timezones import local_date
from bot.domain.visible_text import is_blank
from bot.services.channel_settings import ChannelSettings
from bot.services.coach import Coach
from bot.services.deals import Deals
from bot.services.ledger import Ledger
from bot.services.outcome import Message, Outcome, error, refuse
from bot.store import Scope

LIST_PAGE_SIZE = 10


@dataclass(frozen=True)
class Actor:
    """Who asked, where, and how to learn their time zone (a Slack call, so lazy)."""

    scope: Scope
    user: str
    tz: Callable[[], str]


class PartnerCommands:
    """Handles every `/partner` subcommand that works on the ledger and deals."""

    def __init__(
        self, ledger: Ledger, deals: Deals, settings: ChannelSettings, clock: Clock, coach: Coach
    ) -> None:
        self.ledger = ledger
        self.deals = deals
        self.settings = settings
        self.clock = clock
        self.coach = coach
        # Is this person in the channel? "member" | "outsider" | "unknown" | "unsure" (the
        # Slack directory, set by the container; without it everyone counts as a member).
        self.membership: Callable[[Scope, str], str] = lambda scope, user: "member"
        # One route per command type. The ledger's own are here; subcommands owned by
        # other features (scheduling, listening, meetings) are added through register()
        # by the code that builds that feature, and unhandled() proves none is missing.
        self._routes: dict[type, Callable[[Actor, Any], Outcome]] = {
            cmd.Help: lambda actor, c: Outcome(reply=Message("help", {"topic": c.topic})),
            cmd.AddItem: self.add,
            cmd.ListItems: self.list,
            cmd.CloseItem: self.close,
            cmd.ReopenItem: self.reopen,
            cmd.ResumeDeal: self.resume,
            cmd.EditItem: self.edit,
            cmd.SetStage: lambda actor, c: self.set_stage(actor, c.deal, c.stage),
            cmd.ListDeals: lambda actor, c: self.list_deals(actor),
        }

    def register(self, command_type: type, handler: Callable[[Actor, Any], Outcome]) -> None:
        """Route a subcommand owned by another feature to ``handler``; once per type."""
        if command_type in self._routes:
            raise ValueError(f"{command_type.__name__} already has a handler")
        self._routes[command_type] = handler

    def unhandled(self) -> list[type]:
        """Command types nothing answers yet (none once the app is fully built)."""
        return [t for t in typing.get_args(cmd.Command) if t not in self._routes]

    def today(self, tz: str) -> date:
        """Today's date where the user is."""
        return local_date(self.clock.now(), tz)

    def handle(self, actor: Actor, command: cmd.Command) -> Outcome:
        """Dispatch a parsed command."""
        route = self._routes.get(type(command))
        if route is None:
            raise TypeError(f"no handler for {command!r}")
        return route(actor, command)

    def add(self, actor: Actor, command: cmd.AddItem) -> Outcome:
        """`give` / `get`: record the item, confirm it with the channel's balance."""
        tz = actor.tz()
        try:
            what, due_on = split_due(command.text, self.clock.now(), tz)
        except DueDateError as exc:
            return refuse(exc.refusal, command.side)
        if is_blank(what):  # "give by Friday", "give @bob": the parts around the commitment, not it
            return error("add_needs_what", usage_of=command.side,
                         got="date" if due_on is not None or not command.owner else "owner")
        if due_on is None and (word := cmd.dangling_due_word(what)):
            return error("date_left_out", usage_of=command.side, word=word)
        owner_is = "member" if not command.owner or command.owner == actor.user else self.membership(
            actor.scope, command.owner)
        if owner_is == "unknown":  # a mention of nobody: an owner no one could ever remind
            return error("owner_unknown", usage_of=command.side, owner=command.owner)
        with self.ledger.transaction(actor.scope):  # the balance as of this give
            twin = self.ledger.open_twin(actor.scope, command.side, what, due_on)
            if twin is not None:  # typed twice (a slow answer, a paste): one promise, one line
                return error("item_duplicate", usage_of=command.side, number=twin.number, what=twin.what,
                             due=twin.due_on)
            item, _ = self.ledger.add(
                actor.scope,
                side=command.side,  # type: ignore[arg-type]
                what=what,
                owner=command.owner or actor.user,
                created_by=actor.user,
                due_on=due_on,
                counterpart=command.counterpart,
                visibility="private" if command.private else "shared",
            )
            today = self.today(tz)
            items, records = self.ledger.snapshot(actor.scope, today)
            # The advice shown is logged in the same write as the item: one sync before the ack.
            with self.ledger.other_writes(actor.scope):
                context = self.coach.context(actor.scope, items, today, records=records)
        return Outcome(reply=Message("item_added", {"item": item, "today": today, **context,
                                                    "owner_outside": owner_is == "outsider"}))

    def list(self, actor: Actor, command: cmd.ListItems) -> Outcome:
        """The channel's ledger, both columns, paginated to stay inside Block Kit limits."""
        today = self.today(actor.tz())
        items = self.ledger.items(actor.scope)
        shown = select(items, command.view, actor.user, today)
        page = paginate(shown, command.page, LIST_PAGE_SIZE)
        context = self.coach.context(actor.scope, items, today)
        return Outcome(
            reply=Message(
                "ledger_list",
                {"page": page, "view": command.view, "today": today, **context},
            )
        )

    def close(self, actor: Actor, command: cmd.CloseItem) -> Outcome:
        """`done` / `drop`."""
        return self.close_number(actor, command.number, command.status, command.mutual)

    def close_number(self, actor: Actor, number: int, status: str, mutual: bool = False) -> Outcome:
        """Close an item by number (also used by the buttons); ``mutual``: dropped by agreement."""
        tz = actor.tz()
        result = self.ledger.close(actor.scope, number, status, actor.user, tz, mutual)  # type: ignore[arg-type]
        if result.outcome == "not_found":
            return error("item_missing", number=number)
        if result.outcome in ("already_closed", "unchanged"):
            assert result.item is not None
            return error("item_already_closed", number=number, status=result.item.status)
        today = self.today(tz)
        context = self.coach.context(actor.scope, self.ledger.items(actor.scope), today)
        return Outcome(
            reply=Message("item_closed", {"item": result.item, "today": today, **context})
        )

    def reopen(self, actor: Actor, command: cmd.ReopenItem) -> Outcome:
        """`reopen <id>`: a done or dropped item open again, with the channel's balance and advice."""
        tz = actor.tz()
        result = self.ledger.reopen(actor.scope, command.number, actor.user)
        if result.outcome == "not_found":
            return error("item_missing", number=command.number)
        if result.outcome == "unchanged":
            return error("item_not_closed", number=command.number)
        today = self.today(tz)
        context = self.coach.context(actor.scope, self.ledger.items(actor.scope), today)
        return Outcome(reply=Message("item_reopened", {"item": result.item, "today": today, **context}))

    def resume(self, actor: Actor, command: cmd.ResumeDeal) -> Outcome:
        """`deal <name> resume`: a deal on hold back at the stage it was paused from."""
        deal, paused_from = self.deals.paused_from(actor.scope, command.deal)
        if deal is None:
            return error("deal_missing", usage_of="deal", deal=command.deal)
        if deal.stage is not Stage.ON_HOLD:
            return error("deal_not_on_hold", usage_of="deal", deal=deal.name, stage=deal.stage.label)
        if paused_from is None:
            return error("deal_resume_where", usage_of="deal", deal=deal.name)
        return self.set_stage(actor, deal.name, paused_from)

    def edit(self, actor: Actor, command: cmd.EditItem) -> Outcome:
        """`edit <id> [text] [by <when>]`."""
        tz = actor.tz()
        try:
            what, due_on = split_due(command.text, self.clock.now(), tz)
        except DueDateError as exc:
            return refuse(exc.refusal, "edit")
        what = "" if is_blank(what) else what  # "edit 3 \u200b by Friday" changes the date only
        if not what and due_on is None:
            return error("edit_needs_change", usage_of="edit")
        if due_on is None and (word := cmd.dangling_due_word(what)):  # "edit 3 by": not a rename to "by"
            return error("date_left_out", usage_of="edit", word=word)
        before = self.ledger.get(actor.scope, command.number)  # only to say what changed
        result = self.ledger.edit(actor.scope, command.number, what=what or None, due_on=due_on)
        if result.outcome == "not_found":
            return error("item_missing", number=command.number)
        if result.outcome == "already_closed":
            assert result.item is not None
            return error("edit_closed", number=command.number, status=result.item.status)
        return Outcome(
            reply=Message("item_edited", {"item": result.item, "before": before, "today": self.today(tz)})
        )

    def set_stage(
        self, actor: Actor, deal: str, stage: Stage, source: str = "command",
        occurred_at: datetime | None = None,
    ) -> Outcome:
        """Move a deal; a real change posts the stage's coaching prompt in the channel.

        ``occurred_at``: when the change happened at its source (a CRM webhook); an update
        older than the deal's last change changes nothing.
        """
        change = self.deals.set_stage(actor.scope, deal, stage, actor.user, occurred_at)
        if not change.changed:
            return Outcome(
                reply=Message("stage_unchanged", {"deal": change.deal, "stale": change.stale}),
            )
        today = self.today(actor.tz())
        # Posted to the channel: no private items when the partner is in it (Slack Connect).
        items = self.ledger.channel_items(actor.scope)
        partner_reads = self.ledger.externally_shared(actor.scope)
        context = self.coach.context(actor.scope, items, today, stage_changed=True,
                                     partner_reads=partner_reads)
        reflection = None
        if partner_reads and stage is Stage.LOST:
            # The reflection on a lost deal is our team's; where the partner reads, the post
            # thanks both sides and the person who marked it lost gets the questions.
            reflection = self.coach.context(actor.scope, self.ledger.items(actor.scope), today,
                                            stage_changed=True, remember=False)["nudge"]
        prompt = stage_prompt(stage)
        post = Message(
            prompt,
            {
                "deal": change.deal,
                "previous": change.previous,
                "user": actor.user,
                "source": source,
                "open_items": [c for c in items if c.is_open],
                "checkin_days": self.settings.get(actor.scope)["checkin_days"],
                "today": today,
                "stage_variant": len(change.deal.history) - 1,  # a new deal hears the canonical question
                **context,
            },
        )
        return Outcome(
            reply=Message("stage_set", {"deal": change.deal, "previous": change.previous,
                                        "reflection": reflection}),
            posts=[post],
            signed=[change.deal.name] if stage is Stage.SIGNED else [],
        )

    def list_deals(self, actor: Actor) -> Outcome:
        """`deal` with no arguments: the channel's deals and stages."""
        return Outcome(reply=Message("deal_list", {"deals": self.deals.all(actor.scope)}))
