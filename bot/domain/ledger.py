"""The two-sided ledger: what we give, what we expect to get, and how it balances."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Literal

Side = Literal["give", "get"]
Status = Literal["open", "done", "dropped"]
# Who may see an item: "shared" items are the mutual plan the partner sees (share page,
# Slack Connect members, exports); "private" ones stay with our team.
Visibility = Literal["shared", "private"]


@dataclass(frozen=True)
class Commitment:
    """One ledger line: a promise by us (give) or by the other side (get)."""

    number: int
    side: Side
    what: str
    owner: str  # Slack user id on our side who keeps it (give) or chases it (get)
    created_by: str
    created_at: datetime
    due_on: date | None = None
    counterpart: str | None = None  # who on their side, for gets
    deal: str | None = None
    status: Status = "open"
    closed_at: datetime | None = None
    closed_by: str | None = None
    source: str = "command"
    visibility: Visibility = "shared"
    # When the other side co-signed the item (on the plan page or in a Slack Connect
    # channel), and who: "partner" for the page, else their Slack user id.
    confirmed_at: datetime | None = None
    confirmed_by: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def is_private(self) -> bool:
        """Kept from the partner: never on the plan page, in exports or in their list."""
        return self.visibility == "private"

    @property
    def is_confirmed(self) -> bool:
        """The other side said yes to it (co-signed)."""
        return self.confirmed_at is not None

    def confirm(self, by: str, at: datetime) -> Commitment:
        """This item co-signed by the other side; confirming twice keeps the first."""
        return self if self.is_confirmed else replace(self, confirmed_at=at, confirmed_by=by)

    def is_overdue(self, today: date) -> bool:
        """Open and past its due date."""
        return self.is_open and self.due_on is not None and self.due_on < today

    def kept_late(self) -> bool:
        """Done after its due date."""
        return (
            self.status == "done"
            and self.due_on is not None
            and self.closed_at is not None
            and self.closed_at.date() > self.due_on
        )

    def close(self, status: Status, by: str, at: datetime) -> Commitment:
        """This item marked done or dropped."""
        return replace(self, status=status, closed_by=by, closed_at=at)

    def to_doc(self) -> dict[str, Any]:
        """A JSON-safe dict for the store."""
        # Every field is a scalar: a plain dict of them, not dataclasses.asdict's recursive copy.
        doc = {name: getattr(self, name) for name in _FIELD_ORDER}
        for key in ("created_at", "closed_at", "due_on", "confirmed_at"):
            if doc[key] is not None:
                doc[key] = doc[key].isoformat()
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Commitment:
        """Inverse of :meth:`to_doc`; ignores fields it doesn't know (from newer versions)."""
        # Hot path (every list, balance and Home tab): skip the filtering when it isn't needed.
        known = doc if doc.keys() <= _FIELDS else {k: v for k, v in doc.items() if k in _FIELDS}
        created_at, closed_at, due_on = known.get("created_at"), known.get("closed_at"), known.get("due_on")
        confirmed_at = known.get("confirmed_at")
        return cls(**{
            **known,
            "created_at": datetime.fromisoformat(created_at) if created_at else created_at,
            "closed_at": datetime.fromisoformat(closed_at) if closed_at else None,
            "due_on": date.fromisoformat(due_on) if due_on else None,
            "confirmed_at": datetime.fromisoformat(confirmed_at) if confirmed_at else None,
        })


_FIELD_ORDER = tuple(Commitment.__dataclass_fields__)
_FIELDS = frozenset(_FIELD_ORDER)


@dataclass(frozen=True)
class SideTally:
    """Counts for one column of the ledger."""

    open: int = 0
    kept: int = 0
    dropped: int = 0
    overdue: int = 0
    kept_late: int = 0

    @property
    def total(self) -> int:
        """Everything recorded except dropped items."""
        return self.open + self.kept


@dataclass(frozen=True)
class Balance:
    """Both columns of a channel's ledger."""

    give: SideTally = field(default_factory=SideTally)
    get: SideTally = field(default_factory=SideTally)

    @property
    def is_empty(self) -> bool:
        return self.give.total == 0 and self.get.total == 0


def tally(items: list[Commitment], side: Side, today: date) -> SideTally:
    """Count one side's items by state."""
    return getattr(balance(items, today), side)


def balance(items: list[Commitment], today: date) -> Balance:
    """The give/get balance of a set of commitments.

    One pass over the items: every confirmation shows the balance, so this runs on
    every request, over the channel's whole history.
    """
    counts = {"give": [0, 0, 0, 0, 0], "get": [0, 0, 0, 0, 0]}  # open, kept, dropped, overdue, late
    for c in items:
        row = counts.get(c.side)
        if row is None:
            continue
        status = c.status
        if status == "open":
            row[0] += 1
            if c.due_on is not None and c.due_on < today:
                row[3] += 1
        elif status == "done":
            row[1] += 1
            if c.kept_late():
                row[4] += 1
        elif status == "dropped":
            row[2] += 1
    give, get = (SideTally(*counts[side]) for side in ("give", "get"))
    return Balance(give=give, get=get)


def select(items: list[Commitment], view: str, user: str, today: date) -> list[Commitment]:
    """The items a `list` view shows, overdue first, then by due date, then by number."""
    if view == "all":
        chosen = list(items)
    elif view == "overdue":
        chosen = [c for c in items if c.is_overdue(today)]
    elif view == "mine":
        chosen = [c for c in items if c.is_open and c.owner == user]
    else:
        chosen = [c for c in items if c.is_open]
    return sorted(chosen, key=lambda c: sort_key(c, today))


def sort_key(item: Commitment, today: date) -> tuple[int, int, date, int]:
    """Open before closed, overdue first, then soonest due, undated last."""
    return (
        0 if item.is_open else 1,
        0 if item.is_overdue(today) else 1,
        item.due_on or date.max,
        item.number,
    )


@dataclass(frozen=True)
class Page:
    """One page of a long list."""

    items: list[Commitment]
    number: int
    count: int
    total: int


def paginate(items: list[Commitment], page: int, size: int) -> Page:
    """Cut a list into pages of ``size``; out-of-range pages clamp to the last one."""
    count = max(1, -(-len(items) // size))
    number = min(max(1, page), count)
    start = (number - 1) * size
    return Page(items=items[start : start + size], number=number, count=count, total=len(items))
