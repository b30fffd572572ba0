"""Where a channel's live share link is recorded: written by the plans use cases, read by the coach.

Its own module so the coach can tell whether the plan is shared without importing the
plans use cases (which import the command handling that uses the coach).
"""

from __future__ import annotations

from datetime import date, datetime

from bot.store import Scope, Store

SHARE = "plan_share"  # the channel's current link: {nonce, hash, created_at, created_by}
SHARE_KEY = "current"


def shared_on(store: Store, scope: Scope) -> date | None:
    """The day the channel's live share link was made; None when the plan isn't shared."""
    current = store.get(scope, SHARE, SHARE_KEY)
    return datetime.fromisoformat(current["created_at"]).date() if current else None
