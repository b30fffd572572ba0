"""Where a channel's share link and its plan's order are recorded: written by the plans use
cases, read by the coach, the digest and the pages.

Its own module so the coach can tell whether the plan is shared without importing the
plans use cases (which import the command handling that uses the coach).
"""

from __future__ import annotations

from datetime import date, datetime

from bot.domain.mutual_plan import link_expires_at
from bot.store import Scope, Store

SHARE = "plan_share"  # the channel's current link: {nonce, hash, created_at, created_by, expires_at}
SHARE_KEY = "current"
ORDER = "plan_order"  # the order the team put the plan's steps in: {"give": [numbers], "get": [...]}
ORDER_KEY = "current"


def shared_on(store: Store, scope: Scope, now: datetime | None = None) -> date | None:
    """The day the channel's live share link was made; None when the plan isn't shared.

    With ``now``, an expired link counts as no link: the partner can't read the plan.
    """
    current = store.get(scope, SHARE, SHARE_KEY)
    if current is None or (now is not None and now >= link_expires_at(current)):
        return None
    return datetime.fromisoformat(current["created_at"]).date()


def step_order(store: Store, scope: Scope) -> dict[str, list[int]]:
    """The order the team gave each side of the plan; empty sides read in attention order."""
    doc = store.get(scope, ORDER, ORDER_KEY) or {}
    return {side: [int(n) for n in doc.get(side) or ()] for side in ("give", "get")}
