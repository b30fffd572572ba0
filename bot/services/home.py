"""The App Home tab: a person's open commitments and deals across their channels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain.attention import Attention, attention
from bot.domain.ledger import Balance, Commitment, side_records, sort_key
from bot.domain.mutual_plan import PlanView, plan_view
from bot.domain.refusal import Refusal
from bot.services.deals import Deal, Deals
from bot.services.ledger import Ledger
from bot.services.outcome import Message
from bot.store import Store

HOME_ITEMS_LIMIT = 30
HOME_DEALS_LIMIT = 15
HOME_PARTNER_CHANNELS = 10


@dataclass(frozen=True)
class HomeItem:
    channel: str
    item: Commitment


@dataclass(frozen=True)
class HomeDeal:
    channel: str
    deal: Deal
    balance: Balance
    plan: PlanView  # the channel's mutual plan, counted as its page counts it
    attention: Attention  # how much it needs its owner now, and why (bot/domain/attention.py)


def home_message(
    store: Store, ledger: Ledger, deals: Deals, workspace: str, user: str,
    member_of: set[str], today: date, notice: Refusal | None = None, partner_in: list[str] | None = None,
) -> Message:
    """Build the Home view for ``user``; only channels in ``member_of`` are read.

    ``partner_in``: channels where ``user`` is the partner (Slack Connect, or a guest): their
    Home tab tells them where their plan is instead of how our team starts, and reads nothing.
    """
    items: list[HomeItem] = []
    touched: list[HomeDeal] = []
    plans: list[str] = []  # the partner's channels that hold a plan (none of it is read here)
    for scope in store.scopes(workspace):
        if scope.channel_id in (partner_in or ()):
            plans.append(scope.channel_id)
        if scope.channel_id not in member_of:
            continue
        channel_items = ledger.items(scope)
        mine = [c for c in channel_items if c.is_open and c.owner == user]
        items.extend(HomeItem(scope.channel_id, c) for c in mine)
        involved = any(c.owner == user or c.created_by == user for c in channel_items)
        counted = None  # once per channel, for its deals
        for deal in deals.all(scope):
            if involved or deal.updated_by == user:
                if counted is None:
                    ours, theirs = side_records(channel_items, today)
                    counted = (ours, theirs, Balance(give=ours.tally, get=theirs.tally),
                               plan_view(channel_items, today))
                ours, theirs, channel_balance, plan = counted
                touched.append(HomeDeal(scope.channel_id, deal, channel_balance, plan,
                                        attention(deal.stage, ours, theirs, today)))
    items.sort(key=lambda h: sort_key(h.item, today))
    # The deal that needs its owner first comes first (our slip, ours due today, their slip, …);
    # among equals, the one touched last.
    touched.sort(key=lambda d: d.deal.updated_at, reverse=True)
    touched.sort(key=lambda d: d.attention.order)
    return Message(
        "home",
        {
            "items": items[:HOME_ITEMS_LIMIT],
            "more_items": max(0, len(items) - HOME_ITEMS_LIMIT),
            "deals": touched[:HOME_DEALS_LIMIT],
            "more_deals": max(0, len(touched) - HOME_DEALS_LIMIT),
            "user": user,
            "today": today,
            "notice": notice,
            "partner_in": sorted(plans)[:HOME_PARTNER_CHANNELS],
        },
    )
