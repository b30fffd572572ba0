"""The mutual action plan: the part of a channel's ledger the partner sees and co-signs.

Pure: no Slack, no store, no clock. "Ours" are the items we give, "theirs" the items
we expect from the partner (``get``). Private items never leave our team.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain.commands import MAX_WHAT
from bot.domain.ledger import Commitment, sort_key
from bot.domain.refusal import Refused
from bot.domain.workspace import Workspace

# 32 random bytes behind each link: guessing one is out of reach (2**256 tries).
NONCE_BYTES = 32
# A link token is a base64url HMAC-SHA256 without padding: exactly 43 characters.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
# A proposal may move a date this far ahead at most: a typo like 2206 is not a plan.
MAX_PROPOSAL_AHEAD = timedelta(days=3 * 365)
# A share link opens the plan for a month, about one stage of a deal: a link forwarded,
# pasted into the wrong thread or left in an old inbox stops working by itself, and the
# team re-issues it (`/partner share new`) in one command when the partner still needs it.
LINK_LIFETIME = timedelta(days=30)
# Steps a side of the plan may hold for a manual order to be kept: far more than any plan.
MAX_ORDERED_STEPS = 1000
# Spreadsheet apps run cells starting with these as formulas (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class PlanView:
    """What the partner's page, their Slack list and the export show, in reading order."""

    ours: list[Commitment]
    theirs: list[Commitment]
    today: date

    @property
    def items(self) -> list[Commitment]:
        return self.ours + self.theirs

    @property
    def kept(self) -> int:
        return sum(c.status == "done" for c in self.items)

    @property
    def overdue(self) -> int:
        return sum(c.is_overdue(self.today) for c in self.items)

    @property
    def unconfirmed(self) -> int:
        """Their open items they haven't co-signed yet."""
        return sum(c.is_open and not c.is_confirmed for c in self.theirs)


def partner_visible(item: Commitment) -> bool:
    """On the mutual plan: shared, and not dropped (a dropped item is no longer a commitment)."""
    return not item.is_private and item.status != "dropped"


def plan_view(items: list[Commitment], today: date,
              order: Mapping[str, Sequence[int]] | None = None) -> PlanView:
    """Split the partner-visible items into ours and theirs, in the order the team set.

    ``order``: per side ("give", "get"), the item numbers in the order the team put them
    (`/partner plan move`). Without one, a side reads in the order that needs attention:
    open and overdue first, then by due date, kept last. Steps the team never placed follow
    the placed ones, in that same order.
    """
    shown = sorted((c for c in items if partner_visible(c)), key=lambda c: sort_key(c, today))
    order = order or {}
    return PlanView(
        ours=placed([c for c in shown if c.side == "give"], order.get("give", ())),
        theirs=placed([c for c in shown if c.side == "get"], order.get("get", ())),
        today=today,
    )


def placed(items: list[Commitment], order: Sequence[int]) -> list[Commitment]:
    """``items`` (already in attention order) with the numbers in ``order`` first, as listed."""
    rank = {number: index for index, number in enumerate(order)}
    return sorted(items, key=lambda c: rank.get(c.number, len(rank)))  # stable: the rest keep theirs


def step_index(items: list[Commitment], today: date, order: Mapping[str, Sequence[int]] | None,
               number: int) -> int | None:
    """Where step ``number`` stands on its side of :func:`plan_view` (0 is first), or None
    when it isn't on the plan.

    Counted, not sorted: a form posted on the partner's page needs only this one place to
    send the browser back to the right page, not the whole plan built again.
    """
    by_number = {c.number: c for c in items}
    item = by_number.get(number)
    if item is None or not partner_visible(item):
        return None
    rank = {n: index for index, n in enumerate((order or {}).get(item.side, ()))}

    def place(c: Commitment) -> tuple[int, tuple[int, int, date, int]]:
        # plan_view's order: placed steps by their rank, then the rest in attention order.
        return rank.get(c.number, len(rank)), sort_key(c, today)

    here = place(item)
    return sum(1 for c in by_number.values()
               if c.side == item.side and partner_visible(c) and place(c) < here)


def link_expires_at(share: Mapping[str, str]) -> datetime:
    """When a channel's share link stops opening the plan.

    Links made before links expired carry no ``expires_at``: they last as long from when
    they were made, like any other.
    """
    if share.get("expires_at"):
        return datetime.fromisoformat(share["expires_at"])
    return datetime.fromisoformat(share["created_at"]) + LINK_LIFETIME


def days_unconfirmed(item: Commitment, today: date) -> int | None:
    """How long an open, shared expectation has waited for the partner's yes (None: not waiting).

    For the coaching model: an expectation nobody on their side agreed to for days is a
    reason to state it openly again.
    """
    if item.side != "get" or not item.is_open or item.is_private or item.is_confirmed:
        return None
    return max(0, (today - item.created_at.date()).days)


def partner_may_close(item: Commitment) -> bool:
    """A partner marks only their own side's shared items done; ours stay ours to close."""
    return item.side == "get" and not item.is_private


# ------------------------------------------------------------------ link tokens


def link_token(key: bytes, workspace: str, channel_id: str, nonce: str) -> str:
    """The secret in a channel's share link, derived from the server key and a stored nonce.

    Only the nonce and the token's hash are stored: the database alone reveals no link,
    and `/partner share` can still show the same link again.
    """
    message = "\0".join(("partner-coach plan link", workspace, channel_id, nonce)).encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    """What the store keeps of a token (and looks it up by)."""
    return hashlib.sha256(token.encode()).hexdigest()


def well_formed(token: str) -> bool:
    """Shaped like a link token; anything else is refused before any look-up."""
    return bool(_TOKEN.match(token))


def csrf_token(key: bytes, hashed: str) -> str:
    """The form token of a link's page: a page of another link (or none) can't forge it."""
    return hmac.new(key, ("partner-coach plan form\0" + hashed).encode(), hashlib.sha256).hexdigest()


def csrf_ok(key: bytes, hashed: str, given: str) -> bool:
    """Constant-time check of a submitted form token."""
    return hmac.compare_digest(csrf_token(key, hashed), given)


# ------------------------------------------------------------------ proposals


class ProposalError(Refused):
    """The proposed change can't be sent; its refusal says why, for the partner."""


@dataclass(frozen=True)
class Proposal:
    """A change the partner asks for: new wording and/or a new due date (None: unchanged)."""

    what: str | None
    due_on: date | None


def read_proposal(item: Commitment, what_text: str, due_text: str, today: date) -> Proposal:
    """Validate what the partner typed into the "propose a change" form."""
    what = " ".join(what_text.split())
    if len(what) > MAX_WHAT:
        raise ProposalError("proposal_too_long", limit=MAX_WHAT)
    due_on = None
    if due_text.strip():
        try:
            due_on = date.fromisoformat(due_text.strip())
        except ValueError:
            raise ProposalError("proposal_date_format") from None
        if due_on < today:
            raise ProposalError("proposal_date_past")
        if due_on - today > MAX_PROPOSAL_AHEAD:
            raise ProposalError("proposal_date_too_far")
    new_what = what if what and what != item.what else None
    new_due = due_on if due_on and due_on != item.due_on else None
    if new_what is None and new_due is None:
        raise ProposalError("proposal_unchanged")
    return Proposal(new_what, new_due)


# ------------------------------------------------------------------ export


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def plan_csv(view: PlanView, names: dict[str, str]) -> str:
    """The plan as CSV, one row per item; cells that a spreadsheet would run are defused."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", "side", "commitment", "owner", "counterpart", "due", "status", "confirmed"])
    for side, items in (("we commit", view.ours), ("you commit", view.theirs)):
        for item in items:
            kept = {"done": "kept"}.get(item.status, item.status)
            status = "overdue" if item.is_overdue(view.today) else kept
            writer.writerow([_cell(x) for x in (
                item.number, side, item.what, names.get(item.owner, item.owner), item.counterpart or "",
                item.due_on.isoformat() if item.due_on else "", status,
                "yes" if item.is_confirmed else "no",
            )])
    return out.getvalue()


# ------------------------------------------------------------------ Slack Connect


def is_external(host: str, team_id: str | None, enterprise_id: str | None = None) -> bool:
    """A member of another organisation in a Slack Connect channel.

    ``host`` is the installing workspace's key; ``team_id``/``enterprise_id`` are the
    person's own (``user.team_id`` in a payload, or users.info). People of another
    workspace of our own Enterprise Grid org are colleagues, not partners. Unknown
    (Slack didn't say): treated as a colleague, as before Slack Connect support.
    """
    if not team_id:
        return False
    ours = Workspace.from_key(host)
    if team_id == ours.team_id:
        return False
    return not (ours.enterprise_id and enterprise_id == ours.enterprise_id)
